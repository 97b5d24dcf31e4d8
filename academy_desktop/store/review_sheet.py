"""What the review screen shows for one sheet: :func:`load_sheet` gathers everything a
viewer needs for one submission into a frozen :class:`SheetData`: the engine
template, each answer's state (as read, as it stands now, reviewed or not, the key's
answers and the grade), the student, the score, where the scan is and how the
template maps onto it (the homography the grader found), and the audit history. A
viewer draws it and keeps no state of its own: after a change it loads the sheet
again. The queue of things to settle is :mod:`academy_desktop.store.review_queue`.
Nothing here imports Qt.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from academy_desktop.engine.answerkey import AnswerKey
from academy_desktop.engine.result import FLAGGED
from academy_desktop.engine.template.model import Field, Template
from academy_desktop.store.exams import (
    StoreError,
    current_key,
    current_key_version,
    exam_template,
)
from academy_desktop.store.models import (
    Exam,
    ReviewDecision,
    Scan,
    Student,
    Submission,
    SubmissionStatus,
)
from academy_desktop.store.review import STUDENT_FIELD, history, in_effect

__all__ = [
    "STUDENT_FIELD",
    "FieldState",
    "HistoryEntry",
    "SheetData",
    "confirmed_student",
    "load_sheet",
    "roster_size",
    "student_settled",
    "toggle_value",
    "value_choices",
]

ItemKind = Literal["answer", "student"]
StudentReason = Literal["unknown", "duplicate", "unclear"]


# ------------------------------------------------------------------ values and bubbles


def value_choices(f: Field, value: str) -> tuple[str, ...]:
    """The bubble values that spell ``value`` on ``f`` in bubble order (``"24"`` ->
    ``("2", "4")``); ``()`` for blank or a value the field cannot hold."""
    text = value.strip().casefold()
    if not text or text == f.empty_value.strip().casefold():
        return ()
    values = [v.casefold() for v in f.values]
    if all(len(v) == 1 for v in values):  # the common case: one character per bubble
        picked = tuple(f.values[j] for j, v in enumerate(values) if v in text)
        return picked if "".join(picked).casefold() == text else ()

    def walk(pos: int, first: int) -> list[int] | None:
        if pos == len(text):
            return []
        for j in range(first, len(values)):
            if values[j] and text.startswith(values[j], pos):
                rest = walk(pos + len(values[j]), j + 1)
                if rest is not None:
                    return [j, *rest]
        return None

    found = walk(0, 0)
    return tuple(f.values[j] for j in found) if found else ()


def toggle_value(f: Field, current: str, choice: str) -> str:
    """``current`` with the bubble ``choice`` marked or unmarked (bubble order kept)."""
    chosen = set(value_choices(f, current))
    chosen ^= {choice}
    return "".join(v for v in f.values if v in chosen)


# ------------------------------------------------------------------ sheet data


@dataclass(frozen=True)
class FieldState:
    """One answer of one sheet, as read and as it stands."""

    label: str
    answer: str  # as the engine read it
    current_value: str  # after review
    detected: tuple[str, ...]
    marking: str  # blank | single | multi
    confidence: float
    status: str  # ok | blank | ambiguous | low_confidence | error (meta.omr)
    reviewed: bool
    key_answers: tuple[str, ...] = ()  # accepted answers of the current key
    correct: bool | None = None  # None: not graded (no key for it)
    points: float | None = None
    max_points: float | None = None
    provisional: bool = False

    @property
    def flagged(self) -> bool:
        return self.status in FLAGGED

    @property
    def display_status(self) -> str:
        """The colour the viewer gives it: ``reviewed`` once a person settled it, else
        ``error``, ``multi`` (several marks), or the reader's status."""
        if self.reviewed:
            return "reviewed"
        if self.status == "error":
            return "error"
        if self.marking == "multi":
            return "multi"
        return self.status if self.status in ("ok", "blank", *FLAGGED) else "error"


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    field: str
    old_value: str
    new_value: str
    decided_by: str
    decided_at: datetime | None
    reason: str | None
    in_effect: bool
    is_undo: bool


@dataclass(frozen=True)
class SheetData:
    """Everything the review screen draws for one submission (template units)."""

    submission_id: int
    exam_id: int
    exam_title: str
    template: Template
    fields: dict[str, FieldState]
    status: str
    review_state: str
    score: float | None
    max_score: float | None
    student_number_read: str | None
    student_id: int | None
    student_number: str | None
    student_name: str | None
    student_duplicate: bool  # another graded page of the exam has the same student
    student_confirmed: bool  # a person's "student" decision is in effect
    image_path: Path | None  # the scan as stored in the workspace
    source_name: str
    page: int  # 1-based page of the scan
    homography: tuple[tuple[float, float, float], ...] | None  # template units -> image px
    image_size: tuple[int, int] | None  # (width, height) of the graded grayscale image
    rotation: int = 0
    block_shifts: dict[str, tuple[float, float]] = field(default_factory=dict)
    history: tuple[HistoryEntry, ...] = ()
    rejection_code: str | None = None
    roster_size: int = 0

    @property
    def graded(self) -> bool:
        return self.status != SubmissionStatus.FAILED

    @property
    def id_unclear(self) -> bool:
        labels = self.template.student_id_labels
        return any(f.flagged and not f.reviewed for lab, f in self.fields.items() if lab in labels)

    @property
    def student_reason(self) -> StudentReason | None:
        """Why the student needs a person, or ``None``."""
        if not self.graded:
            return None
        if self.student_id is None:
            return "unknown" if self.roster_size else None
        if self.student_duplicate:
            return "duplicate"
        if self.id_unclear:
            return "unclear"
        return None

    @property
    def student_settled(self) -> bool:
        return student_settled(
            self.student_id, self.student_duplicate, self.id_unclear, self.student_confirmed
        )

    def field_history(self, label: str) -> list[HistoryEntry]:
        return [h for h in self.history if h.field == label]

    def shift(self, block: str) -> tuple[float, float]:
        """The block's refined offset (template units) where the reader looked."""
        return self.block_shifts.get(block, (0.0, 0.0))


