"""The submission dialog's modes and the words that go with each: title, button, what will happen."""

from enum import StrEnum

from desktop_app.core.errors import EvidenceDeskError


class SubmissionMode(StrEnum):
    """What the dialog was opened to do."""

    SUBMIT = "submit"
    RESUME = "resume"
    RETRACT = "retract"


TITLES = {
    SubmissionMode.SUBMIT: "Submit to NCMEC",
    SubmissionMode.RESUME: "Resume the submission",
    SubmissionMode.RETRACT: "Retract the report at NCMEC",
}
GO = {SubmissionMode.SUBMIT: "Send", SubmissionMode.RESUME: "Resume", SubmissionMode.RETRACT: "Retract at NCMEC"}
INTRO = {
    SubmissionMode.SUBMIT: "Nothing has been sent yet. Sending opens the report at NCMEC, uploads and describes each "
    "file, then finishes it; each step is recorded in the custody log before and after it happens. If anything "
    "goes wrong after NCMEC opened the report, it is retracted or kept for you to resume: never left half done.",
    SubmissionMode.RESUME: "Resuming uploads the files NCMEC does not have yet, then finishes the report.",
    SubmissionMode.RETRACT: "Retracting asks NCMEC to discard the open report and its files. Nothing is filed; "
    "you can submit the report again later.",
}


def error_words(exc: BaseException | None) -> str:
    """An expected error's message (with its advice, if it carries one); a bug's is not shown."""
    if isinstance(exc, EvidenceDeskError):
        advice = getattr(exc, "advice", None)
        return f"{exc.message} {advice}" if advice and advice not in exc.message else exc.message
    return "An unexpected error stopped it; the crash report has the details."


def escape(text: str) -> str:
    """``text`` safe inside a rich-text label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
