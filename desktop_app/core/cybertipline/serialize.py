"""Writing report and file-details documents exactly as NCMEC will receive them.

Deterministic: the same model always gives the same bytes. Elements are written in declaration
order (the XSD's sequence order), attributes in declaration order, UTF-8 with an XML declaration,
two-space indentation between elements (never inside a value), and the ``xsi`` attributes NCMEC's
own examples carry. Characters XML cannot carry are removed (the rule is in ``values``); the
checks warn about them beforehand. One ``fileDetails`` document per file.
"""

from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from desktop_app.core.cybertipline.model import Node, ReportDraft
from desktop_app.core.cybertipline.values import xml_safe

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "https://report.cybertip.org/ispws/xsd"
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _fill(element: Any, node: Node) -> None:
    for attribute in node.decl.attributes:
        value = node.attributes.get(attribute.name)
        if value is not None:
            element.set(attribute.name, xml_safe(value))
    if node.value:
        element.text = xml_safe(node.value)
    for child in node.children():
        _fill(etree.SubElement(element, child.decl.name), child)


def serialize(node: Node) -> bytes:
    """The document rooted at ``node`` (a report or file details), as bytes to send."""
    root = etree.Element(node.decl.name, nsmap={"xsi": XSI})
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_LOCATION)
    _fill(root, node)
    etree.indent(root, space="  ")
    body: bytes = etree.tostring(root, encoding="UTF-8")
    return _DECLARATION + body + b"\n"


def serialize_file_details(details: Node, report_id: int | None = None, file_id: str | None = None) -> bytes:
    """One ``fileDetails`` document; ``report_id``/``file_id`` (known after upload) are filled in."""
    if report_id is not None or file_id is not None:
        details = details.copy()
        if report_id is not None:
            details.set("reportId", report_id)
        if file_id is not None:
            details.set("fileId", file_id)
    return serialize(details)


def serialize_draft(draft: ReportDraft, report_id: int, file_ids: list[str]) -> tuple[bytes, list[bytes]]:
    """The report document and one file-details document per file, for a report NCMEC has opened."""
    if len(file_ids) != len(draft.files):
        raise ValueError(f"{len(draft.files)} files in the draft but {len(file_ids)} file IDs")
    return serialize(draft.report), [
        serialize_file_details(f.details, report_id, file_id) for f, file_id in zip(draft.files, file_ids, strict=True)
    ]
