"""An XSD written from the model: the schema Evidence Desk's own declarations describe.

NCMEC's schema is not ours to ship, but the practice server must serve a schema at ``/xsd`` and
validate against one even where the workspace never fetched NCMEC's. This writes one from the
declarations in ``schema`` (the same tree the form, parser and checks use): every element in
declaration order with its cardinality, value type, enumeration, fixed value and attributes, the
``potentialMeme | fileAnnotations`` choice, and the two answer roots. What NCMEC enforces beyond its
XSD (lengths, formats, "in the past") stays out, as in NCMEC's own schema.

``drift.schema_drift`` of the result is empty by construction, and a test holds it to that.
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.schema_types import AttributeDecl, Content, ElementDecl

XS_NS = "http://www.w3.org/2001/XMLSchema"
_XS = f"{{{XS_NS}}}"
_GROUPS = {Content.SEQUENCE: "sequence", Content.ALL: "all", Content.CHOICE: "choice"}


class _Writer:
    def __init__(self) -> None:
        self.root = etree.Element(_XS + "schema", nsmap={"xs": XS_NS})
        self.root.set("elementFormDefault", "qualified")
        self._enum_types: dict[str, tuple[str, ...]] = {}

    def enum_type(self, name: str, values: tuple[str, ...]) -> str:
        """A named enumeration type (an anonymous one cannot be extended with attributes)."""
        known = self._enum_types.get(name)
        if known is None:
            self._enum_types[name] = values
            simple = etree.SubElement(self.root, _XS + "simpleType", name=name)
            restriction = etree.SubElement(simple, _XS + "restriction", base="xs:string")
            for value in values:
                etree.SubElement(restriction, _XS + "enumeration", value=value)
        elif known != values:
            raise ValueError(f"enumeration {name} is declared with two different value lists")
        return name

    def value_type(self, decl: ElementDecl | AttributeDecl) -> str:
        if decl.enum:
            return self.enum_type(decl.enum_name or f"{decl.name}Values", decl.enum)
        return str(decl.type)

    def attributes(self, parent: Any, attributes: Iterable[AttributeDecl]) -> None:
        for decl in attributes:
            node = etree.SubElement(parent, _XS + "attribute", name=decl.name)
            if decl.pattern is not None:
                simple = etree.SubElement(node, _XS + "simpleType")
                restriction = etree.SubElement(simple, _XS + "restriction", base=str(decl.type))
                etree.SubElement(restriction, _XS + "pattern", value=decl.pattern)
            else:
                node.set("type", self.value_type(decl))
            if decl.required:
                node.set("use", "required")

    def element(self, parent: Any, decl: ElementDecl, *, top: bool = False) -> None:
        node = etree.SubElement(parent, _XS + "element", name=decl.name)
        if not top:
            if decl.min_occurs != 1:
                node.set("minOccurs", str(decl.min_occurs))
            if decl.max_occurs != 1:
                node.set("maxOccurs", "unbounded" if decl.max_occurs is None else str(decl.max_occurs))
        if decl.content is Content.SIMPLE:
            value_type = self.value_type(decl)
            if not decl.attributes:
                node.set("type", value_type)
                if decl.fixed is not None:
                    node.set("fixed", decl.fixed)
                return
            complex_type = etree.SubElement(node, _XS + "complexType")
            content = etree.SubElement(complex_type, _XS + "simpleContent")
            extension = etree.SubElement(content, _XS + "extension", base=value_type)
            self.attributes(extension, decl.attributes)
            return
        complex_type = etree.SubElement(node, _XS + "complexType")
        if decl.content is not Content.EMPTY:
            self.particle(complex_type, decl)
        self.attributes(complex_type, decl.attributes)

    def particle(self, parent: Any, decl: ElementDecl) -> None:
        group = etree.SubElement(parent, _XS + _GROUPS[decl.content])
        nested: Any = None
        nested_name = ""
        for child in decl.children:
            if child.exclusive_group:
                # Members of one exclusive group sit in an optional xs:choice inside the sequence.
                if nested is None or nested_name != child.exclusive_group:
                    nested = etree.SubElement(group, _XS + "choice", minOccurs="0")
                    nested_name = child.exclusive_group
                self.element(nested, child)
            else:
                nested = None
                self.element(group, child)


def _answer_roots(root: Any) -> None:
    def leaf(parent: Any, name: str, kind: str, min_occurs: int = 1, unbounded: bool = False) -> None:
        node = etree.SubElement(parent, _XS + "element", name=name, type=kind)
        if min_occurs != 1:
            node.set("minOccurs", str(min_occurs))
        if unbounded:
            node.set("maxOccurs", "unbounded")

    response = etree.SubElement(root, _XS + "element", name="reportResponse")
    sequence = etree.SubElement(etree.SubElement(response, _XS + "complexType"), _XS + "sequence")
    leaf(sequence, "responseCode", "xs:int")
    leaf(sequence, "responseDescription", "xs:string")
    leaf(sequence, "reportId", "xs:long", 0)
    leaf(sequence, "fileId", "xs:token", 0)
    leaf(sequence, "hash", "xs:token", 0)
    done = etree.SubElement(root, _XS + "element", name="reportDoneResponse")
    sequence = etree.SubElement(etree.SubElement(done, _XS + "complexType"), _XS + "sequence")
    leaf(sequence, "responseCode", "xs:int")
    leaf(sequence, "reportId", "xs:long")
    files = etree.SubElement(sequence, _XS + "element", name="files")
    file_ids = etree.SubElement(etree.SubElement(files, _XS + "complexType"), _XS + "sequence")
    leaf(file_ids, "fileId", "xs:string", 0, True)


@cache
def model_xsd() -> bytes:
    """The model's schema as XSD bytes (UTF-8, with a declaration); the same bytes every call."""
    writer = _Writer()
    etree.SubElement(writer.root, _XS + "annotation").append(
        _documentation(
            "Written by Evidence Desk from its own CyberTipline model (model version "
            f"{schema.MODEL_VERSION}); NCMEC's published schema is the authority."
        )
    )
    for decl in schema.ROOTS.values():
        writer.element(writer.root, decl, top=True)
    _answer_roots(writer.root)
    etree.indent(writer.root, space="  ")
    data: bytes = etree.tostring(writer.root, encoding="UTF-8", xml_declaration=True)
    return data + b"\n"


def _documentation(text: str) -> Any:
    node = etree.Element(_XS + "documentation")
    node.text = text
    return node
