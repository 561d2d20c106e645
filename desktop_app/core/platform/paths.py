"""Where Evidence Desk keeps its files: the one module that knows.

platformdirs gives the per-user locations; ``--profile-dir`` or ``EVIDENCE_DESK_PROFILE_DIR``
relocate everything under one folder (tests, smoke tests and support always use this). Nothing
here touches the disk at import time.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from desktop_app.core.platform.files import private_dir

PROFILE_ENV = "EVIDENCE_DESK_PROFILE_DIR"
_APP_DIR_NAME = "EvidenceDesk"


@dataclass(frozen=True)
class AppPaths:
    """The folders of one profile.

    ``anchors`` deliberately lives outside ``data``: it holds the latest signed checkpoint of each
    workspace, and a copy that is not restored together with an old backup of the data folder is
    what turns local tamper evidence into rollback evidence.
    """

    data: Path
    config: Path
    logs: Path
    anchors: Path

    @property
    def workspace(self) -> Path:
        """The workspace folder (database, vault blobs, instance lock)."""
        return self.data / "workspace"

    @property
    def settings_file(self) -> Path:
        """Non-secret app settings (auto-lock, display defaults)."""
        return self.config / "settings.json"

    def make_private(self) -> None:
        """Create the profile's folders owner-only (0700), and tighten them if an older version left them open."""
        for folder in (self.data, self.workspace, self.config, self.logs, self.anchors):
            private_dir(folder)

    @classmethod
    def resolve(cls, profile_dir: str | os.PathLike[str] | None = None) -> "AppPaths":
        """Paths for an explicit profile dir, else the environment override, else the platform's."""
        chosen = profile_dir or os.environ.get(PROFILE_ENV) or None
        if chosen:
            root = Path(chosen).expanduser().absolute()
            return cls(root / "data", root / "config", root / "logs", root / "anchors")
        dirs = PlatformDirs(_APP_DIR_NAME, appauthor=False)
        return cls(
            Path(dirs.user_data_dir),
            Path(dirs.user_config_dir),
            Path(dirs.user_log_dir),
            Path(dirs.user_config_dir) / "anchors",
        )
