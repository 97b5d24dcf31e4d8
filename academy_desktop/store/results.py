"""Pages of an exam's results, for tables that fetch rows lazily (the GUI, the CLI).

Rows can be filtered (:class:`ResultFilter`: flagged, rejected, unknown student,
duplicate student) and sorted (:class:`ResultSort`, ascending or descending; ties
always in grading order). A page is two short queries: the ids of the page (on the
``submission(exam_id, ...)`` indexes where the sort allows it), then those rows with
their file and student, so listing stays fast however many sheets the exam holds.
:func:`exam_counts` gives the filter bar's badges in one query.

*Duplicate student*: the sheet's student number - the roster number of the matched
student, else the number read from the ID grid - is shared by another sheet of the
same exam. *Flagged*: an answer is still flagged and unreviewed (``flags_open``), or
the sheet waits for review (which includes rejected pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from academy_desktop.store.models import (
    ReviewState,
    Scan,
    Student,
    Submission,
    SubmissionStatus,
)

__all__ = [
    "ResultFilter",
    "ResultRow",
    "ResultSort",
    "count_results",
    "exam_counts",
    "list_results",
]


class ResultFilter(StrEnum):
    ALL = "all"
    FLAGGED = "flagged"  # open flags, or waiting for review (rejected pages too)
    REJECTED = "rejected"  # the page could not be graded (status failed)
    UNKNOWN_STUDENT = "unknown-student"  # a graded page with no roster match
    DUPLICATE_STUDENT = "duplicate-student"  # another sheet has the same student number


class ResultSort(StrEnum):
    ORDER = "order"  # grading order (submission id)
    STUDENT = "student"  # name, then number; unknown students last
    SCORE = "score"  # no score (rejected pages) counts lowest
    FLAGGED = "flagged"  # open flags
    STATUS = "status"


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
    flagged: int  # open flags: flagged answers not reviewed yet
    rejection_code: str | None = None
    duplicate: bool = False  # another sheet of the exam has the same student number


def _student_of(sub: Any) -> ColumnElement[Any]:
    """The roster entry a sheet stands for: the one matched, else the one whose number
    was read (a roster imported after grading), else NULL. The lookup runs only for
    unmatched sheets (``coalesce`` stops at the first value)."""
    by_number = (
        select(Student.id)
        .where(Student.number == sub.student_number_read)
        .correlate(sub)
        .scalar_subquery()
    )
    return func.coalesce(sub.student_id, by_number)


def _duplicate(exam_id: int) -> ColumnElement[bool]:
    """True when another sheet of the exam stands for the same student: the same roster
    entry (see :func:`_student_of`), or - with no roster entry - the same number read.

    Both sets are computed once per statement from one scan of the exam's index
    entries (``ix_submission_exam_listing`` covers the columns), then probed per row.
    """
    other = aliased(Submission)
    shared_students = (
        select(_student_of(other))
        .where(other.exam_id == exam_id)
        .group_by(_student_of(other))
        .having(func.count() > 1)
    )
    shared_numbers = (
        select(other.student_number_read)
        .where(
            other.exam_id == exam_id,
            _student_of(other).is_(None),
            other.student_number_read.is_not(None),
            other.student_number_read != "",
        )
        .group_by(other.student_number_read)
        .having(func.count() > 1)
    )
    return or_(
        _student_of(Submission).in_(shared_students.scalar_subquery()),
        and_(
            Submission.student_id.is_(None),
            Submission.student_number_read.in_(shared_numbers.scalar_subquery()),
        ),
    )


def _has_twin() -> ColumnElement[bool]:
    """The same test as :func:`_duplicate`, row by row with index probes (for the
    rows of one page: ``submission(exam_id, student_id)`` and ``(exam_id,
    student_number_read)``), so a page does not pay for scanning the whole exam."""
    other = aliased(Submission)
    roster_number = (
        select(Student.number)
        .where(Student.id == Submission.student_id)
        .correlate(Submission)
        .scalar_subquery()
    )
    number = func.coalesce(roster_number, Submission.student_number_read)
    same_student = exists().where(
        other.exam_id == Submission.exam_id,
        other.id != Submission.id,
        other.student_id == _student_of(Submission),
    )
    same_number = exists().where(
        other.exam_id == Submission.exam_id,
        other.id != Submission.id,
        other.student_id.is_(None),
        other.student_number_read == number,
    )
    return or_(same_student, and_(number != "", same_number))


def _condition(kind: ResultFilter, exam_id: int) -> ColumnElement[bool]:
    if kind is ResultFilter.FLAGGED:
        return or_(Submission.flags_open > 0, Submission.review_state == ReviewState.NEEDED)
    if kind is ResultFilter.REJECTED:
        return Submission.status == SubmissionStatus.FAILED
    if kind is ResultFilter.UNKNOWN_STUDENT:
        return and_(Submission.status != SubmissionStatus.FAILED, Submission.student_id.is_(None))
    if kind is ResultFilter.DUPLICATE_STUDENT:
        return _duplicate(exam_id)
    return true()


def count_results(session: Session, exam_id: int, filter: ResultFilter = ResultFilter.ALL) -> int:
    """How many submissions of the exam pass ``filter``."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.exam_id == exam_id, _condition(ResultFilter(filter), exam_id))
        )
        or 0
    )


