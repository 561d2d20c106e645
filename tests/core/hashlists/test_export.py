"""Sharing back: our own hashes as an HMA CSV that our importer (and python-threatexchange's layout) reads back."""

import json
from datetime import UTC, datetime

from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.domain.items import Digests, IntakeOutcome, Item, ItemKind, ReviewState
from desktop_app.core.domain.media import MediaAnalysis, MediaKind, PdqHash, VideoFrameHash
from desktop_app.core.hashlists.contents import ListContents
from desktop_app.core.hashlists.export import hma_csv, plain_text
from tests.core.hashlists.conftest import active, apply, hexes, read


def _item(kind: MediaKind, pdq: str | None = None, frames=()) -> Item:
    md5, sha1, sha256 = hexes(1, 16)[0], hexes(1, 20)[0], hexes(1)[0]
    analysis = MediaAnalysis(kind, pdq=PdqHash(pdq, 90) if pdq else None, vpdq=tuple(frames))
    return Item(hexes(1, 16)[0], ItemKind.FILE, ReviewState.REPORTED, datetime.now(UTC), IntakeOutcome.OK, (),
                digests=Digests(md5, sha1, sha256), analysis=analysis)


def test_hma_csv_round_trips_through_the_importer(write):
    pdq = hexes(1)[0]
    frames = [VideoFrameHash(0, 100, hexes(1)[0], 0.0), VideoFrameHash(30, 80, hexes(1)[0], 1.0)]
    picture, video = _item(MediaKind.IMAGE, pdq), _item(MediaKind.VIDEO, frames=frames)
    text = hma_csv([picture, video, picture])
    assert text.splitlines()[0] == "signal_type,signal_str,collab,category,tags"
    assert len(text.splitlines()) == 5  # pdq, video_md5, video_sha256, vpdq; the repeated picture once
    contents = apply(ListContents(), read(write("ours.csv", text), ListFormat.HMA_CSV))
    assert active(contents, "pdq") == {pdq}
    assert active(contents, "md5") == {video.digests.md5} and active(contents, "sha256") == {video.digests.sha256}
    (video_entry,) = contents.vpdq
    assert [line.split(",")[0] for line in video_entry.splitlines()] == [f.hex for f in frames]
    assert json.loads(text.splitlines()[4].split(",", 1)[1].rsplit(",", 3)[0].replace('""', '"').strip('"'))


def test_plain_text_one_algorithm():
    picture = _item(MediaKind.IMAGE, hexes(1)[0])
    assert plain_text([picture], Algorithm.SHA1) == picture.digests.sha1 + "\n"
    assert plain_text([picture], Algorithm.PDQ) == picture.analysis.pdq.hex + "\n"
