"""Exams: their sheet template, versioned answer keys and the server mapping.

* The template is stored as native template JSON, de-duplicated by the SHA-256 of
  its canonical JSON, with where it came from (bundled, native file, OMRChecker,
  server layout).
* An answer key is stored as native answer-key JSON (``docs/answer-keys.md``),
  whatever file it was read from. Setting a key adds a *version* (old ones stay)
  and re-grades every submission of the exam from the values after review; it
  never touches a reviewed value or the audit trail.
* The server mapping: the exam's ``target_id``/``sheet_id`` and, per question
  label, the server's ``exam_question_id``.

Every function takes a SQLAlchemy :class:`Session`; the caller owns the transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from academy_desktop.engine.answerkey import AnswerKey, AnswerKeyError, load_key
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.scoring import check_key_against
from academy_desktop.engine.template.discovery import bundled_names, load_template
from academy_desktop.engine.template.model import Template as EngineTemplate
from academy_desktop.engine.template.native import dump_native, parse_native
from academy_desktop.engine.template.validation import IssuesError
from academy_desktop.store.keys import key_from_native, key_to_native, rescore
from academy_desktop.store.models import (
    AnswerKeyVersion,
    Exam,
    QuestionMapping,
    ReviewState,
    Student,
    Submission,
    Template,
    TemplateSource,
)

__all__ = [
    "BundledTemplate",
    "ExamSummary",
    "StoreError",
    "bundled_templates",
    "create_exam",
    "current_key",
    "current_key_version",
    "exam_template",
    "find_exam",
    "get_exam",
    "get_exam_by_id",
    "graded_labels",
    "group_names",
    "key_from_native",
    "key_history",
    "key_to_native",
    "key_version",
    "list_exams",
    "local_time",
    "regrade_exam",
    "rescore",
    "set_key",
    "set_key_object",
    "set_mapping",
    "store_template",
    "submission_count",
]


class StoreError(ValueError):
    """A request the store refuses; the message is Korean, then English."""


@dataclass(frozen=True)
class ExamSummary:
    id: int
    title: str
    exam_date: date | None
    group_name: str | None
    template_name: str
    submissions: int
    flagged: int  # submissions waiting for review
    key_version: int | None


@dataclass(frozen=True)
class BundledTemplate:
    """A sheet shipped with the program: its name (what ``create_exam`` takes) and layout."""

    name: str
    template: EngineTemplate

    def title(self, language: str) -> str:
        """The sheet's title in ``language`` (``"ko"``/``"en"``), else its name."""
        return self.template.title.get(language) or self.template.title.get("ko") or self.name


# ---------------------------------------------------------------- templates


def bundled_templates() -> list[BundledTemplate]:
    """The templates in ``resources/templates``, by name (a broken file is left out)."""
    out = []
    for name in bundled_names():
        try:
            out.append(BundledTemplate(name, load_template(name)))
        except (IssuesError, OSError):
            continue
    return out


