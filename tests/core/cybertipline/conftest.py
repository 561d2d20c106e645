"""Fixtures for the CyberTipline model tests: NCMEC's XSD, used in place from ../shared."""

from pathlib import Path

import pytest

from desktop_app.core.cybertipline.xsd import load_xsd
from tests import reference


@pytest.fixture(scope="session")
def xsd_path() -> Path:
    return reference.xsd_path()


@pytest.fixture(scope="session")
def ncmec_xsd(xsd_path):
    return load_xsd(xsd_path)
