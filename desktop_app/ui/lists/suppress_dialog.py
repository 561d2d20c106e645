"""Taking a hash-list match out: not a match for this item, or the list entry suppressed workspace-wide.

Either needs a reason, in words a colleague or a court can follow; the service records it in the
custody log. Nothing is deleted: the match stays stored and the item details show it struck out,
with the reason, and list updates never bring it back.
"""

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.domain.hashlists import Match
from desktop_app.ui.models.queue_matches import how_close
from desktop_app.ui.widgets.form_parts import InlineMessageLabel, required_reason

MAX_REASON_CHARS = 500
ITEM_ONLY, EVERYWHERE = 0, 1


class SuppressMatchDialog(QDialog):
    """Asks how far and why a match is taken out. ``everywhere`` and ``reason`` are set when accepted.

    Args:
        match: The match the reviewer picked in the item's match list.
        item_name: The item's name, as the queue shows it.
        parent: The parent widget.
    """

    def __init__(self, match: Match, item_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.match = match
        self.reason = ""
        self.everywhere = False
        self.setWindowTitle(f"Not a match — {APP_NAME}")
        self.setMinimumWidth(520)
        title = QLabel("This match is wrong")
        title.setProperty("role", "title")
        what = QLabel(
            f"<b>{_escape(item_name)}</b> matched list <b>{_escape(match.list_name)}</b>: {_escape(how_close(match))}."
            f"<br>Entry <span style='font-family:monospace'>{_escape(_short(match.entry))}</span>"
        )
        what.setWordWrap(True)
        self.item_only = QRadioButton("Not a match for this item")
        self.item_only.setToolTip("Only this item loses this match; other items the entry matches keep theirs.")
        self.whole_workspace = QRadioButton("Suppress this list entry for the whole workspace")
        self.whole_workspace.setToolTip(
            "The entry matches nothing any more, in every item, also after the list is updated (a hash that floods "
            "the queue, such as a stock picture)."
        )
        self.scope = QButtonGroup(self)
        self.scope.addButton(self.item_only, ITEM_ONLY)
        self.scope.addButton(self.whole_workspace, EVERYWHERE)
        self.item_only.setChecked(True)
        hint = QLabel(
            "Say why, in words a colleague or a court can follow later. The reason is recorded in the custody log; "
            "the match stays on record, marked as taken out."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.reason_field = QPlainTextEdit()
        self.reason_field.setPlaceholderText("e.g. a different picture whose perceptual hash is close; a stock logo")
        self.reason_field.setTabChangesFocus(True)
        self.reason_field.setFixedHeight(90)
        self.message = InlineMessageLabel()
        self.reason_field.textChanged.connect(self.message.clear_message)  # the complaint goes once it is answered
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button = self.buttons.addButton("Take the match out", QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setProperty("role", "primary")
        self.confirm_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        for widget in (title, what, self.item_only, self.whole_workspace, hint, self.reason_field, self.message):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        """Accept only with a reason of sensible length."""
        missing = "Give a reason: it is recorded in the custody log."
        reason = required_reason(self.reason_field, self.message, missing, MAX_REASON_CHARS)
        if reason is None:
            return
        self.reason = reason
        self.everywhere = self.scope.checkedId() == EVERYWHERE
        super().accept()


def _short(entry: str) -> str:
    return entry if len(entry) <= 24 else f"{entry[:10]}…{entry[-10:]}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
