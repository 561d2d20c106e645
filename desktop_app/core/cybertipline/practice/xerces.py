"""NCMEC's validator speaks Xerces; ours is libxml2. This rewords libxml2's errors as Xerces's.

NCMEC validates with a Java (Xerces) schema validator and passes its message through in
``responseDescription``, e.g. ``cvc-complex-type.2.4.a: Invalid content was found starting with
element 'reporter'. One of '{incidentSummary}' is expected.`` Clients and reviewers learn to read
those, so the practice server answers in the same words. The wording follows Xerces's message
catalogue for the error families NCMEC's schema can raise; where Xerces's first message does not
name the element (enumeration, datatype, pattern), Xerces's follow-up message that does is appended,
as Xerces itself reports both. An error family not listed here keeps libxml2's text behind a
``cvc-type.3.1.3`` prefix, still naming the element.
"""

import re

from desktop_app.core.cybertipline.xsd import SchemaProblem

_WHERE = re.compile(r"^Element '(?P<element>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: (?P<detail>.*)$", re.S)
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (?P<names>.*?) \)\.?\s*$", re.S)
_VALUE = re.compile(r"The (?:actual )?value '(?P<value>.*?)'", re.S)
_SET = re.compile(r"set \{(?P<set>.*)\}\.?\s*$", re.S)
_ATOMIC = re.compile(
    r"^'(?P<value>.*?)' is not a valid value of the (?:atomic|list|union) type '(?:xs:)?(?P<type>[^']+)'", re.S
)
_PATTERN = re.compile(r"by the pattern '(?P<pattern>.*)'\.?\s*$", re.S)
_FIXED = re.compile(r"fixed value constraint '(?P<fixed>.*?)'", re.S)


def _expected(detail: str) -> str:
    match = _EXPECTED.search(detail)
    if not match:
        return ""
    names = ", ".join(name.strip() for name in match.group("names").split(","))
    return f" One of '{{{names}}}' is expected."


def _value_not_valid(value: str, element: str, attribute: str | None) -> str:
    if attribute:
        return (
            f"cvc-attribute.3: The value '{value}' of attribute '{attribute}' on element '{element}' "
            "is not valid with respect to its type."
        )
    return f"cvc-type.3.1.3: The value '{value}' of element '{element}' is not valid."


def xerces_message(problem: SchemaProblem) -> str:
    """The Xerces wording of one libxml2 schema error (one line)."""
    match = _WHERE.match(problem.message.strip())
    if not match:
        return f"cvc-type.3.1.3: {problem.message.strip()}"
    element, attribute, detail = match.group("element"), match.group("attribute"), match.group("detail").strip()
    kind = problem.type_name
    if kind == "SCHEMAV_ELEMENT_CONTENT":
        if detail.startswith("Missing child element"):
            return f"cvc-complex-type.2.4.b: The content of element '{element}' is not complete.{_expected(detail)}"
        expected = _expected(detail)
        if expected:
            return f"cvc-complex-type.2.4.a: Invalid content was found starting with element '{element}'.{expected}"
        return (
            f"cvc-complex-type.2.4.d: Invalid content was found starting with element '{element}'. "
            "No child element is expected at this point."
        )
    if kind == "SCHEMAV_CVC_ELT_1":
        return f"cvc-elt.1.a: Cannot find the declaration of element '{element}'."
    if kind == "SCHEMAV_CVC_COMPLEX_TYPE_4":
        missing = re.search(r"attribute '([^']+)' is required", detail)
        name = missing.group(1) if missing else "?"
        return f"cvc-complex-type.4: Attribute '{name}' must appear on element '{element}'."
    if kind in ("SCHEMAV_CVC_COMPLEX_TYPE_3_2_1", "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2"):
        return f"cvc-complex-type.3.2.2: Attribute '{attribute}' is not allowed to appear in element '{element}'."
    if kind == "SCHEMAV_CVC_COMPLEX_TYPE_2_3":
        return (
            f"cvc-complex-type.2.3: Element '{element}' cannot have character [children], "
            "because the type's content type is element-only."
        )
    if kind == "SCHEMAV_CVC_COMPLEX_TYPE_2_1":
        return (
            f"cvc-complex-type.2.1: Element '{element}' must have no character or element information item "
            "[children], because the type's content type is empty."
        )
    if kind == "SCHEMAV_CVC_TYPE_3_1_2":
        return (
            f"cvc-type.3.1.2: Element '{element}' is a simple type, so it must have no element information "
            "item [children]."
        )
    if kind == "SCHEMAV_CVC_ENUMERATION_VALID":
        value = _VALUE.search(detail)
        members = _SET.search(detail)
        shown = value.group("value") if value else ""
        listed = ", ".join(m.strip().strip("'") for m in members.group("set").split("', '")) if members else ""
        return (
            f"cvc-enumeration-valid: Value '{shown}' is not facet-valid with respect to enumeration "
            f"'[{listed}]'. It must be a value from the enumeration. {_value_not_valid(shown, element, attribute)}"
        )
    if kind == "SCHEMAV_CVC_DATATYPE_VALID_1_2_1":
        atomic = _ATOMIC.search(detail)
        if atomic:
            given, type_name = atomic.group("value"), atomic.group("type")
            return (
                f"cvc-datatype-valid.1.2.1: '{given}' is not a valid value for '{type_name}'. "
                f"{_value_not_valid(given, element, attribute)}"
            )
    if kind == "SCHEMAV_CVC_PATTERN_VALID":
        value = _VALUE.search(detail)
        pattern = _PATTERN.search(detail)
        shown = value.group("value") if value else ""
        return (
            f"cvc-pattern-valid: Value '{shown}' is not facet-valid with respect to pattern "
            f"'{pattern.group('pattern') if pattern else ''}' for type '{attribute or element}'. "
            f"{_value_not_valid(shown, element, attribute)}"
        )
    if kind == "SCHEMAV_CVC_ELT_5_2_2_2_2":
        value = _VALUE.search(detail)
        fixed = _FIXED.search(detail)
        return (
            f"cvc-elt.5.2.2.2.2: The value '{value.group('value') if value else ''}' of element '{element}' "
            f"does not match the {{value constraint}} value '{fixed.group('fixed') if fixed else ''}'."
        )
    where = f"attribute '{attribute}' on element '{element}'" if attribute else f"element '{element}'"
    return f"cvc-type.3.1.3: The value of {where} is not valid: {detail}"
