"""Destroying evidence: a two-step act that cryptographically erases every copy the workspace holds.

Step one (``prepare``) says exactly what would be destroyed and refuses, naming them, while any
active hold still covers one of the items: neither a finished review nor a law-enforcement
request under 18 U.S.C. 2258B(c)(2) overrides what another hold requires. Step two
(``carry_out``) takes the plan back with its confirmation code, checks the holds again (they may
have changed in between), and erases in one transaction: the wrapped blob keys, the sources and
the readable columns, keeping each item's hashes and the fact of destruction, logged per item.
Then the blob files go, the WAL is folded (no old page keeps a key) and a checkpoint is sealed.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.holds import Hold
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.files import fsync_directory
from desktop_app.core.services.holds import HoldService
from desktop_app.core.services.second_person import Confirmation
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.erasure import erase_item
from desktop_app.core.storage.holds import HoldStore
from desktop_app.core.storage.items import ItemStore
from desktop_app.core.storage.reports import ReportStore


class DestructionRefused(EvidenceDeskError):
    """Destroying was refused: an active hold, a missing reason, a wrong confirmation, nothing to destroy."""

    code = "destruction-refused"


@dataclass(frozen=True)
class DestructionRequest:
    """A law-enforcement request to destroy (18 U.S.C. 2258B(c)(2))."""

    requester: str
    reference: str
    received_on: date

    def to_json(self) -> dict[str, str]:
        """As logged."""
        return {"requester": self.requester, "reference": self.reference, "received_on": self.received_on.isoformat()}


@dataclass(frozen=True)
class DestructionPlan:
    """What step one found; step two needs it back with ``confirmation``."""

    target: str
    item_ids: tuple[str, ...]
    reason: str
    request: DestructionRequest | None

    @property
    def basis(self) -> str:
        """Why destruction is allowed: a law-enforcement request, or a retention review."""
        return "2258B(c)(2) request" if self.request is not None else "retention review"

    @property
    def confirmation(self) -> str:
        """A short code naming exactly this plan: what the reviewer types to confirm it."""
        plan = {
            "target": self.target,
            "items": self.item_ids,
            "reason": self.reason,
            "request": self.request.to_json() if self.request else None,
        }
        return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:8]


def _blocking_text(holds: list[Hold]) -> str:
    parts = []
    for hold in holds:
        until = f"until {hold.ends_at:%Y-%m-%d}" if hold.ends_at else "until released"
        parts.append(f"{hold.why} (hold {hold.hold_id[:8]}, {until})")
    return "; ".join(parts)


class DestructionService:
    """Prepares and carries out destruction; the clock is injected like the holds'."""

    def __init__(self, workspace: Workspace, holds: HoldService, now: Callable[[], datetime] | None = None) -> None:
        self._workspace = workspace
        self._holds = holds
        self._now = now or (lambda: datetime.now(UTC))

    def prepare(self, target: str, reason: str, request: DestructionRequest | None = None) -> DestructionPlan:
        """Step one: the items ``target`` (an item id, or a report id: its files and held context) stands for.

        ``DestructionRefused`` naming every active hold that covers one of them.
        """
        reason = reason.strip()
        if not reason:
            raise DestructionRefused("Destroying evidence needs a reason; it is kept in the custody log.")
        if request is not None and not (request.requester.strip() and request.reference.strip()):
            raise DestructionRefused("A law-enforcement request needs the requesting agency and its reference.")
        holds = self._holds.holds()
        item_ids = self._items_of(target, holds)
        now = self._now()
        blocking = [h for h in holds if h.is_active(now) and set(h.items) & set(item_ids)]
        if blocking:
            raise DestructionRefused(
                f"Not destroyed: still held by {_blocking_text(blocking)}. A hold must end or be released first; "
                "a destruction request does not override another hold."
            )
        return DestructionPlan(target, tuple(item_ids), reason, request)

    def _items_of(self, target: str, holds: list[Hold]) -> list[str]:
        with self._workspace.db.read() as reader:
            conn = reader.conn
            destroyed = set(HoldStore(self._workspace.fields()).destructions(conn))
            exists, _ = ItemStore.blob_of(conn, target)
            if exists:
                candidates = [target]
            else:
                record = ReportStore(self._workspace.fields()).load(conn, target)
                if record is None:
                    raise DestructionRefused(f"{target!r} is neither an item nor a report of this workspace.")
                candidates = [f.item_id for f in record.draft.files if f.item_id]
                candidates += [i for h in holds if h.report_id == target for i in h.items]
        item_ids = [i for i in dict.fromkeys(candidates) if i not in destroyed]
        if not item_ids:
            raise DestructionRefused(f"Nothing left to destroy for {target!r}: its items are already destroyed.")
        return item_ids

    def carry_out(
        self, plan: DestructionPlan, confirmation: str, second_person: Confirmation | None = None
    ) -> list[str]:
        """Step two: erase every item of ``plan``; returns the ids destroyed.

        ``second_person``: who confirmed it besides the reviewer, when the setting asks for it;
        logged in each item's destruction event with the reviewer as the event's actor.
        """
        if confirmation.strip() != plan.confirmation:
            raise DestructionRefused(f"The confirmation code does not match; type {plan.confirmation} to destroy.")
        again = self.prepare(plan.target, plan.reason, plan.request)  # holds may have changed since step one
        if again.item_ids != plan.item_ids:
            raise DestructionRefused("What the target stands for changed since it was confirmed; prepare it again.")
        fields = self._workspace.fields()
        store, items = HoldStore(fields), ItemStore(fields)
        moment = self._now()
        blob_ids = []
        with self._workspace.db.write() as conn:
            for item_id in plan.item_ids:
                item = items.load(conn, item_id, False)
                digests = item.digests if item is not None else None
                record: dict[str, Any] = {
                    "basis": plan.basis,
                    "reason": plan.reason,
                    "request": plan.request.to_json() if plan.request else None,
                    "target": plan.target,
                    "md5": digests.md5 if digests else None,
                    "sha1": digests.sha1 if digests else None,
                    "sha256": digests.sha256 if digests else None,
                    **(second_person.to_json() if second_person else {}),
                }
                blob_id = erase_item(conn, fields, item_id, f"destroyed on {moment:%Y-%m-%d}")
                store.record_destruction(conn, item_id, moment, record)
                if blob_id is not None:
                    blob_ids.append(blob_id)
                    self._workspace.append_event(conn, EventType.BLOB_DESTROYED, {"reason": plan.reason}, blob_id)
                self._workspace.append_event(
                    conn, EventType.ITEM_DESTROYED, {**record, "blob": blob_id, "at": moment.isoformat()}, item_id
                )
        for blob_id in blob_ids:
            (self._workspace.blob_dir / blob_id).unlink(missing_ok=True)
        fsync_directory(self._workspace.blob_dir)
        self._workspace.db.fold_wal()
        self._workspace.checkpoint()
        self._workspace.db.fold_wal()  # the checkpoint's own write, too
        return list(plan.item_ids)

    def destroyed(self) -> dict[str, datetime]:
        """Every destroyed item and when: what lists and reports show as "destroyed on ..."."""
        with self._workspace.db.read() as reader:
            return {k: v[0] for k, v in HoldStore(self._workspace.fields()).destructions(reader.conn).items()}
