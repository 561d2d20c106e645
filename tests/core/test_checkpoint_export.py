"""Checkpoint export: one behaviour for the window's menu and ``evidence-desk checkpoint export``."""

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import TamperingDetected
from desktop_app.core.services.checkpoint_export import ExportFailed, default_file_name, export_checkpoint
from desktop_app.core.storage.anchor import parse_anchor_text


def test_export_covers_the_log_and_a_second_export_signs_nothing_new(workspace, tmp_path):
    workspace.record(EventType.ITEM_REVEALED, subject="x")  # growth since the checkpoint made at creation
    first = export_checkpoint(workspace, tmp_path / default_file_name(workspace))
    size = len(workspace.events())
    anchor = parse_anchor_text(first.path.read_text(encoding="utf-8"))
    assert anchor.note == first.note and first.text == workspace.custody.anchor_text()
    assert anchor.verifier_key == workspace.verifier_key()

    again = export_checkpoint(workspace)  # to no file: the CLI prints the text
    assert again.path is None and again.note == first.note
    assert len(workspace.events()) == size  # the log did not grow from exporting twice
    assert workspace.verify_log([anchor.note]).ok


def test_an_unwritable_target_is_a_typed_error(workspace, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(ExportFailed, match="could not be written"):
        export_checkpoint(workspace, tmp_path / "a-file" / "cp.txt")


def test_export_is_refused_while_tampering_stands(workspace, tmp_path):
    workspace.anchoring.raise_alarm("entry 3 was edited", 3, len(workspace.events()))
    with pytest.raises(TamperingDetected):
        export_checkpoint(workspace, tmp_path / "cp.txt")
    assert not (tmp_path / "cp.txt").exists()
