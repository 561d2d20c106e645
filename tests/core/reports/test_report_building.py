"""The pure parts of report building: change paths, account keys, pre-filled files, viewed overrides."""

from datetime import UTC, datetime

import pytest

from desktop_app.core.cybertipline.model import DraftFile, ReportDraft
from desktop_app.core.domain.items import Digests, IntakeOutcome, Item, ItemKind, ItemSource, ReviewState
from desktop_app.core.errors import ItemHasNoContent, ViewedOverrideReasonRequired
from desktop_app.core.services.report_building import (
    account_keys,
    changed_paths,
    file_from_item,
    fill_reported_user,
    set_file_viewed,
    sync_viewed,
)
from desktop_app.core.storage.reports import ReportRecord, ViewedOverride
from tests.core.cybertipline.samples import good_draft

T = datetime(2025, 5, 30, 20, 55, tzinfo=UTC)


def item(item_id="i1", *sources, blob=True, viewed=False):
    return Item(
        item_id=item_id,
        kind=ItemKind.FILE,
        state=ReviewState.NEW,
        added_at=T,
        outcome=IntakeOutcome.OK,
        sources=tuple(sources),
        blob_id="b" + item_id if blob else None,
        size=3,
        digests=Digests("a" * 32, "b" * 40, "c" * 64) if blob else None,
        viewed=viewed,
    )


def source(**fields):
    return ItemSource(source_id="s", added_at=T, **fields)


def test_changed_paths_name_values_attributes_and_presence_but_carry_no_values():
    before = good_draft()
    after = good_draft()
    person = after.report.get("personOrUserReported").get("personOrUserReportedPerson")
    person.get("email").set_attribute("verified", None)
    person.get("email").set_attribute("verificationDate", None)
    after.report.get("incidentSummary").set("platform", "Other Forum")
    after.report.remove("victim")
    assert changed_paths(before, after) == [
        "report/incidentSummary/platform",
        "report/personOrUserReported[0]/personOrUserReportedPerson/email[0]/@verificationDate",
        "report/personOrUserReported[0]/personOrUserReportedPerson/email[0]/@verified",
        "report/victim[0]",
        "report/victim[0]/screenName",
        "report/victim[0]/victimPerson",
        "report/victim[0]/victimPerson/age",
    ]
    assert changed_paths(before, good_draft()) == []


def test_account_keys_normalise_screen_names_and_remember_whose_they_are():
    report = good_draft().report
    second = report.add("personOrUserReported")
    second.add("screenName", "  User_Two ")
    assert account_keys(report) == {"account-id:u-1001": 0, "screen-name:user_one": 0, "screen-name:user_two": 1}


def test_a_file_from_an_item_without_platform_metadata_still_carries_name_and_hashes():
    details = file_from_item(item("i1", source(path=b"/in/pic.jpg"))).details
    assert details.text("originalFileName") == "pic.jpg"
    assert [(h.attribute("hashType"), h.value) for h in details.all("originalFileHash")] == [
        ("MD5", "a" * 32),
        ("SHA1", "b" * 40),
        ("SHA256", "c" * 64),
    ]
    assert details.text("fileViewedByEsp") == "false"
    assert details.get("ipCaptureEvent") is None and details.get("locationOfFile") is None
    with pytest.raises(ItemHasNoContent):
        file_from_item(item("i2", source(path=b"/in/link"), blob=False))


def test_the_uploader_is_named_only_when_the_items_agree():
    report = ReportDraft().report
    agreeing = [item("i1", source(uploader_account_id="u-1")), item("i2", source(uploader_account_id="u-1"))]
    assert fill_reported_user(report, agreeing)
    assert report.get("personOrUserReported").text("espIdentifier") == "u-1"
    assert not fill_reported_user(report, agreeing)  # someone is already named
    fresh = ReportDraft().report
    disagreeing = [item("i1", source(uploader_account_id="u-1")), item("i2", source(uploader_account_id="u-2"))]
    assert not fill_reported_user(fresh, disagreeing)
    assert fresh.get("personOrUserReported") is None


def record_with(*files):
    return ReportRecord("r" * 32, ReportDraft(files=list(files)), T, T)


def test_viewed_overrides_keep_their_reason_and_sync_leaves_them_alone():
    record = record_with(file_from_item(item("i1")), file_from_item(item("i2")))
    record.draft.files[0].details.set("exifViewedByEsp", True)
    with pytest.raises(ViewedOverrideReasonRequired):
        set_file_viewed(record, 1, True, "", logged=False)
    set_file_viewed(record, 1, True, "seen in the moderation console", logged=False)
    assert record.overrides == {"i2": ViewedOverride(True, "seen in the moderation console")}
    assert sync_viewed(record, viewed_ids={"i1"}) == [0]  # the reveal of i1 arrives; i2 keeps its override
    assert [f.details.text("fileViewedByEsp") for f in record.draft.files] == ["true", "true"]
    set_file_viewed(record, 0, False, "only the thumbnail was seen", logged=True)
    assert record.draft.files[0].details.text("exifViewedByEsp") == "false"  # NCMEC rejects EXIF without file


def test_files_without_an_item_are_the_reviewers_to_set():
    record = record_with(DraftFile())
    set_file_viewed(record, 0, True, "", logged=False)
    assert record.overrides == {} and record.draft.files[0].details.text("fileViewedByEsp") == "true"
    assert sync_viewed(record, set()) == []