def student_settled(
    student_id: int | None, duplicate: bool, unclear: bool, confirmed: bool
) -> bool:
    if student_id is None:
        return False
    return confirmed or not (duplicate or unclear)


_KEY_CACHE: dict[str, AnswerKey | None] = {}


def _exam_key(exam: Exam) -> AnswerKey | None:
    """The exam's current key, parsed once per key content (any workspace)."""
    version = current_key_version(exam)
    if version is None:
        return None
    text = json.dumps(version.content, sort_keys=True, ensure_ascii=False)
    if text not in _KEY_CACHE:
        if len(_KEY_CACHE) > 64:
            _KEY_CACHE.clear()
        _KEY_CACHE[text] = current_key(exam)
    return _KEY_CACHE[text]


def _history(decisions: list[ReviewDecision]) -> tuple[HistoryEntry, ...]:
    active = in_effect(decisions)
    return tuple(
        HistoryEntry(
            id=d.id,
            field=d.field,
            old_value=d.old_value or "",
            new_value=d.new_value or "",
            decided_by=d.decided_by,
            decided_at=d.decided_at,
            reason=d.reason,
            in_effect=active[d.id],
            is_undo=(d.reason or "").startswith("undo #"),
        )
        for d in decisions
    )


def confirmed_student(decisions: Iterable[ReviewDecision]) -> bool:
    """Whether an ordinary ``student`` decision is in effect."""
    rows = [d for d in decisions if d.field == STUDENT_FIELD]
    active = in_effect(rows)
    return any(active[d.id] and not (d.reason or "").startswith("undo #") for d in rows)


def _homography(alignment: dict[str, Any]) -> tuple[tuple[float, float, float], ...] | None:
    h = alignment.get("homography")
    try:
        rows = tuple((float(r[0]), float(r[1]), float(r[2])) for r in h)  # type: ignore[union-attr]
    except (TypeError, ValueError, IndexError):
        return None
    return rows if len(rows) == 3 else None


def load_sheet(session: Session, submission_id: int, folder: Path | None = None) -> SheetData:
    """The :class:`SheetData` of one submission; ``folder`` is the workspace folder
    (scan paths are stored relative to it)."""
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise StoreError(
            f"답안지를 찾을 수 없습니다: #{submission_id} / No such submission: #{submission_id}"
        )
    exam = sub.sheet_exam
    template = exam_template(exam)
    key = _exam_key(exam)
    payload = sub.engine_payload or {}
    grades: dict[str, Any] = payload.get("grades") or {}
    fields: dict[str, FieldState] = {}
    for a in sub.answers:
        omr = a.meta.get("omr", {}) if a.meta else {}
        item = key.items.get(a.label) if key is not None else None
        grade = grades.get(a.label) or {}
        fields[a.label] = FieldState(
            label=a.label,
            answer=a.answer,
            current_value=a.current_value,
            detected=tuple(omr.get("detected", ())),
            marking=str(omr.get("marking", "blank" if not a.answer else "single")),
            confidence=float(omr.get("confidence", 0.0) or 0.0),
            status=str(omr.get("status", "ok")),
            reviewed=a.reviewed,
            key_answers=tuple(ans for ans, _ in item.accepted) if item is not None else (),
            correct=grade.get("correct"),
            points=grade.get("points"),
            max_points=grade.get("max_points"),
            provisional=bool(grade.get("provisional", False)),
        )
    decisions = history(session, sub.id)
    duplicate = False
    if sub.student_id is not None and sub.status != SubmissionStatus.FAILED:
        others = session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(
                Submission.exam_id == sub.exam_id,
                Submission.student_id == sub.student_id,
                Submission.status != SubmissionStatus.FAILED,
                Submission.id != sub.id,
            )
        )
        duplicate = bool(others)
    alignment = payload.get("alignment") or {}
    size = alignment.get("image_size")
    shifts = {
        str(name): (float(b.get("dx", 0.0)), float(b.get("dy", 0.0)))
        for name, b in (alignment.get("blocks") or {}).items()
        if isinstance(b, dict)
    }
    scan: Scan = sub.scan
    image_path = Path(scan.stored_path)
    if folder is not None and not image_path.is_absolute():
        image_path = folder / image_path
    student: Student | None = sub.student
    return SheetData(
        submission_id=sub.id,
        exam_id=exam.id,
        exam_title=exam.title,
        template=template,
        fields=fields,
        status=sub.status,
        review_state=sub.review_state,
        score=sub.score,
        max_score=sub.max_score,
        student_number_read=sub.student_number_read,
        student_id=sub.student_id,
        student_number=student.number if student is not None else None,
        student_name=student.name if student is not None else None,
        student_duplicate=duplicate,
        student_confirmed=confirmed_student(decisions),
        image_path=image_path,
        source_name=scan.original_name,
        page=sub.page,
        homography=_homography(alignment),
        image_size=(int(size[0]), int(size[1]))
        if isinstance(size, list) and len(size) == 2
        else None,
        rotation=int(alignment.get("rotation", 0) or 0),
        block_shifts=shifts,
        history=_history(decisions),
        rejection_code=sub.rejection_code,
        roster_size=roster_size(session),
    )


def roster_size(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Student)) or 0)
