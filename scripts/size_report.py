"""Print the modules over a line limit and the classes over a method limit in desktop_app/.

    python scripts/size_report.py [--lines 400] [--methods 20] [PATH]

Methods are the functions defined directly in a class body (properties and static methods
count; nested classes are reported on their own). Exits 0: it reports, the lead decides.
"""

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "desktop_app"))
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--methods", type=int, default=20)
    args = parser.parse_args()
    base = Path(args.path)
    big_modules: list[tuple[int, str]] = []
    big_classes: list[tuple[int, str]] = []
    for path in sorted(base.rglob("*.py")):
        text = path.read_text()
        name = str(path.relative_to(base.parent))
        lines = len(text.splitlines())
        if lines > args.lines:
            big_modules.append((lines, name))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                methods = sum(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for n in node.body)
                if methods > args.methods:
                    big_classes.append((methods, f"{name}:{node.name}"))
    print(f"Modules over {args.lines} lines: {len(big_modules)}")
    for lines, name in sorted(big_modules, reverse=True):
        print(f"  {lines:5d}  {name}")
    print(f"Classes over {args.methods} methods: {len(big_classes)}")
    for methods, name in sorted(big_classes, reverse=True):
        print(f"  {methods:5d}  {name}")


if __name__ == "__main__":
    main()
