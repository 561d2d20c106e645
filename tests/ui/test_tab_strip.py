"""The tab strip stays where it is whichever tab is shown (the workspace facts live inside the log's tab)."""

from desktop_app.core.services.reports import ReportService
from desktop_app.ui.main_window import LOG_TAB


def test_the_tab_strip_does_not_move_between_tabs(qtbot, make_window, workspace, items):
    window = make_window(workspace, items=items, reports=ReportService(workspace, items))
    window.resize(1366, 768)
    bar = window.tabs.tabBar()
    places = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        places.append((bar.mapTo(window, bar.rect().topLeft()).toTuple(), bar.width(), window.tabs.width()))
    assert len(set(places)) == 1, places
    window.tabs.setCurrentIndex(LOG_TAB)
    assert window.status_panel.isVisible()  # the workspace facts are still beside the log
    window.tabs.setCurrentIndex(0)
    assert not window.status_panel.isVisible()  # and the queue has the whole width
