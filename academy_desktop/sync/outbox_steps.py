"""The outbox runner's steps: each changes one item (or answers one query) inside the
caller's short transaction. :mod:`academy_desktop.sync.outbox` re-exports them all, so
callers use ``outbox.record_sent`` and friends; the runner
(:mod:`academy_desktop.sync.runner`) is their only user. Nothing here talks to the
network."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from academy_desktop.store.models import OutboxItem, OutboxState, SubmissionStatus, utcnow
from academy_desktop.sync.config import backoff_seconds
from academy_desktop.sync.errors import Retryable, ServerRejected, format_server_errors
from academy_desktop.sync.views import aware_utc as _aware

TERMINAL_STATUSES = frozenset({SubmissionStatus.DONE.value, SubmissionStatus.FAILED.value})
POLL_FIRST_S = 2.0  # the first status poll, this long after sending
SENT_POSTED = "posted"
SENT_FOUND = "found"


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
    "begin_attempt",
    "due_items",
    "due_polls",
    "due_uncertain",
    "interrupt_attempt",
    "max_server_id",
    "missing_ids",
    "next_due",
    "open_work",
    "postpone_poll",
    "record_held",
    "record_rejected",
    "record_retry",
    "record_sent",
    "record_status",
    "reset_in_flight",
    "server_retry_started",
    "to_attention",
    "undo_attempt",
]
