"""Where a report stands with NCMEC according to the custody log, not the submissions table.

The ``submissions`` row says what ``submit`` may do next, but a row can be deleted, or replaced
by an older copy of itself (the sealed value is bound to its row, not to its version), and either
would let a report NCMEC already filed be opened a second time. Every change of a submission's
state is logged in the same transaction as the row, so the log's last word on a report is what the
row must agree with before a fresh ``/submit`` goes out.

Every write of the row also logs the SHA-256 of the sealed record it stored (``submission_sha256``),
so before anything acts on a row (submit, resume, retract, the reviewer's decision, the receipt)
the row must be that last version, not merely in an agreeing state: an older copy could re-upload
files to a report NCMEC already holds, hide its receipt, or let a decision reopen a filed report.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.errors import SubmissionNotAsLogged, SubmissionRefused
from desktop_app.core.storage.custody_log import LoggedEvent
from desktop_app.core.storage.submissions import SUBMISSION_DIGEST

# States in which nothing is open at NCMEC under this report: a fresh submit is allowed.
_SETTLED = ("draft", "retracted")
_TYPE = b'"type":"'  # the last member of an entry's canonical JSON
_READ = (b"submission.", str(EventType.REPORT_DRAFTS_RECORDED).encode())


@dataclass(frozen=True)
class LoggedSubmission:
    """The last state the log records for one report's submission, and NCMEC's id then."""

    state: str | None  # None: the log holds no submission of the report
    ncmec_report_id: int | None
    digest: str | None = None  # SHA-256 of the sealed record written last (None: written before digests)


def submission_events(plaintexts: Iterable[tuple[int, bytes]], report_id: str) -> Iterator[LoggedEvent]:
    """The entries ``logged_submission`` reads about one report, parsed; the rest passed over unparsed.

    A whole log's entries parsed cost several times its decryption; these are a handful.
    """
    key = report_id.encode()
    for seq, plaintext in plaintexts:
        if plaintext.startswith(_READ, plaintext.rfind(_TYPE) + len(_TYPE)) and key in plaintext:
            yield LoggedEvent(seq, CustodyEvent.from_json(plaintext))


def logged_submission(events: Iterable[LoggedEvent], report_id: str) -> LoggedSubmission:
    """Replay the report's ``submission.*`` events into the state they leave it in."""
    state: str | None = None
    ncmec: int | None = None
    digest: str | None = None
    for logged in events:
        event = logged.event
        recorded = event.data.get(SUBMISSION_DIGEST)
        if isinstance(recorded, dict):  # ``report.drafts-recorded`` of a workspace from before digests
            digest = recorded.get(report_id, digest)
        if event.subject != report_id:
            continue
        data = event.data
        if isinstance(recorded, str):
            digest = recorded
        step = data.get("step")
        if event.type == EventType.SUBMISSION_STEP_SENT and step == "submit":
            state, ncmec = "submitting", None
        elif event.type == EventType.SUBMISSION_STEP_ANSWERED and step == "submit":
            if data.get("outcome") == "done" and data.get("ncmec_report_id") is not None:
                state, ncmec = "open", data["ncmec_report_id"]
        elif event.type == EventType.SUBMISSION_STATE_CHANGED:
            state = str(data.get("to"))
        elif event.type == EventType.SUBMISSION_RECEIPT_ARCHIVED:
            state, ncmec = "finished", data.get("ncmec_report_id", ncmec)
        elif event.type == EventType.SUBMISSION_DECISION:
            state = "draft"  # the reviewer set an unknown submit aside
    return LoggedSubmission(state, ncmec, digest)


def refuse_if_not_as_logged(
    logged: str | None, stored: str | None, report_id: str, doing: str, *, row_needed: bool = False
) -> None:
    """``SubmissionNotAsLogged`` if the row's sealed record (``stored``) is not the one the log recorded last.

    A row the log records no digest for (written before digests, not yet recorded at a verified
    unlock) is let through: there is nothing to compare with. No row at all is let through too
    (``refuse_if_log_disagrees`` says whether it may be missing) unless ``row_needed``.
    """
    if logged is None or stored == logged or (stored is None and not row_needed):
        return
    raise SubmissionNotAsLogged(
        f"{doing} The submission of report {report_id[:8]} in the database is not the version the custody log "
        "saved last: an older copy of it was put back outside the app (it may show a step or state NCMEC has "
        "moved past, or lack NCMEC's receipt). Run 'log verify' to see what differs and restore the workspace "
        "from a backup."
    )


def refuse_if_log_disagrees(logged: LoggedSubmission, table_state: str | None, report_id: str) -> None:
    """``SubmissionRefused`` unless the log, like the table, says nothing is open or filed at NCMEC."""
    if logged.state is None or logged.state in _SETTLED:
        return
    number = f" (NCMEC report {logged.ncmec_report_id})" if logged.ncmec_report_id is not None else ""
    what = "finished at NCMEC" if logged.state == "finished" else f"{logged.state} at NCMEC"
    table = f"says '{table_state}'" if table_state is not None else "has no row for it"
    raise SubmissionRefused(
        f"The custody log shows report {report_id[:8]} {what}{number}, but the submissions table {table}: the "
        "database was edited or part of it restored from an older copy. Nothing was sent, so that NCMEC does not "
        "receive the report twice. Run 'log verify' and restore the workspace from a backup."
    )
