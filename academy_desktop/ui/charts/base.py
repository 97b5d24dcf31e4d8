"""The chart base class: background, empty state, axes, legend and hover tooltips.

Subclasses implement :meth:`ChartWidget.is_empty` and :meth:`ChartWidget.paint_chart`
(and usually ``tooltip_at`` and ``summary``); everything else - sizes in ``em``, the
palette's colours, the y grid, the legend rows, the accessible description - is here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from academy_desktop.ui.charts.style import mix


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

    def plot_rect(self) -> QRectF:
        """The plotting area inside the axes (charts with axes implement it)."""
        raise NotImplementedError

    def header_and_plot(
        self, p: QPainter, y_title: str, legend: Sequence[LegendItem]
    ) -> QRectF | None:
        """Draw the header, and return the plotting area, or None when the widget is
        too small to plot anything."""
        self.draw_header(p, y_title, legend)
        plot = self.plot_rect()
        em = self.em()
        return plot if plot.width() > em and plot.height() > em else None

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
            y = y_of(plot, lo, hi, value)
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


def y_of(plot: QRectF, lo: float, hi: float, value: float) -> float:
    """The y coordinate of ``value`` in ``plot`` for the value range ``lo``..``hi``."""
    if hi <= lo:
        return plot.bottom()
    return plot.bottom() - (value - lo) / (hi - lo) * plot.height()


__all__ = ["ChartWidget", "LegendItem", "y_of"]
