"""Bundle speed: a full-evidence bundle sealed from the vault vs pyrage and the Go age tool.

    .venv/bin/python benchmarks/bundle_bench.py            # the goal: 512 MiB, best of 3
    .venv/bin/python benchmarks/bundle_bench.py --quick    # the suite's size: 32 MiB, one run

It starts with a GIL probe (does ``cryptography`` release the GIL in its AEAD and hash calls?
the export's threads only help if it does) and prints the load average before and after, since
the machine may be shared: compare the ratios measured in the same run, not absolutes.

One evidence file of ``--size-mib`` random bytes is stored in a scratch workspace's vault. Then,
in this same run and on the same plaintext:

* ours: the vault blob decrypted (its item's SHA-256 checked against the record first, no second
  hash: decisions.md §6), framed as tar, sealed by our age writer,
  hashed (the SHA-256 the recipient is given) and written to a file: exactly the export path,
  ``core.bundles.writer.write_bundle``, with its three threads, X25519 recipient;
* pyrage ``encrypt_file`` and ``age -r`` encrypting the same bytes from a plain file;
* verification: our streaming check (age decrypt + tar + MD5/SHA-1/SHA-256 of every member)
  vs ``age -d`` and pyrage ``decrypt_file`` to /dev/null (which hash nothing).

Each measured operation runs in a fresh child process so its peak RSS is its own; the table
shows the best of ``--runs`` and the peak memory at this size and at 1/8 of it (flat = the same).
Every byte here is generated: no real content is used.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSPHRASE = "benchmark passphrase"
MIB = 1024 * 1024


def _high_water(pid: int) -> int:
    """Peak resident memory (VmHWM, KiB) of a live process: its own, not inherited from a parent."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def child(args: list[str]) -> dict:
    """Run one measurement in a fresh interpreter; returns its seconds and peak RSS."""
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{args[0]} failed: {out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed_tool(argv: list[str]) -> dict:
    """Run a tool from a fresh child, so RUSAGE_CHILDREN there is the tool's own peak."""
    return child(["tool", json.dumps(argv), "", ""])


def run_child(kind: str, profile: str, a: str, b: str) -> None:
    from desktop_app.core.platform.paths import AppPaths
    from desktop_app.core.progress import run_to_completion
    from desktop_app.core.services.workspace import Workspace

    start = time.perf_counter()
    cpu_start = time.process_time()
    if kind in ("ours-export", "ours-export-1-thread"):
        from desktop_app.core.bundles.writer import BundleContents, write_bundle
        from desktop_app.core.crypto.age.keys import X25519Recipient
        from desktop_app.core.services.bundles import evidence_member

        workspace = Workspace.open(AppPaths.resolve(profile))
        workspace.unlock(PASSPHRASE)
        blob_id, size, sha256 = json.loads(Path(profile, "blob.json").read_text())
        start, cpu_start = time.perf_counter(), time.process_time()
        member = evidence_member(workspace.vault(), "files/0001.bin", size, blob_id, sha256)  # as the export does
        contents = BundleContents([("manifest.json", b"{}")], [member], 0)
        with open(b, "wb") as out:
            pipelined = kind == "ours-export"
            written = run_to_completion(write_bundle(out, [X25519Recipient.parse(a)], contents, pipelined=pipelined))
        assert len(written.sha256) == 64
        seconds = time.perf_counter() - start
        workspace.close()
    elif kind == "ours-verify":
        import tarfile

        from desktop_app.core.bundles.reader import _digest_stream  # the checker's own per-file path
        from desktop_app.core.bundles.tar_source import ForwardReader
        from desktop_app.core.crypto.age.file import open_age
        from desktop_app.core.crypto.age.keys import parse_identity_file

        identities = parse_identity_file(Path(a).read_text())
        with open(b, "rb") as handle:
            source = ForwardReader(open_age(handle, identities).chunks())
            for member in tarfile.TarFile(fileobj=source, mode="r"):  # as check_bundle reads it
                _digest_stream(source, member, None, None)
        seconds = time.perf_counter() - start
    elif kind == "tool":
        process = subprocess.Popen(json.loads(profile), stdout=subprocess.DEVNULL)
        peak = 0
        while process.poll() is None:  # the tool's own high-water mark, sampled until it exits
            peak = max(peak, _high_water(process.pid))
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        if process.returncode:
            raise SystemExit(f"tool failed: {profile}")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps({"seconds": seconds, "peak_kib": peak, "cpu": usage.ru_utime + usage.ru_stime}))
        return
    elif kind == "pyrage-encrypt":
        import pyrage

        pyrage.encrypt_file(a, b, [pyrage.x25519.Recipient.from_str(Path(a + ".recipient").read_text().strip())])
        seconds = time.perf_counter() - start
    elif kind == "pyrage-decrypt":
        import pyrage

        identity = pyrage.x25519.Identity.from_str(Path(a).read_text().splitlines()[-1])
        pyrage.decrypt_file(b, "/dev/null", [identity])
        seconds = time.perf_counter() - start
    else:
        raise SystemExit(f"unknown child {kind}")
    cpu = time.process_time() - cpu_start
    print(json.dumps({"seconds": seconds, "peak_kib": _high_water(os.getpid()), "cpu": cpu}))


