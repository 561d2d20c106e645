"""The custody report: every event of a report's items with its entry hash, and instructions that work.

The verification here is written from the report's own "How to verify" section, with hashlib and
the ``cryptography`` Ed25519 primitive only: no code of the app checks what the app wrote.
"""

import base64
import hashlib
import html
import re

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import RevealMode, ReviewState
from desktop_app.core.services.custody_report import build_custody_report, record_export, render_html
from tests.core.reports.helpers import import_uploads


def _pre(page: str, element_id: str) -> str:
    found = re.search(rf"<pre id='{element_id}'>(.*?)</pre>", page, re.S)
    assert found, element_id
    return html.unescape(found.group(1))


def follow_the_instructions(page: str) -> dict[int, str]:
    """Steps 1-3 of the report, as an outsider would code them; the verified entry hashes by seq."""
    # 1. The verifier key.
    name, key_id_hex, key64 = _pre(page, "verifier-key").strip().split("+", 2)
    key = base64.b64decode(key64)
    assert len(key) == 33 and key[0] == 1
    public = key[1:]
    assert hashlib.sha256(name.encode() + b"\n" + b"\x01" + public).digest()[:4].hex() == key_id_hex
    # 2. The checkpoint's signature.
    note = _pre(page, "checkpoint")
    text, _, signature_part = note.partition("\n\n")
    text += "\n"
    assert len(text.split("\n")) == 4  # three lines, each ending in a newline
    dash, signer, blob = signature_part.strip().split(" ")
    assert dash == "—" and signer == name
    raw = base64.b64decode(blob)
    assert raw[:4].hex() == key_id_hex
    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())  # raises if it does not verify
    _, size_line, root64 = text.split("\n")[:3]
    size, root = int(size_line), base64.b64decode(root64)
    # 3. Each event is in the signed log.
    verified = {}
    blocks = re.split(r"^(?=entry )", _pre(page, "proofs"), flags=re.M)
    for block in filter(None, blocks):
        first, *path = block.strip().split("\n")
        _, seq_text, entry_hash = first.split(" ")
        proof = [bytes.fromhex(p.strip()) for p in path]
        fn, sn, r = int(seq_text) - 1, size - 1, bytes.fromhex(entry_hash)
        for p in proof:
            assert sn != 0, "proof too long"
            if fn % 2 == 1 or fn == sn:
                r = hashlib.sha256(b"\x01" + p + r).digest()
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
            else:
                r = hashlib.sha256(b"\x01" + r + p).digest()
            fn, sn = fn >> 1, sn >> 1
        assert sn == 0 and r == root, f"entry {seq_text} is not in the signed log"
        verified[int(seq_text)] = entry_hash
    return verified


@pytest.fixture
def filed(workspace, items, reports, tmp_path):
    """A report with the two uploads, one revealed, one marked To report, NCMEC's number recorded."""
    ids = [item_id for item_id, _ in import_uploads(items, tmp_path).values()]
    items.record_reveal(ids[0], RevealMode.FULL)
    items.set_state([ids[1]], ReviewState.TO_REPORT)
    record = reports.create_draft(ids)
    reports.record_ncmec_report_id(record.report_id, 4455667)
    return record.report_id, ids


def test_the_report_names_every_event_of_its_items_and_the_instructions_verify(workspace, items, filed):
    report_id, ids = filed
    report = build_custody_report(workspace, items.get, items.list_items, report_id=report_id)
    page = render_html(report)

    blobs = {items.get(i).blob_id for i in ids}
    expected = [
        logged
        for logged in workspace.events()
        if logged.seq <= report.tree_size
        and (logged.event.subject in {report_id, *ids, *blobs} or logged.event.data.get("item") in ids)
    ]
    listed = re.findall(r"<tr class='event' data-seq='(\d+)'>", page)
    assert [int(seq) for seq in listed] == [logged.seq for logged in expected]
    kinds = {logged.event.type for logged in expected}
    assert {EventType.ITEM_ADDED, EventType.ITEM_REVEALED, EventType.REPORT_FILE_ADDED} <= kinds
    assert EventType.REPORT_NCMEC_ID_RECORDED in kinds and EventType.ITEM_STATE_CHANGED in kinds
    names = [items.get(i).display_name for i in ids]
    assert f"Revealed {names[0]} in full" in page
    for item_id in ids:
        assert items.get(item_id).digests.sha256 in page

    verified = follow_the_instructions(page)
    assert sorted(verified) == [logged.seq for logged in expected]
    for entry in report.entries:  # every entry hash shown in the events table is one that verified
        assert f"data-entry-hash='{entry.entry_hash}'" in page and verified[entry.seq] == entry.entry_hash

    # Step 4: the checkpoint block, kept apart, is what a later 'log verify --checkpoint FILE' reads.
    from desktop_app.core.storage.anchor import parse_anchor_text

    kept = parse_anchor_text(_pre(page, "checkpoint"))
    assert workspace.verify_log([kept.note], record=False).ok

    seq = record_export(workspace, report, {"custody.html": page.encode()})
    logged = workspace.events()[seq - 1].event
    assert logged.type == EventType.CUSTODY_REPORT_EXPORTED
    assert logged.data["documents"][0]["sha256"] == hashlib.sha256(page.encode()).hexdigest()
    assert workspace.verify_log(record=False).ok


def test_a_changed_hash_or_signature_fails_the_instructions(workspace, items, filed):
    report_id, _ = filed
    page = render_html(build_custody_report(workspace, items.get, items.list_items, report_id=report_id))
    first = re.search(r"<pre id='proofs'>entry (\d+) ([0-9a-f]{64})", page)
    assert first
    tampered = page.replace(f"entry {first.group(1)} {first.group(2)}", f"entry {first.group(1)} {'0' * 64}", 1)
    with pytest.raises(AssertionError, match="not in the signed log"):
        follow_the_instructions(tampered)
    note = _pre(page, "checkpoint")
    size_line = note.split("\n")[1]
    forged = page.replace(f"\n{size_line}\n", f"\n{int(size_line) + 1}\n", 1)
    with pytest.raises(InvalidSignature):
        follow_the_instructions(forged)


def test_a_set_of_items_without_a_report(workspace, items, filed):
    _, ids = filed
    report = build_custody_report(workspace, items.get, items.list_items, item_ids=ids[:1])
    assert report.scope == "1 item" and [i.item_id for i in report.items] == ids[:1]
    assert all(e.subject == ids[0] or ids[0] in e.raw for e in report.entries)
    follow_the_instructions(render_html(report))
