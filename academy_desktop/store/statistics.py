"""Per-question statistics of an exam export: percent correct, choice distribution and
the discrimination index (see ``docs/export.md`` for the definitions).

Only counters and, per graded sheet, its score and one byte per keyed question are
kept, so 100 000 sheets x 45 questions need about 5 MB.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from academy_desktop.engine.result import FieldResult, QuestionGrade
from academy_desktop.output.stats import ScoreSummary

if TYPE_CHECKING:
    from academy_desktop.store.export_rows import ExamExport, SheetRow

GROUP_FRACTION = 0.27  # Kelley's upper and lower 27 %


@dataclass
class QuestionTally:
    """Answers to one question over the readable (not rejected) sheets."""

    answered: int = 0  # sheets where the field was read
    blank: int = 0
    multi: int = 0
    choices: Counter[str] = field(default_factory=Counter)  # single marks by value
    graded: int = 0  # sheets graded against the key for this question
    correct: int = 0
    upper_correct: float | None = None  # share correct in the upper group (0..1)
    lower_correct: float | None = None

    @property
    def percent_correct(self) -> float | None:
        return self.correct / self.graded if self.graded else None

    @property
    def discrimination(self) -> float | None:
        if self.upper_correct is None or self.lower_correct is None:
            return None
        return self.upper_correct - self.lower_correct


@dataclass
class ExamStats(ScoreSummary):
    """Running totals over the sheets of an export; :meth:`finish` computes the groups."""

    key_labels: Sequence[str] = ()  # the key's questions, in key order ([] without a key)
    # the exam's questions (ExamExport.labels): other fields - the student number and its
    # digits - are never counted as questions; None counts every field
    question_labels: Collection[str] | None = None
    sheets: int = 0
    ok: int = 0
    rejected: int = 0
    review_needed: int = 0
    reviewed: int = 0
    unmatched: int = 0  # readable sheets without a roster match
    scores: list[float] = field(default_factory=list)
    questions: dict[str, QuestionTally] = field(default_factory=dict)
    _graded: list[tuple[float, bytes]] = field(default_factory=list)
    _only: frozenset[str] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        labels = self.question_labels
        self._only = None if labels is None else frozenset(labels)
        if self._only is not None:
            self.key_labels = [q for q in self.key_labels if q in self._only]

    def add_sheet(
        self,
        *,
        rejected: bool,
        review_state: str,
        matched: bool,
        fields: Mapping[str, FieldResult],
        grades: Mapping[str, QuestionGrade],
        score: float | None,
    ) -> None:
        self.sheets += 1
        if review_state == "needed":
            self.review_needed += 1
        elif review_state == "done":
            self.reviewed += 1
        if rejected:
            self.rejected += 1
            return
        self.ok += 1
        self.unmatched += not matched
        only = self._only
        for label, fr in fields.items():
            if only is not None and label not in only:
                continue
            q = self._tally(label)
            q.answered += 1
            if fr.marking == "blank" or not fr.value:
                q.blank += 1
            elif fr.marking == "multi":
                q.multi += 1
            else:
                q.choices[fr.value] += 1
        if score is not None:
            self.scores.append(float(score))
        if not self.key_labels or score is None:
            return
        marks = bytearray(len(self.key_labels))
        for i, label in enumerate(self.key_labels):
            grade = grades.get(label)
            if grade is None or grade.correct is None:
                marks[i] = 2  # not graded
                continue
            q = self._tally(label)
            q.graded += 1
            q.correct += grade.correct
            marks[i] = int(grade.correct)
        self._graded.append((float(score), bytes(marks)))

    def _tally(self, label: str) -> QuestionTally:
        q = self.questions.get(label)
        if q is None:
            q = self.questions[label] = QuestionTally()
        return q

    @property
    def group_size(self) -> int:
        """Sheets in each of the upper and lower groups: ``ceil(27 % of graded sheets)``."""
        return math.ceil(GROUP_FRACTION * len(self._graded)) if self._graded else 0

    def finish(self) -> None:
        """Fill each keyed question's upper/lower-group shares (discrimination index)."""
        n = self.group_size
        if not n:
            return
        # best first; ties keep export order (student number, then scan and page)
        ranked = sorted(self._graded, key=lambda item: -item[0])
        upper, lower = ranked[:n], ranked[-n:]
        for i, label in enumerate(self.key_labels):
            q = self.questions.get(label)
            if q is None or not q.graded:
                continue
            q.upper_correct = _share(upper, i)
            q.lower_correct = _share(lower, i)


def _share(group: Sequence[tuple[float, bytes]], i: int) -> float | None:
    graded = [marks[i] for _, marks in group if marks[i] != 2]
    return sum(graded) / len(graded) if graded else None


def exam_stats(spec: ExamExport) -> ExamStats:
    """Empty statistics of an export's questions (``spec.labels``), keyed ones in key order."""
    key_labels = list(spec.key.items) if spec.key is not None else []
    return ExamStats(key_labels=key_labels, question_labels=spec.labels)


def tally(stats: ExamStats, row: SheetRow) -> None:
    """Count one exported sheet row (the workbook and the statistics panel read alike)."""
    stats.add_sheet(
        rejected=row.rejected,
        review_state=row.review_state,
        matched=row.student is not None,
        fields=row.result.fields,
        grades=row.result.grades,
        score=row.result.score,
    )
