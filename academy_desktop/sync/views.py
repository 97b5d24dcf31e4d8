"""What the window and the CLI show of the outbox: counts for the status bar, each
sheet's server state, and the needs-attention list. Read-only; the state changes
are in :mod:`academy_desktop.sync.outbox`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from academy_desktop.store.models import (
    Exam,
    Homework,
    OutboxItem,
    OutboxState,
    Student,
    Submission,
    SubmissionStatus,
)

__all__ = [
    "AttentionItem",
    "OutboxCounts",
    "SheetSyncState",
    "attention_list",
    "aware_utc",
    "counts",
    "sheet_states",
]


@overload
def aware_utc(value: datetime) -> datetime: ...
@overload
def aware_utc(value: None) -> None: ...
def aware_utc(value: datetime | None) -> datetime | None:
    """A time read back from SQLite (naive) as the UTC time it was stored as."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class OutboxCounts:
    """Counts for a status-bar indicator; ``exam_id`` (``homework_id``) limits them to
    one exam (one homework)."""

    pending: int = 0  # waiting to be sent (incl. one in flight)
    held: int = 0  # waiting for a mapping or review
    attention: int = 0  # refused by the server, or out of attempts
    sent: int = 0  # on the server
    server_processing: int = 0  # of sent: the server is not finished with it yet
    server_done: int = 0
    server_failed: int = 0  # of sent: the server's processing failed (retry on server)

    @property
    def total(self) -> int:
        return self.pending + self.held + self.attention + self.sent

    @property
    def needs_attention(self) -> int:
        """What a person must look at: refused/out of attempts, or failed on the server."""
        return self.attention + self.server_failed

    @property
    def all_sent(self) -> bool:
        return self.total > 0 and self.sent == self.total


def in_scope(query: Any, exam_id: int | None, homework_id: int | None) -> Any:
    """``query`` over outbox items limited to one exam's or one homework's submissions
    (both None: the whole workspace)."""
    if exam_id is None and homework_id is None:
        return query
    query = query.join(Submission, Submission.id == OutboxItem.submission_id)
    if exam_id is not None:
        query = query.where(Submission.exam_id == exam_id)
    if homework_id is not None:
        query = query.where(Submission.homework_id == homework_id)
    return query


def counts(
    session: Session, exam_id: int | None = None, *, homework_id: int | None = None
) -> OutboxCounts:
    query = select(OutboxItem.state, OutboxItem.server_status, func.count()).group_by(
        OutboxItem.state, OutboxItem.server_status
    )
    query = in_scope(query, exam_id, homework_id)
    c: dict[str, int] = {}
    for state, server_status, n in session.execute(query):
        if state in (OutboxState.PENDING, OutboxState.SENDING):
            c["pending"] = c.get("pending", 0) + n
        elif state == OutboxState.HELD:
            c["held"] = c.get("held", 0) + n
        elif state == OutboxState.NEEDS_ATTENTION:
            c["attention"] = c.get("attention", 0) + n
        else:
            c["sent"] = c.get("sent", 0) + n
            key = {
                SubmissionStatus.DONE.value: "server_done",
                SubmissionStatus.FAILED.value: "server_failed",
            }.get(server_status or "", "server_processing")
            c[key] = c.get(key, 0) + n
    return OutboxCounts(**c)


_STATE_LABELS = {
    OutboxState.PENDING: "보낼 예정 / Waiting to send",
    OutboxState.SENDING: "보내는 중 / Sending",
    OutboxState.HELD: "보류 / Held",
    OutboxState.NEEDS_ATTENTION: "확인 필요 / Needs attention",
    OutboxState.DONE: "보냄 / Sent",
}
_SERVER_LABELS = {
    "submitted": "서버: 접수됨 / Server: submitted",
    "dispatched": "서버: 처리 대기 / Server: dispatched",
    "extracting": "서버: 읽는 중 / Server: extracting",
    "answers_ready": "서버: 답안 준비 / Server: answers ready",
    "grading": "서버: 채점 중 / Server: grading",
    "done": "서버: 완료 / Server: done",
    "failed": "서버: 실패 / Server: failed",
}


@dataclass(frozen=True)
class SheetSyncState:
    """One sheet's place in the outbox (the per-sheet server state column)."""

    submission_id: int
    state: str  # OutboxState
    server_status: str | None
    server_submission_id: int | None
    reason: str | None  # held reason, attention reason or the server's error message
    attempts: int
    next_run_at: datetime | None
    server_errors: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        """A short bilingual label ("서버: 완료 / Server: done")."""
        if self.state == OutboxState.DONE and self.server_status in _SERVER_LABELS:
            return _SERVER_LABELS[self.server_status]
        return _STATE_LABELS.get(OutboxState(self.state), self.state)


