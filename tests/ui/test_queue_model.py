from dataclasses import replace

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QImage

import desktop_app.ui.models.queue_ordering as queue_ordering
from desktop_app.core.domain.items import ReviewState
from desktop_app.ui.models.queue import Column, QueueModel, Role
from desktop_app.ui.models.queue_columns import sort_key
from desktop_app.ui.models.queue_filter import QueueFilterModel
from desktop_app.ui.models.queue_order import SORT_RUN, QueueFilter, QueueSort, sorted_rows, view_order
from desktop_app.ui.models.queue_rows import KindGroup, QueueRow, rows_from_items, size_text
from desktop_app.ui.queue_feeder import CHUNK, QueueFeeder
from tests.ui.queue_data import broken_item, image_item, link_item, mixed_items, text_item, video_item


def no_thumbnails(item_id):
    return None


def model_with(items) -> QueueModel:
    model = QueueModel(no_thumbnails)
    model.append_rows(rows_from_items(items))
    return model


def column_values(model, column, role=Qt.ItemDataRole.DisplayRole):
    return [model.index(row, column).data(role) for row in range(model.rowCount())]


def test_model_and_proxy_pass_the_model_tester_through_every_change(qtmodeltester):
    model = QueueModel(no_thumbnails)
    proxy = QueueFilterModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(proxy)
    items = mixed_items(60)
    model.append_rows(rows_from_items(items[:25]))
    model.append_rows(rows_from_items(items[25:]))
    proxy.set_text("picture")
    model.update_rows([QueueRow.from_item(replace(items[3], state=ReviewState.TO_REPORT, viewed=True))])
    model.sort(Column.SIZE, Qt.SortOrder.DescendingOrder)
    proxy.set_state(ReviewState.NEW)
    assert model.remove_missing({item.item_id for item in items[10:]}) == 10
    proxy.set_text("")
    model.clear()
    assert model.rowCount() == proxy.rowCount() == 0


def test_a_filtered_proxy_with_rows_passes_the_c_plus_plus_tester(qtmodeltester):
    model = model_with(mixed_items(40))
    proxy = QueueFilterModel()
    proxy.setSourceModel(model)
    proxy.set_group(KindGroup.IMAGE)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_columns_show_what_the_reviewer_needs():
    items = [image_item(0, quality=87), video_item(1), text_item(2), link_item(3), broken_item(4)]
    model = model_with(items)
    assert column_values(model, Column.NAME)[:3] == ["picture-0000.png", "clip-0001.mp4", "chat transcript"]
    assert column_values(model, Column.TYPE) == ["Image · PNG", "Video · MP4", "Text", "Link", "Image · JPEG"]
    assert column_values(model, Column.PDQ_QUALITY)[:2] == ["87", "—"]
    assert column_values(model, Column.SHA256)[0] == items[0].digests.sha256[:12]
    assert column_values(model, Column.SHA256)[3] == "—"  # a link has no bytes
    assert set(column_values(model, Column.MATCH)) == {"—"}  # no hash lists yet
    assert column_values(model, Column.STATE)[2] == "In review"
    assert column_values(model, Column.VIEWED)[0] == "No"
    assert column_values(model, Column.SOURCE)[:3] == ["account0", "batch/", "Pasted text"]
    # Problems are on the row, as a tooltip and a role, not in a dialog.
    assert model.index(4, Column.NAME).data(Qt.ItemDataRole.ToolTipRole) == "cannot render: image file is truncated"
    assert model.index(3, Column.NAME).data(Role.PROBLEM).startswith("A symbolic link")
    assert model.index(0, Column.NAME).data(Role.PROBLEM) == ""
    assert model.index(0, Column.SIZE).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )


@pytest.mark.parametrize(
    ("size", "text"),
    [(None, "—"), (0, "0 B"), (999, "999 B"), (1000, "1.0 KB"), (14_230, "14.2 KB"), (3_400_000, "3.4 MB")],
)
def test_size_text(size, text):
    assert size_text(size) == text


