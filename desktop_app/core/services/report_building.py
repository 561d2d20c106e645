"""Pure pieces of report building, with no I/O.

Files pre-filled from queue items, what changed between two versions of a draft, the accounts a
report names, the reviewer's viewed-flag overrides, and the documents a report would send.

No I/O here; ``services.reports`` adds the workspace (storage, custody log, item service).
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from desktop_app.core.cybertipline import cross_rules
from desktop_app.core.cybertipline.findings import Finding, Severity, has_errors, ordered
from desktop_app.core.cybertipline.model import DraftFile, Node, ReportDraft, new_file_details
from desktop_app.core.cybertipline.referral import HASH_MATCH_NAME
from desktop_app.core.cybertipline.schema import REPORT
from desktop_app.core.cybertipline.serialize import serialize, serialize_file_details
from desktop_app.core.cybertipline.validate import check_draft
from desktop_app.core.cybertipline.values import parse_boolean, parse_integer
from desktop_app.core.cybertipline.xsd import CompiledXsd
from desktop_app.core.domain.hashlists import Algorithm, Match
from desktop_app.core.domain.items import Item, ItemSource
from desktop_app.core.errors import ItemHasNoContent, NcmecReportIdInvalid, ViewedOverrideReasonRequired
from desktop_app.core.storage.reports import ReportRecord, ViewedOverride

# Until NCMEC opens the report and receives the files, their ids are unknown: exported file
# details carry these, and say so (``RenderedDocument.placeholder_ids``).
PLACEHOLDER_REPORT_ID = 0
PLACEHOLDER_FILE_ID = "pending-{n}"
HASH_TYPES = (("MD5", "md5"), ("SHA1", "sha1"), ("SHA256", "sha256"))


@dataclass(frozen=True)
class RenderedDocument:
    """One XML document a report would send: ``report.xml`` or one file's details."""

    name: str
    kind: str  # "report" or "fileDetails"
    data: bytes
    item_id: str | None = None
    placeholder_ids: bool = False  # reportId/fileId are stand-ins until NCMEC assigns them


@dataclass(frozen=True)
class ReportSummary:
    """One row of the drafts list."""

    report_id: str
    created_at: datetime
    updated_at: datetime
    status: str
    incident_type: str
    reported_user: str
    files: int
    errors: int
    warnings: int
    ncmec_report_id: int | None


def summarise(record: ReportRecord, findings: Sequence[Finding]) -> ReportSummary:
    """What the drafts list shows about a report."""
    summary = record.draft.report.get("incidentSummary")
    person = record.draft.report.get("personOrUserReported")
    who = (person.text("screenName") or person.text("espIdentifier") or "") if person is not None else ""
    return ReportSummary(
        record.report_id,
        record.created_at,
        record.updated_at,
        record.status,
        (summary.text("incidentType") or "") if summary is not None else "",
        who,
        len(record.draft.files),
        sum(1 for f in findings if f.severity is Severity.ERROR),
        sum(1 for f in findings if f.severity is Severity.WARNING),
        record.ncmec_report_id,
    )


# -- files from queue items ------------------------------------------------------------------------


def _first(sources: Sequence[ItemSource], attribute: str) -> ItemSource | None:
    return next((s for s in sources if getattr(s, attribute) is not None), None)


def original_name(item: Item) -> str | None:
    """The name the user uploaded the file under, as text (None for a text item without one)."""
    named = _first(item.sources, "original_name")
    if named is not None and named.original_name:
        return named.original_name.decode("utf-8", "replace")
    with_path = _first(item.sources, "path")
    if with_path is not None and with_path.path:
        return with_path.display_name or None
    return None


def match_text(match: Match) -> str:
    """A hash-list match as the report's file metadata says it: 'SHA-256 exact, list "NCMEC"'."""
    name = {Algorithm.SHA1: "SHA-1", Algorithm.SHA256: "SHA-256", Algorithm.VPDQ: "vPDQ"}.get(
        match.algorithm, str(match.algorithm).upper()
    )
    closeness = "exact" if match.algorithm not in (Algorithm.PDQ, Algorithm.VPDQ) else f"distance {match.distance}"
    return f'{name} {closeness}, list "{match.list_name}"'


