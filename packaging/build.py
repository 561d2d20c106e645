"""Build the release artefacts of Evidence Desk: ``./dev package`` runs this (stdlib only).

Steps, each timed:

1. The build environment, ``build/package/env``, from the pinned, hash-checked lock files:
   ``build-system.lock`` first (what pip needs to build the one source distribution, pdqhash),
   then ``requirements-build.lock`` (the app's dependencies and PyInstaller) without build
   isolation, so no unpinned build tool is ever fetched. ``build/package/tools`` holds the SBOM
   tool from ``requirements-tools.lock``, outside the build environment. Both are re-made only
   when their lock file changes.
2. Icons (PNG sizes, .ico, .icns) and the licence list of the bundled components, generated.
3. PyInstaller with ``packaging/evidence-desk.spec`` into ``dist/evidence-desk/``.
4. The smoke test of the frozen programs (``packaging/smoke_test.py``).
5. The .deb (``installer/linux/build_deb.py``), checked by its own validators.
6. The CycloneDX SBOM of the build environment and ``SHA256SUMS`` of everything in ``dist/``.

``--lock`` re-resolves the lock files from PyPI with uv (a maintainer's step, not CI's).
"""

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
import venv
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
WORK = ROOT / "build" / "package"
DIST = ROOT / "dist"
NAME = "evidence-desk"
LOCKS = {
    "build-system.lock": "build-system.in",
    "requirements-build.lock": "requirements-build.in",
    "requirements-tools.lock": "requirements-tools.in",
}


def say(message: str) -> None:
    """One line of progress on stderr."""
    print(f"package: {message}", file=sys.stderr, flush=True)


def run(*command: str | Path, **kwargs: object) -> None:
    """Run a command; stop the build with its output if it fails."""
    printable = " ".join(str(part) for part in command)
    completed = subprocess.run([str(part) for part in command], check=False, **kwargs)  # type: ignore[call-overload]
    if completed.returncode != 0:
        raise SystemExit(f"package: failed ({completed.returncode}): {printable}")


