"""The transparency figures of a chosen period: totals, reports by month, breakdowns; exported on demand.

Every number comes from ``Lifecycle.figures`` (custody-log events counted in core), so the view,
the CSV, the summary page and ``evidence-desk stats`` agree by construction.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.lifecycle import Lifecycle
from desktop_app.core.services.statistics import Figures
from desktop_app.core.services.transparency_summary import BREAKDOWNS, TOTALS, reports_by_month
from desktop_app.ui.retention.action_dialog import date_field, picked_date, start_of_day
from desktop_app.ui.retention.bar_chart import BarChartWidget
from desktop_app.ui.retention.figures_export import FiguresExport, export_figures
from desktop_app.ui.worker import WorkerPool


class StatisticsWidget(QWidget):
    """Period, totals table, two charts (reports by month; a chosen breakdown) and Export."""

    figures_shown = Signal(object)
    message = Signal(str)

    def __init__(self, lifecycle: Lifecycle, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lifecycle = lifecycle
        self._pool = pool
        self.figures: Figures | None = None
        today = datetime.now(UTC).date()
        self.start = date_field(date(today.year - 1, today.month, 1))
        self.end = date_field(today + timedelta(days=1))
        self.show_button = QPushButton("Show")
        self.show_button.clicked.connect(self.reload)
        self.export_button = QPushButton("Export CSV, HTML and PDF…")
        self.export_button.clicked.connect(lambda: self.export())
        self.export_button.setEnabled(False)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        self.totals = QTableWidget(len(TOTALS), 2)
        self.totals.setHorizontalHeaderLabels(("Figure", "In the period"))
        self.totals.verticalHeader().hide()
        self.totals.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.totals.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.totals.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.monthly = BarChartWidget("Reports filed by month")
        self.breakdown_choice = QComboBox()
        for title, _ in BREAKDOWNS:
            self.breakdown_choice.addItem(title)
        self.breakdown_choice.currentIndexChanged.connect(self._show_breakdown)
        self.breakdown = BarChartWidget()
        top = QHBoxLayout()
        for widget in (QLabel("From"), self.start, QLabel("to (excluded)"), self.end, self.show_button):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.export_button)
        charts = QWidget()
        chart_column = QVBoxLayout(charts)
        chart_column.setContentsMargins(0, 0, 0, 0)
        chart_column.addWidget(self.monthly, 1)
        chart_column.addWidget(self.breakdown_choice)
        chart_column.addWidget(self.breakdown, 1)
        splitter = QSplitter()
        splitter.addWidget(self.totals)
        splitter.addWidget(charts)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 1000])
        self.totals.setMinimumWidth(340)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

    def period(self) -> tuple[datetime, datetime]:
        """The chosen period, [start, end) in UTC."""
        return start_of_day(picked_date(self.start)), start_of_day(picked_date(self.end))

    def reload(self) -> None:
        """Recompute the figures of the chosen period from the custody log, in a worker."""
        start, end = self.period()
        worker = self._pool.run(self._lifecycle.figures, start, end, context=self)
        worker.result.connect(self._show)
        worker.error.connect(self._failed)

    def clear(self) -> None:
        """Forget the figures (the workspace locked)."""
        self.figures = None
        self.totals.clearContents()
        self.monthly.set_values("Reports filed by month", {})
        self.breakdown.set_values("", {})
        self.export_button.setEnabled(False)

    def _show(self, figures: Figures) -> None:
        self.figures = figures
        for row, (label, name) in enumerate(TOTALS):
            self.totals.setItem(row, 0, QTableWidgetItem(label))
            self.totals.setItem(row, 1, QTableWidgetItem(str(figures.total(name))))
        self.monthly.set_values("Reports filed by month (through the API or by hand)", reports_by_month(figures))
        self._show_breakdown()
        self.export_button.setEnabled(True)
        self.status.setText(
            f"{figures.start:%Y-%m-%d} to {figures.end:%Y-%m-%d}, counted from the custody log; "
            "'evidence-desk stats' recomputes the same figures."
        )
        self.figures_shown.emit(figures)

    def _show_breakdown(self) -> None:
        if self.figures is not None:
            title, name = BREAKDOWNS[max(self.breakdown_choice.currentIndex(), 0)]
            self.breakdown.set_values(title, self.figures.breakdown(name))

    def shown_totals(self) -> dict[str, int]:
        """What the totals table shows, by figure name (what tests compare with the log)."""
        shown = {}
        for row, (_, name) in enumerate(TOTALS):
            cell = self.totals.item(row, 1)
            if cell is not None:
                shown[name] = int(cell.text())
        return shown

    def export(self, chosen: Path | None = None) -> None:
        """Write the figures shown as CSV, HTML and PDF (asks where when ``chosen`` is None)."""
        if self.figures is None:
            return
        if chosen is None:
            name, _ = QFileDialog.getSaveFileName(self, "Export transparency figures", "transparency-figures.pdf")
            if not name:
                return
            chosen = Path(name)
        worker = self._pool.run(export_figures, self.figures, chosen, context=self)
        worker.result.connect(self._exported)
        worker.error.connect(self._failed)

    def _exported(self, written: FiguresExport) -> None:
        self.message.emit(
            f"Figures written: {written.csv_path.name}, {written.html_path.name}, {written.pdf_path.name}."
        )
        self.status.setText(f"Written to {written.pdf_path.parent}.")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            self.status.setText(exc.message)
            self.message.emit(exc.message)
