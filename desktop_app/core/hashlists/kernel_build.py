"""Compile pdq_kernel.c into the shared library pdq_kernel.py loads (``python -m`` this module).

``./dev`` runs it after installing, and the frozen build runs it before PyInstaller collects the
library. Without a C compiler nothing breaks: the index uses its numpy path, which gives the same
results, more slowly. The library is rebuilt only when the source is newer than it.
"""

import os
import platform
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

SOURCE = Path(__file__).with_name("pdq_kernel.c")


def library_name() -> str:
    """``_pdq_kernel`` with the platform's shared-library suffix (.so, .dylib, .dll)."""
    suffix = {"darwin": ".dylib", "win32": ".dll"}.get(sys.platform, ".so")
    return "_pdq_kernel" + suffix


LIBRARY = SOURCE.with_name(library_name())


class KernelBuildError(Exception):
    """No compiler, or the compiler failed (its output is the message)."""


def compiler() -> str | None:
    """The C compiler to use: $CC, else cc, gcc or clang on the PATH."""
    for candidate in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if candidate and shutil.which(candidate.split()[0]):
            return candidate
    return None


def flags() -> list[str]:
    """Optimised, position-independent, warnings as errors; hardware popcount on x86-64 (every CPU since ~2008)."""
    result = ["-O3", "-std=c99", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror"]
    if platform.machine().lower() in ("x86_64", "amd64"):
        result.append("-mpopcnt")
    if sysconfig.get_platform().startswith("macosx"):
        result.append("-dynamiclib")
    return result


def build(output: Path = LIBRARY, force: bool = False) -> Path:
    """Compile the kernel to ``output`` (atomically), unless it is already newer than the source."""
    if not force and output.exists() and output.stat().st_mtime >= SOURCE.stat().st_mtime:
        return output
    cc = compiler()
    if cc is None:
        raise KernelBuildError("no C compiler (cc, gcc or clang) on the PATH: PDQ matching will use numpy")
    partial = output.with_name(output.name + f".{os.getpid()}.partial")
    command = [*cc.split(), *flags(), "-o", str(partial), str(SOURCE)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise KernelBuildError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    os.replace(partial, output)
    return output


def main() -> int:
    """Build (``--force``: even when up to date); 1 without a compiler or when it fails."""
    try:
        print(f"PDQ kernel: {build(force='--force' in sys.argv)}")
    except KernelBuildError as error:
        print(f"PDQ kernel not built: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
