from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, Qt

from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.storage.custody_log import LoggedEvent
from desktop_app.ui.models.custody_log import Column, CustodyLogFilterModel, CustodyLogModel, Role
from tests.ui.helpers import populate


def synthetic(n: int = 30) -> list[LoggedEvent]:
    kinds = [EventType.BLOB_STORED, EventType.LOG_VERIFIED, EventType.SETTINGS_CHANGED]
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    return [
        LoggedEvent(
            seq,
            CustodyEvent(
                kinds[seq % 3],
                "Reviewer",
                {"n": seq},
                f"blob-{seq:03d}" if kinds[seq % 3] == EventType.BLOB_STORED else None,
                start + timedelta(days=seq // 10, minutes=seq),
            ),
        )
        for seq in range(1, n + 1)
    ]


def proxy_over(events):
    model = CustodyLogModel()
    model.set_events(events)
    proxy = CustodyLogFilterModel()
    proxy.setSourceModel(model)
    return model, proxy


def column_values(proxy, column):
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_model_passes_the_model_tester(qtmodeltester, workspace):
    populate(workspace, blobs=4)
    model = CustodyLogModel()
    model.set_events(workspace.events())
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)


def test_empty_model_and_proxy_pass_the_model_tester(qtmodeltester):
    model, proxy = proxy_over([])
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_filtered_proxy_passes_the_model_tester(qtmodeltester):
    _, proxy = proxy_over(synthetic())
    proxy.set_event_type(str(EventType.BLOB_STORED))
    proxy.sort(Column.TIME, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_columns_and_roles():
    model, _ = proxy_over(synthetic(3))
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers == ["Seq", "Time (local)", "What happened", "Subject", "Actor", "Event", "Details"]
    first = model.index(0, Column.DETAILS)
    assert first.data() == '{"n":1}'
    assert model.index(0, Column.EVENT).data() == "log.verified"
    assert model.index(0, Column.SUBJECT).data() == "—"
    assert model.index(2, Column.SUBJECT).data(Role.SUBJECT) == "blob-003"
    assert model.index(0, 0).data(Role.SEQ) == 1
    assert isinstance(model.index(0, 0).data(Role.LOCAL_DATE), QDate)
    assert model.index(0, Column.TIME).data(Qt.ItemDataRole.ToolTipRole).endswith("(UTC)")
    assert not model.flags(first) & Qt.ItemFlag.ItemIsEditable


def test_filter_by_event_type_text_and_dates():
    events = synthetic(30)
    _, proxy = proxy_over(events)
    proxy.set_event_type(str(EventType.BLOB_STORED))
    assert proxy.rowCount() == 10
    assert set(column_values(proxy, Column.EVENT)) == {"evidence.stored"}

    proxy.set_text("BLOB-01")  # case-insensitive, subject or details
    assert sorted(column_values(proxy, Column.SUBJECT)) == ["blob-012", "blob-015", "blob-018"]

    proxy.set_event_type(None)
    proxy.set_text("")
    assert proxy.rowCount() == 30
    local_days = sorted({e.event.time.astimezone().date() for e in events})
    second = QDate(local_days[1].year, local_days[1].month, local_days[1].day)
    proxy.set_date_range(second, second)
    expected = [e.seq for e in events if e.event.time.astimezone().date() == local_days[1]]
    assert sorted(int(s) for s in column_values(proxy, Column.SEQ)) == expected
    proxy.set_date_range(second.addDays(100), None)
    assert proxy.rowCount() == 0
    proxy.set_date_range(None, None)
    assert proxy.rowCount() == 30


def test_sorting_is_numeric_not_textual():
    _, proxy = proxy_over(synthetic(12))
    proxy.sort(Column.SEQ, Qt.SortOrder.AscendingOrder)
    assert column_values(proxy, Column.SEQ)[:3] == ["1", "2", "3"]
    assert column_values(proxy, Column.SEQ)[-1] == "12"


def test_clear_empties_the_model():
    model, proxy = proxy_over(synthetic(5))
    model.clear()
    assert model.rowCount() == 0 and proxy.rowCount() == 0


def test_events_read_in_words_with_item_names_and_the_raw_event_one_click_away(qtbot):
    from datetime import UTC, datetime

    from desktop_app.core.domain.events import CustodyEvent
    from desktop_app.core.storage.custody_log import LoggedEvent
    from desktop_app.ui.models.custody_log import rows_from_events
    from desktop_app.ui.widgets.custody_log_view import CustodyLogWidget

    moment = datetime(2026, 5, 30, 21, 5, tzinfo=UTC)
    events = [
        LoggedEvent(1, CustodyEvent(EventType.ITEM_REVEALED, "Sam Rivera", {"mode": "full"}, "a" * 32, moment)),
        LoggedEvent(
            2, CustodyEvent(EventType.REPORT_FILE_ADDED, "Sam Rivera", {"item": "a" * 32}, "4aaed480" * 4, moment)
        ),
        LoggedEvent(3, CustodyEvent(EventType.ITEM_REVEALED, "Sam Rivera", {"mode": "exif"}, "b" * 32, moment)),
    ]
    model = CustodyLogModel()
    model.set_rows(rows_from_events(events, {"a" * 32: "bridge-1.jpg"}))
    what = [model.index(row, Column.WHAT).data() for row in range(3)]
    assert what == [
        "Revealed bridge-1.jpg in full",
        "Added bridge-1.jpg to report 4aaed480",
        "Revealed item bbbbbbbb (metadata only)",  # a name the view does not know: the id, short
    ]
    assert model.index(0, Column.SUBJECT).data() == "bridge-1.jpg"
    assert model.index(0, Column.SUBJECT).data(Qt.ItemDataRole.ToolTipRole) == "a" * 32
    widget = CustodyLogWidget(model)
    qtbot.addWidget(widget)
    widget.text_field.setText("bridge-1")  # found by name, though the log holds only the id
    assert widget.proxy.rowCount() == 2
    widget.text_field.clear()
    widget.table.selectRow(0)  # newest first: entry 3
    index = widget.table.model().index(0, 0)
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=widget.table.visualRect(index).center())
    raw = widget.raw_view.toPlainText()
    assert raw.startswith("Entry 3") and '"mode": "exif"' in raw and "b" * 32 in raw
