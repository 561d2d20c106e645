"""Smoke test of Evidence Desk's programs as a user gets them: frozen, installed, or from source.

    python packaging/smoke_test.py --frozen dist/evidence-desk   # the PyInstaller folder
    python packaging/smoke_test.py --deb dist/evidence-desk_*.deb  # root: install, run, remove
    python packaging/smoke_test.py --source                        # python -m desktop_app (tests)

Each run checks, in a throw-away home and profile (nothing of the user's is read or written):

1. ``evidence-desk --version`` prints the package's version;
2. ``evidence-desk hash --json`` of a generated picture gives the digests Python's hashlib
   computes and a PDQ hash, which only a working decoder process can produce;
3. ``evidence-desk-gui --smoke-test`` (offscreen) creates a workspace, imports a generated picture
   through the main window, verifies the custody log and exits 0 (``desktop_app/ui/smoke.py``);
4. neither program prints a traceback, the app's log holds no warning or error beyond the few
   this environment explains (``EXPECTED_WARNINGS``), and no process is left behind.

Exit status 0 when everything passed, 1 with the failures listed. Needs Pillow (the build
environment and the dev environment both have it) to draw the picture.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT_S = 240
# Warnings that say something about the machine running the test, not about the app:
EXPECTED_WARNINGS = (
    # The test forces keyring's "fail" backend so no developer keyring is touched; the app says so.
    "No OS keyring available",
    # Qt's offscreen platform plugin says this for every top-level window it shows.
    "This plugin does not support propagateSizeHints()",
)
FAILURE_MARKS = ("Traceback (most recent call last)", "Fatal Python error", "Segmentation fault")


@dataclass
class Programs:
    """How to start the two programs."""

    cli: list[str]
    gui: list[str]
    label: str


@dataclass
class Result:
    """Failures collected along the way (the test goes on after one, to show them all)."""

    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, failure: str) -> None:
        """Record ``failure`` unless ``ok``."""
        if not ok:
            self.failures.append(failure)
            print(f"  FAIL {failure}", flush=True)


def package_version() -> str:
    """The version in desktop_app/__init__.py (read, not imported: the programs under test are not this Python)."""
    for line in (ROOT / "desktop_app" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("smoke test: no __version__ in desktop_app/__init__.py")


def draw_picture(path: Path) -> bytes:
    """A 640x480 picture with structure (PDQ needs some), written to ``path``; returns its bytes."""
    from PIL import Image, ImageDraw

    image = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for index in range(10):
        draw.ellipse(
            (index * 55, 300 - index * 25, index * 55 + 120, 380 - index * 20), fill=(index * 25, 90, 200 - index * 15)
        )
    image.save(path, "PNG")
    return path.read_bytes()


def isolated_env(home: Path) -> dict[str, str]:
    """The environment for the programs: own home, offscreen Qt, no keyring, no inherited app settings."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    (home / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
    return env


