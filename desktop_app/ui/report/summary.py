"""A readable summary of a report, as HTML for the preview: what a colleague would read before sending.

Generated from the model and its declarations: every element that is present, with its label,
in document order; yes/no for booleans, tags listed by name, dates as written (with their zone).
A pure function of the draft (no widgets), so it is tested on its own.
"""

from collections.abc import Sequence
from html import escape

from desktop_app.core.cybertipline.findings import Finding, Severity, lower_label
from desktop_app.core.cybertipline.model import Node, ReportDraft
from desktop_app.core.cybertipline.schema_types import ElementDecl, XsdType
from desktop_app.core.cybertipline.values import parse_boolean
from desktop_app.core.domain.custody_words import plural
from desktop_app.ui.theme import NOTICE_TEXT, OK_TEXT, PROBLEM_TEXT, SECONDARY_TEXT

_STYLE = f"""
<head><style>
  h2 {{ font-size: 12pt; font-weight: 600; margin-top: 14px; margin-bottom: 4px; }}
  h3 {{ font-size: 10.5pt; font-weight: 600; margin-top: 10px; margin-bottom: 2px; }}
  td.k {{ color: {SECONDARY_TEXT}; padding: 1px 12px 1px 0; vertical-align: top; white-space: nowrap; }}
  td.v {{ padding: 1px 0; }}
  .nested {{ margin-left: 14px; }}
</style></head>
"""


def _value_text(decl: ElementDecl, value: str | None) -> str:
    if decl.fixed is not None:
        return "yes"
    if decl.type is XsdType.BOOLEAN and value is not None:
        parsed = parse_boolean(value)
        return {True: "yes", False: "no"}.get(parsed, value) if parsed is not None else value
    return value or ""


def _attributes(node: Node) -> str:
    parts = []
    for attribute in node.decl.attributes:
        value = node.attributes.get(attribute.name)
        if value is None:
            continue
        if attribute.type is XsdType.BOOLEAN:
            shown = lower_label(attribute.label) if parse_boolean(value) else f"not {lower_label(attribute.label)}"
        else:
            shown = f"{lower_label(attribute.label)} {value}"
        parts.append(escape(shown))
    return f' <span style="color:{SECONDARY_TEXT}">({", ".join(parts)})</span>' if parts else ""


def _rows(node: Node) -> str:
    html = []
    if not node.decl.has_value and node.attributes:
        html.append(f'<tr><td class="k">Details</td><td class="v">{_attributes(node)}</td></tr>')
    for decl, occurrences in node.present():
        for position, child in enumerate(occurrences):
            label = escape(decl.label + (f" {position + 1}" if len(occurrences) > 1 else ""))
            if decl.has_value:
                value = escape(_value_text(decl, child.value)).replace("\n", "<br>")
                html.append(f'<tr><td class="k">{label}</td><td class="v">{value}{_attributes(child)}</td></tr>')
            else:
                html.append(f'<tr><td class="k" colspan="2"><b>{label}</b>{_attributes(child)}</td></tr>')
                html.append(f'<tr><td colspan="2"><div class="nested">{_table(child)}</div></td></tr>')
    return "".join(html)


def _table(node: Node) -> str:
    rows = _rows(node)
    return f"<table cellspacing='0'>{rows}</table>" if rows else f'<i style="color:{SECONDARY_TEXT}">(empty)</i>'


def _verdict(findings: Sequence[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    if errors:
        colour, text = PROBLEM_TEXT, f"Not ready: {plural(errors, 'error')} must be fixed first."
    else:
        colour, text = OK_TEXT, "Ready: NCMEC would accept this report."
    if warnings:
        text += f" {plural(warnings, 'suggestion')} would make it more useful to law enforcement."
        if not errors:
            colour = NOTICE_TEXT
    return f'<p style="color:{colour}"><b>{escape(text)}</b></p>'


def summary_html(draft: ReportDraft, findings: Sequence[Finding]) -> str:
    """The whole draft, section by section, and whether it is ready."""
    parts = ["<html>", _STYLE, "<body>", _verdict(findings)]
    for decl, occurrences in draft.report.present():
        for position, node in enumerate(occurrences):
            title = decl.label + (f" {position + 1}" if len(occurrences) > 1 else "")
            parts.append(f"<h2>{escape(title)}</h2>")
            if decl.has_value:
                parts.append(f"<p>{escape(_value_text(decl, node.value)).replace(chr(10), '<br>')}</p>")
            else:
                parts.append(_attributes(node).strip() + _table(node))
    parts.append(f"<h2>Files ({len(draft.files)})</h2>")
    if not draft.files:
        parts.append("<p>None: a report without files.</p>")
    for number, entry in enumerate(draft.files, start=1):
        name = entry.details.text("originalFileName") or entry.details.text("fileName") or "(no name)"
        parts.append(f"<h3>File {number}: {escape(name)}</h3>{_table(entry.details)}")
    parts.append("</body></html>")
    return "".join(parts)
