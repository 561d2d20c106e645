"""Follow-ups: recorded against reports, logged, read back per report and per reported account."""

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.followups import FollowUpKind, FollowUpRejected
from desktop_app.core.services.followups import FollowUpService
from desktop_app.core.services.statistics import figures_from_events
from tests.core.lifecycle.helpers import report_with_items


def test_a_reports_timeline_and_the_accounts_timeline(workspace, items, reports, tmp_path):
    first, _ = report_with_items(items, reports, tmp_path / "a")
    second, _ = report_with_items(items, reports, tmp_path / "b", seed=4)
    service = FollowUpService(workspace)
    now = datetime.now(UTC)
    account = reports.load(first).draft.report.all("personOrUserReported")[0].text("espIdentifier")

    with pytest.raises(FollowUpRejected, match="who it came from"):
        service.record(first, FollowUpKind.LEGAL_PROCESS, reference="subpoena 7")
    with pytest.raises(FollowUpRejected, match="future"):
        service.record(first, FollowUpKind.CONTENT_REMOVED, note="gone", occurred_at=now + timedelta(days=1))
    late = service.record(first, FollowUpKind.LEGAL_PROCESS, counterpart="Example County DA", reference="subpoena 7")
    early = service.record(
        first, FollowUpKind.ACCOUNT_SUSPENDED, note="account suspended", occurred_at=now - timedelta(days=3)
    )
    service.record(second, FollowUpKind.INFORMATION_RECEIVED, counterpart="NCMEC", note="referred to ICAC")

    assert service.timeline(first) == [early, late]
    assert [f.report_id for f in service.account_timeline(account)] == [first, first]
    events = [e.event for e in workspace.events() if e.event.type is EventType.FOLLOWUP_RECORDED]
    assert [e.subject for e in events] == [first, first, second]
    figures = figures_from_events([e.event for e in workspace.events()], now - timedelta(days=30), now + timedelta(1))
    assert figures.total("follow-ups received") == 2 and figures.total("desk actions") == 1
    raw = b"".join(p.read_bytes() for p in workspace.paths.workspace.iterdir() if p.name.startswith("workspace.db"))
    assert b"Example County DA" not in raw and b"subpoena 7" not in raw
