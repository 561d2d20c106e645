"""What each cell of the queue table says: display text, tooltips, alignment, fonts, thumbnails, roles.

``QueueCells`` answers ``data``/``headerData`` for ``QueueModel`` from one pre-formatted
``QueueRow``; it keeps no rows itself. The column list and sort keys are in ``queue_columns``.
"""

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QFont, QImage

from desktop_app.core.domain.items import ReviewState
from desktop_app.ui.models.queue_columns import (
    HEADER_TIPS,
    HEADERS,
    MONOSPACED,
    RIGHT_ALIGNED,
    Column,
    display_texts,
    match_tooltip,
)
from desktop_app.ui.models.queue_rows import QueueRow
from desktop_app.ui.theme import monospace_font

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class Role(IntEnum):
    """Custom data roles (the same for every column of a row).

    Sorting and filtering read ``QueueRow`` keys directly (``queue_order``), not roles.
    """

    ITEM_ID = Qt.ItemDataRole.UserRole + 1  # str
    ITEM = Qt.ItemDataRole.UserRole + 2  # the decrypted core ``Item``
    THUMBNAIL = Qt.ItemDataRole.UserRole + 3  # the protected thumbnail ``QImage``, or None (yet)
    PROBLEM = Qt.ItemDataRole.UserRole + 4  # the problem sentence, '' if none
    RENDERABLE = Qt.ItemDataRole.UserRole + 5  # bool: a thumbnail can exist
    MATCHES = Qt.ItemDataRole.UserRole + 6  # the item's hash-list matches (suppressions applied), strongest first


class QueueCells:
    """Formats cells of queue rows.

    Args:
        thumbnail: Looks up a cached protected thumbnail by item id (None if not cached).
        wanted: Called with an item id whose renderable thumbnail is not cached yet.
    """

    def __init__(self, thumbnail: Callable[[str], QImage | None], wanted: Callable[[str], None]) -> None:
        self._thumbnail = thumbnail
        self._wanted = wanted
        self.mono: QFont = monospace_font()

    @staticmethod
    def header(section: int, orientation: Qt.Orientation, role: int) -> Any:
        """Column titles and their tooltips; rows have no header."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(Column(section))
        return None

    def value(self, row: QueueRow, column: Column, role: int) -> Any:
        """One cell's value for ``role``."""
        if role == Qt.ItemDataRole.DisplayRole:
            return display_texts(row)[column] if column != Column.THUMBNAIL else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RIGHT_ALIGNED:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole and column in MONOSPACED:
            return self.mono
        if role == Role.THUMBNAIL:
            return self.thumbnail_for(row)
        return self.custom(row, role)

    def thumbnail_for(self, row: QueueRow) -> QImage | None:
        """The row's cached thumbnail; a renderable row without one asks for it (``wanted``)."""
        if not row.renderable:
            return None
        image = self._thumbnail(row.item_id)
        if image is None:
            self._wanted(row.item_id)
        return image

    @staticmethod
    def tooltip(row: QueueRow, column: Column) -> str | None:
        """The cell's tooltip: the problem, the full digest, the dismissal reason, every match."""
        if column in (Column.THUMBNAIL, Column.NAME, Column.TYPE) and row.problem:
            return row.problem
        if column == Column.SHA256 and row.item.digests is not None:
            return row.item.digests.sha256
        if column == Column.STATE and row.item.state == ReviewState.DISMISSED and row.item.dismiss_reason:
            return f"Dismissed: {row.item.dismiss_reason}"
        if column == Column.MATCH:
            return match_tooltip(row)
        if column == Column.NAME:
            return row.name
        if column == Column.SOURCE:
            return row.source_text
        return None

    @staticmethod
    def custom(row: QueueRow, role: int) -> Any:
        """The value of one of our ``Role``s (None for any other role)."""
        values: dict[int, Any] = {
            Role.ITEM_ID: row.item_id,
            Role.ITEM: row.item,
            Role.PROBLEM: row.problem,
            Role.RENDERABLE: row.renderable,
            Role.MATCHES: row.matches,
        }
        return values.get(role)

    @staticmethod
    def role_names(names: dict[int, QByteArray]) -> dict[int, QByteArray]:
        """Qt's role names plus ours."""
        names = dict(names)
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in Role})
        return names
