"""Why a file could not be rendered, in words a reviewer can act on.

Every ``RenderProblem`` has one sentence here. Decoder messages are added in brackets only as a
hint for support; they never carry content (Pillow and FFmpeg describe structure, not pixels).
The app process uses this module too, so it imports no decoder library.
"""

from desktop_app.core.domain.media import MediaKind, RenderProblem

_MAX_HINT = 160

SENTENCES = {
    RenderProblem.UNSUPPORTED_FORMAT: "Evidence Desk does not display this format.",
    RenderProblem.TRUNCATED: "The file ends early: it is cut short, so the picture cannot be shown in full.",
    RenderProblem.CORRUPT: "The file is damaged or not what its header says, so it cannot be shown.",
    RenderProblem.TOO_MANY_PIXELS: "The picture is too large to open safely (a possible decompression bomb).",
    RenderProblem.TOO_MUCH_MEMORY: "Decoding needed more memory than Evidence Desk allows, so it was stopped.",
    RenderProblem.TIMED_OUT: "Decoding took longer than Evidence Desk allows, so it was stopped.",
    RenderProblem.DECODER_CRASHED: "The decoder crashed on this file; the app is unaffected.",
    RenderProblem.UNREADABLE: "The file could not be read (missing, no permission, or not a regular file).",
}
PRESERVED = " The bytes are preserved and hashed as they are."


def describe(problem: RenderProblem, kind: MediaKind = MediaKind.OTHER, hint: str = "") -> str:
    """The reviewer-facing sentence for a problem, with an optional bracketed decoder hint."""
    sentence = SENTENCES[problem]
    if kind is MediaKind.VIDEO:
        sentence = sentence.replace("the picture", "the video").replace("The picture", "The video")
    hint = " ".join(hint.split())[:_MAX_HINT]
    return sentence + (f" ({hint})" if hint else "") + (PRESERVED if problem is not RenderProblem.UNREADABLE else "")
