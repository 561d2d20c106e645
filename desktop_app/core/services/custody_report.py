"""A custody report: the custody record of a report or a set of items, for people outside the app.

``build_custody_report`` signs a checkpoint covering everything logged so far, then gathers each
item's digests and every event about the items (or the report and its items) up to that
checkpoint: time, actor, what happened in words, the raw event, its entry hash and an RFC 6962
inclusion proof against the checkpoint. ``render_html`` writes it as one self-contained HTML page
(the app prints the same HTML to PDF); its last section says how to check it independently, with
nothing but SHA-256 and Ed25519 (``docs/custody-report.md`` restates the steps).
``record_export`` logs the export itself (``custody-report.exported``, with each document's
SHA-256), after the checkpoint, so the export is the first thing the next checkpoint covers.
"""

import base64
import hashlib
import html
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_app.core.crypto.merkle import inclusion_proof
from desktop_app.core.crypto.signed_note import public_key_from_vkey
from desktop_app.core.domain.custody_words import describe, plural, short
from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.domain.items import Item
from desktop_app.core.errors import ReportNotFound
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.custody_entries import entry_hashes
from desktop_app.core.storage.reports import ReportStore


@dataclass(frozen=True)
class CustodyItem:
    """One item as the custody report lists it."""

    item_id: str
    name: str
    md5: str
    sha1: str
    sha256: str
    size: int | None
    added_at: str  # ISO 8601, UTC
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CustodyEntry:
    """One logged event with what proves it is in the signed log."""

    seq: int
    time: str  # ISO 8601, UTC
    actor: str
    type: str
    subject: str | None
    sentence: str
    raw: str  # the event as the log holds it (canonical JSON)
    entry_hash: str  # hex
    proof: tuple[str, ...]  # hex, the RFC 6962 audit path from this entry to the checkpoint's root


@dataclass(frozen=True)
class CustodyReport:
    """Everything a custody report says."""

    scope: str  # "report 4aaed480" or "3 items"
    report_id: str | None
    generated_at: str
    workspace_id: str
    items: tuple[CustodyItem, ...]
    entries: tuple[CustodyEntry, ...]
    checkpoint: str  # the signed note, verbatim
    verifier_key: str
    tree_size: int
    root: str  # hex


def _item(item: Item) -> CustodyItem:
    digests = item.digests
    sources = tuple(
        ", ".join(
            part
            for part in (source.display_name, source.content_url, source.uploader_account_id, source.manifest)
            if part
        )
        for source in item.sources
    )
    return CustodyItem(
        item.item_id,
        item.display_name,
        digests.md5 if digests else "",
        digests.sha1 if digests else "",
        digests.sha256 if digests else "",
        item.size,
        item.added_at.astimezone(UTC).isoformat(timespec="seconds"),
        sources,
    )


@dataclass(frozen=True)
class CustodyScope:
    """What a custody record covers: the items, the report (if any), and every id an event may name."""

    items: tuple[Item, ...]
    report_id: str | None
    subjects: frozenset[str]

    def covers(self, event: CustodyEvent) -> bool:
        """Whether ``event`` is about an item, its content or the report (a report event naming an item too)."""
        return event.subject in self.subjects or str(event.data.get("item", "")) in self.subjects


def custody_scope(
    workspace: Workspace, get_item: Callable[[str], Item], item_ids: Sequence[str] = (), report_id: str | None = None
) -> CustodyScope:
    """The items of ``report_id`` (its files) and ``item_ids``, with the ids their events carry."""
    wanted = list(dict.fromkeys(item_ids))
    if report_id is not None:
        with workspace.db.read() as reader:
            record = ReportStore(workspace.fields()).load(reader.conn, report_id)
        if record is None:
            raise ReportNotFound(f"Report {report_id} is not in this workspace.")
        wanted = list(dict.fromkeys([*wanted, *(f.item_id for f in record.draft.files if f.item_id)]))
    items = tuple(get_item(item_id) for item_id in wanted)
    subjects = set(wanted) | {item.blob_id for item in items if item.blob_id} | ({report_id} if report_id else set())
    return CustodyScope(items, report_id, frozenset(subjects))


