"""The workspace's link to the CyberTipline: the connection check and NCMEC's live schema.

Evidence Desk validates offline against its own model of NCMEC's schema. Once the reviewer has
NCMEC credentials it also fetches the schema NCMEC validates against today (``GET /xsd``), keeps it
in the workspace (``storage.ncmec_schemas``), checks every report against it before anything is
sent or exported, and lists what the XSD declares that the model lacks (``drift``): a refreshed
schema shows at once which new elements or values the form cannot yet express.

Every contact with NCMEC is a custody event, successful or not: which endpoint, when, and what it
answered (codes and digests, never credentials).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.core.cybertipline.client import ApiResponse, CyberTiplineClient
from desktop_app.core.cybertipline.drift import Drift, schema_drift
from desktop_app.core.cybertipline.endpoint import TEST_URL, Credentials, CredentialStore, check_endpoint
from desktop_app.core.cybertipline.xsd import CompiledXsd, load_xsd
from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.ncmec_schemas import SchemaStore, StoredSchema

ClientFactory = Callable[[str, Credentials], CyberTiplineClient]
# How old a cached schema may be before the app asks NCMEC again on its own. NCMEC changes the XSD
# rarely and announces it; a daily look is cheap and catches a change before the next submission.
SCHEMA_MAX_AGE = timedelta(days=1)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NcmecSchema:
    """NCMEC's XSD as cached: where and when it came from, compiled, and how it differs from the model."""

    sha256: str
    fetched_at: datetime
    endpoint: str
    size: int
    compiled: CompiledXsd
    drift: Drift


@dataclass(frozen=True)
class SchemaRefresh:
    """The outcome of a fetch: the schema now in force, and whether its bytes were new."""

    schema: NcmecSchema
    new: bool


def cached_schema(workspace: Workspace) -> NcmecSchema | None:
    """The newest XSD the workspace fetched from NCMEC, compiled, or None (needs no credentials)."""
    with workspace.db.read() as reader:
        stored = SchemaStore(workspace.fields()).latest(reader.conn)
    if stored is None:
        return None
    compiled = load_xsd(stored.data)
    return NcmecSchema(
        stored.sha256, stored.fetched_at, stored.endpoint, len(stored.data), compiled, schema_drift(stored.data)
    )


def cached_schema_bytes(workspace: Workspace) -> bytes | None:
    """The bytes of the newest XSD the workspace fetched from NCMEC (for the practice server's ``/xsd``)."""
    with workspace.db.read() as reader:
        stored = SchemaStore(workspace.fields()).latest(reader.conn)
    return stored.data if stored is not None else None


class CyberTiplineService:
    """NCMEC's endpoint for one unlocked workspace. ``endpoint`` follows the reviewer's setting."""

    def __init__(
        self,
        workspace: Workspace,
        credentials: CredentialStore,
        endpoint: str = TEST_URL,
        connect: ClientFactory = CyberTiplineClient,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._workspace = workspace
        self.credentials = credentials
        self._endpoint = check_endpoint(endpoint)
        self._connect = connect
        self._now = now
        # Loaded lazily by whichever thread asks first (a worker listing reports, the strip, the
        # editor); the lock makes one load, and keeps a slow load from undoing a fresh fetch.
        self._schema_lock = threading.Lock()
        self._schema: NcmecSchema | None = None
        self._schema_loaded = False

    @property
    def endpoint(self) -> str:
        """The CyberTipline address in use."""
        return self._endpoint

    def switch_endpoint(self, url: str) -> None:
        """Use another CyberTipline address from now on (the reviewer changed the setting); logged."""
        endpoint = check_endpoint(url)
        if endpoint != self._endpoint:
            self._endpoint = endpoint
            data = {"changed": ["cybertipline_endpoint"], "values": {"cybertipline_endpoint": endpoint}}
            self._log(EventType.SETTINGS_CHANGED, data)

    # -- the connection ----------------------------------------------------------------------------

    def check_connection(self, credentials: Credentials | None = None, endpoint: str | None = None) -> ApiResponse:
        """``GET /status`` (default: the endpoint in use, its saved credentials); logged either way."""
        endpoint = self._endpoint if endpoint is None else check_endpoint(endpoint)
        chosen = credentials if credentials is not None else self.credentials.require(endpoint)
        try:
            with self._connect(endpoint, chosen) as client:
                response = client.status()
        except EvidenceDeskError as problem:
            self._log(EventType.CYBERTIPLINE_CONNECTION_CHECKED, {"endpoint": endpoint, "error": problem.code})
            raise
        data = {"endpoint": endpoint, "response_code": response.response_code, "request_id": response.request_id}
        self._log(EventType.CYBERTIPLINE_CONNECTION_CHECKED, data)
        return response

    # -- NCMEC's schema ----------------------------------------------------------------------------

    def refresh_schema(self) -> SchemaRefresh:
        """Fetch ``/xsd``, compile it, compare it with the model and keep it; ``XsdUnusable`` keeps nothing."""
        endpoint = self._endpoint
        credentials = self.credentials.require(endpoint)
        try:
            with self._connect(endpoint, credentials) as client:
                data = client.fetch_xsd()
            compiled = load_xsd(data)  # an XSD that does not compile is never cached
        except EvidenceDeskError as problem:
            self._log(EventType.CYBERTIPLINE_SCHEMA_FETCHED, {"endpoint": endpoint, "error": problem.code})
            raise
        drift = schema_drift(data)
        stored = StoredSchema(compiled.sha256, self._now(), endpoint, data)
        with self._workspace.db.write() as conn:
            new = SchemaStore(self._workspace.fields()).put(conn, stored)
            event = {
                "endpoint": endpoint,
                "sha256": compiled.sha256,
                "bytes": len(data),
                "new": new,
                "drift": len(drift.items),
                "missing_from_model": len(drift.missing_from_model),
            }
            self._workspace.append_event(conn, EventType.CYBERTIPLINE_SCHEMA_FETCHED, event, None)
        schema = NcmecSchema(compiled.sha256, stored.fetched_at, endpoint, len(data), compiled, drift)
        with self._schema_lock:
            self._schema = schema
            self._schema_loaded = True
        return SchemaRefresh(schema, new)

    def current_schema(self) -> NcmecSchema | None:
        """The newest cached XSD, compiled (once per session), or None if none was ever fetched."""
        with self._schema_lock:
            if not self._schema_loaded:
                self._schema = cached_schema(self._workspace)
                self._schema_loaded = True
            return self._schema

    def schema_due(self, max_age: timedelta = SCHEMA_MAX_AGE) -> bool:
        """Whether to fetch ``/xsd`` unasked.

        It is due when credentials are saved for the endpoint in use and the cached schema is
        missing, came from another endpoint or is older than ``max_age``. May read and compile the
        cached schema: call it off the GUI thread.
        """
        if self.credentials.load(self._endpoint) is None:
            return False
        schema = self.current_schema()
        if schema is None or schema.endpoint != self._endpoint:
            return True
        return self._now() - schema.fetched_at > max_age

    def current_xsd(self) -> CompiledXsd | None:
        """What reports are checked against besides the model (``ReportService``'s ``xsd``)."""
        schema = self.current_schema()
        return schema.compiled if schema is not None else None

    def _log(self, kind: EventType, data: dict[str, Any]) -> None:
        with self._workspace.db.write() as conn:
            self._workspace.append_event(conn, kind, data, None)