def gil_probe() -> list[str]:
    """Whether a call lets another Python thread run while it works (one 64 MiB call each).

    The main thread counts in pure Python while a worker makes one call; counts per millisecond
    of the call near the free rate mean the call released the GIL, near zero that it held it.
    ``bytes.count`` (holds it) and hashlib (releases it) calibrate the two ends.
    """
    import hashlib
    import threading

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

    data = os.urandom(64 * MIB)
    chacha, aes, nonce = ChaCha20Poly1305(os.urandom(32)), AESGCM(os.urandom(32)), os.urandom(12)
    sealed_aes = aes.encrypt(nonce, data, None)
    out = bytearray(len(data) + 16)
    calls = {
        "bytes.count (holds the GIL: the floor)": lambda: data.count(b"\x00\x01\x02\x03"),
        "hashlib sha256 (releases it: the ceiling)": lambda: hashlib.sha256(data).digest(),
        "ChaCha20Poly1305.encrypt_into": lambda: chacha.encrypt_into(nonce, data, None, out),
        "AESGCM.decrypt_into": lambda: aes.decrypt_into(nonce, sealed_aes, None, memoryview(out)[: len(data)]),
        "cryptography hashes.Hash(SHA256).update": lambda: hashes.Hash(hashes.SHA256()).update(data),
    }
    version = __import__("cryptography").__version__
    lines = [f"GIL probe (cryptography {version}): main-thread counts per ms of one 64 MiB call"]
    for name, call in calls.items():
        started, finished = threading.Event(), threading.Event()
        span: list[float] = []

        def work(call=call, started=started, finished=finished, span=span) -> None:
            started.set()
            begin = time.perf_counter()
            call()
            span.append(time.perf_counter() - begin)
            finished.set()

        thread = threading.Thread(target=work)
        thread.start()
        started.wait()
        count = 0
        while not finished.is_set():
            count += 1
        thread.join()
        lines.append(f"  {name:44s} {count / (span[0] * 1000):10,.0f} per ms")
    return lines