def build_custody_report(
    workspace: Workspace,
    get_item: Callable[[str], Item],
    all_items: Callable[[], Iterable[Item]],
    item_ids: Sequence[str] = (),
    report_id: str | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> CustodyReport:
    """Sign a checkpoint and gather the custody record of ``report_id`` (and its items) or ``item_ids``."""
    scope = custody_scope(workspace, get_item, item_ids, report_id)
    note = workspace.checkpoint()
    public_key_from_vkey(workspace.verifier_key())  # a malformed key is refused before anything is gathered
    lines = note.split("\n")
    size, root = int(lines[1]), _b64_to_hex(lines[2])
    with workspace.db.read() as reader:
        leaves = entry_hashes(reader.conn, size)
    every = list(all_items())
    names = {item.item_id: item.display_name for item in every}
    names.update({item.blob_id: item.display_name for item in every if item.blob_id})
    entries = []
    for logged in workspace.events():
        event = logged.event
        if logged.seq > size or not scope.covers(event):
            continue
        index = logged.seq - 1
        entries.append(
            CustodyEntry(
                logged.seq,
                event.time.astimezone(UTC).isoformat(timespec="seconds"),
                event.actor,
                str(event.type),
                event.subject,
                describe(event, names),
                event.to_json().decode("utf-8"),
                leaves[index].hex(),
                tuple(p.hex() for p in inclusion_proof(leaves, index, size)),
            )
        )
    label = f"report {short(report_id)}" if report_id else plural(len(scope.items), "item")
    return CustodyReport(
        label,
        report_id,
        now().astimezone(UTC).isoformat(timespec="seconds"),
        workspace.workspace_id.hex(),
        tuple(_item(item) for item in scope.items),
        tuple(entries),
        note,
        workspace.verifier_key(),
        size,
        root,
    )


def _b64_to_hex(text: str) -> str:
    return base64.b64decode(text, validate=True).hex()


def record_export(workspace: Workspace, report: CustodyReport, documents: Mapping[str, bytes]) -> int:
    """Log the export (what it covers, each document's SHA-256); the entry's sequence number."""
    data = {
        "scope": report.scope,
        "items": [item.item_id for item in report.items],
        "events": len(report.entries),
        "checkpoint_size": report.tree_size,
        "documents": [{"name": name, "sha256": hashlib.sha256(body).hexdigest()} for name, body in documents.items()],
    }
    return workspace.record(EventType.CUSTODY_REPORT_EXPORTED, data, report.report_id)


# -- HTML ------------------------------------------------------------------------------------------

_STYLE = """
body { font-family: sans-serif; font-size: 9pt; color: #1d232b; }
h1 { font-size: 16pt; margin-bottom: 2pt; }
h2 { font-size: 12pt; margin-top: 14pt; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; background: #e8ecf1; padding: 3pt; }
td { padding: 3pt; vertical-align: top; border-bottom: 1px solid #d5dbe3; }
.mono { font-family: monospace; font-size: 7.5pt; }
.hint { color: #5b6573; }
pre { font-family: monospace; font-size: 7.5pt; background: #f3f5f8; padding: 6pt; white-space: pre-wrap; }
div.note pre { font-size: 5.5pt; white-space: pre; }
"""


def _spaced(raw: str) -> str:
    return json.dumps(json.loads(raw), ensure_ascii=False)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_html(report: CustodyReport) -> str:
    """The custody report as one HTML page (no scripts, no external resources)."""
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>Custody report — {_e(report.scope)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Custody report — {_e(report.scope)}</h1>",
        f"<p class='hint'>Evidence Desk workspace {_e(report.workspace_id)} · generated {_e(report.generated_at)} "
        f"(UTC) · {plural(len(report.items), 'item')} · {plural(len(report.entries), 'event')} · "
        f"covered by the signed checkpoint of the first {plural(report.tree_size, 'log entry', 'log entries')}.</p>",
        "<h2>Items</h2>",
        "<table width='100%'><tr><th width='40%'>Item</th><th>Size, added, sources</th></tr>",
    ]
    for item in report.items:
        size = plural(item.size, "byte") if item.size is not None else "no content"
        sources = "<br>".join(_e(s) for s in item.sources) or "—"
        # Digests get a row of their own, the table's whole width: a digest is never broken across lines.
        parts.append(
            f"<tr><td><b>{_e(item.name)}</b></td><td>{_e(size)} · added {_e(item.added_at)}<br>{sources}</td></tr>"
            f"<tr><td colspan='2' class='mono'>ID&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;{_e(item.item_id)}<br>"
            f"MD5&nbsp;&nbsp;&nbsp;&nbsp;{_e(item.md5)}<br>SHA-1&nbsp;&nbsp;{_e(item.sha1)}<br>"
            f"SHA-256&nbsp;{_e(item.sha256)}</td></tr>"
        )
    parts += [
        "</table>",
        "<h2>Events</h2>",
        "<p class='hint'>Every custody-log entry about these items, oldest first. Times are UTC; the entry hash "
        "identifies the entry in the signed log (see the last section).</p>",
        "<table width='100%'><tr><th>#</th><th>Time (UTC)</th><th>Actor</th>"
        "<th>What happened · event type · entry hash</th></tr>",
    ]
    for entry in report.entries:
        parts.append(
            f"<tr class='event' data-seq='{entry.seq}'><td>{entry.seq}</td><td>{_e(entry.time.replace('T', ' '))}</td>"
            f"<td>{_e(entry.actor)}</td><td>{_e(entry.sentence)}<br><span class='mono hint'>{_e(entry.type)}</span>"
            f"<br><span class='mono' data-entry-hash='{entry.entry_hash}'>{entry.entry_hash}</span></td></tr>"
        )
    parts += [
        "</table>",
        "<h2>Signed checkpoint</h2>",
        "<p>The workspace signed this checkpoint of its custody log when the report was made. Its verifier "
        "key (the public key, with its name and key ID) follows. Compare the verifier key with one you "
        "received separately (an exported checkpoint, the workspace's About box).</p>",
        # Small enough that the signature line fits an A4 line whole: wrapped, a signature is two strings.
        # (the <pre> itself stays as docs/custody-report.md specifies it).
        f"<div class='note'><pre id='checkpoint'>{_e(report.checkpoint)}</pre></div>",
        f"<pre id='verifier-key'>{_e(report.verifier_key)}</pre>",
        "<h2>Inclusion proofs</h2>",
        f"<p class='hint'>For each event, a line <code>entry n hash</code> with its sequence number and entry hash, "
        f"then the hashes of its audit path to the root of the checkpoint's tree of {report.tree_size} entries, one "
        "per line, in order (hex).</p>",
        "<pre id='proofs'>",
    ]
    for entry in report.entries:
        parts.append(_e(f"entry {entry.seq} {entry.entry_hash}") + "\n")
        parts += [f"  {step}\n" for step in entry.proof]
    parts += ["</pre>", "<h2>How to verify this independently</h2>", "<ol>"]
    parts += [f"<li>{step}</li>" for step in VERIFY_STEPS]
    parts += [
        "</ol>",
        "<h2>Raw events</h2>",
        "<p class='hint'>Each entry as the log holds it, decrypted (spaces added for reading): what the sentences "
        "above are made from.</p>",
        "<pre id='raw'>",
        *(_e(f"{entry.seq} {_spaced(entry.raw)}") + "\n" for entry in report.entries),
        "</pre></body></html>",
    ]
    return "".join(parts)


VERIFY_STEPS = (
    "<b>The verifier key.</b> It reads <code>name+keyid+key</code>. Decode <code>key</code> from base64: "
    "33 bytes, a 0x01 byte then the 32-byte Ed25519 public key. The key ID must equal the first 4 bytes of "
    "SHA-256(name, a newline byte, 0x01, public key), in hex.",
    "<b>The checkpoint's signature.</b> The checkpoint is a signed note: three lines of text (the log's "
    "name, the number of entries, the root hash in base64), each ending in a newline; an empty line; then a "
    "signature line <code>— name signature</code>. Decode the signature from base64: 4 bytes of key ID (the "
    "same as above) and a 64-byte Ed25519 signature of the three lines' UTF-8 bytes, final newline included. "
    "Check it with the public key.",
    "<b>Each event is in the signed log.</b> For an event with sequence number <i>n</i> take index "
    "<i>i</i> = <i>n</i> − 1, tree size <i>s</i> from the checkpoint, and the event's entry hash as "
    "<i>r</i>. Set <i>fn</i> = <i>i</i>, <i>sn</i> = <i>s</i> − 1. For each hash <i>p</i> of the event's "
    "audit path, in order: if <i>sn</i> is 0, the proof fails; if <i>fn</i> is odd or <i>fn</i> = <i>sn</i>, "
    "set <i>r</i> = SHA-256(0x01 ‖ <i>p</i> ‖ <i>r</i>) and then, while <i>fn</i> is even and not 0, halve "
    "<i>fn</i> and <i>sn</i>; otherwise set <i>r</i> = SHA-256(0x01 ‖ <i>r</i> ‖ <i>p</i>); then halve "
    "<i>fn</i> and <i>sn</i> (integer division). At the end <i>sn</i> must be 0 and <i>r</i> must equal the "
    "checkpoint's root hash (RFC 9162, section 2.1.3.2).",
    "<b>What this proves, and what it does not.</b> Steps 1–3 prove that entries with these hashes are in "
    "the log the workspace signed, at these positions. The log stores each entry encrypted, and the entry "
    "hash is taken over the encrypted entry, so whether entry <i>n</i> says what this report says is "
    "checked by someone holding the workspace passphrase: <code>evidence-desk log verify</code> authenticates "
    "every entry and <code>evidence-desk log show</code> prints it. Keep this report (or the checkpoint in it) "
    "apart from the workspace: <code>evidence-desk log verify --checkpoint FILE</code> with it later proves the "
    "log was not rolled back or rewritten since.",
)
