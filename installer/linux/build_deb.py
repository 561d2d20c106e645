"""Make the Debian package from the frozen folder, then check it with the distribution's validators.

    python installer/linux/build_deb.py ONEDIR GENERATED OUT_DIR

``ONEDIR`` is PyInstaller's ``dist/evidence-desk``; ``GENERATED`` holds the rendered icons
(``packaging/generate.py``). The package installs:

    /opt/evidence-desk/                     the frozen folder, as built
    /usr/bin/evidence-desk{,-gui}           symlinks into it (the bootloader finds its folder itself)
    /usr/share/applications/evidence-desk.desktop
    /usr/share/metainfo/org.evidencedesk.EvidenceDesk.metainfo.xml
    /usr/share/icons/hicolor/{scalable,16x16..512x512}/apps/evidence-desk.{svg,png}
    /usr/share/doc/evidence-desk/{copyright,changelog.gz}
    /usr/share/lintian/overrides/evidence-desk   (each override says why)

``Depends`` is worked out like dpkg-shlibdeps would: every shared library the bundled programs
and libraries load from outside the folder is looked up with ``dpkg -S``. The package is
compressed with zstd (xz takes minutes on two cores for no real gain here). Then
``desktop-file-validate``, ``appstreamcli validate`` and ``lintian`` run; an error from any of
them fails the build, warnings are printed.
"""

import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
NAME = "evidence-desk"
PREFIX = Path("opt") / NAME
DESKTOP = "evidence-desk.desktop"
METAINFO = "org.evidencedesk.EvidenceDesk.metainfo.xml"
MAINTAINER = "Evidence Desk <packages@evidencedesk.org>"
# zstd level 9: measured on the 333 MiB folder with two threads, level 3 gave 125.6 MiB in 4.6 s,
# level 9 115.6 MiB in 23.5 s, level 15 114.5 MiB in 200 s (xz -6 takes minutes).
ZSTD_LEVEL = 9
TOOLS = ("dpkg-deb", "dpkg", "ldd", "desktop-file-validate", "appstreamcli", "lintian")
_LDD_LINE = re.compile(r"^\s*(\S+) => (\S+) \(0x[0-9a-f]+\)$")


