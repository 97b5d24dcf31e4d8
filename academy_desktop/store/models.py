"""The workspace's domain model (SQLAlchemy 2, typed).

Names mirror the academy server's vocabulary (``../shared/CONTRACT.md``) so that
sync maps one to one: a :class:`Submission` per graded sheet page, its
:class:`SubmissionAnswer` rows unique per question, ``target_type``/``target_id``/
``enrollment_id``/``source`` and the server's status lifecycle.

Nothing here imports Qt; repositories and services build on these classes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names: Alembic batch migrations on SQLite need them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class SubmissionStatus(StrEnum):
    """The server's lifecycle (seed ``Submission.Status``); any stage may go to FAILED."""

    SUBMITTED = "submitted"
    DISPATCHED = "dispatched"
    EXTRACTING = "extracting"
    ANSWERS_READY = "answers_ready"
    GRADING = "grading"
    DONE = "done"
    FAILED = "failed"


class ReviewState(StrEnum):
    NONE = "none"  # nothing flagged
    NEEDED = "needed"  # flagged answers or a rejected page wait for a person
    DONE = "done"  # a person settled every flag


class HomeworkVerdict(StrEnum):
    """What a homework video or photo shows (``engine.homework``): the engine's verdict,
    or the one staff confirmed or chose instead."""

    WROTE = "wrote"
    LITTLE_WRITING = "little_writing"
    NO_WRITING = "no_writing"
    UNREADABLE = "unreadable"


class TemplateSource(StrEnum):
    BUNDLED = "bundled"
    NATIVE = "native"
    OMRCHECKER = "omrchecker"
    SERVER = "server"


class OutboxState(StrEnum):
    PENDING = "pending"
    HELD = "held"  # mapping incomplete: waits with a reason
    SENDING = "sending"  # a POST is in flight (after a crash: treated as uncertain)
    DONE = "done"  # on the server (server_submission_id, server_status)
    NEEDS_ATTENTION = "needs_attention"  # max attempts reached or a 4xx: never dropped


class Template(Base):
    """A sheet layout, stored as native template JSON, and where it came from."""

    __tablename__ = "template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))  # TemplateSource
    origin: Mapped[str | None] = mapped_column(Text)  # path or URL it was imported from
    content: Mapped[dict[str, Any]]  # native v1 template JSON
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Exam(Base):
    __tablename__ = "exam"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    exam_date: Mapped[date | None] = mapped_column(Date)
    group_name: Mapped[str | None] = mapped_column(String(100))  # class or group
    template_id: Mapped[int] = mapped_column(ForeignKey("template.id"))
    # the server mapping: its exam id and OMR sheet id
    target_id: Mapped[int | None] = mapped_column(Integer)
    sheet_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    template: Mapped[Template] = relationship()
    keys: Mapped[list[AnswerKeyVersion]] = relationship(
        back_populates="exam", order_by="AnswerKeyVersion.version"
    )
    questions: Mapped[list[QuestionMapping]] = relationship(back_populates="exam")


