"""What the answer key editor shows about one exam, and how it writes numbers.

No Qt here: :func:`load_key_info` runs on the database lane, and the helpers are shared
by the table model and the history tab.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction

from academy_desktop.engine.answerkey import AnswerKey, KeyItem
from academy_desktop.engine.template.model import Template
from academy_desktop.store import exams
from academy_desktop.store.database import Workspace
from academy_desktop.store.keys import key_to_native

__all__ = [
    "ExamKeyInfo",
    "KeyVersionInfo",
    "format_score",
    "load_key_info",
    "same_key",
    "shared_points",
]


@dataclass(frozen=True)
class KeyVersionInfo:
    version: int
    created_by: str | None
    created_at: datetime  # local time
    key: AnswerKey | None
    error: str = ""  # bilingual: why the stored key cannot be read


@dataclass(frozen=True)
class ExamKeyInfo:
    exam_id: int
    title: str
    template: Template
    labels: list[str]
    versions: list[KeyVersionInfo]  # oldest first
    submissions: int

    @property
    def current(self) -> KeyVersionInfo | None:
        return self.versions[-1] if self.versions else None


def load_key_info(ws: Workspace, exam_id: int) -> ExamKeyInfo:
    """Everything the editor shows about one exam (run on the db lane)."""
    with ws.read() as s:
        exam = exams.get_exam_by_id(s, exam_id)
        template = exams.exam_template(exam)
        versions = []
        for row in exams.key_history(exam):
            try:
                key: AnswerKey | None = exams.key_version(exam, row.version)
                error = ""
            except exams.StoreError as exc:
                key, error = None, str(exc)
            versions.append(
                KeyVersionInfo(
                    row.version, row.created_by, exams.local_time(row.created_at), key, error
                )
            )
        return ExamKeyInfo(
            exam.id,
            exam.title,
            template,
            exams.graded_labels(template),
            versions,
            exams.submission_count(s, exam.id),
        )


def format_score(value: float) -> str:
    """``2`` -> ``"2"``, ``0.5`` -> ``"0.5"``, one third -> ``"1/3"``."""
    f = Fraction(value).limit_denominator(1000)
    if f.denominator == 1:
        return str(f.numerator)
    if f.denominator & (f.denominator - 1) == 0:
        return f"{float(f):g}"
    return f"{f.numerator}/{f.denominator}"


def shared_points(item: KeyItem) -> float | None:
    """The points every accepted answer of ``item`` gives, when they share one number."""
    scores = {s for _, s in item.accepted}
    if len(scores) != 1:
        return None
    return scores.pop()


def same_key(a: AnswerKey | None, b: AnswerKey | None) -> bool:
    """Whether two keys grade alike (their descriptions aside)."""
    if a is None or b is None:
        return a is b
    na, nb = key_to_native(replace(a, source="")), key_to_native(replace(b, source=""))
    return bool(na == nb)