def version() -> str:
    """The package's version (desktop_app/__init__.py)."""
    for line in (ROOT / "desktop_app" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("build_deb: no __version__")


def is_elf(path: Path) -> bool:
    """An ELF file (executable or shared library), not a symlink."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def system_libraries(onedir: Path) -> set[Path]:
    """Shared libraries from outside ``onedir`` that something inside it links against."""
    elf_files = [path for path in onedir.rglob("*") if is_elf(path)]
    search = sorted({str(path.parent) for path in elf_files})
    env = {**os.environ, "LD_LIBRARY_PATH": os.pathsep.join(search)}
    found: set[Path] = set()
    missing: set[str] = set()
    for path in elf_files:
        output = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in output.splitlines():
            if "=> not found" in line:
                missing.add(f"{line.split()[0]} (needed by {path.relative_to(onedir)})")
            match = _LDD_LINE.match(line)
            if match and not Path(match.group(2)).resolve().is_relative_to(onedir.resolve()):
                found.add(Path(match.group(2)))
    if missing:
        raise SystemExit(
            "build_deb: the bundle links against libraries found nowhere:\n  " + "\n  ".join(sorted(missing))
        )
    return found


def depends(libraries: set[Path]) -> str:
    """The Debian packages holding ``libraries``; libc6 at the build machine's version or newer."""
    packages: set[str] = set()
    for library in sorted(libraries):
        owner = None
        for candidate in (library, library.resolve()):
            result = subprocess.run(["dpkg", "-S", str(candidate)], capture_output=True, text=True)
            if result.returncode == 0:
                owner = result.stdout.split(":")[0].strip()
                break
        if owner is None:
            raise SystemExit(f"build_deb: no Debian package owns {library}; is the build machine Debian?")
        packages.add(owner)
    glibc = os.confstr("CS_GNU_LIBC_VERSION").split()[-1]  # the frozen binaries need at least this
    packages.discard("libc6")
    return ", ".join([f"libc6 (>= {glibc})", *sorted(packages)])


def copy_tree(onedir: Path, target: Path) -> None:
    """The frozen folder, symlinks kept as symlinks, modes normalised for a package.

    Only the two programs are executable: shared libraries need no execute bit to be loaded, and
    Debian policy says they must not have one.
    """
    shutil.copytree(onedir, target, symlinks=True)
    for path in [target, *target.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.parent == target and is_elf(path)
        path.chmod(0o755 if executable else 0o644)


def write(path: Path, text: str | bytes, mode: int = 0o644) -> None:
    """A file in the package tree, parents made, with ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    path.chmod(mode)


def stage(onedir: Path, generated: Path, tree: Path) -> None:
    """Lay out everything the package installs under ``tree``."""
    copy_tree(onedir, tree / PREFIX)
    for program in (NAME, f"{NAME}-gui"):
        link = tree / "usr" / "bin" / program
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("/") / PREFIX / program)
    share = tree / "usr" / "share"
    write(share / "applications" / DESKTOP, (PACKAGING / DESKTOP).read_bytes())
    write(share / "metainfo" / METAINFO, (PACKAGING / METAINFO).read_bytes())
    write(
        share / "icons" / "hicolor" / "scalable" / "apps" / f"{NAME}.svg",
        (ROOT / "resources" / "icons" / f"{NAME}.svg").read_bytes(),
    )
    for png in sorted((generated / "icons" / "hicolor").glob("*/apps/*.png")):
        write(share / "icons" / "hicolor" / png.relative_to(generated / "icons" / "hicolor"), png.read_bytes())
    doc = share / "doc" / NAME
    write(doc / "copyright", (Path(__file__).parent / "copyright").read_bytes())
    changelog = (
        f"{NAME} ({version()}) unstable; urgency=medium\n\n  * Release {version()}.\n\n"
        f" -- {MAINTAINER}  Sun, 22 Nov 2026 12:00:00 +0000\n"
    )
    write(doc / "changelog.gz", gzip.compress(changelog.encode(), mtime=0))
    write(share / "lintian" / "overrides" / NAME, (Path(__file__).parent / "lintian-overrides").read_bytes())


def control(tree: Path, onedir: Path) -> None:
    """DEBIAN/control and DEBIAN/md5sums."""
    installed_kib = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    summary = "Preserve evidence and report child exploitation to NCMEC's CyberTipline"
    text = (
        f"Package: {NAME}\nVersion: {version()}\nArchitecture: amd64\nMaintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\nDepends: {depends(system_libraries(onedir))}\n"
        "Section: utils\nPriority: optional\nHomepage: https://evidencedesk.org\n"
        f"Description: {summary}\n"
        " Evidence Desk helps trust-and-safety reviewers report child sexual\n"
        " exploitation to NCMEC's CyberTipline: flagged material is kept byte-exact\n"
        " in an encrypted workspace with a tamper-evident custody log, and the\n"
        " reviewer is shielded while reviewing it.\n"
    )
    write(tree / "DEBIAN" / "control", text)
    sums = []
    for path in sorted(p for p in tree.rglob("*") if p.is_file() and not p.is_symlink() and "DEBIAN" not in p.parts):
        sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(tree).as_posix()}\n")
    write(tree / "DEBIAN" / "md5sums", "".join(sums))
    (tree / "DEBIAN").chmod(0o755)


# Lintian in Debian 12 predates zstd members in .deb files (Debian's archive uses xz), although
# its dpkg (1.21.18 and later), Ubuntu's since 21.10 and apt install them. This tag cannot be
# overridden from inside the package, so it is suppressed here, by name, and nothing else is.
LINTIAN_SUPPRESSED = "malformed-deb-archive"


def check(deb: Path, tree: Path) -> None:
    """The validators; an error, or a lintian warning not overridden with a reason, stops the build."""
    share = tree / "usr" / "share"
    subprocess.run(["desktop-file-validate", str(share / "applications" / DESKTOP)], check=True)
    subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(share / "metainfo" / METAINFO)], check=True
    )
    lintian = subprocess.run(
        ["lintian", "--fail-on", "error,warning", "--suppress-tags", LINTIAN_SUPPRESSED, str(deb)],
        text=True,
        capture_output=True,
    )
    print(lintian.stdout, end="")
    if lintian.returncode != 0:
        print(lintian.stderr, file=sys.stderr)
        raise SystemExit("build_deb: lintian found errors (above)")


def main(onedir: Path, generated: Path, out_dir: Path) -> int:
    """Stage, build with zstd, check; the .deb lands in ``out_dir``."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise SystemExit(
            f"build_deb: missing {', '.join(missing)}; `./dev package` installs them (as root or with sudo): "
            "apt-get install dpkg-dev desktop-file-utils appstream lintian"
        )
    deb = out_dir / f"{NAME}_{version()}_amd64.deb"
    with tempfile.TemporaryDirectory(prefix="evidence-desk-deb-") as scratch:
        tree = Path(scratch) / "root"
        tree.mkdir(mode=0o755)
        stage(onedir, generated, tree)
        control(tree, onedir)
        subprocess.run(
            [
                "dpkg-deb",
                "--root-owner-group",
                "-Zzstd",
                f"-z{ZSTD_LEVEL}",
                "--threads-max=2",
                "--build",
                str(tree),
                str(deb),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        check(deb, tree)
    print(f"build_deb: {deb} ({deb.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