def test_every_column_sorts_by_its_natural_key():
    items = [image_item(n, quality=q) for n, q in enumerate([40, 95, 70, 10])]
    items[0] = replace(items[0], size=900_000, state=ReviewState.REPORTED)
    items[2] = replace(items[2], size=5, state=ReviewState.IN_REVIEW, viewed=True)
    model = model_with(items)
    model.sort(Column.SIZE)
    sizes = [model.row_at(n).item.size for n in range(4)]
    assert sizes == sorted(sizes)  # numbers, not strings ("900.0 KB" < "5 B" as text)
    model.sort(Column.PDQ_QUALITY, Qt.SortOrder.DescendingOrder)
    assert column_values(model, Column.PDQ_QUALITY) == ["95", "70", "40", "10"]
    model.sort(Column.STATE)
    # Workflow order (new, in review, ..., reported), not alphabetical.
    assert column_values(model, Column.STATE) == ["New", "New", "In review", "Reported"]
    model.sort(Column.VIEWED, Qt.SortOrder.DescendingOrder)
    assert column_values(model, Column.VIEWED)[0] == "Yes"
    model.sort(Column.ADDED, Qt.SortOrder.DescendingOrder)
    assert [model.row_at(n).item.item_id for n in range(4)] == [items[n].item_id for n in (3, 2, 1, 0)]
    for column in Column:
        model.sort(column)  # every column has a key
        assert model.rowCount() == 4


def test_sorting_keeps_persistent_indexes_on_their_items():
    items = [image_item(n) for n in range(10)]
    model = model_with(items)
    held = QPersistentModelIndex(model.index(2, Column.NAME))
    model.sort(Column.ADDED, Qt.SortOrder.DescendingOrder)
    assert held.row() == 7 and held.data(Role.ITEM_ID) == items[2].item_id


def test_filters_by_text_state_kind_and_problems():
    items = mixed_items(40)
    items[7] = replace(items[7], state=ReviewState.TO_REPORT)
    model = model_with(items)
    proxy = QueueFilterModel()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 40 and not proxy.filtering
    proxy.set_text("PICTURE-0012")
    assert [proxy.index(r, 0).data(Role.ITEM_ID) for r in range(proxy.rowCount())] == ["item-000012"]
    proxy.set_text(items[30].digests.sha256[:20])  # by digest
    assert proxy.rowCount() == 1
    proxy.set_text("")
    proxy.set_state(ReviewState.TO_REPORT)
    assert proxy.rowCount() == 1
    proxy.set_state(None)
    proxy.set_group(KindGroup.VIDEO)
    assert proxy.rowCount() == 1 and proxy.index(0, Column.TYPE).data().startswith("Video")
    proxy.set_group(KindGroup.NOT_READ)
    assert proxy.rowCount() == 1
    proxy.set_group(None)
    proxy.set_problems_only(True)
    assert {proxy.index(r, 0).data(Role.ITEM_ID) for r in range(proxy.rowCount())} == {"item-000017", "item-000023"}


def test_proxy_sort_is_done_by_the_source_model():
    model = model_with([image_item(n) for n in range(5)])
    proxy = QueueFilterModel()
    proxy.setSourceModel(model)
    proxy.sort(Column.ADDED, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, Column.NAME).data() == "picture-0004.png"
    assert model.row_at(0).item_id == "item-000004"


def test_update_rows_replaces_only_known_items_and_append_updates_known_ids():
    items = [image_item(n) for n in range(3)]
    model = model_with(items)
    model.update_rows([QueueRow.from_item(replace(items[1], viewed=True)), QueueRow.from_item(image_item(99))])
    assert model.rowCount() == 3 and model.item("item-000001").viewed
    model.append_rows(
        [QueueRow.from_item(replace(items[0], state=ReviewState.DISMISSED)), QueueRow.from_item(image_item(9))]
    )
    assert model.rowCount() == 4 and model.item("item-000000").state == ReviewState.DISMISSED


def test_thumbnail_role_asks_only_for_renderable_items_and_returns_the_cached_image():
    cache = {"item-000001": QImage(8, 8, QImage.Format.Format_RGB888)}
    model = QueueModel(cache.get)
    model.append_rows(rows_from_items([image_item(0), image_item(1), text_item(2), broken_item(3)]))
    wanted = []
    model.thumbnail_wanted.connect(wanted.append)
    images = [model.index(row, Column.THUMBNAIL).data(Role.THUMBNAIL) for row in range(4)]
    assert images[0] is None and isinstance(images[1], QImage) and images[2] is None and images[3] is None
    assert wanted == ["item-000000"]


