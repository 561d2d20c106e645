"""scripts/verify_log_independently.py, written from docs/custody-log-format.md alone, against a real
workspace made and attacked through the real CLI: it must agree with ``log verify``."""

import ast
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.integration.test_cli import run

SCRIPT = Path(__file__).parents[2] / "scripts" / "verify_log_independently.py"


def independent(db, vkey, *checkpoints):
    args = [sys.executable, "-I", str(SCRIPT), str(db), "--vkey", vkey]
    for checkpoint in checkpoints:
        args += ["--checkpoint", str(checkpoint)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def test_the_script_imports_nothing_of_the_app():
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= {"argparse", "base64", "hashlib", "sqlite3", "sys", "cryptography"}
    assert len(SCRIPT.read_text(encoding="utf-8").splitlines()) < 150


def test_independent_verifier_agrees_with_log_verify_and_catches_attacks(tmp_path):
    profile = tmp_path / "profile"
    created = run(profile, "init", "--reviewer", "Independent", check_code=0)
    vkey = created.stdout.split("Checkpoint verifier key", 1)[1].split("\n")[1].strip()
    db = profile / "data" / "workspace" / "workspace.db"
    shutil.copy(db, tmp_path / "early.db")
    for _ in range(3):
        run(profile, "log", "verify", check_code=0)
    exported = tmp_path / "exported.txt"
    run(profile, "checkpoint", "export", "-o", str(exported), check_code=0)
    (anchor,) = (profile / "anchors").glob("*.anchor")
    entries = json.loads(run(profile, "log", "verify", "--structure-only", "--json", passphrase=None).stdout)["entries"]

    intact = independent(db, vkey, anchor, exported)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert f"intact: {entries} entries" in intact.stdout

    rolled_back = independent(tmp_path / "early.db", vkey, anchor)
    assert rolled_back.returncode == 1 and "covers" in rolled_back.stdout

    other = run(tmp_path / "other", "init", "--reviewer", "Other Reviewer", check_code=0).stdout
    other_vkey = other.split("Checkpoint verifier key", 1)[1].split("\n")[1].strip()
    assert independent(db, other_vkey).returncode == 1

    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER log_entries_no_update")
        (ciphertext,) = conn.execute("SELECT ciphertext FROM log_entries WHERE seq = 3").fetchone()
        conn.execute(
            "UPDATE log_entries SET ciphertext = ? WHERE seq = 3", (bytes([ciphertext[0] ^ 1]) + ciphertext[1:],)
        )
    altered = independent(db, vkey)
    assert altered.returncode == 1 and "entry 3 was altered" in altered.stdout
    assert "First bad entry: 3" in run(profile, "log", "verify", check_code=1).stdout
