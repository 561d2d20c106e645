"""The detail panel: everything known about one item, as text a reviewer can select and copy.

``detail_sections`` decides what to say (pure, tested on its own); ``ItemDetailsWidget`` lays it
out as labelled rows. The rows are rebuilt only when they differ from the shown ones (another
number of sources, a link, media facts); otherwise the values change in place. Digests are shown
in a fixed-width font, elided in the middle when the panel is narrow (never wrapped), with a
Copy button each; nothing here shows a picture.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.items import IntakeOutcome, Item, ItemSource, ReviewState
from desktop_app.ui.models.queue_rows import NOTHING, STATE_TEXT, kind_text, problem_text, size_text
from desktop_app.ui.widgets.hash_label import HashLabel


@dataclass(frozen=True, slots=True)
class Detail:
    """One labelled value. ``copy`` marks values worth a Copy button (digests, hashes)."""

    name: str
    value: str
    copy: bool = False
    mono: bool = False


Section = tuple[str, list[Detail]]


def _time(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else NOTHING


def _source_details(source: ItemSource) -> list[Detail]:
    rows = [Detail("Name", source.display_name)]
    optional = [
        ("Path", source.path.decode("utf-8", "replace") if source.path is not None else None),
        ("Content URL", source.content_url),
        ("Account id", source.uploader_account_id),
        ("Screen name", source.uploader_screen_name),
        ("Upload IP", f"{source.upload_ip}:{source.upload_port}" if source.upload_port else source.upload_ip),
        ("Upload time", _time(source.upload_time) if source.upload_time else None),
        ("Message id", source.message_id),
        ("Manifest", source.manifest),
    ]
    rows += [Detail(name, value) for name, value in optional if value]
    rows += [Detail(key, value) for key, value in sorted(source.extra.items())]
    rows.append(Detail("Added", _time(source.added_at)))
    return rows


def detail_sections(item: Item) -> list[Section]:
    """What the panel shows for ``item``, section by section."""
    state = STATE_TEXT[item.state]
    if item.state == ReviewState.DISMISSED and item.dismiss_reason:
        state += f" — {item.dismiss_reason}"
    overview = [
        Detail("Type", kind_text(item)),
        Detail("Size", size_text(item.size) + (f" ({item.size:,} bytes)" if item.size and item.size >= 1000 else "")),
        Detail("Review state", state),
        Detail("Viewed", "Yes — revealed in full (custody log)" if item.viewed else "No"),
        Detail("Intake", "OK" if item.outcome == IntakeOutcome.OK else problem_text(item) or str(item.outcome)),
        Detail("Item id", item.item_id, mono=True),
    ]
    if item.link_target is not None:
        overview.append(Detail("Link target", item.link_target.decode("utf-8", "replace")))
    sections: list[Section] = [("Item", overview)]
    if item.digests is not None:
        sections.append(
            (
                "Digests",
                [
                    Detail("MD5", item.digests.md5, copy=True, mono=True),
                    Detail("SHA-1", item.digests.sha1, copy=True, mono=True),
                    Detail("SHA-256", item.digests.sha256, copy=True, mono=True),
                ],
            )
        )
    analysis = item.analysis
    if analysis is not None:
        media = []
        if analysis.width and analysis.height:
            media.append(Detail("Dimensions", f"{analysis.width} × {analysis.height}"))
        if analysis.duration_s is not None:
            media.append(Detail("Duration", f"{analysis.duration_s:.1f} s"))
        if analysis.pdq is not None:
            media.append(Detail("PDQ", analysis.pdq.hex, copy=True, mono=True))
            media.append(Detail("PDQ quality", str(analysis.pdq.quality)))
        if analysis.vpdq:
            media.append(Detail("vPDQ", f"{len(analysis.vpdq)} frame lines"))
        if analysis.problem is not None:
            media.append(Detail("Render", problem_text(item)))
        if media:
            sections.append(("Perceptual hash and media", media))
    for number, source in enumerate(item.sources, 1):
        title = "Source" if len(item.sources) == 1 else f"Source {number} of {len(item.sources)}"
        sections.append((title, _source_details(source)))
    return sections


class ItemDetailsWidget(QScrollArea):
    """Shows ``detail_sections`` for the current item (or a hint when none is selected).

    Args:
        copy: Puts text on the clipboard (the window passes the system clipboard).
        parent: The parent widget.
    """

    def __init__(self, copy: Callable[[str], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._copy = copy or (lambda text: QGuiApplication.clipboard().setText(text))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.item: Item | None = None
        self.value_labels: dict[str, QLabel | HashLabel] = {}  # by "Section/Name", for tests and the copy buttons
        # The shown rows' shape: per section its title and each row's (name, copy button, mono font).
        self._rows: tuple[tuple[str, tuple[tuple[str, bool, bool], ...]], ...] | None = None
        self.show_item(None)

    def show_item(self, item: Item | None) -> None:
        """Show ``item`` (None: nothing selected)."""
        self.item = item
        sections = detail_sections(item) if item is not None else []
        rows = tuple((title, tuple((d.name, d.copy, d.mono) for d in details)) for title, details in sections)
        if rows == self._rows:
            # The same rows (this item with new analysis or state, or another of the same kind):
            # new values in place. Rebuilding makes some 40 widgets, every event of which passes
            # the auto-lock's filter into Python: 50 ms with an import running (ui_bench, profiled).
            for title, details in sections:
                for detail in details:
                    self.value_labels[f"{title}/{detail.name}"].setText(detail.value)
            return
        self._rows = rows
        self.value_labels = {}
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 4, 8, 8)
        layout.setSpacing(6)
        if item is None:
            hint = QLabel("Select an item to see its digests, hashes and sources.")
            hint.setProperty("role", "hint")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        else:
            for title, details in detail_sections(item):
                label = QLabel(title.upper())
                label.setProperty("role", "section")
                layout.addWidget(label)
                layout.addLayout(self._grid(title, details))
        layout.addStretch(1)
        self.setWidget(content)

    def _grid(self, section: str, details: list[Detail]) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        for row, detail in enumerate(details):
            name = QLabel(detail.name)
            name.setProperty("role", "field-name")
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value: QLabel | HashLabel
            if detail.mono:  # digests and ids: whole where they fit, elided in the middle where not
                value = HashLabel(detail.value, detail.name, self._copy, button=detail.copy)
            else:
                value = QLabel(detail.value)
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.value_labels[f"{section}/{detail.name}"] = value
            grid.addWidget(name, row, 0)
            cell = QHBoxLayout()
            cell.setSpacing(6)
            cell.addWidget(value, 1)
            grid.addLayout(cell, row, 1)
        return grid