def single_stream_rates(scratch: Path) -> dict[str, float]:
    """Nanoseconds per byte of each pass on one thread, best of 3 over 64 MiB (in 64 KiB AEAD chunks).

    These give the floors printed under the table: what the passes cost at the least, whatever the
    threading. MD5 in particular is serial within one file. The file write and read are 1 MiB
    system calls into and out of the page cache in ``scratch`` (a new file each time, as an export
    writes one), since every contender pays them too.
    """
    import hashlib

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

    data = memoryview(os.urandom(64 * MIB))
    chacha, aes, nonce = ChaCha20Poly1305(os.urandom(32)), AESGCM(os.urandom(32)), os.urandom(12)
    sealed_aes = aes.encrypt(nonce, bytes(data[: 64 * 1024]), None)
    sealed_chacha = chacha.encrypt(nonce, bytes(data[: 64 * 1024]), None)
    out = memoryview(bytearray(64 * 1024 + 16))
    plain_out = out[:65536]
    steps = range(0, len(data), 64 * 1024)

    def per_chunk(call) -> None:
        for _ in steps:
            call()

    target = scratch / "rates.bin"

    def write_file() -> None:
        target.unlink(missing_ok=True)
        with open(target, "wb") as handle:
            for start in range(0, len(data), MIB):
                handle.write(data[start : start + MIB])

    def read_file() -> None:
        piece = bytearray(MIB)
        with open(target, "rb", buffering=0) as handle:
            while handle.readinto(piece):
                pass

    calls = {
        "MD5": lambda: hashlib.md5(data).digest(),
        "SHA-1": lambda: hashlib.sha1(data).digest(),
        "SHA-256": lambda: hashlib.sha256(data).digest(),
        "ChaCha20-Poly1305 seal": lambda: per_chunk(lambda: chacha.encrypt_into(nonce, data[:65536], None, out)),
        "ChaCha20-Poly1305 open": lambda: per_chunk(lambda: chacha.decrypt_into(nonce, sealed_chacha, None, plain_out)),
        "AES-256-GCM open": lambda: per_chunk(lambda: aes.decrypt_into(nonce, sealed_aes, None, plain_out)),
        "file write": write_file,
        "file read": read_file,
    }
    rates = {}
    for name, call in calls.items():
        best = min(_timed(call) for _ in range(3))
        rates[name] = best / len(data) * 1e9
    target.unlink()
    return rates


