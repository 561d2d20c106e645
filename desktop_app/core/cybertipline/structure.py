"""The offline schema check: does a model tree satisfy what the declarations (and so the XSD) say?

Cardinality, exactly-one-of choices, required attributes, enumerations, XSD patterns, fixed
annotation flags and the lexical form of every typed value. This is what lets the app validate a
report without NCMEC's XSD at hand; the tests prove it agrees with the XSD on the documents they
generate. Element order needs no check here: the model cannot hold elements out of order (the
parser reports documents that had them).
"""

import re
from collections.abc import Iterator

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.findings import Finding, error, lower_label, times
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.schema_types import AttributeDecl, Content, ElementDecl, XsdType
from desktop_app.core.cybertipline.values import is_valid, parse_boolean

_TYPE_CODES = {
    XsdType.BOOLEAN: ("invalid-boolean", "true or false"),
    XsdType.INT: ("invalid-integer", "a whole number"),
    XsdType.LONG: ("invalid-integer", "a whole number"),
    XsdType.DOUBLE: ("invalid-number", "a decimal number"),
    XsdType.DATE_TIME: ("invalid-date-time", "a date and time like 2024-05-01T14:30:00+02:00"),
    XsdType.DATE: ("invalid-date", "a date like 2009-05-01"),
}


def enum_code(enum_name: str) -> str:
    """The finding code for a value outside an enumeration."""
    return {"country": "invalid-country", "state": "invalid-state"}.get(enum_name, "invalid-choice")


def check_value_form(decl: ElementDecl | AttributeDecl, value: str, path: str) -> list[Finding]:
    """Whether one value has the form its declaration demands (type, enumeration, pattern, fixed)."""
    label = decl.label
    if decl.enum:
        if value not in decl.enum:
            return [error(path, enum_code(decl.enum_name), f"{label}: {value!r} is not one of the allowed values.")]
        return []
    if isinstance(decl, ElementDecl) and decl.fixed is not None:
        if value and parse_boolean(value) is not True:
            return [error(path, "fixed-value", f"{label} is a tag: set means yes; to say no, remove it.")]
        if value and value != decl.fixed:  # NCMEC's schema (as libxml2 applies it) takes only the fixed spelling
            return [error(path, "fixed-value-spelling", f"{label} must be empty or {decl.fixed!r}, not {value!r}.")]
        return []
    if not is_valid(decl.type, value):
        code, form = _TYPE_CODES[decl.type]
        return [error(path, code, f"{label} must be {form}; {value!r} is not.")]
    if isinstance(decl, AttributeDecl) and decl.pattern and not re.fullmatch(decl.pattern, value):
        return [error(path, "pattern-mismatch", f"{label}: {value!r} does not have the required form.")]
    return []


def _ask_for(decl: ElementDecl | AttributeDecl) -> str:
    """What to do about a missing element or attribute, as a reviewer reads it: "Choose the incident type"."""
    label = lower_label(decl.label)
    if decl.enum:
        return f"Choose the {label}"
    if isinstance(decl, AttributeDecl) or decl.has_value:
        return f"Enter the {label}"
    return f"Add the {label}"


def check_structure(
    node: Node, path: str | None = None, *, skip_required: frozenset[str] = frozenset()
) -> list[Finding]:
    """Every structural problem in the tree under ``node``.

    ``skip_required`` lists index-free paths of required elements a draft may still lack
    (a file's ``reportId`` and ``fileId`` before NCMEC assigns them).
    """
    return list(_check(node, path or node.decl.name, node.decl.name, skip_required))


def _check(node: Node, path: str, decl_path: str, skip_required: frozenset[str]) -> Iterator[Finding]:
    decl = node.decl
    for attribute in decl.attributes:
        value = node.attributes.get(attribute.name)
        at = f"{path}/@{attribute.name}"
        if value is None:
            if attribute.required:
                yield error(at, "attribute-required", f"{_ask_for(attribute)} of the {lower_label(decl.label)}.")
            continue
        yield from check_value_form(attribute, value, at)
    if decl.has_value and node.value is not None:
        yield from check_value_form(decl, node.value, path)
    chosen = [child.name for child in decl.children if node.all(child.name)]
    if decl.content is Content.CHOICE and len(chosen) != 1:
        options = ", ".join(child.label for child in decl.children)
        code = "choice-empty" if not chosen else "choice-multiple"
        yield error(path, code, f"Choose one kind of {lower_label(decl.label)}: {options}.")
    groups: dict[str, list[str]] = {}
    for child in decl.children:
        if child.exclusive_group and child.name in chosen:
            groups.setdefault(child.exclusive_group, []).append(child.name)
    for members in groups.values():
        if len(members) > 1:
            yield error(f"{path}/{members[-1]}", "choice-multiple", f"Use only one of: {', '.join(members)}.")
    for child in decl.children:
        occurrences = node.all(child.name)
        child_decl_path = f"{decl_path}/{child.name}"
        required = child.min_occurs > 0 and decl.content is not Content.CHOICE
        if len(occurrences) < child.min_occurs and required and child_decl_path not in skip_required:
            yield error(
                f"{path}/{schema.step(child, len(occurrences))}",
                "required-missing",
                f"{_ask_for(child)}.",
            )
        if child.max_occurs is not None and len(occurrences) > child.max_occurs:
            yield error(
                f"{path}/{child.name}",
                "too-many",
                f"{child.label} may occur only {times(child.max_occurs)} in the {lower_label(decl.label)}.",
            )
        for index, occurrence in enumerate(occurrences):
            yield from _check(occurrence, f"{path}/{schema.step(child, index)}", child_decl_path, skip_required)
