"""The server mapping of an exam and its students, typed in or imported from a file.

* An exam maps to the server's exam id (``target_id``) and OMR ``sheet_id``; each
  question to its ``exam_question_id`` (the server never takes a question number).
* A student maps to an ``enrollment_id`` (roster import ``--map ...,enrollment_id=COL``,
  or :func:`set_enrollment_ids`).
* A homework maps to the server's homework id (:func:`set_homework_target`).

:func:`read_question_ids` reads the CSV/xlsx the server staff export: a header row
with a question column (``number``, ``문항``, ``번호``, ``label`` ...) and an id column
(``exam_question_id``, ``문항ID`` ...), optionally ``target_id``/``exam_id`` and
``sheet_id`` columns holding one value each; or no header and two number columns
``number,exam_question_id``. A file with any bad row is refused as a whole, with
every problem listed by row.

Changing a mapping checks held outbox items again, so the ones it completes are sent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from academy_desktop.engine.keytable import read_rows
from academy_desktop.store.exams import StoreError, set_mapping
from academy_desktop.store.homework import update_homework
from academy_desktop.store.models import Exam, QuestionMapping, Student, Submission
from academy_desktop.sync import outbox

MAX_ID = 2_147_483_647  # the server's PositiveIntegerField
_HEADER_SEARCH_ROWS = 10


class MappingError(StoreError):
    """A mapping file or value that cannot be used; bilingual, every problem listed."""


def _norm(value: Any) -> str:
    text = unicodedata.normalize("NFC", str(value)).casefold()
    return re.sub(r"[\s\-_.()/#:]+", "", text)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_HEADERS: dict[str, tuple[str, ...]] = {
    "number": _words(
        "number questionnumber question questionno no 문항 문항번호 번호 문제 문제번호 label 라벨"
    ),
    "exam_question_id": _words(
        "examquestionid examquestion questionid eqid 문항id 서버문항id 시험문항id 문항아이디"
    ),
    "target_id": _words("targetid examid 시험id 서버시험id"),
    "sheet_id": _words("sheetid omrsheetid 답안지id 시트id"),
}
_BY_HEADER = {_norm(word): key for key, words in _HEADERS.items() for word in words}


@dataclass(frozen=True)
class QuestionIdTable:
    """A read mapping file: question (number or label, as text) -> exam_question_id."""

    question_ids: dict[str, int]
    target_id: int | None = None
    sheet_id: int | None = None


def _int_cell(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(float(text)) if "." in text else int(text)
    return None


def _positive(value: Any, what: str, row: int, errors: list[str]) -> int | None:
    n = _int_cell(value)
    if n is None or not 0 < n <= MAX_ID:
        errors.append(
            f"{row}행: {what} 값이 양의 정수가 아닙니다 ({value!r}) / "
            f"row {row}: {what} is not a positive whole number ({value!r})"
        )
        return None
    return n


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]] | None:
    for index, (_, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(cells):
            key = _BY_HEADER.get(_norm(cell)) if cell is not None else None
            if key is not None and key not in columns:
                columns[key] = col
        if "number" in columns and "exam_question_id" in columns:
            return index, columns
    return None


def read_question_ids(path: Path, sheet: str | None = None) -> QuestionIdTable:
    """Read a question -> ``exam_question_id`` file (see the module doc)."""
    path = Path(path)
    try:
        rows = read_rows(path, sheet)
    except (OSError, KeyError, UnicodeDecodeError, ValueError) as exc:
        raise MappingError(
            f"매핑 파일을 읽을 수 없습니다: {path.name} ({exc}) / "
            f"Cannot read the mapping file {path.name} ({exc})"
        ) from exc
    header = _find_header(rows)
    if header is not None:
        start, columns = header
        body = rows[start + 1 :]
    elif rows and len(rows[0][1]) >= 2 and all(_int_cell(c) is not None for c in rows[0][1][:2]):
        columns, body = {"number": 0, "exam_question_id": 1}, rows
    else:
        raise MappingError(
            f"'{path.name}'에서 문항 번호와 exam_question_id 열을 찾을 수 없습니다 "
            "(예: number,exam_question_id) / "
            f"No question number and exam_question_id columns in '{path.name}' "
            "(expected e.g. number,exam_question_id)"
        )
    errors: list[str] = []
    ids: dict[str, int] = {}
    seen_ids: dict[int, str] = {}
    targets: set[int] = set()
    sheets: set[int] = set()

    def cell(cells: list[Any], key: str) -> Any:
        col = columns.get(key)
        return cells[col] if col is not None and col < len(cells) else None

    for row, cells in body:
        question = cell(cells, "number")
        raw_id = cell(cells, "exam_question_id")
        if question is None or str(question).strip() == "":
            if raw_id is None or str(raw_id).strip() == "":
                continue
            errors.append(f"{row}행: 문항이 비어 있습니다 / row {row}: the question is empty")
            continue
        number = _int_cell(question)
        name = str(number) if number is not None else str(question).strip()
        qid = _positive(raw_id, "exam_question_id", row, errors)
        for key, found in (("target_id", targets), ("sheet_id", sheets)):
            value = cell(cells, key)
            if value is not None and str(value).strip() != "":
                n = _positive(value, key, row, errors)
                if n is not None:
                    found.add(n)
        if qid is None:
            continue
        if name in ids and ids[name] != qid:
            errors.append(
                f"{row}행: 문항 {name}이(가) 두 번 다른 값으로 있습니다 / "
                f"row {row}: question {name} appears twice with different ids"
            )
        elif qid in seen_ids and seen_ids[qid] != name:
            errors.append(
                f"{row}행: exam_question_id {qid}가 문항 {seen_ids[qid]}와 {name}에 모두 "
                "있습니다 / "
                f"row {row}: exam_question_id {qid} is given to questions {seen_ids[qid]} "
                f"and {name}"
            )
        ids[name] = qid
        seen_ids[qid] = name
    for key, found in (("target_id", targets), ("sheet_id", sheets)):
        if len(found) > 1:
            errors.append(
                f"{key} 열에 서로 다른 값이 있습니다 ({sorted(found)}) / "
                f"the {key} column holds different values ({sorted(found)})"
            )
    if errors:
        raise MappingError("\n".join(errors))
    if not ids:
        raise MappingError(
            f"'{path.name}'에 문항 매핑이 없습니다 / '{path.name}' holds no question mapping"
        )
    return QuestionIdTable(
        ids,
        target_id=next(iter(targets)) if len(targets) == 1 else None,
        sheet_id=next(iter(sheets)) if len(sheets) == 1 else None,
    )


@dataclass(frozen=True)
class MappingStatus:
    """How complete an exam's server mapping is (for ``exam map`` and the window)."""

    exam_id: int
    target_id: int | None
    sheet_id: int | None
    questions: int
    missing_questions: list[str] = field(default_factory=list)  # numbers (or labels)
    sheets_without_enrollment: int = 0  # graded sheets whose student has no enrollment_id
    released: int = 0  # held outbox items the last change released

    @property
    def complete(self) -> bool:
        return (
            self.target_id is not None and self.sheet_id is not None and not self.missing_questions
        )


