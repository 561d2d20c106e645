"""The queue counts empty and disguised files under Problems only; a re-import says what it found."""

from desktop_app.core.services.items import ItemService
from desktop_app.ui.intake import outcome_of
from desktop_app.ui.models.queue_order import QueueFilter
from desktop_app.ui.models.queue_rows import QueueRow
from tests.core.intake.conftest import drive, noise, pillow_analysis, png_bytes, write  # noqa: F401


def test_empty_files_are_problems_and_a_reimport_says_they_are_already_here(workspace, tmp_path):
    service = ItemService(workspace)
    folder = tmp_path / "in"
    write(folder / "empty.jpg", b"")
    write(folder / "data.bin", noise(200, seed=4))
    title, sentence, style = outcome_of(drive(service.import_paths([folder])))
    assert sentence.startswith("2 new items; 1 empty file (marked in the queue)") and style == "notice"
    rows = {row.name: row for row in map(QueueRow.from_item, service.list_items())}
    problems = QueueFilter(problems_only=True)
    assert rows["empty.jpg"].problem.startswith("An empty file") and problems.accepts(rows["empty.jpg"])
    assert not problems.accepts(rows["data.bin"])

    _, again, _ = outcome_of(drive(service.import_paths([folder])))
    assert again.startswith("2 files already in the workspace") and "new item" not in again


def test_an_empty_queue_says_how_to_add_items(qtbot, make_window, workspace, tmp_path):
    from tests.ui.screens import grab

    window = make_window(workspace)
    window.resize(1366, 768)
    table = window.review.queue.table
    assert window.review.model.total == 0 and "Add files (Ctrl+O)" in table.empty_text
    path = grab(window, tmp_path / "empty-queue.png")
    image = __import__("PySide6.QtGui", fromlist=["QImage"]).QImage(str(path))
    viewport = table.viewport()
    centre = viewport.mapTo(window, viewport.rect().center())
    # Text is drawn across the middle of the empty table: some pixel row there is not all background.
    row = {image.pixel(x, centre.y() + dy) for x in range(centre.x() - 300, centre.x() + 300) for dy in range(-20, 21)}
    assert len(row) > 2
