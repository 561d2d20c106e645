"""Sealing a report for a recipient, and checking or importing a bundle someone sent.

Export order matters for the custody record: the export is logged first (recipient, profile,
legal basis and every member's SHA-256), a checkpoint is signed over the log including that
entry, and only then is the bundle written, carrying the checkpoint, the inclusion proofs of the
entries about the report and its items, and the workspace key. A failed or cancelled export
deletes the partial output and logs that it was abandoned; a finished one logs the file's SHA-256.

NCMEC's receipt: ``receipt_for`` returns a report's receipt documents when the workspace has
them (the wiring passes ``SubmissionService.receipt``; ``no_receipt`` serves tests that need none).
"""

import hashlib
import json
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from desktop_app.core.bundles import layout
from desktop_app.core.bundles.errors import BundleNotAllowed
from desktop_app.core.bundles.reader import BundleCheck, check_bundle
from desktop_app.core.bundles.readme import readme_text
from desktop_app.core.bundles.writer import BundleContents, StreamedMember, write_bundle
from desktop_app.core.crypto.age.keys import Identity, Recipient, ScryptRecipient, X25519Recipient
from desktop_app.core.crypto.merkle import inclusion_proof
from desktop_app.core.crypto.signed_note import parse_and_verify
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import Item, ItemKind
from desktop_app.core.errors import ItemRecordDamaged
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.second_person import Confirmation
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.bundle_log import leaf_hashes
from desktop_app.core.storage.vault import EvidenceVault, SealedBlob, StoredBlob

ReceiptLookup = Callable[[str], Sequence[tuple[str, bytes]]]


def no_receipt(report_id: str) -> Sequence[tuple[str, bytes]]:
    """No receipt: for a bundle service built without submissions."""
    return ()


@dataclass(frozen=True)
class ExportRequest:
    """Who gets the bundle, why, and what it carries."""

    recipient_name: str
    role: layout.RecipientRole
    profile: layout.Profile
    legal_basis: str = ""
    legal_process_reference: str = ""
    second_person: Confirmation | None = None  # who else confirmed it, when the setting asks (second_person.py)


@dataclass(frozen=True)
class ImportResult:
    """What a bundle import checked and, if it was clean, the vault blobs it stored."""

    check: BundleCheck
    blob_ids: tuple[str, ...]


@dataclass(frozen=True)
class ExportResult:
    """A finished bundle: where, how big, and the SHA-256 to give the recipient to compare."""

    path: Path
    size: int
    sha256: str
    manifest_sha256: str
    members: int


def _recipient_label(recipient: Recipient) -> str:
    if isinstance(recipient, X25519Recipient):
        return recipient.text
    return "passphrase" if isinstance(recipient, ScryptRecipient) else type(recipient).__name__


def _file_entry(number: int, item: Item, profile: layout.Profile) -> dict[str, Any]:
    digests, analysis = item.digests, item.analysis
    return {
        "item_id": item.item_id,
        "member": layout.file_member(number) if profile is layout.Profile.FULL_EVIDENCE else None,
        "size": item.size,
        "md5": digests.md5 if digests else None,
        "sha1": digests.sha1 if digests else None,
        "sha256": digests.sha256 if digests else None,
        "pdq": analysis.pdq.hex if analysis and analysis.pdq else None,
        "pdq_quality": analysis.pdq.quality if analysis and analysis.pdq else None,
        "vpdq": [frame.to_line() for frame in analysis.vpdq] if analysis else [],
        "media": {"kind": str(analysis.kind), "format": analysis.format} if analysis else None,
        "original_names": [s.display_name for s in item.sources],
        "sources": [_source(s) for s in item.sources],
        "viewed": item.viewed,
    }


