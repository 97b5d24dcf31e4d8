"""Pages of an exam's results, for tables that fetch rows lazily (the GUI, the CLI).

A page of rows is one indexed query (``submission(exam_id, ...)``), so listing stays
fast however many sheets the workspace holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from academy_desktop.store.models import Scan, Student, Submission


@dataclass(frozen=True)
class ResultRow:
    submission_id: int
    file: str
    page: int
    student_number: str | None  # from the roster, else as read from the ID grid
    student_name: str | None  # None: no roster match
    score: float | None
    max_score: float | None
    status: str
    review_state: str
    flagged: int


def count_results(session: Session, exam_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(Submission).where(Submission.exam_id == exam_id)
        )
        or 0
    )


def list_results(
    session: Session, exam_id: int, *, offset: int = 0, limit: int = 100
) -> list[ResultRow]:
    """Rows ``offset`` .. ``offset + limit`` of the exam, in grading order."""
    rows = session.execute(
        select(
            Submission.id,
            Scan.original_name,
            Submission.page,
            func.coalesce(Student.number, Submission.student_number_read),
            Student.name,
            Submission.score,
            Submission.max_score,
            Submission.status,
            Submission.review_state,
            Submission.engine_payload,
        )
        .join(Scan, Scan.id == Submission.scan_id)
        .outerjoin(Student, Student.id == Submission.student_id)
        .where(Submission.exam_id == exam_id)
        .order_by(Submission.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [
        ResultRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            len((r[9] or {}).get("flagged", [])),
        )
        for r in rows
    ]
