"""Values as the XSD writes them, and the rule for text XML cannot carry.

The model keeps every value as its XSD lexical string (what the reviewer typed, what a document
said), so a draft can hold a half-typed date and a parsed document keeps exactly what it held;
checks parse on demand with the functions here. ``lexical`` turns Python values (a bool, an int,
an aware datetime) into the canonical form builders should store.

XML-illegal characters (the documented rule, applied by the serializer): XML 1.0 can carry tab,
line feed, carriage return and every character from U+0020 up except the surrogates U+D800-U+DFFF
and the non-characters U+FFFE and U+FFFF. Everything else (other C0 controls such as NUL, BEL or
ESC, lone surrogates) is **removed**, not replaced: a replacement character would put text into
evidence that the user never wrote, and NCMEC rejects documents with control characters (cybertipline-service.md
§7). The rules raise a warning on every field that holds such characters, so the reviewer sees
the change before anything is sent.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from desktop_app.core.cybertipline.schema_types import XsdType

_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DOUBLE = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$")
_INT_RANGE = {XsdType.INT: (-(2**31), 2**31 - 1), XsdType.LONG: (-(2**63), 2**63 - 1)}


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (see the module docstring)."""
    return _ILLEGAL.sub("", text)


def has_xml_illegal(text: str) -> bool:
    """Whether ``text`` holds characters the serializer will remove."""
    return _ILLEGAL.search(text) is not None


def collapse(text: str) -> str:
    """XSD whitespace collapse, which every non-string built-in type applies before checking."""
    return " ".join(text.split())


def parse_boolean(text: str) -> bool | None:
    """The XSD boolean value of ``text`` (``true``/``false``/``1``/``0``), or None if it is none."""
    return {"true": True, "1": True, "false": False, "0": False}.get(collapse(text))


def parse_integer(text: str, kind: XsdType = XsdType.LONG) -> int | None:
    """The integer value of an ``xs:int``/``xs:long`` lexical, or None if invalid or out of range."""
    value = collapse(text)
    if not _INTEGER.match(value):
        return None
    number = int(value)
    low, high = _INT_RANGE.get(kind, _INT_RANGE[XsdType.LONG])
    return number if low <= number <= high else None


def parse_double(text: str) -> float | None:
    """The value of an ``xs:double`` lexical, or None if invalid."""
    value = collapse(text)
    if not _DOUBLE.match(value):
        return None
    return float(value.replace("INF", "inf"))


def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        raise ValueError("zone out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date_time(text: str) -> datetime | None:
    """The value of an ``xs:dateTime`` lexical (naive when it has no zone), or None if invalid.

    ``24:00:00`` (XSD's end of day) becomes midnight of the next day.
    """
    match = _DATE_TIME.match(collapse(text))
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        end_of_day = hour == "24" and minute == "00" and second == "00" and not (fraction or "").strip(".0")
        moment = datetime(
            int(year),
            int(month),
            int(day),
            0 if end_of_day else int(hour),
            int(minute),
            int(second),
            int(Decimal(fraction or "0") * 1_000_000),
            tzinfo=_zone(zone),
        )
    except ValueError:
        return None
    return moment + timedelta(days=1) if end_of_day else moment


def parse_date(text: str) -> date | None:
    """The value of an ``xs:date`` lexical, or None if invalid."""
    match = _DATE.match(collapse(text))
    if not match:
        return None
    try:
        _zone(match.group(4))
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def is_valid(kind: XsdType, text: str) -> bool:
    """Whether ``text`` is in the lexical space of the built-in type."""
    if kind in (XsdType.STRING, XsdType.TOKEN):
        return True
    if kind is XsdType.BOOLEAN:
        return parse_boolean(text) is not None
    if kind in (XsdType.INT, XsdType.LONG):
        return parse_integer(text, kind) is not None
    if kind is XsdType.DOUBLE:
        return parse_double(text) is not None
    if kind is XsdType.DATE_TIME:
        return parse_date_time(text) is not None
    return parse_date(text) is not None


def lexical(value: str | bool | int | float | datetime | date) -> str:
    """The canonical XSD lexical form of a Python value.

    A datetime must be timezone-aware: NCMEC rejects times without a zone, so the model never makes
    one up (``ValueError`` otherwise).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a report time needs a time zone")
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else _special(value)
    return str(value)


def _special(value: float) -> str:
    if value != value:
        return "NaN"
    return "INF" if value > 0 else "-INF"
