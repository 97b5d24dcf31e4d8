"""The score histogram: how many sheets got each score, with mean and median lines."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QWidget

from academy_desktop.ui.charts.base import ChartWidget, LegendItem, y_of
from academy_desktop.ui.charts.style import (
    BAR,
    MEAN,
    MEDIAN,
    format_number,
    format_percent,
    nice_step,
)

MAX_BINS = 20
WHOLE_BINS_UP_TO = 30  # integral scores up to this range: one bar per score


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
        y = y_of(plot, 0, hi, self.bins[i].count)
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
        plot = self.header_and_plot(p, self._y_title(), self._legend())
        if plot is None:
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


__all__ = ["Bin", "ScoreHistogram", "histogram_bins"]
