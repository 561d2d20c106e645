"""The findings panel: everything ``check_record`` says about the whole report, errors first.

Each finding names its field in words (``Reporter › Submitted by › Email``) and, for referral
hints, shows why law enforcement needs it as a line of its own (and in the accessible text, so a
screen reader says it too). Activating one (click, or Enter) emits ``path_activated`` so the editor
can land on the field.
"""

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.findings import Finding, Severity
from desktop_app.core.domain.custody_words import plural
from desktop_app.ui.report.delegates import COLOUR_ROLE, WHERE_ROLE, WHY_PREFIX, WHY_ROLE, FindingDelegate
from desktop_app.ui.theme import NOTICE_TEXT, PROBLEM_TEXT, SECONDARY_TEXT, set_role

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 2
CODE_ROLE = Qt.ItemDataRole.UserRole + 3
_COLOURS = {Severity.ERROR: PROBLEM_TEXT, Severity.WARNING: NOTICE_TEXT, Severity.HINT: SECONDARY_TEXT}
_ROOT_LABELS = {"report": "", "fileDetails": "File"}


def describe_path(path: str) -> str:
    """A finding's path in words: the labels of the elements on the way, with positions."""
    if not path:
        return "The document"
    try:
        steps = schema.parse_path(path)
        root, root_index, _ = steps[0]
        decl = schema.ROOTS[root]
        words = [_ROOT_LABELS.get(root, root)]
        if root_index is not None:
            words[-1] = f"File {root_index + 1}"
        for name, index, is_attribute in steps[1:]:
            if is_attribute:
                words.append(decl.attribute(name).label)
                break
            decl = decl.child(name)
            words.append(decl.label if index is None or not decl.repeatable else f"{decl.label} {index + 1}")
    except (KeyError, ValueError):
        return path
    return " › ".join(word for word in words if word)


class FindingsModel(QAbstractListModel):
    """The findings as a list model (one row per finding)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings: list[Finding] = []

    def set_findings(self, findings: list[Finding]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.findings = list(findings)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Findings (a list: no children)."""
        return 0 if parent.isValid() else len(self.findings)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Message, place, why, severity colour; path, severity and code for code."""
        if not index.isValid() or not 0 <= index.row() < len(self.findings):
            return None
        finding = self.findings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return finding.message
        if role == WHERE_ROLE:
            return describe_path(finding.path)
        if role == WHY_ROLE:
            return finding.why
        if role == COLOUR_ROLE:
            return _COLOURS[finding.severity]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{finding.severity.value.capitalize()} [{finding.code}]"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            why = f" {WHY_PREFIX}{finding.why}" if finding.why else ""
            return f"{finding.severity.value}: {finding.message}{why} ({describe_path(finding.path)})"
        if role == PATH_ROLE:
            return finding.path
        if role == SEVERITY_ROLE:
            return str(finding.severity)
        if role == CODE_ROLE:
            return finding.code
        return None


class FindingsPanel(QWidget):
    """The counts and the list; ``path_activated(str)`` when the reviewer picks a finding."""

    path_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FindingsModel(self)
        self.heading = QLabel("Checks")
        self.heading.setProperty("role", "strong")
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setProperty("role", "hint")
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(FindingDelegate(self.view, self.view))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # rows re-wrap when the panel is resized
        self.view.setMouseTracking(True)
        self.view.setUniformItemSizes(False)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.setAccessibleName("Findings")
        self.view.clicked.connect(self._activated)
        self.view.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 16, 12, 12)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addWidget(self.counts)
        layout.addWidget(self.view, 1)
        layout.addStretch(0)

    def set_findings(self, findings: list[Finding]) -> None:
        """Show ``findings`` (already ordered) and their counts."""
        self.model.set_findings(findings)
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        warnings = len(findings) - errors
        if errors:
            text = f"{plural(errors, 'error')} to fix before sending"
        else:
            text = "No errors: NCMEC would accept this report"
        if warnings:
            text += f"; {plural(warnings, 'suggestion')} to make it more useful to law enforcement"
        self.counts.setText(text + ".")
        set_role(self.counts, "error" if errors else ("hint" if warnings else "ok"))
        self.view.setVisible(bool(findings))

    def _activated(self, index: QModelIndex) -> None:
        self.path_activated.emit(self.model.data(index, PATH_ROLE))
