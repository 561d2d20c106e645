"""Form rows: one simple element (its value and attributes), or the attributes of a group.

A row edits the model in place and checks what the reviewer typed as they type it
(``validate.check_field``: form, length, format, range, time zone, past), showing the findings
under the field. Cross-field rules need the whole report; the findings panel shows those.
"""

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.cybertipline.findings import Finding, Severity, lower_label
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.schema_types import AttributeDecl, ElementDecl, XsdType
from desktop_app.core.cybertipline.validate import check_field
from desktop_app.ui.report.context import FormContext
from desktop_app.ui.report.fields import FieldWidget, make_field
from desktop_app.ui.theme import set_invalid, set_role


def _has_error(findings: list[Finding], path: str) -> bool:
    return any(f.severity is Severity.ERROR and f.path == path for f in findings)


ATTRIBUTES_PER_LINE = 1  # two to a line made a phone or an email wider than the form at 1366 px


class FindingsLine(QLabel):
    """What ``check_field`` said about a row, under it: hidden when there is nothing to say."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.findings: list[Finding] = []
        self.hide()

    def show_findings(self, findings: list[Finding]) -> None:
        """Show every message; styled as an error if any finding is one."""
        self.findings = findings
        self.setText("\n".join(f.message for f in findings))
        set_role(self, "error" if any(f.severity is Severity.ERROR for f in findings) else "hint")
        self.setVisible(bool(findings))


class AttributeGrid(QWidget):
    """The attributes of one element, a few to a line, each with its own widget."""

    def __init__(
        self,
        ctx: FormContext,
        attributes: tuple[AttributeDecl, ...],
        path: str,
        node: Callable[[], Node | None],
        changed: Callable[[], None],
    ) -> None:
        super().__init__()
        self._node = node
        self._changed = changed
        self.path = path
        self.fields: dict[str, FieldWidget] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        for position, attribute in enumerate(attributes):
            field = make_field(attribute, attribute.label)
            field.setToolTip(attribute.help)
            field.edited.connect(lambda value, a=attribute: self._edited(a, value))
            line, column = divmod(position, ATTRIBUTES_PER_LINE)
            if attribute.type is not XsdType.BOOLEAN:
                label = QLabel(attribute.label)
                label.setProperty("role", "field-name")
                label.setToolTip(attribute.help)
                label.setBuddy(field.focus_target())
                grid.addWidget(label, line, column * 2)
            grid.addWidget(field, line, column * 2 + 1)
            ctx.index.register(f"{path}/@{attribute.name}", field.focus_target())
            self.fields[attribute.name] = field
        grid.setColumnStretch(ATTRIBUTES_PER_LINE * 2, 1)
        self.refresh()

    def _edited(self, attribute: AttributeDecl, value: str | None) -> None:
        node = self._node()
        if node is not None:
            node.set_attribute(attribute.name, value)
            self._changed()

    def outline(self, findings: list[Finding]) -> None:
        """Outline the attributes the findings say are wrong."""
        for name, field in self.fields.items():
            set_invalid(field.focus_target(), _has_error(findings, f"{self.path}/@{name}"))

    def refresh(self) -> None:
        """Show the node's attributes; disabled while the element itself is absent."""
        node = self._node()
        for name, field in self.fields.items():
            field.set_value(node.attributes.get(name) if node is not None else None)
            field.setEnabled(node is not None)


class ElementRow(QWidget):
    """One occurrence of a simple element.

    Args:
        ctx: The form's shared context.
        parent: The node holding the element.
        decl: The element's declaration.
        path: The occurrence's path.
        index: The occurrence in a list (it exists; emptying it keeps it until removed), or None for
            an element that occurs at most once (emptying it removes it).
        remove: Removes the occurrence (lists only).
    """

    def __init__(
        self,
        ctx: FormContext,
        parent: Node,
        decl: ElementDecl,
        path: str,
        index: int | None = None,
        remove: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.ctx, self.parent_node, self.decl, self.path, self.index = ctx, parent, decl, path, index
        self.field = make_field(decl, decl.label)
        self.field.setToolTip(decl.help)
        self.field.edited.connect(self._edited)
        ctx.index.register(path, self.field.focus_target())
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.field, 1)
        if remove is not None:
            self.remove_button = QPushButton("Remove")
            self.remove_button.setToolTip(f"Remove this {lower_label(decl.label)}")
            self.remove_button.clicked.connect(remove)
            line.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(line)
        self.attributes: AttributeGrid | None = None
        if decl.attributes:
            self.attributes = AttributeGrid(ctx, decl.attributes, path, self.node, self._attribute_changed)
            layout.addWidget(self.attributes)
        self.message = FindingsLine()
        layout.addWidget(self.message)
        self.setFocusProxy(self.field)
        self.field.set_value(self._current())
        self._check()

    def node(self) -> Node | None:
        """The element edited here, if present."""
        occurrences = self.parent_node.all(self.decl.name)
        position = self.index or 0
        return occurrences[position] if position < len(occurrences) else None

    def _current(self) -> str | None:
        node = self.node()
        if node is None:
            return None
        return node.value if node.value or self.decl.fixed is not None else None

    def _edited(self, value: str | None) -> None:
        node = self.node()
        if value is None and self.index is None:
            if node is not None:
                self.parent_node.remove(self.decl.name)
        elif node is None:
            self.parent_node.add(self.decl.name, value or "")
        else:
            node.value = value or ""
        if self.attributes is not None:
            self.attributes.refresh()
        self._check()
        self.ctx.value_changed.emit(self.path)

    def _attribute_changed(self) -> None:
        self._check()
        self.ctx.value_changed.emit(self.path)

    def _check(self) -> None:
        node = self.node()
        found: list[Finding] = []
        if node is not None:
            if node.value and self.decl.fixed is None:
                found += check_field(self.path, node.value, now=self.ctx.now())
            for name, value in node.attributes.items():
                found += check_field(f"{self.path}/@{name}", value, now=self.ctx.now())
        self.message.show_findings(found)
        set_invalid(self.field.focus_target(), _has_error(found, self.path))
        if self.attributes is not None:
            self.attributes.outline(found)


class GroupAttributesRow(QWidget):
    """The attributes of a group element (which exists while its box is shown)."""

    def __init__(self, ctx: FormContext, node: Node, path: str) -> None:
        super().__init__()
        self.ctx, self.node, self.path = ctx, node, path
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.grid = AttributeGrid(ctx, node.decl.attributes, path, lambda: node, self._changed)
        self.message = FindingsLine()
        layout.addWidget(self.grid)
        layout.addWidget(self.message)
        self._check()

    def _changed(self) -> None:
        self._check()
        self.ctx.value_changed.emit(self.path)

    def _check(self) -> None:
        found: list[Finding] = []
        for name, value in self.node.attributes.items():
            found += check_field(f"{self.path}/@{name}", value, now=self.ctx.now())
        self.message.show_findings(found)
        self.grid.outline(found)
