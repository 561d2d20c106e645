"""Validating a CyberTipline document against an XSD file with lxml, offline.

Used with NCMEC's live schema once the workspace has cached it, and by the tests with the reference
copy. The XSD itself is untrusted input: it is parsed like any outside XML (``xmlsafe``), and a
schema that imports or includes other documents is refused, because compiling it would make
libxml2 fetch them. Validation errors become findings whose paths are the model's paths, so a
finding from NCMEC's schema lands on the same field as one from the model.
"""

import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.findings import Finding, error
from desktop_app.core.cybertipline.schema_types import ElementDecl
from desktop_app.core.cybertipline.xmlsafe import UnreadableXml, parse_xml
from desktop_app.core.errors import XsdUnusable
from desktop_app.core.platform.files import read_at_most

_XS = "{http://www.w3.org/2001/XMLSchema}"
_XPATH_STEP = re.compile(r"^([A-Za-z_][\w.-]*)(?:\[(\d+)\])?$")
MAX_XSD_BYTES = 8 * 1024 * 1024  # NCMEC's is 149 kB


def _read(source: bytes | Path) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        data = read_at_most(source, MAX_XSD_BYTES)  # never more than the cap + 1 byte, whatever the file is
    except OSError as problem:
        raise XsdUnusable(f"Cannot read the XSD {source}: {problem.strerror or problem}.") from None
    if len(data) > MAX_XSD_BYTES:
        raise XsdUnusable(
            f"The XSD {source} is larger than {MAX_XSD_BYTES:,} bytes (NCMEC's is about 150 kB); "
            "check that you named the schema file."
        )
    return data


def parse_xsd_tree(source: bytes | Path) -> Any:
    """Parse an XSD safely into an lxml tree; ``XsdUnusable`` if it is unreadable or reaches out."""
    data = _read(source)
    try:
        tree = parse_xml(data, max_bytes=MAX_XSD_BYTES)
    except UnreadableXml as problem:
        raise XsdUnusable(f"The XSD cannot be used: {problem}.") from None
    root = tree.getroot()
    if root.tag != f"{_XS}schema":
        raise XsdUnusable("The file is not an XML schema (its root is not xs:schema).")
    for tag in ("import", "include", "redefine", "override"):
        if root.find(f".//{_XS}{tag}") is not None:
            raise XsdUnusable(f"The XSD uses xs:{tag}; Evidence Desk validates only self-contained schemas offline.")
    return tree


@dataclass(frozen=True)
class SchemaProblem:
    """One libxml2 validation error: the node's path, libxml2's error type name and its message."""

    path: str | None
    type_name: str
    message: str


@dataclass(frozen=True)
class CompiledXsd:
    """A compiled schema and the SHA-256 of the bytes it came from (to name it in findings and logs)."""

    sha256: str
    _schema: Any
    # The schema keeps its error log on itself, so one validation at a time (the form on the GUI
    # thread and an export on a worker may share it).
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def validate(self, document: Any) -> list[Finding]:
        """Validate a parsed document (an lxml tree or root element); findings carry model paths."""
        tree = document if hasattr(document, "getroot") else etree.ElementTree(document)
        with self._lock:
            if self._schema.validate(tree):
                return []
            entries = [(entry.path, entry.message) for entry in self._schema.error_log]
        rejects = "NCMEC's schema rejects this"
        return [error(_model_path(path), "xsd-invalid", f"{rejects}: {message}") for path, message in entries]

    def problems(self, document: Any) -> list[SchemaProblem]:
        """libxml2's own account of what is wrong (empty when valid), for callers that word it themselves."""
        tree = document if hasattr(document, "getroot") else etree.ElementTree(document)
        with self._lock:
            if self._schema.validate(tree):
                return []
            return [SchemaProblem(entry.path, entry.type_name, entry.message) for entry in self._schema.error_log]

    def validate_bytes(self, data: bytes) -> list[Finding]:
        """Validate serialized bytes (as they would be sent)."""
        try:
            return self.validate(parse_xml(data))
        except UnreadableXml as problem:
            return [error("", "xml-unreadable", str(problem))]


def load_xsd(source: bytes | Path) -> CompiledXsd:
    """Parse and compile an XSD for validation; ``XsdUnusable`` if that fails."""
    data = _read(source)
    tree = parse_xsd_tree(data)
    try:
        compiled = etree.XMLSchema(tree)
    except etree.XMLSchemaParseError as problem:
        raise XsdUnusable(f"The XSD does not compile: {problem}.") from None
    return CompiledXsd(hashlib.sha256(data).hexdigest(), compiled)


def _model_path(xpath: str | None) -> str:
    """Turn libxml2's node path (``/report/victim[2]/victimPerson``, 1-based) into a model path."""
    if not xpath:
        return ""
    steps = [s for s in xpath.split("/") if s]
    out: list[str] = []
    decl: ElementDecl | None = None
    for position, raw in enumerate(steps):
        match = _XPATH_STEP.match(raw)
        if not match:
            return "/".join(out + steps[position:])
        name, index = match.group(1), int(match.group(2) or 1) - 1
        if position == 0:
            decl = schema.ROOTS.get(name)
        elif decl is not None and decl.has_child(name):
            decl = decl.child(name)
        else:
            decl = None
        if decl is None:
            return "/".join(out + steps[position:])
        out.append(schema.step(decl, index))
    return "/".join(out)
