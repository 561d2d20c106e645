"""Core must work with Qt absent (house style 1): import every core module with PySide6 blocked.

The module list comes from the files on disk, not from ``pkgutil``: a folder without ``__init__.py``
is a namespace package that ``pkgutil.walk_packages`` (and import-linter) silently walk past.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "desktop_app"

SCRIPT = """
import importlib, sys
class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6") or name.startswith("desktop_app.ui"):
            raise ImportError(f"core imported {name}")
sys.meta_path.insert(0, BlockQt())
for module in sys.argv[1:]:
    importlib.import_module(module)
print(len(sys.argv) - 1)
"""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_core_module_imports_without_qt():
    modules = sorted(module_name(path) for path in (PACKAGE / "core").rglob("*.py"))
    assert len(modules) > 80
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *modules],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(modules))


def test_every_package_directory_has_its_init():
    """A folder of modules without ``__init__.py`` is invisible to the import contracts."""
    folders = {path.parent for path in PACKAGE.rglob("*.py")}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").is_file())
    assert missing == []
