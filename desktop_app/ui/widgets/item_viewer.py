"""The viewer: one item's picture (or keyframe grid), protected until the reviewer reveals it.

The viewer never decides on its own to show the real picture. It asks (``reveal_requested``); the
controller records the reveal in the custody log and only then calls ``reveal_confirmed``, which
renders the unprotected pixels. The same goes for metadata ("exif" mode). Revealed state ends when
the item changes, on ``conceal`` and on ``clear`` (lock), which also drops the decoded previews.

Reveal modes (Settings): "click" toggles with the Reveal button or a click on the picture;
"hold" shows the picture only while the button or the picture is held down.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.items import Item, ItemKind
from desktop_app.core.domain.media import MediaKind, PreviewSet
from desktop_app.core.domain.readable_text import ReadableText, is_readable_text
from desktop_app.core.settings import RevealMode
from desktop_app.ui.models.queue_rows import STATE_TEXT, problem_text, size_text
from desktop_app.ui.safe_image import REVEALED, DisplayOptions, render
from desktop_app.ui.theme import monospace_font
from desktop_app.ui.widgets.preview_canvas import PreviewCanvas

FULL, EXIF = "full", "exif"


def exif_text(item: Item) -> str:
    """The item's metadata as plain lines (what the metadata box shows once the reveal is logged)."""
    analysis = item.analysis
    lines = []
    if analysis is not None:
        if analysis.format:
            lines.append(f"Format: {analysis.format}")
        if analysis.width and analysis.height:
            lines.append(f"Dimensions: {analysis.width} × {analysis.height}")
        if analysis.exif_orientation is not None:
            lines.append(f"EXIF orientation: {analysis.exif_orientation}")
        lines += [f"{key}: {value}" for key, value in analysis.exif]
    if not analysis or not analysis.exif:
        lines.append("No EXIF metadata in this file.")
    return "\n".join(lines)


def text_caption(text: ReadableText) -> str:
    """What the reviewer should know about the words shown: the reveal, the encoding, what was held back."""
    parts = ["Revealed — recorded in the custody log", f"{text.encoding}{' (guessed)' if text.guessed else ''}"]
    if text.partial:
        parts.append(f"the first {size_text(text.shown_bytes)} of {size_text(text.total_bytes)} shown")
    if text.neutralised:
        parts.append(f"{plural(text.neutralised, 'control character')} shown by name, as [ESC]")
    if text.undecodable:
        parts.append(f"{plural(text.undecodable, 'byte')} not {text.encoding} shown as \ufffd")
    return " · ".join(parts)