def test_feeder_inserts_in_time_boxed_slices_and_then_sorts(qtbot):
    model = QueueModel(no_thumbnails)
    model.sort(Column.ADDED, Qt.SortOrder.DescendingOrder)
    feeder = QueueFeeder(model)
    inserts = []
    model.rowsInserted.connect(lambda parent, first, last: inserts.append(last - first + 1))
    rows = rows_from_items([image_item(n) for n in range(3000)])
    with qtbot.waitSignal(feeder.loaded, timeout=10_000):
        feeder.add(rows)
        assert model.rowCount() == 0  # nothing happens synchronously: the event loop stays free
    assert model.rowCount() == 3000 and max(inserts) <= CHUNK and len(inserts) >= 3000 // CHUNK
    assert model.row_at(0).item_id == "item-002999"  # the sort was re-applied at the end

    # A reload: known rows update, unknown ones go, new ones come.
    later = [replace(rows[5].item, viewed=True)] + [image_item(n) for n in range(4000, 4010)]
    with qtbot.waitSignal(feeder.loaded, timeout=10_000):
        feeder.replace_all(rows_from_items(later))
    assert model.rowCount() == 11 and model.item("item-000005").viewed


def test_overlapping_reloads_never_list_an_item_twice(qtbot):
    model = QueueModel(no_thumbnails)
    feeder = QueueFeeder(model)
    first = rows_from_items([image_item(n) for n in range(2000)])
    second = rows_from_items([image_item(n) for n in range(2100)])
    feeder.replace_all(first)
    with qtbot.waitSignal(feeder.loaded, timeout=10_000):
        feeder.replace_all(second)  # arrives while the first is still being fed
    qtbot.wait(50)
    assert model.rowCount() == 2100 and len(model.listing()) == 2100
    fresh = QueueModel(no_thumbnails)
    fresh.append_rows([first[0], first[1], first[0]])  # one chunk holding an item twice
    assert fresh.rowCount() == 2


def test_a_set_filter_follows_changes_and_no_filter_keeps_every_row(qtmodeltester):
    items = [image_item(n) for n in range(6)]
    model = model_with(items)
    proxy = QueueFilterModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    model.update_rows([QueueRow.from_item(replace(items[0], state=ReviewState.TO_REPORT))])
    assert proxy.rowCount() == 6  # no filter: nothing to re-check
    proxy.set_state(ReviewState.NEW)
    assert proxy.rowCount() == 5
    model.update_rows([QueueRow.from_item(replace(items[1], state=ReviewState.REPORTED))])
    assert proxy.rowCount() == 4  # a set filter follows the change at once
    proxy.set_state(None)
    assert proxy.rowCount() == 6


def test_long_lived_allocation_pauses_the_collector_and_freezes_what_it_built():
    import gc

    from desktop_app.core.platform.interpreter import long_lived_allocation

    thresholds = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    with long_lived_allocation():
        assert gc.get_threshold()[:2] == thresholds[:2] and gc.get_threshold()[2] > 10**6  # only full ones wait
        with long_lived_allocation():  # nested: still deferred when the inner one ends
            pass
        assert gc.get_threshold()[2] > 10**6
        rows = rows_from_items([image_item(n) for n in range(200)])
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() > frozen_before
    assert gc.is_tracked(rows[0]) and len(rows) == 200
    gc.unfreeze()  # leave the interpreter as the next test expects it


def test_none_is_shielded_from_pysides_lost_references():
    """PySide6 6.12 returns None from void methods without a reference; 3.11 would abort after ~5,000."""
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QObject\n"
        "from desktop_app.ui.pyside_fixes import shield_none, void_calls_lose_none\n"
        "shielded = shield_none()\n"
        "probe = QObject()\n"
        "for _ in range(100_000):\n"
        "    probe.setObjectName('x')\n"
        "print(shielded, void_calls_lose_none())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    shielded, loses = done.stdout.split()
    # Shielded exactly when this interpreter and this PySide need it.
    assert shielded == str(loses == "True" and sys.version_info < (3, 12))


# -- filtering and sorting off the GUI thread ------------------------------------------------------


