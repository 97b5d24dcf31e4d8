"""The statistics charts, drawn with QPainter (no chart library; see ``docs/statistics.md``).

Four widgets, each fed plain data (no store, no Qt models):

* :class:`ScoreHistogram` - how many sheets got each score, with mean and median lines;
* :class:`PercentCorrectChart` - percent correct per question;
* :class:`ChoiceDistributionChart` - how the answers spread over the choices, one small
  chart per question, the key's choice highlighted;
* :class:`DiscriminationChart` - the discrimination index per question, with the
  "poor" band (below 0.2) shaded.

Every size comes from the font (``em``), so the charts stay readable with high-DPI
scaling (``QT_SCALE_FACTOR=1.5``); colours always come with a legend, a text tag or a
tooltip; hovering a bar shows its exact numbers, and the accessible description holds
a text summary of the chart for screen readers. Strings are translated in the
``Charts`` context (explicit ``translate`` calls, so subclasses share one context).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR = QColor("#3b6ea8")  # scores, percent correct
MEAN = QColor("#c0392b")
MEDIAN = QColor("#1e7b4a")
CORRECT = QColor("#2e8b57")
OTHER_CHOICE = QColor("#8fa8c8")
NO_CHOICE = QColor("#c4c4c4")  # blank and multiple marks
GOOD = QColor("#2e8b57")
FAIR = QColor("#3b6ea8")
POOR = QColor("#e08a1e")
NEGATIVE = QColor("#c0392b")
POOR_BAND_ALPHA = 0.16  # the "poor" band: the poor colour, faded into the background

GOOD_D = 0.4  # discrimination: about 0.4 or more discriminates well
POOR_D = 0.2  # below 0.2 poorly (docs/export.md)
MAX_BINS = 20
WHOLE_BINS_UP_TO = 30  # integral scores up to this range: one bar per score


def mix(color: QColor, background: QColor, amount: float) -> QColor:
    """``color`` laid over ``background`` at ``amount`` (0..1), as an opaque colour.

    Opaque colours keep painting simple: Qt's raster engine hands translucent spans
    to its internal thread pool, whose threads then idle for 30 s.
    """
    a = max(0.0, min(1.0, amount))
    return QColor.fromRgbF(
        color.redF() * a + background.redF() * (1 - a),
        color.greenF() * a + background.greenF() * (1 - a),
        color.blueF() * a + background.blueF() * (1 - a),
    )


def format_number(value: float | None, decimals: int = 1) -> str:
    """``14`` for a whole number, else ``decimals`` places (``14.2``); ``–`` for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.{decimals}f}"


def format_percent(share: float | None, decimals: int = 1) -> str:
    if share is None:
        return "–"
    return f"{format_number(share * 100, decimals)}%"


def short_label(label: str) -> str:
    """The axis text of a question: ``q7`` -> ``7``; other labels unchanged."""
    digits = ""
    for ch in reversed(label):
        if not ch.isdigit():
            break
        digits = ch + digits
    return str(int(digits)) if digits and len(digits) < len(label) else label


