"""A workspace with something to preserve: one report past its year, one inside it, a request and a litigation hold."""

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.core.domain.holds import HoldSource
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.lifecycle import Lifecycle, build_lifecycle
from desktop_app.core.services.reports import ReportService
from tests.core.lifecycle.helpers import finish, report_with_items

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@dataclass
class Held:
    """What the fixture made: the old report (review due but for one item under litigation) and the recent one."""

    old: str
    old_items: list[str]
    recent: str
    recent_items: list[str]


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def held(workspace, tmp_path) -> Held:
    items = ItemService(workspace)
    reports = ReportService(workspace, items)
    now = datetime.now(UTC)
    old, old_items = report_with_items(items, reports, tmp_path / "a")
    finish(workspace, old, old_items, now - timedelta(days=400))
    recent, recent_items = report_with_items(items, reports, tmp_path / "b", seed=3)
    finish(workspace, recent, recent_items, now - timedelta(days=350))
    return Held(old, old_items, recent, recent_items)


@pytest.fixture
def lifecycle(workspace, held) -> Lifecycle:
    built = build_lifecycle(workspace)
    now = datetime.now(UTC)
    built.holds.place(
        HoldSource.REQUEST_2703F,
        items=held.recent_items[:1],
        requester="Example County Sheriff",
        reference="ECS-2025-031",
        starts_at=now - timedelta(days=80),
    )
    built.holds.place(HoldSource.LITIGATION, items=held.old_items[:1], reference="Doe v. Example Forum, 25-cv-0142")
    return built