def version() -> str:
    """The app's version, read from the package without importing it."""
    for line in (ROOT / "desktop_app" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("package: no __version__ in desktop_app/__init__.py")


def bin_dir(env: Path) -> Path:
    """Where a venv keeps its programs."""
    return env / ("Scripts" if os.name == "nt" else "bin")


def python_of(env: Path) -> Path:
    """A venv's Python."""
    return bin_dir(env) / ("python.exe" if os.name == "nt" else "python")


def make_env(env: Path, locks: Sequence[str], no_build_isolation_after_first: bool = False) -> None:
    """A venv holding exactly the pinned, hash-checked contents of ``locks`` (re-made if they changed)."""
    digest = hashlib.sha256(b"".join((PACKAGING / lock).read_bytes() for lock in locks)).hexdigest()
    stamp = env / f".locked-{digest[:16]}"
    if stamp.exists():
        say(f"{env.relative_to(ROOT)} is current")
        return
    if env.exists():
        shutil.rmtree(env)
    say(f"creating {env.relative_to(ROOT)} from {', '.join(locks)}")
    venv.EnvBuilder(with_pip=True).create(env)
    for index, lock in enumerate(locks):
        extra = ["--no-build-isolation"] if no_build_isolation_after_first and index > 0 else []
        run(
            python_of(env), "-m", "pip", "install", "-qq", "--disable-pip-version-check",
            "--require-hashes", "--no-deps", *extra, "-r", PACKAGING / lock,
        )  # fmt: skip
    stamp.touch()


def relock() -> None:
    """Re-resolve every lock file from PyPI with uv (hashes for every platform's wheels)."""
    tools = WORK / "lock-tools"
    if not python_of(tools).exists():
        venv.EnvBuilder(with_pip=True).create(tools)
        run(python_of(tools), "-m", "pip", "install", "--quiet", "uv")
    uv = bin_dir(tools) / "uv"
    common = [
        "pip", "compile", "--quiet", "--universal", "--python-version", "3.11", "--generate-hashes",
        "--index-url", "https://pypi.org/simple", "--custom-compile-command", "./dev package --lock",
    ]  # fmt: skip
    run(uv, *common, ROOT / "pyproject.toml", PACKAGING / "requirements-build.in",
        "-o", PACKAGING / "requirements-build.lock")  # fmt: skip
    run(uv, *common, PACKAGING / "requirements-tools.in", "-o", PACKAGING / "requirements-tools.lock")
    # pdqhash's build needs numpy: the same numpy as the app's, hence the constraint.
    run(uv, *common, PACKAGING / "build-system.in", "-c", PACKAGING / "requirements-build.lock",
        "-o", PACKAGING / "build-system.lock")  # fmt: skip


def freeze(env: Path, generated: Path) -> Path:
    """PyInstaller into dist/evidence-desk/; returns that folder."""
    environment = {**os.environ, "EVIDENCE_DESK_BUILD_GENERATED": str(generated)}
    run(
        python_of(env), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", DIST, "--workpath", WORK / "work", PACKAGING / "evidence-desk.spec",
        env=environment,
    )  # fmt: skip
    return DIST / NAME


def check_nsis(onedir: Path, generated: Path) -> None:
    """Compile the Windows installer script against this (Linux) folder: proves the script is valid.

    The result installs Linux files, so it is thrown away; stored uncompressed to take seconds.
    """
    out = WORK / "nsis-check" / f"{NAME}-{version()}-setup-check.exe"
    out.parent.mkdir(parents=True, exist_ok=True)
    run(
        "makensis", "-V2", "-WX", f"-DVERSION={version()}", f"-DSOURCE_DIR={onedir}", "-DNO_COMPRESSION",
        f"-DICON={generated / 'icons' / 'evidence-desk.ico'}", f"-DOUTFILE={out}",
        ROOT / "installer" / "windows" / "evidence-desk.nsi",
    )  # fmt: skip
    say(f"makensis: the script compiled ({out.stat().st_size / 2**20:.0f} MiB, uncompressed; removed)")
    out.unlink()


def folder_size(folder: Path) -> int:
    """Bytes in every file under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def write_checksums(dist: Path) -> None:
    """SHA256SUMS of every file in dist/ (the onedir's files too), in ``sha256sum -c`` format."""
    lines = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(dist).as_posix()}\n")
    (dist / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def write_sbom(env: Path, tools: Path, output: Path) -> None:
    """CycloneDX SBOM of the build environment, made by the maintained cyclonedx-py tool.

    It lists every distribution in the environment the app was frozen in: what the app bundles,
    plus the build's own tools (PyInstaller, setuptools, Cython, ...). cyclonedx-py cannot resolve
    our dynamic version, so it reads a copy of pyproject.toml with the version written in.
    """
    pyproject = WORK / "generated" / "pyproject-for-sbom.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text.replace('dynamic = ["version"]', f'version = "{version()}"'), encoding="utf-8")
    run(
        bin_dir(tools) / "cyclonedx-py", "environment", "--pyproject", pyproject,
        "--mc-type", "application", "--output-reproducible", "--of", "JSON", "-o", output, python_of(env),
    )  # fmt: skip


class Timer:
    """Wall-clock seconds of each step, printed as a table at the end."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    def step(self, name: str, action: Callable[[], object]) -> None:
        """Run ``action`` as the step ``name`` and remember how long it took."""
        say(f"{name} ...")
        started = time.monotonic()
        action()
        self.steps.append((name, time.monotonic() - started))
        say(f"{name}: {self.steps[-1][1]:.1f} s")

    def table(self) -> str:
        """Every step's time and the total."""
        rows = [f"  {name:<34} {seconds:7.1f} s" for name, seconds in self.steps]
        return "\n".join([*rows, f"  {'total':<34} {sum(s for _, s in self.steps):7.1f} s"])


def main(argv: Sequence[str] | None = None) -> int:
    """Build, smoke-test and describe the artefacts; exit 0 only if all of it worked."""
    parser = argparse.ArgumentParser(prog="./dev package", description=__doc__.splitlines()[0])
    parser.add_argument("--lock", action="store_true", help="re-resolve the lock files from PyPI (uv) and stop")
    parser.add_argument("--reuse", action="store_true", help="skip PyInstaller and use the dist/ folder as it is")
    parser.add_argument("--no-deb", action="store_true", help="no .deb (other systems, or a quick check)")
    args = parser.parse_args(argv)
    if args.lock:
        relock()
        return 0

    timer = Timer()
    env, tools, generated = WORK / "env", WORK / "tools", WORK / "generated"
    timer.step("build environment", lambda: make_env(env, ["build-system.lock", "requirements-build.lock"], True))
    timer.step("SBOM tool environment", lambda: make_env(tools, ["requirements-tools.lock"]))
    timer.step(
        "icons and licence list",
        lambda: run(
            python_of(env), PACKAGING / "generate.py", generated, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        ),
    )
    onedir = DIST / NAME
    if not args.reuse:
        for stale in DIST.glob("*"):  # last build's .deb, SBOM and sums must not be listed with this one
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale)
            else:
                stale.unlink()
        timer.step("PyInstaller (freeze)", lambda: freeze(env, generated))
    else:
        for stale in [*DIST.glob("*.deb"), *DIST.glob("*.cdx.json"), DIST / "SHA256SUMS"]:
            stale.unlink(missing_ok=True)
    if not (onedir / NAME).exists():
        raise SystemExit(f"package: no frozen build in {onedir}")
    timer.step("smoke test (frozen)", lambda: run(python_of(env), PACKAGING / "smoke_test.py", "--frozen", onedir))

    stem = f"{NAME}-{version()}"
    if not args.no_deb and sys.platform.startswith("linux"):
        deb = DIST / f"{NAME}_{version()}_amd64.deb"
        timer.step(
            ".deb (zstd) and its checks",
            lambda: run(sys.executable, ROOT / "installer" / "linux" / "build_deb.py", onedir, generated, DIST),
        )
        timer.step(
            ".deb installed, smoke test, removed",
            lambda: run(python_of(env), PACKAGING / "smoke_test.py", "--deb", deb),
        )
    if shutil.which("makensis") and not sys.platform.startswith("win"):
        timer.step("NSIS script compiles (makensis)", lambda: check_nsis(onedir, generated))
    timer.step("SBOM", lambda: write_sbom(env, tools, DIST / f"{stem}.cdx.json"))
    timer.step("SHA256SUMS", lambda: write_checksums(DIST))

    say(f"done: {platform.system()} {platform.machine()}, {stem}")
    say(f"onedir {folder_size(onedir) / 2**20:.0f} MiB in {onedir.relative_to(ROOT)}")
    for artefact in sorted(DIST.glob("*.*")):
        say(f"{artefact.relative_to(ROOT)}: {artefact.stat().st_size / 2**20:.1f} MiB")
    print(timer.table(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
