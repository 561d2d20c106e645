"""The report form's structure, projected from the declarations: groups, optional parts and lists.

``GroupForm`` lays out the children of one element in declaration order: a row per simple value,
a box per group the element must have, an Add button (then a removable box) per optional group,
and a list with Add/Remove for whatever may repeat (persons, IP events, URLs, files' hashes, the
places an incident happened). Nothing here knows a particular field: labels, help text, widgets
and cardinality all come from the declaration tree.

When an element is added or removed only the list or optional part that holds it is rebuilt,
since the paths of its later siblings shift; its paths are dropped from the index first.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.cybertipline.findings import lower_label
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.schema import step
from desktop_app.core.cybertipline.schema_types import Content, ElementDecl, XsdType
from desktop_app.ui.report.context import FormContext
from desktop_app.ui.report.rows import ElementRow, GroupAttributesRow

# The legacy member of fileDetails' choice (potentialMeme | fileAnnotations): shown only when a
# document already uses it, since the annotation carries the same meaning.
LEGACY = frozenset({"potentialMeme"})


def _clear(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def _add_button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setProperty("role", "link")
    return button


class GroupForm(QWidget):
    """The children of one group element, as a form (``skip``: child names shown elsewhere)."""

    def __init__(self, ctx: FormContext, node: Node, path: str, skip: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # On a narrow screen (1366 px with the lists and the checks beside the form) a field too wide
        # for the room beside its label goes under it, instead of the page scrolling sideways.
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layout_.setVerticalSpacing(8)
        self.first_field: QWidget | None = None
        if node.decl.attributes:
            self.layout_.addRow(GroupAttributesRow(ctx, node, path))
        for child in node.decl.children:
            if child.name in skip or (child.exclusive_group and child.name in LEGACY and not node.all(child.name)):
                continue
            widget, label = build_child(ctx, node, path, child)
            if label:
                name = QLabel(label)
                name.setProperty("role", "field-name")
                name.setToolTip(child.help)
                name.setBuddy(widget)
                self.layout_.addRow(name, widget)
            else:
                self.layout_.addRow(widget)
            if self.first_field is None:
                self.first_field = widget
        if self.first_field is not None:
            self.setFocusProxy(self.first_field)


def build_child(ctx: FormContext, parent: Node, parent_path: str, child: ElementDecl) -> tuple[QWidget, str]:
    """The widget for one child declaration of ``parent``, and its form label ("" to span the row)."""
    if child.has_value:
        if child.repeatable:
            return ValueList(ctx, parent, parent_path, child), child.label
        row = ElementRow(ctx, parent, child, f"{parent_path}/{child.name}")
        return row, "" if child.type is XsdType.BOOLEAN else child.label
    if child.repeatable:
        return GroupList(ctx, parent, parent_path, child), child.label
    if child.children and all(grandchild.fixed is not None for grandchild in child.children):
        return FlagSet(ctx, parent, parent_path, child), child.label
    if child.min_occurs > 0:
        node = parent.ensure(child.name)
        return GroupBox(ctx, node, f"{parent_path}/{child.name}", child.label), ""
    return OptionalGroup(ctx, parent, parent_path, child), child.label


class GroupBox(QFrame):
    """A group element in a card: title, help, its form, and a Remove button when optional."""

    def __init__(
        self,
        ctx: FormContext,
        node: Node,
        path: str,
        title: str,
        remove: Callable[[], None] | None = None,
        skip: frozenset[str] = frozenset(),
        show_help: bool = True,
    ) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.node, self.path = node, path
        header = QHBoxLayout()
        self.title = QLabel(title)
        self.title.setProperty("role", "strong")
        header.addWidget(self.title)
        header.addStretch(1)
        self.remove_button: QPushButton | None = None
        if remove is not None:
            self.remove_button = QPushButton("Remove")
            self.remove_button.setToolTip(f"Remove this {lower_label(title)} from the report")
            self.remove_button.clicked.connect(remove)
            header.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)
        layout.addLayout(header)
        if node.decl.help and show_help:
            help_label = QLabel(node.decl.help)
            help_label.setWordWrap(True)
            help_label.setProperty("role", "hint")
            layout.addWidget(help_label)
        if node.decl.content is Content.CHOICE:
            self.form: QWidget = ChoiceBody(ctx, node, path)
        else:
            self.form = GroupForm(ctx, node, path, skip)
        layout.addWidget(self.form)
        target = self.form.focusProxy() or self.remove_button
        if target is not None:
            self.setFocusProxy(target)
        ctx.index.register(path, self)


class ChoiceBody(QWidget):
    """One occurrence of a choice (``internetDetails``): the chosen alternative's form."""

    def __init__(self, ctx: FormContext, node: Node, path: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        chosen = next(iter(node.children()), None)
        if chosen is None:
            # Only a document read from elsewhere can hold an empty choice; the form never makes one.
            empty = QLabel("Nothing chosen here: remove this entry and add the kind of place it was.")
            empty.setProperty("role", "hint")
            layout.addWidget(empty)
            return
        form = GroupForm(ctx, chosen, f"{path}/{step(chosen.decl, 0)}")
        layout.addWidget(form)
        self.setFocusProxy(form)


def _choice_menu_button(decl: ElementDecl, chosen: Callable[[ElementDecl], None]) -> QToolButton:
    button = QToolButton()
    button.setText(f"Add {lower_label(decl.label)}…")
    button.setToolTip(decl.help)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    for alternative in decl.children:
        action = menu.addAction(alternative.label)
        action.setToolTip(alternative.help)
        action.triggered.connect(lambda _=False, a=alternative: chosen(a))
    button.setMenu(menu)
    return button


class FlagSet(QWidget):
    """A group of annotation flags (incident or file tags): a check box each, the group kept only if one is set."""

    COLUMNS = 2

    def __init__(self, ctx: FormContext, parent: Node, parent_path: str, decl: ElementDecl) -> None:
        super().__init__()
        self.ctx, self.parent_node, self.decl = ctx, parent, decl
        self.path = f"{parent_path}/{decl.name}"
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        present = parent.get(decl.name)
        self.boxes: dict[str, QCheckBox] = {}
        for position, flag in enumerate(decl.children):
            box = QCheckBox(flag.label)
            box.setToolTip(flag.help)
            box.setChecked(present is not None and present.get(flag.name) is not None)
            box.clicked.connect(lambda checked, f=flag.name: self._toggled(f, checked))
            grid.addWidget(box, *divmod(position, self.COLUMNS))
            ctx.index.register(f"{self.path}/{flag.name}", box)
            self.boxes[flag.name] = box
        grid.setColumnStretch(self.COLUMNS, 1)
        first = next(iter(self.boxes.values()))
        ctx.index.register(self.path, first)
        self.setFocusProxy(first)

    def _toggled(self, flag: str, checked: bool) -> None:
        group = self.parent_node.ensure(self.decl.name)
        if checked:
            group.set(flag, "")
        else:
            group.remove(flag)
            if group.is_empty:
                self.parent_node.remove(self.decl.name)
        self.ctx.value_changed.emit(f"{self.path}/{flag}")


class OptionalGroup(QWidget):
    """An optional group that occurs at most once: an Add button, or its box with Remove."""

    def __init__(self, ctx: FormContext, parent: Node, parent_path: str, decl: ElementDecl) -> None:
        super().__init__()
        self.ctx, self.parent_node, self.decl = ctx, parent, decl
        self.path = f"{parent_path}/{decl.name}"
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.rebuild()

    def rebuild(self) -> None:
        """Show the box if the element is present, else the Add button."""
        self.ctx.index.drop(self.path)
        _clear(self.layout_)
        node = self.parent_node.get(self.decl.name)
        if node is None:
            button = _add_button(f"Add {lower_label(self.decl.label)}", self.decl.help)
            button.clicked.connect(self._add)
            self.layout_.addWidget(button)
            self.ctx.index.register(self.path, button)
            self.setFocusProxy(button)
        else:
            box = GroupBox(self.ctx, node, self.path, self.decl.label, self._remove)
            self.layout_.addWidget(box)
            self.setFocusProxy(box)

    def _add(self) -> None:
        self.parent_node.add(self.decl.name)
        self.rebuild()
        self.setFocus()
        self.ctx.structure_changed.emit(self.path)

    def _remove(self) -> None:
        self.parent_node.remove(self.decl.name)
        self.rebuild()
        self.setFocus()
        self.ctx.structure_changed.emit(self.path)


class _ListBase(QWidget):
    """Occurrences of a repeatable element and an Add button after them."""

    def __init__(self, ctx: FormContext, parent: Node, parent_path: str, decl: ElementDecl) -> None:
        super().__init__()
        self.ctx, self.parent_node, self.decl = ctx, parent, decl
        self.list_path = f"{parent_path}/{decl.name}"
        self.parent_path = parent_path
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        self.entries = QVBoxLayout()
        self.entries.setContentsMargins(0, 0, 0, 0)
        self.entries.setSpacing(8)
        outer.addLayout(self.entries)
        self.add_button: QWidget = self._make_add_button()
        outer.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.rows: list[QWidget] = []
        self.rebuild()

    def _make_add_button(self) -> QWidget:
        button = _add_button(f"Add {lower_label(self.decl.label)}", self.decl.help)
        button.clicked.connect(lambda: self.add())
        return button

    def _entry(self, node: Node, path: str, index: int) -> QWidget:
        raise NotImplementedError

    def rebuild(self) -> None:
        """Rebuild every occurrence (their paths may have shifted)."""
        self.ctx.index.drop(self.list_path)
        _clear(self.entries)
        self.rows = []
        for index, node in enumerate(self.parent_node.all(self.decl.name)):
            entry = self._entry(node, f"{self.parent_path}/{step(self.decl, index)}", index)
            self.entries.addWidget(entry)
            self.rows.append(entry)
        self.ctx.index.register(self.list_path, self.add_button)
        self.setFocusProxy(self.rows[0] if self.rows else self.add_button)

    def add(self, alternative: ElementDecl | None = None) -> None:
        """Append an occurrence (of a choice: holding ``alternative``) and focus it."""
        node = self.parent_node.add(self.decl.name, "" if self.decl.has_value else None)
        if alternative is not None:
            node.add(alternative.name)
        self._restructured()
        self.rows[-1].setFocus()

    def remove(self, index: int) -> None:
        """Remove one occurrence."""
        self.parent_node.remove(self.decl.name, index)
        self._restructured()
        (self.rows[min(index, len(self.rows) - 1)] if self.rows else self.add_button).setFocus()

    def _restructured(self) -> None:
        self.rebuild()
        self.ctx.structure_changed.emit(self.list_path)


class ValueList(_ListBase):
    """A repeatable simple element (emails, phones, URLs, hashes...)."""

    def _entry(self, node: Node, path: str, index: int) -> QWidget:
        return ElementRow(self.ctx, self.parent_node, self.decl, path, index, lambda: self.remove(index))


class GroupList(_ListBase):
    """A repeatable group (persons, IP events, addresses, places...), each in a removable box."""

    def _make_add_button(self) -> QWidget:
        if self.decl.content is Content.CHOICE:
            return _choice_menu_button(self.decl, self.add)
        return super()._make_add_button()

    def _entry(self, node: Node, path: str, index: int) -> QWidget:
        title = self.decl.label
        if self.decl.content is Content.CHOICE:
            chosen = next(iter(node.children()), None)
            title = chosen.decl.label if chosen is not None else title
        if len(self.parent_node.all(self.decl.name)) > 1:
            title = f"{title} {index + 1}"
        # Entries of a page's own list (persons, victims, places) would repeat the page's help.
        show_help = self.parent_path != "report"
        return GroupBox(self.ctx, node, path, title, lambda: self.remove(index), show_help=show_help)
