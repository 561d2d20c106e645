"""Every match of an item with whether it counts, the lists' activity, and matched files in reports."""

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.cybertipline.referral import file_hints, hash_list_matches
from desktop_app.core.domain.hashlists import Algorithm, ListFormat, Standing
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService


@pytest.fixture
def matched(workspace, tmp_path):
    """Two items, both on list L (by MD5 and SHA-256); item b also on list M."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"flooding stock photo")
    (folder / "b.bin").write_bytes(b"known bad content")
    items = ItemService(workspace)
    run_to_completion(items.import_paths([folder]))
    by_name = {item.display_name: item for item in items.list_items()}
    a, b = by_name["a.bin"], by_name["b.bin"]
    service = HashListService(workspace, items)
    for name, lines, algorithm in (
        ("L", [a.digests.md5, b.digests.md5], Algorithm.MD5),
        ("M", [b.digests.sha256], Algorithm.SHA256),
    ):
        listing = service.create_list(name)
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n")
        run_to_completion(service.import_file(listing.list_id, path, ListFormat.TEXT, ReadOptions(algorithm=algorithm)))
    run_to_completion(service.match_items())
    return service, items, a, b


def test_standings_say_which_matches_count_and_why_not(matched):
    service, _, a, b = matched
    shown, notes = service.standings(b.item_id)
    assert [(s.match.list_name, s.match.algorithm, s.standing) for s in shown] == [
        ("L", "md5", Standing.COUNTS),
        ("M", "sha256", Standing.COUNTS),
    ] and notes == ()
    service.reject_match(b.item_id, shown[0].match.entry_key, "a different picture with a colliding hash")
    service.suppress_entry(f"md5:{a.digests.md5}", "a stock photo every upload contains")
    shown, _ = service.standings(b.item_id)
    assert [(s.standing, s.reason) for s in shown] == [
        (Standing.NOT_A_MATCH, "a different picture with a colliding hash"),
        (Standing.COUNTS, ""),
    ]
    assert [s.standing for s in service.standings(a.item_id)[0]] == [Standing.SUPPRESSED]
    assert service.standings("no-such-item") == ([], ())


def test_activity_counts_matched_suppressed_rejected_and_this_week(matched):
    service, _, a, b = matched
    ids = {settings.name: settings.list_id for settings, _ in service.lists()}
    activity = service.activity()
    assert (activity[ids["L"]].entries_matched, activity[ids["L"]].items_matched) == (2, 2)
    assert activity[ids["L"]].matches_this_week == 2 and activity[ids["M"]].items_matched == 1
    assert service.activity(datetime.now(UTC) + timedelta(days=8))[ids["L"]].matches_this_week == 0
    service.suppress_entry(f"md5:{a.digests.md5}", "floods the queue")
    service.reject_match(b.item_id, f"md5:{b.digests.md5}", "not the same file")
    after = service.activity()[ids["L"]]
    assert (after.entries_matched, after.entries_suppressed, after.not_a_match, after.items_matched) == (0, 1, 1, 0)


def test_a_matched_item_sent_to_a_report_unviewed_says_so_and_gets_the_warrant_hint(matched, workspace):
    service, items, a, b = matched
    service.reject_match(b.item_id, f"md5:{b.digests.md5}", "not the same file")
    reports = ReportService(workspace, items, matches=service.outcomes)
    record = reports.create_draft([b.item_id, a.item_id])
    matched_file, other = record.draft.files
    assert matched_file.details.text("fileViewedByEsp") == "false"  # sent without a reveal: not viewed
    assert hash_list_matches(matched_file.details) == ['SHA-256 exact, list "M"']  # the rejected MD5 match is not
    [finding] = file_hints(matched_file.details)
    assert finding.code == "referral-file-hash-matched-not-viewed" and "warrant" in finding.why
    assert [f.code for f in file_hints(other.details)] == ["referral-file-hash-matched-not-viewed"]
    codes = {f.code for f in reports.check(record) if f.path.startswith("fileDetails[0]")}
    assert "referral-file-hash-matched-not-viewed" in codes and "referral-file-not-viewed" not in codes
    # Without matches the plain not-viewed hint stays.
    plain = ReportService(workspace, items).create_draft([b.item_id])
    assert [f.code for f in file_hints(plain.draft.files[0].details)] == ["referral-file-not-viewed"]


def test_the_hash_match_metadata_is_valid_for_ncmec(matched, workspace):
    from desktop_app.core.cybertipline.serialize import serialize_file_details
    from tests.core.reports.helpers import compiled_xsd

    service, items, _, b = matched
    record = ReportService(workspace, items, matches=service.outcomes).create_draft([b.item_id])
    details = record.draft.files[0].details
    details.set("reportId", "1")
    details.set("fileId", "f1")
    document = serialize_file_details(details)
    assert b'type="HASH"' in document and b"Hash list match" in document
    assert compiled_xsd().validate_bytes(document) == []


def test_a_digest_ending_in_zero_bytes_matches_exactly():
    import numpy as np

    from desktop_app.core.hashlists.matching import _Exact

    values = [bytes(31) + b"\x00", bytes(30) + b"\x01\x00", b"\x01" * 32, bytes(31) + b"\x02"]
    exact = _Exact(np.frombuffer(b"".join(sorted(values)), np.uint8).reshape(-1, 32))
    assert all(value in exact for value in values)
    assert bytes(30) + b"\x01\x01" not in exact and bytes(29) + b"\x01\x00\x00" not in exact
