"""The preservation lifecycle's services, built together on one clock: holds, retention, destruction, figures."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_app.core.services.destruction import DestructionService
from desktop_app.core.services.followups import FollowUpService
from desktop_app.core.services.holds import HoldService
from desktop_app.core.services.retention import Reminder, RetentionService
from desktop_app.core.services.statistics import Figures, figures_from_events
from desktop_app.core.services.workspace import Workspace


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Lifecycle:
    """What happens to evidence after a report: how long it is held, and how it is destroyed."""

    holds: HoldService
    retention: RetentionService
    destruction: DestructionService
    followups: FollowUpService

    def at_unlock(self) -> list[Reminder]:
        """Derive the automatic holds and say what needs the reviewer: what the app shows after unlocking."""
        self.holds.derive_automatic()
        return self.retention.reminders()

    def figures(self, start: datetime, end: datetime) -> Figures:
        """The transparency figures of [start, end), recomputed from the custody log."""
        return figures_from_events((logged.event for logged in self.holds.workspace.events()), start, end)


def build_lifecycle(workspace: Workspace, now: Callable[[], datetime] = _utc_now) -> Lifecycle:
    """The three services on the same clock."""
    holds = HoldService(workspace, now)
    return Lifecycle(
        holds,
        RetentionService(workspace, holds, now),
        DestructionService(workspace, holds, now),
        FollowUpService(workspace, now),
    )
