"""Report values: a tree of nodes, each bound to its declaration in ``schema``.

A ``Node`` is one element of a report or file-details document: its value (for simple content,
always a string in XSD lexical form, ``""`` for an empty element), its attributes, and its
children grouped by name in declaration order. The tree is closed: only declared children and
attributes can be added, so every value has a label, help text and rules. Order is not stored; it
is the declaration's, which is why a serialized report is always in the XSD's element order.

A ``ReportDraft`` is what the reviewer works on: one report and the file details of the files it
will carry (each optionally linked to a queue item). Drafts round-trip through JSON for encrypted
storage; the JSON records the model version.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.schema_types import ElementDecl
from desktop_app.core.cybertipline.values import lexical, parse_boolean

Value = str | bool | int | float | datetime | date


def normalised_value(decl: ElementDecl, text: str) -> str:
    """``text`` as the model keeps it: a set annotation flag spelt ``1`` or `` true `` becomes ``true``.

    A flag means yes by being present (NCMEC's schema fixes its value to true). The model keeps a
    set flag either empty (as the form sets it) or as the fixed value itself, so a ``1`` read from
    a document is never echoed back. Anything else is kept exactly as written, for the checks to
    judge (a flag written ``false`` stays, and is an error).
    """
    if decl.fixed is not None and text and parse_boolean(text) is True:
        return decl.fixed
    return text


class Node:
    """One element of a report document."""

    __slots__ = ("_children", "attributes", "decl", "value")

    def __init__(self, decl: ElementDecl, value: Value | None = None, **attributes: Value) -> None:
        self.decl = decl
        self.value: str | None = None
        if decl.has_value:
            self.value = "" if value is None else normalised_value(decl, lexical(value))
        elif value is not None:
            raise ValueError(f"{decl.name} holds elements, not a value")
        self.attributes: dict[str, str] = {}
        self._children: dict[str, list[Node]] = {}
        for name, attribute_value in attributes.items():
            self.set_attribute(name, attribute_value)

    # --- children -------------------------------------------------------------------------------

    def add(self, name: str, value: Value | None = None, **attributes: Value) -> "Node":
        """Append a new child element and return it. ``KeyError`` for an undeclared name."""
        child = Node(self.decl.child(name), value, **attributes)
        self.append(child)
        return child

    def append(self, child: "Node") -> None:
        """Append an existing node as a child (its declaration must be this element's child's)."""
        if self.decl.child(child.decl.name) is not child.decl:
            raise ValueError(f"{child.decl.name} is not declared under {self.decl.name}")
        self._children.setdefault(child.decl.name, []).append(child)

    def set(self, name: str, value: Value | None, **attributes: Value) -> "Node | None":
        """Make ``name`` occur once with this value (None removes every occurrence)."""
        self.remove(name)
        return None if value is None else self.add(name, value, **attributes)

    def ensure(self, name: str) -> "Node":
        """The first ``name`` child, added (empty) if there is none."""
        found = self.get(name)
        return found if found is not None else self.add(name)

    def get(self, name: str) -> "Node | None":
        """The first child of that name, or None."""
        self.decl.child(name)
        occurrences = self._children.get(name)
        return occurrences[0] if occurrences else None

    def all(self, name: str) -> list["Node"]:
        """Every child of that name (a copy of the list)."""
        self.decl.child(name)
        return list(self._children.get(name, ()))

    def text(self, name: str) -> str | None:
        """The value of the first child of that name, or None if absent."""
        found = self.get(name)
        return found.value if found is not None else None

    def remove(self, name: str, index: int | None = None) -> None:
        """Remove one occurrence (by index) or all occurrences of a child."""
        self.decl.child(name)
        if index is None:
            self._children.pop(name, None)
            return
        occurrences = self._children.get(name, [])
        del occurrences[index]
        if not occurrences:
            self._children.pop(name, None)

    def children(self) -> Iterator["Node"]:
        """All children, in declaration order."""
        for decl in self.decl.children:
            yield from self._children.get(decl.name, ())

    def present(self) -> Iterator[tuple[ElementDecl, list["Node"]]]:
        """Each declared child that occurs, with its occurrences, in declaration order."""
        for decl in self.decl.children:
            occurrences = self._children.get(decl.name)
            if occurrences:
                yield decl, occurrences

    @property
    def is_empty(self) -> bool:
        """No value, no attributes, no children."""
        return not self.value and not self.attributes and not self._children

    # --- attributes ------------------------------------------------------------------------------

    def set_attribute(self, name: str, value: Value | None) -> None:
        """Set (or with None, remove) an attribute. ``KeyError`` for an undeclared name."""
        self.decl.attribute(name)
        if value is None:
            self.attributes.pop(name, None)
        else:
            self.attributes[name] = lexical(value)

    def attribute(self, name: str) -> str | None:
        """An attribute's value, or None."""
        self.decl.attribute(name)
        return self.attributes.get(name)

    # --- paths, copies, JSON ---------------------------------------------------------------------

    def walk(self, path: str | None = None) -> Iterator[tuple[str, "Node"]]:
        """This node and every descendant with its path, depth first in document order."""
        here = path or self.decl.name
        yield here, self
        for decl, occurrences in self.present():
            for index, child in enumerate(occurrences):
                yield from child.walk(f"{here}/{schema.step(decl, index)}")

    def find(self, path: str) -> "Node | None":
        """The node at a path relative to this one (``a/b[1]/c``; a missing index means 0)."""
        node: Node | None = self
        for name, index, is_attribute in schema.parse_path(path):
            if is_attribute:
                raise ValueError("find() returns elements; use attribute() for attributes")
            if node is None or not node.decl.has_child(name):
                return None
            occurrences = node._children.get(name, [])
            position = index or 0
            node = occurrences[position] if position < len(occurrences) else None
        return node

    def copy(self) -> "Node":
        """A deep copy."""
        return Node.from_data(self.decl, self.to_data())

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict: ``value``, ``attributes`` and ``children`` (by name), empty parts left out."""
        data: dict[str, Any] = {}
        if self.value is not None:
            data["value"] = self.value
        if self.attributes:
            data["attributes"] = dict(self.attributes)
        if self._children:
            data["children"] = {decl.name: [c.to_data() for c in nodes] for decl, nodes in self.present()}
        return data

    @classmethod
    def from_data(cls, decl: ElementDecl, data: dict[str, Any]) -> "Node":
        """Rebuild a node from ``to_data`` output; ``KeyError`` for names the model lacks."""
        node = cls(decl, data.get("value"))
        for name, value in data.get("attributes", {}).items():
            node.set_attribute(name, str(value))
        for name, items in data.get("children", {}).items():
            child_decl = decl.child(name)
            for item in items:
                node.append(cls.from_data(child_decl, item))
        return node

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self.decl.name == other.decl.name and self.to_data() == other.to_data()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Node({self.decl.name!r}, {self.to_data()!r})"


def new_report() -> Node:
    """An empty report."""
    return Node(schema.REPORT)


def new_file_details() -> Node:
    """Empty file details."""
    return Node(schema.FILE_DETAILS)


@dataclass
class DraftFile:
    """One file of a draft: its details and the queue item it comes from (if any)."""

    details: Node = field(default_factory=new_file_details)
    item_id: str | None = None


@dataclass
class ReportDraft:
    """A report under construction and the files it will carry.

    The files' ``reportId`` and ``fileId`` are unknown until NCMEC assigns them, so drafts leave them
    out; the checks know (``validate.check_draft``) and the serializer fills them in.
    """

    report: Node = field(default_factory=new_report)
    files: list[DraftFile] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict for encrypted storage."""
        return {
            "model": schema.MODEL_VERSION,
            "report": self.report.to_data(),
            "files": [{"item": f.item_id, "details": f.details.to_data()} for f in self.files],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ReportDraft":
        """Rebuild a draft; ``ValueError`` for a draft written by a newer model."""
        if data.get("model", 0) > schema.MODEL_VERSION:
            raise ValueError(
                f"draft written by model version {data.get('model')}; this app knows up to {schema.MODEL_VERSION}"
            )
        return cls(
            Node.from_data(schema.REPORT, data["report"]),
            [DraftFile(Node.from_data(schema.FILE_DETAILS, f["details"]), f.get("item")) for f in data["files"]],
        )
