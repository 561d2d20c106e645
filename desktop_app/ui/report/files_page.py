"""The Files page: one card per file the report will carry, pre-filled from the queue.

A file that comes from a queue item shows what the vault knows as facts (its MD5, SHA-1 and
SHA-256) and whether the custody log records the reviewer revealing it, which is what
"Viewed by your company" says by default; stating otherwise asks for a reason (``viewed_toggled``
goes to the editor, which asks). Everything else is the generic form of ``<fileDetails>``. A
report without files is complete as it is: the page says so.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.cybertipline.model import DraftFile
from desktop_app.core.services.report_building import file_viewed
from desktop_app.core.services.reports import ReportRecord
from desktop_app.ui.report.context import FormContext
from desktop_app.ui.report.groups import GroupForm
from desktop_app.ui.report.sections import PageScroll
from desktop_app.ui.widgets.hash_label import HashLabel

# NCMEC fills these in (reportId, fileId); the viewed flag has its own row; a linked file's hashes are facts.
GENERATED = frozenset({"reportId", "fileId", "fileViewedByEsp"})


class FileCard(QFrame):
    """One file: what the vault knows, the viewed flag with its provenance, and the file's details."""

    viewed_toggled = Signal(int, bool)
    remove_requested = Signal(int)

    def __init__(self, ctx: FormContext, record: ReportRecord, index: int, logged: bool | None) -> None:
        super().__init__()
        self.setProperty("role", "card")
        entry = record.draft.files[index]
        self.index = index
        path = f"fileDetails[{index}]"
        name = entry.details.text("originalFileName") or entry.details.text("fileName") or "(no name)"
        title = QLabel(f"File {index + 1} · {name}")
        title.setProperty("role", "strong")
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.remove_button = QPushButton("Remove from report")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.index))
        header = QHBoxLayout()
        header.addWidget(title, 1)
        header.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        skip = set(GENERATED)
        if entry.item_id is not None:
            layout.addWidget(self._hashes(ctx, entry, path))
            skip.add("originalFileHash")
        layout.addLayout(self._viewed_row(ctx, record, entry, path, logged))
        form = GroupForm(ctx, entry.details, path, frozenset(skip))
        layout.addWidget(form)
        ctx.index.register(path, self.viewed_box)

    def _hashes(self, ctx: FormContext, entry: DraftFile, path: str) -> QWidget:
        facts = QWidget()
        grid = QGridLayout(facts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        for row, digest in enumerate(entry.details.all("originalFileHash")):
            kind = QLabel(digest.attribute("hashType") or "")
            kind.setProperty("role", "field-name")
            value = HashLabel(digest.value or "", digest.attribute("hashType") or "digest")
            grid.addWidget(kind, row, 0)
            grid.addWidget(value, row, 1)
        grid.setColumnStretch(1, 1)
        facts.setToolTip("Computed from the preserved bytes in the vault: the file as the user uploaded it.")
        ctx.index.register(f"{path}/originalFileHash", facts)
        return facts

    def _viewed_row(
        self, ctx: FormContext, record: ReportRecord, entry: DraftFile, path: str, logged: bool | None
    ) -> QVBoxLayout:
        decl = entry.details.decl.child("fileViewedByEsp")
        self.viewed_box = QCheckBox(decl.label)
        self.viewed_box.setToolTip(decl.help)
        self.viewed_box.setChecked(file_viewed(entry))
        self.viewed_box.clicked.connect(lambda checked: self.viewed_toggled.emit(self.index, checked))
        ctx.index.register(f"{path}/fileViewedByEsp", self.viewed_box)
        self.provenance = QLabel(_provenance(record, entry, logged))
        self.provenance.setWordWrap(True)
        self.provenance.setProperty("role", "hint")
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.viewed_box)
        column.addWidget(self.provenance)
        return column


def _provenance(record: ReportRecord, entry: DraftFile, logged: bool | None) -> str:
    if entry.item_id is None or logged is None:
        return "Not from the queue: say whether someone at your company viewed the whole file."
    log = (
        "The custody log records you revealing this file in full."
        if logged
        else ("The custody log has no record of anyone revealing this file in full.")
    )
    override = record.overrides.get(entry.item_id)
    if override is not None:
        return f"{log} The report says otherwise because: {override.reason}"
    return log


class FilesPage(PageScroll):
    """Every file of the report, and the way to add more from the queue."""

    add_requested = Signal()
    viewed_toggled = Signal(int, bool)
    remove_requested = Signal(int)

    def __init__(self, ctx: FormContext) -> None:
        super().__init__(
            "Files",
            "The files the report carries, each uploaded to NCMEC with its details. Files come from the queue, "
            "pre-filled with their hashes, upload details and whether you viewed them.",
        )
        self.ctx = ctx
        self.add_button = QPushButton("Add files from queue…")
        self.add_button.setProperty("role", "primary")
        self.add_button.clicked.connect(self.add_requested)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        self.extras.addLayout(row)
        self.cards: list[FileCard] = []

    def rebuild(self, record: ReportRecord, logged: dict[str, bool]) -> None:
        """Build a card per file."""
        self.ctx.index.drop("fileDetails")  # and every fileDetails[i]/...
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.cards = []
        if not record.draft.files:
            empty = QLabel(
                "No files. A report without files is complete as it is: the incident and the people involved "
                "are what law enforcement acts on. Add files if the report is about content."
            )
            empty.setWordWrap(True)
            empty.setProperty("role", "neutral")
            layout.addWidget(empty)
        for index, entry in enumerate(record.draft.files):
            card = FileCard(self.ctx, record, index, logged.get(entry.item_id) if entry.item_id else None)
            card.viewed_toggled.connect(self.viewed_toggled)
            card.remove_requested.connect(self.remove_requested)
            layout.addWidget(card)
            self.cards.append(card)
        self.ctx.index.register("fileDetails", self.add_button)
        self.set_body(body)
