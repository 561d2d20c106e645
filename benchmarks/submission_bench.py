"""Submission speed: a large item uploaded from the vault vs ``curl -F`` with the same bytes; a 200-file report.

.venv/bin/python benchmarks/submission_bench.py                 # 1 GiB item, 200-file report
.venv/bin/python benchmarks/submission_bench.py --size-mib 256  # a quicker run

(a) One item of SIZE bytes (generated, incompressible) is imported into a fresh workspace; the
    practice server runs in a separate process (``evidence-desk sandbox``), so both clients pay
    the same server. The vault path is a whole ``SubmissionService.submit`` (open, upload decrypted
    on the fly with its MD5 checked, describe, finish, receipt archived); the baseline is ``curl -F``
    uploading the plaintext file to a report opened for it. Best of ``--rounds``, alternating.
(b) Peak memory of the submitting process (RSS above its level before the upload, sampled every
    10 ms) for uploads of SIZE/16, SIZE/4 and SIZE: flat means it does not grow with the file.
(c) A report of 200 small pictures from submit to finish (403 calls), with its per-call rate.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.cybertipline.client import CyberTiplineClient  # noqa: E402
from desktop_app.core.cybertipline.endpoint import Credentials, CredentialStore  # noqa: E402
from desktop_app.core.cybertipline.serialize import serialize  # noqa: E402
from desktop_app.core.domain.submission import Environment, SubmissionState  # noqa: E402
from desktop_app.core.platform.paths import AppPaths  # noqa: E402
from desktop_app.core.platform.secrets import MemorySecretStore  # noqa: E402
from desktop_app.core.progress import CancelToken, run_to_completion  # noqa: E402
from desktop_app.core.services.items import ItemService  # noqa: E402
from desktop_app.core.services.practice import PracticeEndpoint  # noqa: E402
from desktop_app.core.services.reports import ReportService  # noqa: E402
from desktop_app.core.services.submission import SubmissionService  # noqa: E402
from desktop_app.core.services.workspace import Workspace  # noqa: E402
from tests.conftest import PASSPHRASE, fast_kdf  # noqa: E402
from tests.core.submission.helpers import complete, import_media  # noqa: E402

MIB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


class PeakRss:
    """Samples this process's resident set every 10 ms while in use."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * PAGE

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            time.sleep(0.01)

    def __enter__(self) -> "PeakRss":
        self.base = self.now()
        self.peak = self.base
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())

    @property
    def growth(self) -> int:
        return self.peak - self.base


def start_sandbox(log: Path) -> tuple[subprocess.Popen, str, Credentials]:
    """``evidence-desk sandbox`` in its own process; its output goes to a file (its final state is large)."""
    with open(log, "wb") as out:
        child = subprocess.Popen([sys.executable, "-m", "desktop_app.cli", "sandbox", "--json"], stdout=out)
    for _ in range(300):
        text = log.read_text()
        if text.endswith("\n"):
            line = json.loads(text.splitlines()[0])
            return child, line["url"], Credentials(line["username"], line["password"])
        time.sleep(0.1)
    child.kill()
    raise RuntimeError("the sandbox did not start")


def write_generated(path: Path, size: int) -> None:
    """Incompressible synthetic bytes (a counter through SHA-256 would be slower; urandom is fine)."""
    with open(path, "wb") as handle:
        left = size
        while left:
            chunk = os.urandom(min(left, 8 * MIB))
            handle.write(chunk)
            left -= len(chunk)


def import_file(items: ItemService, path: Path) -> str:
    summary = run_to_completion(items.import_paths([path]))
    assert summary.ok, summary
    return next(item.item_id for item in items.list_items() if item.display_name == path.name)


def vault_submit(service: SubmissionService, reports: ReportService, item_id: str) -> tuple[float, int]:
    record = reports.create_draft([item_id])
    complete(reports, record.report_id)
    with PeakRss() as memory:
        started = time.perf_counter()
        status = run_to_completion(service.submit(record.report_id, Environment.PRACTICE, CancelToken()))
        elapsed = time.perf_counter() - started
    assert status.state is SubmissionState.FINISHED, status.advice
    return elapsed, memory.growth


