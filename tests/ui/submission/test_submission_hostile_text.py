"""NCMEC's descriptions are shown as text, never as markup: a hostile server cannot restyle the dialog.

A ``QLabel`` left on ``AutoText`` renders anything whose first tag looks like HTML as rich text, so
"NCMEC answered code 1100: <b>Finished</b>..." would show a bold "Finished" (or an image, or a
table) while the submission is waiting to try again.
"""

from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import SubmissionState
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
