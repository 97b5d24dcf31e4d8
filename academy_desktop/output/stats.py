"""Running totals over a batch of page results, for the summary sheet and the CLI summary.

Only counters and the list of scores are kept (floats: 0.8 MB at 100 000 pages),
never the results themselves.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from academy_desktop.engine.result import PageResult


@dataclass
class QuestionStats:
    read: int = 0  # pages where the field was read (status ok pages)
    flagged: int = 0  # ... and flagged for review
    graded: int = 0  # pages where the key had an answer for it
    correct: int = 0

    @property
    def percent_correct(self) -> float | None:
        return self.correct / self.graded if self.graded else None

    @property
    def flag_rate(self) -> float | None:
        return self.flagged / self.read if self.read else None


class ScoreSummary:
    """Mean, median, min and max of ``self.scores`` (None for no scores)."""

    scores: list[float]

    @property
    def score_mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def score_median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    @property
    def score_min(self) -> float | None:
        return min(self.scores) if self.scores else None

    @property
    def score_max(self) -> float | None:
        return max(self.scores) if self.scores else None


@dataclass
class BatchStats(ScoreSummary):
    """Counts of a batch: a page is ``ok``, ``flagged`` (read, but a person must check
    some answers) or ``rejected`` (status ``rejected`` or ``error``).

    ``question_labels`` (the job's :attr:`Template.question_labels`) limits the
    per-question counts to questions: the student number and its digits are read but
    never counted as questions. ``None`` counts every field."""

    question_labels: Collection[str] | None = None
    pages: int = 0
    ok: int = 0
    flagged: int = 0
    rejected: int = 0
    by_code: Counter[str] = field(default_factory=Counter)
    scores: list[float] = field(default_factory=list)
    questions: dict[str, QuestionStats] = field(default_factory=dict)
    _only: frozenset[str] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        labels = self.question_labels
        self._only = None if labels is None else frozenset(labels)

    def add(self, result: PageResult) -> None:
        self.pages += 1
        if result.status != "ok":
            self.rejected += 1
            self.by_code[result.rejection_code or result.status.upper()] += 1
            return
        if result.flagged_labels:
            self.flagged += 1
        else:
            self.ok += 1
        if result.score is not None:
            self.scores.append(float(result.score))
        only = self._only
        for label, fr in result.fields.items():
            if only is not None and label not in only:
                continue
            q = self.questions.get(label)
            if q is None:
                q = self.questions[label] = QuestionStats()
            q.read += 1
            q.flagged += fr.flagged
        for label, grade in result.grades.items():
            if grade.correct is None or (only is not None and label not in only):
                continue
            q = self.questions.get(label)
            if q is None:
                q = self.questions[label] = QuestionStats()
            q.graded += 1
            q.correct += grade.correct
