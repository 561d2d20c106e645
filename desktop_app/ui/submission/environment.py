"""Which CyberTipline a submission goes to, made unmistakable: a coloured band with words.

The three environments never look alike. Practice is a quiet green (nothing leaves this computer),
NCMEC's test service a sand colour (NCMEC discards what it gets), and production a solid brick band
with white type: the one place in the app allowed to stand out, because a report sent there is real
and, once finished, cannot be amended or withdrawn. Colour is never the only signal: the band always
says in words where the report goes.
"""

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QWidget

from desktop_app.core.domain.submission import Environment
from desktop_app.ui.theme import NOTICE_BORDER, NOTICE_TEXT, OK_BORDER, OK_TEXT, PROBLEM_TEXT


@dataclass(frozen=True)
class EnvironmentLook:
    """How one environment is shown: colours, a short name for lists, and what it means."""

    short: str
    headline: str
    meaning: str
    text: str
    background: str
    border: str


LOOKS: dict[Environment, EnvironmentLook] = {
    Environment.PRACTICE: EnvironmentLook(
        "Practice",
        "PRACTICE",
        "The built-in practice server on this computer. Nothing is sent to NCMEC.",
        OK_TEXT,
        "#e4f1e8",
        OK_BORDER,
    ),
    Environment.TEST: EnvironmentLook(
        "NCMEC test",
        "NCMEC TEST (exttest)",
        "NCMEC's test service: it answers like production and discards every report. Test content only.",
        NOTICE_TEXT,
        "#fbf4e2",
        NOTICE_BORDER,
    ),
    Environment.PRODUCTION: EnvironmentLook(
        "NCMEC production",
        "NCMEC PRODUCTION",
        "A real CyberTipline report. Once finished it cannot be amended or withdrawn.",
        "#ffffff",
        PROBLEM_TEXT,
        PROBLEM_TEXT,
    ),
}


def look_of(environment: Environment | None) -> EnvironmentLook | None:
    """The look of ``environment`` (None: not sent anywhere yet)."""
    return LOOKS.get(environment) if environment is not None else None


def badge_style(environment: Environment) -> str:
    """A stylesheet for a small label in the environment's colours (lists, the editor header)."""
    look = LOOKS[environment]
    return (
        f"color: {look.text}; background: {look.background}; border: 1px solid {look.border};"
        "border-radius: 4px; padding: 2px 8px; font-weight: 600;"
    )


@cache
def environment_swatch(environment: Environment) -> QIcon:
    """A small rounded square in the environment's colours, for list cells beside its name."""
    look = LOOKS[environment]
    pixmap = QPixmap(28, 28)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(look.border))
    # Production's band is filled with its (dark) colour; the quiet ones show their text colour.
    painter.setBrush(QColor(look.background if environment is Environment.PRODUCTION else look.text))
    painter.drawRoundedRect(QRectF(3, 3, 22, 22), 5, 5)
    painter.end()
    return QIcon(pixmap)


class EnvironmentBandWidget(QFrame):
    """A full-width band: the environment's name in capitals, then what sending there means."""

    def __init__(self, environment: Environment | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.environment: Environment | None = None
        self.headline = QLabel()
        self.meaning = QLabel()
        self.meaning.setWordWrap(True)
        self.headline.setAccessibleName("Environment")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 9, 16, 9)
        layout.setSpacing(14)
        layout.addWidget(self.headline)
        layout.addWidget(self.meaning, 1)
        self.show_environment(environment)

    def show_environment(self, environment: Environment | None) -> None:
        """Recolour and reword the band; None hides it."""
        self.environment = environment
        look = look_of(environment)
        if look is None:
            self.hide()
            return
        if self.isHidden() and self.parentWidget() is not None:
            self.show()  # (a band without a parent yet is shown with it; shown alone it would be a window)
        self.setStyleSheet(
            f"EnvironmentBandWidget {{ background: {look.background}; border: 1px solid {look.border};"
            " border-radius: 6px; }"
            f"QLabel {{ color: {look.text}; background: transparent; border: none; }}"
        )
        self.headline.setText(f"<b>{look.headline}</b>")
        self.meaning.setText(look.meaning)
        self.setAccessibleDescription(f"{look.headline}: {look.meaning}")


class EnvironmentChooserWidget(QWidget):
    """The "Send to" choice of the three environments; ``chosen(Environment)`` when the reviewer picks another."""

    chosen = Signal(object)

    def __init__(self, environment: Environment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setAccessibleName("Send to")
        for each in LOOKS:
            self.combo.addItem(each.label, each)
        self.combo.setCurrentIndex(self.combo.findData(environment))
        self.combo.currentIndexChanged.connect(self._changed)
        label = QLabel("Send to")
        label.setBuddy(self.combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.combo, 1)

    @property
    def environment(self) -> Environment:
        """The environment chosen."""
        return Environment(self.combo.currentData())

    def _changed(self, _index: int) -> None:
        self.chosen.emit(self.environment)
