"""Honest intake outcomes: a mistyped path is an error, an empty or disguised file is doubted, a
re-import says the files are already here."""

import pytest

from desktop_app.core.domain.item_doubts import content_doubt
from desktop_app.core.errors import ImportPathMissing
from desktop_app.core.services.items import ItemService
from tests.core.intake.conftest import drive, noise, png_bytes, write


def test_a_path_that_does_not_exist_is_an_error_not_an_item(workspace, service, tmp_path):
    real = write(tmp_path / "in" / "real.png", png_bytes(8, 8))
    before = len(workspace.events())
    with pytest.raises(ImportPathMissing, match="No such file or folder: .*nowhere.png"):
        drive(service.import_paths([real, tmp_path / "nowhere.png"]))
    assert service.list_items() == [] and len(workspace.events()) == before  # nothing taken in, nothing logged


def test_importing_again_says_the_files_are_already_here(service, tmp_path):
    folder = tmp_path / "in"
    for n in range(3):
        write(folder / f"f{n}.bin", noise(100 + n, seed=n))
    first = drive(service.import_paths([folder]))
    assert (first.items_added, first.already_here) == (3, 0)
    again = drive(service.import_paths([folder]))
    assert (again.items_added, again.already_here, again.sources_added) == (0, 3, 0)


def test_an_empty_file_and_a_disguised_one_are_doubted(workspace, pillow_analyser, tmp_path):
    service = ItemService(workspace, pillow_analyser)
    folder = tmp_path / "in"
    write(folder / "empty.jpg", b"")
    write(folder / "notes.png", b"plain text pretending to be a picture\n" * 20)
    write(folder / "real.png", png_bytes(16, 16))
    write(folder / "data.bin", noise(300, seed=9))
    summary = drive(service.import_paths([folder]))
    assert summary.empty_files == 1
    doubts = {item.display_name: content_doubt(item) for item in service.list_items()}
    assert doubts["empty.jpg"].startswith("An empty file (0 bytes)")
    assert doubts["real.png"] == "" and doubts["data.bin"] == ""  # no claim in the name, nothing to doubt
    # The analyser could not decode it: the queue already says "cannot render"; the doubt stays quiet.
    notes = next(item for item in service.list_items() if item.display_name == "notes.png")
    assert notes.analysis is not None and notes.analysis.problem is not None and doubts["notes.png"] == ""


def test_a_name_that_claims_a_picture_the_content_is_not():
    from dataclasses import replace
    from datetime import UTC, datetime

    from desktop_app.core.domain.items import Digests, IntakeOutcome, Item, ItemKind, ItemSource, ReviewState
    from desktop_app.core.domain.media import MediaAnalysis, MediaKind

    moment = datetime(2026, 3, 1, tzinfo=UTC)
    source = ItemSource("s1", moment, path=b"/in/upload.png")
    item = Item(
        "i" * 32,
        ItemKind.FILE,
        ReviewState.NEW,
        moment,
        IntakeOutcome.OK,
        (source,),
        blob_id="b" * 32,
        size=10,
        digests=Digests("0" * 32, "0" * 40, "0" * 64),
        analysis=MediaAnalysis(MediaKind.OTHER),
    )
    assert content_doubt(item).startswith("Named .png but its content is not a picture")
    assert content_doubt(replace(item, analysis=MediaAnalysis(MediaKind.IMAGE, "PNG"))) == ""
    video = replace(item, sources=(replace(source, path=b"/in/clip.mp4"),))
    assert content_doubt(video).startswith("Named .mp4 but its content is not a video")
