"""NCMEC's XSD, used in place from ../shared: it is not ours to redistribute, so it is never copied.

Tests that need it skip with this reason when ../shared is absent.
"""

from pathlib import Path

import pytest

XSD_PATH = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "cybertipline" / "cybertipline.xsd"
MISSING_REASON = "needs ../shared/reference/cybertipline/cybertipline.xsd (NCMEC's schema, not redistributed)"


def xsd_path() -> Path:
    """The reference XSD's path (skips the calling test without it)."""
    if not XSD_PATH.is_file():
        pytest.skip(MISSING_REASON)
    return XSD_PATH


def xsd_bytes() -> bytes:
    """The reference XSD's bytes (skips the calling test without it)."""
    return xsd_path().read_bytes()
