"""The item's hash-list matches under its details: every one, counting or taken out, each with its way out.

``ItemMatchesWidget`` shows what ``HashListService.standings`` read for the current item: per
match the list, how close (algorithm and distance), the entry (elided in the middle, with Copy), and whether it counts;
a match taken out says how (not a match for this item, or suppressed everywhere) and the
reviewer's reason. A counting match has a *Not a match…* link that asks for the suppression
dialog (``suppress_requested``). Notes say why some hashes were not matched (PDQ quality).
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.domain.hashlists import MatchStanding, Standing
from desktop_app.ui.models.queue_matches import how_close
from desktop_app.ui.theme import monospace_font

STANDING_TEXT = {
    Standing.COUNTS: "Counts as a match",
    Standing.NOT_A_MATCH: "Not a match for this item",
    Standing.SUPPRESSED: "Entry suppressed in this workspace",
}


class ItemMatchesWidget(QWidget):
    """Every match of one item; hidden while no item is shown."""

    suppress_requested = Signal(object)  # the MatchStanding picked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_id: str | None = None
        self.standings: list[MatchStanding] = []
        self.buttons: list[QPushButton] = []  # one per counting match, in order (tests press them)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 8, 4)
        self._layout.setSpacing(6)
        self._content: QWidget | None = None
        self.hide()

    def show_standings(self, item_id: str | None, standings: list[MatchStanding], notes: tuple[str, ...] = ()) -> None:
        """Show these matches of ``item_id`` (None: no item, hide)."""
        self.item_id, self.standings, self.buttons = item_id, list(standings), []
        if self._content is not None:
            self._layout.removeWidget(self._content)
            self._content.deleteLater()
            self._content = None
        if item_id is None:
            self.hide()
            return
        self._content = QWidget()
        column = QVBoxLayout(self._content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        title = QLabel("HASH-LIST MATCHES")
        title.setProperty("role", "section")
        column.addWidget(title)
        if not standings:
            none = QLabel("No hash list matches this item.")
            none.setProperty("role", "hint")
            column.addWidget(none)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(0, 1)
        for row, standing in enumerate(standings):
            self._add_match(grid, 2 * row, standing)
        column.addLayout(grid)
        for note in notes:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setProperty("role", "hint")
            column.addWidget(label)
        self._layout.addWidget(self._content)
        self.show()

    def _add_match(self, grid: QGridLayout, row: int, standing: MatchStanding) -> None:
        match = standing.match
        counts = standing.standing == Standing.COUNTS
        heading = QLabel(f"<b>{_escape(match.list_name)}</b> · {_escape(how_close(match))}")
        if not counts:
            heading.setText(f"<s>{heading.text()}</s>")
        heading.setWordWrap(True)
        grid.addWidget(heading, row, 0)
        if counts:
            button = QPushButton("Not a match…")
            button.setProperty("role", "link")
            button.setToolTip("Take this match out, for this item or for the whole workspace, with a reason")
            button.clicked.connect(lambda _=False, s=standing: self.suppress_requested.emit(s))
            self.buttons.append(button)
            grid.addWidget(button, row, 1, Qt.AlignmentFlag.AlignTop)
        entry = QLabel(middle_elided(match.entry))
        entry.setFont(monospace_font())
        entry.setToolTip(f"The list entry ({match.algorithm}): {match.entry}")
        copy = QPushButton("Copy")
        copy.setProperty("role", "link")
        copy.setToolTip("Copy the whole entry to the clipboard")
        copy.clicked.connect(lambda _=False, text=match.entry: QGuiApplication.clipboard().setText(text))
        entry_row = QHBoxLayout()
        entry_row.setSpacing(6)
        entry_row.addWidget(entry)
        entry_row.addWidget(copy)
        entry_row.addStretch(1)
        status = STANDING_TEXT[standing.standing] + (f": {standing.reason}" if standing.reason else "")
        state = QLabel(status)
        state.setWordWrap(True)
        state.setProperty("role", "hint" if counts else "problem")
        details = QVBoxLayout()
        details.setSpacing(0)
        details.addLayout(entry_row)
        details.addWidget(state)
        grid.addLayout(details, row + 1, 0, 1, 2)


def middle_elided(entry: str, keep: int = 12) -> str:
    """A long hash as its first and last digits ('3f2a9c01d4e5…0e12aa77b6c3'): never broken across lines."""
    return entry if len(entry) <= 2 * keep + 1 else f"{entry[:keep]}…{entry[-keep:]}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