def file_from_item(item: Item, matches: Sequence[Match] = ()) -> DraftFile:
    """A file's details pre-filled from what the app knows about the item.

    Original name, MD5/SHA-1/SHA-256 (as ``originalFileHash``), the upload time, URL and IP event
    from the item's source metadata, ``fileViewedByEsp`` from the custody log (``item.viewed``),
    and the hash-list ``matches`` that count as HASH metadata (``HASH_MATCH_NAME`` entries), so the
    report says the file was identified by a hash match (and its hints say what that means).
    """
    if item.blob_id is None or item.digests is None:
        raise ItemHasNoContent(
            f"{item.display_name} holds no preserved content (a link, a device, or an unread file), "
            "so it cannot be sent to NCMEC as a file."
        )
    details = new_file_details()
    name = original_name(item)
    if name:
        details.add("originalFileName", name)
    timed = _first(item.sources, "upload_time")
    if timed is not None and timed.upload_time is not None:
        details.add("uploadedToEspTimestamp", timed.upload_time)
    located = _first(item.sources, "content_url")
    if located is not None and located.content_url:
        details.add("locationOfFile", located.content_url)
    details.add("fileViewedByEsp", item.viewed)
    for hash_type, attribute in HASH_TYPES:
        details.add("originalFileHash", getattr(item.digests, attribute), hashType=hash_type)
    uploaded = _first(item.sources, "upload_ip")
    if uploaded is not None and uploaded.upload_ip:
        event = details.add("ipCaptureEvent")
        event.add("ipAddress", uploaded.upload_ip)
        event.add("eventName", "Upload")
        if uploaded.upload_time is not None:
            event.add("dateTime", uploaded.upload_time)
        if uploaded.upload_port is not None:
            event.add("port", uploaded.upload_port)
    if matches:
        metadata = details.add("details", type="HASH")
        for match in matches:
            pair = metadata.add("nameValuePair")
            pair.add("name", HASH_MATCH_NAME)
            pair.add("value", match_text(match))
    return DraftFile(details, item.item_id)


def fill_reported_user(report: Node, items: Iterable[Item]) -> bool:
    """Name the uploader as the reported user when the report names nobody yet and the items agree.

    Only when every item that knows its uploader names the same account: a guess between several
    accounts would put the wrong person in a report.
    """
    if report.all("personOrUserReported"):
        return False
    sources = [s for item in items for s in item.sources]
    accounts = {s.uploader_account_id for s in sources if s.uploader_account_id}
    names = {s.uploader_screen_name for s in sources if s.uploader_screen_name}
    if len(accounts) > 1 or len(names) > 1 or not (accounts or names):
        return False
    person = report.add("personOrUserReported")
    if accounts:
        person.add("espIdentifier", accounts.pop())
    if names:
        person.add("screenName", names.pop())
    return True


# -- viewed flags ----------------------------------------------------------------------------------


def file_viewed(entry: DraftFile) -> bool:
    """What the draft says about ``fileViewedByEsp`` (absent counts as not viewed)."""
    value = entry.details.text("fileViewedByEsp")
    return value is not None and parse_boolean(value) is True


def expected_viewed(record: ReportRecord, item_id: str, logged: bool) -> bool:
    """The flag a linked file must carry: the reviewer's override if any, else the log's record."""
    override = record.overrides.get(item_id)
    return override.viewed if override is not None else logged


def sync_viewed(record: ReportRecord, viewed_ids: set[str]) -> list[int]:
    """Make every linked file without an override follow the log; the indexes it changed."""
    changed = []
    for index, entry in enumerate(record.draft.files):
        if entry.item_id is None:
            continue
        expected = expected_viewed(record, entry.item_id, entry.item_id in viewed_ids)
        if entry.details.text("fileViewedByEsp") is None or file_viewed(entry) != expected:
            entry.details.set("fileViewedByEsp", expected)
            changed.append(index)
    return changed


def set_file_viewed(record: ReportRecord, index: int, viewed: bool, reason: str, logged: bool) -> None:
    """Set a file's viewed flag; departing from the log (``logged``) needs a reason, kept with it.

    Setting it back to what the log says drops the override.
    """
    entry = record.draft.files[index]
    reason = reason.strip()
    if entry.item_id is not None:
        if viewed == logged:
            record.overrides.pop(entry.item_id, None)
        elif not reason:
            raise ViewedOverrideReasonRequired(
                "The custody log says this file was "
                + ("viewed" if logged else "never revealed")
                + ". Say why the report should state otherwise; the reason is recorded in the custody log."
            )
        else:
            record.overrides[entry.item_id] = ViewedOverride(viewed, reason)
    entry.details.set("fileViewedByEsp", viewed)
    if not viewed and entry.details.get("exifViewedByEsp") is not None:
        # NCMEC rejects "EXIF viewed" without "file viewed"; saying the file was not viewed retracts both.
        entry.details.set("exifViewedByEsp", False)


# -- what changed ----------------------------------------------------------------------------------


def flatten(draft: ReportDraft) -> dict[str, str]:
    """Every value, attribute and element of a draft by its path (elements without a value map to "")."""
    values: dict[str, str] = {}
    roots = [("report", draft.report)] + [(f"fileDetails[{i}]", f.details) for i, f in enumerate(draft.files)]
    for prefix, root in roots:
        for path, node in root.walk(prefix):
            values[path] = node.value or ""
            for name, value in node.attributes.items():
                values[f"{path}/@{name}"] = value
    return values


def changed_paths(before: ReportDraft, after: ReportDraft) -> list[str]:
    """The paths whose value, attribute or presence differs (paths only: no values go to the log)."""
    old, new = flatten(before), flatten(after)
    return sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))