def exam_counts(session: Session, exam_id: int) -> dict[ResultFilter, int]:
    """Every filter's count for the exam, in one query (the filter bar's badges)."""
    columns = [
        func.count().filter(_condition(f, exam_id)) if f is not ResultFilter.ALL else func.count()
        for f in ResultFilter
    ]
    row = session.execute(select(*columns).where(Submission.exam_id == exam_id)).one()
    return {f: int(n or 0) for f, n in zip(ResultFilter, row, strict=True)}


def _order(sort: ResultSort, descending: bool, filtered: bool) -> list[Any]:
    """ORDER BY terms; ties in grading order (on an index, rowid order comes free).

    Unfiltered, the score and flags sorts walk their own index (no sort at all).
    Filtered, the key is wrapped (``score + 0``) so that SQLite cannot take that index
    for the order and then read every sheet's row to test the filter (the rows are
    large: the engine payload sits before the filtered columns); it scans the covering
    ``ix_submission_exam_listing`` instead and sorts the few rows that pass.
    """
    keys: list[Any]
    if sort is ResultSort.STUDENT:
        keys = [Student.name, func.coalesce(Student.number, Submission.student_number_read)]
    elif sort is ResultSort.SCORE:
        keys = [Submission.score + 0 if filtered else Submission.score]
    elif sort is ResultSort.FLAGGED:
        keys = [Submission.flags_open + 0 if filtered else Submission.flags_open]
    elif sort is ResultSort.STATUS:
        keys = [Submission.status.op("||")("") if filtered else Submission.status]
    else:
        keys = []
    keys.append(Submission.id)
    out = [k.desc() if descending else k.asc() for k in keys]
    if sort is ResultSort.STUDENT:  # unknown students last, in either direction
        out.insert(0, Student.name.is_(None).asc())
    return out


def list_results(
    session: Session,
    exam_id: int,
    *,
    offset: int = 0,
    limit: int = 100,
    filter: ResultFilter = ResultFilter.ALL,
    sort: ResultSort = ResultSort.ORDER,
    descending: bool = False,
) -> list[ResultRow]:
    """Rows ``offset`` .. ``offset + limit`` of the exam that pass ``filter``, sorted."""
    kind, sort = ResultFilter(filter), ResultSort(sort)
    if limit <= 0:
        return []
    ids_query = select(Submission.id).where(
        Submission.exam_id == exam_id, _condition(kind, exam_id)
    )
    if sort is ResultSort.STUDENT:
        ids_query = ids_query.outerjoin(Student, Student.id == Submission.student_id)
    ids = list(
        session.scalars(
            ids_query.order_by(*_order(sort, descending, kind is not ResultFilter.ALL))
            .offset(offset)
            .limit(limit)
        )
    )
    if not ids:
        return []
    # every row of the duplicate filter is one; otherwise probe the page's rows only
    duplicate = true() if kind is ResultFilter.DUPLICATE_STUDENT else _has_twin()
    rows = session.execute(
        select(
            Submission.id,
            Scan.original_name,
            Submission.page,
            func.coalesce(Student.number, Submission.student_number_read).label("number"),
            Student.name,
            Submission.score,
            Submission.max_score,
            Submission.status,
            Submission.review_state,
            Submission.flags_open,
            Submission.rejection_code,
            duplicate.label("duplicate"),
        )
        .join(Scan, Scan.id == Submission.scan_id)
        .outerjoin(Student, Student.id == Submission.student_id)
        .where(Submission.id.in_(ids))
    ).all()
    by_id = {
        r.id: ResultRow(
            submission_id=r.id,
            file=r.original_name,
            page=r.page,
            student_number=r.number,
            student_name=r.name,
            score=r.score,
            max_score=r.max_score,
            status=r.status,
            review_state=r.review_state,
            flagged=r.flags_open,
            rejection_code=r.rejection_code,
            duplicate=bool(r.duplicate),
        )
        for r in rows
    }
    return [by_id[i] for i in ids if i in by_id]
