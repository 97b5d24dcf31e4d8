"""An exam's submissions as export rows: values after review, graded with the current key.

:func:`iter_rows` yields one :class:`SheetRow` per submission (sheet page), ordered
by student number, then scan and page, reading answers in chunks so that memory
stays flat. Each row carries the :class:`PageResult` rebuilt from the stored
``meta.omr`` and ``current_value`` (the engine's ``results.jsonl`` record after
review) and graded by :func:`academy_desktop.engine.scoring.grade_fields`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from academy_desktop.engine.answerkey import AnswerKey
from academy_desktop.engine.answerkey_formats import parse_key_json
from academy_desktop.engine.result import (
    FLAGGED,
    FieldResult,
    FieldStatus,
    Marking,
    PageResult,
    QuestionGrade,
)
from academy_desktop.engine.scoring import grade_fields
from academy_desktop.engine.template.model import Template as LayoutTemplate
from academy_desktop.store.models import (
    AnswerKeyVersion,
    Exam,
    Scan,
    Student,
    Submission,
    SubmissionAnswer,
    SubmissionStatus,
)

CHUNK = 500
UNKNOWN_NAME = "미확인 / unknown"

# (header, column width) of the results sheet and the csv, before the question columns
FIXED_COLUMNS: tuple[tuple[str, float], ...] = (
    ("파일 / File", 28),
    ("쪽 / Page", 6),
    ("학생 번호 / Student number", 14),
    ("이름 / Name", 16),
    ("반 / Class", 10),
    ("점수 / Score", 8),
    ("만점 / Max score", 8),
    ("상태 / Status", 22),
    ("검토 / Review", 14),
)
REVIEW_TEXT = {"none": "없음 / none", "needed": "검토 필요 / needed", "done": "검토 완료 / done"}


@dataclass
class StudentInfo:
    number: str
    name: str
    class_name: str | None
    enrollment_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "class_name": self.class_name,
            "enrollment_id": self.enrollment_id,
        }


@dataclass
class Cell:
    """One question of one sheet, after review."""

    value: str
    flagged: bool  # flagged by the engine and not yet reviewed
    reviewed: bool
    correct: bool | None  # None: no key, or the key has no answer for it


@dataclass
class SheetRow:
    submission_id: int
    file: str
    page: int
    number: str | None
    student: StudentInfo | None
    status: str  # ok | rejected | error
    rejection_code: str | None
    message: str | None
    review_state: str
    result: PageResult  # rebuilt after review, graded with the current key
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def rejected(self) -> bool:
        return self.status != "ok"

    def fixed_values(self) -> list[Any]:
        """The values of :data:`FIXED_COLUMNS`."""
        if self.status == "ok":
            status = "정상 / ok"
        else:
            status = f"거부 / {self.status}" + (
                f" ({self.rejection_code})" if self.rejection_code else ""
            )
        return [
            self.file,
            self.page,
            self.number,
            self.student.name if self.student else UNKNOWN_NAME,
            self.student.class_name if self.student else None,
            self.result.score,
            self.result.max_score,
            status,
            REVIEW_TEXT.get(self.review_state, self.review_state),
        ]


@dataclass
class ExamExport:
    """What an export needs to know about the exam before its rows."""

    exam: Exam
    key: AnswerKey | None
    key_version: int | None
    labels: list[str]  # the questions answered on the sheets, in template order
    choices: dict[str, tuple[str, ...]]  # single-mark values per label, from the template


def current_key(session: Session, exam_id: int) -> tuple[AnswerKey | None, int | None]:
    """The exam's latest answer key (parsed) and its version, or ``(None, None)``."""
    row = session.scalars(
        select(AnswerKeyVersion)
        .where(AnswerKeyVersion.exam_id == exam_id)
        .order_by(AnswerKeyVersion.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, None
    return parse_key_json(row.content, source=f"exam {exam_id} key v{row.version}"), row.version


def _layout(exam: Exam) -> LayoutTemplate | None:
    from academy_desktop.engine.template.native import parse_native
    from academy_desktop.engine.template.validation import IssuesError

    try:
        layout = parse_native(dict(exam.template.content))
    except (IssuesError, ValueError, KeyError, TypeError, OSError):
        return None  # an imported layout the native parser cannot rebuild: labels as stored
    # the stored source: an OMRChecker layout stored without its student number finds it
    return dataclasses.replace(layout, source=exam.template.source)


def prepare(session: Session, exam_id: int) -> ExamExport:
    exam = session.get(Exam, exam_id)
    if exam is None:
        raise LookupError(f"시험 {exam_id}이(가) 없습니다 / no exam with id {exam_id}")
    key, version = current_key(session, exam_id)
    first = func.min(SubmissionAnswer.id)
    stored = session.scalars(
        select(SubmissionAnswer.label)
        .join(Submission)
        .where(Submission.exam_id == exam_id)
        .group_by(SubmissionAnswer.label)
        .order_by(first)
    ).all()
    seen = list(dict.fromkeys(stored))
    layout = _layout(exam)
    choices: dict[str, tuple[str, ...]] = {}
    if layout is not None:
        # the template says which fields are questions: never the student number's digits
        answered = set(seen)
        labels = [q for q in layout.question_labels if q in answered]
        choices = {f.label: tuple(f.values) for f in layout.fields}
    else:  # the exam's questions as mapped when it was created, in answer order
        mapped = {q.label for q in exam.questions}
        labels = [q for q in seen if q in mapped] if mapped else seen
    return ExamExport(exam, key, version, labels, choices)


def _split(value: str, choices: Sequence[str]) -> list[str]:
    """A reviewed value as marks: ``"24"`` -> ``["2", "4"]`` when 2 and 4 are choices."""
    out: list[str] = []
    pos = 0
    options = sorted((c for c in choices if c), key=len, reverse=True)
    while pos < len(value):
        hit = next((c for c in options if value.startswith(c, pos)), None)
        if hit is None:
            return [value]
        out.append(hit)
        pos += len(hit)
    return out


def rebuild_field(
    label: str,
    answer: str,
    current: str,
    reviewed: bool,
    meta: dict[str, Any],
    choices: Sequence[str],
) -> FieldResult:
    """The :class:`FieldResult` a sheet would give with the value after review.

    An unchanged, unreviewed answer is the engine's reading as stored. A value a person
    set is split into the field's choices (``"24"`` -> ``["2", "4"]``, a multi-mark);
    a reviewed answer is no longer flagged (status ``ok``, or ``blank`` when empty).
    """
    omr = meta.get("omr") or {}
    confidence = float(omr.get("confidence", 1.0))
    raw = dict(omr.get("raw") or {})
    status: FieldStatus = omr.get("status", "ok")
    stored: Marking | None = omr.get("marking")
    marking: Marking
    if current == answer:
        detected = list(omr.get("detected", list(current) if current else []))
        marking = stored or ("blank" if not current else "single")
    else:
        detected = _split(current, choices) if current else []
        if not current:
            marking = "blank"
        elif len(detected) > 1 or (len(current) > 1 and not choices):
            marking = "multi"
        else:
            marking = "single"
    if reviewed:
        status = "blank" if not current else "ok"
    return FieldResult(label, detected, marking, confidence, status, raw, current)


def _student_number(sub_number_read: str | None, student: StudentInfo | None) -> str | None:
    return student.number if student is not None else sub_number_read


def iter_rows(session: Session, spec: ExamExport) -> Iterator[SheetRow]:
    """The exam's sheets in export order, rebuilt after review and graded."""
    exam_id = spec.exam.id
    heads = session.execute(
        select(
            Submission.id,
            Scan.original_name,
            Submission.scan_id,
            Submission.page,
            Submission.status,
            Submission.rejection_code,
            Submission.error_message,
            Submission.review_state,
            Submission.student_number_read,
            Submission.engine_payload,
            Submission.score,
            Submission.max_score,
            Student.number,
            Student.name,
            Student.class_name,
            Submission.enrollment_id,
        )
        .join(Scan, Scan.id == Submission.scan_id)
        .outerjoin(Student, Student.id == Submission.student_id)
        .where(Submission.exam_id == exam_id)
    ).all()

    def order(h: Any) -> tuple[Any, ...]:
        number = h[12] if h[12] is not None else h[8]
        return (number is None, number or "", h[2], h[3])

    heads = sorted(heads, key=order)
    for start in range(0, len(heads), CHUNK):
        chunk = heads[start : start + CHUNK]
        answers: dict[int, list[Any]] = {h[0]: [] for h in chunk}
        for a in session.execute(
            select(
                SubmissionAnswer.submission_id,
                SubmissionAnswer.label,
                SubmissionAnswer.answer,
                SubmissionAnswer.current_value,
                SubmissionAnswer.reviewed,
                SubmissionAnswer.meta,
            )
            .where(SubmissionAnswer.submission_id.in_(list(answers)))
            .order_by(SubmissionAnswer.id)
        ):
            answers[a[0]].append(a)
        for h in chunk:
            yield _row(spec, h, answers[h[0]])


def _row(spec: ExamExport, h: Any, answers: list[Any]) -> SheetRow:
    (sid, name, _scan, page, status, code, message, review, read, payload, score, top) = h[:12]
    student = None
    if h[12] is not None:
        student = StudentInfo(h[12], h[13], h[14], h[15])
    page_status = "ok"
    if status == SubmissionStatus.FAILED:
        page_status = "rejected" if code else "error"
    payload = payload or {}
    fields: dict[str, FieldResult] = {}
    cells: dict[str, Cell] = {}
    for _, label, answer, current, reviewed, meta in answers:
        fr = rebuild_field(
            label, answer, current, reviewed, meta or {}, spec.choices.get(label, ())
        )
        fields[label] = fr
        flagged = (meta or {}).get("omr", {}).get("status") in FLAGGED and not reviewed
        cells[label] = Cell(current, flagged, bool(reviewed), None)
    grades: dict[str, QuestionGrade] = {}
    if page_status != "ok":
        score = top = None
    elif spec.key is not None:
        grades, score, top = grade_fields(fields, spec.key)
        for label, g in grades.items():
            if label in cells:
                cells[label].correct = g.correct
    result = PageResult(
        source=name,
        page=page,
        status=page_status,  # type: ignore[arg-type]
        template=payload.get("template", ""),
        rejection_code=code,
        message=message,
        alignment=payload.get("alignment"),
        student_id=_student_number(read, student),
        fields=fields,
        grades=grades,
        score=score,
        max_score=top,
    )
    return SheetRow(
        sid,
        name,
        page,
        result.student_id,
        student,
        page_status,
        code,
        message,
        review,
        result,
        cells,
    )


def headers(spec: ExamExport) -> list[str]:
    return [name for name, _ in FIXED_COLUMNS] + spec.labels


def row_values(spec: ExamExport, row: SheetRow) -> list[Any]:
    values = row.fixed_values()
    for label in spec.labels:
        cell = row.cells.get(label)
        values.append(cell.value if cell is not None else None)
    return values