def account_keys(report: Node) -> dict[str, int]:
    """The accounts the report's reported users are known by (normalised), with the user's index."""
    keys: dict[str, int] = {}
    for index, person in enumerate(report.all("personOrUserReported")):
        account = (person.text("espIdentifier") or "").strip()
        if account:
            keys.setdefault(f"account-id:{account}", index)
        name = (person.text("screenName") or "").strip()
        if name:
            keys.setdefault(f"screen-name:{name.casefold()}", index)
    return keys


def describe_account(key: str) -> str:
    """An account key for people: ``account ID u-1001``."""
    kind, _, value = key.partition(":")
    return f"{'account ID' if kind == 'account-id' else 'screen name'} {value}"


# An NCMEC report id is what later reports cite as ``priorCTReports``: that declaration says what one is.
PRIOR_REPORT = REPORT.child("personOrUserReported").child("priorCTReports")


def ncmec_report_id_from_text(text: str) -> int:
    """The NCMEC report id a reviewer typed (``NcmecReportIdInvalid`` if it cannot be one).

    Valid is what ``priorCTReports`` accepts: an ``xs:long`` from 1, digits only.
    """
    value = text.strip()
    number = parse_integer(value, PRIOR_REPORT.type) if value else None
    if number is None or (PRIOR_REPORT.minimum is not None and number < PRIOR_REPORT.minimum):
        shown = f"{value!r} is not" if value else "Type"
        raise NcmecReportIdInvalid(
            f"{shown} a CyberTipline report number: NCMEC's report ids are whole numbers from 1, digits only "
            "(e.g. 4564654)."
        )
    return number


# -- documents -------------------------------------------------------------------------------------


def render_documents(record: ReportRecord) -> list[RenderedDocument]:
    """The report document and one file-details document per file, as they would be sent.

    The report's bytes are exact. A file's details are exact except ``reportId`` and ``fileId``,
    which NCMEC assigns when the report is opened and the file uploaded: until then they are
    placeholders (NCMEC's report id once it is known, else 0; ``pending-N``).
    """
    documents = [RenderedDocument("report.xml", "report", serialize(record.draft.report))]
    report_id = record.ncmec_report_id if record.ncmec_report_id is not None else PLACEHOLDER_REPORT_ID
    for number, entry in enumerate(record.draft.files, start=1):
        data = serialize_file_details(entry.details, report_id, PLACEHOLDER_FILE_ID.format(n=number))
        documents.append(RenderedDocument(f"fileDetails-{number:02d}.xml", "fileDetails", data, entry.item_id, True))
    return documents


def check_record(
    record: ReportRecord,
    *,
    now: datetime,
    xsd: CompiledXsd | None = None,
    known_ncmec_ids: Collection[int] | None = None,
) -> list[Finding]:
    """Every finding about a report: the model's checks and, with ``xsd``, NCMEC's own schema.

    NCMEC's schema (fetched from ``/xsd``) judges the exact documents the report would send. It runs
    only once the model finds no errors: until then it would repeat them in Xerces' words. What it
    still rejects is drift the model has not caught up with; its findings land on the same paths.
    With ``known_ncmec_ids`` (the NCMEC ids the workspace recorded) cited earlier reports are
    checked against the workspace's history too (``cross_rules.prior_report_rules``).
    """
    found = check_draft(record.draft, now=now)
    if known_ncmec_ids is not None:
        found = ordered([*found, *cross_rules.prior_report_rules(record.draft.report, known_ncmec_ids)])
    if xsd is None or has_errors(found):
        return found
    report, *files = render_documents(record)
    found += xsd.validate_bytes(report.data)
    for index, document in enumerate(files):
        # The document's root is ``fileDetails``; in the draft, this file is ``fileDetails[index]``.
        found += [_under_file(finding, index) for finding in xsd.validate_bytes(document.data)]
    return ordered(found)


def _under_file(finding: Finding, index: int) -> Finding:
    head, slash, rest = finding.path.partition("/")
    if head != "fileDetails":
        return finding
    return replace(finding, path=f"fileDetails[{index}]{slash}{rest}")


@dataclass(frozen=True)
class PriorReport:
    """An earlier report of this workspace, opened at NCMEC, about an account this report names."""

    ncmec_report_id: int
    report_id: str
    person_index: int  # which reported user of this report it concerns
    account: str  # what matched, for people: "account ID u-1001"
    cited: bool  # already listed in that user's priorCTReports


def offer_prior_reports(
    record: ReportRecord, keys: dict[str, int], others: list[tuple[ReportRecord, set[str]]]
) -> list[PriorReport]:
    """The earlier reports NCMEC opened (``others``, each with the accounts it shares) that ``record`` may cite."""
    persons = record.draft.report.all("personOrUserReported")
    offered: list[PriorReport] = []
    for other, accounts in sorted(others, key=lambda pair: pair[0].created_at):
        if other.report_id == record.report_id or other.ncmec_report_id is None:
            continue
        for key in sorted(accounts):
            index = keys[key]
            cited = {(v.value or "").strip() for v in persons[index].all("priorCTReports")}
            offered.append(
                PriorReport(
                    other.ncmec_report_id,
                    other.report_id,
                    index,
                    describe_account(key),
                    str(other.ncmec_report_id) in cited,
                )
            )
    return offered
