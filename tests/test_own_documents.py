"""The project explains itself in its own ``docs/``; nothing cites the team's private research notes.

The research notes (named in ``NOTES`` below) live outside the repository, so a maintainer who
finds them cited cannot follow the reference. Citations of our own documents with a section
(``decisions.md §3``) must name a document in ``docs/`` that has that numbered section.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("desktop_app", "tests", "scripts", "benchmarks", "packaging", "installer", "docs", "resources")
FILES = ("README.md", "pyproject.toml")
SUFFIXES = {".py", ".md", ".toml", ".txt", ".spec", ".cfg", ".ini", ".iss", ".nsi", ".sh", ".html", ".json"}

# Spelled in pieces so this file does not cite them itself.
NOTES = ("security", "api", "hashing", "product")
NOTE_CITATION = re.compile(r"(?<![\w-])(" + "|".join(NOTES) + r")\.md\b")
SECTION_CITATION = re.compile(r"(?<![\w/-])(?:docs/)?([a-z][a-z0-9-]*\.md) §(\d+)")


def project_text_files() -> list[Path]:
    found = [ROOT / name for name in FILES if (ROOT / name).is_file()]
    for folder in FOLDERS:
        found += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in SUFFIXES]
    return [p for p in found if ".venv" not in p.parts and "__pycache__" not in p.parts]


def test_no_citation_of_the_research_notes():
    offenders = []
    for path in project_text_files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if NOTE_CITATION.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert len(project_text_files()) > 300
    assert offenders == [], "cite the project's own docs/ instead:\n" + "\n".join(offenders)


def test_section_citations_name_a_section_of_our_docs():
    wrong = []
    cited = 0
    for path in project_text_files():
        for document, section in SECTION_CITATION.findall(path.read_text(errors="replace")):
            target = ROOT / "docs" / document
            if document in {"RESULTS.md", "README.md"}:
                continue
            cited += 1
            headings = target.read_text() if target.is_file() else ""
            if not re.search(rf"^#+ {section}\. ", headings, re.MULTILINE):
                wrong.append(f"{path.relative_to(ROOT)} cites {document} §{section}")
    assert cited > 20
    assert wrong == []


def test_the_guard_sees_a_citation():
    """The pattern catches the forms the code used to have, and not our own similarly named docs."""
    assert NOTE_CITATION.search("(" + NOTES[0] + ".md §5.2)")
    assert NOTE_CITATION.search("written from " + NOTES[1] + ".md, by type")
    assert not NOTE_CITATION.search("docs/cybertipline-service.md §4 and docs/hashes.md §1")
