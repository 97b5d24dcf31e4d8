"""The base of the per-question bar charts (percent correct, discrimination)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from academy_desktop.ui.charts.base import ChartWidget, LegendItem, y_of
from academy_desktop.ui.charts.style import BAR, short_label


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
        base = y_of(plot, self.lo, self.hi, 0.0)
        y = y_of(plot, self.lo, self.hi, value)
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
        plot = self.header_and_plot(p, self.y_title(), self.legend())
        if plot is None:
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
        self.draw_axis_line(p, plot, y_of(plot, self.lo, self.hi, 0.0))
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


__all__ = ["QuestionBarChart"]