def leftovers(group: int, grace_s: float = 3.0) -> list[int]:
    """Live processes still in process group ``group`` after ``grace_s`` (Linux; elsewhere none are seen).

    Zombies do not count: an orphan that has exited waits for init to reap it, and holds nothing.
    multiprocessing's resource tracker ends on its own a moment after its parent, hence the grace.
    """
    deadline = time.monotonic() + grace_s
    while True:
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                alive.append(int(stat.parent.name))
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def run(command: list[str], env: dict[str, str], result: Result, what: str) -> subprocess.CompletedProcess[str]:
    """Run in a new session, with a time limit; a process left in that session afterwards is a failure."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=TIME_LIMIT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        result.check(False, f"{what}: still running after {TIME_LIMIT_S} s (killed)")
    print(f"  {what}: exit {process.returncode} in {time.monotonic() - started:.1f} s", flush=True)
    left = leftovers(process.pid)
    if left:
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        result.check(False, f"{what}: left {len(left)} process(es) running after it exited")
    for mark in FAILURE_MARKS:
        result.check(mark not in stderr and mark not in stdout, f"{what}: printed {mark!r}:\n{stderr[-3000:]}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def check_cli(programs: Programs, work: Path, env: dict[str, str], result: Result) -> None:
    """``--version``, then ``hash --json`` of a generated picture against hashlib, with a PDQ hash."""
    expected = f"evidence-desk {package_version()}"
    done = run([*programs.cli, "--version"], env, result, "cli --version")
    result.check(
        done.returncode == 0 and done.stdout.strip() == expected,
        f"--version printed {done.stdout!r}, want {expected!r}",
    )

    picture = work / "generated.png"
    data = draw_picture(picture)
    done = run([*programs.cli, "hash", "--json", str(picture)], env, result, "cli hash")
    result.check(done.returncode == 0, f"hash exited {done.returncode}: {done.stderr[-2000:]}")
    try:
        record = json.loads(done.stdout.splitlines()[0])
    except (IndexError, json.JSONDecodeError):
        result.check(False, f"hash printed no JSON: {done.stdout!r} {done.stderr[-2000:]}")
        return
    for name in ("md5", "sha1", "sha256"):
        want = hashlib.new(name, data).hexdigest()
        result.check(record.get(name) == want, f"hash {name} is {record.get(name)}, hashlib says {want}")
    pdq = record.get("pdq") or ""
    result.check(len(pdq) == 64 and record.get("render_problem") is None, f"no PDQ from the decoder process: {record}")
    if pdq:
        print(f"  hash: digests match hashlib; pdq {pdq[:16]}... quality {record.get('pdq_quality')}", flush=True)


def check_gui(programs: Programs, work: Path, env: dict[str, str], result: Result) -> None:
    """``--smoke-test`` in a new profile, then its log and stderr for anything unexpected."""
    profile = work / "profile"
    done = run([*programs.gui, "--smoke-test", "--profile-dir", str(profile)], env, result, "gui --smoke-test")
    for line in done.stdout.splitlines():
        print(f"    {line}", flush=True)
    result.check(
        done.returncode == 0 and "smoke-test: passed" in done.stdout, f"gui smoke test failed:\n{done.stderr[-3000:]}"
    )
    log_file = profile / "logs" / "evidence-desk.log"
    if not log_file.exists():
        result.check(False, f"the app wrote no log at {log_file}")
        return
    for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
        level = line.split()[2] if len(line.split()) > 2 else ""
        unexpected = level in ("WARNING", "ERROR", "CRITICAL") and not any(e in line for e in EXPECTED_WARNINGS)
        result.check(not unexpected, f"unexpected line in the app's log: {line}")
    stderr_lines = [
        line for line in done.stderr.splitlines() if line.strip() and not any(e in line for e in EXPECTED_WARNINGS)
    ]
    result.check(not stderr_lines, "gui wrote to stderr:\n" + "\n".join(stderr_lines[-40:]))


def smoke(programs: Programs) -> list[str]:
    """Every check against ``programs``; returns the failures."""
    print(f"smoke test of {programs.label}", flush=True)
    result = Result()
    with tempfile.TemporaryDirectory(prefix="evidence-desk-smoke-") as scratch:
        work = Path(scratch)
        env = isolated_env(work / "home")
        check_cli(programs, work, env, result)
        check_gui(programs, work, env, result)
    return result.failures


def frozen(folder: Path) -> Programs:
    """The two programs of a PyInstaller folder."""
    suffix = ".exe" if os.name == "nt" else ""
    return Programs(
        [str(folder / f"evidence-desk{suffix}")],
        [str(folder / f"evidence-desk-gui{suffix}")],
        f"the frozen build in {folder}",
    )


def source() -> Programs:
    """The two programs run from source by this Python."""
    python = sys.executable
    return Programs([python, "-m", "desktop_app.cli"], [python, "-m", "desktop_app"], f"the source tree ({python})")


def installed_deb(deb: Path) -> list[str]:
    """Install the .deb, smoke-test what is on the PATH, check the menu entry and icons, remove it."""
    if os.geteuid() != 0:
        print(f"not root: {deb.name} was checked for its contents only (installer/linux/build_deb.py)")
        return []
    present = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "evidence-desk"], capture_output=True, text=True)
    if "installed" in present.stdout:
        return ["evidence-desk is already installed on this machine; not touching it (remove it to run this check)"]
    failures: list[str] = []
    subprocess.run(["dpkg", "-i", str(deb)], check=True, stdout=subprocess.DEVNULL)
    try:
        for name in ("evidence-desk", "evidence-desk-gui"):
            found = shutil.which(name, path="/usr/bin")
            if found is None:
                failures.append(f"{name} is not on the PATH after installing")
        for path in (
            "/usr/share/applications/evidence-desk.desktop",
            "/usr/share/metainfo/org.evidencedesk.EvidenceDesk.metainfo.xml",
            "/usr/share/icons/hicolor/scalable/apps/evidence-desk.svg",
            "/usr/share/icons/hicolor/48x48/apps/evidence-desk.png",
            "/opt/evidence-desk/evidence-desk-gui",
        ):
            if not Path(path).exists():
                failures.append(f"{path} missing after installing")
        if not failures:
            failures += smoke(
                Programs(["/usr/bin/evidence-desk"], ["/usr/bin/evidence-desk-gui"], f"the installed {deb.name}")
            )
    finally:
        subprocess.run(["dpkg", "-r", "evidence-desk"], check=True, stdout=subprocess.DEVNULL)
    for leftover in ("/opt/evidence-desk", "/usr/bin/evidence-desk", "/usr/share/applications/evidence-desk.desktop"):
        if Path(leftover).exists():
            failures.append(f"{leftover} is still there after removing the package")
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen smoke test; 0 when it passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--frozen", type=Path, metavar="FOLDER", help="the PyInstaller onedir folder")
    where.add_argument("--deb", type=Path, metavar="FILE", help="install this .deb (root only), test, remove")
    where.add_argument("--source", action="store_true", help="the source tree, with this Python")
    args = parser.parse_args(argv)
    if args.deb:
        failures = installed_deb(args.deb)
    elif args.frozen:
        failures = smoke(frozen(args.frozen))
    else:
        failures = smoke(source())
    if failures:
        print(f"smoke test FAILED ({len(failures)}):", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print("smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
