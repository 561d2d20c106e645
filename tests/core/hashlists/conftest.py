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


@pytest.fixture(scope="session")
def pdq_kernel_built() -> None:
    """The compiled PDQ kernel, built if need be (./dev builds it; CI installs gcc)."""
    from desktop_app.core.hashlists import kernel_build, pdq_kernel

    try:
        kernel_build.build()
    except kernel_build.KernelBuildError as error:
        pytest.skip(f"the compiled PDQ kernel cannot be built here: {error}")
    pdq_kernel._library.cache_clear()
    assert pdq_kernel.available(), "the kernel was built but does not load"


@pytest.fixture(params=["numpy", "compiled"])
def compiled(request: pytest.FixtureRequest) -> bool:
    """Each PDQ index test runs on both paths: numpy, and the compiled kernel."""
    if request.param == "compiled":
        request.getfixturevalue("pdq_kernel_built")
    return bool(request.param == "compiled")
