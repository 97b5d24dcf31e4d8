"""What the review screen shows: one sheet's data, and the queue of things to settle.

* :func:`~academy_desktop.store.review_sheet.load_sheet` (in ``review_sheet``)
  gathers one sheet's data for a viewer.
* :func:`review_queue` lists what a person must settle over an exam (or some of
  its submissions): every flagged answer (``meta.omr.status`` in
  :data:`~academy_desktop.engine.result.FLAGGED`) of a graded page, and a
  ``student`` item for a page whose student is unknown, shared with another page
  of the exam, or read from an unclear ID grid. Settled items stay in the list
  (so progress reads "12 of 37 left").

Order of the queue: student items first (in grading order: a sheet must belong to
someone before its answers matter), then answers least confident first; ties go to
grading order, then to the question's place on the sheet.

A student item is *settled* when the page has a roster student and, if that
student was shared or the ID unclear, a person confirmed it (a ``student``
decision in effect). Unknown students are only queued when the roster holds
someone to pick. Nothing here imports Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from academy_desktop.engine.result import FLAGGED
from academy_desktop.store.exams import (
    exam_template,
)
from academy_desktop.store.models import (
    Exam,
    ReviewDecision,
    Scan,
    Student,
    Submission,
    SubmissionAnswer,
    SubmissionStatus,
)
from academy_desktop.store.review import STUDENT_FIELD
from academy_desktop.store.review_sheet import (
    ItemKind,
    SheetData,
    confirmed_student,
    roster_size,
    student_settled,
)

__all__ = [
    "STUDENT_FIELD",
    "QueueItem",
    "progress",
    "review_queue",
    "update_items",
]


# ------------------------------------------------------------------ the queue


@dataclass(frozen=True)
class QueueItem:
    """One thing to settle: a flagged answer, or a sheet's student."""

    submission_id: int
    label: str  # the question label, or "student"
    kind: ItemKind
    status: str  # answer: the reader's status; student: unknown | duplicate | unclear
    confidence: float  # 0 for student items
    settled: bool
    who: str = ""  # the student's name, else the number read, else the file name

    @property
    def key(self) -> tuple[int, str]:
        return (self.submission_id, self.label)


def progress(items: Sequence[QueueItem]) -> tuple[int, int]:
    """``(left, total)``: items not settled yet, and all items."""
    return sum(1 for i in items if not i.settled), len(items)


def review_queue(
    session: Session, exam_id: int, submission_ids: Sequence[int] | None = None
) -> list[QueueItem]:
    """Everything to settle in the exam (or in ``submission_ids`` of it), in review order."""
    exam = session.get(Exam, exam_id)
    if exam is None:
        return []
    template = exam_template(exam)
    id_parts = template.student_id_labels
    order = {f.label: i for i, f in enumerate(template.fields)}
    wanted = None if submission_ids is None else sorted(set(submission_ids))
    if wanted is not None and not wanted:
        return []

    def scoped(stmt: Any) -> Any:
        stmt = stmt.where(
            Submission.exam_id == exam_id, Submission.status != SubmissionStatus.FAILED
        )
        return stmt if wanted is None else stmt.where(Submission.id.in_(wanted))

    status = func.json_extract(SubmissionAnswer.meta, "$.omr.status")
    confidence = func.json_extract(SubmissionAnswer.meta, "$.omr.confidence")
    answers = session.execute(
        scoped(
            select(
                SubmissionAnswer.submission_id,
                SubmissionAnswer.label,
                status,
                confidence,
                SubmissionAnswer.reviewed,
            )
            .join(Submission, Submission.id == SubmissionAnswer.submission_id)
            .where(status.in_(sorted(FLAGGED)))
        )
    ).all()
    sheets = session.execute(
        scoped(
            select(
                Submission.id,
                Submission.student_id,
                Student.name,
                Submission.student_number_read,
                Scan.original_name,
            )
            .outerjoin(Student, Student.id == Submission.student_id)
            .join(Scan, Scan.id == Submission.scan_id)
        )
    ).all()
    who = {row[0]: row[2] or row[3] or row[4] or "" for row in sheets}
    shared = set(
        session.scalars(
            select(Submission.student_id)
            .where(
                Submission.exam_id == exam_id,
                Submission.status != SubmissionStatus.FAILED,
                Submission.student_id.is_not(None),
            )
            .group_by(Submission.student_id)
            .having(func.count() > 1)
        )
    )
    decided = session.scalars(
        scoped(
            select(ReviewDecision)
            .join(Submission, Submission.id == ReviewDecision.submission_id)
            .where(ReviewDecision.field == STUDENT_FIELD)
        )
    ).all()
    by_sheet: dict[int, list[ReviewDecision]] = {}
    for d in decided:
        by_sheet.setdefault(d.submission_id, []).append(d)
    roster = roster_size(session)

    items: list[QueueItem] = []
    unclear: set[int] = set()
    for sub_id, label, st, conf, reviewed in answers:
        if label in id_parts:
            if not reviewed:
                unclear.add(sub_id)
            continue
        items.append(
            QueueItem(
                sub_id, label, "answer", str(st), float(conf or 0.0), bool(reviewed), who[sub_id]
            )
        )
    students: list[QueueItem] = []
    for sub_id, student_id, *_ in sheets:
        confirmed = confirmed_student(by_sheet.get(sub_id, ()))
        duplicate = student_id is not None and student_id in shared
        is_unclear = sub_id in unclear
        if student_id is None:
            if not roster:
                continue
            reason = "unknown"
        elif duplicate:
            reason = "duplicate"
        elif is_unclear:
            reason = "unclear"
        elif confirmed:
            reason = "confirmed"
        else:
            continue
        settled = student_settled(student_id, duplicate, is_unclear, confirmed)
        students.append(
            QueueItem(sub_id, STUDENT_FIELD, "student", reason, 0.0, settled, who[sub_id])
        )
    students.sort(key=lambda i: i.submission_id)
    items.sort(key=lambda i: (i.confidence, i.submission_id, order.get(i.label, len(order))))
    return students + items


def update_items(items: Sequence[QueueItem], sheet: SheetData) -> list[QueueItem]:
    """``items`` with the settled flags of ``sheet``'s items brought up to date."""
    out = []
    for item in items:
        if item.submission_id == sheet.submission_id:
            if item.kind == "student":
                item = replace(item, settled=sheet.student_settled)
            else:
                f = sheet.fields.get(item.label)
                item = replace(item, settled=bool(f and f.reviewed))
        out.append(item)
    return out
