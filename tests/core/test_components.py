"""The bundled-components list behind the About dialog (core/platform/components.py)."""

from desktop_app.core.platform.components import (
    COMPONENTS_FILE,
    Component,
    bundled_components,
    collected_components,
    installed_components,
    write_components,
)


def test_installed_components_are_the_requirement_closure_with_licences():
    components = {c.name.lower().replace("_", "-"): c for c in installed_components()}
    assert "pyside6-essentials" in components and "LGPL-3.0" in components["pyside6-essentials"].licence
    assert "shiboken6" in components  # a dependency of a dependency
    assert "evidence-desk" not in components
    assert "pytest" not in components  # an extra ("test"), not shipped


def test_only_what_the_build_collected(tmp_path):
    collected = {c.name.lower() for c in collected_components(["cryptography", "lxml"], {"cryptography"})}
    assert "cryptography" in collected and "lxml" not in collected


def test_a_frozen_build_reads_its_list(tmp_path):
    listed = [Component("Python", "3.11.7", "PSF-2.0", "https://www.python.org")]
    write_components(listed, tmp_path / COMPONENTS_FILE)
    assert bundled_components(tmp_path) == listed
    assert bundled_components(tmp_path / "elsewhere") == installed_components()
