"""The main window's tabs (queue, custody log, reports), without Qt's repaint of a whole page per re-layout.

``QTabWidget`` answers every ``LayoutRequest`` by placing its tab bar and pages again and then
repainting itself, which repaints every widget on the current page. A page sends one whenever
anything on it changes its size hint: a label's new text, a button shown or hidden. On the queue
page that happens when an import ends or the selected item changes, and the page's 50-odd
widgets were repainted each time, every paint event passing through the auto-lock's event
filter into Python while workers held the GIL (stalls of 30-80 ms, benchmarks/ui_bench.py).

Here a layout request re-lays out only what it has to: the page's own layout has already done
its work by the time the request reaches the tab widget, so unless the tab bar wants another size
(a tab's title changed) the tab widget only passes the size constraints up to the window.
"""

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QTabWidget, QWidget


class PageTabsWidget(QTabWidget):
    """A ``QTabWidget`` whose pages can change their layout without repainting the whole page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._laid_out_for: QSize | None = None  # the tab bar size hint the last full layout used

    def event(self, event: QEvent) -> bool:
        """Pass a page's layout request upwards; lay out the tabs again only when the tab bar changed."""
        if event.type() == QEvent.Type.LayoutRequest and self.isVisible():
            wanted = self.tabBar().sizeHint()
            if wanted == self._laid_out_for:
                self.updateGeometry()  # the window still hears of new size constraints
                return True
            self._laid_out_for = wanted
        return super().event(event)