def nice_step(span: float, max_ticks: int = 5) -> float:
    """A tick step of 1, 2 or 5 x 10^k giving at most ``max_ticks`` steps over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / max_ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * power >= raw - 1e-12:
            return m * power
    return 10.0 * power


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class Bin:
    """One histogram bar: scores ``start <= s < end`` (the last bar includes ``end``),
    or exactly ``start`` when ``whole`` (one bar per whole score)."""

    start: float
    end: float
    count: int
    whole: bool

    def text(self) -> str:
        if self.whole:
            return format_number(self.start)
        return f"{format_number(self.start)}–{format_number(self.end)}"


def histogram_bins(scores: Sequence[float], max_score: float | None = None) -> list[Bin]:
    """Bars from 0 (or the lowest negative score) to the maximum score.

    Whole scores over a range of at most 30 points get one bar per score; otherwise
    the range is cut into at most 20 bars of a round width (1, 2, 5, 10, ... points).
    """
    if not scores:
        return []
    lo = min(0.0, math.floor(min(scores)))
    hi = max(float(max_score or 0.0), max(scores))
    whole = all(float(s).is_integer() for s in scores) and float(hi).is_integer()
    if whole and hi - lo <= WHOLE_BINS_UP_TO:
        n = int(hi - lo) + 1
        counts = [0] * n
        for s in scores:
            counts[round(s - lo)] += 1
        return [Bin(lo + i, lo + i, c, True) for i, c in enumerate(counts)]
    width = _bin_width(hi - lo, whole)
    lo = math.floor(lo / width) * width
    n = max(1, math.ceil((hi - lo) / width - 1e-9))
    counts = [0] * n
    for s in scores:
        counts[min(n - 1, max(0, int((s - lo) // width)))] += 1
    return [Bin(lo + i * width, lo + (i + 1) * width, c, False) for i, c in enumerate(counts)]


def _bin_width(span: float, whole: bool) -> float:
    for power in range(-2, 8):
        for m in (1.0, 2.0, 2.5, 5.0):
            width = m * 10.0**power
            if whole and not (width >= 1 and width.is_integer()):
                continue
            if span / width <= MAX_BINS:
                return width
    return 10.0**8


@dataclass(frozen=True)
class QuestionCorrect:
    label: str
    correct: int
    graded: int

    @property
    def share(self) -> float | None:
        return self.correct / self.graded if self.graded else None


@dataclass(frozen=True)
class QuestionDiscrimination:
    label: str
    index: float | None  # D = upper - lower; None when it cannot be computed
    upper: float | None = None  # share correct in the upper 27 %
    lower: float | None = None


@dataclass(frozen=True)
class QuestionChoices:
    label: str
    choices: tuple[str, ...]  # the single-mark values, in sheet order
    counts: Mapping[str, int]
    blank: int = 0
    multi: int = 0
    correct: frozenset[str] = field(default_factory=frozenset)  # the key's answer(s)

    @property
    def answered(self) -> int:
        return sum(self.counts.values()) + self.blank + self.multi


def discrimination_grade(d: float) -> tuple[QColor, str]:
    """The colour and the word for a discrimination index."""
    if d < 0:
        return NEGATIVE, QCoreApplication.translate("Charts", "negative: check the key")
    if d < POOR_D:
        return POOR, QCoreApplication.translate("Charts", "poor")
    if d < GOOD_D:
        return FAIR, QCoreApplication.translate("Charts", "fair")
    return GOOD, QCoreApplication.translate("Charts", "good")


# ---------------------------------------------------------------- base


@dataclass(frozen=True)
class LegendItem:
    color: QColor
    text: str
    line: Qt.PenStyle | None = None  # a line sample instead of a swatch


class ChartWidget(QWidget):
    """Shared drawing: background, empty state, axes, legend, hover tooltips."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._empty_text: str | None = None  # None: "No graded sheets yet"
        self._update_accessibility()

    # -- to implement
    def is_empty(self) -> bool:
        raise NotImplementedError

    def paint_chart(self, p: QPainter) -> None:
        raise NotImplementedError

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        """The exact numbers under ``pos`` (widget coordinates), or ``""``."""
        return ""

    def summary(self) -> str:
        """The whole chart as one sentence (the accessible description)."""
        return ""

    # -- shared
    @property
    def empty_text(self) -> str:
        """What the chart says when it has nothing to draw."""
        if self._empty_text is not None:
            return self._empty_text
        return QCoreApplication.translate("Charts", "No graded sheets yet")

    def set_empty_text(self, text: str | None) -> None:
        """Say ``text`` when empty (``None``: the default "No graded sheets yet")."""
        self._empty_text = text
        self._update_accessibility()
        self.update()

    def _update_accessibility(self) -> None:
        self.setAccessibleDescription(self.empty_text if self.is_empty() else self.summary())

    def data_changed(self) -> None:
        self._update_accessibility()
        self.updateGeometry()
        self.update()

    def em(self) -> float:
        return QFontMetricsF(self.font()).height()

    def sizeHint(self) -> QSize:
        em = self.em()
        return QSize(round(em * 40), round(em * 15))

    def minimumSizeHint(self) -> QSize:
        em = self.em()
        return QSize(round(em * 18), round(em * 12))

    def text_color(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def background(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Base)

    def faint_color(self) -> QColor:
        return mix(self.text_color(), self.background(), 0.6)

    def grid_color(self) -> QColor:
        return mix(self.text_color(), self.background(), 0.13)

    def small_font(self) -> QFont:
        f = QFont(self.font())
        if f.pointSizeF() > 0:
            f.setPointSizeF(f.pointSizeF() * 0.85)
        else:
            f.setPixelSize(max(6, round(f.pixelSize() * 0.85)))
        return f

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.fillRect(self.rect(), self.background())
            if self.is_empty():
                p.setPen(self.faint_color())
                p.drawText(
                    QRectF(self.rect()),
                    int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                    self.empty_text,
                )
            else:
                self.paint_chart(p)
        finally:
            p.end()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:  # texts are translated when drawn
            self._update_accessibility()
            self.update()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = "" if self.is_empty() else self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # -- layout helpers
    def legend_rows(self, items: Sequence[LegendItem], width: float) -> list[list[LegendItem]]:
        """The legend cut into rows that fit ``width``."""
        rows: list[list[LegendItem]] = [[]]
        used = 0.0
        for item in items:
            w = self._legend_item_width(item)
            if rows[-1] and used + w > width:
                rows.append([])
                used = 0.0
            rows[-1].append(item)
            used += w
        return rows if rows[0] else []

    def _legend_item_width(self, item: LegendItem) -> float:
        em = self.em()
        return em * 1.4 + QFontMetricsF(self.font()).horizontalAdvance(item.text) + em * 0.9

    def draw_legend_row(
        self, p: QPainter, row: Sequence[LegendItem], right: float, top: float
    ) -> None:
        """Right-aligned at ``right``, one text line high, from ``top``."""
        em = self.em()
        x = right - sum(self._legend_item_width(i) for i in row) + em * 0.9
        fm = QFontMetricsF(self.font())
        for item in row:
            mid = top + em / 2
            if item.line is None:
                p.fillRect(QRectF(x, mid - em * 0.32, em * 0.9, em * 0.64), item.color)
            else:
                pen = QPen(item.color, max(1.5, em / 8), item.line)
                p.setPen(pen)
                p.drawLine(QPointF(x, mid), QPointF(x + em * 1.1, mid))
            p.setPen(self.text_color())
            tx = x + em * 1.4
            p.drawText(
                QRectF(tx, top, fm.horizontalAdvance(item.text) + 2, em),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                item.text,
            )
            x += self._legend_item_width(item)

    def draw_header(self, p: QPainter, y_title: str, legend: Sequence[LegendItem]) -> float:
        """The y-axis title (left) and the legend (right); returns the height used."""
        em = self.em()
        fm = QFontMetricsF(self.font())
        title_w = fm.horizontalAdvance(y_title) + em
        rows = self.legend_rows(legend, max(em * 6, self.width() - title_w - em))
        p.setPen(self.faint_color())
        p.drawText(
            QRectF(em * 0.3, 0, title_w, em * 1.3),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            y_title,
        )
        for i, row in enumerate(rows):
            self.draw_legend_row(p, row, self.width() - em * 0.6, em * 0.15 + i * em * 1.15)
        return max(1, len(rows)) * em * 1.15 + em * 0.3

    def header_height(self, y_title: str, legend: Sequence[LegendItem]) -> float:
        em = self.em()
        title_w = QFontMetricsF(self.font()).horizontalAdvance(y_title) + em
        rows = self.legend_rows(legend, max(em * 6, self.width() - title_w - em))
        return max(1, len(rows)) * em * 1.15 + em * 0.3

    def y_label_width(self, labels: Iterable[str]) -> float:
        fm = QFontMetricsF(self.small_font())
        return max((fm.horizontalAdvance(t) for t in labels), default=0.0) + self.em() * 0.7

    def draw_y_grid(
        self,
        p: QPainter,
        plot: QRectF,
        lo: float,
        hi: float,
        ticks: Sequence[tuple[float, str]],
    ) -> None:
        em = self.em()
        p.setFont(self.small_font())
        for value, text in ticks:
            y = _y_of(plot, lo, hi, value)
            p.setPen(QPen(self.grid_color(), 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(self.faint_color())
            p.drawText(
                QRectF(0, y - em / 2, plot.left() - em * 0.3, em),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        p.setFont(self.font())

    def draw_x_title(self, p: QPainter, plot: QRectF, text: str) -> None:
        em = self.em()
        p.setPen(self.faint_color())
        p.drawText(
            QRectF(plot.left(), self.height() - em * 1.2, plot.width(), em * 1.1),
            int(Qt.AlignmentFlag.AlignCenter),
            text,
        )

    def draw_axis_line(self, p: QPainter, plot: QRectF, y: float) -> None:
        p.setPen(QPen(self.faint_color(), 1))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))

    def label_step(self, slot: float, labels: Sequence[str]) -> int:
        """Label every n-th category so that labels never overlap."""
        fm = QFontMetricsF(self.small_font())
        need = max((fm.horizontalAdvance(t) for t in labels), default=0.0) + self.em() * 0.4
        for step in (1, 2, 5, 10, 20, 50, 100):
            if step * slot >= need:
                return step
        return 100


def _y_of(plot: QRectF, lo: float, hi: float, value: float) -> float:
    if hi <= lo:
        return plot.bottom()
    return plot.bottom() - (value - lo) / (hi - lo) * plot.height()


# ---------------------------------------------------------------- histogram


class ScoreHistogram(ChartWidget):
    """How many graded sheets got each score, with the mean and the median."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.scores: list[float] = []
        self.max_score: float | None = None
        self.bins: list[Bin] = []
        super().__init__(parent)

    def set_data(self, scores: Sequence[float], max_score: float | None = None) -> None:
        self.scores = [float(s) for s in scores]
        self.max_score = max_score
        self.bins = histogram_bins(self.scores, max_score)
        self.data_changed()

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    def is_empty(self) -> bool:
        return not self.bins

    def summary(self) -> str:
        if not self.scores:
            return ""
        return QCoreApplication.translate(
            "Charts",
            "Score distribution of {n} sheets: mean {mean}, median {median}, "
            "lowest {low}, highest {high}.",
        ).format(
            n=len(self.scores),
            mean=format_number(self.mean),
            median=format_number(self.median),
            low=format_number(min(self.scores)),
            high=format_number(max(self.scores)),
        )

    def _legend(self) -> list[LegendItem]:
        return [
            LegendItem(
                MEAN,
                QCoreApplication.translate("Charts", "Mean {value}").format(
                    value=format_number(self.mean)
                ),
                Qt.PenStyle.DashLine,
            ),
            LegendItem(
                MEDIAN,
                QCoreApplication.translate("Charts", "Median {value}").format(
                    value=format_number(self.median)
                ),
                Qt.PenStyle.DotLine,
            ),
        ]

    def _y_axis(self) -> tuple[float, list[tuple[float, str]]]:
        top = max((b.count for b in self.bins), default=0)
        step = max(1.0, nice_step(max(1, top), 5))
        hi = max(step, math.ceil(top / step) * step)
        if hi == top:  # room for the count tags above the tallest bar
            hi += step
        ticks = [(v * step, format_number(v * step)) for v in range(int(hi / step) + 1)]
        return hi, ticks

    def _domain(self) -> tuple[float, float]:
        first, last = self.bins[0], self.bins[-1]
        if first.whole:
            return first.start - 0.5, last.start + 0.5
        return first.start, last.end

    def plot_rect(self) -> QRectF:
        em = self.em()
        _, ticks = self._y_axis()
        left = self.y_label_width(t for _, t in ticks) + em * 0.2
        top = self.header_height(self._y_title(), self._legend()) + em * 1.3  # line tags
        return QRectF(left, top, self.width() - left - em, self.height() - top - em * 2.6)

    def _y_title(self) -> str:
        return QCoreApplication.translate("Charts", "Sheets")

    def x_of(self, plot: QRectF, score: float) -> float:
        lo, hi = self._domain()
        return plot.left() + (score - lo) / (hi - lo) * plot.width()

    def bar_rect(self, i: int, plot: QRectF | None = None) -> QRectF:
        """Bar ``i`` in widget coordinates (zero height for an empty bin)."""
        plot = plot or self.plot_rect()
        hi, _ = self._y_axis()
        slot = plot.width() / len(self.bins)
        gap = max(1.0, slot * 0.08)
        x0 = plot.left() + i * slot + gap / 2
        y = _y_of(plot, 0, hi, self.bins[i].count)
        return QRectF(x0, y, slot - gap, plot.bottom() - y)

    def bin_at(self, pos: QPoint | QPointF) -> int | None:
        plot = self.plot_rect()
        if not self.bins or not (plot.left() <= pos.x() < plot.right()):
            return None
        if not (plot.top() - self.em() <= pos.y() <= plot.bottom() + self.em() * 1.2):
            return None
        return min(
            len(self.bins) - 1, int((pos.x() - plot.left()) / (plot.width() / len(self.bins)))
        )

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        i = self.bin_at(pos)
        if i is None:
            return ""
        b = self.bins[i]
        share = format_percent(b.count / len(self.scores)) if self.scores else "–"
        if b.whole:
            text = QCoreApplication.translate("Charts", "Score {score}: {n} sheets ({share})")
            return text.format(score=b.text(), n=b.count, share=share)
        last = i == len(self.bins) - 1
        text = (
            QCoreApplication.translate("Charts", "Scores {low} to {high}: {n} sheets ({share})")
            if last
            else QCoreApplication.translate(
                "Charts", "Scores from {low} to under {high}: {n} sheets ({share})"
            )
        )
        return text.format(
            low=format_number(b.start), high=format_number(b.end), n=b.count, share=share
        )

    def paint_chart(self, p: QPainter) -> None:
        em = self.em()
        self.draw_header(p, self._y_title(), self._legend())
        plot = self.plot_rect()
        if plot.width() <= em or plot.height() <= em:
            return
        hi, ticks = self._y_axis()
        self.draw_y_grid(p, plot, 0, hi, ticks)
        # bars, each with its count on top when there is room
        small = self.small_font()
        fm = QFontMetricsF(small)
        p.setFont(small)
        slot = plot.width() / len(self.bins)
        tags: list[tuple[QRectF, str]] = []  # the counts, drawn over the mean/median lines
        for i, b in enumerate(self.bins):
            r = self.bar_rect(i, plot)
            if b.count:
                p.fillRect(r, BAR)
                text = str(b.count)
                if fm.horizontalAdvance(text) <= slot:
                    w = fm.horizontalAdvance(text) + em * 0.3
                    tags.append((QRectF(r.center().x() - w / 2, r.top() - em, w, em * 0.95), text))
        self.draw_axis_line(p, plot, plot.bottom())
        # x labels: under each bar (one bar per score) or at the bar edges (ranges)
        p.setPen(self.faint_color())
        first = self.bins[0]
        if first.whole:
            labels = [b.text() for b in self.bins]
            step = self.label_step(slot, labels)
            for i, b in enumerate(self.bins):
                if int(b.start) % step == 0:
                    cx = plot.left() + (i + 0.5) * slot
                    p.drawText(
                        QRectF(cx - slot * step, plot.bottom() + em * 0.15, 2 * slot * step, em),
                        int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                        labels[i],
                    )
        else:
            edges = [b.start for b in self.bins] + [self.bins[-1].end]
            labels = [format_number(e) for e in edges]
            step = self.label_step(slot, labels)
            for i, edge in enumerate(edges):
                if i % step == 0 or i == len(edges) - 1:
                    x = plot.left() + i * slot
                    p.drawText(
                        QRectF(x - slot * step, plot.bottom() + em * 0.15, 2 * slot * step, em),
                        int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                        format_number(edge),
                    )
        p.setFont(self.font())
        self._draw_lines(p, plot)
        p.setFont(small)
        for rect, text in tags:
            p.fillRect(rect, self.background())
            p.setPen(self.text_color())
            p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        p.setFont(self.font())
        title = QCoreApplication.translate("Charts", "Score")
        if self.max_score:
            title = QCoreApplication.translate("Charts", "Score (out of {max})").format(
                max=format_number(self.max_score)
            )
        self.draw_x_title(p, plot, title)

    def _draw_lines(self, p: QPainter, plot: QRectF) -> None:
        """The mean and median lines, each tagged with its name and value above the plot."""
        em = self.em()
        mean, median = self.mean, self.median
        if mean is None or median is None:
            return
        fm = QFontMetricsF(self.font())
        lines = [
            (
                self.x_of(plot, mean),
                MEAN,
                Qt.PenStyle.DashLine,
                QCoreApplication.translate("Charts", "Mean {value}").format(
                    value=format_number(mean)
                ),
            ),
            (
                self.x_of(plot, median),
                MEDIAN,
                Qt.PenStyle.DotLine,
                QCoreApplication.translate("Charts", "Median {value}").format(
                    value=format_number(median)
                ),
            ),
        ]
        lines.sort(key=lambda item: item[0])
        for i, (x, color, style, text) in enumerate(lines):
            p.setPen(QPen(color, max(1.5, em / 7), style))
            p.drawLine(QPointF(x, plot.top() - em * 0.2), QPointF(x, plot.bottom()))
            w = fm.horizontalAdvance(text) + em * 0.4
            # the left line's tag ends at its line, the right one's starts at its line
            left = x - w if i == 0 else x + em * 0.2
            left = min(max(0.0, left), self.width() - w)
            p.setPen(color)
            p.drawText(
                QRectF(left, plot.top() - em * 1.3, w, em),
                int(Qt.AlignmentFlag.AlignCenter),
                text,
            )


# ---------------------------------------------------------------- per-question bars


class QuestionBarChart(ChartWidget):
    """One bar per question (sorted by question), on a fixed value range."""

    lo = 0.0
    hi = 1.0

    def __init__(self, parent: QWidget | None = None) -> None:
        self.labels: list[str] = []
        self.values: list[float | None] = []
        super().__init__(parent)

    def is_empty(self) -> bool:
        return not self.labels or all(v is None for v in self.values)

    # subclasses
    def y_ticks(self) -> list[tuple[float, str]]:
        raise NotImplementedError

    def y_title(self) -> str:
        raise NotImplementedError

    def legend(self) -> list[LegendItem]:
        return []

    def bar_color(self, i: int) -> QColor:
        return BAR

    def paint_background(self, p: QPainter, plot: QRectF) -> None:
        """Bands and reference lines drawn under the bars."""

    def plot_rect(self) -> QRectF:
        em = self.em()
        left = self.y_label_width(t for _, t in self.y_ticks()) + em * 0.2
        top = self.header_height(self.y_title(), self.legend()) + em * 0.5
        return QRectF(left, top, self.width() - left - em, self.height() - top - em * 2.6)

    def bar_rect(self, i: int, plot: QRectF | None = None) -> QRectF:
        """Bar ``i`` in widget coordinates, from the zero line to its value."""
        plot = plot or self.plot_rect()
        slot = plot.width() / max(1, len(self.labels))
        gap = max(1.0, slot * 0.2)
        value = self.values[i] or 0.0
        base = _y_of(plot, self.lo, self.hi, 0.0)
        y = _y_of(plot, self.lo, self.hi, value)
        return QRectF(plot.left() + i * slot + gap / 2, min(y, base), slot - gap, abs(base - y))

    def index_at(self, pos: QPoint | QPointF) -> int | None:
        plot = self.plot_rect()
        if not self.labels or not (plot.left() <= pos.x() < plot.right()):
            return None
        if not (plot.top() <= pos.y() <= plot.bottom() + self.em() * 1.2):
            return None
        slot = plot.width() / len(self.labels)
        return min(len(self.labels) - 1, int((pos.x() - plot.left()) / slot))

    def paint_chart(self, p: QPainter) -> None:
        em = self.em()
        self.draw_header(p, self.y_title(), self.legend())
        plot = self.plot_rect()
        if plot.width() <= em or plot.height() <= em:
            return
        self.paint_background(p, plot)
        self.draw_y_grid(p, plot, self.lo, self.hi, self.y_ticks())
        slot = plot.width() / len(self.labels)
        for i, value in enumerate(self.values):
            if value is None:
                continue
            r = self.bar_rect(i, plot)
            if r.height() < 1:  # a zero: a hairline, so it does not read as "no data"
                r = QRectF(r.left(), r.top() - 1, r.width(), 2)
            p.fillRect(r, self.bar_color(i))
        self.draw_axis_line(p, plot, _y_of(plot, self.lo, self.hi, 0.0))
        p.setFont(self.small_font())
        texts = [short_label(lab) for lab in self.labels]
        step = self.label_step(slot, texts)
        for i, text in enumerate(texts):
            if step > 1 and i != 0 and (i + 1) % step:
                continue
            if self.values[i] is None:
                p.setPen(self.faint_color())
            else:
                p.setPen(self.text_color())
            p.drawText(
                QRectF(plot.left() + i * slot - slot, plot.bottom() + em * 0.15, 3 * slot, em),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                text,
            )
        p.setFont(self.font())
        self.draw_x_title(p, plot, QCoreApplication.translate("Charts", "Question"))


class PercentCorrectChart(QuestionBarChart):
    """Percent correct per question (0-100 %)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.rows: list[QuestionCorrect] = []
        super().__init__(parent)

    def set_data(self, rows: Sequence[QuestionCorrect]) -> None:
        self.rows = list(rows)
        self.labels = [r.label for r in self.rows]
        self.values = [r.share for r in self.rows]
        self.data_changed()

    def y_ticks(self) -> list[tuple[float, str]]:
        return [(v / 100, f"{v}%") for v in (0, 25, 50, 75, 100)]

    def y_title(self) -> str:
        return QCoreApplication.translate("Charts", "% correct")

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        i = self.index_at(pos)
        if i is None:
            return ""
        r = self.rows[i]
        head = QCoreApplication.translate("Charts", "Question {label}").format(
            label=short_label(r.label)
        )
        if not r.graded:
            return head + "\n" + QCoreApplication.translate("Charts", "Not graded")
        body = QCoreApplication.translate("Charts", "{correct} of {graded} correct ({share})")
        return (
            head
            + "\n"
            + body.format(correct=r.correct, graded=r.graded, share=format_percent(r.share))
        )

    def summary(self) -> str:
        graded = [r for r in self.rows if r.share is not None]
        if not graded:
            return ""
        hardest = min(graded, key=lambda r: r.share or 0.0)
        easiest = max(graded, key=lambda r: r.share or 0.0)
        return QCoreApplication.translate(
            "Charts",
            "Percent correct for {n} questions: lowest question {hard} ({hard_share}), "
            "highest question {easy} ({easy_share}).",
        ).format(
            n=len(graded),
            hard=short_label(hardest.label),
            hard_share=format_percent(hardest.share),
            easy=short_label(easiest.label),
            easy_share=format_percent(easiest.share),
        )


class DiscriminationChart(QuestionBarChart):
    """The discrimination index per question, the "poor" band below 0.2 shaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.rows: list[QuestionDiscrimination] = []
        super().__init__(parent)
        self.lo, self.hi = -0.2, 1.0

    def set_data(self, rows: Sequence[QuestionDiscrimination]) -> None:
        self.rows = list(rows)
        self.labels = [r.label for r in self.rows]
        self.values = [r.index for r in self.rows]
        known = [v for v in self.values if v is not None]
        lowest = min(known, default=0.0)
        self.lo = min(-0.2, math.floor(lowest * 5 + 1e-9) / 5)
        self.hi = 1.0
        self.data_changed()

    def y_ticks(self) -> list[tuple[float, str]]:
        step = 0.2 if self.hi - self.lo <= 1.6 else 0.5
        start = math.ceil(self.lo / step - 1e-9)
        stop = math.floor(self.hi / step + 1e-9)
        return [(k * step, f"{k * step:.1f}") for k in range(start, stop + 1)]

    def y_title(self) -> str:
        return QCoreApplication.translate("Charts", "Discrimination (D)")

    def legend(self) -> list[LegendItem]:
        return [
            LegendItem(GOOD, QCoreApplication.translate("Charts", "Good (0.4 or more)")),
            LegendItem(FAIR, QCoreApplication.translate("Charts", "Fair (0.2 to 0.4)")),
            LegendItem(POOR, QCoreApplication.translate("Charts", "Poor (below 0.2)")),
            LegendItem(NEGATIVE, QCoreApplication.translate("Charts", "Negative: check the key")),
        ]

    def bar_color(self, i: int) -> QColor:
        value = self.values[i]
        return discrimination_grade(value)[0] if value is not None else BAR

    def paint_background(self, p: QPainter, plot: QRectF) -> None:
        top = _y_of(plot, self.lo, self.hi, POOR_D)
        band = QRectF(plot.left(), top, plot.width(), plot.bottom() - top)
        p.fillRect(band, mix(POOR, self.background(), POOR_BAND_ALPHA))
        p.setPen(QPen(POOR, 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(plot.left(), top), QPointF(plot.right(), top))
        good = _y_of(plot, self.lo, self.hi, GOOD_D)
        p.setPen(QPen(GOOD, 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(plot.left(), good), QPointF(plot.right(), good))

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        i = self.index_at(pos)
        if i is None:
            return ""
        r = self.rows[i]
        head = QCoreApplication.translate("Charts", "Question {label}").format(
            label=short_label(r.label)
        )
        if r.index is None:
            return head + "\n" + QCoreApplication.translate("Charts", "Not enough graded sheets")
        lines = [
            head,
            QCoreApplication.translate("Charts", "D = {d} ({grade})").format(
                d=f"{r.index:.2f}", grade=discrimination_grade(r.index)[1]
            ),
            QCoreApplication.translate("Charts", "Upper 27%: {share} correct").format(
                share=format_percent(r.upper)
            ),
            QCoreApplication.translate("Charts", "Lower 27%: {share} correct").format(
                share=format_percent(r.lower)
            ),
        ]
        return "\n".join(lines)

    def summary(self) -> str:
        known = [r for r in self.rows if r.index is not None]
        if not known:
            return ""
        poor = [short_label(r.label) for r in known if (r.index or 0.0) < POOR_D]
        text = QCoreApplication.translate(
            "Charts", "Discrimination index for {n} questions; {poor} below 0.2"
        ).format(n=len(known), poor=len(poor))
        if poor:
            text += ": " + ", ".join(poor)
        return text + "."


# ---------------------------------------------------------------- choice distribution


class ChoiceDistributionChart(ChartWidget):
    """Small multiples: for each question, one bar per choice (share of the answers),
    then blank and multiple marks; the key's choice in green with a bold label."""

    MAX_COLUMNS = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        self.rows: list[QuestionChoices] = []
        super().__init__(parent)

    def set_data(self, rows: Sequence[QuestionChoices]) -> None:
        self.rows = list(rows)
        self.data_changed()
        self._fit_height()

    def is_empty(self) -> bool:
        return not self.rows or all(r.answered == 0 for r in self.rows)

    def legend(self) -> list[LegendItem]:
        return [
            LegendItem(CORRECT, QCoreApplication.translate("Charts", "Key's answer")),
            LegendItem(OTHER_CHOICE, QCoreApplication.translate("Charts", "Other choices")),
            LegendItem(
                NO_CHOICE, QCoreApplication.translate("Charts", "– blank, × multiple marks")
            ),
        ]

    def _bars(self, row: QuestionChoices) -> list[tuple[str, int, QColor, bool]]:
        """(label, count, colour, is the key's answer) for each bar of one question."""
        bars = [
            (
                c,
                row.counts.get(c, 0),
                CORRECT if c in row.correct else OTHER_CHOICE,
                c in row.correct,
            )
            for c in row.choices
        ]
        extra = sorted(set(row.counts) - set(row.choices))
        bars += [
            (c, row.counts[c], CORRECT if c in row.correct else OTHER_CHOICE, c in row.correct)
            for c in extra
        ]
        bars.append(("–", row.blank, NO_CHOICE, False))
        bars.append(("×", row.multi, NO_CHOICE, False))
        return bars

    def columns(self, width: float | None = None) -> int:
        em = self.em()
        width = self.width() if width is None else width
        most = max((len(self._bars(r)) for r in self.rows), default=7)
        cell_min = em * (0.9 * most + 1.0)
        fit = int(max(1.0, (width - em) // cell_min))
        return max(1, min(self.MAX_COLUMNS, len(self.rows) or 1, fit))

    def cell_height(self) -> float:
        return self.em() * 5.6

    def _fit_height(self, width: float | None = None) -> None:
        if not self.rows:
            self.setMinimumHeight(round(self.em() * 8))
            return
        width = self.width() if width is None else width
        rows = math.ceil(len(self.rows) / self.columns(width))
        header = self.header_height("", self.legend())
        need = round(header + rows * self.cell_height() + self.em() * 0.5)
        if self.minimumHeight() != need:
            self.setMinimumHeight(need)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height(event.size().width())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), max(self.minimumHeight(), round(self.em() * 8)))

    def cell_rect(self, i: int) -> QRectF:
        em = self.em()
        cols = self.columns()
        top = self.header_height("", self.legend())
        w = (self.width() - em) / cols
        return QRectF(
            em * 0.5 + (i % cols) * w, top + (i // cols) * self.cell_height(), w, self.cell_height()
        )

    def index_at(self, pos: QPoint | QPointF) -> int | None:
        for i in range(len(self.rows)):
            if self.cell_rect(i).contains(QPointF(pos)):
                return i
        return None

    def paint_chart(self, p: QPainter) -> None:
        self.draw_header(p, "", self.legend())
        for i, row in enumerate(self.rows):
            self._paint_cell(p, self.cell_rect(i), row)

    def bar_rects(self, i: int) -> list[QRectF]:
        """The bars of question ``i`` (full height = every answer), widget coordinates."""
        em = self.em()
        cell = self.cell_rect(i)
        row = self.rows[i]
        bars = self._bars(row)
        inner = cell.adjusted(em * 0.4, em * 1.3, -em * 0.4, -em * 1.25)
        slot = inner.width() / len(bars)
        gap = max(1.0, slot * 0.18)
        out = []
        for j, (_, count, _, _) in enumerate(bars):
            h = inner.height() * (count / row.answered if row.answered else 0.0)
            out.append(QRectF(inner.left() + j * slot + gap / 2, inner.bottom() - h, slot - gap, h))
        return out

    def _paint_cell(self, p: QPainter, cell: QRectF, row: QuestionChoices) -> None:
        em = self.em()
        bars = self._bars(row)
        rects = self.bar_rects(self.rows.index(row))
        title = QCoreApplication.translate("Charts", "Q{label}").format(
            label=short_label(row.label)
        )
        p.setPen(self.text_color())
        p.drawText(
            QRectF(cell.left(), cell.top() + em * 0.1, cell.width(), em),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter),
            title,
        )
        inner_bottom = cell.bottom() - em * 1.25
        p.setPen(QPen(self.grid_color(), 1))
        p.drawLine(
            QPointF(cell.left() + em * 0.3, inner_bottom),
            QPointF(cell.right() - em * 0.3, inner_bottom),
        )
        small = self.small_font()
        bold = QFont(small)
        bold.setBold(True)
        bold.setUnderline(True)
        for r, (label, count, color, is_key) in zip(rects, bars, strict=True):
            if count:
                p.fillRect(r, color)
            p.setFont(bold if is_key else small)
            p.setPen(CORRECT if is_key else self.faint_color())
            p.drawText(
                QRectF(r.center().x() - em, inner_bottom + em * 0.1, 2 * em, em),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                label,
            )
        p.setFont(self.font())

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        i = self.index_at(pos)
        if i is None:
            return ""
        row = self.rows[i]
        lines = [
            QCoreApplication.translate("Charts", "Question {label}").format(
                label=short_label(row.label)
            )
        ]
        if row.correct:
            lines.append(
                QCoreApplication.translate("Charts", "Key: {answer}").format(
                    answer=", ".join(sorted(row.correct))
                )
            )
        total = row.answered
        for label, count, _, is_key in self._bars(row)[:-2]:
            share = format_percent(count / total) if total else "–"
            mark = " ✓" if is_key else ""
            lines.append(f"{label}: {count} ({share}){mark}")
        lines.append(QCoreApplication.translate("Charts", "Blank: {n}").format(n=row.blank))
        lines.append(
            QCoreApplication.translate("Charts", "Multiple marks: {n}").format(n=row.multi)
        )
        lines.append(QCoreApplication.translate("Charts", "Sheets read: {n}").format(n=total))
        return "\n".join(lines)

    def summary(self) -> str:
        if not self.rows:
            return ""
        return QCoreApplication.translate(
            "Charts", "Answer choices for {n} questions; hover a question for the counts."
        ).format(n=len(self.rows))


__all__ = [
    "BAR",
    "Bin",
    "ChartWidget",
    "ChoiceDistributionChart",
    "DiscriminationChart",
    "PercentCorrectChart",
    "QuestionChoices",
    "QuestionCorrect",
    "QuestionDiscrimination",
    "ScoreHistogram",
    "discrimination_grade",
    "format_number",
    "format_percent",
    "histogram_bins",
    "short_label",
]
