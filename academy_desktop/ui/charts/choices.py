"""How the answers spread over the choices: one small bar chart per question."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import QWidget

from academy_desktop.ui.charts.base import ChartWidget, LegendItem
from academy_desktop.ui.charts.style import (
    CORRECT,
    NO_CHOICE,
    OTHER_CHOICE,
    format_percent,
    short_label,
)


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


__all__ = ["ChoiceDistributionChart", "QuestionChoices"]
