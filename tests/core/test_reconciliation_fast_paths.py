"""The replay reads ``item.added`` without a JSON parse: it must read exactly what a parse reads."""

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.storage.log_replay import LogReplay

_HEX = st.text("0123456789abcdef", min_size=32, max_size=32)
_ANY = st.text(max_size=30)  # quotes, backslashes, braces, and the markers themselves
_NESTED = st.dictionaries(st.one_of(_ANY, st.sampled_from(["kind", "blob_id", "source_id"])), _ANY)


@settings(max_examples=300, deadline=None)
@given(
    actor=st.one_of(_ANY, st.just('x","data":{"kind":"forged"'), st.just('"kind":"forged","blob_id":"b"')),
    kind=st.one_of(st.sampled_from(["file", "text", "link"]), _ANY),
    blob_id=st.one_of(st.none(), _HEX, _ANY),
    new_blob=st.booleans(),
    source_id=st.one_of(_HEX, _ANY),
    extra=st.dictionaries(st.sampled_from(["md5", "outcome", "note"]), st.one_of(_ANY, _NESTED)),
    subject=_HEX,
)
def test_the_fast_path_reads_what_json_reads(actor, kind, blob_id, new_blob, source_id, extra, subject):
    data = {**extra, "kind": kind, "new_blob": new_blob, "source_id": source_id}
    if blob_id is not None:
        data["blob_id"] = blob_id
    plaintext = CustodyEvent(EventType.ITEM_ADDED, actor, data, subject).to_json()
    fast, parsed = LogReplay(), LogReplay()
    fast.feed(1, plaintext)
    parsed._apply(EventType.ITEM_ADDED, subject, data)  # what a full parse feeds it
    assert (fast.items, fast.sources, fast.blobs) == (parsed.items, parsed.sources, parsed.blobs)


_MARKERS = st.sampled_from(['"outcome_sha256":"', '"matches":[]', ',"subject":"', '"type":"item.matched"}'])


@settings(max_examples=300, deadline=None)
@given(
    actor=st.one_of(_ANY, _MARKERS),
    entries=st.lists(st.one_of(_ANY, _MARKERS), max_size=3),
    digest=st.one_of(st.none(), _HEX.map(lambda h: h * 2)),
    subject=_HEX,
)
def test_an_item_matched_entry_is_read_without_a_parse_as_a_parse_reads_it(actor, entries, digest, subject):
    """An entry's matches come from list files (hostile input): their text must not pass for the digest."""
    data: dict[str, object] = {"matches": [{"list_id": subject, "entry": e, "distance": 0} for e in entries]}
    if digest is not None:
        data["outcome_sha256"] = digest
    plaintext = CustodyEvent(EventType.ITEM_MATCHED, actor, data, subject).to_json()
    fast = LogReplay()
    fast.feed(1, plaintext)
    assert fast.records.matched == {subject: bool(entries)}
    assert fast.records.match_digests == {subject: digest}
