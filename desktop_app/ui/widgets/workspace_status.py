"""The left panel: which workspace this is, whether its custody log is intact, and its storage."""

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.verification import SweepReport, VaultVerification, Verification
from desktop_app.core.progress import Progress
from desktop_app.core.services.workspace_snapshot import WorkspaceSnapshot
from desktop_app.ui.theme import monospace_font, set_role

PANEL_WIDTH = 300


def _section(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setProperty("role", "section")
    return label


def _value() -> QLabel:
    label = QLabel("—")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setContentsMargins(0, 0, 0, 0)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(8)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


FIELD_NAME_WIDTH = 84  # one width for every section, so the values line up down the panel


def _field_name(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "field-name")
    label.setFixedWidth(FIELD_NAME_WIDTH)
    return label


def entries_text(count: int) -> str:
    """'1 entry', '1,024 entries'."""
    return plural(count, "entry", "entries")


def verification_text(verification: Verification, when: datetime) -> str:
    """One or two sentences a reviewer can read at a glance (and quote in a report)."""
    stamp = when.astimezone().strftime("%H:%M")
    if verification.ok:
        return f"Custody log intact — {entries_text(verification.entries)}, verified {stamp}"
    first_bad = f"\nFirst bad entry: #{verification.first_bad_seq}." if verification.first_bad_seq is not None else ""
    return f"Custody log verification failed at {stamp}.\n{verification.problem}{first_bad}"


def vault_text(result: VaultVerification, when: datetime) -> str:
    """The vault verification's outcome at a glance."""
    stamp = when.astimezone().strftime("%H:%M")
    if result.ok:
        return f"Evidence vault intact — {result.blobs:,} files authenticated, verified {stamp}"
    first = result.problems[0]
    more = f" (and {len(result.problems) - 1:,} more)" if len(result.problems) > 1 else ""
    return (
        f"Evidence vault verification failed at {stamp}: {len(result.problems):,} of {result.blobs:,} files.\n"
        f"File {first.blob_id[:12]}… {first.message}{more}. Restore the workspace from a backup."
    )


def sweep_text(sweep: SweepReport) -> str:
    """What the start-up sweep found, in plain words (empty when it found nothing)."""
    parts = []
    if sweep.missing_blobs:
        parts.append(plural(len(sweep.missing_blobs), "evidence file is", "evidence files are") + " missing")
    if sweep.damaged_blobs:
        parts.append(plural(len(sweep.damaged_blobs), "evidence file has", "evidence files have") + " the wrong size")
    if sweep.removed_temp_files:
        parts.append(
            plural(sweep.removed_temp_files, "unfinished temporary file was", "unfinished temporary files were")
            + " removed"
        )
    if sweep.unreferenced_blobs:
        verb = "moved to the quarantine folder" if sweep.applied else "found (kept until the log is verified)"
        parts.append(plural(len(sweep.unreferenced_blobs), "unreferenced evidence file", "unreferenced evidence files"))
        parts[-1] += f" {verb}"
    if sweep.restored_blobs:
        parts.append(plural(len(sweep.restored_blobs), "quarantined file is", "quarantined files are") + " back in use")
    text = ". ".join(part[0].upper() + part[1:] for part in parts)
    if sweep.missing_blobs or sweep.damaged_blobs:
        text += ". Restore the workspace from a backup to recover them"
    return text + "." if text else ""


class WorkspaceStatusWidget(QFrame):
    """Read-only facts about the workspace; the window pushes snapshots and verifications in."""

    def __init__(self, workspace_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.setFixedWidth(PANEL_WIDTH)

        title = QLabel("Workspace")
        title.setProperty("role", "title")
        self.id_value = _value()
        self.id_value.setFont(monospace_font())
        self.id_value.setText(workspace_id[:8])
        self.id_value.setToolTip(f"Workspace id {workspace_id}")
        self.reviewer_value = _value()
        self.state_value = _value()
        identity = _form()
        identity.addRow(_field_name("ID"), self.id_value)
        identity.addRow(_field_name("Reviewer"), self.reviewer_value)
        identity.addRow(_field_name("State"), self.state_value)

        self.entries_value = _value()
        self.checkpoint_value = _value()
        log_form = _form()
        log_form.addRow(_field_name("Entries"), self.entries_value)
        log_form.addRow(_field_name("Checkpoint"), self.checkpoint_value)
        self.verification_label = QLabel("Not verified yet in this session.")
        self.verification_label.setWordWrap(True)
        self.verification_label.setProperty("role", "neutral")
        self.verification_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.journal_value = _value()
        self.sqlite_value = _value()
        storage = _form()
        storage.addRow(_field_name("Journal"), self.journal_value)
        storage.addRow(_field_name("SQLite"), self.sqlite_value)
        self.vault_label = QLabel("Evidence vault not verified yet in this session.")
        self.vault_label.setWordWrap(True)
        self.vault_label.setProperty("role", "neutral")
        self.vault_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.sweep_section = _section("Start-up check")
        self.sweep_label = QLabel()
        self.sweep_label.setWordWrap(True)
        self.sweep_label.setProperty("role", "notice")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 22, 22, 22)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addSpacing(4)
        layout.addLayout(identity)
        layout.addSpacing(10)
        layout.addWidget(_section("Custody log"))
        layout.addLayout(log_form)
        layout.addWidget(self.verification_label)
        layout.addSpacing(10)
        layout.addWidget(_section("Storage"))
        layout.addLayout(storage)
        layout.addWidget(self.vault_label)
        layout.addSpacing(10)
        layout.addWidget(self.sweep_section)
        layout.addWidget(self.sweep_label)
        layout.addStretch(1)
        self._show_sweep(SweepReport())

    def show_snapshot(self, snapshot: WorkspaceSnapshot) -> None:
        """Fill in everything a snapshot knows."""
        self.reviewer_value.setText(snapshot.reviewer or "—")
        self.state_value.setText("Unlocked" if snapshot.unlocked else "Locked")
        self.entries_value.setText(f"{snapshot.entries:,}")
        self.checkpoint_value.setText(
            "none yet"
            if snapshot.checkpoint_size is None
            else f"signed, covers {entries_text(snapshot.checkpoint_size)}"
        )
        connections = "" if snapshot.separate_readers else ", one connection"
        self.journal_value.setText(f"{snapshot.journal_mode.upper()}{connections}")
        self.journal_value.setToolTip(
            ""
            if snapshot.separate_readers
            else "This SQLite version has the WAL-reset bug, so Evidence Desk uses a single database connection."
        )
        self.sqlite_value.setText(snapshot.sqlite_version)
        self._show_sweep(snapshot.sweep)

    def show_verification(self, verification: Verification, when: datetime) -> None:
        """Show the outcome of a verification pass (green when intact, red with the problem)."""
        self.verification_label.setText(verification_text(verification, when))
        set_role(self.verification_label, "ok" if verification.ok else "problem")

    def show_verifying(self) -> None:
        """Show that a verification is running."""
        self.verification_label.setText("Verifying the custody log…")
        set_role(self.verification_label, "neutral")

    def show_verification_error(self, message: str) -> None:
        """Show that verification could not run at all."""
        self.verification_label.setText(f"Verification could not run.\n{message}")
        set_role(self.verification_label, "problem")

    def show_vault_progress(self, progress: Progress) -> None:
        """Show how far the vault verification has come."""
        share = f" {100 * progress.done // progress.total}%" if progress.total else ""
        self.vault_label.setText(f"Verifying the evidence vault…{share}")
        set_role(self.vault_label, "neutral")

    def show_vault(self, result: VaultVerification, when: datetime) -> None:
        """Show the outcome of a vault verification (green when intact, red with the first problem)."""
        self.vault_label.setText(vault_text(result, when))
        set_role(self.vault_label, "ok" if result.ok else "problem")

    def show_vault_error(self, message: str) -> None:
        """Show that the vault verification stopped without an answer."""
        self.vault_label.setText(f"Evidence vault verification did not finish.\n{message}")
        set_role(self.vault_label, "neutral")

    def show_locked(self) -> None:
        """Hide what only an unlocked workspace should show."""
        self.state_value.setText("Locked")
        self.reviewer_value.setText("—")

    def _show_sweep(self, sweep: SweepReport) -> None:
        text = sweep_text(sweep)
        self.sweep_label.setText(text)
        self.sweep_section.setVisible(bool(text))
        self.sweep_label.setVisible(bool(text))
