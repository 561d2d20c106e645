"""docs/cybertipline-mapping.md is generated from the model: a changed declaration must regenerate it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_mapping_document_is_current():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cybertipline_mapping.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
