"""The vocabulary the CyberTipline model is declared in: element and attribute declarations.

A declaration says everything one field is: its XML name, XSD value type, cardinality, enum
values, maximum length, format, range, label and help text. The report model (``schema``) is a
tree of these; the form, the serializer, the parser, the structure check, the business rules and
the drift check are all projections of that one tree, so no rule or label is restated elsewhere.

Declarations carry no path: the same declaration (a phone number, an address) appears in many
places. Paths come from walking the tree (``schema.iter_decls``, ``model``).
"""

from dataclasses import dataclass, field
from enum import StrEnum


class XsdType(StrEnum):
    """The XSD built-in type of a value (enumerations and patterns restrict ``xs:string``)."""

    STRING = "xs:string"
    TOKEN = "xs:token"
    BOOLEAN = "xs:boolean"
    INT = "xs:int"
    LONG = "xs:long"
    DOUBLE = "xs:double"
    DATE_TIME = "xs:dateTime"
    DATE = "xs:date"


class Content(StrEnum):
    """What an element contains."""

    SIMPLE = "simple"  # a value (text), possibly with attributes
    SEQUENCE = "sequence"  # child elements in declaration order
    ALL = "all"  # child elements in any order, each at most once
    CHOICE = "choice"  # exactly one of the child elements
    EMPTY = "empty"  # attributes only


class Format(StrEnum):
    """Formats NCMEC checks beyond the XSD (cybertipline-service.md §5)."""

    URL = "url"
    IP = "ip"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class AttributeDecl:
    """One XML attribute."""

    name: str
    label: str
    help: str
    type: XsdType = XsdType.STRING
    required: bool = False
    enum: tuple[str, ...] = ()
    enum_name: str = ""  # the XSD simple type the values come from ("country", "phoneType", ...)
    pattern: str | None = None  # an XSD pattern (whole-value match)
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class ElementDecl:
    """One XML element: a form field (simple content) or a section/group (complex content)."""

    name: str
    label: str
    help: str
    content: Content = Content.SIMPLE
    type: XsdType = XsdType.STRING  # the value type of simple content; ignored otherwise
    min_occurs: int = 0
    max_occurs: int | None = 1  # None: unbounded
    children: tuple["ElementDecl", ...] = ()
    attributes: tuple[AttributeDecl, ...] = ()
    enum: tuple[str, ...] = ()
    enum_name: str = ""
    fixed: str | None = None  # annotation flags are fixed="true": present means yes
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    format: Format | None = None
    non_blank: bool = False  # NCMEC rejects the element when present but blank
    # Members of an xs:choice nested in a sequence (fileDetails: potentialMeme | fileAnnotations)
    # share a group name: at most one of them may be present.
    exclusive_group: str = ""
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [child.name for child in self.children]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate child declarations")
        self._index.update({name: position for position, name in enumerate(names)})

    @property
    def repeatable(self) -> bool:
        """Whether the element may occur more than once (its paths carry an index)."""
        return self.max_occurs is None or self.max_occurs > 1

    @property
    def has_value(self) -> bool:
        """Whether the element carries a text value (simple content)."""
        return self.content is Content.SIMPLE

    def child(self, name: str) -> "ElementDecl":
        """The declaration of a child element; ``KeyError`` if the model has none by that name."""
        return self.children[self._index[name]]

    def position(self, name: str) -> int:
        """The declared position of a child (its place in the XSD sequence)."""
        return self._index[name]

    def has_child(self, name: str) -> bool:
        """Whether a child element of that name is declared."""
        return name in self._index

    def attribute(self, name: str) -> AttributeDecl:
        """The declaration of an attribute; ``KeyError`` if undeclared."""
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        raise KeyError(name)


UNBOUNDED = None


def text(
    name: str,
    label: str,
    help: str,
    *,
    min_occurs: int = 0,
    max_occurs: int | None = 1,
    max_length: int | None = None,
    fmt: Format | None = None,
    non_blank: bool = False,
    type: XsdType = XsdType.STRING,
    attributes: tuple[AttributeDecl, ...] = (),
) -> ElementDecl:
    """A text field."""
    return ElementDecl(
        name,
        label,
        help,
        type=type,
        min_occurs=min_occurs,
        max_occurs=max_occurs,
        max_length=max_length,
        format=fmt,
        non_blank=non_blank,
        attributes=attributes,
    )


def boolean(name: str, label: str, help: str, *, attributes: tuple[AttributeDecl, ...] = ()) -> ElementDecl:
    """A yes/no field (``true``/``false``)."""
    return ElementDecl(name, label, help, type=XsdType.BOOLEAN, attributes=attributes)


def flag(name: str, label: str, help: str) -> ElementDecl:
    """An annotation flag: written as an empty element when set, omitted otherwise (fixed="true")."""
    return ElementDecl(name, label, help, type=XsdType.BOOLEAN, fixed="true")


def number(
    name: str,
    label: str,
    help: str,
    *,
    type: XsdType = XsdType.INT,
    minimum: float | None = None,
    maximum: float | None = None,
    max_occurs: int | None = 1,
) -> ElementDecl:
    """A numeric field."""
    return ElementDecl(name, label, help, type=type, minimum=minimum, maximum=maximum, max_occurs=max_occurs)


def moment(name: str, label: str, help: str, *, min_occurs: int = 0, type: XsdType = XsdType.DATE_TIME) -> ElementDecl:
    """A date/time (or date) of an event: NCMEC wants it in the past, with a time zone."""
    return ElementDecl(name, label, help, type=type, min_occurs=min_occurs)


def choice(
    name: str,
    label: str,
    help: str,
    values: tuple[str, ...],
    enum_name: str,
    *,
    min_occurs: int = 0,
    attributes: tuple[AttributeDecl, ...] = (),
) -> ElementDecl:
    """A field whose value is one of a fixed list."""
    return ElementDecl(
        name, label, help, enum=values, enum_name=enum_name, min_occurs=min_occurs, attributes=attributes
    )


def group(
    name: str,
    label: str,
    help: str,
    children: tuple[ElementDecl, ...],
    *,
    content: Content = Content.SEQUENCE,
    min_occurs: int = 0,
    max_occurs: int | None = 1,
    attributes: tuple[AttributeDecl, ...] = (),
) -> ElementDecl:
    """A section: an element holding other elements."""
    return ElementDecl(
        name,
        label,
        help,
        content=content,
        min_occurs=min_occurs,
        max_occurs=max_occurs,
        children=children,
        attributes=attributes,
    )


def attribute(
    name: str,
    label: str,
    help: str,
    *,
    type: XsdType = XsdType.STRING,
    required: bool = False,
    values: tuple[str, ...] = (),
    enum_name: str = "",
    pattern: str | None = None,
    max_length: int | None = None,
) -> AttributeDecl:
    """An attribute."""
    return AttributeDecl(name, label, help, type, required, values, enum_name, pattern, max_length)
