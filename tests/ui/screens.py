"""Render widgets offscreen to PNG, for the screenshots in docs/ and for eyeballing layouts."""

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget


def grab(widget: QWidget, path: Path) -> Path:
    """Show ``widget`` if needed, let layouts and style polish settle, and save it as a PNG."""
    if not widget.isVisible():
        widget.show()
    for _ in range(3):  # layout requests and deferred polish each take an event-loop pass
        QApplication.processEvents()
    pixmap = widget.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def distinct_colours(path: Path, samples: int = 40) -> int:
    """How many different colours a grid of samples over the image finds (1 means blank)."""
    image = QImage(str(path))
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return 0
    colours = {
        image.pixel(x * (image.width() - 1) // samples, y * (image.height() - 1) // samples)
        for x in range(samples + 1)
        for y in range(samples + 1)
    }
    return len(colours)