class ItemViewerWidget(QWidget):
    """Shows the current item safely; asks before revealing anything."""

    reveal_requested = Signal(str, str)  # item id, "full" | "exif"

    def __init__(self, options: DisplayOptions, reveal_mode: RevealMode = "click", parent: QWidget | None = None):
        super().__init__(parent)
        self.options = options
        self.reveal_mode: RevealMode = reveal_mode
        self.item: Item | None = None
        self.previews: PreviewSet | None = None  # decoded pixels of the current item, in memory only
        self.protected: list[QImage] = []
        self.revealed = False
        self._held = False

        self.title = QLabel("No item selected")
        self.title.setProperty("role", "title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.canvas = PreviewCanvas()
        self.canvas.pressed.connect(self._press)
        self.canvas.released.connect(self._release)
        self.caption = QLabel()
        self.caption.setProperty("role", "hint")
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.problem = QLabel()
        self.problem.setProperty("role", "problem")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.pressed.connect(self._press)
        self.reveal_button.released.connect(self._release)
        self.metadata_button = QPushButton("Show metadata")
        self.metadata_button.setToolTip(
            "Show the file's EXIF and format metadata as text (recorded in the custody log)"
        )
        self.metadata_button.clicked.connect(self._ask_metadata)
        self.metadata = QPlainTextEdit()
        self.metadata.setReadOnly(True)
        self.metadata.setFont(monospace_font())
        self.metadata.setMaximumHeight(140)
        self.metadata.hide()
        # A text item's words, shown only after a reveal the log recorded (``show_text``), as a picture is.
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setAccessibleName("Revealed text")
        self.text_view.setUndoRedoEnabled(False)  # no second copy of the words in an undo stack
        self.text_view.hide()

        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.title)
        heading.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.reveal_button)
        buttons.addWidget(self.metadata_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(heading)
        layout.addWidget(self.problem)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.text_view, 1)
        layout.addWidget(self.caption)
        layout.addLayout(buttons)
        layout.addWidget(self.metadata)
        self.show_item(None)

    # -- what the controller calls -------------------------------------------------------------

    def show_item(self, item: Item | None) -> None:
        """Switch to ``item``: anything revealed for the previous one is hidden and forgotten."""
        same = item is not None and self.item is not None and item.item_id == self.item.item_id
        self.item = item
        if not same:
            self._forget()
        self._show_heading()
        if same:
            return
        problem = problem_text(item) if item is not None else ""
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        if item is None:
            self.canvas.set_message("Select an item in the queue.")
        elif self.wants_previews:
            self.canvas.set_message("Preparing a protected preview…")
        elif item.kind == ItemKind.FILE and item.analysis is None:
            self.canvas.set_message("Analysing…")
        elif item.analysis is not None and item.analysis.problem is not None:
            self.canvas.set_message("This file cannot be shown. Its preserved bytes, digests and sources are below.")
        elif self.is_text:
            what = "A text item" if item.kind == ItemKind.TEXT else "A text file"
            self.canvas.set_message(f"{what}, hidden until you reveal it. Each reveal is recorded.")
        else:
            self.canvas.set_message("Nothing to show: this item has no picture. Its digests and sources are below.")
        self._update_buttons()

    @property
    def is_text(self) -> bool:
        """Whether the current item is text that can be revealed and read here."""
        return self.item is not None and is_readable_text(self.item)

    def show_text(self, item_id: str, text: ReadableText) -> None:
        """The log has the reveal of a text: show its words (already neutralised in core) in place of the message."""
        if self.item is None or self.item.item_id != item_id:
            return  # the reviewer moved on
        self.text_view.setPlainText(text.text)
        self.canvas.hide()
        self.text_view.show()
        self.revealed = True
        self.caption.setText(text_caption(text))
        self._update_buttons()

    @property
    def wants_previews(self) -> bool:
        """Whether the current item has pictures to load."""
        return self.item is not None and self.item.analysis is not None and self.item.analysis.renderable

    def show_previews(self, item_id: str, previews: PreviewSet, protected: list[QImage]) -> None:
        """The decoded previews arrived (with their protected renderings made on the worker)."""
        if self.item is None or self.item.item_id != item_id:
            return  # the reviewer moved on
        if previews.problem is not None or not previews.frames:
            reason = previews.problem_detail or (str(previews.problem) if previews.problem else "no frames")
            self.canvas.set_message(f"cannot render: {reason}")
            self._update_buttons()
            return
        self.previews, self.protected = previews, protected
        self._paint()
        self._update_buttons()

    def show_load_problem(self, item_id: str, message: str) -> None:
        """Decoding the previews failed with an expected error."""
        if self.item is not None and self.item.item_id == item_id:
            self.canvas.set_message(message)

    def reveal_confirmed(self, item_id: str, mode: str) -> None:
        """The custody log has the reveal: now, and only now, show what was asked for."""
        if self.item is None or self.item.item_id != item_id:
            return
        if mode == EXIF:
            self.metadata.setPlainText(exif_text(self.item))
            self.metadata.show()
            self.metadata_button.setText("Hide metadata")
            return
        if self.previews is None or (self.reveal_mode == "hold" and not self._held):
            return  # released before the log confirmed: the reveal is recorded, nothing is shown
        self.revealed = True
        self._paint()
        self._update_buttons()

    def conceal(self) -> None:
        """Back to the protected look."""
        if self.text_view.isVisible():
            self._hide_text()
        if self.revealed:
            self.revealed = False
            self._paint()
        self._update_buttons()

    def set_look(self, options: DisplayOptions, reveal_mode: RevealMode) -> None:
        """New settings: the protected renderings are remade by the controller (``show_previews``)."""
        self.options, self.reveal_mode = options, reveal_mode
        self.conceal()

    def clear(self) -> None:
        """Forget the item and every decoded pixel (the workspace locked)."""
        self.item = None
        self._forget()
        self.show_item(None)

    # -- inside --------------------------------------------------------------------------------

    def _hide_text(self) -> None:
        self.text_view.clear()  # the words are forgotten, not only hidden
        self.text_view.hide()
        self.canvas.show()
        self.caption.clear()

    def _forget(self) -> None:
        self._hide_text()
        self.previews, self.protected, self.revealed, self._held = None, [], False, False
        self.metadata.clear()
        self.metadata.hide()
        self.metadata_button.setText("Show metadata")
        self.canvas.clear()
        self.caption.clear()

    def _show_heading(self) -> None:
        item = self.item
        self.title.setText(item.display_name if item is not None else "No item selected")
        if item is None:
            self.status.setText("")
            return
        viewed = "viewed" if item.viewed else "not viewed"
        self.status.setText(f"{STATE_TEXT[item.state]} · {viewed}")

    def _paint(self) -> None:
        if self.previews is None:
            return
        frames = self.previews.frames
        labels = [frame.label for frame in frames]
        if self.revealed:
            images = [render(frame, REVEALED) for frame in frames]
            caption = "Revealed — recorded in the custody log"
        else:
            images = self.protected
            hidden = [
                word for word, on in (("blurred", self.options.blur), ("greyscale", self.options.greyscale)) if on
            ]
            how = " and ".join(hidden).capitalize() if hidden else "Shown as is (protection is off in Settings)"
            action = "hold" if self.reveal_mode == "hold" else "click"
            caption = f"{how} — {action} Reveal to view" if hidden else how
        video = self.item is not None and self.item.analysis is not None and self.item.analysis.kind == MediaKind.VIDEO
        if video:
            caption = f"{plural(len(frames), 'keyframe')} (no playback, no sound). {caption}"
        self.canvas.set_images(images, labels)
        self.caption.setText(caption)

    def _update_buttons(self) -> None:
        has_pictures = self.previews is not None
        self.reveal_button.setEnabled(has_pictures or self.is_text)
        self.reveal_button.setText("Hide" if self.revealed and self.reveal_mode == "click" else "Reveal")
        if self.reveal_mode == "hold":
            self.reveal_button.setToolTip("Hold down to view; releasing hides it again. Each view is logged.")
        else:
            self.reveal_button.setToolTip("Show the real picture; click again to hide. Each reveal is logged.")
        has_file = self.item is not None and self.item.analysis is not None
        self.metadata_button.setEnabled(has_file)

    def _press(self) -> None:
        if self.is_text and self.item is not None:
            # Text is read, not glanced at: a click reveals and a second click hides, in either mode.
            if self.revealed:
                self.conceal()
            else:
                self.reveal_requested.emit(self.item.item_id, FULL)
            return
        if self.item is None or self.previews is None:
            return
        if self.reveal_mode == "hold":
            self._held = True
            self.reveal_requested.emit(self.item.item_id, FULL)
        elif self.revealed:
            self.conceal()
        else:
            self.reveal_requested.emit(self.item.item_id, FULL)

    def _release(self) -> None:
        if self.reveal_mode == "hold" and not self.is_text:
            self._held = False
            self.conceal()

    def _ask_metadata(self) -> None:
        if self.item is None:
            return
        if self.metadata.isVisible():
            self.metadata.hide()
            self.metadata_button.setText("Show metadata")
            return
        self.reveal_requested.emit(self.item.item_id, EXIF)
