"""The rest of the tampering test's workspace: a submission, holds, follow-ups, a destruction, hash lists.

Each is made through the service that makes it in the app (the submission against a practice
server on loopback), so every row has its custody events exactly as a reviewer's would.
"""

from pathlib import Path

from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.cybertipline.practice import PracticeServer
from desktop_app.core.domain.followups import FollowUpKind
from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.domain.holds import HoldSource
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.destruction import DestructionService
from desktop_app.core.services.followups import FollowUpService
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.holds import HoldService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.submission import SubmissionService
from desktop_app.core.services.workspace import Workspace
from tests.core.submission.conftest import FAST
from tests.core.submission.helpers import credentials_of, import_media, new_report

# The tables these rows fill, with the column that names a row (for the attacks).
RECORD_TABLES: dict[str, str] = {
    "submissions": "report_id",
    "preservation_holds": "item_id",
    "holds": "hold_id",
    "hold_items": "item_id",  # bound into its hold's tag
    "item_destructions": "item_id",
    "followups": "followup_id",
    "hash_lists": "list_id",
    "hash_list_imports": "import_id",
    "hash_list_segments": "list_id",
    "hash_suppressions": "suppression_id",
    "item_matches": "item_id",
}


def build_records(
    workspace: Workspace, items: ItemService, reports: ReportService, ids: dict[str, str], scratch: Path
) -> None:
    """Fill every table of ``RECORD_TABLES`` with at least two rows where the app makes two."""
    _hash_lists(workspace, items, ids, scratch)
    media = import_media(items, scratch / "media", pictures=2, video=False, seed=7)
    with PracticeServer() as server:
        endpoint = PracticeEndpoint.attached(server.url, credentials_of(server))
        service = SubmissionService(
            workspace, reports, items, CredentialStore(MemorySecretStore()), endpoint, settings=FAST
        )
        report_id = new_report(reports, media)
        done = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
        assert done.state is SubmissionState.FINISHED
    holds = HoldService(workspace)
    holds.holds()  # derives the finished report's automatic hold
    litigation = holds.place(HoldSource.LITIGATION, items=[ids["a.bin"]], reference="case 7")
    holds.add_items(litigation.hold_id, [ids["b.bin"]])
    other = holds.place(HoldSource.OTHER, items=[ids["b.bin"]], note="a second look")
    holds.release(other.hold_id, "looked at")
    followups = FollowUpService(workspace)
    followups.record(report_id, FollowUpKind.LAW_ENFORCEMENT_CONTACT, counterpart="County PD", reference="c-1")
    followups.record(report_id, FollowUpKind.ACCOUNT_SUSPENDED, note="suspended")
    destruction = DestructionService(workspace, holds)
    for name in ("doomed.bin", "doomed-too.bin"):
        plan = destruction.prepare(ids[name], "retention review")
        destruction.carry_out(plan, plan.confirmation)


def _hash_lists(workspace: Workspace, items: ItemService, ids: dict[str, str], scratch: Path) -> None:
    lists = HashListService(workspace, items)
    first, second = lists.create_list("one"), lists.create_list("two")
    md5_a = items.get(ids["a.bin"]).digests.md5
    md5_b = items.get(ids["b.bin"]).digests.md5
    imports = [(first, f"{md5_a}\n{'0' * 32}\n"), (first, f"{md5_a}\n{md5_b}\n"), (second, f"{md5_b}\n")]
    for n, (hash_list, text) in enumerate(imports):
        path = scratch / f"list-{n}.txt"
        path.write_text(text)
        options = ReadOptions(algorithm=Algorithm.MD5)
        run_to_completion(lists.import_file(hash_list.list_id, path, ListFormat.TEXT, options))
    run_to_completion(lists.match_items())
    lists.reject_match(ids["b.bin"], f"md5:{md5_b}", "a different file")
    lists.suppress_entry(f"md5:{'0' * 32}", "floods the queue")