def curl_upload(url: str, credentials: Credentials, report_xml: bytes, path: Path) -> float:
    with CyberTiplineClient(url, credentials) as client:
        opened = client.submit(report_xml)
    assert opened.ok and opened.report_id is not None
    started = time.perf_counter()
    done = subprocess.run(
        [
            "curl", "-s", "-S", "-o", "-", "-u", f"{credentials.username}:{credentials.password}",
            "-F", f"id={opened.report_id}", "-F", f"file=@{path}", f"{url}/upload",
        ],
        capture_output=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    assert b"<responseCode>0</responseCode>" in done.stdout, done.stdout[:300]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    size = args.size_mib * MIB
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        root = Path(tmp)
        sandbox, url, credentials = start_sandbox(root / "sandbox.log")
        try:
            workspace, _ = Workspace.create(AppPaths.resolve(root / "profile"), PASSPHRASE, "Bench", fast_kdf())
            try:
                items = ItemService(workspace)
                reports = ReportService(workspace, items)
                practice = PracticeEndpoint.attached(url, credentials)
                service = SubmissionService(
                    workspace, reports, items, CredentialStore(MemorySecretStore()), practice
                )
                rows = run_benchmarks(args, size, root, items, reports, service, url, credentials)
            finally:
                workspace.close()
        finally:
            sandbox.send_signal(signal.SIGINT)  # the sandbox's Ctrl-C
            try:
                sandbox.wait(timeout=30)
            except subprocess.TimeoutExpired:
                sandbox.kill()
    python = sys.version.split()[0]
    print(f"Python {python}, {os.cpu_count()} cores, item {args.size_mib} MiB, {args.files}-file report")
    print()
    print("| measurement | result | baseline | ratio | goal | met |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def run_benchmarks(args, size, root, items, reports, service, url, credentials) -> list[list[str]]:
    rows: list[list[str]] = []
    sizes = [size // 16, size // 4, size]
    memory: dict[int, int] = {}
    big_path = None
    big_item = None
    for each in sizes:
        path = root / f"generated-{each // MIB}MiB.bin"
        write_generated(path, each)
        item_id = import_file(items, path)
        if each != size:
            _, growth = vault_submit(service, reports, item_id)
            memory[each] = growth
            path.unlink()
        else:
            big_path, big_item = path, item_id
    template = reports.create_draft([])
    complete(reports, template.report_id)
    report_xml = serialize(reports.load(template.report_id).draft.report)
    ours, theirs = [], []
    for _ in range(args.rounds):
        elapsed, growth = vault_submit(service, reports, big_item)
        ours.append(elapsed)
        memory[size] = max(memory.get(size, 0), growth)
        theirs.append(curl_upload(url, credentials, report_xml, big_path))
    best_ours, best_theirs = min(ours), min(theirs)
    ratio = best_theirs / best_ours
    rows.append(
        [
            f"(a) {size // MIB} MiB item: vault submit (open, upload decrypting, MD5 check, describe, finish)",
            f"{size / best_ours / 1e6:,.0f} MB/s ({best_ours:.1f} s)",
            f"curl -F same plaintext {size / best_theirs / 1e6:,.0f} MB/s ({best_theirs:.1f} s)",
            f"{ratio:.2f}x",
            ">= 0.8x",
            "yes" if ratio >= 0.8 else "no",
        ]
    )
    growths = [memory[s] for s in sizes]
    flat = max(growths) <= 64 * MIB and growths[-1] <= 2 * max(growths[0], 16 * MIB)
    rows.append(
        [
            "(b) peak RSS growth while submitting " + " / ".join(f"{s // MIB} MiB" for s in sizes),
            " / ".join(f"{g / MIB:.1f} MiB" for g in growths),
            "",
            "",
            "flat in size",
            "yes" if flat else "no",
        ]
    )
    item_ids = import_media(items, root / "many", pictures=args.files, video=False)
    record = reports.create_draft(item_ids)
    complete(reports, record.report_id)
    started = time.perf_counter()
    status = run_to_completion(service.submit(record.report_id, Environment.PRACTICE, CancelToken()))
    elapsed = time.perf_counter() - started
    assert status.state is SubmissionState.FINISHED and len(status.file_ids) == args.files, status.advice
    calls = 2 + 2 * args.files
    rows.append(
        [
            f"(c) {args.files}-file report, submit to finish ({calls} calls, each written down before and after)",
            f"{elapsed:.1f} s",
            f"{calls / elapsed:.0f} calls/s",
            "",
            "",
            "",
        ]
    )
    return rows


if __name__ == "__main__":
    main()
