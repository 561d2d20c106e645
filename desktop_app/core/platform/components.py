"""The third-party components that ship with Evidence Desk, and their licences (for the About dialog).

A frozen build carries ``resources/bundled-components.json``, written by the PyInstaller spec from
the build environment, keeping only the distributions whose modules the build really collected
(the frozen app no longer has the packages' metadata to ask). Run from source, the list is read
live from the installed distributions: the requirement closure of ``evidence-desk``, extras left
out. Nothing here touches the network.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

COMPONENTS_FILE = "bundled-components.json"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_LICENCE_CLASSIFIER = "License :: OSI Approved :: "


@dataclass(frozen=True)
class Component:
    """One bundled component: what it is and under which licence it ships."""

    name: str
    version: str
    licence: str
    url: str = ""


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    # get_all, not [...]: a missing field is None today and a KeyError in later Pythons.
    values = meta.get_all(name, [])
    return str(values[0]) if values else ""


def _licence(meta: metadata.PackageMetadata) -> str:
    expression = _field(meta, "License-Expression")
    if expression:
        return str(expression)
    classifiers = [
        c.removeprefix(_LICENCE_CLASSIFIER) for c in meta.get_all("Classifier", []) if c.startswith(_LICENCE_CLASSIFIER)
    ]
    if classifiers:
        return " / ".join(classifiers)
    text = _field(meta, "License").strip()
    # Some packages put the whole licence text in this field; its first line names it.
    return text.splitlines()[0][:80] if text else "see the package"


def _url(meta: metadata.PackageMetadata) -> str:
    for entry in meta.get_all("Project-URL", []):
        label, _, link = str(entry).partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository", "source code"):
            return link.strip()
    return _field(meta, "Home-page")


def installed_components(roots: Iterable[str] = ("evidence-desk",)) -> list[Component]:
    """The installed requirement closure of ``roots`` (without evidence-desk and extras), sorted by name."""
    seen: dict[str, Component] = {}
    visited: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform (markers), so not installed here
        key = _field(dist.metadata, "Name").lower().replace("_", "-")
        if key in visited:
            continue
        visited.add(key)
        if key != "evidence-desk":
            meta = dist.metadata
            seen[key] = Component(_field(meta, "Name"), dist.version, _licence(meta), _url(meta))
        for requirement in dist.requires or []:
            marker = requirement.partition(";")[2]
            match = _NAME.match(requirement)
            if match and "extra" not in marker:
                pending.append(match.group(1))
    return sorted(seen.values(), key=lambda c: c.name.lower())


def collected_components(roots: Iterable[str], top_level_modules: Iterable[str]) -> list[Component]:
    """Of the closure of ``roots``, the distributions that provide one of ``top_level_modules`` (build time)."""
    providers = metadata.packages_distributions()
    wanted = {dist.lower().replace("_", "-") for module in top_level_modules for dist in providers.get(module, [])}
    return [c for c in installed_components(roots) if c.name.lower().replace("_", "-") in wanted]


def write_components(components: list[Component], path: Path) -> None:
    """Save the list (build time)."""
    path.write_text(json.dumps([asdict(c) for c in components], indent=1), encoding="utf-8")


def bundled_components(resources: Path) -> list[Component]:
    """The list a frozen build carries in ``resources``, else the installed one."""
    saved = resources / COMPONENTS_FILE
    if saved.is_file():
        return [Component(**entry) for entry in json.loads(saved.read_text(encoding="utf-8"))]
    return installed_components()
