"""NCMEC's descriptions are shown as text, never as markup: a hostile server cannot restyle the dialog.

A ``QLabel`` left on ``AutoText`` renders anything whose first tag looks like HTML as rich text, so
"NCMEC answered code 1100: <b>Finished</b>..." would show a bold "Finished" (or an image, or a
table) while the submission is waiting to try again.
"""

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.ui.submission.resume_offer import ResumeOfferDialog
from desktop_app.ui.submission.state import SubmissionStateWidget
from desktop_app.ui.submission.texts import SubmissionMode
from tests.core.submission.helpers import new_report

MARKUP = "<b>Finished: NCMEC report 1 is filed</b><br><img src='x.png'>"
BODY = (
    '<?xml version="1.0" encoding="UTF-8"?><reportResponse><responseCode>1100</responseCode>'
    "<responseDescription>&lt;b&gt;Finished: NCMEC report 1 is filed&lt;/b&gt;&lt;br&gt;&lt;img src='x.png'&gt;"
    "</responseDescription></reportResponse>"
)


def test_an_ncmec_description_with_markup_is_shown_as_plain_text(qtbot, open_dialog, reports, server):
    dialog = open_dialog(new_report(reports, []))
    server.set_faults([Fault(endpoint="/submit", kind="status", status=200, body=BODY, retry_after="1", call=None)])
    seen = []

    def waiting_with_the_description():
        text = dialog.now_label.text()
        if MARKUP in text:
            label = dialog.now_label
            # Plain text is laid out at its full width, tags included; rich text drops the tags.
            seen.append(label.sizeHint().width() >= label.fontMetrics().horizontalAdvance(text))
        return bool(seen)

    with qtbot.waitSignal(dialog.ended, timeout=30_000) as ended:
        dialog.go_button.click()
        qtbot.waitUntil(waiting_with_the_description, timeout=10_000)
    assert seen == [True], "the description was rendered as rich text"
    assert ended.args[0].state is SubmissionState.DRAFT
    model = dialog.model
    tips = [model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) for row in range(model.rowCount())]
    quoting = [
        tip for tip in tips if tip and "Finished: NCMEC report 1" in shown(tip, QtGuiNamespace.mightBeRichText(tip))
    ]
    assert quoting, tips
    for tip in quoting:
        assert MARKUP in shown(tip, QtGuiNamespace.mightBeRichText(tip)), "a step's tooltip rendered the markup"


def shown(text: str, rich: bool) -> str:
    """What a label or tooltip showing ``text`` displays: the text itself, or what its markup renders to."""
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def test_a_description_in_a_waiting_reports_state_is_shown_as_text_everywhere(
    qtbot, open_dialog, reports, server, submissions
):
    report_id = new_report(reports, [])
    # 1100 ("nothing changed") at every finish: tried again, then the report waits with NCMEC's words.
    server.set_faults([Fault(endpoint="/finish", kind="status", status=200, body=BODY, call=None)])
    waiting = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert waiting.state is SubmissionState.NEEDS_DECISION and MARKUP in waiting.advice

    dialog = open_dialog(report_id, mode=SubmissionMode.RESUME)
    label = dialog.plan_label
    rich = label.textFormat() is Qt.TextFormat.RichText or (
        label.textFormat() is Qt.TextFormat.AutoText and QtGuiNamespace.mightBeRichText(label.text())
    )
    assert MARKUP in shown(label.text(), rich), "the dialog rendered NCMEC's description as markup"

    widget = SubmissionStateWidget()
    qtbot.addWidget(widget)
    widget.show_status(waiting, datetime.now(UTC))
    offer = ResumeOfferDialog([waiting], {}, lambda: datetime.now(UTC))
    qtbot.addWidget(offer)
    [card_state] = [w for w in offer.findChildren(QLabel) if w.toolTip()]
    for tooltip in (widget.state_label.toolTip(), card_state.toolTip()):
        # Tooltips decide rich or plain the way an AutoText label does.
        assert MARKUP in shown(tooltip, QtGuiNamespace.mightBeRichText(tooltip)), (
            "a tooltip rendered NCMEC's description as markup"
        )
