"""Words people read: plurals from the one helper (never "file(s)" or "1 items"), findings that say what to do."""

import io
import re
import token
import tokenize
from pathlib import Path

from desktop_app.core.cybertipline.structure import check_structure
from desktop_app.core.domain.custody_words import plural
from tests.core.cybertipline.samples import new_report

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_app"
# "file(s)", "match(es)", and plurals made by hand ("item{'s' if n != 1 else ''}") instead of ``plural``.
IN_WORDS = re.compile(r"[a-z]\((?:s|es)\)")
BY_HAND = re.compile(r"""\{\s*['"](?:s|es)?['"]\s+if\b[^}]*(?:!=|==)\s*1\b""")
STRING_PARTS = {token.STRING, getattr(token, "FSTRING_MIDDLE", token.STRING)}


def _shortcuts(source: str) -> list[tuple[int, str]]:
    found = [(number, line) for number, line in enumerate(source.splitlines(), 1) if BY_HAND.search(line)]
    for part in tokenize.generate_tokens(io.StringIO(source).readline):
        if part.type in STRING_PARTS and IN_WORDS.search(part.string):  # in text, not a call like f(s)
            found.append((part.start[0], part.string))
    return found


def test_the_ui_and_the_cli_make_plurals_with_the_helper():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {text.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, text in _shortcuts(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_plural():
    assert [plural(n, "item") for n in (0, 1, 2, 1000)] == ["0 items", "1 item", "2 items", "1,000 items"]
    assert plural(1, "entry", "entries") == "1 entry" and plural(3, "entry", "entries") == "3 entries"


def test_a_missing_field_is_asked_for_in_words():
    report = new_report()
    report.add("incidentSummary")
    report.add("lawEnforcement")
    messages = {f.path: f.message for f in check_structure(report) if f.code == "required-missing"}
    assert messages["report/incidentSummary/incidentType"] == "Choose the incident type."
    assert messages["report/incidentSummary/incidentDateTime"] == "Enter the incident date and time."
    assert messages["report/lawEnforcement/agencyName"] == "Enter the agency."
