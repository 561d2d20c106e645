"""Schema drift: what an XSD declares that the model lacks, and the other way round.

NCMEC updates its schema over time (cybertipline-service.md §4). The app validates offline against its own model
(``schema``); with credentials it also fetches the live XSD. This module walks any XSD from the
``report`` and ``fileDetails`` roots, reduces it and the model to comparable facts (element and
attribute paths, cardinality, value types, enum values, and the order of each sequence's
elements) and lists the differences. Order matters as much as names: the model serializes a
report in its declared order, so a sequence NCMEC reorders would make every report invalid. An element,
attribute or enum value the XSD has and the model lacks is drift: the form cannot express it. One
the model has and the XSD lacks would be rejected by NCMEC.

The walker understands the constructs NCMEC's schema uses (global and local elements, ``ref``,
named and inline complex and simple types, sequence/choice/all including a choice nested in a
sequence, simple content extensions, enumerations and patterns). Anything else is reported as an
``unsupported`` item rather than silently skipped.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.schema_types import Content, ElementDecl
from desktop_app.core.cybertipline.xsd import parse_xsd_tree

_XS = "{http://www.w3.org/2001/XMLSchema}"
_MAX_DEPTH = 40  # NCMEC's schema nests 7 deep; a recursive type must not hang the walk


@dataclass(frozen=True, slots=True)
class ElementFact:
    """What is comparable about one element."""

    min_occurs: int
    max_occurs: int | None
    content: str  # a ``Content`` value
    value_type: str | None  # the built-in XSD type of a simple value
    fixed: str | None
    in_nested_choice: bool


@dataclass(frozen=True, slots=True)
class AttributeFact:
    """What is comparable about one attribute."""

    value_type: str
    required: bool
    pattern: str | None


@dataclass
class SchemaFacts:
    """A schema reduced to facts keyed by index-free paths (attributes as ``path/@name``)."""

    elements: dict[str, ElementFact]
    attributes: dict[str, AttributeFact]
    enums: dict[str, tuple[str, ...]]  # element or attribute path -> allowed values
    unsupported: list[str]
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # sequence path -> child names in order


@dataclass(frozen=True, slots=True)
class DriftItem:
    """One difference.

    ``kind`` is stable: ``element-``, ``attribute-`` or ``enum-value-`` followed by
    ``missing-from-model`` or ``not-in-xsd``; or ``changed``; or ``order-changed`` (a sequence
    whose shared elements come in another order); or ``unsupported``.
    """

    kind: str
    path: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True, slots=True)
class Drift:
    """All differences between the model and one XSD."""

    items: tuple[DriftItem, ...]

    @property
    def clean(self) -> bool:
        """No differences at all."""
        return not self.items

    @property
    def missing_from_model(self) -> tuple[DriftItem, ...]:
        """What the XSD declares and the model cannot express (schema drift)."""
        return tuple(i for i in self.items if i.kind.endswith("missing-from-model"))

    def of_kind(self, kind: str) -> tuple[DriftItem, ...]:
        """The items of one kind."""
        return tuple(i for i in self.items if i.kind == kind)


def model_facts(roots: Iterable[ElementDecl] = (schema.REPORT, schema.FILE_DETAILS)) -> SchemaFacts:
    """The model's facts."""
    facts = SchemaFacts({}, {}, {}, [])
    for root in roots:
        for path, decl in schema.iter_decls(root):
            simple = decl.content is Content.SIMPLE
            facts.elements[path] = ElementFact(
                decl.min_occurs,
                decl.max_occurs,
                str(decl.content),
                str(decl.type) if simple else None,
                decl.fixed,
                bool(decl.exclusive_group),
            )
            if decl.enum:
                facts.enums[path] = decl.enum
            if decl.content is Content.SEQUENCE:
                facts.orders[path] = tuple(child.name for child in decl.children)
            for attribute in decl.attributes:
                at = f"{path}/@{attribute.name}"
                facts.attributes[at] = AttributeFact(str(attribute.type), attribute.required, attribute.pattern)
                if attribute.enum:
                    facts.enums[at] = attribute.enum
    return facts


