"""The submission actions of a report in a list (its context menu), the same ones its editor strip offers."""

from PySide6.QtWidgets import QMenu, QWidget

from desktop_app.core.domain.submission import SubmissionState, SubmissionStatus
from desktop_app.ui.submission.controller import SubmissionController


def submission_menu(
    parent: QWidget, report_id: str, status: SubmissionStatus | None, ready: bool, controller: SubmissionController
) -> QMenu:
    """Submit (a report without errors, never sent or retracted), or Resume / Retract (one open at NCMEC)."""
    menu = QMenu(parent)
    state = status.state if status is not None else SubmissionState.DRAFT
    if state in (SubmissionState.DRAFT, SubmissionState.RETRACTED):
        submit = menu.addAction("Submit to NCMEC…", lambda: controller.submit(report_id))
        submit.setEnabled(ready)
        if not ready:
            submit.setToolTip("The report still has errors: fix them before submitting.")
    elif state in (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION, SubmissionState.SUBMITTING):
        known = status is not None and bool(status.ncmec_report_id)
        menu.addAction("Resume…" if known else "Decide…", lambda: controller.resume(report_id))
        if known:
            menu.addAction("Retract…", lambda: controller.retract(report_id))
    else:
        menu.addAction("Filed: nothing to do").setEnabled(False)
    return menu