def mapping_status(session: Session, exam: Exam, *, released: int = 0) -> MappingStatus:
    questions = list(
        session.scalars(
            select(QuestionMapping)
            .where(QuestionMapping.exam_id == exam.id)
            .order_by(QuestionMapping.id)
        )
    )
    missing = [
        str(q.number) if q.number is not None else q.label
        for q in questions
        if q.exam_question_id is None
    ]
    subs = session.scalars(
        select(Submission).where(Submission.exam_id == exam.id, Submission.status == "done")
    )
    without = 0
    for sub in subs:
        student = outbox.resolve_student(session, sub)
        if student is None or student.enrollment_id is None:
            without += 1
    return MappingStatus(
        exam_id=exam.id,
        target_id=exam.target_id,
        sheet_id=exam.sheet_id,
        questions=len(questions),
        missing_questions=missing,
        sheets_without_enrollment=without,
        released=released,
    )


def set_exam_mapping(
    session: Session,
    exam: Exam,
    *,
    target_id: int | None = None,
    sheet_id: int | None = None,
    question_ids: Mapping[str, int] | None = None,
) -> MappingStatus:
    """Set any of the exam's ids (``None`` keeps a value) and release the held outbox
    items the change completes. ``question_ids`` is keyed by question number or label."""
    set_mapping(session, exam, target_id=target_id, sheet_id=sheet_id, question_ids=question_ids)
    released = outbox.recheck_held(session, exam.id)
    return mapping_status(session, exam, released=released)


