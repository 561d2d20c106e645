"""Doubts about an item's content that are not intake failures: an empty file, a name that lies.

The bytes were read and preserved as they are (nothing to retry), but the reviewer should look:
an empty file carries nothing to report, and a file named like a picture or a video whose content
turned out to be something else (random bytes named .png) may be a disguised or damaged upload.
``content_doubt`` says so in a sentence; the queue shows it as the item's problem, so *Problems
only* lists it.
"""

from desktop_app.core.domain.items import Item, ItemKind
from desktop_app.core.domain.media import MediaKind

PICTURE_SUFFIXES = frozenset({"png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "heic", "avif"})
VIDEO_SUFFIXES = frozenset({"mp4", "mov", "m4v", "mkv", "webm", "avi", "wmv", "3gp"})


def _suffix(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return suffix.casefold() if dot and stem else ""


def content_doubt(item: Item) -> str:
    """The sentence saying what is doubtful about the content, or '' when nothing is."""
    if item.kind is not ItemKind.FILE or item.blob_id is None:
        return ""
    if item.size == 0:
        return "An empty file (0 bytes): nothing was uploaded, or it was lost before it reached you."
    analysis = item.analysis
    if analysis is None or analysis.problem is not None:
        return ""  # not analysed yet, or its problem is already said
    suffix = _suffix(item.display_name)
    if suffix in PICTURE_SUFFIXES and analysis.kind is not MediaKind.IMAGE:
        return f"Named .{suffix} but its content is not a picture: a disguised or damaged file."
    if suffix in VIDEO_SUFFIXES and analysis.kind is not MediaKind.VIDEO:
        return f"Named .{suffix} but its content is not a video: a disguised or damaged file."
    return ""
