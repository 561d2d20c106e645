import logging

import pytest

from desktop_app.core.platform.logging_setup import (
    BACKUP_COUNT,
    LOG_FILE_NAME,
    MAX_BYTES,
    RingBufferHandler,
    configure_logging,
)


def test_ring_buffer_keeps_the_newest_records():
    ring = RingBufferHandler(capacity=3)
    ring.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("test.ring")
    logger.addHandler(ring)
    logger.propagate = False
    try:
        for n in range(5):
            logger.warning("record %d", n)
    finally:
        logger.removeHandler(ring)
        logger.propagate = True
    assert ring.lines() == ["record 2", "record 3", "record 4"]


def test_configure_writes_file_and_ring_and_close_restores(paths):
    root = logging.getLogger()
    before_handlers, before_level = list(root.handlers), root.level
    setup = configure_logging(paths.logs)
    try:
        assert setup.file_handler.maxBytes == MAX_BYTES == 1024 * 1024
        assert setup.file_handler.backupCount == BACKUP_COUNT == 5
        logging.getLogger("desktop_app.test").info("workspace opened")
        setup.file_handler.flush()
        assert "workspace opened" in (paths.logs / LOG_FILE_NAME).read_text(encoding="utf-8")
        assert any("workspace opened" in line for line in setup.ring_buffer.lines())
    finally:
        setup.close()
    assert root.handlers == before_handlers and root.level == before_level


@pytest.mark.expect_log_warnings(r"Cannot write the log file", r"desktop_app\.test: still logged")
def test_unwritable_log_folder_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    setup = configure_logging(blocker / "logs")
    try:
        assert setup.file_handler is None and setup.log_file is None
        logging.getLogger("desktop_app.test").warning("still logged")
        assert any("still logged" in line for line in setup.ring_buffer.lines())
    finally:
        setup.close()
