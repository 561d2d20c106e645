"""A hash list's settings: source, licence note, PDQ threshold, whether it takes part in matching.

The dialog only collects the changes (``changes()``); the lists page applies them on a worker
(``HashListService.change_settings``, a custody event) and then re-matches the queue, because a
new threshold or a list switched on or off changes what matches.
"""

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from desktop_app.core.domain.hashlists import DEFAULT_PDQ_THRESHOLD, MAX_PDQ_THRESHOLD, HashList


class ListSettingsDialog(QDialog):
    """Edits one list's settings; ``changes()`` holds only what differs from ``settings``."""

    def __init__(self, settings: HashList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(f"Settings of {settings.name}")
        self.setMinimumWidth(480)
        form = QFormLayout(self)
        form.addRow("List", QLabel(settings.name))
        self.source_field = QLineEdit(settings.source)
        self.source_field.setPlaceholderText("The programme: NCMEC, StopNCII, ThreatExchange, …")
        form.addRow("Source", self.source_field)
        self.licence_field = QLineEdit(settings.licence_note)
        self.licence_field.setPlaceholderText("Under what agreement the list was shared")
        form.addRow("Licence note", self.licence_field)
        self.threshold_field = QSpinBox()
        self.threshold_field.setRange(0, MAX_PDQ_THRESHOLD)
        self.threshold_field.setValue(settings.pdq_threshold)
        self.threshold_field.setSuffix(" bits")
        self.threshold_field.setToolTip(
            f"The largest PDQ distance that counts as a match; {DEFAULT_PDQ_THRESHOLD} is the upstream guidance."
        )
        form.addRow("PDQ threshold", self.threshold_field)
        self.enabled_field = QCheckBox("Match queue items against this list")
        self.enabled_field.setChecked(settings.enabled)
        form.addRow("", self.enabled_field)
        note = QLabel("Saving records the change in the custody log and matches the whole queue again.")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def changes(self) -> dict[str, object]:
        """The settings that differ from the list's, by ``HashList`` field name."""
        wanted: dict[str, object] = {
            "source": self.source_field.text().strip(),
            "licence_note": self.licence_field.text().strip(),
            "pdq_threshold": self.threshold_field.value(),
            "enabled": self.enabled_field.isChecked(),
        }
        return {name: value for name, value in wanted.items() if getattr(self.settings, name) != value}