@pytest.fixture
def background_model(monkeypatch, pool, qtmodeltester):
    """A model that computes every new order on the pool (as a 100,000-row queue does)."""
    monkeypatch.setattr(queue_ordering, "BACKGROUND_ORDER_ROWS", 0)
    model = QueueModel(no_thumbnails, pool=pool)
    model.append_rows(rows_from_items([image_item(n) for n in range(300)]))
    qtmodeltester.check(model, force_py=True)  # keeps checking every change the test makes
    return model


def shown_ids(model):
    return [model.row_at(n).item_id for n in range(model.rowCount())]


def test_a_filter_computed_in_the_background_ends_in_the_matching_rows(qtbot, background_model):
    model = background_model
    proxy = QueueFilterModel()
    proxy.setSourceModel(model)
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        proxy.set_text("PICTURE-002")
        assert model.ordering and model.rowCount() == 300  # nothing changed yet on this thread
    assert not model.ordering
    assert shown_ids(model) == [f"item-{n:06d}" for n in range(20, 30)]
    assert proxy.rowCount() == 10 and model.total == 300
    assert model.position_of("item-000025") == 5 and model.position_of("item-000001") is None
    assert model.item("item-000001") is not None  # listed, only not shown


def test_a_stale_result_is_dropped_when_the_filter_changed_meanwhile(qtbot, background_model):
    model = background_model
    shown_counts = []
    model.layoutChanged.connect(lambda: shown_counts.append(model.rowCount()))
    model.set_filter(QueueFilter().with_text("picture-00"))  # 100 rows: asked first, never shown
    model.set_filter(QueueFilter().with_text("picture-029"))  # 10 rows: asked before the first arrived
    qtbot.waitUntil(lambda: not model.ordering, timeout=10_000)
    qtbot.wait(100)  # the first result has had every chance to arrive
    assert shown_counts == [10]
    assert shown_ids(model) == [f"item-{n:06d}" for n in range(290, 300)]


def test_rows_that_change_while_an_order_is_computed_are_merged_into_it(qtbot, background_model):
    model = background_model
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.set_filter(QueueFilter(state=ReviewState.NEW))
        model.sort(Column.ADDED, Qt.SortOrder.DescendingOrder)
        # The worker has a copy of the rows as they were; these happen before its result is applied.
        model.update_rows([QueueRow.from_item(replace(image_item(299), state=ReviewState.REPORTED))])
        model.append_rows(rows_from_items([image_item(300), image_item(301, state=ReviewState.DISMISSED)]))
        assert model.remove_ids(["item-000298"]) == 1
    ids = shown_ids(model)
    assert len(ids) == 299 and len(set(ids)) == 299  # 298 of the first 300, and one new row
    assert "item-000299" not in ids and "item-000298" not in ids and "item-000301" not in ids
    assert ids[0] == "item-000297" and ids[-1] == "item-000300"  # the new row waits at the end for a re-sort
    assert model.item("item-000299").state == ReviewState.REPORTED and model.total == 301


def test_selection_follows_its_items_through_a_background_sort_and_leaves_with_a_filter(qtbot, background_model):
    model = background_model
    held = QPersistentModelIndex(model.index(3, Column.NAME))
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.sort(Column.ADDED, Qt.SortOrder.DescendingOrder)
    assert held.row() == 296 and held.data(Role.ITEM_ID) == "item-000003"
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.set_filter(QueueFilter().with_text("picture-029"))
    assert not held.isValid()


def test_clearing_the_queue_drops_an_order_still_on_its_way(qtbot, background_model):
    model = background_model
    applied = []
    model.order_applied.connect(lambda: applied.append(True))
    model.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    model.clear()
    assert not model.ordering
    qtbot.wait(200)
    assert model.rowCount() == 0 and model.total == 0 and not applied


def test_sorting_in_runs_is_as_stable_as_one_sort():
    import random

    rows = rows_from_items([image_item(n, quality=n % 5) for n in range(3 * SORT_RUN + 17)])
    random.Random(7).shuffle(rows)
    for column in (Column.PDQ_QUALITY, Column.NAME, Column.STATE):
        for descending in (False, True):
            order = QueueSort(column, descending)
            assert sorted_rows(rows, order) == sorted(rows, key=sort_key(column), reverse=descending)
    shown = view_order(rows, QueueFilter(problems_only=True), QueueSort(Column.NAME))
    assert shown.rows == [] and shown.position_of == {}


