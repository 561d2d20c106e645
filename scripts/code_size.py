"""Modules over ~400 lines and classes over 20 methods (house style: small modules, one job per class).

    .venv/bin/python scripts/code_size.py [--lines N] [--methods N]

Counts physical lines per module and the functions defined directly in each class body (methods,
properties, static and class methods; how many are properties is shown; nested classes are
counted on their own).
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _is_property(decorator: ast.expr) -> bool:
    return (isinstance(decorator, ast.Name) and decorator.id == "property") or (
        isinstance(decorator, ast.Attribute) and decorator.attr in {"setter", "getter", "deleter"}
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--methods", type=int, default=20)
    args = parser.parse_args()

    modules: list[tuple[int, str]] = []
    classes: list[tuple[int, str]] = []
    for path in sorted((ROOT / "desktop_app").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        relative = path.relative_to(ROOT).as_posix()
        lines = source.count("\n")
        if lines > args.lines:
            modules.append((lines, relative))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                defs = [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
                properties = sum(any(_is_property(d) for d in n.decorator_list) for n in defs)
                if len(defs) > args.methods:
                    classes.append((len(defs), f"{relative}::{node.name} ({properties} properties)"))

    print(f"Modules over {args.lines} lines:")
    for lines, name in sorted(modules, reverse=True):
        print(f"  {lines:5d}  {name}")
    print(f"Classes over {args.methods} methods:")
    for methods, name in sorted(classes, reverse=True):
        print(f"  {methods:5d}  {name}")


if __name__ == "__main__":
    main()
