"""A digest or hash shown whole where it fits and elided in the middle where it does not, with Copy.

A hash is compared by its two ends and copied whole; it is never wrapped or cut at an arbitrary
place (a line break inside a SHA-256 makes two strings out of one). ``HashLabel`` shows the full
value when there is room, ``98fb7a9a10…d5fa4c2e01`` when there is not, keeps the full value in its
tooltip and accessible description, and puts it on the clipboard with the Copy button or the
context menu. Its minimum width is a few characters, so it never makes a form scroll sideways.
"""

from collections.abc import Callable

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QSizePolicy, QWidget

from desktop_app.ui.theme import monospace_font

MIN_SHOWN_CHARS = 16  # eight at each end: enough to compare by eye


class ElidedHash(QLabel):
    """The value in a fixed-width font, elided in the middle to the width it is given."""

    def __init__(self, value: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(monospace_font())
        self.setProperty("role", "value")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._value = ""
        self.set_value(value)

    @property
    def value(self) -> str:
        """The whole value (what is copied), whatever is shown."""
        return self._value

    def set_value(self, value: str) -> None:
        """Show another value."""
        self._value = value
        self.setToolTip(value)
        self.setAccessibleDescription(value)
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Room for the whole value."""
        return QSize(self.fontMetrics().horizontalAdvance(self._value) + 4, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Room for its two ends only."""
        shown = min(len(self._value), MIN_SHOWN_CHARS)
        width = self.fontMetrics().horizontalAdvance("0" * shown + "…") + 4
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Elide again for the new width."""
        super().resizeEvent(event)
        self._elide()

    @property
    def elided(self) -> bool:
        """Whether the middle of the value is hidden at the current width."""
        return self.text() != self._value

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._value, Qt.TextElideMode.ElideMiddle, self.width() - 4))


class HashLabel(QWidget):
    """An ``ElidedHash`` with a Copy button (and Copy in its context menu).

    Args:
        value: The hash or digest.
        name: What it is ("SHA-256"), for the button's tooltip.
        copy: Puts text on the clipboard (the system clipboard unless a test passes its own).
        button: Whether to show the Copy button (the context menu has Copy either way).
        parent: The parent widget.
    """

    def __init__(
        self,
        value: str = "",
        name: str = "value",
        copy: Callable[[str], None] | None = None,
        button: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._copy = copy or (lambda text: QGuiApplication.clipboard().setText(text))
        self.label = ElidedHash(value)
        self.label.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.label.customContextMenuRequested.connect(self._menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label, 1)
        self.copy_button: QPushButton | None = None
        if button:
            self.copy_button = QPushButton("Copy")
            self.copy_button.setProperty("role", "link")
            self.copy_button.setToolTip(f"Copy the whole {name} to the clipboard")
            self.copy_button.clicked.connect(self.copy)
            layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)

    def text(self) -> str:
        """The whole value (the name ``QLabel`` uses, so callers need not care which they hold)."""
        return self.label.value

    def setText(self, text: str) -> None:  # noqa: N802 - the QLabel name, as ``text``
        """Show another value."""
        self.label.set_value(text)

    def copy(self) -> None:
        """Put the whole value on the clipboard."""
        self._copy(self.label.value)

    def _menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction("Copy", self.copy)
        menu.exec(self.label.mapToGlobal(position))
