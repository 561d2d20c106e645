"""Sharing back: the hashes of reported items written as a list file, with its custody event."""

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.domain.items import Item
from desktop_app.core.hashlists.errors import ListSettingsInvalid
from desktop_app.core.hashlists.export import hma_csv, plain_text
from desktop_app.core.services.workspace import Workspace


def export_hashes(
    workspace: Workspace,
    reported: Sequence[Item],
    path: str | os.PathLike[str],
    format: ListFormat,
    algorithm: Algorithm | None = None,
) -> int:
    """Write the hashes of ``reported`` as an HMA CSV or plain text; returns how many hashes.

    The file is written next to its final name and renamed into place, so a crash leaves no
    half-written list.
    """
    if format == ListFormat.HMA_CSV:
        text = hma_csv(reported)
    elif format == ListFormat.TEXT and algorithm is not None:
        text = plain_text(reported, algorithm)
    else:
        raise ListSettingsInvalid("Export as hma-csv, or as text with an algorithm (md5, sha1, sha256, pdq).")
    count = text.count("\n") - (1 if format == ListFormat.HMA_CSV else 0)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
    data = {
        "format": str(format),
        "algorithm": str(algorithm or ""),
        "hashes": count,
        "items": len(reported),
        "file_name": target.name,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    workspace.record(EventType.HASH_LIST_EXPORTED, data)
    return count
