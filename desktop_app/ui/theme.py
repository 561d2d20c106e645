"""The app's look: a calm light palette and one stylesheet, applied once by the composition root.

The people using this app may be looking at distressing material all day, so nothing here shouts:
muted blue-grey accents, soft status colours (a quiet green for "intact", a brick red rather than
an alarm red for problems), and generous spacing. Widgets pick a style with a dynamic ``role``
property (``label.setProperty("role", "hint")``) instead of inline stylesheets, so the colours
live in one place.
"""

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

ACCENT = "#2e5a78"
TEXT = "#1f2933"
SECONDARY_TEXT = "#52606d"
WINDOW = "#f3f4f6"
SURFACE = "#ffffff"
BORDER = "#d9dde3"
OK_TEXT, OK_BACKGROUND, OK_BORDER = "#25613d", "#e4f1e8", "#bcdcc7"
PROBLEM_TEXT, PROBLEM_BACKGROUND, PROBLEM_BORDER = "#8c3a2b", "#f8e9e6", "#e6c3bb"
NOTICE_TEXT, NOTICE_BACKGROUND, NOTICE_BORDER = "#6e5314", "#fbf4e2", "#eadbb0"
MONOSPACE_FAMILIES = ["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"]

STYLESHEET = f"""
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; color: {TEXT}; }}
QLabel[role="section"] {{
    font-size: 8.5pt; font-weight: 600; color: {SECONDARY_TEXT}; padding-top: 6px;
}}
QLabel[role="hint"] {{ color: {SECONDARY_TEXT}; }}
QLabel[role="field-name"] {{ color: {SECONDARY_TEXT}; }}
QLabel[role="strong"] {{ font-weight: 600; color: {TEXT}; }}
QTextEdit[role="value"] {{ background: transparent; border: none; padding: 0; }}
QLabel[role="error"] {{ color: {PROBLEM_TEXT}; }}
QLabel[role="ok"] {{
    color: {OK_TEXT}; background: {OK_BACKGROUND}; border: 1px solid {OK_BORDER};
    border-radius: 6px; padding: 8px 10px;
}}
QLabel[role="problem"] {{
    color: {PROBLEM_TEXT}; background: {PROBLEM_BACKGROUND}; border: 1px solid {PROBLEM_BORDER};
    border-radius: 6px; padding: 8px 10px;
}}
QLabel[role="notice"] {{
    color: {NOTICE_TEXT}; background: {NOTICE_BACKGROUND}; border: 1px solid {NOTICE_BORDER};
    border-radius: 6px; padding: 8px 10px;
}}
QLabel[role="neutral"] {{
    color: {SECONDARY_TEXT}; background: {WINDOW}; border: 1px solid {BORDER};
    border-radius: 6px; padding: 8px 10px;
}}
QLabel[role="secret"] {{
    font-size: 15pt; color: {TEXT}; background: {SURFACE}; border: 1px solid {BORDER};
    border-radius: 6px; padding: 14px;
}}
QFrame[role="panel"] {{ background: {SURFACE}; border: none; border-right: 1px solid {BORDER}; }}
QFrame[role="card"] {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
QTableView {{
    background: {SURFACE}; alternate-background-color: #f7f8fa; border: 1px solid {BORDER};
    gridline-color: #eceff2; selection-background-color: #d5e2ec; selection-color: {TEXT};
}}
QTableView::item {{ padding: 0 10px; }}
QHeaderView::section {{
    background: {WINDOW}; color: {SECONDARY_TEXT}; border: none;
    border-bottom: 1px solid {BORDER}; padding: 6px 10px; font-weight: 600;
}}
QPushButton {{ padding: 5px 14px; }}
QPushButton[role="primary"] {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT}; border-radius: 4px; padding: 6px 16px;
}}
QPushButton[role="link"] {{
    border: none; background: transparent; color: {ACCENT}; padding: 2px 0; text-align: left;
    text-decoration: underline;
}}
QPushButton[role="link"]:hover {{ color: {TEXT}; }}
QPushButton[role="primary"]:disabled {{ background: #9fb2c0; border-color: #9fb2c0; }}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 3px; background: {SURFACE}; max-height: 6px; }}
QProgressBar::chunk {{ background: {ACCENT}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"],
QDateTimeEdit[invalid="true"] {{
    border: 2px solid {PROBLEM_TEXT}; border-radius: 3px; background: {PROBLEM_BACKGROUND}; padding: 1px 3px;
}}
QStatusBar {{ color: {SECONDARY_TEXT}; }}
"""


def palette() -> QPalette:
    """The light palette every widget starts from."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: SURFACE,
        QPalette.ColorRole.AlternateBase: "#f7f8fa",
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.PlaceholderText: "#8a95a1",
        QPalette.ColorRole.Button: "#eceff2",
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: SURFACE,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        pal.setColor(disabled, role, QColor("#9aa5b1"))
    return pal


def apply_theme(app: QApplication) -> None:
    """Fusion (identical on every platform, so screenshots and support match), palette, stylesheet."""
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    app.setPalette(palette())
    app.setStyleSheet(STYLESHEET)


def monospace_font(point_size: float | None = None) -> QFont:
    """A fixed-width font for keys, ids and hashes."""
    font = QFont()
    font.setFamilies(MONOSPACE_FAMILIES)
    font.setStyleHint(QFont.StyleHint.Monospace)
    if point_size is not None:
        font.setPointSizeF(point_size)
    return font


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Outline a field whose value is wrong (the message under it says why), or take the outline off."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_role(widget: QWidget, role: str) -> None:
    """Switch a widget's stylesheet role and re-polish it so the change shows at once."""
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