def import_question_ids(
    session: Session,
    exam: Exam,
    path: Path,
    *,
    target_id: int | None = None,
    sheet_id: int | None = None,
    sheet: str | None = None,
) -> MappingStatus:
    """:func:`read_question_ids` then :func:`set_exam_mapping`; ids given here win over
    ``target_id``/``sheet_id`` columns of the file."""
    table = read_question_ids(path, sheet)
    return set_exam_mapping(
        session,
        exam,
        target_id=target_id if target_id is not None else table.target_id,
        sheet_id=sheet_id if sheet_id is not None else table.sheet_id,
        question_ids=table.question_ids,
    )


def set_enrollment_ids(session: Session, ids: Mapping[str, int]) -> int:
    """Student number -> ``enrollment_id``, typed in; returns how many students changed.
    Held outbox items are checked again."""
    errors: list[str] = []
    wanted: dict[str, int] = {}
    for number, value in ids.items():
        n = _int_cell(value)
        if n is None or not 0 < n <= MAX_ID:
            errors.append(
                f"학생 {number}: enrollment_id가 양의 정수가 아닙니다 ({value!r}) / "
                f"student {number}: enrollment_id is not a positive whole number ({value!r})"
            )
        else:
            wanted[str(number).strip()] = n
    students = {
        s.number: s for s in session.scalars(select(Student).where(Student.number.in_(wanted)))
    }
    for number in wanted:
        if number not in students:
            errors.append(
                f"명단에 학생 {number}이(가) 없습니다 / student {number} is not in the roster"
            )
    taken = {
        s.enrollment_id: s.number
        for s in session.scalars(
            select(Student).where(Student.enrollment_id.in_(set(wanted.values())))
        )
    }
    owners: dict[int, str] = {}
    for number, eid in wanted.items():
        other = taken.get(eid)
        if other is not None and other != number and other not in wanted:
            errors.append(
                f"enrollment_id {eid}가 학생 {other}에게 이미 있습니다 / "
                f"enrollment_id {eid} already belongs to student {other}"
            )
        if eid in owners:
            errors.append(
                f"enrollment_id {eid}가 학생 {owners[eid]}와 {number}에 모두 있습니다 / "
                f"enrollment_id {eid} is given to students {owners[eid]} and {number}"
            )
        owners[eid] = number
    if errors:
        raise MappingError("\n".join(errors))
    changing = [(students[n], eid) for n, eid in wanted.items() if students[n].enrollment_id != eid]
    for student, _ in changing:  # clear first: two students may swap ids (unique column)
        student.enrollment_id = None
    session.flush()
    for student, eid in changing:
        student.enrollment_id = eid
        session.execute(
            update(Submission).where(Submission.student_id == student.id).values(enrollment_id=eid)
        )
    changed = len(changing)
    session.flush()
    outbox.recheck_held(session)
    return changed


def set_homework_target(session: Session, homework_id: int, target_id: int | None) -> int:
    """Set (``None``: clear) the homework's server id, on its files not sent yet too,
    and release the held outbox items the change completes; returns how many."""
    update_homework(session, homework_id, target_id=target_id)
    return outbox.recheck_held(session, homework_id=homework_id)


__all__ = [
    "MappingError",
    "MappingStatus",
    "QuestionIdTable",
    "import_question_ids",
    "mapping_status",
    "read_question_ids",
    "set_enrollment_ids",
    "set_exam_mapping",
    "set_homework_target",
]