class _XsdWalker:
    def __init__(self, root: Any) -> None:
        self.elements = {e.get("name"): e for e in root.findall(f"{_XS}element")}
        self.complex = {e.get("name"): e for e in root.findall(f"{_XS}complexType")}
        self.simple = {e.get("name"): e for e in root.findall(f"{_XS}simpleType")}
        self.facts = SchemaFacts({}, {}, {}, [])
        for tag in ("include", "import", "redefine", "group", "attributeGroup"):
            if root.find(f"{_XS}{tag}") is not None:
                self.facts.unsupported.append(f"xs:{tag}")

    def simple_type(self, node: Any, name: str | None, path: str) -> tuple[str, tuple[str, ...], str | None]:
        """(built-in base, enum values, pattern) of a named or inline simple type."""
        if name is not None and _is_builtin(name):
            return _builtin(name), (), None
        if name is not None:
            if name in self.simple:
                node = self.simple[name]
            elif name in self.complex:  # a simple-content complex type used as an extension base
                base, values, pattern, _ = self.simple_content(self.complex[name], path)
                return base, values, pattern
            else:
                self.facts.unsupported.append(f"{path}: unknown type {name}")
                return "xs:string", (), None
        restriction = node.find(f"{_XS}restriction") if node is not None else None
        if restriction is None:
            self.facts.unsupported.append(f"{path}: simple type without restriction")
            return "xs:string", (), None
        base_name = restriction.get("base")
        inner = restriction.find(f"{_XS}simpleType")
        base, values, pattern = self.simple_type(inner, base_name, path)
        own_values = tuple(e.get("value") for e in restriction.findall(f"{_XS}enumeration"))
        own_pattern = restriction.find(f"{_XS}pattern")
        return (
            base,
            own_values or values,
            own_pattern.get("value") if own_pattern is not None else pattern,
        )

    def simple_content(self, complex_type: Any, path: str) -> tuple[str, tuple[str, ...], str | None, list[Any]]:
        """(base, enum values, pattern, attribute nodes) of a simple-content complex type."""
        content = complex_type.find(f"{_XS}simpleContent")
        derivation = content.find(f"{_XS}extension")
        if derivation is None:
            self.facts.unsupported.append(f"{path}: simpleContent restriction")
            return "xs:string", (), None, []
        base, values, pattern = self.simple_type(None, derivation.get("base"), path)
        return base, values, pattern, list(derivation.findall(f"{_XS}attribute"))

    def attributes(self, nodes: Iterable[Any], path: str) -> None:
        for node in nodes:
            at = f"{path}/@{node.get('name')}"
            base, values, pattern = self.simple_type(node.find(f"{_XS}simpleType"), node.get("type"), at)
            self.facts.attributes[at] = AttributeFact(base, node.get("use") == "required", pattern)
            if values:
                self.facts.enums[at] = values

    def element(self, node: Any, parent: str | None, depth: int, nested_choice: bool = False) -> None:
        occurs = _occurs(node)
        if node.get("ref") is not None:
            target = self.elements.get(node.get("ref"))
            if target is None:
                self.facts.unsupported.append(f"{parent}: unknown element ref {node.get('ref')}")
                return
            node = target
        name = node.get("name")
        path = f"{parent}/{name}" if parent else name
        if depth > _MAX_DEPTH:
            self.facts.unsupported.append(f"{path}: nested too deep (recursive type?)")
            return
        type_name = node.get("type")
        complex_type = node.find(f"{_XS}complexType")
        if complex_type is None and type_name is not None and not _is_builtin(type_name):
            complex_type = self.complex.get(type_name)
        if complex_type is None:  # a simple-typed element
            base, values, _ = self.simple_type(node.find(f"{_XS}simpleType"), type_name, path)
            self._record(path, occurs, Content.SIMPLE, base, node.get("fixed"), nested_choice, values)
            return
        if complex_type.find(f"{_XS}simpleContent") is not None:
            base, values, _, attributes = self.simple_content(complex_type, path)
            self._record(path, occurs, Content.SIMPLE, base, node.get("fixed"), nested_choice, values)
            self.attributes(attributes, path)
            return
        if complex_type.find(f"{_XS}complexContent") is not None:
            self.facts.unsupported.append(f"{path}: complexContent")
            return
        content = Content.EMPTY
        for kind in (Content.SEQUENCE, Content.CHOICE, Content.ALL):
            particle = complex_type.find(f"{_XS}{kind}")
            if particle is not None:
                content = kind
                names: list[str] = []
                self.particle(particle, path, depth, names=names)
                if kind is Content.SEQUENCE:
                    self.facts.orders[path] = tuple(names)
        self._record(path, occurs, content, None, None, nested_choice, ())
        self.attributes(complex_type.findall(f"{_XS}attribute"), path)

    def particle(
        self, particle: Any, path: str, depth: int, nested: bool = False, names: list[str] | None = None
    ) -> None:
        for child in particle:
            if child.tag == f"{_XS}element":
                if names is not None:
                    names.append(child.get("name") or child.get("ref") or "")
                self.element(child, path, depth + 1, nested)
            elif child.tag in (f"{_XS}choice", f"{_XS}sequence"):
                self.particle(child, path, depth, nested=nested or child.tag == f"{_XS}choice", names=names)
            elif child.tag in (f"{_XS}any", f"{_XS}group"):
                self.facts.unsupported.append(f"{path}: {child.tag.replace(_XS, 'xs:')}")

    def _record(
        self,
        path: str,
        occurs: tuple[int, int | None],
        content: Content,
        value_type: str | None,
        fixed: str | None,
        nested_choice: bool,
        values: tuple[str, ...],
    ) -> None:
        self.facts.elements[path] = ElementFact(occurs[0], occurs[1], str(content), value_type, fixed, nested_choice)
        if values:
            self.facts.enums[path] = values