def print_floors(rates: dict[str, float], size: int, cores: int, big: dict[str, dict]) -> None:
    """What the passes alone cost, and what each goal allows: is a goal reachable on this machine?

    On ``cores`` cores a pipeline takes at least its longest serial pass (the output's SHA-256 for
    an export, MD5 for a check: each is one stream) and at least its total work shared evenly.
    """
    export_passes = ("file read", "AES-256-GCM open", "ChaCha20-Poly1305 seal", "SHA-256", "file write")
    verify_passes = ("file read", "ChaCha20-Poly1305 open", "MD5", "SHA-1", "SHA-256")
    print(f"floors from the single-stream rates ({cores} cores; no copies, no Python, perfect overlap):")
    for what, passes, serial, goals in (
        ("export", export_passes, "SHA-256", (("pyrage encrypt_file", 2.0), ("age -r", 0.8))),
        ("verify", verify_passes, "MD5", (("pyrage decrypt_file (to /dev/null)", 2.0), ("age -d (to /dev/null)", 0.8))),
    ):
        work = sum(rates[name] for name in passes)
        floor = max(rates[serial], work / cores) * size / 1e9
        allowed = ", ".join(
            f"{goal}x {name.split(' (')[0]} allows {big[name]['seconds'] / goal:.2f} s" for name, goal in goals
        )
        print(
            f"  {what}: {' + '.join(passes)} = {work:.2f} ns/byte; {serial} alone {rates[serial]:.2f} "
            f"(serial); floor {floor:.2f} s; {allowed}"
        )


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def prepare(root: Path, size: int) -> tuple[Path, Path, Path, str]:
    from desktop_app.core.crypto import kdf
    from desktop_app.core.platform.paths import AppPaths
    from desktop_app.core.services.workspace import Workspace

    profile = root / f"profile-{size}"
    cheap = kdf.KdfParams.fresh(kdf.MIN_MEMORY_KIB, 1)
    workspace, _ = Workspace.create(AppPaths.resolve(profile), PASSPHRASE, "Bench", cheap)
    plain = root / f"plain-{size}.bin"
    writer = workspace.vault().writer()
    with open(plain, "wb") as out:
        for _ in range(size // MIB):
            block = os.urandom(MIB)
            out.write(block)
            writer.write(block)
    blob = writer.commit()
    workspace.close()
    (profile / "blob.json").write_text(json.dumps([blob.blob_id, size, blob.sha256]))
    key = root / "key.txt"
    if not key.exists():
        subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    public = subprocess.run(["age-keygen", "-y", str(key)], check=True, capture_output=True, text=True)
    recipient = public.stdout.strip()
    Path(str(plain) + ".recipient").write_text(recipient)
    return profile, plain, key, recipient


def measure(root: Path, size: int, runs: int) -> dict[str, dict]:
    profile, plain, key, recipient = prepare(root, size)
    ours_out, pyrage_out, age_out = root / "ours.age", root / "pyrage.age", root / "age.age"
    results: dict[str, list[dict]] = {}

    def add(name: str, value: dict) -> None:
        results.setdefault(name, []).append(value)

    for _ in range(runs):
        add("ours export", child(["ours-export", str(profile), recipient, str(ours_out)]))
        add("ours export, one thread", child(["ours-export-1-thread", str(profile), recipient, str(ours_out)]))
        add("pyrage encrypt_file", child(["pyrage-encrypt", "", str(plain), str(pyrage_out)]))
        add("age -r", timed_tool(["age", "-r", recipient, "-o", str(age_out), str(plain)]))
        add("ours verify (decrypt + tar + 3 hashes)", child(["ours-verify", "", str(key), str(ours_out)]))
        add("pyrage decrypt_file (to /dev/null)", child(["pyrage-decrypt", "", str(key), str(pyrage_out)]))
        add("age -d (to /dev/null)", timed_tool(["age", "-d", "-i", str(key), "-o", "/dev/null", str(age_out)]))
    for path in (ours_out, pyrage_out, age_out, plain):
        path.unlink(missing_ok=True)
    shutil.rmtree(profile)
    return {
        name: min(values, key=lambda v: v["seconds"]) | {"peak_kib": max(v["peak_kib"] for v in values)}
        for name, values in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="32 MiB, one run: what the suite runs")
    parser.add_argument("--child", nargs=4)
    args = parser.parse_args()
    if args.child:
        run_child(*args.child)
        return
    if args.quick:
        args.size_mib, args.runs = 32, 1
    size = args.size_mib * MIB
    load_before = os.getloadavg()
    for line in gil_probe():
        print(line)
    with tempfile.TemporaryDirectory(prefix="bundle-bench-") as tmp:
        rates = single_stream_rates(Path(tmp))
        print(
            "single-stream rates, ns/byte (one thread, best of 3 over 64 MiB): "
            + ", ".join(f"{name} {value:.2f}" for name, value in rates.items())
        )
        print()
        small = measure(Path(tmp), size // 8, 1)
        big = measure(Path(tmp), size, args.runs)
    load_after = os.getloadavg()
    print(f"file {args.size_mib} MiB, best of {args.runs}, {os.cpu_count()} cores")
    print(
        f"load average (1, 5, 15 min) before {' '.join(f'{v:.1f}' for v in load_before)}, "
        f"after {' '.join(f'{v:.1f}' for v in load_after)}"
    )
    print()
    sizes = f"peak RSS at {args.size_mib} MiB | at {args.size_mib // 8} MiB"
    print(f"| measurement | seconds | MB/s | CPU seconds | CPU ns/byte | {sizes} |")
    print("|---|---|---|---|---|---|---|")
    for name, value in big.items():
        rate = size / value["seconds"] / 1e6
        print(
            f"| {name} | {value['seconds']:.2f} | {rate:,.0f} | {value['cpu']:.2f} | {value['cpu'] / size * 1e9:.2f} "
            f"| {value['peak_kib'] // 1024} MiB "
            f"| {small[name]['peak_kib'] // 1024} MiB |"
        )
    ours = size / big["ours export"]["seconds"]
    print()
    for other, goal in (("pyrage encrypt_file", 2.0), ("age -r", 0.8)):
        ratio = ours / (size / big[other]["seconds"])
        work = big[other]["cpu"] / big["ours export"]["cpu"]
        print(
            f"ours export vs {other}: {ratio:.2f}x (goal >= {goal}x: {'met' if ratio >= goal else 'NOT met'}); "
            f"CPU time per byte, theirs / ours: {work:.2f}"
        )
    threads = big["ours export, one thread"]["seconds"] / big["ours export"]["seconds"]
    print(f"ours export, pipelined vs one thread: {threads:.2f}x")
    verify = size / big["ours verify (decrypt + tar + 3 hashes)"]["seconds"]
    for other in ("pyrage decrypt_file (to /dev/null)", "age -d (to /dev/null)"):
        print(f"ours verify vs {other}: {verify / (size / big[other]['seconds']):.2f}x")
    print_floors(rates, size, cores=2 if (os.cpu_count() or 1) >= 2 else 1, big=big)


if __name__ == "__main__":
    main()
