"""docs/nist-csf-2.0.md names real tests: every path exists, every ``::name`` is a test in that file."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "nist-csf-2.0.md"
REFERENCE = re.compile(r"`(tests/[\w/.-]+\.py)(?:::(\w+))?`")
OUTCOME = re.compile(r"^\| \*\*([A-Z]{2}\.[A-Z]{2}-\d{2})\*\*")


def test_every_test_named_in_the_mapping_exists():
    text = DOCUMENT.read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert len(references) > 20
    for path, name in references:
        assert (ROOT / path).is_file(), f"{path} is named in {DOCUMENT.name} but does not exist"
        if name:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.MULTILINE), f"{path} has no test {name}"


def test_every_outcome_row_names_at_least_one_test():
    rows = [line for line in DOCUMENT.read_text(encoding="utf-8").splitlines() if OUTCOME.match(line)]
    assert len(rows) >= 15
    for row in rows:
        assert REFERENCE.search(row.split("|")[-2]), f"no test for {OUTCOME.match(row).group(1)}"