def _source(source: Any) -> dict[str, Any]:
    def text(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    fields = (
        "content_url",
        "uploader_account_id",
        "uploader_screen_name",
        "upload_ip",
        "upload_port",
        "upload_time",
        "message_id",
        "manifest",
    )
    return (
        {"original_name": source.display_name}
        | {f: text(getattr(source, f)) for f in fields}
        | {"extra": dict(source.extra)}
    )


def evidence_member(vault: EvidenceVault, name: str, size: int, blob_id: str, sha256: str | None) -> StreamedMember:
    """An evidence file's member, streamed from the vault under the SHA-256 its item recorded.

    The item's SHA-256 must be the blob's sealed record (checked before a byte is read), and then
    the vault's AEAD binds every byte to that record, so the export does not hash the plaintext a
    second time (decisions.md §6); an item without a recorded SHA-256 is re-hashed as before.
    """
    return StreamedMember(name, size, partial(vault.iter_plaintext, blob_id, sha256, rehash=sha256 is None))


def _json(document: object) -> bytes:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"


class BundleService:
    """Exports of one unlocked workspace's reports as age bundles."""

    def __init__(
        self, workspace: Workspace, items: ItemService, reports: ReportService, receipt_for: ReceiptLookup = no_receipt
    ) -> None:
        self._workspace = workspace
        self._items = items
        self._reports = reports
        self._receipt_for = receipt_for

    def export_report(
        self,
        report_id: str,
        recipients: Sequence[Recipient],
        out_path: Path,
        request: ExportRequest,
        cancel: CancelToken | None = None,
    ) -> ProgressGenerator[ExportResult]:
        """Write ``report_id`` as a bundle to ``out_path`` (replaced only when complete)."""
        if request.profile is layout.Profile.FULL_EVIDENCE and not layout.depictions_allowed(
            request.role, request.legal_process_reference
        ):
            raise BundleNotAllowed(
                "Depictions may go only to NCMEC, to law enforcement, or in answer to legal process. "
                "Choose the hash-only profile, or enter the legal-process reference (subpoena, court order)."
            )
        if request.profile is layout.Profile.FULL_EVIDENCE and not request.legal_basis.strip():
            raise BundleNotAllowed("A full-evidence bundle needs its legal basis recorded; enter it and export again.")
        export = self._reports.export_xml(report_id)  # checked as logged; its record is the one packed
        documents, record = export.documents, export.record
        items = [self._items.get(f.item_id) for f in record.draft.files if f.item_id]
        for item in items:  # its stand-in holds no blob: skipping it would drop its file without a word
            if item.kind is ItemKind.DAMAGED:
                raise ItemRecordDamaged(f"Nothing was exported. {item.outcome_detail}")
        items = [item for item in items if item.blob_id is not None]
        report = {"report_id": report_id, "ncmec_report_id": record.ncmec_report_id}
        files = [_file_entry(n, item, request.profile) for n, item in enumerate(items, start=1)]
        small: list[tuple[str, bytes]] = [(f"report/{d.name}", d.data) for d in documents]
        small += [(f"receipt/{name}", data) for name, data in self._receipt_for(report_id)]
        members = [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in small]
        members += [{"name": f["member"], "size": f["size"], "sha256": f["sha256"]} for f in files if f["member"]]
        exported = {
            "recipient": request.recipient_name,
            "role": str(request.role),
            "profile": str(request.profile),
            "legal_basis": request.legal_basis,
            "legal_process_reference": request.legal_process_reference,
            "age_recipients": [_recipient_label(r) for r in recipients],
            "contents": members,
            **(request.second_person.to_json() if request.second_person else {}),
        }
        with self._workspace.db.write() as conn:
            self._workspace.append_event(conn, EventType.BUNDLE_EXPORTED, exported, report_id)
        note = self._workspace.checkpoint()
        subjects = {report_id} | {i.item_id for i in items} | {i.blob_id for i in items if i.blob_id}
        custody = _json(self._custody(note, subjects))
        readme = readme_text(request.profile).encode()
        members = [
            {"name": layout.README, "size": len(readme), "sha256": hashlib.sha256(readme).hexdigest()},
            {"name": layout.CUSTODY, "size": len(custody), "sha256": hashlib.sha256(custody).hexdigest()},
            *members,
        ]
        manifest = _json(
            {
                "format": layout.FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "profile": str(request.profile),
                "recipient": {k: exported[k] for k in ("recipient", "role", "legal_basis", "legal_process_reference")},
                "report": report,
                "workspace": {"verifier_key": self._workspace.verifier_key()},
                "members": members,
                "files": files,
            }
        )
        manifest_sha256 = hashlib.sha256(manifest).hexdigest()
        signature = self._workspace.custody.sign_statement(layout.manifest_statement(manifest_sha256)).encode()
        head = [(layout.README, readme), (layout.MANIFEST, manifest), (layout.MANIFEST_SIGNATURE, signature)]
        head.append((layout.CUSTODY, custody))
        vault = self._workspace.vault()
        streamed = [
            evidence_member(vault, f["member"], int(f["size"]), str(item.blob_id), f["sha256"])
            for f, item in zip(files, items, strict=True)
            if f["member"]
        ]
        contents = BundleContents(head + small, streamed, int(datetime.now(UTC).timestamp()))
        temp = out_path.with_name(f".{out_path.name}.{secrets.token_hex(6)}.partial")
        try:
            with open(temp, "xb") as out:
                written = yield from write_bundle(out, recipients, contents, cancel)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, out_path)
        except BaseException as exc:
            temp.unlink(missing_ok=True)
            self._workspace.record(
                EventType.BUNDLE_EXPORT_ABANDONED, {"reason": type(exc).__name__, "output": out_path.name}, report_id
            )
            raise
        sha256, size = written.sha256, written.size  # hashed as it was written: no second read
        self._workspace.record(
            EventType.BUNDLE_WRITTEN,
            {"output": out_path.name, "sha256": sha256, "size": size, "manifest_sha256": manifest_sha256},
            report_id,
        )
        return ExportResult(out_path, size, sha256, manifest_sha256, len(contents.small) + len(streamed))

    def import_bundle(
        self, path: Path, identities: Sequence[Identity], cancel: CancelToken | None = None
    ) -> ProgressGenerator[ImportResult]:
        """Check a bundle and store its evidence files in the vault, all or nothing.

        Each file streams from the age payload through the checker into a vault blob writer (the
        vault encrypts as it writes: no plaintext reaches the disk). Blobs are committed, with one
        custody event per blob and one for the import, only if the whole bundle checks clean;
        otherwise every sealed blob is deleted and the differences are returned.
        """
        vault = self._workspace.vault()
        sealed: list[SealedBlob] = []
        entries: list[dict[str, Any]] = []

        class _VaultSink:
            def __init__(self, entry: dict[str, Any]) -> None:
                self._writer = vault.writer()
                self._entry = entry

            def write(self, data: bytes | memoryview) -> None:
                self._writer.write(data)

            def finish(self) -> None:
                sealed.append(self._writer.seal())
                entries.append(self._entry)

            def abort(self) -> None:
                self._writer.abort()

        try:
            with open(path, "rb") as handle:
                verdict = yield from check_bundle(handle, identities, open_sink=_VaultSink, cancel=cancel)
        except BaseException:
            vault.discard(sealed)
            raise
        if not verdict.ok:
            vault.discard(sealed)
            return ImportResult(verdict, ())

        def log_import(conn: Any, stored: list[StoredBlob]) -> None:
            for blob in stored:
                data = {"sha256": blob.sha256, "size": blob.size, "new": blob.created}
                self._workspace.append_event(conn, EventType.BLOB_STORED, data, blob.blob_id)
            imported = {
                "bundle": path.name,
                "verifier_key": verdict.verifier_key,
                "report": verdict.manifest.get("report"),
                "files": [
                    {"blob_id": b.blob_id, "sha256": b.sha256, "original_names": e.get("original_names", [])}
                    for b, e in zip(stored, entries, strict=True)
                ],
            }
            self._workspace.append_event(conn, EventType.BUNDLE_IMPORTED, imported, None)

        stored = vault.commit_batch(sealed, log_import)
        return ImportResult(verdict, tuple(b.blob_id for b in stored))

    def _custody(self, note: str, subjects: set[str]) -> dict[str, Any]:
        checkpoint = parse_and_verify(note, self._workspace.origin, self._workspace.public_key)
        with self._workspace.db.read() as reader:
            leaves = leaf_hashes(reader.conn, checkpoint.size)
        entries = []
        for logged in self._workspace.events():
            if logged.seq > checkpoint.size or logged.event.subject not in subjects:
                continue
            entries.append(
                {
                    "seq": logged.seq,
                    "leaf_hash": leaves[logged.seq - 1].hex(),
                    "proof": [h.hex() for h in inclusion_proof(leaves, logged.seq - 1, checkpoint.size)],
                    "event": json.loads(logged.event.to_json()),
                }
            )
        return {"verifier_key": self._workspace.verifier_key(), "checkpoint": note, "entries": entries}
