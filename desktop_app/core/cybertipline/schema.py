"""The CyberTipline model: every element and attribute of ``<report>`` and ``<fileDetails>``, once.

This is the app's own schema: what the form shows, what the serializer writes, what the parser
accepts and what the offline checks enforce. It was written from NCMEC's XSD (2025-11, SHA-256
aee4c880...) and NCMEC's documentation (cybertipline-service.md); ``drift.schema_drift`` compares it
with any XSD, so a schema refresh from NCMEC's ``/xsd`` shows exactly what the model lacks.

Paths name one place in a report: element names joined by ``/``, an ``[index]`` (from 0) after
every element that may repeat, and ``@name`` for an attribute, e.g.
``report/personOrUserReported[0]/ipCaptureEvent[1]/port`` or ``fileDetails/originalFileHash[0]/@hashType``.
A draft's files are ``fileDetails[0]``, ``fileDetails[1]``... Findings, the form and the model all
use this syntax.
"""

import re
from collections.abc import Iterator

from desktop_app.core.cybertipline.schema_file import FILE_DETAILS, MEME_OR_ANNOTATIONS
from desktop_app.core.cybertipline.schema_report import REPORT
from desktop_app.core.cybertipline.schema_types import AttributeDecl, ElementDecl

__all__ = ["FILE_DETAILS", "MEME_OR_ANNOTATIONS", "MODEL_VERSION", "REPORT", "ROOTS"]

# Bump when the declarations change; stored drafts record it.
MODEL_VERSION = 1

ROOTS: dict[str, ElementDecl] = {REPORT.name: REPORT, FILE_DETAILS.name: FILE_DETAILS}

_STEP = re.compile(r"^(@?)([A-Za-z_][\w.-]*)(?:\[(\d+)\])?$")


def step(decl: ElementDecl, index: int) -> str:
    """The path step for the ``index``-th occurrence of an element (no index if it cannot repeat)."""
    return f"{decl.name}[{index}]" if decl.repeatable else decl.name


def parse_path(path: str) -> list[tuple[str, int | None, bool]]:
    """Split a path into ``(name, index or None, is_attribute)`` steps; ``ValueError`` if malformed."""
    steps: list[tuple[str, int | None, bool]] = []
    for part in path.split("/"):
        match = _STEP.match(part)
        if not match:
            raise ValueError(f"not a report path: {path!r}")
        at, name, index = match.groups()
        steps.append((name, int(index) if index is not None else None, bool(at)))
    if any(is_attribute for _, _, is_attribute in steps[:-1]):
        raise ValueError(f"an attribute can only end a path: {path!r}")
    return steps


def decl_at(path: str) -> ElementDecl | AttributeDecl:
    """The declaration a path points at (indices are ignored); ``KeyError`` if the model has none."""
    steps = parse_path(path)
    root_name = steps[0][0]
    if root_name not in ROOTS:
        raise KeyError(root_name)
    decl: ElementDecl = ROOTS[root_name]
    for name, _, is_attribute in steps[1:]:
        if is_attribute:
            return decl.attribute(name)
        decl = decl.child(name)
    return decl


def iter_decls(decl: ElementDecl, path: str | None = None) -> Iterator[tuple[str, ElementDecl]]:
    """Every element declaration under (and including) ``decl`` with its index-free path, in order."""
    here = path or decl.name
    yield here, decl
    for child in decl.children:
        yield from iter_decls(child, f"{here}/{child.name}")
