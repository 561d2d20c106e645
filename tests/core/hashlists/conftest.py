import secrets
from pathlib import Path

import pytest

from desktop_app.core.domain.hashlists import ListFormat
from desktop_app.core.hashlists.changes import ChangeSet
from desktop_app.core.hashlists.contents import ListContents, merge
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.hashlists.readers import read_list
from desktop_app.core.progress import run_to_completion


def hexes(n: int, nbytes: int = 32) -> list[str]:
    return [secrets.token_hex(nbytes) for _ in range(n)]


def read(path: Path, fmt: ListFormat, **options: object) -> ChangeSet:
    return run_to_completion(read_list(path, fmt, ReadOptions(**options)))  # type: ignore[arg-type]


def apply(contents: ListContents, changes: ChangeSet, import_no: int = 1) -> ListContents:
    return merge(contents, changes, import_no)[0]


def active(contents: ListContents, algorithm: str) -> set[str]:
    from desktop_app.core.domain.hashlists import Algorithm

    entries = contents.entries(Algorithm(algorithm))
    return {v.tobytes().hex() for v in entries.active_values()}


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    return _write
