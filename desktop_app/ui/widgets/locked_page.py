"""What the window shows while the workspace is locked: a card with the Unlock button, nothing else."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def locked_page(unlock: QPushButton) -> QWidget:
    """The locked page around ``unlock`` (the window keeps the button to wire and enable it)."""
    page = QWidget()
    card = QFrame()
    card.setProperty("role", "card")
    card.setMaximumWidth(440)
    title = QLabel("Workspace locked")
    title.setProperty("role", "title")
    hint = QLabel("Evidence and the custody log stay hidden and encrypted until you unlock the workspace.")
    hint.setWordWrap(True)
    hint.setProperty("role", "hint")
    inner = QVBoxLayout(card)
    inner.setContentsMargins(28, 24, 28, 24)
    inner.setSpacing(12)
    inner.addWidget(title)
    inner.addWidget(hint)
    inner.addWidget(unlock, 0, Qt.AlignmentFlag.AlignLeft)
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card, 2)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)
    return page
