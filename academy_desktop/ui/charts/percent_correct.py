"""Percent correct per question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPoint, QPointF
from PySide6.QtWidgets import QWidget

from academy_desktop.ui.charts.question_bars import QuestionBarChart
from academy_desktop.ui.charts.style import format_percent, short_label


@dataclass(frozen=True)
class QuestionCorrect:
    label: str
    correct: int
    graded: int

    @property
    def share(self) -> float | None:
        return self.correct / self.graded if self.graded else None


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


__all__ = ["PercentCorrectChart", "QuestionCorrect"]
