"""A workspace with a two-picture report ready to seal, and a recipient key."""

import pytest

from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.services.bundles import BundleService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.conftest import NOW
from tests.core.reports.helpers import import_uploads, reveal


@pytest.fixture
def recipient_identity():
    return X25519Identity.generate()


@pytest.fixture
def sealed_report(workspace, tmp_path):
    items = ItemService(workspace)
    reports = ReportService(workspace, items, now=lambda: NOW)
    uploads = import_uploads(items, tmp_path)
    ids = [item_id for item_id, _ in uploads.values()]
    reveal(items, ids[0])
    record = reports.create_draft(ids)
    record.draft.report = good_draft().report
    reports.save(record)
    return BundleService(workspace, items, reports), record.report_id, uploads


@pytest.fixture
def other_desk(tmp_path):
    """A second, empty workspace: where a received bundle is imported."""
    from desktop_app.core.platform.paths import AppPaths
    from desktop_app.core.services.workspace import Workspace
    from tests.conftest import PASSPHRASE, fast_kdf

    other, _ = Workspace.create(AppPaths.resolve(tmp_path / "other-desk"), PASSPHRASE, "Other Reviewer", fast_kdf())
    items = ItemService(other)
    yield BundleService(other, items, ReportService(other, items)), other
    other.close()
