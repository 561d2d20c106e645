"""Reading a report or file-details document back into the model.

Parsing is lenient about content and strict about safety: the bytes go through ``xmlsafe`` (no
network, no DTD, no entities, a size cap) and anything that is not a CyberTipline document at all
raises ``ReportDocumentRejected``. Inside the document, what the model cannot hold (an unknown
element or attribute, elements out of the XSD's order, text where only elements belong) becomes a
finding rather than an exception, so ``report validate`` can say everything that is wrong at once.
Values are kept exactly as written (``structure`` and ``rules`` judge them), except a set
annotation flag, which reads back as NCMEC's fixed ``true`` however it was spelt (``1``), with a
finding, because NCMEC's schema as libxml2 applies it rejects any spelling but ``true``.
``xsi:nil`` and ``xsi:type`` are findings: NCMEC's schema makes no element nillable and would
reject either.
"""

from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.findings import Finding, error
from desktop_app.core.cybertipline.model import Node, normalised_value
from desktop_app.core.cybertipline.schema_types import Content
from desktop_app.core.cybertipline.xmlsafe import UnreadableXml, parse_xml
from desktop_app.core.errors import ReportDocumentRejected

_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


@dataclass(frozen=True)
class ParsedDocument:
    """A parsed document: the model tree, what could not be placed in it, and the lxml tree."""

    root: Node
    findings: tuple[Finding, ...]
    tree: Any = field(compare=False, repr=False)

    @property
    def kind(self) -> str:
        """``report`` or ``fileDetails``."""
        return self.root.decl.name


def parse_document(data: bytes, expected: str | None = None) -> ParsedDocument:
    """Parse a ``report`` or ``fileDetails`` document (``expected`` to insist on one)."""
    try:
        tree = parse_xml(data)
    except UnreadableXml as problem:
        raise ReportDocumentRejected(f"The document cannot be read: {problem}.") from None
    element = tree.getroot()
    tag = element.tag
    if not isinstance(tag, str) or tag not in schema.ROOTS or (expected and tag != expected):
        wanted = expected or " or ".join(schema.ROOTS)
        raise ReportDocumentRejected(
            f"The document's root is <{tag}>, not <{wanted}>; it is not a CyberTipline document of that kind."
        )
    root = Node(schema.ROOTS[tag])
    findings: list[Finding] = []
    _read(element, root, tag, findings)
    return ParsedDocument(root, tuple(findings), tree)


def parse_report(data: bytes) -> ParsedDocument:
    """Parse a ``report`` document."""
    return parse_document(data, "report")


def parse_file_details(data: bytes) -> ParsedDocument:
    """Parse a ``fileDetails`` document."""
    return parse_document(data, "fileDetails")


# Where to find the schema: hints a validator may ignore, allowed on any element.
_XSI_HINTS = {f"{_XSI}schemaLocation", f"{_XSI}noNamespaceSchemaLocation"}


def _xsi_finding(key: str, path: str, label: str) -> Finding:
    """xsi:nil and xsi:type change what an element means; NCMEC's schema allows neither."""
    local = key[len(_XSI) :]
    if local == "nil":
        return error(
            f"{path}/@xsi:nil",
            "xsi-nil",
            f"{label} is marked xsi:nil, but NCMEC's schema declares no element nillable; leave the element out.",
        )
    if local == "type":
        return error(
            f"{path}/@xsi:type",
            "xsi-type",
            f"{label} carries xsi:type, which NCMEC's schema does not allow here; remove the attribute.",
        )
    return error(f"{path}/@xsi:{local}", "unknown-attribute", f"{label} has no attribute xsi:{local}.")


def _read(element: Any, node: Node, path: str, findings: list[Finding]) -> None:
    decl = node.decl
    for key, value in element.attrib.items():
        if key in _XSI_HINTS:
            continue
        if key.startswith(_XSI):
            findings.append(_xsi_finding(key, path, decl.label))
            continue
        if key.startswith("{") or key not in {a.name for a in decl.attributes}:
            findings.append(error(f"{path}/@{key}", "unknown-attribute", f"{decl.label} has no attribute {key!r}."))
            continue
        node.attributes[key] = value
    elements = [child for child in element if isinstance(child.tag, str)]
    if decl.has_value:
        written = element.text or ""
        node.value = normalised_value(decl, written)
        if node.value != written:
            findings.append(
                error(
                    path,
                    "fixed-value-spelling",
                    f"{decl.label} is written {written!r}; NCMEC's schema fixes a set flag to 'true' and a strict "
                    "validator rejects any other spelling. Evidence Desk reads it as set and sends 'true'.",
                )
            )
        for child in elements:
            findings.append(
                error(f"{path}/{child.tag}", "unexpected-element", f"{decl.label} holds a value, not elements.")
            )
        return
    stray = (element.text or "").strip() or any((child.tail or "").strip() for child in element)
    if stray:
        findings.append(
            error(path, "unexpected-text", f"{decl.label} holds elements; text between them is not allowed.")
        )
    counts: dict[str, int] = {}
    furthest = -1
    for child in elements:
        tag = child.tag
        if tag.startswith("{") or not decl.has_child(tag):
            findings.append(
                error(
                    f"{path}/{tag}",
                    "unknown-element",
                    f"{decl.label} has no element <{tag}> in this model (schema drift, or a misspelt name).",
                )
            )
            continue
        child_decl = decl.child(tag)
        index = counts.get(tag, 0)
        counts[tag] = index + 1
        child_path = f"{path}/{schema.step(child_decl, index)}"
        position = decl.position(tag)
        if decl.content is Content.SEQUENCE and position < furthest:
            findings.append(
                error(
                    child_path,
                    "element-order",
                    f"<{tag}> is out of order: NCMEC's schema wants the elements of {decl.label} in a fixed order.",
                )
            )
        furthest = max(furthest, position)
        child_node = Node(child_decl)
        node.append(child_node)
        _read(child, child_node, child_path, findings)
