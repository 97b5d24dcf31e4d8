"""The data behind the statistics panel, loaded off the UI thread.

:func:`load_exam_statistics` reads the exam as the export does (values after review,
graded with the current key: :mod:`academy_desktop.store.export_rows`) into the
store's :class:`~academy_desktop.store.statistics.ExamStats`, so the window, the xlsx
summary and ``main.py export`` always agree. :class:`ExamStatistics` turns it into the
rows the charts draw.
"""

from __future__ import annotations

from dataclasses import dataclass

from academy_desktop.engine.progress import TaskState
from academy_desktop.store.database import Workspace
from academy_desktop.store.exams import question_number
from academy_desktop.store.export_rows import iter_rows, prepare
from academy_desktop.store.statistics import ExamStats, exam_stats, tally
from academy_desktop.ui.charts import QuestionChoices, QuestionCorrect, QuestionDiscrimination


@dataclass(frozen=True)
class QuestionInfo:
    label: str
    choices: tuple[str, ...]
    key: frozenset[str]  # the current key's accepted answers (empty without a key)


@dataclass
class ExamStatistics:
    """Everything the panel shows for one exam (plain data, built off the UI thread)."""

    exam_id: int
    title: str
    has_key: bool
    max_score: float | None
    stats: ExamStats
    questions: list[QuestionInfo]  # the graded questions, sorted by question

    def percent_correct(self) -> list[QuestionCorrect]:
        out = []
        for q in self.questions:
            t = self.stats.questions.get(q.label)
            out.append(QuestionCorrect(q.label, t.correct if t else 0, t.graded if t else 0))
        return out

    def discrimination(self) -> list[QuestionDiscrimination]:
        out = []
        for q in self.questions:
            t = self.stats.questions.get(q.label)
            if t is None:
                out.append(QuestionDiscrimination(q.label, None))
            else:
                out.append(
                    QuestionDiscrimination(
                        q.label, t.discrimination, t.upper_correct, t.lower_correct
                    )
                )
        return out

    def choices(self) -> list[QuestionChoices]:
        out = []
        for q in self.questions:
            t = self.stats.questions.get(q.label)
            if t is None:
                out.append(QuestionChoices(q.label, q.choices, {}, correct=q.key))
            else:
                out.append(
                    QuestionChoices(
                        q.label, q.choices, dict(t.choices), t.blank, t.multi, correct=q.key
                    )
                )
        return out


def load_exam_statistics(
    ws: Workspace, exam_id: int, state: TaskState | None = None
) -> ExamStatistics:
    """Read exam ``exam_id`` and compute its statistics (raises ``LookupError`` when the
    exam does not exist and :class:`Cancelled` when ``state`` is cancelled)."""
    with ws.read() as s:
        spec = prepare(s, exam_id)
        title = spec.exam.title
        key = spec.key
        stats = exam_stats(spec)
        max_score: float | None = None
        for i, row in enumerate(iter_rows(s, spec)):
            if state is not None and i % 50 == 0:
                state.check()
            tally(stats, row)
            top = row.result.max_score
            if top is not None:
                max_score = top if max_score is None else max(max_score, top)
        stats.finish()
        order = {label: i for i, label in enumerate(spec.labels)}
        # the keyed questions, or without a key every question (never the student number)
        labels = list(stats.key_labels) if key is not None else list(spec.labels)

        def sort_key(label: str) -> tuple[int, int, int]:
            number = question_number(label)
            return (number is None, number or 0, order.get(label, len(order)))

        questions = [
            QuestionInfo(
                label,
                tuple(spec.choices.get(label, ())),
                frozenset(a for a, _ in key.items[label].accepted)
                if key is not None and label in key.items
                else frozenset(),
            )
            for label in sorted(labels, key=sort_key)
        ]
    return ExamStatistics(exam_id, title, key is not None, max_score, stats, questions)


__all__ = ["ExamStatistics", "QuestionInfo", "load_exam_statistics"]
