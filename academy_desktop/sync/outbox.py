"""The durable outbox: which sheets go to the server, and where each one stands.

An item is an OMR sheet (:mod:`academy_desktop.sync.payload`) or a homework video or
photo (:mod:`academy_desktop.sync.homework_payload`): both wait, are held, sent,
looked up and polled the same way.

One :class:`~academy_desktop.store.models.OutboxItem` per submission, in the workspace
database, with the seed job queue's semantics: ``attempt_count``, ``max_attempts``,
``next_run_at`` and a backoff of ``min(120, 2 ** (attempt - 1) * 2)`` seconds.

States (:class:`~academy_desktop.store.models.OutboxState`):

* ``pending``: waits for ``next_run_at``; ``held``: its mapping or review is not
  complete (``held_reason``) - it is checked again whenever mappings change;
* ``sending``: a POST is in flight (a crash leaves it so; the next start makes it
  ``pending`` with ``post_uncertain`` set, so it is looked up before a new POST);
* ``done``: on the server (``server_submission_id``; ``sent_via`` ``posted`` or
  ``found``); its ``server_status`` is polled with backoff until ``done`` or ``failed``;
* ``needs_attention``: a 4xx (``server_error`` holds the server's per-field body) or
  the last attempt failed. Never dropped: :func:`requeue` sends it again.

Every function takes a session inside the caller's transaction; each runner step is
its own short transaction (:mod:`academy_desktop.sync.runner`), so a ``kill -9``
loses at most the step in progress. The steps themselves are in
:mod:`academy_desktop.sync.outbox_steps` (re-exported here). Nothing here talks to
the network.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from academy_desktop.store.models import (
    Exam,
    Homework,
    OutboxItem,
    OutboxState,
    QuestionMapping,
    Student,
    Submission,
    SubmissionStatus,
    utcnow,
)
from academy_desktop.sync import homework_payload
from academy_desktop.sync.outbox_steps import (  # the runner's steps, one item each
    POLL_FIRST_S,
    SENT_FOUND,
    SENT_POSTED,
    TERMINAL_STATUSES,
    begin_attempt,
    due_items,
    due_polls,
    due_uncertain,
    interrupt_attempt,
    max_server_id,
    missing_ids,
    next_due,
    open_work,
    postpone_poll,
    record_held,
    record_rejected,
    record_retry,
    record_sent,
    record_status,
    reset_in_flight,
    server_retry_started,
    to_attention,
    undo_attempt,
)
from academy_desktop.sync.payload import hold_reasons
from academy_desktop.sync.views import (  # the read side, for the window and the CLI
    AttentionItem,
    OutboxCounts,
    SheetSyncState,
    attention_list,
    counts,
    in_scope,
    sheet_states,
)

# ------------------------------------------------------------------ marking ready


@dataclass(frozen=True)
class MarkSummary:
    added: int = 0  # new outbox items (pending or held)
    held: int = 0  # of those and of the items checked again: held with a reason
    already: int = 0  # already in the outbox
    skipped: int = 0  # not graded (a rejected page): never sent


def resolve_student(session: Session, sub: Submission) -> Student | None:
    """The roster entry the sheet stands for: the matched one, else the one whose number
    was read (a roster imported after grading)."""
    if sub.student is not None:
        return sub.student
    if not sub.student_number_read:
        return None
    return session.scalars(select(Student).where(Student.number == sub.student_number_read)).first()


class _ExamCache:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._questions: dict[int, list[QuestionMapping]] = {}
        self._homeworks: dict[int, Homework] = {}

    def homework(self, homework_id: int) -> Homework:
        cached = self._homeworks.get(homework_id)
        if cached is None:
            cached = self.session.get(Homework, homework_id)
            assert cached is not None  # the foreign key
            self._homeworks[homework_id] = cached
        return cached

    def questions(self, exam: Exam) -> list[QuestionMapping]:
        cached = self._questions.get(exam.id)
        if cached is None:
            cached = list(
                self.session.scalars(
                    select(QuestionMapping)
                    .where(QuestionMapping.exam_id == exam.id)
                    .order_by(QuestionMapping.id)
                )
            )
            self._questions[exam.id] = cached
        return cached


def reasons_for(session: Session, sub: Submission, cache: _ExamCache | None = None) -> list[str]:
    """:func:`~academy_desktop.sync.payload.hold_reasons` with the roster looked up
    (for a homework file: :func:`~academy_desktop.sync.homework_payload.hold_reasons`)."""
    cache = cache or _ExamCache(session)
    if sub.homework_id is not None:
        return homework_payload.hold_reasons(
            sub, cache.homework(sub.homework_id), resolve_student(session, sub)
        )
    return hold_reasons(
        sub, sub.sheet_exam, cache.questions(sub.sheet_exam), resolve_student(session, sub)
    )


def _apply_hold(item: OutboxItem, reasons: list[str]) -> bool:
    """HELD with ``reasons``, or PENDING (due now) without; True when held."""
    if reasons:
        item.state = OutboxState.HELD
        item.held_reason = "\n".join(reasons)
        return True
    if item.state == OutboxState.HELD:
        item.state = OutboxState.PENDING
        item.next_run_at = utcnow()
    item.held_reason = None
    return False


_LOAD = (
    selectinload(Submission.student),
    selectinload(Submission.exam),
    selectinload(Submission.scan),
)


def _unanalysed_homework(sub: Submission) -> bool:
    return sub.homework_id is not None and sub.status == SubmissionStatus.SUBMITTED


def mark_ready(session: Session, submission_ids: Iterable[int]) -> MarkSummary:
    """Put the submissions in the outbox (staff marked them ready to send).

    A rejected page is skipped; a sheet already in the outbox is left as it is (a held
    one is checked again); a new item is pending, or held with its reasons (a homework
    file not analysed yet is held until it is)."""
    ids = sorted(set(submission_ids))
    if not ids:
        return MarkSummary()
    existing = {
        it.submission_id: it
        for it in session.scalars(select(OutboxItem).where(OutboxItem.submission_id.in_(ids)))
    }
    subs = session.scalars(select(Submission).where(Submission.id.in_(ids)).options(*_LOAD))
    cache = _ExamCache(session)
    added = held = already = skipped = 0
    for sub in subs:
        item = existing.get(sub.id)
        if item is not None:
            already += 1
            if item.state == OutboxState.HELD:
                held += _apply_hold(item, reasons_for(session, sub, cache))
            continue
        if sub.status != SubmissionStatus.DONE and not _unanalysed_homework(sub):
            skipped += 1
            continue
        item = OutboxItem(
            submission_id=sub.id,
            state=OutboxState.PENDING,
            attempt_count=0,
            next_run_at=utcnow(),
            idempotency_key=str(uuid.uuid4()),  # = payload.client.submission_uuid
        )
        held += _apply_hold(item, reasons_for(session, sub, cache))
        session.add(item)
        added += 1
    session.flush()
    return MarkSummary(added=added, held=held, already=already, skipped=skipped)


def graded_submission_ids(session: Session, exam_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Submission.id).where(
                Submission.exam_id == exam_id, Submission.status == SubmissionStatus.DONE
            )
        )
    )


def mark_exam_ready(session: Session, exam_id: int) -> MarkSummary:
    """Every graded sheet of the exam into the outbox (``sync --exam``, "send exam")."""
    return mark_ready(session, graded_submission_ids(session, exam_id))


def analysed_homework_ids(session: Session, homework_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Submission.id).where(
                Submission.homework_id == homework_id,
                Submission.status == SubmissionStatus.DONE,
            )
        )
    )


def mark_homework_ready(session: Session, homework_id: int) -> MarkSummary:
    """Every analysed file of the homework into the outbox (``sync --homework``, "send
    to server"); each is held while its verdict waits for a person, its student is
    unknown or the homework has no server id."""
    return mark_ready(session, analysed_homework_ids(session, homework_id))


def enqueue_new_graded(session: Session) -> int:
    """Auto-send: graded sheets of exams mapped to the server (``target_id`` set), and
    analysed files of homework with a server id, that are not in the outbox yet go
    in; returns how many were added."""
    homework = list(
        session.scalars(
            select(Submission.id)
            .join(Homework, Homework.id == Submission.homework_id)
            .outerjoin(OutboxItem, OutboxItem.submission_id == Submission.id)
            .where(
                OutboxItem.id.is_(None),
                Submission.status == SubmissionStatus.DONE,
                Homework.target_id.is_not(None),
            )
        )
    )
    ids = homework + list(
        session.scalars(
            select(Submission.id)
            .join(Exam, Exam.id == Submission.exam_id)
            .outerjoin(OutboxItem, OutboxItem.submission_id == Submission.id)
            .where(
                OutboxItem.id.is_(None),
                Submission.status == SubmissionStatus.DONE,
                Exam.target_id.is_not(None),
            )
        )
    )
    return mark_ready(session, ids).added if ids else 0


def recheck_held(
    session: Session,
    exam_id: int | None = None,
    *,
    homework_id: int | None = None,
    submission_ids: Iterable[int] | None = None,
) -> int:
    """Check held items again (after a mapping, roster or review change: a homework's
    server id, a verdict settled); returns how many are released to pending. Limited
    to one exam, one homework or some submissions when given."""
    query = select(OutboxItem).where(OutboxItem.state == OutboxState.HELD)
    query = in_scope(query, exam_id, homework_id)
    if submission_ids is not None:
        query = query.where(OutboxItem.submission_id.in_(sorted(set(submission_ids))))
    items = list(session.scalars(query))
    if not items:
        return 0
    subs = {
        s.id: s
        for s in session.scalars(
            select(Submission)
            .where(Submission.id.in_([it.submission_id for it in items]))
            .options(*_LOAD)
        )
    }
    cache = _ExamCache(session)
    released = 0
    for item in items:
        if not _apply_hold(item, reasons_for(session, subs[item.submission_id], cache)):
            released += 1
    session.flush()
    return released


def _items_for(session: Session, submission_ids: Iterable[int] | None) -> Any:
    query = select(OutboxItem)
    if submission_ids is not None:
        query = query.where(OutboxItem.submission_id.in_(sorted(set(submission_ids))))
    return query


def requeue(session: Session, submission_ids: Iterable[int] | None = None) -> int:
    """Items that need attention go back to pending with a fresh attempt count (after
    staff fixed what the server refused, or to try again after many failures).
    ``post_uncertain`` stays: such an item is looked up on the server first."""
    query = _items_for(session, submission_ids).where(
        OutboxItem.state == OutboxState.NEEDS_ATTENTION
    )
    items = list(session.scalars(query))
    for item in items:
        item.state = OutboxState.PENDING
        item.attempt_count = 0
        item.next_run_at = utcnow()
        item.attention_reason = None
        item.server_error = None
    session.flush()
    if items:
        recheck_held_items(session, items)
    return len(items)


def recheck_held_items(session: Session, items: Sequence[OutboxItem]) -> None:
    """Hold reasons for these items (pending ones may become held and the reverse)."""
    cache = _ExamCache(session)
    for item in items:
        if item.state in (OutboxState.PENDING, OutboxState.HELD):
            sub = session.get(Submission, item.submission_id)
            if sub is not None:
                _apply_hold(item, reasons_for(session, sub, cache))
    session.flush()


def send_now(session: Session, submission_ids: Iterable[int] | None = None) -> int:
    """ "Send now": waiting items become due at once (their backoff is skipped), held
    ones are checked again, and items needing attention are requeued. Submissions not
    in the outbox yet are marked ready first. Returns how many items are due now."""
    if submission_ids is not None:
        mark_ready(session, submission_ids)
    requeue(session, submission_ids)
    held = list(
        session.scalars(
            _items_for(session, submission_ids).where(OutboxItem.state == OutboxState.HELD)
        )
    )
    recheck_held_items(session, held)
    query = update(OutboxItem).where(OutboxItem.state == OutboxState.PENDING)
    if submission_ids is not None:
        query = query.where(OutboxItem.submission_id.in_(sorted(set(submission_ids))))
    result = session.execute(query.values(next_run_at=utcnow()))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


__all__ = [
    "POLL_FIRST_S",
    "SENT_FOUND",
    "SENT_POSTED",
    "TERMINAL_STATUSES",
    "AttentionItem",
    "MarkSummary",
    "OutboxCounts",
    "SheetSyncState",
    "analysed_homework_ids",
    "attention_list",
    "begin_attempt",
    "counts",
    "due_items",
    "due_polls",
    "due_uncertain",
    "enqueue_new_graded",
    "graded_submission_ids",
    "interrupt_attempt",
    "mark_exam_ready",
    "mark_homework_ready",
    "mark_ready",
    "max_server_id",
    "missing_ids",
    "next_due",
    "open_work",
    "postpone_poll",
    "reasons_for",
    "recheck_held",
    "recheck_held_items",
    "record_held",
    "record_rejected",
    "record_retry",
    "record_sent",
    "record_status",
    "requeue",
    "reset_in_flight",
    "resolve_student",
    "send_now",
    "server_retry_started",
    "sheet_states",
    "to_attention",
    "undo_attempt",
]
