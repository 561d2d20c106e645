"""The form's sections: which parts of ``<report>`` each page shows, and the pages themselves.

Sections follow how a reviewer works through a report (what happened, where, who, who was hurt,
who else knows, who is reporting), not the XSD's order; every child of ``<report>`` is on exactly
one page (a test holds that), and titles and help come from the declarations.
"""

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.schema import REPORT
from desktop_app.ui.report.context import FormContext
from desktop_app.ui.report.groups import GroupForm, build_child


@dataclass(frozen=True)
class Section:
    """One page of the form: a key, and the children of ``<report>`` it edits."""

    key: str
    children: tuple[str, ...]

    @property
    def title(self) -> str:
        """The page title: the label of its main element."""
        return REPORT.child(self.children[0]).label

    @property
    def help(self) -> str:
        """The page's explanation: the help of its main element."""
        return REPORT.child(self.children[0]).help


SECTIONS = (
    # A batched report is the rare case: its switch comes after what every report needs.
    Section("incident", ("incidentSummary", "additionalInfo", "batchedReport")),
    Section("internet", ("internetDetails",)),
    Section("reported", ("personOrUserReported",)),
    Section("victims", ("victim",)),
    Section("recipients", ("intendedRecipient",)),
    Section("law", ("lawEnforcement",)),
    Section("reporter", ("reporter",)),
)
FILES_KEY, PREVIEW_KEY = "files", "preview"


def section_of(path: str) -> str:
    """The key of the page a finding's path lands on."""
    if path.startswith("fileDetails"):
        return FILES_KEY
    parts = path.split("/")
    name = parts[1].split("[")[0] if len(parts) > 1 else ""
    for section in SECTIONS:
        if name in section.children:
            return section.key
    return SECTIONS[0].key


class PageScroll(QScrollArea):
    """A scrolling page with a title, help, optional extras on top, and a body that can be rebuilt."""

    def __init__(self, title: str, help: str) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.outer = QVBoxLayout(inner)
        self.outer.setContentsMargins(24, 18, 24, 24)
        self.outer.setSpacing(10)
        heading = QLabel(title)
        heading.setProperty("role", "title")
        explanation = QLabel(help)
        explanation.setWordWrap(True)
        explanation.setProperty("role", "hint")
        self.outer.addWidget(heading)
        self.outer.addWidget(explanation)
        self.extras = QVBoxLayout()
        self.extras.setSpacing(8)
        self.outer.addLayout(self.extras)
        self.body_holder = QVBoxLayout()
        self.outer.addLayout(self.body_holder)
        self.outer.addStretch(1)
        self.body: QWidget | None = None
        self.setWidget(inner)
        inner.setMaximumWidth(980)

    def set_body(self, body: QWidget) -> None:
        """Replace the page's body."""
        if self.body is not None:
            self.body.hide()
            self.body.deleteLater()
        self.body = body
        self.body_holder.addWidget(body)
        self.setFocusProxy(body)


class SectionPage(PageScroll):
    """The page of one section over a report node."""

    def __init__(self, ctx: FormContext, section: Section) -> None:
        super().__init__(section.title, section.help)
        self.ctx = ctx
        self.section = section

    def rebuild(self, report: Node) -> None:
        """Build the page's widgets for ``report`` (after loading, or replacing a whole part)."""
        for name in self.section.children:
            self.ctx.index.drop(f"report/{name}")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        for name in self.section.children:
            decl = REPORT.child(name)
            if decl.min_occurs > 0 and not decl.repeatable and not decl.has_value:
                # The part every report has is laid out on the page itself, not in a box.
                form = GroupForm(self.ctx, report.ensure(name), f"report/{name}")
                layout.addWidget(form)
                continue
            widget, label = build_child(self.ctx, report, "report", decl)
            if label and decl.has_value:  # a group's page title already names it
                caption = QLabel(label)
                caption.setProperty("role", "section")
                caption.setToolTip(decl.help)
                layout.addWidget(caption)
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignTop)
        self.set_body(body)
