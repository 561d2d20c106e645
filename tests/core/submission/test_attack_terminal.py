"""NCMEC's words reach the terminal only as visible text: a hostile server cannot steer or forge output.

A ``responseDescription`` is the server's text. XML 1.0 carries a carriage return (``&#13;``), the C1
controls (U+009B is an 8-bit CSI) and the bidirectional overrides, and each of them lets the
answer rewrite what the reviewer reads ("...refused\\rFinished: NCMEC report 1 is filed.").
"""

import json

from desktop_app.cli import submission as cli
from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.progress import CancelToken
from tests.core.submission.helpers import new_report

FORGED = "bad\rFinished: NCMEC report 1 is filed.\u202e\u009b2J"
BODY = (
    '<?xml version="1.0" encoding="UTF-8"?><reportResponse><responseCode>4100</responseCode>'
    "<responseDescription>bad&#13;Finished: NCMEC report 1 is filed.\u202e\u009b2J</responseDescription>"
    "</reportResponse>"
)
UNSAFE = ("\r", "\u202e", "\u009b")


def test_an_ncmec_description_cannot_steer_the_terminal(reports, submissions, server, capsys):
    report_id = new_report(reports, [])
    server.set_faults([Fault(endpoint="/submit", kind="status", status=400, body=BODY)])
    status = cli._drive(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert status.state is SubmissionState.DRAFT and FORGED in status.advice  # the core keeps NCMEC's words
    cli._finish(status, as_json=False, success=SubmissionState.FINISHED)
    cli._finish(status, as_json=True, success=SubmissionState.FINISHED)
    out, err = capsys.readouterr()
    for char in UNSAFE:
        assert char not in out and char not in err, f"{char!r} reached the terminal"
    assert "bad\\rFinished" in out  # shown, visibly escaped
    assert FORGED in json.loads(out.splitlines()[-1])["advice"]  # JSON keeps the exact text
