"""What a filed report contributes to the transparency figures, written into its custody event.

The figures are recomputed from the custody log alone (``statistics.py``), so the event that says
a report was filed must carry what the figures count: its incident type, how many file hashes it
gave NCMEC, and whether the app's own referral hints found it referral-ready (no ``referral-*``
warning) or informational. Computed once, when the report is filed, from the draft as filed.
"""

from typing import Any

from desktop_app.core.cybertipline.model import ReportDraft
from desktop_app.core.cybertipline.validate import check_draft


def report_figures(draft: ReportDraft | None) -> dict[str, Any]:
    """``incident_type``, ``hashes`` and ``referral_ready`` of ``draft`` (empty when it is gone)."""
    if draft is None:
        return {}
    summary = draft.report.get("incidentSummary")
    incident = (summary.text("incidentType") or "") if summary is not None else ""
    hashes = sum(1 for entry in draft.files for _, node in entry.details.walk() if node.decl.name == "originalFileHash")
    hints = [f for f in check_draft(draft) if f.code.startswith("referral-")]
    return {"incident_type": incident or "unknown", "hashes": hashes, "referral_ready": not hints}
