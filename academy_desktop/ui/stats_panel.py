"""The statistics of one exam: score figures and four charts.

:func:`~academy_desktop.ui.stats_data.load_exam_statistics` reads the exam as the
export does, so the window, the xlsx summary and ``main.py export`` always agree.
:class:`StatsPanel` runs it on the "db" lane and refreshes when
``ctx.signals.results_changed`` names its exam.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.progress import Cancelled
from academy_desktop.ui.charts import (
    ChoiceDistributionChart,
    DiscriminationChart,
    PercentCorrectChart,
    ScoreHistogram,
    format_number,
)
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.export_actions import ExportActions
from academy_desktop.ui.ops import BackgroundOp, OpHandle
from academy_desktop.ui.stats_data import ExamStatistics, QuestionInfo, load_exam_statistics
from academy_desktop.ui.text import localized

REFRESH_DELAY_MS = 400  # results arrive in bursts during a batch: one reload per burst
FEW_SHEETS = 20  # below this the discrimination index is only a rough guide


class _Tile(QFrame):
    """One figure: a big value over a caption."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–", self)
        font = QFont(self.value.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set(self, value: str, accessible: str) -> None:
        self.value.setText(value)
        self.setAccessibleName(accessible)


class StatsPanel(QWidget):
    """Mean, median, lowest, highest and count of one exam's scores, and four charts.

    Call :meth:`show_exam`; the panel reloads by itself when
    ``ctx.signals.results_changed`` names its exam (once per burst, and only when
    visible - a hidden panel reloads when it is shown again).
    """

    loaded = Signal(int)  # exam id: the figures on screen are up to date

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        export_actions: ExportActions | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.exam_id: int | None = None
        self.data: ExamStatistics | None = None
        self._generation = 0  # results of an older request are dropped
        self._loading = False
        self._again = False
        self._stale = False
        self._handle: OpHandle | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.export_actions = export_actions or ExportActions(ctx, self)
        self._build()
        ctx.signals.results_changed.connect(self._on_results_changed)
        ctx.signals.exams_changed.connect(self._on_exams_changed)

    # -- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        scroll.setWidget(body)
        self.scroll_area = scroll
        layout = QVBoxLayout(body)

        head = QHBoxLayout()
        self.title_label = QLabel(body)
        font = QFont(self.title_label.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel(body)
        self.export_button = QToolButton(body)
        self.export_button.setDefaultAction(self.export_actions.excel_action)
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        head.addWidget(self.title_label)
        head.addWidget(self.status_label)
        head.addStretch(1)
        head.addWidget(self.export_button)
        layout.addLayout(head)

        tiles = QGridLayout()
        self.count_tile = _Tile(body)
        self.mean_tile = _Tile(body)
        self.median_tile = _Tile(body)
        self.min_tile = _Tile(body)
        self.max_tile = _Tile(body)
        for i, tile in enumerate(
            (self.count_tile, self.mean_tile, self.median_tile, self.min_tile, self.max_tile)
        ):
            tiles.addWidget(tile, 0, i)
        layout.addLayout(tiles)
        self.counts_label = QLabel(body)
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        self.note_label = QLabel(body)
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.note_label)

        self.histogram = ScoreHistogram(body)
        self.percent_chart = PercentCorrectChart(body)
        self.choice_chart = ChoiceDistributionChart(body)
        self.discrimination_chart = DiscriminationChart(body)
        self.section_titles: list[QLabel] = []
        self.section_texts: list[QLabel] = []
        for chart in (
            self.histogram,
            self.percent_chart,
            self.choice_chart,
            self.discrimination_chart,
        ):
            heading = QLabel(body)
            hfont = QFont(heading.font())
            hfont.setBold(True)
            heading.setFont(hfont)
            explain = QLabel(body)
            explain.setWordWrap(True)
            dim = explain.palette()
            faint = dim.color(QPalette.ColorRole.WindowText)
            faint.setAlphaF(0.72)  # secondary text, still readable
            dim.setColor(QPalette.ColorRole.WindowText, faint)
            explain.setPalette(dim)
            layout.addSpacing(round(heading.fontMetrics().height() * 0.6))
            layout.addWidget(heading)
            layout.addWidget(explain)
            layout.addWidget(chart)
            self.section_titles.append(heading)
            self.section_texts.append(explain)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text again in the current language (also on a language change)."""
        captions = (
            (self.count_tile, self.tr("Graded sheets")),
            (self.mean_tile, self.tr("Mean")),
            (self.median_tile, self.tr("Median")),
            (self.min_tile, self.tr("Lowest")),
            (self.max_tile, self.tr("Highest")),
        )
        for tile, caption in captions:
            tile.caption.setText(caption)
        sections = (
            (
                self.tr("Score distribution"),
                self.tr("How many sheets got each score. The lines mark the mean and the median."),
            ),
            (
                self.tr("Percent correct per question"),
                self.tr("The share of graded sheets that answered each question correctly."),
            ),
            (
                self.tr("Answer choices per question"),
                self.tr(
                    "How the answers spread over the choices. A popular wrong choice may "
                    "point to a misunderstanding, or to a mistake in the key."
                ),
            ),
            (
                self.tr("Discrimination index per question"),
                self.tr(
                    "Percent correct in the top 27% of sheets minus the bottom 27%. "
                    "0.4 or more separates strong and weak students well; below 0.2 poorly; "
                    "a negative value usually means the key is wrong."
                ),
            ),
        )
        charts = (self.histogram, self.percent_chart, self.choice_chart, self.discrimination_chart)
        for i, (chart, (title, help_text)) in enumerate(zip(charts, sections, strict=True)):
            self.section_titles[i].setText(title)
            self.section_texts[i].setText(help_text)
            chart.setAccessibleName(title)
        if self.export_actions.parent() is self:
            self.export_actions.retranslate()
        if self.data is not None:
            self._show(self.data)
        elif not self._loading:
            self._show_nothing()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()

    # -- public
    def show_exam(self, exam_id: int | None) -> None:
        """Show exam ``exam_id`` (``None``: nothing) and load its statistics now."""
        self.exam_id = exam_id
        self.export_actions.set_exam(exam_id)
        self.data = None
        self._timer.stop()
        if exam_id is None:
            self._generation += 1
            self._show_nothing()
            return
        self.status_label.setText(self.tr("Calculating…"))
        self.refresh()

    def refresh(self) -> None:
        """Reload the current exam's statistics on the "db" lane."""
        self._timer.stop()
        if self.exam_id is None:
            return
        if self._loading:  # stop the outdated load; a new one starts when it has stopped
            self._again = True
            if self._handle is not None:
                self._handle.cancel()
            return
        self._loading = True
        self._stale = False
        self._generation += 1
        generation, exam_id, ws = self._generation, self.exam_id, self.ctx.workspace
        self._handle = (
            BackgroundOp(
                self,
                lambda state: load_exam_statistics(ws, exam_id, state),
                lambda data: self._on_loaded(generation, data),
            )
            .failure(lambda exc: self._on_failed(generation, exc))
            .run_in_background(self.ctx.runner, "db")
        )

    # -- reactions
    def _on_results_changed(self, exam_id: int) -> None:
        if exam_id != self.exam_id:
            return
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True

    def _on_exams_changed(self) -> None:  # a key change re-grades: percent correct moves
        if self.exam_id is not None:
            self._on_results_changed(self.exam_id)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.exam_id is not None:
            self.refresh()

    def _finish_load(self) -> bool:
        """End a load; start the next one if a refresh came in meanwhile."""
        self._loading = False
        self._handle = None
        if self._again:
            self._again = False
            self.refresh()
            return True
        return False

    def _on_loaded(self, generation: int, data: ExamStatistics) -> None:
        if self._finish_load() or generation != self._generation:
            return
        self.data = data
        self._show(data)
        self.loaded.emit(data.exam_id)

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if self._finish_load() or generation != self._generation or isinstance(exc, Cancelled):
            return
        self.data = None
        self._show_nothing()
        if isinstance(exc, LookupError):
            text = self.tr("This exam no longer exists.")
        else:
            text = self.tr("The statistics could not be calculated: {reason}").format(
                reason=localized(str(exc)) or type(exc).__name__
            )
        self.status_label.setText("")
        self.note_label.setText(text)

    # -- display
    def _show_nothing(self) -> None:
        self.title_label.setText(self.tr("No exam selected") if self.exam_id is None else "")
        self.status_label.setText("")
        for tile in (
            self.count_tile,
            self.mean_tile,
            self.median_tile,
            self.min_tile,
            self.max_tile,
        ):
            tile.set("–", tile.caption.text())
        self.counts_label.setText("")
        self.note_label.setText("")
        self.histogram.set_data([], None)
        self.percent_chart.set_data([])
        self.choice_chart.set_data([])
        self.discrimination_chart.set_data([])

    def _show(self, data: ExamStatistics) -> None:
        st = data.stats
        self.title_label.setText(data.title)
        self.status_label.setText("")
        figures = (
            (self.count_tile, str(len(st.scores)) if st.scores else "0"),
            (self.mean_tile, format_number(st.score_mean)),
            (self.median_tile, format_number(st.score_median)),
            (self.min_tile, format_number(st.score_min)),
            (self.max_tile, format_number(st.score_max)),
        )
        for tile, value in figures:
            tile.set(value, f"{tile.caption.text()}: {value}")
        self.mean_tile.setToolTip(
            self.tr("Exact mean: {mean}").format(
                mean=f"{st.score_mean:.2f}" if st.score_mean is not None else "–"
            )
        )
        counts = self.tr(
            "{pages} pages: {ok} read, {rejected} rejected, {review} still to review, "
            "{unmatched} not on the roster."
        ).format(
            pages=st.sheets,
            ok=st.ok,
            rejected=st.rejected,
            review=st.review_needed,
            unmatched=st.unmatched,
        )
        if data.max_score:
            counts += " " + self.tr("Scores are out of {max}.").format(
                max=format_number(data.max_score)
            )
        self.counts_label.setText(counts)
        notes = []
        if not data.has_key:
            notes.append(
                self.tr(
                    "This exam has no answer key yet: scores, percent correct and the "
                    "discrimination index appear once a key is set."
                )
            )
        if st.review_needed:
            notes.append(
                self.tr("{n} sheets still need review; the figures may change.").format(
                    n=st.review_needed
                )
            )
        if data.has_key and 0 < len(st.scores) < FEW_SHEETS:
            notes.append(
                self.tr(
                    "With fewer than {n} graded sheets the discrimination index is only a "
                    "rough guide."
                ).format(n=FEW_SHEETS)
            )
        self.note_label.setText("\n".join(notes))

        self.histogram.set_data(st.scores, data.max_score)
        no_key = self.tr("No answer key: set one to see this chart")
        for chart in (self.percent_chart, self.discrimination_chart):
            chart.set_empty_text(no_key if not data.has_key and st.ok else None)
        self.percent_chart.set_data(data.percent_correct())
        self.discrimination_chart.set_data(data.discrimination())
        self.choice_chart.set_data(data.choices())


__all__ = ["ExamStatistics", "QuestionInfo", "StatsPanel", "load_exam_statistics"]