def test_a_failed_background_order_is_reported_and_leaves_the_table_live(qtbot, background_model, monkeypatch):
    model = background_model

    def broken(*args, **kwargs):
        raise RuntimeError("ordering failed (test)")

    working = queue_ordering.view_order
    monkeypatch.setattr(queue_ordering, "view_order", broken)
    proxy = QueueFilterModel()
    proxy.setSourceModel(model)
    with qtbot.capture_exceptions() as reported:
        proxy.set_text("picture-002")
        assert model.ordering
        qtbot.waitUntil(lambda: not model.ordering, timeout=10_000)
    assert [str(e[1]) for e in reported] == ["ordering failed (test)"]  # the bug reached the crash handler
    assert model.rowCount() == 300  # the old order stays
    monkeypatch.setattr(queue_ordering, "view_order", working)
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        proxy.set_text("picture-0025")  # the next change is computed (in the background) and shown
        assert model.ordering
    assert shown_ids(model) == ["item-000025"]


def test_match_column_sort_and_filters_over_match_outcomes(qtmodeltester):
    from desktop_app.core.domain.hashlists import Algorithm, Match, MatchOutcome

    items = [image_item(n) for n in range(5)]
    exact = Match("l1", "Industry", Algorithm.SHA256, "ab" * 32, 0)
    near = Match("l2", "StopNCII", Algorithm.PDQ, "cd" * 32, 12, "rotate-90")
    outcomes = {
        items[1].item_id: MatchOutcome(items[1].item_id, (near,)),
        items[3].item_id: MatchOutcome(items[3].item_id, (exact, near)),
        items[4].item_id: MatchOutcome(items[4].item_id, (), ("PDQ not matched: quality 20 is below 50",)),
    }
    model = QueueModel(no_thumbnails)
    model.append_rows(rows_from_items(items, outcomes))
    qtmodeltester.check(model, force_py=True)
    assert column_values(model, Column.MATCH) == ["—", "StopNCII · PDQ 12", "—", "Industry · exact +1", "—"]
    tip = model.index(3, Column.MATCH).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Industry: SHA-256 exact\nStopNCII: PDQ distance 12 (rotate-90)"
    assert model.index(4, Column.MATCH).data(Qt.ItemDataRole.ToolTipRole).startswith("PDQ not matched")
    assert model.index(3, 0).data(Role.MATCHES) == (exact, near)
    model.sort(Column.MATCH)
    assert [model.row_at(n).item_id for n in range(2)] == [items[3].item_id, items[1].item_id]
    proxy = QueueFilterModel()
    proxy.setSourceModel(model)
    proxy.set_matches(True)
    assert {model.row_at(n).item_id for n in range(model.rowCount())} == {items[1].item_id, items[3].item_id}
    proxy.set_matches(True, "l1")
    assert [model.row_at(n).item_id for n in range(model.rowCount())] == [items[3].item_id]
    proxy.set_matches(False)
    assert model.rowCount() == 3 and proxy.filtering
    proxy.set_matches(None)
    assert model.rowCount() == 5 and not proxy.filtering
    # A state change keeps the row's matches (it is not re-matched).
    row = model.row_at(model.position_of(items[3].item_id))
    assert row.with_item(replace(items[3], state=ReviewState.TO_REPORT)).matches == (exact, near)


def test_a_text_file_is_text_in_the_type_column_and_the_text_filter():
    from dataclasses import replace

    from desktop_app.core.domain.media import MediaAnalysis, MediaKind
    from desktop_app.core.domain.readable_text import TEXT_FORMAT
    from desktop_app.ui.models.queue_rows import kind_group, kind_text

    read_as_text = replace(broken_item(7), analysis=MediaAnalysis(kind=MediaKind.OTHER, format=TEXT_FORMAT))
    other_bytes = replace(broken_item(8), analysis=MediaAnalysis(kind=MediaKind.OTHER, format="data"))
    assert (kind_text(read_as_text), kind_group(read_as_text)) == ("Text file", KindGroup.TEXT)
    assert (kind_text(other_bytes), kind_group(other_bytes)) == ("File", KindGroup.OTHER)
