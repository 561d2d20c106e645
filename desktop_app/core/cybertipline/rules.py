"""NCMEC's rules for single values, beyond the XSD (cybertipline-service.md §5), driven by the declarations.

Lengths (counted as NCMEC's Java server counts them, in UTF-16 code units, so an emoji is two),
non-blank fields, URL/IP/email formats, numeric ranges, and time: every date and time in a report
is the time of an event, so it must carry a time zone and lie in the past. Characters XML cannot
carry are flagged here because the serializer will remove them.

Each function takes the value's declaration and path; ``check_values`` applies them to a whole tree.
The form calls ``check_value`` as the reviewer types.
"""

import ipaddress
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from desktop_app.core.cybertipline.findings import Finding, error, warning
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.schema import step
from desktop_app.core.cybertipline.schema_types import AttributeDecl, ElementDecl, Format, XsdType
from desktop_app.core.cybertipline.values import (
    has_xml_illegal,
    parse_date,
    parse_date_time,
    parse_double,
    parse_integer,
)

URL_SCHEMES = ("http", "https", "ftp")  # what a Java URL validator accepts by default (INFERRED)
_EMAIL_LOCAL = re.compile(r"^[^\s@\"(),:;<>\[\\\]]+$")
_DOMAIN_LABEL = re.compile(r"^[^\W_]([\w-]*[^\W_])?$")


def utf16_length(text: str) -> int:
    """The length NCMEC's Java server sees."""
    return len(text.encode("utf-16-le")) // 2


def url_problem(value: str) -> str | None:
    """Why ``value`` is not a URL NCMEC accepts, or None."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "it contains spaces or control characters (encode them, e.g. %20)"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  # raises ValueError for a malformed port
    except ValueError:
        return "it is malformed"
    if parts.scheme.lower() not in URL_SCHEMES:
        return (
            f"it must start with {', '.join(s + '://' for s in URL_SCHEMES)}; put other addresses in Additional "
            "information"
        )
    if not parts.hostname:
        return "it has no host name"
    return None


def email_problem(value: str) -> str | None:
    """Why ``value`` is not a well-formed email address, or None."""
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return "it needs the form name@example.org"
    if utf16_length(local) > 64:
        return "the part before @ is longer than 64 characters"
    if not _EMAIL_LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return "the part before @ has characters an address cannot have"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        return "the part after @ is not a domain name"
    return None


def ip_problem(value: str) -> str | None:
    """Why ``value`` is not an IPv4 or IPv6 address, or None."""
    if "%" in value:
        return "a scoped (link-local) address identifies nobody outside your network"
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return "it is not an IPv4 or IPv6 address"
    return None


def _public_warning(value: str, path: str) -> list[Finding]:
    address = ipaddress.ip_address(value)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_global:
        return []
    return [
        warning(
            path,
            "ip-not-public",
            f"{value} is a private or reserved address; it identifies nobody "
            "outside your network. Look for the public address in your logs.",
        )
    ]


def check_value(decl: ElementDecl | AttributeDecl, value: str, path: str, now: datetime) -> list[Finding]:
    """The business rules for one value (the form calls this on every edit)."""
    found: list[Finding] = []
    label = decl.label
    if has_xml_illegal(value):
        found.append(
            warning(
                path,
                "xml-illegal-characters",
                f"{label} contains control characters XML cannot carry; they will be removed from what is sent.",
            )
        )
    if decl.max_length is not None and utf16_length(value) > decl.max_length:
        found.append(
            error(
                path,
                "too-long",
                f"{label} is {utf16_length(value)} characters long; NCMEC accepts at most {decl.max_length}.",
            )
        )
    if isinstance(decl, ElementDecl):
        if decl.non_blank and not value.strip():
            found.append(error(path, "blank", f"{label} must not be blank; remove it or fill it in."))
        elif decl.format is Format.URL and (problem := url_problem(value)):
            found.append(error(path, "invalid-url", f"{label} is not a valid URL: {problem}."))
        elif decl.format is Format.EMAIL and (problem := email_problem(value)):
            found.append(error(path, "invalid-email", f"{label} is not a valid email address: {problem}."))
        elif decl.format is Format.IP and value.strip():
            problem = ip_problem(value)
            if problem:
                found.append(error(path, "invalid-ip", f"{label} is not a valid IP address: {problem}."))
            else:
                found.extend(_public_warning(value, path))
        found.extend(_range(decl, value, path))
    found.extend(_moment(decl.type, label, value, path, now))
    return found


def _range(decl: ElementDecl, value: str, path: str) -> list[Finding]:
    if decl.minimum is None and decl.maximum is None:
        return []
    number: float | None
    number = parse_double(value) if decl.type is XsdType.DOUBLE else parse_integer(value, decl.type)
    if number is None:
        return []  # the structure check reports the form
    low = decl.minimum if decl.minimum is not None else float("-inf")
    high = decl.maximum if decl.maximum is not None else float("inf")
    if not low <= number <= high:
        bounds = f"{low:g} to {high:g}" if decl.maximum is not None else f"at least {low:g}"
        return [error(path, "out-of-range", f"{decl.label} must be {bounds}; {value} is not.")]
    return []


def _moment(kind: XsdType, label: str, value: str, path: str, now: datetime) -> list[Finding]:
    if kind is XsdType.DATE_TIME:
        moment = parse_date_time(value)
        if moment is None:
            return []
        if moment.tzinfo is None:
            return [
                error(
                    path,
                    "missing-timezone",
                    f"{label} needs a time zone (e.g. Z or +02:00); NCMEC rejects times without one.",
                )
            ]
        if moment > now:
            return [error(path, "not-in-past", f"{label} is in the future; it must be the time of a past event.")]
    elif kind is XsdType.DATE:
        day = parse_date(value)
        # A day of slack: "today" somewhere on Earth may be tomorrow in UTC.
        if day is not None and day > (now + timedelta(days=1)).date():
            return [error(path, "not-in-past", f"{label} is in the future.")]
    return []


def check_values(node: Node, path: str | None = None, *, now: datetime) -> list[Finding]:
    """The single-value rules for every value and attribute in the tree under ``node``."""
    return list(_values(node, path or node.decl.name, now))


def _values(node: Node, path: str, now: datetime) -> Iterator[Finding]:
    for attribute in node.decl.attributes:
        value = node.attributes.get(attribute.name)
        if value is not None:
            yield from check_value(attribute, value, f"{path}/@{attribute.name}", now)
    if node.value is not None and node.decl.fixed is None:
        yield from check_value(node.decl, node.value, path, now)
    for decl, occurrences in node.present():
        for index, child in enumerate(occurrences):
            yield from _values(child, f"{path}/{step(decl, index)}", now)
