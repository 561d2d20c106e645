"""Report test data: a queue of synthetic pictures with platform metadata, and the XSD in place.

Everything is generated: Pillow drawings, documentation IP addresses, example domains.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from desktop_app.core.domain.items import RevealMode
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from tests import reference, synthetic_media

# Two uploads by one account, with everything a platform's export typically says about them.
UPLOADS = [
    {
        "path": "media/upload-4810.jpg",
        "url": "https://forum.example.org/media/4810",
        "account_id": "u-7731",
        "screen_name": "account-7731",
        "ip": "93.184.216.34",
        "port": 51515,
        "upload_time": "2025-05-30T20:55:00Z",
        "original_name": "IMG_4810.jpg",
    },
    {
        "path": "media/upload-4811.jpg",
        "url": "https://forum.example.org/media/4811",
        "account_id": "u-7731",
        "screen_name": "account-7731",
        "ip": "93.184.216.34",
        "port": 51999,
        "upload_time": "2025-05-30T21:05:00Z",
        "original_name": "IMG_4811.jpg",
    },
]


def compiled_xsd():
    """NCMEC's XSD, used in place from ../shared (the test is skipped without it)."""
    from desktop_app.core.cybertipline.xsd import load_xsd

    return load_xsd(reference.xsd_path())


def import_uploads(items: ItemService, root: Path) -> dict[str, tuple[str, bytes]]:
    """Import the two synthetic pictures through a manifest; original name -> (item id, bytes)."""
    export = root / "platform-export"
    (export / "media").mkdir(parents=True)
    contents = {}
    for seed, row in enumerate(UPLOADS):
        data = synthetic_media.photo(320, 240, seed=seed + 11)
        (export / row["path"]).write_bytes(data)
        contents[row["original_name"]] = data
    manifest = export / "manifest.json"
    manifest.write_text(json.dumps({"items": UPLOADS}), encoding="utf-8")
    summary = run_to_completion(items.import_paths([], manifest=manifest))
    assert summary.ok, summary.findings
    by_name = {item.display_name: item.item_id for item in items.list_items()}
    return {name: (by_name[name], data) for name, data in contents.items()}


def reveal(items: ItemService, item_id: str) -> None:
    """The reviewer looks at the item in full (what makes fileViewedByEsp true)."""
    items.record_reveal(item_id, RevealMode.FULL)


def digests(data: bytes) -> dict[str, str]:
    return {
        "MD5": hashlib.md5(data).hexdigest(),
        "SHA1": hashlib.sha1(data).hexdigest(),
        "SHA256": hashlib.sha256(data).hexdigest(),
    }


@contextmanager
def logged_by_an_older_app(monkeypatch: pytest.MonkeyPatch, field: str) -> Iterator[None]:
    """Inside, events are logged without ``field``, as by a version written before that digest existed."""
    with monkeypatch.context() as patch:
        append = Workspace.append_event

        def without_field(self, conn, kind, data, subject=None):
            return append(self, conn, kind, {k: v for k, v in data.items() if k != field}, subject)

        patch.setattr(Workspace, "append_event", without_field)
        yield
