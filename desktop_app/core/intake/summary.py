"""What an import reports while it runs (``ImportProgress``) and when it ends (``ImportSummary``)."""

from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.domain.items import Digests, IntakeOutcome, ItemKind
from desktop_app.core.intake.manifest import ManifestFinding
from desktop_app.core.progress import Progress


class ImportPhase(StrEnum):
    """The stages of an import, in order."""

    SCANNING = "scanning"  # walking folders; totals unknown yet
    IMPORTING = "importing"  # reading, hashing, encrypting; ``done``/``total`` are bytes
    ANALYSING = "analysing"  # waiting for decoding results; ``files_*`` count analyses


@dataclass(frozen=True, slots=True)
class ImportProgress(Progress):
    """``Progress`` (``done``/``total`` in bytes while importing) with counts for an ETA and a label.

    ``files_done`` counts things taken in (or analysed, in the analysing phase); ``current`` is the
    display name of the file being read.
    """

    phase: ImportPhase = ImportPhase.IMPORTING
    files_done: int = 0
    files_total: int | None = None
    current: str = ""


@dataclass(frozen=True)
class IntakeResult:
    """How one path or manifest row went.

    ``new_item`` is False when the bytes were already in the workspace (a duplicate: the item got
    one more source); ``new_source`` is False when even the source was already recorded (the same
    file from the same place imported again), so nothing changed.
    """

    kind: ItemKind
    outcome: IntakeOutcome
    detail: str = ""
    path: bytes | None = None
    item_id: str | None = None
    source_id: str | None = None
    new_item: bool = False
    new_source: bool = False
    size: int | None = None
    digests: Digests | None = None

    @property
    def display_path(self) -> str:
        """The path for showing (undecodable bytes become U+FFFD); "(text)" for a transcript."""
        return self.path.decode("utf-8", "replace") if self.path is not None else "(text)"

    @property
    def problem(self) -> bool:
        """Whether the reviewer should look at this one."""
        return self.outcome != IntakeOutcome.OK


@dataclass(frozen=True)
class ImportSummary:
    """The typed result of an import."""

    results: tuple[IntakeResult, ...] = ()
    findings: tuple[ManifestFinding, ...] = ()
    cancelled: bool = False
    bytes_read: int = 0
    analysed: int = 0
    analysis_failed: int = 0  # the decoder infrastructure failed (not bad media): retried later

    @property
    def items_added(self) -> int:
        """New items in the queue."""
        return sum(r.new_item for r in self.results)

    @property
    def sources_added(self) -> int:
        """Sources added to items that were already in the queue (duplicates)."""
        return sum(r.new_source and not r.new_item for r in self.results)

    @property
    def already_here(self) -> int:
        """Files already in the workspace from the same place (imported again): nothing changed."""
        return sum(r.item_id is not None and not r.new_item and not r.new_source for r in self.results)

    @property
    def empty_files(self) -> int:
        """Files of 0 bytes (preserved as they are, but there is nothing in them to report)."""
        return sum(r.kind is ItemKind.FILE and r.size == 0 for r in self.results)

    @property
    def problems(self) -> tuple[IntakeResult, ...]:
        """Results with an outcome other than OK."""
        return tuple(r for r in self.results if r.problem)

    @property
    def ok(self) -> bool:
        """Everything was read, every manifest row was usable, nothing was cancelled."""
        return not self.problems and not self.findings and not self.cancelled
