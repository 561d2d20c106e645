"""The queue page: intake buttons, the import progress strip, the queue, and the viewer beside it.

Pure layout: the controllers (``ui.review`` and ``ui.intake``) give it life. The right-hand side is
a vertical splitter with the protected viewer above the detail panel, so the reviewer can give the
digests more room and the picture less.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from desktop_app.core.settings import AppSettings
from desktop_app.ui.models.queue import QueueModel
from desktop_app.ui.safe_image import DisplayOptions
from desktop_app.ui.widgets.import_progress import ImportProgressWidget
from desktop_app.ui.widgets.item_details import ItemDetailsWidget
from desktop_app.ui.widgets.item_viewer import ItemViewerWidget
from desktop_app.ui.widgets.queue_view import QueueWidget


class QueuePageWidget(QWidget):
    """Everything on the queue tab.

    Args:
        model: The queue model.
        settings: Thumbnail size, protected look and reveal mode.
        parent: The parent widget.
    """

    def __init__(self, model: QueueModel, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Intake queue")
        title.setProperty("role", "title")
        subtitle = QLabel(
            "Flagged items, preserved byte-exact and encrypted. Pictures stay blurred and greyscale until you "
            "reveal one; every reveal is recorded. Drop files or folders here to add them."
        )
        subtitle.setProperty("role", "hint")
        subtitle.setWordWrap(True)
        self.add_files_button = QPushButton("Add files…")
        self.add_files_button.setProperty("role", "primary")
        self.add_folder_button = QPushButton("Add folder…")
        self.manifest_button = QPushButton("Import manifest…")
        self.manifest_button.setToolTip(
            "A CSV or JSON file from the platform listing files and what it knows about them"
        )
        self.text_button = QPushButton("Add text item…")
        self.text_button.setToolTip("A message transcript or other text-only evidence")
        heading_text = QVBoxLayout()
        heading_text.setSpacing(4)
        heading_text.addWidget(title)
        heading_text.addWidget(subtitle)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        for button in (self.add_files_button, self.add_folder_button, self.manifest_button, self.text_button):
            buttons.addWidget(button)
        heading = QHBoxLayout()
        heading.setSpacing(16)
        heading.addLayout(heading_text, 1)
        heading.addLayout(buttons)
        heading.setAlignment(buttons, Qt.AlignmentFlag.AlignTop)

        self.alert = QLabel()
        self.alert.setProperty("role", "problem")
        self.alert.setWordWrap(True)
        self.alert.hide()
        self.progress = ImportProgressWidget()
        self.queue = QueueWidget(model, settings.thumbnail_size)
        self.viewer = ItemViewerWidget(DisplayOptions.from_settings(settings), settings.reveal_mode)
        self.details = ItemDetailsWidget()
        # Below the details: which reports hold the item (``add_report_controls``, when there are reports).
        details_box = QWidget()
        self.details_column = QVBoxLayout(details_box)
        self.details_column.setContentsMargins(0, 0, 0, 0)
        self.details_column.addWidget(self.details, 1)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.viewer)
        side.addWidget(details_box)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 2)
        side.setChildrenCollapsible(False)
        side.setMinimumWidth(340)
        side.setSizes([460, 320])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.queue)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(14)
        self.splitter.setSizes([1100, 400])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 22, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(heading)
        layout.addWidget(self.alert)
        layout.addWidget(self.progress)
        layout.addWidget(self.splitter, 1)

    def show_alert(self, text: str) -> None:
        """Show a workspace problem above the queue (a failed verification, missing evidence), or hide it."""
        self.alert.setText(text)
        self.alert.setVisible(bool(text))

    def add_report_controls(self, buttons: list[QPushButton], item_reports: QWidget) -> None:
        """Put the report actions beside the review states, and the item's reports under its details."""
        for button in buttons:
            self.queue.add_bulk_button(button)
        self.details_column.addWidget(item_reports)

    def intake_buttons(self) -> list[QPushButton]:
        """The four ways to add items."""
        return [self.add_files_button, self.add_folder_button, self.manifest_button, self.text_button]
