import json
import logging

import pytest

from desktop_app.core.settings import AUTO_LOCK_MAX_MINUTES, AppSettings


@pytest.fixture
def settings_file(paths):
    return paths.settings_file


def write(path, document):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")


def test_defaults():
    settings = AppSettings()
    assert (
        settings.auto_lock_minutes,
        settings.blur_by_default,
        settings.greyscale_by_default,
        settings.blur_strength,
        settings.reveal_mode,
    ) == (10, True, True, 24, "click")


def test_missing_file_gives_defaults_quietly(settings_file, caplog):
    with caplog.at_level(logging.WARNING):
        assert AppSettings.load(settings_file) == AppSettings()
    assert not caplog.records


def test_save_then_load_round_trips(settings_file):
    settings = AppSettings(
        auto_lock_minutes=0, blur_by_default=False, greyscale_by_default=False, blur_strength=64, reveal_mode="hold"
    )
    settings.save(settings_file)
    assert AppSettings.load(settings_file) == settings
    document = json.loads(settings_file.read_text(encoding="utf-8"))
    assert document["version"] == 1 and document["reveal_mode"] == "hold"


def test_save_is_atomic_and_leaves_no_temp_files(settings_file):
    AppSettings().save(settings_file)
    AppSettings(blur_strength=30).save(settings_file)
    assert [p.name for p in settings_file.parent.iterdir()] == [settings_file.name]


@pytest.mark.parametrize("document", ["{not json", "[1, 2]", '"text"', "", "\udcff"])
@pytest.mark.expect_log_warnings(r"desktop_app\.core\.settings: Settings file")
def test_corrupt_file_gives_defaults_and_a_warning(settings_file, caplog, document):
    if document == "\udcff":
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        settings_file.write_bytes(b"\xff\xfe garbage")
    else:
        write(settings_file, document)
    with caplog.at_level(logging.WARNING):
        assert AppSettings.load(settings_file) == AppSettings()
    assert any(r.levelno == logging.WARNING for r in caplog.records)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("auto_lock_minutes", -5, 0),
        ("auto_lock_minutes", 10**9, AUTO_LOCK_MAX_MINUTES),
        ("auto_lock_minutes", 7.9, 7),
        ("auto_lock_minutes", "ten", 10),
        ("auto_lock_minutes", True, 10),  # a bool is not a number of minutes
        ("auto_lock_minutes", float("nan"), 10),
        ("blur_strength", 1, 4),
        ("blur_strength", 1000, 64),
        ("blur_strength", None, 24),
        ("blur_by_default", 0, True),
        ("blur_by_default", "false", True),
        ("greyscale_by_default", None, True),
        ("reveal_mode", "peek", "click"),
        ("reveal_mode", 3, "click"),
        ("cybertipline_endpoint", "http://report.example.net/ispws", "https://exttest.cybertip.org/ispws"),
        ("cybertipline_endpoint", 42, "https://exttest.cybertip.org/ispws"),
        ("cybertipline_endpoint", "https://report.cybertip.org/ispws/", "https://report.cybertip.org/ispws"),
    ],
)
@pytest.mark.expect_log_warnings(r"desktop_app\.core\.settings: Setting \w+=")
def test_bad_values_are_corrected_with_a_warning(settings_file, caplog, key, value, expected):
    write(settings_file, json.dumps({key: value}))
    with caplog.at_level(logging.WARNING):
        loaded = AppSettings.load(settings_file)
    assert getattr(loaded, key) == expected
    assert any(key in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_valid_values_are_kept_and_unknown_keys_ignored(settings_file, caplog):
    write(settings_file, {"version": 1, "blur_strength": 40, "reveal_mode": "hold", "future_option": 1})
    with caplog.at_level(logging.WARNING):
        loaded = AppSettings.load(settings_file)
    assert loaded == AppSettings(blur_strength=40, reveal_mode="hold")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"auto_lock_minutes": -1},
        {"blur_strength": 3},
        {"blur_strength": 65},
        {"reveal_mode": "peek"},
        {"cybertipline_endpoint": "http://report.example.net/ispws"},
    ],
)
def test_constructor_refuses_out_of_range_values(kwargs):
    with pytest.raises(ValueError):
        AppSettings(**kwargs)


def test_changed_keys():
    before = AppSettings()
    after = AppSettings(auto_lock_minutes=5, reveal_mode="hold")
    assert before.changed_keys(after) == ["auto_lock_minutes", "reveal_mode"]
    assert before.changed_keys(before) == []