def canonical_sha256(content: Mapping[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_template(session: Session, template: EngineTemplate, origin: str | None) -> Template:
    """The :class:`Template` row for ``template``, added unless the same JSON is stored."""
    content = dump_native(template)
    digest = canonical_sha256(content)
    row = session.scalars(select(Template).where(Template.sha256 == digest)).first()
    if row is not None:
        return row
    source = template.source if template.source in set(TemplateSource) else TemplateSource.NATIVE
    row = Template(name=template.name, source=source, origin=origin, content=content, sha256=digest)
    session.add(row)
    return row


_TEMPLATE_CACHE: dict[tuple[str, str | None], EngineTemplate] = {}


def exam_template(exam: Exam) -> EngineTemplate:
    """The engine template stored for ``exam`` (parsed back from its native JSON)."""
    row = exam.template
    path: Path | None = None
    if row.source != TemplateSource.BUNDLED and row.origin and Path(row.origin).is_file():
        path = Path(row.origin)  # relative marker or reference images resolve beside it
    cache_key = (row.sha256, str(path) if path else None)
    cached = _TEMPLATE_CACHE.get(cache_key)
    if cached is None:
        cached = dataclasses.replace(parse_native(row.content, path=path), source=row.source)
        _TEMPLATE_CACHE[cache_key] = cached
    return cached


def graded_labels(template: EngineTemplate) -> list[str]:
    """The exam's questions: :attr:`Template.question_labels` (never the student number)."""
    return template.question_labels


def question_number(label: str) -> int | None:
    """``q7`` -> 7; ``None`` when the label holds no single trailing number."""
    m = re.fullmatch(r"[^\d]*?(\d+)", label.strip())
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- exams


def find_exam(session: Session, title: str) -> Exam | None:
    return session.scalars(select(Exam).where(Exam.title == title.strip())).first()


def get_exam(session: Session, title: str) -> Exam:
    exam = find_exam(session, title)
    if exam is None:
        raise StoreError(f"시험을 찾을 수 없습니다: {title} / No such exam: {title}")
    return exam


def get_exam_by_id(session: Session, exam_id: int) -> Exam:
    exam = session.get(Exam, exam_id)
    if exam is None:
        raise StoreError(f"시험을 찾을 수 없습니다: #{exam_id} / No such exam: #{exam_id}")
    return exam


def _load_template(spec: str | Path) -> tuple[EngineTemplate, str | None]:
    try:
        template = load_template(spec)
    except IssuesError as exc:
        raise StoreError(str(exc)) from exc
    except OSError as exc:
        raise StoreError(
            f"양식 파일을 읽을 수 없습니다: {spec} ({exc}) / Cannot read the template: {spec}"
        ) from exc
    if template.source == TemplateSource.BUNDLED:
        return template, template.name
    origin = str(template.path.resolve()) if template.path is not None else None
    return template, origin


def _load_key(path: Path, template: EngineTemplate) -> AnswerKey:
    try:
        key = load_key(Path(path))
    except FileNotFoundError as exc:
        raise StoreError(
            f"정답 파일을 찾을 수 없습니다: {path} / Answer key not found: {path}"
        ) from exc
    except (IssuesError, OSError) as exc:
        raise StoreError(str(exc)) from exc
    _check_key(key, template)
    return key


def _check_key(key: AnswerKey, template: EngineTemplate) -> None:
    if not key.items:
        raise StoreError("정답표에 정답이 하나도 없습니다 / The answer key has no answers.")
    problems = check_key_against(key, template)
    if problems:
        raise StoreError(
            "정답표가 답안지 양식과 맞지 않습니다 / The answer key does not fit the sheet:\n- "
            + "\n- ".join(problems)
        )


def create_exam(
    session: Session,
    title: str,
    template_spec: str | Path,
    *,
    key: Path | None = None,
    exam_date: date | None = None,
    group_name: str | None = None,
    created_by: str | None = None,
) -> Exam:
    """A new exam on ``template_spec`` (bundled name or a template file), with key v1 if given."""
    title = title.strip()
    if not title:
        raise StoreError("시험 이름을 입력해 주세요 / The exam needs a title.")
    if find_exam(session, title) is not None:
        raise StoreError(
            f"같은 이름의 시험이 이미 있습니다: {title} / An exam named '{title}' already exists."
        )
    template, origin = _load_template(template_spec)
    answer_key = _load_key(key, template) if key is not None else None
    row = store_template(session, template, origin)
    exam = Exam(title=title, exam_date=exam_date, group_name=group_name, template=row)
    for label in graded_labels(template):
        exam.questions.append(QuestionMapping(label=label, number=question_number(label)))
    session.add(exam)
    if answer_key is not None:
        _add_version(exam, answer_key, created_by)
    session.flush()
    return exam


def list_exams(session: Session) -> list[ExamSummary]:
    subs = (
        select(
            Submission.exam_id,
            func.count().label("n"),
            func.count().filter(Submission.review_state == ReviewState.NEEDED).label("flagged"),
        )
        .group_by(Submission.exam_id)
        .subquery()
    )
    keys = (
        select(AnswerKeyVersion.exam_id, func.max(AnswerKeyVersion.version).label("v"))
        .group_by(AnswerKeyVersion.exam_id)
        .subquery()
    )
    rows = session.execute(
        select(Exam, Template.name, subs.c.n, subs.c.flagged, keys.c.v)
        .join(Template, Exam.template_id == Template.id)
        .outerjoin(subs, subs.c.exam_id == Exam.id)
        .outerjoin(keys, keys.c.exam_id == Exam.id)
        .order_by(Exam.exam_date.desc().nulls_last(), Exam.title)
    )
    return [
        ExamSummary(e.id, e.title, e.exam_date, e.group_name, name, n or 0, flagged or 0, v)
        for e, name, n, flagged, v in rows
    ]


def submission_count(session: Session, exam_id: int) -> int:
    """How many sheets (submissions) the exam has."""
    return int(session.scalar(select(func.count()).where(Submission.exam_id == exam_id)) or 0)


def group_names(session: Session) -> list[str]:
    """Class and group names in use (exams' groups and the roster's classes), sorted."""
    names = set(session.scalars(select(Exam.group_name).where(Exam.group_name.is_not(None))))
    names |= set(session.scalars(select(Student.class_name).where(Student.class_name.is_not(None))))
    return sorted(n for n in names if n and n.strip())


# ---------------------------------------------------------------- answer keys


def _add_version(exam: Exam, key: AnswerKey, created_by: str | None) -> AnswerKeyVersion:
    version = AnswerKeyVersion(
        version=max((k.version for k in exam.keys), default=0) + 1,
        content=key_to_native(key),
        created_by=created_by,
    )
    exam.keys.append(version)
    return version


def current_key_version(exam: Exam) -> AnswerKeyVersion | None:
    return max(exam.keys, key=lambda k: k.version, default=None)


def current_key(exam: Exam) -> AnswerKey | None:
    """The exam's newest answer key, or ``None`` when it has none."""
    row = current_key_version(exam)
    if row is None:
        return None
    return key_from_native(row.content, source=f"{exam.title} v{row.version}")


def local_time(value: datetime) -> datetime:
    """A stored time (UTC; SQLite gives it back without a zone) in the computer's zone."""
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone()


def key_history(exam: Exam) -> list[AnswerKeyVersion]:
    """Every key version of ``exam``, oldest first."""
    return sorted(exam.keys, key=lambda k: k.version)


def key_version(exam: Exam, version: int) -> AnswerKey:
    """The answer key stored as ``version`` of ``exam``."""
    row = next((k for k in exam.keys if k.version == version), None)
    if row is None:
        raise StoreError(
            f"'{exam.title}'에 정답 버전 {version}이(가) 없습니다 / "
            f"'{exam.title}' has no answer key version {version}"
        )
    try:
        return key_from_native(row.content, source=f"{exam.title} v{row.version}")
    except AnswerKeyError as exc:
        raise StoreError(str(exc)) from exc


def set_key(
    session: Session,
    exam: Exam,
    key_path: Path,
    *,
    created_by: str | None,
    state: TaskState | None = None,
) -> AnswerKeyVersion:
    """Store the key in ``key_path`` as a new version and re-grade the exam with it."""
    key = _load_key(Path(key_path), exam_template(exam))
    return set_key_object(session, exam, key, created_by=created_by, state=state)


def set_key_object(
    session: Session,
    exam: Exam,
    key: AnswerKey,
    *,
    created_by: str | None,
    state: TaskState | None = None,
) -> AnswerKeyVersion:
    """Store ``key`` (typed, edited or loaded) as a new version and re-grade the exam.

    The key must fit the exam's sheet and hold at least one answer. Earlier versions
    stay. ``state`` reports the re-grading's progress; cancelling it raises
    ``Cancelled``, and the caller's rollback then leaves everything as it was.
    """
    _check_key(key, exam_template(exam))
    version = _add_version(exam, key, created_by)
    session.flush()
    regrade_exam(session, exam, key, state=state)
    return version


# ---------------------------------------------------------------- grading


def regrade_exam(
    session: Session,
    exam: Exam,
    key: AnswerKey | None = None,
    *,
    state: TaskState | None = None,
) -> int:
    """Re-grade every submission of ``exam`` (with ``key`` or its current key); returns
    how many were graded. ``state`` gets the progress and may cancel (``Cancelled``)."""
    key = key if key is not None else current_key(exam)
    subs = list(
        session.scalars(
            select(Submission)
            .where(Submission.exam_id == exam.id)
            .options(selectinload(Submission.answers))
        )
    )
    count = 0
    for i, sub in enumerate(subs):
        if state is not None:
            state.check()
            state.report(i / len(subs), f"{i}/{len(subs)}")
        if sub.answers:
            rescore(sub, key)
            count += 1
    session.flush()
    if state is not None:
        state.report(1.0, f"{len(subs)}/{len(subs)}")
    return count


# ---------------------------------------------------------------- server mapping


def _server_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise StoreError(
            f"{what}은(는) 양의 정수여야 합니다: {value!r} / {what} must be a positive integer"
        )
    return value


def set_mapping(
    session: Session,
    exam: Exam,
    *,
    target_id: int | None = None,
    sheet_id: int | None = None,
    question_ids: Mapping[str, int] | None = None,
) -> None:
    """Map the exam to the server: its exam id, OMR sheet id and ``exam_question_id``s.

    ``None`` leaves a value as it is. ``question_ids`` is keyed by label (``q7``);
    a bare number ``7`` also finds the question numbered 7.
    """
    by_label = {q.label: q for q in exam.questions}
    by_number = {q.number: q for q in exam.questions if q.number is not None}
    updates: list[tuple[QuestionMapping, int]] = []
    for label, qid in (question_ids or {}).items():
        text = str(label).strip()
        q = by_label.get(text) or (by_number.get(int(text)) if text.isdigit() else None)
        if q is None:
            raise StoreError(
                f"'{text}' 문항이 시험 '{exam.title}'에 없습니다 / "
                f"question '{text}' is not in the exam '{exam.title}'"
            )
        updates.append((q, _server_id(qid, f"exam_question_id ({text})")))
    if target_id is not None:
        exam.target_id = _server_id(target_id, "target_id")
    if sheet_id is not None:
        exam.sheet_id = _server_id(sheet_id, "sheet_id")
    for q, qid in updates:
        q.exam_question_id = qid
    if target_id is not None:
        session.execute(
            update(Submission).where(Submission.exam_id == exam.id).values(target_id=target_id)
        )
    session.flush()
