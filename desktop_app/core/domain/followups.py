"""Follow-ups: what happened about a report after it was filed, as the desk records it.

NCMEC publishes no outcome per report, so a desk only learns what happened if it writes it down:
law-enforcement contacts, preservation requests, legal process received, information NCMEC or an
agency sent back, and the desk's own actions (account suspended, content removed, an appeal).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from desktop_app.core.errors import EvidenceDeskError


class FollowUpKind(StrEnum):
    """What kind of follow-up. The values are stable: stored, logged and counted."""

    LAW_ENFORCEMENT_CONTACT = "law-enforcement-contact"
    PRESERVATION_REQUEST = "preservation-request"
    LEGAL_PROCESS = "legal-process"
    INFORMATION_RECEIVED = "information-received"
    ACCOUNT_SUSPENDED = "account-suspended"
    CONTENT_REMOVED = "content-removed"
    APPEAL = "appeal"
    OTHER = "other"

    @property
    def received(self) -> bool:
        """Whether it came from outside (as opposed to the desk's own action)."""
        return self in _RECEIVED


_RECEIVED = {
    FollowUpKind.LAW_ENFORCEMENT_CONTACT,
    FollowUpKind.PRESERVATION_REQUEST,
    FollowUpKind.LEGAL_PROCESS,
    FollowUpKind.INFORMATION_RECEIVED,
}


@dataclass(frozen=True)
class FollowUp:
    """One follow-up on one report."""

    followup_id: str
    report_id: str
    kind: FollowUpKind
    occurred_at: datetime
    counterpart: str = ""  # the agency, NCMEC, the user who appealed
    reference: str = ""
    note: str = ""


class FollowUpRejected(EvidenceDeskError):
    """A follow-up that cannot be recorded as given."""

    code = "followup-rejected"
