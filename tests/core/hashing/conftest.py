"""Where the PDQ/vPDQ reference data lives (used in place, never copied into the project)."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "pdq"
MISSING_REASON = "needs ../shared/fixtures/pdq (reference data, not redistributed)"


def require_fixtures() -> Path:
    """The fixtures folder, or skip with the reason."""
    if not (FIXTURES / "expected_pdq.csv").is_file():
        pytest.skip(MISSING_REASON)
    return FIXTURES


@pytest.fixture
def fixtures() -> Path:
    return require_fixtures()