def _reason(item: OutboxItem) -> str | None:
    if item.state == OutboxState.HELD:
        return item.held_reason
    if item.state == OutboxState.NEEDS_ATTENTION:
        return item.attention_reason
    if item.state == OutboxState.DONE and item.server_status == SubmissionStatus.FAILED:
        return item.server_message or None
    return item.last_error


def _sheet_state(item: OutboxItem) -> SheetSyncState:
    return SheetSyncState(
        submission_id=item.submission_id,
        state=item.state,
        server_status=item.server_status,
        server_submission_id=item.server_submission_id,
        reason=_reason(item),
        attempts=item.attempt_count,
        next_run_at=aware_utc(item.next_run_at),
        server_errors=item.server_error,
    )


def sheet_states(session: Session, submission_ids: Iterable[int]) -> dict[int, SheetSyncState]:
    """Submission id -> its outbox state; sheets not in the outbox are absent."""
    ids = sorted(set(submission_ids))
    out: dict[int, SheetSyncState] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for item in session.scalars(select(OutboxItem).where(OutboxItem.submission_id.in_(chunk))):
            out[item.submission_id] = _sheet_state(item)
    return out


@dataclass(frozen=True)
class AttentionItem:
    """A row of the "needs attention" list. A homework file has ``exam_id`` None,
    ``homework_id`` set and the homework's title in ``exam_title``."""

    submission_id: int
    exam_id: int | None
    exam_title: str  # the exam's title, or the homework's
    student_number: str | None
    student_name: str | None
    kind: str  # "rejected" (a 4xx), "attempts" (out of attempts), "server_failed", "held"
    reason: str  # bilingual, with the server's message
    server_errors: dict[str, Any] = field(default_factory=dict)  # per field, as it came
    server_submission_id: int | None = None
    can_retry_on_server: bool = False  # a failed submission: POST .../retry/
    can_requeue: bool = False  # send again after fixing what was wrong
    homework_id: int | None = None
    target_type: str = "exam"  # or "homework"


def attention_list(
    session: Session,
    exam_id: int | None = None,
    *,
    include_held: bool = False,
    limit: int = 1000,
    homework_id: int | None = None,
) -> list[AttentionItem]:
    """Items a person must look at, oldest first: refused by the server, out of
    attempts, failed on the server (and held ones with ``include_held``); sheets and
    homework files alike, or those of one exam or one homework."""
    conditions = [
        OutboxItem.state == OutboxState.NEEDS_ATTENTION,
        and_(
            OutboxItem.state == OutboxState.DONE,
            OutboxItem.server_status == SubmissionStatus.FAILED,
        ),
    ]
    if include_held:
        conditions.append(OutboxItem.state == OutboxState.HELD)
    query = (
        select(OutboxItem, Submission, Exam, Homework, Student)
        .join(Submission, Submission.id == OutboxItem.submission_id)
        .outerjoin(Exam, Exam.id == Submission.exam_id)
        .outerjoin(Homework, Homework.id == Submission.homework_id)
        .outerjoin(Student, Student.id == Submission.student_id)
        .where(or_(*conditions))
        .order_by(OutboxItem.id)
        .limit(limit)
    )
    if exam_id is not None:
        query = query.where(Submission.exam_id == exam_id)
    if homework_id is not None:
        query = query.where(Submission.homework_id == homework_id)
    out = []
    for item, sub, exam, homework, student in session.execute(query):
        if item.state == OutboxState.HELD:
            kind, reason = "held", item.held_reason or ""
        elif item.state == OutboxState.DONE:
            kind = "server_failed"
            msg = item.server_message or "-"
            reason = f"서버 처리 실패: {msg} / Failed on the server: {msg}"
        else:
            kind = "rejected" if item.server_error else "attempts"
            reason = item.attention_reason or item.last_error or ""
        out.append(
            AttentionItem(
                submission_id=sub.id,
                exam_id=exam.id if exam is not None else None,
                exam_title=exam.title if exam is not None else homework.title if homework else "",
                student_number=student.number if student else sub.student_number_read,
                student_name=student.name if student else None,
                kind=kind,
                reason=reason,
                server_errors=dict(item.server_error or {}),
                server_submission_id=item.server_submission_id,
                can_retry_on_server=kind == "server_failed",
                can_requeue=kind in ("rejected", "attempts"),
                homework_id=sub.homework_id,
                target_type="homework" if sub.homework_id is not None else "exam",
            )
        )
    return out
