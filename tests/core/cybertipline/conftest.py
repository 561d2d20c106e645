"""Fixtures for the CyberTipline model tests: NCMEC's XSD, used in place from ../shared."""

from pathlib import Path

import pytest

from desktop_app.core.cybertipline.xsd import load_xsd

XSD_PATH = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "cybertipline" / "cybertipline.xsd"


@pytest.fixture(scope="session")
def xsd_path() -> Path:
    if not XSD_PATH.is_file():
        pytest.skip("needs ../shared/reference/cybertipline/cybertipline.xsd (NCMEC's schema, not redistributed)")
    return XSD_PATH


@pytest.fixture(scope="session")
def ncmec_xsd(xsd_path):
    return load_xsd(xsd_path)
