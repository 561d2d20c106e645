"""Reading a custody entry's canonical JSON without parsing it (the replay's fast paths).

Canonical JSON sorts its keys, so an event's top-level members come in a fixed order (``actor``,
``data``, ``subject``, ``time``, ``type``) and ``subject``, ``time`` and ``type`` come after
``data``: found from the end, they are the event's own. A quote inside a string is escaped, so a
quoted key followed by ``:`` can only be a key.
"""

from typing import Any

_SUBJECT_MARKER = b',"subject":'


def subject_of(plaintext: bytes) -> str | None:
    """The event's subject (None when it has none)."""
    start = plaintext.rfind(_SUBJECT_MARKER)
    if start < 0:
        return None
    start += len(_SUBJECT_MARKER)
    if plaintext[start : start + 1] != b'"':
        return None  # "subject":null
    return plaintext[start + 1 : plaintext.index(b'"', start + 1)].decode()


_DATA_MARKER = b',"data":{'
_ADDED_FIELDS = ((b'"kind":"', "kind"), (b'"blob_id":"', "blob_id"), (b'"source_id":"', "source_id"))


def flat_added(plaintext: bytes) -> tuple[str | None, dict[str, Any]] | None:
    """An ``item.added`` entry's subject and the data the replay needs, without a JSON parse.

    The app writes that data flat, with plain (unescaped) strings: then a member's key, quoted,
    can only appear as that key (a quote inside a string is escaped). Anything else (a nested
    value, an escape) returns None and the caller parses the entry.
    """
    start, end = plaintext.find(_DATA_MARKER) + len(_DATA_MARKER), plaintext.rfind(_SUBJECT_MARKER)
    if start < len(_DATA_MARKER) or end < start or plaintext.find(b"{", start, end) >= 0:
        return None
    if plaintext.find(b"\\", start, end) >= 0:
        return None
    data: dict[str, Any] = {"new_blob": plaintext.find(b'"new_blob":true', start, end) >= 0}
    for marker, name in _ADDED_FIELDS:
        found = plaintext.find(marker, start, end)
        if found >= 0:
            found += len(marker)
            data[name] = plaintext[found : plaintext.index(b'"', found)].decode()
    return subject_of(plaintext), data
