"""The services that act on an unlocked workspace, built in one place for the app and the CLI.

The app (``app.py``) and every CLI command get their item, CyberTipline and report services from
``build_services`` so that the two cannot drift: the same collaborators, the same NCMEC schema in
every report check, the same decoder hook when one is given.
"""

from dataclasses import dataclass
from functools import partial

from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.intake.analysis import Analyse
from desktop_app.core.platform.secrets import SecretStore
from desktop_app.core.services.bundles import BundleService
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.lifecycle import Lifecycle, build_lifecycle
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.sealed_store import KEYRING_STORE, WORKSPACE_STORE, WorkspaceSecretStore
from desktop_app.core.services.submission import SubmissionService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.core.storage.ncmec_schemas import SchemaStore


@dataclass(frozen=True)
class Services:
    """Everything the app and the CLI do to an unlocked workspace goes through one of these."""

    workspace: Workspace
    items: ItemService
    cybertipline: CyberTiplineService
    reports: ReportService
    submissions: SubmissionService
    bundles: BundleService
    hashlists: HashListService
    lifecycle: Lifecycle

    def close(self) -> None:
        """Stop what the services started (the practice server); the workspace is closed by its owner."""
        self.submissions.practice.close()


def build_services(
    workspace: Workspace,
    settings: AppSettings,
    secrets: SecretStore | None,
    analyse: Analyse | None = None,
) -> Services:
    """Wire the services of an unlocked workspace; ``analyse`` is the decoder pool's hook, if any."""
    items = ItemService(workspace, analyse)
    # Without an OS keyring the credentials are sealed in the workspace rather than refused.
    store = (
        CredentialStore(secrets, KEYRING_STORE)
        if secrets is not None
        else (CredentialStore(WorkspaceSecretStore(workspace), WORKSPACE_STORE))
    )
    cybertipline = CyberTiplineService(workspace, store, settings.cybertipline_endpoint)
    # Once the workspace has fetched NCMEC's schema, every report check includes it.
    hashlists = HashListService(workspace, items)
    # Items sent to a report carry their hash-list matches (what an unviewed, matched file means).
    # Held to the version the log recorded last: a rolled-back outcome could hide a match (MatchesNotAsLogged).
    reports = ReportService(
        workspace, items, xsd=cybertipline.current_xsd, matches=partial(hashlists.outcomes, as_logged=True)
    )
    credentials = cybertipline.credentials
    practice = PracticeEndpoint(xsd=lambda: _cached_xsd(workspace))
    submissions = SubmissionService(workspace, reports, items, credentials, practice)
    bundles = BundleService(workspace, items, reports, receipt_for=submissions.receipt)
    return Services(
        workspace, items, cybertipline, reports, submissions, bundles, hashlists, build_lifecycle(workspace)
    )


def _cached_xsd(workspace: Workspace) -> bytes | None:
    """NCMEC's schema as the workspace last fetched it: what the practice server validates against."""
    with workspace.db.read() as reader:
        stored = SchemaStore(workspace.fields()).latest(reader.conn)
    return stored.data if stored is not None else None
