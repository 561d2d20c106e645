"""A submission's state in words, and where "Submit" points first."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.core.cybertipline.endpoint import PRODUCTION_URL, TEST_URL, Credentials
from desktop_app.core.domain.submission import Environment, SubmissionState, SubmissionStatus
from desktop_app.ui.submission.controller import environment_for
from desktop_app.ui.submission.environment import EnvironmentBandWidget
from desktop_app.ui.submission.state import describe

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def status(state, expires_in=None, ncmec_id="1000007", advice=None, environment=Environment.TEST):
    expires = NOW + expires_in if expires_in is not None else None
    return SubmissionStatus("r" * 32, state, environment, ncmec_id, ("f1",), NOW, expires, NOW, None, advice)


def test_an_open_report_always_shows_ncmecs_clock_and_turns_urgent_near_the_end():
    calm = describe(status(SubmissionState.OPEN, timedelta(hours=23, minutes=5)), NOW)
    expected = ("Open #1000007", "23 h 5 min left", "NCMEC test", "notice")
    assert (calm.state, calm.clock, calm.where, calm.tone) == expected
    assert "discards it in 23 h 5 min" in calm.long
    urgent = describe(status(SubmissionState.OPEN, timedelta(minutes=47)), NOW)
    assert urgent.clock == "47 min left" and urgent.tone == "problem"
    gone = describe(status(SubmissionState.OPEN, timedelta(minutes=-5)), NOW)
    assert gone.clock == "expired" and gone.tone == "problem" and "submit it again" in gone.long


def test_every_state_has_words_an_environment_and_a_tone():
    assert describe(None, NOW).short == "Draft"
    filed = describe(status(SubmissionState.FINISHED, environment=Environment.PRODUCTION), NOW)
    assert filed.short == "Filed #1000007 · NCMEC production" and filed.tone == "ok" and "one year" in filed.long
    refused = describe(status(SubmissionState.RETRACTED, advice="Fix the file's details."), NOW)
    assert refused.tone == "notice" and "What to do: Fix the file's details." in refused.long
    assert describe(status(SubmissionState.RETRACTED), NOW).tone == "neutral"  # the reviewer's own choice
    assert describe(status(SubmissionState.NEEDS_DECISION), NOW).tone == "problem"
    assert describe(status(SubmissionState.SUBMITTING), NOW).state == "Submitting…"
    # Left in "submitting" by a process that stopped: not "being sent now", and what to do instead.
    advice = "Evidence Desk stopped while NCMEC was opening the report: ... Resume it to record that."
    stopped = SubmissionStatus(
        "r" * 32, SubmissionState.SUBMITTING, Environment.TEST, None, (), None, None, None, None, None
    )
    stopped = describe(replace(stopped, advice=advice, interrupted=True), NOW)
    assert stopped.state == "Interrupted" and stopped.tone == "problem" and stopped.long == advice
    two = describe(status(SubmissionState.OPEN, timedelta(hours=2)), NOW).two_lines
    assert two == "Open #1000007\nNCMEC test · 2 h 0 min left"


def test_submit_points_at_practice_until_an_ncmec_service_has_credentials(keyring):
    assert environment_for(TEST_URL, keyring) is Environment.PRACTICE
    assert environment_for(TEST_URL, None) is Environment.PRACTICE
    keyring.save(TEST_URL, Credentials("esp-user", "secret"))
    assert environment_for(TEST_URL, keyring) is Environment.TEST
    assert environment_for(PRODUCTION_URL, keyring) is Environment.PRACTICE
    keyring.save(PRODUCTION_URL, Credentials("esp-user", "secret"))
    assert environment_for(PRODUCTION_URL, keyring) is Environment.PRODUCTION
    assert environment_for("http://127.0.0.1:9/ispws", keyring) is Environment.PRACTICE


def test_a_band_made_before_its_dialog_never_opens_as_a_window_of_its_own(qtbot):
    band = EnvironmentBandWidget(Environment.PRODUCTION)
    qtbot.addWidget(band)
    assert not band.isVisible()  # shown with its parent, not on its own
    host = QWidget()
    qtbot.addWidget(host)
    QVBoxLayout(host).addWidget(band)
    host.show()
    assert band.isVisible() and "PRODUCTION" in band.headline.text()
    band.show_environment(None)
    assert not band.isVisible()
    band.show_environment(Environment.PRACTICE)
    assert band.isVisible() and band.environment is Environment.PRACTICE
