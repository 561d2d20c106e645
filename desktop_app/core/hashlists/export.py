"""Sharing back: the desk's own confirmed hashes as a python-threatexchange/HMA CSV or plain text.

Hash-only: no names, no sources, no report content. Pictures give their PDQ (``pdq``), videos their
MD5 and SHA-256 (``video_md5``, ``video_sha256``, as python-threatexchange names them) and their
vPDQ when decoded; plain text is one hash a line of the one algorithm asked for.
"""

import csv
import io
import json
from collections.abc import Iterable

from desktop_app.core.domain.hashlists import Algorithm
from desktop_app.core.domain.items import Item
from desktop_app.core.domain.media import MediaKind
from desktop_app.core.hashlists.read_lines import HMA_CSV_HEADER


def hma_rows(items: Iterable[Item]) -> list[tuple[str, str]]:
    """(signal_type, signal) pairs, deduplicated, in item order."""
    rows: dict[tuple[str, str], None] = {}
    for item in items:
        analysis = item.analysis
        if analysis is not None and analysis.kind == MediaKind.IMAGE and analysis.pdq is not None:
            rows[("pdq", analysis.pdq.hex)] = None
        elif analysis is not None and analysis.kind == MediaKind.VIDEO and item.digests is not None:
            rows[("video_md5", item.digests.md5)] = None
            rows[("video_sha256", item.digests.sha256)] = None
            if analysis.vpdq:
                frames = [f"{f.hex},{f.quality},{f.timestamp:.3f}" for f in analysis.vpdq]
                rows[("vpdq", json.dumps(frames))] = None
    return list(rows)


def hma_csv(items: Iterable[Item]) -> str:
    """The HMA CSV text (``signal_type,signal_str,collab,category,tags``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HMA_CSV_HEADER)
    for signal_type, signal in hma_rows(items):
        writer.writerow([signal_type, signal, "", "", ""])
    return out.getvalue()


def plain_text(items: Iterable[Item], algorithm: Algorithm) -> str:
    """One hash of ``algorithm`` a line (items without one are left out)."""
    values: dict[str, None] = {}
    for item in items:
        if algorithm == Algorithm.PDQ:
            if item.analysis is not None and item.analysis.pdq is not None:
                values[item.analysis.pdq.hex] = None
        elif item.digests is not None and algorithm in (Algorithm.MD5, Algorithm.SHA1, Algorithm.SHA256):
            values[getattr(item.digests, str(algorithm))] = None
    return "".join(f"{v}\n" for v in values)