def _is_builtin(name: str) -> bool:
    return name.startswith("xs:") or name.startswith("xsd:")


def _builtin(name: str) -> str:
    return "xs:" + name.split(":", 1)[1]


def _occurs(node: Any) -> tuple[int, int | None]:
    low = int(node.get("minOccurs", "1"))
    high = node.get("maxOccurs", "1")
    return low, None if high == "unbounded" else int(high)


def xsd_facts(xsd: bytes | Path | Any, roots: Iterable[str] = ("report", "fileDetails")) -> SchemaFacts:
    """The facts of an XSD (bytes, a path, or an already parsed lxml tree or root element)."""
    tree = parse_xsd_tree(xsd) if isinstance(xsd, bytes | Path) else xsd
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    walker = _XsdWalker(root)
    for name in roots:
        if name not in walker.elements:
            walker.facts.unsupported.append(f"{name}: no such global element")
            continue
        walker.element(walker.elements[name], None, 0)
    return walker.facts


def compare(model: SchemaFacts, xsd: SchemaFacts) -> Drift:
    """The differences between two sets of facts."""
    items: list[DriftItem] = [DriftItem("unsupported", u) for u in xsd.unsupported]
    for kind, ours, theirs in (
        ("element", model.elements, xsd.elements),
        ("attribute", model.attributes, xsd.attributes),
    ):
        for path in theirs.keys() - ours.keys():
            items.append(DriftItem(f"{kind}-missing-from-model", path))
        for path in ours.keys() - theirs.keys():
            items.append(DriftItem(f"{kind}-not-in-xsd", path))
        for path in ours.keys() & theirs.keys():
            if ours[path] != theirs[path]:
                items.append(DriftItem("changed", path, _difference(ours[path], theirs[path])))
    for path in model.orders.keys() & xsd.orders.keys():
        theirs_names = set(xsd.orders[path])
        ours_order = [name for name in model.orders[path] if name in theirs_names]
        shared = set(ours_order)
        theirs_order = [name for name in xsd.orders[path] if name in shared]
        if ours_order != theirs_order:
            detail = f"model {', '.join(ours_order)}; XSD {', '.join(theirs_order)}"
            items.append(DriftItem("order-changed", path, detail))
    for path in model.enums.keys() | xsd.enums.keys():
        ours_values, theirs_values = model.enums.get(path, ()), xsd.enums.get(path, ())
        for value in theirs_values:
            if value not in ours_values:
                items.append(DriftItem("enum-value-missing-from-model", path, repr(value)))
        for value in ours_values:
            if value not in theirs_values and path in xsd.elements.keys() | xsd.attributes.keys():
                items.append(DriftItem("enum-value-not-in-xsd", path, repr(value)))
    return Drift(tuple(sorted(items, key=lambda i: (i.kind, i.path, i.detail))))


def _difference(ours: ElementFact | AttributeFact, theirs: ElementFact | AttributeFact) -> str:
    changes = []
    for name in ours.__slots__:
        mine, xsd = getattr(ours, name), getattr(theirs, name)
        if mine != xsd:
            changes.append(f"{name}: model {mine!r}, XSD {xsd!r}")
    return "; ".join(changes)


def schema_drift(xsd: bytes | Path | Any) -> Drift:
    """Compare the app's model with an XSD (NCMEC's live ``/xsd`` or a copy)."""
    return compare(model_facts(), xsd_facts(xsd))
