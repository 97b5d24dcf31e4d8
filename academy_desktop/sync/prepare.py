"""Everything one upload needs, read from the workspace: the form fields, the payload
and the file (an OMR sheet, or a homework video or photo).

:func:`prepare_upload` reads the item in one short read transaction, then prepares
the file outside any transaction (rendering a PDF page may take a while), and returns
the hold reasons instead when the item cannot be sent yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.store import Workspace
from academy_desktop.store.models import OutboxItem, OutboxState, QuestionMapping, Submission
from academy_desktop.store.review import history
from academy_desktop.sync import homework_payload
from academy_desktop.sync.client import UploadFile
from academy_desktop.sync.outbox import resolve_student
from academy_desktop.sync.payload import (
    SOURCE,
    TARGET_TYPE,
    SheetFile,
    SheetFileError,
    SheetSource,
    build_payload,
    form_fields,
    hold_reasons,
    sheet_file,
)


@dataclass(frozen=True)
class Prepared:
    """One upload, ready to go."""

    item_id: int
    submission_id: int
    fields: dict[str, str]
    upload: UploadFile
    file_sha256: str


@dataclass
class _Plan:
    """What was read in the session; the file is made afterwards."""

    submission_id: int
    enrollment_id: int
    target_id: int
    target_type: str
    source: str
    payload: dict[str, Any]
    make_file: Callable[[Path], SheetFile]


def questions_of(session: Session, exam_id: int) -> list[QuestionMapping]:
    return list(
        session.scalars(
            select(QuestionMapping)
            .where(QuestionMapping.exam_id == exam_id)
            .order_by(QuestionMapping.id)
        )
    )


def _sheet_plan(session: Session, item: OutboxItem, sub: Submission) -> _Plan | list[str]:
    exam = sub.sheet_exam
    questions = questions_of(session, exam.id)
    student = resolve_student(session, sub)
    reasons = hold_reasons(sub, exam, questions, student)
    if reasons:
        return reasons
    assert student is not None and student.enrollment_id is not None
    assert exam.target_id is not None
    payload = build_payload(
        sub,
        exam,
        questions,
        history(session, sub.id),
        submission_uuid=item.idempotency_key,
        file_sha256="",
    )
    source = SheetSource.of(sub)
    return _Plan(
        sub.id,
        student.enrollment_id,
        exam.target_id,
        TARGET_TYPE,
        SOURCE,
        payload,
        lambda folder: sheet_file(folder, source),
    )


def _homework_plan(session: Session, item: OutboxItem, sub: Submission) -> _Plan | list[str]:
    homework = sub.homework
    assert homework is not None
    student = resolve_student(session, sub)
    reasons = homework_payload.hold_reasons(sub, homework, student)
    if reasons:
        return reasons
    assert student is not None and student.enrollment_id is not None
    assert homework.target_id is not None
    payload = homework_payload.build_payload(
        sub, history(session, sub.id), submission_uuid=item.idempotency_key, file_sha256=""
    )
    source = homework_payload.HomeworkSource.of(sub)
    return _Plan(
        sub.id,
        student.enrollment_id,
        homework.target_id,
        homework_payload.TARGET_TYPE,
        sub.source,
        payload,
        lambda folder: homework_payload.homework_file(folder, source),
    )


def prepare_upload(workspace: Workspace, item_id: int) -> Prepared | list[str] | None:
    """The upload of a pending item (None: the item changed meanwhile; a list: the
    reasons it must be held). The file is prepared outside any transaction."""
    with workspace.read() as s:
        item = s.get(OutboxItem, item_id)
        if item is None or item.state != OutboxState.PENDING:
            return None
        sub = s.get(Submission, item.submission_id)
        if sub is None:
            return None
        if sub.homework_id is not None:
            plan = _homework_plan(s, item, sub)
        else:
            plan = _sheet_plan(s, item, sub)
    if isinstance(plan, list):
        return plan
    try:
        f = plan.make_file(workspace.folder)
    except SheetFileError as exc:
        return [str(exc)]
    plan.payload["client"]["file_sha256"] = f.sha256
    return Prepared(
        item_id,
        plan.submission_id,
        form_fields(
            plan.enrollment_id,
            plan.target_id,
            plan.payload,
            target_type=plan.target_type,
            source=plan.source,
        ),
        UploadFile(f.path, f.name, f.content_type),
        f.sha256,
    )


__all__ = ["Prepared", "prepare_upload", "questions_of"]
