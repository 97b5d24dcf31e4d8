"""The durable outbox: which sheets go to the server, and where each one stands.

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
loses at most the step in progress. Nothing here talks to the network.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, selectinload

from academy_desktop.store.models import (
    Exam,
    OutboxItem,
    OutboxState,
    QuestionMapping,
    Student,
    Submission,
    SubmissionStatus,
    utcnow,
)
from academy_desktop.sync.config import backoff_seconds
from academy_desktop.sync.errors import Retryable, ServerRejected, format_server_errors
from academy_desktop.sync.payload import hold_reasons
from academy_desktop.sync.views import (  # the read side, for the window and the CLI
    AttentionItem,
    OutboxCounts,
    SheetSyncState,
    attention_list,
    counts,
    sheet_states,
)
from academy_desktop.sync.views import aware_utc as _aware

TERMINAL_STATUSES = frozenset({SubmissionStatus.DONE.value, SubmissionStatus.FAILED.value})
POLL_FIRST_S = 2.0  # the first status poll, this long after sending
SENT_POSTED = "posted"
SENT_FOUND = "found"


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
    """:func:`~academy_desktop.sync.payload.hold_reasons` with the roster looked up."""
    cache = cache or _ExamCache(session)
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


def mark_ready(session: Session, submission_ids: Iterable[int]) -> MarkSummary:
    """Put the submissions in the outbox (staff marked them ready to send).

    A rejected page is skipped; a sheet already in the outbox is left as it is (a held
    one is checked again); a new item is pending, or held with its reasons."""
    ids = sorted(set(submission_ids))
    if not ids:
        return MarkSummary()
    existing = {
        it.submission_id: it
        for it in session.scalars(select(OutboxItem).where(OutboxItem.submission_id.in_(ids)))
    }
    subs = session.scalars(
        select(Submission)
        .where(Submission.id.in_(ids))
        .options(selectinload(Submission.student), selectinload(Submission.exam))
    )
    cache = _ExamCache(session)
    added = held = already = skipped = 0
    for sub in subs:
        item = existing.get(sub.id)
        if item is not None:
            already += 1
            if item.state == OutboxState.HELD:
                held += _apply_hold(item, reasons_for(session, sub, cache))
            continue
        if sub.status != SubmissionStatus.DONE:
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


def enqueue_new_graded(session: Session) -> int:
    """Auto-send: graded sheets of exams mapped to the server (``target_id`` set) that
    are not in the outbox yet go in; returns how many were added."""
    ids = list(
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


def recheck_held(session: Session, exam_id: int | None = None) -> int:
    """Check held items again (after a mapping, roster or review change); returns how
    many are released to pending."""
    query = select(OutboxItem).where(OutboxItem.state == OutboxState.HELD)
    if exam_id is not None:
        query = query.join(Submission, Submission.id == OutboxItem.submission_id).where(
            Submission.exam_id == exam_id
        )
    items = list(session.scalars(query))
    if not items:
        return 0
    subs = {
        s.id: s
        for s in session.scalars(
            select(Submission)
            .where(Submission.id.in_([it.submission_id for it in items]))
            .options(selectinload(Submission.student), selectinload(Submission.exam))
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


# ------------------------------------------------------------------ what the GUI shows


# ------------------------------------------------------------------ runner steps


def reset_in_flight(session: Session) -> int:
    """After a crash: items left ``sending`` go back to pending, marked uncertain."""
    result = session.execute(
        update(OutboxItem)
        .where(OutboxItem.state == OutboxState.SENDING)
        .values(state=OutboxState.PENDING, post_uncertain=True, next_run_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def due_items(session: Session, now: datetime, limit: int) -> list[OutboxItem]:
    return list(
        session.scalars(
            select(OutboxItem)
            .where(OutboxItem.state == OutboxState.PENDING, OutboxItem.next_run_at <= now)
            .order_by(OutboxItem.next_run_at, OutboxItem.id)
            .limit(limit)
        )
    )


def due_uncertain(session: Session, now: datetime, limit: int = 1000) -> list[OutboxItem]:
    """Pending items due now whose earlier POST may be on the server."""
    return list(
        session.scalars(
            select(OutboxItem)
            .where(
                OutboxItem.state == OutboxState.PENDING,
                OutboxItem.post_uncertain.is_(True),
                OutboxItem.next_run_at <= now,
            )
            .order_by(OutboxItem.id)
            .limit(limit)
        )
    )


def missing_ids(session: Session, now: datetime, limit: int = 1000) -> list[OutboxItem]:
    """Sent items whose server id is still unknown (the seed's 201 has none), due now."""
    return list(
        session.scalars(
            select(OutboxItem)
            .where(
                _poll_condition(),
                OutboxItem.server_submission_id.is_(None),
                OutboxItem.status_next_poll_at <= now,
            )
            .order_by(OutboxItem.id)
            .limit(limit)
        )
    )


def _poll_condition() -> Any:
    return and_(
        OutboxItem.state == OutboxState.DONE,
        OutboxItem.status_next_poll_at.is_not(None),
    )


def due_polls(session: Session, now: datetime, limit: int) -> list[OutboxItem]:
    return list(
        session.scalars(
            select(OutboxItem)
            .where(_poll_condition(), OutboxItem.status_next_poll_at <= now)
            .order_by(OutboxItem.status_next_poll_at, OutboxItem.id)
            .limit(limit)
        )
    )


def next_due(session: Session, *, polls: bool = True) -> datetime | None:
    """When the next pending item (or status poll) is due."""
    times = [
        session.scalar(
            select(func.min(OutboxItem.next_run_at)).where(OutboxItem.state == OutboxState.PENDING)
        )
    ]
    if polls:
        times.append(
            session.scalar(
                select(func.min(OutboxItem.status_next_poll_at)).where(_poll_condition())
            )
        )
    aware = [_aware(t) for t in times if t is not None]
    return min(t for t in aware if t is not None) if aware else None


def open_work(session: Session, *, polls: bool) -> int:
    """Items still to upload (pending or in flight) or whose server id is still to be
    looked up (a 201 without an id), plus, with ``polls``, sent items whose server
    status is still being polled."""
    n = session.scalar(
        select(func.count()).where(OutboxItem.state.in_([OutboxState.PENDING, OutboxState.SENDING]))
    )
    lookups = _poll_condition()
    if not polls:
        lookups = and_(lookups, OutboxItem.server_submission_id.is_(None))
    return int(n or 0) + int(session.scalar(select(func.count()).where(lookups)) or 0)


def max_server_id(session: Session) -> int:
    return int(session.scalar(select(func.max(OutboxItem.server_submission_id))) or 0)


def begin_attempt(session: Session, item: OutboxItem, now: datetime, id_floor: int) -> None:
    """Lease the item for one POST (committed before the request is made)."""
    item.state = OutboxState.SENDING
    item.attempt_count += 1
    item.last_attempt_at = now
    item.post_uncertain = True
    item.id_floor = id_floor


def undo_attempt(session: Session, item: OutboxItem, message: str) -> None:
    """The POST never left (offline, signed out): the attempt does not count."""
    item.state = OutboxState.PENDING
    item.attempt_count = max(0, item.attempt_count - 1)
    item.post_uncertain = False
    item.last_error = message


def interrupt_attempt(session: Session, item: OutboxItem) -> None:
    """The runner was stopped mid-POST: pending again, looked up before the next POST
    (the attempt does not count)."""
    item.state = OutboxState.PENDING
    item.attempt_count = max(0, item.attempt_count - 1)
    item.post_uncertain = True
    item.next_run_at = utcnow()


def record_sent(
    session: Session,
    item: OutboxItem,
    server_id: int | None,
    server: dict[str, Any],
    *,
    via: str,
    now: datetime,
    scale: float,
) -> None:
    item.state = OutboxState.DONE
    item.post_uncertain = False
    item.server_submission_id = server_id
    status = server.get("status")
    item.server_status = status if isinstance(status, str) else None
    message = server.get("error_message")
    item.server_message = message if isinstance(message, str) and message else None
    item.sent_at = item.sent_at or now
    item.sent_via = item.sent_via or via
    item.last_error = None
    item.attention_reason = None
    item.server_error = None
    item.held_reason = None
    item.status_polls = 0
    if item.server_status in TERMINAL_STATUSES and server_id is not None:
        item.status_next_poll_at = None
        item.status_checked_at = now
    elif server_id is None:  # the seed's 201 has no id: look it up in the list at once
        item.status_next_poll_at = now
    else:
        item.status_next_poll_at = now + timedelta(seconds=POLL_FIRST_S * scale)


def record_retry(
    session: Session,
    item: OutboxItem,
    exc: Retryable,
    *,
    now: datetime,
    max_attempts: int,
    scale: float,
    uncertain: bool | None = None,
) -> None:
    """A temporary failure: back off (at least the server's ``Retry-After``).

    ``uncertain``: whether the item's POST may be on the server now (default: what
    ``exc`` says about the request that just failed). Out of attempts, an item whose
    POST certainly did not arrive needs attention; one that may have arrived stays
    pending and uncertain - the next step looks it up on the server and only then, if
    it is not there, hands it to a person."""
    item.last_error = str(exc)
    item.post_uncertain = exc.maybe_sent if uncertain is None else uncertain
    if item.attempt_count >= max_attempts and not item.post_uncertain:
        to_attention(item, str(exc))
        return
    item.state = OutboxState.PENDING
    wait = backoff_seconds(item.attempt_count) * scale
    if exc.retry_after is not None:
        wait = max(wait, exc.retry_after)
    item.next_run_at = now + timedelta(seconds=wait)


def to_attention(item: OutboxItem, last_error: str) -> None:
    item.state = OutboxState.NEEDS_ATTENTION
    item.attention_reason = (
        f"{item.attempt_count}번 시도했지만 보내지 못했습니다: {last_error} / "
        f"Not sent after {item.attempt_count} attempts: {last_error}"
    )
    item.last_error = last_error


def record_rejected(session: Session, item: OutboxItem, exc: ServerRejected) -> None:
    """A 4xx: the item stops with the server's message per field."""
    item.state = OutboxState.NEEDS_ATTENTION
    item.post_uncertain = False
    item.server_error = dict(exc.body)
    text = format_server_errors(exc.body)
    item.attention_reason = (
        f"서버가 거부했습니다 (HTTP {exc.status}): {text} / "
        f"Refused by the server (HTTP {exc.status}): {text}"
    )
    item.last_error = item.attention_reason


def record_held(session: Session, item: OutboxItem, reasons: list[str]) -> None:
    item.state = OutboxState.HELD
    item.held_reason = "\n".join(reasons)


def record_status(
    session: Session,
    item: OutboxItem,
    server: dict[str, Any],
    *,
    now: datetime,
    scale: float,
) -> None:
    """A polled status; polls back off until ``done`` or ``failed``."""
    status = server.get("status")
    if isinstance(status, str):
        item.server_status = status
    message = server.get("error_message")
    item.server_message = message if isinstance(message, str) and message else None
    item.status_checked_at = now
    item.status_polls += 1
    if item.server_status in TERMINAL_STATUSES:
        item.status_next_poll_at = None
    else:
        item.status_next_poll_at = now + timedelta(
            seconds=backoff_seconds(item.status_polls) * scale
        )


def postpone_poll(
    session: Session, item: OutboxItem, *, now: datetime, scale: float, stop: str | None = None
) -> None:
    """A poll that failed: try later, or (``stop``) give up polling with a message."""
    item.status_polls += 1
    if stop is not None:
        item.server_message = stop
        item.status_next_poll_at = None
        return
    item.status_next_poll_at = now + timedelta(seconds=backoff_seconds(item.status_polls) * scale)


def server_retry_started(session: Session, item: OutboxItem, server: dict[str, Any]) -> None:
    """``retry on server`` was accepted: poll the status again from the start."""
    status = server.get("status")
    item.server_status = status if isinstance(status, str) else SubmissionStatus.SUBMITTED.value
    item.server_message = None
    item.status_polls = 0
    item.status_next_poll_at = utcnow()


__all__ = [
    "POLL_FIRST_S",
    "SENT_FOUND",
    "SENT_POSTED",
    "TERMINAL_STATUSES",
    "AttentionItem",
    "MarkSummary",
    "OutboxCounts",
    "SheetSyncState",
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
    "mark_ready",
    "max_server_id",
    "missing_ids",
    "next_due",
    "open_work",
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
