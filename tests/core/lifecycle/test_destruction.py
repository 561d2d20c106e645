"""Destruction: refused while any hold binds, then nothing of the item's bytes or keys is left anywhere."""

from datetime import date, timedelta

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.holds import HoldSource
from desktop_app.core.services.destruction import DestructionRefused, DestructionRequest, DestructionService
from desktop_app.core.services.retention import RetentionService
from tests.core.lifecycle.helpers import finish, report_with_items


def _disk(workspace) -> bytes:
    """Every byte of the database, its WAL and the blob folder."""
    folder = workspace.paths.workspace
    files = [p for p in folder.iterdir() if p.name.startswith("workspace.db")]
    files += list(workspace.blob_dir.iterdir())
    return b"".join(p.read_bytes() for p in files if p.is_file())


def _traces(workspace, items, item_id) -> dict[str, bytes]:
    """What must not survive: the content, its file key, its wrapped key, the sealed name and source."""
    blob_id = items.get(item_id).blob_id
    vault = workspace.vault()
    with workspace.db.read() as reader:
        wrapped = bytes(
            reader.conn.execute("SELECT wrapped_key FROM blobs WHERE blob_id = ?", (blob_id,)).fetchone()[0]
        )
        meta = bytes(reader.conn.execute("SELECT meta_ct FROM items WHERE item_id = ?", (item_id,)).fetchone()[0])
        [source] = [
            bytes(r[0]) for r in reader.conn.execute("SELECT source_ct FROM item_sources WHERE item_id = ?", (item_id,))
        ]
    return {
        "content": vault.read_bytes(blob_id),
        "file key": vault._file_key(blob_id),
        "wrapped key": wrapped,
        "sealed name": meta,
        "sealed source": source,
        "encrypted file": (workspace.blob_dir / blob_id).read_bytes()[:4096],
    }


def test_an_item_under_another_hold_is_refused_with_the_hold_named(workspace, items, reports, holds, clock, tmp_path):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    finish(workspace, report_id, item_ids, clock.now - timedelta(days=400))
    holds.place(HoldSource.REQUEST_2703F, items=item_ids[:1], requester="Example PD", reference="EPD-77")
    destruction = DestructionService(workspace, holds, clock)
    request = DestructionRequest("Example PD", "EPD-DESTROY-1", date(2025, 4, 1))

    with pytest.raises(DestructionRefused, match="EPD-77") as refused:
        destruction.prepare(item_ids[0], "destroy on request", request)
    assert "2703(f)" in refused.value.message
    with pytest.raises(DestructionRefused, match="reason"):
        destruction.prepare(item_ids[1], " ")
    assert items.get(item_ids[0]).blob_id is not None


def test_destroying_a_reviewed_report_leaves_hashes_and_the_fact_and_nothing_else(
    workspace, items, reports, holds, clock, tmp_path
):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    finish(workspace, report_id, item_ids, clock.now - timedelta(days=400))
    digests = {i: items.get(i).digests for i in item_ids}
    traces = {i: _traces(workspace, items, i) for i in item_ids}
    destruction = DestructionService(workspace, holds, clock)
    assert RetentionService(workspace, holds, clock).rows()[0].review_due

    plan = destruction.prepare(report_id, "retention review: no hold remains")
    assert set(plan.item_ids) == set(item_ids)
    with pytest.raises(DestructionRefused, match="confirmation"):
        destruction.carry_out(plan, "nope")
    assert items.get(item_ids[0]).blob_id is not None  # step one alone destroys nothing
    assert destruction.carry_out(plan, plan.confirmation) == list(plan.item_ids)

    disk = _disk(workspace)
    for item_id, found in traces.items():
        for what, data in found.items():
            assert data not in disk, f"{what} of {item_id[:8]} survived"
        after = items.get(item_id)
        assert after.blob_id is None and after.sources == () and after.digests == digests[item_id]
    assert destruction.destroyed().keys() == set(item_ids)
    events = [e.event for e in workspace.events() if e.event.type is EventType.ITEM_DESTROYED]
    assert {e.subject for e in events} == set(item_ids)
    assert {e.data["sha256"] for e in events} == {d.sha256 for d in digests.values()}
    assert workspace.verify_log().ok
    # The report still loads and renders; the retention view says "destroyed on ...".
    assert reports.load(report_id).draft.files
    rows = RetentionService(workspace, holds, clock).rows()
    assert {r.status for r in rows if r.kind == "item"} == {f"destroyed on {clock.now:%Y-%m-%d}"}
    with pytest.raises(DestructionRefused, match="already destroyed"):
        destruction.prepare(report_id, "again")


def test_a_law_enforcement_request_is_recorded_with_the_destruction(workspace, items, reports, holds, clock, tmp_path):
    _, item_ids = report_with_items(items, reports, tmp_path / "m", pictures=1)
    destruction = DestructionService(workspace, holds, clock)
    request = DestructionRequest("Example County Sheriff", "ECS-2025-031", date(2025, 3, 3))

    plan = destruction.prepare(item_ids[0], "destroy as requested", request)
    destruction.carry_out(plan, plan.confirmation)

    [event] = [e.event for e in workspace.events() if e.event.type is EventType.ITEM_DESTROYED]
    assert event.data["basis"] == "2258B(c)(2) request"
    assert event.data["request"] == {
        "requester": "Example County Sheriff",
        "reference": "ECS-2025-031",
        "received_on": "2025-03-03",
    }
