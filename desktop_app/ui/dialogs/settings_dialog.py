"""Settings: auto-lock and how evidence is shown before it is revealed."""

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.domain.events import EventType
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import (
    AUTO_LOCK_MAX_MINUTES,
    BLUR_STRENGTH_MAX,
    BLUR_STRENGTH_MIN,
    THUMBNAIL_SIZE_MAX,
    THUMBNAIL_SIZE_MIN,
    AppSettings,
)
from desktop_app.ui.widgets.form_parts import InlineMessageLabel, dialog_column

_REVEAL_CHOICES = [
    ("click", "Click to reveal, click again to hide"),
    ("hold", "Reveal only while the mouse button is held"),
]


def _section(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setProperty("role", "section")
    return label


class SettingsDialog(QDialog):
    """Edits ``AppSettings``. OK saves the file and, if the workspace is unlocked, logs what changed.

    The custody event carries the names and new values of the changed settings (they are not
    secret), so the log shows when, for example, blurring was turned off.

    Args:
        settings: The current settings.
        settings_path: Where to save them.
        workspace: The workspace to record the change in (recorded only while unlocked).
        parent: The parent widget.
    """

    settings_saved = Signal(object)

    def __init__(
        self,
        settings: AppSettings,
        settings_path: Path,
        workspace: Workspace | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._original = settings
        self._path = settings_path
        self._workspace = workspace
        self.saved_settings: AppSettings | None = None
        self.setWindowTitle(f"Settings — {APP_NAME}")
        self.setMinimumWidth(520)

        self.auto_lock_spin = QSpinBox()
        self.auto_lock_spin.setRange(0, AUTO_LOCK_MAX_MINUTES)
        self.auto_lock_spin.setSpecialValueText("Never")
        self.auto_lock_spin.setSuffix(" minutes")
        self.auto_lock_spin.setValue(settings.auto_lock_minutes)
        self.auto_lock_spin.setMaximumWidth(160)
        self.backup_days_spin = QSpinBox()
        self.backup_days_spin.setRange(0, 365)
        self.backup_days_spin.setSpecialValueText("Never")
        self.backup_days_spin.setSuffix(" days")
        self.backup_days_spin.setValue(settings.backup_reminder_days)
        self.backup_days_spin.setMaximumWidth(160)
        self.backup_days_spin.setToolTip("At unlock, remind me to back up when the last backup is older than this.")

        self.blur_checkbox = QCheckBox("Blur evidence until I reveal it")
        self.blur_checkbox.setChecked(settings.blur_by_default)
        self.greyscale_checkbox = QCheckBox("Show evidence in greyscale until I reveal it")
        self.greyscale_checkbox.setChecked(settings.greyscale_by_default)
        self.blur_slider = QSlider(Qt.Orientation.Horizontal)
        self.blur_slider.setRange(BLUR_STRENGTH_MIN, BLUR_STRENGTH_MAX)
        self.blur_slider.setValue(settings.blur_strength)
        self.blur_value = QLabel()
        self.blur_value.setMinimumWidth(48)
        self.blur_slider.valueChanged.connect(lambda value: self.blur_value.setText(f"{value} px"))
        self.blur_value.setText(f"{settings.blur_strength} px")
        blur_row = QHBoxLayout()
        blur_row.addWidget(self.blur_slider, 1)
        blur_row.addWidget(self.blur_value)
        self.reveal_combo = QComboBox()
        for value, label in _REVEAL_CHOICES:
            self.reveal_combo.addItem(label, value)
        self.reveal_combo.setCurrentIndex(self.reveal_combo.findData(settings.reveal_mode))
        self.thumbnail_spin = QSpinBox()
        self.thumbnail_spin.setRange(THUMBNAIL_SIZE_MIN, THUMBNAIL_SIZE_MAX)
        self.thumbnail_spin.setSingleStep(8)
        self.thumbnail_spin.setSuffix(" px")
        self.thumbnail_spin.setValue(settings.thumbnail_size)
        self.thumbnail_spin.setMaximumWidth(160)

        lock_form = QFormLayout()
        lock_form.setHorizontalSpacing(14)
        lock_form.addRow("Lock after idle", self.auto_lock_spin)
        lock_form.addRow("Backup reminder after", self.backup_days_spin)
        self.second_person_checkbox = QCheckBox("Must confirm destruction and full-evidence export")
        self.second_person_checkbox.setToolTip(
            "Another reviewer confirms with their own passphrase on this computer; the custody log names both people."
        )
        self.second_person_checkbox.setChecked(settings.second_person_confirmation)
        lock_form.addRow("Second person", self.second_person_checkbox)
        display_form = QFormLayout()
        display_form.setHorizontalSpacing(14)
        display_form.setVerticalSpacing(10)
        display_form.addRow("", self.blur_checkbox)
        display_form.addRow("", self.greyscale_checkbox)
        display_form.addRow("Blur strength", blur_row)
        display_form.addRow("Reveal", self.reveal_combo)
        display_form.addRow("Thumbnails", self.thumbnail_spin)

        where = QLabel(
            "Settings are kept on this computer, outside the workspace. Changes are recorded in the custody log."
        )
        where.setWordWrap(True)
        where.setProperty("role", "hint")
        self.message = InlineMessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        title = QLabel("Settings")
        title.setProperty("role", "title")

        layout = dialog_column(self, 10)
        layout.addWidget(title)
        layout.addWidget(_section("Workspace"))
        layout.addLayout(lock_form)
        layout.addSpacing(8)
        layout.addWidget(_section("Showing evidence"))
        layout.addLayout(display_form)
        layout.addSpacing(8)
        layout.addWidget(where)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def current_settings(self) -> AppSettings:
        """The settings as the form shows them now (those it does not show, as they were)."""
        return replace(
            self._original,
            auto_lock_minutes=self.auto_lock_spin.value(),
            backup_reminder_days=self.backup_days_spin.value(),
            blur_by_default=self.blur_checkbox.isChecked(),
            greyscale_by_default=self.greyscale_checkbox.isChecked(),
            blur_strength=self.blur_slider.value(),
            reveal_mode=self.reveal_combo.currentData(),
            thumbnail_size=self.thumbnail_spin.value(),
            second_person_confirmation=self.second_person_checkbox.isChecked(),
        )

    def accept(self) -> None:
        """Save, log the change, and close; a failed save stays open with the reason shown."""
        new = self.current_settings()
        changed = self._original.changed_keys(new)
        try:
            new.save(self._path)
        except OSError as exc:
            self.message.show_message(f"The settings could not be saved to {self._path}: {exc.strerror or exc}.")
            return
        if changed and self._workspace is not None and self._workspace.is_unlocked:
            # One small write transaction; not worth a worker round trip.
            self._workspace.record(
                EventType.SETTINGS_CHANGED,
                {
                    "changed": changed,
                    "values": {key: getattr(new, key) for key in changed},
                },
            )
        self.saved_settings = new
        self.settings_saved.emit(new)
        super().accept()
