"""Parsing XML that comes from outside, safely: no network, no DTDs, no entity expansion, a size cap.

Report documents come from files the reviewer points at and XSDs from NCMEC's server; neither is
trusted. libxml2 (through lxml) is told never to load anything over the network, never to expand
entities, never to load a DTD; a document that declares a DTD at all is refused, which rules out
entity tricks (billion laughs, external entities) however the parser is configured. lxml has no type
stubs, hence the ``Any`` at this boundary.
"""

from typing import Any

from lxml import etree  # type: ignore[import-untyped]

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # a report with long chat logs is large, never this large


class UnreadableXml(ValueError):
    """The bytes are not a well-formed, DTD-free XML document within the size cap."""


def _parser() -> Any:
    # A new parser per call: lxml parsers are not thread-safe and are cheap to build.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, *, max_bytes: int | None = None) -> Any:
    """Parse ``data`` into an lxml tree; ``UnreadableXml`` if it is too big, malformed or has a DTD."""
    max_bytes = MAX_DOCUMENT_BYTES if max_bytes is None else max_bytes
    if len(data) > max_bytes:
        raise UnreadableXml(f"the document is {len(data):,} bytes; the limit is {max_bytes:,}")
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as problem:
        raise UnreadableXml(f"not well-formed XML: {problem}") from None
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnreadableXml("the document declares a DTD; CyberTipline documents never do")
    return tree


def element_tree(root: Any) -> Any:
    """Wrap an lxml element as a tree (for validation)."""
    return etree.ElementTree(root)
