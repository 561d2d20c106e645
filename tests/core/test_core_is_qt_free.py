"""Core must work with Qt absent (house style 1): import every core module with PySide6 blocked."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import desktop_app.core

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


def test_every_core_module_imports_without_qt():
    modules = [m.name for m in pkgutil.walk_packages(desktop_app.core.__path__, "desktop_app.core.")]
    assert len(modules) > 15
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *modules],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(modules))