class Homework(Base):
    """A homework assignment: its videos and photos are :class:`Submission` rows with
    ``target_type="homework"`` and ``homework_id`` set (migration 0006)."""

    __tablename__ = "homework"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    group_name: Mapped[str | None] = mapped_column(String(100))  # class or group
    target_id: Mapped[int | None] = mapped_column(Integer)  # the server's homework id
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HomeworkFrame(Base):
    """A picture kept from a homework analysis: a video's key frames (first and last
    state of each page), a photo's flattened pages. PNG bytes, small (0006)."""

    __tablename__ = "homework_frame"
    __table_args__ = (UniqueConstraint("submission_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order on the card
    page: Mapped[int] = mapped_column(Integer)  # 0-based page of the video or file
    which: Mapped[str] = mapped_column(String(20))  # "first", "last" or "page"
    time_s: Mapped[float | None] = mapped_column(Float)  # video time, None for photos
    png: Mapped[bytes] = mapped_column(LargeBinary)


class QuestionMapping(Base):
    """Question label -> the server's ``exam_question_id`` (never the question number)."""

    __tablename__ = "question_mapping"
    __table_args__ = (UniqueConstraint("exam_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(100))
    number: Mapped[int | None] = mapped_column(Integer)
    exam_question_id: Mapped[int | None] = mapped_column(Integer)

    exam: Mapped[Exam] = relationship(back_populates="questions")


class AnswerKeyVersion(Base):
    """An answer key as it was: editing a key adds a version, the old one stays."""

    __tablename__ = "answer_key_version"
    __table_args__ = (UniqueConstraint("exam_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]]  # native answer-key JSON (docs/answer-keys.md)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    exam: Mapped[Exam] = relationship(back_populates="keys")


class Student(Base):
    """A roster entry: the student number is what the sheet's ID grid encodes."""

    __tablename__ = "student"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    class_name: Mapped[str | None] = mapped_column(String(100))
    enrollment_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Scan(Base):
    """An input file copied into the workspace, content-addressed by SHA-256."""

    __tablename__ = "scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(Text)
    stored_path: Mapped[str] = mapped_column(Text)  # relative to the workspace folder
    size: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Submission(Base):
    """One graded sheet page, in the server's shape."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("exam_id", "scan_id", "page"),
        UniqueConstraint("homework_id", "scan_id", "page"),
        # listing an exam's results by status or by student (migration 0002)
        Index("ix_submission_exam_status", "exam_id", "status"),
        Index("ix_submission_exam_student", "exam_id", "student_id"),
        # the results table (store/results.py, migration 0003): sorted by score or open
        # flags, sheets sharing a number read, and every filter's columns in one
        # covering index (no table reads)
        Index("ix_submission_exam_flags", "exam_id", "flags_open"),
        Index("ix_submission_exam_score", "exam_id", "score"),
        Index("ix_submission_exam_number_read", "exam_id", "student_number_read"),
        Index(
            "ix_submission_exam_listing",
            "exam_id",
            "status",
            "review_state",
            "flags_open",
            "student_id",
            "student_number_read",
            "score",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # an OMR sheet belongs to an exam; a homework video or photo to a homework (0006)
    exam_id: Mapped[int | None] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"))
    homework_id: Mapped[int | None] = mapped_column(
        ForeignKey("homework.id", ondelete="CASCADE"), index=True
    )
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id"))
    page: Mapped[int] = mapped_column(Integer)  # 1-based page of the scan
    target_type: Mapped[str] = mapped_column(String(20), default="exam")
    target_id: Mapped[int | None] = mapped_column(Integer)  # the server's exam id
    enrollment_id: Mapped[int | None] = mapped_column(Integer)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id", ondelete="SET NULL"))
    student_number_read: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20), default="omr_scan")
    status: Mapped[str] = mapped_column(String(20), default=SubmissionStatus.SUBMITTED)
    error_message: Mapped[str | None] = mapped_column(Text)
    rejection_code: Mapped[str | None] = mapped_column(String(40))
    engine_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # alignment, levels
    score: Mapped[float | None] = mapped_column(Float)
    # homework: the verdict in effect (the engine's, or a person's), HomeworkVerdict (0006)
    verdict: Mapped[str | None] = mapped_column(String(20))
    max_score: Mapped[float | None] = mapped_column(Float)
    review_state: Mapped[str] = mapped_column(String(20), default=ReviewState.NONE)
    # answers whose meta.omr.status is flagged and that no one has reviewed yet (0003)
    flags_open: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    exam: Mapped[Exam | None] = relationship()
    scan: Mapped[Scan] = relationship()
    student: Mapped[Student | None] = relationship()
    answers: Mapped[list[SubmissionAnswer]] = relationship(
        back_populates="submission", cascade="all, delete-orphan"
    )
    homework: Mapped[Homework | None] = relationship()

    @property
    def sheet_exam(self) -> Exam:
        """The exam of an OMR sheet; a homework submission has none (it has ``homework``)."""
        if self.exam is None:
            raise ValueError(f"submission {self.id} is not an exam sheet ({self.target_type})")
        return self.exam


class SubmissionAnswer(Base):
    """One question of one submission: ``answer`` and ``meta.omr`` in the v1 contract."""

    __tablename__ = "submission_answer"
    __table_args__ = (UniqueConstraint("submission_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(100))  # the question label (q7)
    answer: Mapped[str] = mapped_column(String(100), default="")  # as the engine read it
    meta: Mapped[dict[str, Any]]  # {"omr": {version, detected, marking, confidence, status, raw}}
    current_value: Mapped[str] = mapped_column(String(100), default="")  # after review
    reviewed: Mapped[bool] = mapped_column(default=False)

    submission: Mapped[Submission] = relationship(back_populates="answers")


class ReviewDecision(Base):
    """Append-only audit of every manual change. Undo adds a row; none is ever deleted."""

    __tablename__ = "review_decision"
    __table_args__ = (Index("ix_review_decision_submission", "submission_id"),)  # 0002

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    field: Mapped[str] = mapped_column(String(100))  # a question label, or "student"
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)


class OutboxItem(Base):
    """A submission waiting to be sent (job-queue semantics of the seed's db_queue).

    ``idempotency_key`` is the ``payload.client.submission_uuid`` the server keeps: it
    finds a submission whose POST answer was lost (``academy_desktop/sync``, 0005).
    """

    __tablename__ = "outbox_item"
    __table_args__ = (
        # the sync worker picks due items by state and time (migration 0002)
        Index("ix_outbox_item_state_next_run", "state", "next_run_at"),
        # ... and sent items whose server status is due for a poll (0005)
        Index("ix_outbox_item_state_poll", "state", "status_next_poll_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(20), default=OutboxState.PENDING)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    server_submission_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # --- sync (migration 0005)
    # why a HELD item waits (mapping incomplete, review open), bilingual, one per line
    held_reason: Mapped[str | None] = mapped_column(Text)
    # why an item NEEDS_ATTENTION (bilingual); a 4xx body from the server is kept as it
    # came in server_error ({"file": ["file required"]}, or {"detail": ...})
    attention_reason: Mapped[str | None] = mapped_column(Text)
    server_error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # a POST that may have reached the server (a timeout, a dropped connection, a 5xx):
    # before posting again the server's list is searched for submission_uuid
    post_uncertain: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # the highest server submission id known when that POST started: the search stops
    # there (the server lists by -id, and a later POST gets a higher id)
    id_floor: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "posted" (a 201 answered our POST) or "found" (found on the server by its uuid)
    sent_via: Mapped[str | None] = mapped_column(String(20))
    # the server's status of the submission (SubmissionStatus) and its error_message,
    # polled with backoff until done or failed
    server_status: Mapped[str | None] = mapped_column(String(20))
    server_message: Mapped[str | None] = mapped_column(Text)
    status_polls: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status_next_poll_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    submission: Mapped[Submission] = relationship()


class BatchFile(Base):
    """A file queued for an exam's grading: a batch cut short (a cancel, a crash) leaves
    rows whose pages are not all graded, which the window offers to resume (0004)."""

    __tablename__ = "batch_file"
    __table_args__ = (UniqueConstraint("exam_id", "scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    scan: Mapped[Scan] = relationship()
