"""The writing timeline on a homework card, drawn with QPainter on the charts' base.

For a video: the ink on the page (the analysis' ``writing_score``, a share of the
page) over time, the pages as shaded spans labelled p1, p2 … and a dashed line at
each page turn. For a photo: the writing and calculation scores (0..1) per page as
bars. Plain data in (:meth:`set_video`, :meth:`set_photo`), no store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from academy_desktop.ui.charts.base import ChartWidget, LegendItem, y_of
from academy_desktop.ui.charts.style import format_number, mix, nice_step

INK = QColor("#2f6db5")  # the ink line
CALCULATION = QColor("#c26a1a")  # a photo's calculation score
PAGE_A = QColor("#eef2f7")  # alternating page spans (faded into the background)
PAGE_B = QColor("#ffffff")
TURN = QColor("#7a4fb0")  # page turns


def clock(seconds: float) -> str:
    """``72.4`` -> ``1:12``."""
    s = max(0, round(seconds))
    return f"{s // 60}:{s % 60:02d}"


class WritingTimelineChart(ChartWidget):
    """Ink over time (videos) or the scores per page (photos)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.mode = "video"
        self.points: list[tuple[float, float]] = []  # (time s, ink share)
        self.pages: list[tuple[int, float, float]] = []  # (page, start s, end s)
        self.page_scores: list[tuple[int, float | None, float | None]] = []  # photos
        super().__init__(parent)
        self.set_empty_text(QCoreApplication.translate("Homework", "No timeline"))

    # -- data
    def set_video(
        self, timeline: Sequence[tuple[float, float]], pages: Sequence[dict[str, Any]]
    ) -> None:
        self.mode = "video"
        self.points = sorted((float(t), max(0.0, float(v))) for t, v in timeline)
        self.pages = []
        for i, p in enumerate(pages):
            if isinstance(p, dict) and "start_s" in p and "end_s" in p:
                self.pages.append((int(p.get("page", i)), float(p["start_s"]), float(p["end_s"])))
        self.pages.sort(key=lambda r: r[1])
        self.page_scores = []
        self.data_changed()

    def set_photo(self, pages: Sequence[dict[str, Any]]) -> None:
        self.mode = "photo"
        self.points, self.pages = [], []
        self.page_scores = []
        for i, p in enumerate(pages):
            if not isinstance(p, dict):
                continue
            w, c = p.get("writing_score"), p.get("calculation_score")
            self.page_scores.append(
                (
                    int(p.get("index", i)),
                    float(w) if isinstance(w, int | float) else None,
                    float(c) if isinstance(c, int | float) else None,
                )
            )
        self.data_changed()

    def is_empty(self) -> bool:
        if self.mode == "photo":
            return not any(w is not None or c is not None for _, w, c in self.page_scores)
        return len(self.points) < 1

    # -- geometry
    def sizeHint(self) -> QSize:
        em = self.em()
        return QSize(round(em * 26), round(em * 8.5))

    def minimumSizeHint(self) -> QSize:
        em = self.em()
        return QSize(round(em * 14), round(em * 7))

    def t_range(self) -> tuple[float, float]:
        ends = [t for t, _ in self.points] + [e for _, _, e in self.pages]
        hi = max(ends, default=1.0)
        return 0.0, max(hi, 1.0)

    def y_range(self) -> tuple[float, float]:
        if self.mode == "photo":
            return 0.0, 1.0
        top = max((v for _, v in self.points), default=0.0)
        step = nice_step(max(top, 0.01) * 1.1, 3)
        return 0.0, step * max(1, -(-max(top, 0.01) * 1.1 // step))

    def y_ticks(self) -> list[tuple[float, str]]:
        lo, hi = self.y_range()
        if self.mode == "photo":
            return [(v, format_number(v)) for v in (0.0, 0.5, 1.0)]
        step = nice_step(hi - lo, 3)
        ticks = []
        v = lo
        while v <= hi + step * 1e-6:
            ticks.append((v, f"{format_number(v * 100)}%"))
            v += step
        return ticks

    def legend(self) -> list[LegendItem]:
        if self.mode == "photo":
            return [
                LegendItem(INK, QCoreApplication.translate("Homework", "Writing")),
                LegendItem(CALCULATION, QCoreApplication.translate("Homework", "Calculation")),
            ]
        items = [
            LegendItem(
                INK,
                QCoreApplication.translate("Homework", "Ink on the page"),
                Qt.PenStyle.SolidLine,
            )
        ]
        if len(self.pages) > 1:
            items.append(
                LegendItem(
                    TURN, QCoreApplication.translate("Homework", "Page turn"), Qt.PenStyle.DashLine
                )
            )
        return items

    def y_title(self) -> str:
        return (
            QCoreApplication.translate("Homework", "Score")
            if self.mode == "photo"
            else QCoreApplication.translate("Homework", "Ink")
        )

    def plot_rect(self) -> QRectF:
        em = self.em()
        left = self.y_label_width(t for _, t in self.y_ticks()) + em * 0.2
        top = self.header_height(self.y_title(), self.legend()) + em * 0.2
        return QRectF(left, top, self.width() - left - em * 0.8, self.height() - top - em * 1.5)

    def point_at(self, time_s: float, value: float, plot: QRectF | None = None) -> QPointF:
        """Where (``time_s``, ``value``) is drawn, in widget coordinates (videos)."""
        plot = plot or self.plot_rect()
        t0, t1 = self.t_range()
        lo, hi = self.y_range()
        x = plot.left() + (time_s - t0) / max(1e-9, t1 - t0) * plot.width()
        return QPointF(x, y_of(plot, lo, hi, value))

    def bar_rect(self, i: int, which: int, plot: QRectF | None = None) -> QRectF:
        """Page ``i``'s bar ``which`` (0 writing, 1 calculation), photos."""
        plot = plot or self.plot_rect()
        slot = plot.width() / max(1, len(self.page_scores))
        bar = min(slot * 0.32, self.em() * 2.5)
        value = self.page_scores[i][1 + which] or 0.0
        x = plot.left() + i * slot + slot / 2 - bar * 1.025 + which * bar * 1.05
        y = y_of(plot, 0.0, 1.0, value)
        return QRectF(x, y, bar, plot.bottom() - y)

    # -- painting
    def paint_chart(self, p: QPainter) -> None:
        plot = self.header_and_plot(p, self.y_title(), self.legend())
        if plot is None:
            return
        if self.mode == "photo":
            self._paint_photo(p, plot)
        else:
            self._paint_video(p, plot)

    def _paint_video(self, p: QPainter, plot: QRectF) -> None:
        em = self.em()
        bg = self.background()
        lo, hi = self.y_range()
        p.setFont(self.small_font())
        for k, (page, start, end) in enumerate(self.pages):
            left = self.point_at(start, 0, plot).x()
            right = self.point_at(end, 0, plot).x()
            if k + 1 < len(self.pages):  # the span reaches the next page's start
                right = self.point_at(self.pages[k + 1][1], 0, plot).x()
            color = mix(PAGE_A, bg, 1.0) if k % 2 == 0 else mix(PAGE_B, bg, 1.0)
            p.fillRect(QRectF(left, plot.top(), max(1.0, right - left), plot.height()), color)
            if len(self.pages) > 1:
                p.setPen(self.faint_color())
                p.drawText(
                    QRectF(left + em * 0.2, plot.top(), max(em, right - left), em),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                    QCoreApplication.translate("Homework", "p{n}").format(n=page + 1),
                )
        p.setFont(self.font())
        self.draw_y_grid(p, plot, lo, hi, self.y_ticks())
        for _page, start, _end in self.pages[1:]:
            x = self.point_at(start, 0, plot).x()
            p.setPen(QPen(TURN, max(1.5, em / 9), Qt.PenStyle.DashLine))
            p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        self.draw_axis_line(p, plot, plot.bottom())
        if self.points:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            pts = [self.point_at(t, v, plot) for t, v in self.points]
            area = QPainterPath(QPointF(pts[0].x(), plot.bottom()))
            for pt in pts:
                area.lineTo(pt)
            area.lineTo(QPointF(pts[-1].x(), plot.bottom()))
            area.closeSubpath()
            p.fillPath(area, mix(INK, bg, 0.18))
            line = QPainterPath(pts[0])
            for pt in pts[1:]:
                line.lineTo(pt)
            p.setPen(QPen(INK, max(2.0, em / 7), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(line)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # time labels: start, middle, end
        t0, t1 = self.t_range()
        p.setFont(self.small_font())
        p.setPen(self.faint_color())
        for t, align in (
            (t0, Qt.AlignmentFlag.AlignLeft),
            ((t0 + t1) / 2, Qt.AlignmentFlag.AlignHCenter),
            (t1, Qt.AlignmentFlag.AlignRight),
        ):
            x = self.point_at(t, 0, plot).x()
            w = em * 4
            left = (
                x
                if align == Qt.AlignmentFlag.AlignLeft
                else x - (w if align == Qt.AlignmentFlag.AlignRight else w / 2)
            )
            p.drawText(
                QRectF(left, plot.bottom() + em * 0.1, w, em * 1.2),
                int(align | Qt.AlignmentFlag.AlignTop),
                clock(t),
            )
        p.setFont(self.font())

    def _paint_photo(self, p: QPainter, plot: QRectF) -> None:
        em = self.em()
        self.draw_y_grid(p, plot, 0.0, 1.0, self.y_ticks())
        slot = plot.width() / max(1, len(self.page_scores))
        for i, (page, w, c) in enumerate(self.page_scores):
            for which, (value, color) in enumerate(((w, INK), (c, CALCULATION))):
                if value is None:
                    continue
                r = self.bar_rect(i, which, plot)
                if r.height() < 1:
                    r = QRectF(r.left(), r.top() - 1, r.width(), 2)
                p.fillRect(r, color)
            p.setFont(self.small_font())
            p.setPen(self.text_color())
            p.drawText(
                QRectF(plot.left() + i * slot, plot.bottom() + em * 0.1, slot, em * 1.2),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                QCoreApplication.translate("Homework", "p{n}").format(n=page + 1),
            )
            p.setFont(self.font())
        self.draw_axis_line(p, plot, plot.bottom())

    # -- words
    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        plot = self.plot_rect()
        if not plot.adjusted(0, 0, 0, self.em()).contains(QPointF(pos)):
            return ""
        if self.mode == "photo":
            slot = plot.width() / max(1, len(self.page_scores))
            i = min(len(self.page_scores) - 1, int((pos.x() - plot.left()) / slot))
            page, w, c = self.page_scores[i]
            return QCoreApplication.translate(
                "Homework", "Page {n}: writing {w}, calculation {c}"
            ).format(n=page + 1, w=format_number(w, 2), c=format_number(c, 2))
        t0, t1 = self.t_range()
        t = t0 + (pos.x() - plot.left()) / max(1.0, plot.width()) * (t1 - t0)
        near = min(self.points, key=lambda pt: abs(pt[0] - t))
        found = next((pg for pg, s, _e in reversed(self.pages) if s <= near[0] + 1e-6), None)
        text = QCoreApplication.translate("Homework", "{time}: ink {ink} of the page").format(
            time=clock(near[0]), ink=f"{format_number(near[1] * 100, 2)}%"
        )
        if found is not None:
            text += "\n" + QCoreApplication.translate("Homework", "Page {n}").format(n=found + 1)
        return text

    def summary(self) -> str:
        if self.mode == "photo":
            return QCoreApplication.translate(
                "Homework", "Writing and calculation scores for {n} pages."
            ).format(n=len(self.page_scores))
        if not self.points:
            return ""
        return QCoreApplication.translate(
            "Homework", "Ink over {duration}: from {start} to {end} of the page, {pages} pages."
        ).format(
            duration=clock(self.t_range()[1]),
            start=f"{format_number(self.points[0][1] * 100, 2)}%",
            end=f"{format_number(self.points[-1][1] * 100, 2)}%",
            pages=max(1, len(self.pages)),
        )


__all__ = ["CALCULATION", "INK", "TURN", "WritingTimelineChart", "clock"]
