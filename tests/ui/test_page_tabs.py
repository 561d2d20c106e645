"""The main window's tabs re-lay out a page without repainting all of it."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.ui.widgets.page_tabs import PageTabsWidget


class PaintCounter(QObject):
    def __init__(self, watched: QWidget) -> None:
        super().__init__()
        self.paints = 0
        watched.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def settle(qtbot):
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def test_a_label_change_repaints_the_label_not_the_whole_page(qtbot):
    page = QWidget()
    layout = QVBoxLayout(page)
    label, bystander = QLabel("Importing"), QPushButton("Somewhere else on the page")
    layout.addWidget(label)
    layout.addWidget(bystander)
    tabs = PageTabsWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(page, "Queue")
    tabs.addTab(QLabel("log"), "Custody log")
    tabs.resize(600, 400)
    tabs.show()
    qtbot.waitExposed(tabs)
    settle(qtbot)
    counter = PaintCounter(bystander)
    label.setText("Import finished: 10,000 new items")
    settle(qtbot)
    assert label.width() >= label.sizeHint().width()  # the page's layout did its work
    assert counter.paints == 0  # a plain QTabWidget repaints every widget on the page here

    narrow = tabs.tabBar().tabRect(1).width()
    tabs.setTabText(1, "Custody log — 3 new entries")
    settle(qtbot)
    assert tabs.tabBar().tabRect(1).width() > narrow  # a new tab title still lays the tabs out again
