"""The findings panel shows why law enforcement needs what a referral hint asks for, not only in a tooltip."""

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from desktop_app.core.cybertipline.referral import WHY
from desktop_app.ui.report.delegates import WHY_PREFIX, WHY_ROLE
from desktop_app.ui.report.findings_panel import CODE_ROLE


def test_why_law_enforcement_needs_it_is_shown_in_the_findings_list_and_read_out(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    panel = editor.findings_panel
    model, view = panel.model, panel.view
    codes = [model.data(model.index(r), CODE_ROLE) for r in range(model.rowCount())]
    row = codes.index("referral-no-incident-details")
    index = model.index(row)
    why = WHY["referral-no-incident-details"]
    assert model.data(index, WHY_ROLE) == why
    assert why in model.data(index, Qt.ItemDataRole.AccessibleTextRole)

    option = QStyleOptionViewItem()
    option.font = view.font()
    delegate = view.itemDelegate()
    assert [text for text, _, _ in delegate.lines(option, index)][1] == WHY_PREFIX + why
    with_why = view.visualRect(index).height()
    assert with_why >= delegate.sizeHint(option, index).height()  # the row has room for every line

    # The same finding without its explanation takes less room: the line is drawn, not a tooltip.
    findings = list(editor.findings)
    findings[row] = replace(findings[row], why="")
    panel.set_findings(findings)
    view.doItemsLayout()
    assert view.visualRect(model.index(row)).height() < with_why
    assert model.data(model.index(row), WHY_ROLE) == ""
    errors = [r for r in range(model.rowCount()) if model.data(model.index(r), CODE_ROLE) == "required-missing"]
    assert errors and all(not model.data(model.index(r), WHY_ROLE) for r in errors)  # only hints explain
