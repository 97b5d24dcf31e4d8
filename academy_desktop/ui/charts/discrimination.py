"""The discrimination index per question, with the "poor" band shaded."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from academy_desktop.ui.charts.base import LegendItem, y_of
from academy_desktop.ui.charts.question_bars import QuestionBarChart
from academy_desktop.ui.charts.style import (
    BAR,
    FAIR,
    GOOD,
    NEGATIVE,
    POOR,
    POOR_BAND_ALPHA,
    format_percent,
    mix,
    short_label,
)

GOOD_D = 0.4  # discrimination: about 0.4 or more discriminates well
POOR_D = 0.2  # below 0.2 poorly (docs/export.md)


@dataclass(frozen=True)
class QuestionDiscrimination:
    label: str
    index: float | None  # D = upper - lower; None when it cannot be computed
    upper: float | None = None  # share correct in the upper 27 %
    lower: float | None = None


def discrimination_grade(d: float) -> tuple[QColor, str]:
    """The colour and the word for a discrimination index."""
    if d < 0:
        return NEGATIVE, QCoreApplication.translate("Charts", "negative: check the key")
    if d < POOR_D:
        return POOR, QCoreApplication.translate("Charts", "poor")
    if d < GOOD_D:
        return FAIR, QCoreApplication.translate("Charts", "fair")
    return GOOD, QCoreApplication.translate("Charts", "good")


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
        top = y_of(plot, self.lo, self.hi, POOR_D)
        band = QRectF(plot.left(), top, plot.width(), plot.bottom() - top)
        p.fillRect(band, mix(POOR, self.background(), POOR_BAND_ALPHA))
        p.setPen(QPen(POOR, 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(plot.left(), top), QPointF(plot.right(), top))
        good = y_of(plot, self.lo, self.hi, GOOD_D)
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


__all__ = [
    "GOOD_D",
    "POOR_D",
    "DiscriminationChart",
    "QuestionDiscrimination",
    "discrimination_grade",
]
