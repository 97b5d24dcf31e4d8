"""Store the engine's page results as submissions, in the server's shape.

One :class:`Submission` per sheet page, unique per ``(exam, scan, page)``, so
recording the same page twice is a no-op: a batch that is run again, or resumed
after a crash, never duplicates a sheet and never overwrites a person's review.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from academy_desktop.engine.result import PageResult
from academy_desktop.store.models import (
    Exam,
    ReviewState,
    Scan,
    Student,
    Submission,
    SubmissionAnswer,
    SubmissionStatus,
)


def find_submission(session: Session, exam: Exam, scan: Scan, page: int) -> Submission | None:
    return session.scalars(
        select(Submission).where(
            Submission.exam_id == exam.id, Submission.scan_id == scan.id, Submission.page == page
        )
    ).first()


def graded_pages(session: Session, exam: Exam, scan: Scan) -> set[int]:
    """Pages of ``scan`` already stored for ``exam`` (whatever their status)."""
    rows = session.scalars(
        select(Submission.page).where(Submission.exam_id == exam.id, Submission.scan_id == scan.id)
    )
    return set(rows)


def pages_done(session: Session, exam_id: int, scan_ids: list[int]) -> dict[int, set[int]]:
    """scan id -> pages already stored for the exam, for many scans in one query."""
    out: dict[int, set[int]] = {}
    rows = session.execute(
        select(Submission.scan_id, Submission.page).where(
            Submission.exam_id == exam_id, Submission.scan_id.in_(scan_ids)
        )
    )
    for scan_id, page in rows:
        out.setdefault(scan_id, set()).add(page)
    return out


def _payload(result: PageResult) -> dict[str, Any]:
    return {
        "template": result.template,
        "alignment": result.alignment,
        "grades": {k: g.to_json() for k, g in result.grades.items()},
        "flagged": result.flagged_labels,
    }


def students_by_number(session: Session, numbers: list[str]) -> dict[str, Student]:
    """Roster entries for the numbers read on a group of sheets, in one query."""
    wanted = sorted({n for n in numbers if n})
    if not wanted:
        return {}
    rows = session.scalars(select(Student).where(Student.number.in_(wanted)))
    return {st.number: st for st in rows}


def apply_result(sub: Submission, exam: Exam, result: PageResult, student: Student | None) -> None:
    """Set everything a page result decides on ``sub`` (not its answers, see
    :func:`insert_answers`): student, status, rejection, payload, score, review state."""
    ok = result.status == "ok"
    sub.target_type = "exam"
    sub.target_id = exam.target_id
    sub.enrollment_id = student.enrollment_id if student is not None else None
    sub.student_id = student.id if student is not None else None
    sub.student_number_read = result.student_id
    sub.source = "omr_scan"
    sub.status = SubmissionStatus.DONE if ok else SubmissionStatus.FAILED
    sub.error_message = None if ok else result.message
    sub.rejection_code = result.rejection_code
    sub.engine_payload = _payload(result)
    sub.score = result.score
    sub.max_score = result.max_score
    sub.review_state = ReviewState.NEEDED if result.review_required else ReviewState.NONE
    sub.flags_open = len(result.flagged_labels)  # nothing is reviewed yet


def insert_answers(session: Session, submission_id: int, result: PageResult) -> None:
    """One :class:`SubmissionAnswer` per field of ``result``, in one executemany (a
    45-question sheet is one statement, not 45 objects)."""
    rows = []
    for label, field in result.fields.items():
        answer = "".join(field.detected)
        rows.append(
            {
                "submission_id": submission_id,
                "label": label,
                "answer": answer,
                "meta": {"omr": field.to_json()},
                "current_value": answer,
                "reviewed": False,
            }
        )
    if rows:
        session.execute(insert(SubmissionAnswer), rows)


def record_result(
    session: Session,
    exam: Exam,
    scan: Scan,
    result: PageResult,
    *,
    students: dict[str, Student] | None = None,
) -> tuple[Submission, bool]:
    """Store one page result; returns ``(submission, created)``.

    A page already stored for this exam is left exactly as it is (``created`` is
    False). The student is matched by the number the ID grid encodes; an unknown
    number keeps ``student_id`` empty and the number read in ``student_number_read``.
    ``students`` (from :func:`students_by_number`) saves a query per page when many
    pages are stored together.
    """
    existing = find_submission(session, exam, scan, result.page)
    if existing is not None:
        return existing, False
    student = match_student(session, result, students)
    sub = Submission(exam_id=exam.id, scan_id=scan.id, page=result.page)
    apply_result(sub, exam, result, student)
    session.add(sub)
    session.flush()
    insert_answers(session, sub.id, result)
    return sub, True


def match_student(
    session: Session, result: PageResult, students: dict[str, Student] | None = None
) -> Student | None:
    """The roster entry for the number read on the sheet, if any."""
    if not result.student_id:
        return None
    if students is None:
        students = students_by_number(session, [result.student_id])
    return students.get(result.student_id)
