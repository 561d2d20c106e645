"""``holds``, ``retention`` and ``destroy`` as a user runs them: real processes on a real workspace."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from tests.cli_process import run_cli as run
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.lifecycle.helpers import finish, report_with_items


@pytest.fixture
def stored(paths, isolated_profile, tmp_path):
    """A closed workspace with a report finished 400 days ago (its year is over) and another item."""
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    try:
        items = ItemService(workspace)
        reports = ReportService(workspace, items)
        report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
        finish(workspace, report_id, item_ids, datetime.now(UTC) - timedelta(days=400))
        _, [other] = report_with_items(items, reports, tmp_path / "o", pictures=1, seed=9)
    finally:
        workspace.close()
    return isolated_profile, report_id, item_ids, other


def test_a_request_hold_blocks_destruction_until_released_then_two_steps_destroy(stored):
    profile, report_id, item_ids, other = stored

    added = run(
        profile,
        "holds",
        "add",
        "2703(f)",
        "--item",
        item_ids[0][:10],
        "--requester",
        "Example PD",
        "--reference",
        "EPD-1",
    )
    assert added.returncode == 0, added.stderr
    hold_id = added.stdout.split()[0]
    rows = [json.loads(line) for line in run(profile, "retention", "--json").stdout.splitlines()]
    by_id = {r["id"]: r for r in rows}
    assert by_id[item_ids[0]]["held_by_request"] and by_id[item_ids[1]]["review_due"]
    by_request = map(json.loads, run(profile, "retention", "--by-request", "--json").stdout.splitlines())
    # The item the request names, and the report it belongs to.
    assert [(r["kind"], r["id"]) for r in by_request] == [("item", item_ids[0]), ("report", report_id)]

    refused = run(profile, "destroy", report_id[:8], "--reason", "review done")
    assert refused.returncode == 2 and "EPD-1" in refused.stderr and "destruction-refused" in refused.stderr
    no_reason = run(profile, "holds", "release", hold_id, "--reason", "")
    assert no_reason.returncode == 2 and "reason" in no_reason.stderr
    assert run(profile, "holds", "release", hold_id, "--reason", "request withdrawn").returncode == 0

    first = run(profile, "destroy", report_id[:8], "--reason", "review done")
    assert first.returncode == 1 and "--confirm" in first.stdout
    code = first.stdout.split("--confirm ")[1].split(".")[0]
    assert run(profile, "destroy", report_id[:8], "--reason", "review done", "--confirm", "0000").returncode == 2
    done = run(profile, "destroy", report_id[:8], "--reason", "review done", "--confirm", code)
    assert done.returncode == 0, done.stderr
    statuses = {r["id"]: r["status"] for r in map(json.loads, run(profile, "retention", "--json").stdout.splitlines())}
    assert statuses[item_ids[0]].startswith("destroyed on") and statuses[item_ids[1]].startswith("destroyed on")
    assert other not in statuses
    listing = run(profile, "holds", "list", "--all", "--json")
    assert {json.loads(line)["state"] for line in listing.stdout.splitlines()} == {"ended", "released"}
    assert run(profile, "log", "verify").returncode == 0
    added = run(
        profile, "followup", "add", report_id[:8], "legal-process", "--from", "Example DA", "--reference", "S-7"
    )
    assert added.returncode == 0, added.stderr
    timeline = [
        json.loads(line) for line in run(profile, "followup", "list", report_id[:8], "--json").stdout.splitlines()
    ]
    assert [(f["kind"], f["from"], f["reference"]) for f in timeline] == [("legal-process", "Example DA", "S-7")]
    today = datetime.now(UTC).date()
    stats = run(profile, "stats", "--from", today - timedelta(days=1), "--to", today + timedelta(days=1), "--csv", "-")
    assert stats.returncode == 0, stats.stderr
    rows = {(r.split(",")[1]): int(r.split(",")[2]) for r in stats.stdout.splitlines()[1:]}
    assert rows == {
        "holds placed (2258A(h)(1))": 1,
        "holds placed (2703(f))": 1,
        "holds released (2703(f))": 1,
        "items destroyed (retention review)": 2,
        "follow-ups received (legal-process)": 1,
    }


SECOND_PASSPHRASE = "the second reviewer's own passphrase"


def _add_reviewer(profile, name, passphrase):
    from desktop_app.core.platform.paths import AppPaths

    workspace = Workspace.open(AppPaths.resolve(profile))
    try:
        workspace.unlock(PASSPHRASE, quiet=True)
        workspace.reviewers.add(name, passphrase)
        workspace.lock()
    finally:
        workspace.close()


def test_destroy_needs_the_second_person_when_the_settings_ask(stored, tmp_path):
    from desktop_app.core.platform.paths import AppPaths
    from desktop_app.core.settings import AppSettings

    profile, report_id, item_ids, _ = stored
    AppSettings(second_person_confirmation=True).save(AppPaths.resolve(profile).settings_file)
    first = run(profile, "destroy", report_id[:8], "--reason", "review done")
    code = first.stdout.split("--confirm ")[1].split(".")[0]

    alone = run(profile, "destroy", report_id[:8], "--reason", "review done", "--confirm", code)
    assert alone.returncode == 2 and "second person" in alone.stderr
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    second = [*("--second-person", "Second Reviewer", "--second-passphrase-file")]
    refused = run(profile, "destroy", report_id[:8], "--reason", "review done", "--confirm", code, *second, wrong)
    assert refused.returncode == 2 and "does not open" in refused.stderr
    right = tmp_path / "right.txt"
    right.write_text(PASSPHRASE + "\n")  # the acting reviewer's own passphrase confirms nothing
    mine = run(profile, "destroy", report_id[:8], "--reason", "review done", "--confirm", code, *second, right)
    assert mine.returncode == 2 and "does not open" in mine.stderr
    _add_reviewer(profile, "Second Reviewer", SECOND_PASSPHRASE)
    right.write_text(SECOND_PASSPHRASE + "\n")
    done = run(profile, "destroy", report_id[:8], "--reason", "review done", "--confirm", code, *second, right)
    assert done.returncode == 0, done.stderr

    workspace = Workspace.open(AppPaths.resolve(profile))
    try:
        workspace.unlock(PASSPHRASE, quiet=True)
        destroyed = [e.event for e in workspace.events() if e.event.type == "item.destroyed"]
    finally:
        workspace.close()
    assert {e.subject for e in destroyed} == set(item_ids)
    assert {(e.actor, e.data["confirmed_by"]) for e in destroyed} == {("Test Reviewer", "Second Reviewer")}
