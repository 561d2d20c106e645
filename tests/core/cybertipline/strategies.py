"""Hypothesis strategies for random documents the XSD accepts, generated from the declarations."""

import copy
from datetime import UTC, timedelta, timezone

from hypothesis import strategies as st
from lxml import etree

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.schema_types import AttributeDecl, Content, ElementDecl, XsdType
from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.cybertipline.values import has_xml_illegal

XML_CHARS = st.characters(codec="utf-8").filter(lambda c: not has_xml_illegal(c))
TEXT = st.text(XML_CHARS, max_size=12)
ZONES = st.one_of(
    st.none(),
    st.just(UTC),
    st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes))),
)
DATE_TIMES = st.datetimes(timezones=ZONES).map(lambda moment: moment.isoformat())
_BY_TYPE = {
    XsdType.STRING: TEXT,
    XsdType.TOKEN: TEXT,
    XsdType.BOOLEAN: st.sampled_from(["true", "false", "1", "0", " true "]),
    XsdType.INT: st.integers(-(2**31), 2**31 - 1).map(str),
    XsdType.LONG: st.integers(-(2**63), 2**63 - 1).map(str),
    XsdType.DOUBLE: st.one_of(
        st.floats(allow_nan=False, allow_infinity=False).map(repr), st.sampled_from(["INF", "-INF", "NaN", "1.5E3"])
    ),
    XsdType.DATE_TIME: DATE_TIMES,
    XsdType.DATE: st.dates().map(lambda day: day.isoformat()),
}


def values(decl: ElementDecl | AttributeDecl) -> st.SearchStrategy[str]:
    if isinstance(decl, ElementDecl) and decl.fixed is not None:
        return st.sampled_from(["", "true"])
    if decl.enum:
        return st.sampled_from(decl.enum)
    if isinstance(decl, AttributeDecl) and decl.pattern:
        return st.from_regex(decl.pattern, fullmatch=True)
    return _BY_TYPE[decl.type]


@st.composite
def nodes(draw, decl: ElementDecl) -> Node:
    node = Node(decl)
    if decl.has_value:
        node.value = draw(values(decl))
    for attribute in decl.attributes:
        if attribute.required or draw(st.integers(0, 2)) == 0:
            node.attributes[attribute.name] = draw(values(attribute))
    if decl.content is Content.CHOICE:
        node.append(draw(nodes(draw(st.sampled_from(decl.children)))))
        return node
    used_groups = set()
    for child in decl.children:
        if child.exclusive_group in used_groups:
            continue
        # Mostly sparse, sometimes repeated: documents stay small enough for 100+ examples in seconds.
        extra = draw(st.integers(0, 7))
        count = child.min_occurs + (0 if extra < 5 else 1 if extra < 7 or not child.repeatable else 2)
        if child.max_occurs is not None:
            count = min(count, child.max_occurs)
        for _ in range(count):
            node.append(draw(nodes(child)))
        if count and child.exclusive_group:
            used_groups.add(child.exclusive_group)
    return node


MUTATION_TEXTS = ["", "x", "-1", "true", "2024-01-01", "US", " 5 ", "2024-01-01T00:00:00Z", "Login", "+1", "A1", "1e3"]
MUTATION_ATTRIBUTES = ["type", "verified", "reason", "hashType", "bogus", "countryCallingCode", "disabledDate"]


@st.composite
def mutated_documents(draw) -> bytes:
    """A valid document with one random change at the XML level (which may or may not break it)."""
    document = draw(nodes(draw(st.sampled_from([schema.REPORT, schema.FILE_DETAILS]))))
    root = etree.fromstring(serialize(document))
    target = draw(st.sampled_from(list(root.iter())))
    kind = draw(st.sampled_from(["text", "remove", "duplicate", "attribute", "swap"]))
    if kind == "text" and len(target) == 0:
        target.text = draw(st.sampled_from(MUTATION_TEXTS))
    elif kind == "attribute":
        target.set(draw(st.sampled_from(MUTATION_ATTRIBUTES)), draw(st.sampled_from(MUTATION_TEXTS)))
    elif target is not root and kind == "remove":
        target.getparent().remove(target)
    elif target is not root and kind == "duplicate":
        target.addnext(copy.deepcopy(target))
    elif target is not root and kind == "swap" and target.getprevious() is not None:
        target.getprevious().addprevious(target)
    return etree.tostring(root)
