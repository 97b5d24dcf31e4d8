"""Student roster import: read an xlsx/csv roster, validate each row, upsert by student number.

``parse_roster`` reads the file (through :mod:`academy_desktop.engine.keytable`), finds the
header row by Korean/English synonyms or an explicit column mapping, and splits the rows into
good :class:`RosterRow` values and :class:`RowError` values. ``import_roster`` then upserts
the good rows into :class:`~academy_desktop.store.models.Student` inside the caller's
transaction. See ``docs/roster.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.engine.keytable import Row, read_rows
from academy_desktop.store.models import Student

FIELDS = ("name", "number", "class_name", "enrollment_id")
REQUIRED = ("name", "number")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Best first: when two headers match one field, the earlier synonym wins (학번 beats 번호).
# Compared without case, spaces, "_", "-", ".", "()", "/" or "#" ("Student No." = studentno).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": _words("이름 성명 학생명 학생이름 name studentname fullname"),
    "number": _words("학번 수험번호 학생번호 응시번호 studentnumber studentno number 번호 no"),
    "class_name": _words("반 학급 반명 반이름 클래스 class classname group 그룹"),
    "enrollment_id": _words("enrollmentid enrollment 수강id 수강번호 등록번호 등록id"),
}
SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")
HEADER_SEARCH_ROWS = 20  # the header must be among the first rows that hold anything
MAX_NUMBER_LEN = 40  # Student.number is String(40)
MAX_TEXT_LEN = 100  # Student.name / class_name are String(100)
MAX_ID = 2**63 - 1  # SQLite INTEGER
_DIGITS = re.compile(r"[0-9]+")


class RosterError(ValueError):
    """A roster file that cannot be used at all; the message is Korean, then English."""

    def __init__(self, message_ko: str, message_en: str) -> None:
        super().__init__(f"{message_ko}\n{message_en}")
        self.message_ko = message_ko
        self.message_en = message_en


@dataclass(frozen=True)
class RowError:
    """One problem of one row; ``row`` is 1-based as Excel shows it."""

    row: int
    column: str  # the header as written in the file, e.g. "학번"
    message_ko: str
    message_en: str
    field: str = ""  # our field name ("number", ...)

    def __str__(self) -> str:
        return (
            f"{self.row}행 '{self.column}': {self.message_ko} / "
            f"row {self.row} '{self.column}': {self.message_en}"
        )


@dataclass(frozen=True)
class RosterRow:
    row: int
    number: str
    name: str
    class_name: str | None = None
    enrollment_id: int | None = None


@dataclass(frozen=True)
class RosterParse:
    path: Path
    columns: dict[str, str]  # field -> header text, only for the columns the file has
    header_row: int
    rows: list[RosterRow]
    errors: list[RowError]


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})


def _norm_header(value: Any) -> str:
    text = unicodedata.normalize("NFC", str(value)).casefold()
    return re.sub(r"[\s\-_.()/#]+", "", text)


_SYNONYM_RANK = {
    _norm_header(word): (name, rank)
    for name, words in SYNONYMS.items()
    for rank, word in enumerate(words)
}


def parse_mapping(text: str) -> dict[str, str]:
    """``"name=이름,number=학번"`` -> ``{"name": "이름", "number": "학번"}`` (CLI ``--map``)."""
    mapping: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, header = (s.strip() for s in item.partition("="))
        if not sep or not key or not header:
            raise RosterError(
                f"열 지정 '{item}'의 형식이 잘못되었습니다. 예: name=이름,number=학번",
                f"bad column mapping '{item}'; expected field=header, e.g. name=이름,number=학번",
            )
        _check_field(key)
        if key in mapping:
            raise RosterError(
                f"열 지정에 '{key}'이(가) 두 번 있습니다.", f"field '{key}' is mapped twice"
            )
        mapping[key] = header
    return mapping


def _check_field(key: str) -> None:
    if key not in FIELDS:
        raise RosterError(
            f"알 수 없는 항목 '{key}' (가능: {', '.join(FIELDS)})",
            f"unknown field '{key}' (known: {', '.join(FIELDS)})",
        )


def _read(path: Path, sheet: str | None) -> list[Row]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RosterError(
            f"지원하지 않는 명단 파일 형식입니다 ({path.name}). .xlsx 또는 .csv로 저장해 주세요.",
            f"unsupported roster file type ({path.name}); save it as .xlsx or .csv",
        )
    try:
        return read_rows(path, sheet)
    except KeyError as exc:  # a named sheet that is not there
        detail = exc.args[0] if exc.args else exc
        raise RosterError(
            f"시트를 찾을 수 없습니다 ({detail})", f"sheet not found ({detail})"
        ) from exc
    except Exception as exc:  # any failure to open or decode means the file is unusable
        raise RosterError(
            f"명단 파일을 읽을 수 없습니다 ({path.name}): 손상되었거나 형식이 다릅니다 "
            f"({type(exc).__name__}: {exc})",
            f"cannot read the roster file ({path.name}): damaged or not a spreadsheet "
            f"({type(exc).__name__}: {exc})",
        ) from exc


def _match_header(cells: list[Any], mapping: Mapping[str, str]) -> dict[str, int]:
    """field -> column index for one candidate header row (explicit mapping first)."""
    normed = [_norm_header(c) if c is not None else "" for c in cells]
    found: dict[str, int] = {}
    for key, header in mapping.items():
        if _norm_header(header) in normed:
            found[key] = normed.index(_norm_header(header))
    taken = set(found.values())
    best: dict[str, tuple[int, int]] = {}
    for index, text in enumerate(normed):
        hit = _SYNONYM_RANK.get(text)
        if hit is None or index in taken or hit[0] in mapping:
            continue
        key, rank = hit
        if key not in best or rank < best[key][0]:
            best[key] = (rank, index)
    found.update({key: index for key, (_, index) in best.items()})
    return found


def _find_header(
    rows: list[Row], mapping: Mapping[str, str], path: Path
) -> tuple[int, dict[str, int]]:
    needed = set(REQUIRED) | set(mapping)
    best_pos, best_found = 0, dict[str, int]()
    for pos, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _match_header(cells, mapping)
        if needed <= found.keys():
            return pos, found
        if len(found) > len(best_found):
            best_pos, best_found = pos, found
    if not rows:
        raise RosterError(
            f"명단 파일이 비어 있습니다 ({path.name}).", f"the roster file is empty ({path.name})"
        )
    missing = [k for k in (*REQUIRED, *mapping) if k not in best_found]
    missing_text = ", ".join(
        f"{mapping[k]!r}" if k in mapping else f"{k} ({'/'.join(SYNONYMS[k][:4])})"
        for k in dict.fromkeys(missing)
    )
    headers = ", ".join(repr(str(c)) for c in rows[best_pos][1] if c is not None) or "-"
    raise RosterError(
        f"필수 열이 없습니다: {missing_text}. {rows[best_pos][0]}행의 머리글: {headers}. "
        "열 이름을 바꾸거나 열 지정(예: name=이름,number=학번)을 사용해 주세요.",
        f"missing column(s): {missing_text}. Headers found in row {rows[best_pos][0]}: "
        f"{headers}. Rename the columns or give a mapping (e.g. name=이름,number=학번).",
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 20250001 as 20250001.0
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def _positive_int(value: Any) -> int | None:
    """A positive integer from a cell, or None when it is not one (bools are not ids)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= MAX_ID else None


@dataclass
class _RowCheck:
    row: int
    columns: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def error(self, key: str, ko: str, en: str) -> None:
        self.errors.append(RowError(self.row, self.columns[key], ko, en, key))


def _check_row(
    n: int,
    values: dict[str, Any],
    columns: dict[str, str],
    seen_numbers: dict[str, int],
    seen_ids: dict[int, int],
) -> tuple[RosterRow | None, list[RowError]]:
    check = _RowCheck(n, columns)
    name = _text(values.get("name"))
    number = _text(values.get("number"))
    class_name = _text(values.get("class_name")) or None
    raw_id = values.get("enrollment_id")
    enrollment_id = None
    if not name:
        check.error("name", "이름이 비어 있습니다.", "the name is empty")
    elif len(name) > MAX_TEXT_LEN:
        check.error(
            "name", f"이름이 {MAX_TEXT_LEN}자를 넘습니다.", f"name over {MAX_TEXT_LEN} chars"
        )
    if not number:
        check.error("number", "학번이 비어 있습니다.", "the student number is empty")
    elif not _DIGITS.fullmatch(number) or len(number) > MAX_NUMBER_LEN:
        check.error(
            "number",
            f"학번 '{number}'은(는) 숫자만 쓸 수 있습니다 (0-9, 최대 {MAX_NUMBER_LEN}자리).",
            f"student number '{number}' must be digits only (0-9, at most {MAX_NUMBER_LEN})",
        )
    elif number in seen_numbers:
        first = seen_numbers[number]
        check.error(
            "number",
            f"학번 '{number}'이(가) {first}행과 중복됩니다.",
            f"student number '{number}' duplicates row {first}",
        )
    else:
        seen_numbers[number] = n
    if class_name is not None and len(class_name) > MAX_TEXT_LEN:
        check.error("class_name", f"반 이름이 {MAX_TEXT_LEN}자를 넘습니다.", "class name too long")
    if _text(raw_id):
        enrollment_id = _positive_int(raw_id)
        if enrollment_id is None:
            check.error(
                "enrollment_id",
                f"수강ID '{_text(raw_id)}'은(는) 양의 정수여야 합니다.",
                f"enrollment id '{_text(raw_id)}' must be a positive integer",
            )
        elif enrollment_id in seen_ids:
            first = seen_ids[enrollment_id]
            check.error(
                "enrollment_id",
                f"수강ID {enrollment_id}이(가) {first}행과 중복됩니다.",
                f"enrollment id {enrollment_id} duplicates row {first}",
            )
            enrollment_id = None
        else:
            seen_ids[enrollment_id] = n
    if check.errors:
        return None, check.errors
    return RosterRow(n, number, name, class_name, enrollment_id), []


def parse_roster(
    path: Path,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    ignore: Collection[str] = (),
) -> RosterParse:
    """Read and validate a roster; raise :class:`RosterError` if the file is unusable.

    ``ignore`` names optional fields (``class_name``, ``enrollment_id``) whose column is
    not read even when a header matches, as if the file did not have it.
    """
    path = Path(path)
    mapping = dict(mapping or {})
    for key in (*mapping, *ignore):
        _check_field(key)
    for key in ignore:
        if key in REQUIRED or key in mapping:
            raise RosterError(
                f"'{key}' 항목은 빼고 읽을 수 없습니다.", f"the field '{key}' cannot be ignored"
            )
    rows = _read(path, sheet)
    pos, found = _find_header(rows, mapping, path)
    found = {key: index for key, index in found.items() if key not in ignore}
    header_n, header_cells = rows[pos]
    columns = {
        key: str(header_cells[index])
        for key, index in sorted(found.items(), key=lambda kv: FIELDS.index(kv[0]))
    }
    good: list[RosterRow] = []
    errors: list[RowError] = []
    seen_numbers: dict[str, int] = {}
    seen_ids: dict[int, int] = {}
    for n, cells in rows[pos + 1 :]:
        values = {key: cells[i] if i < len(cells) else None for key, i in found.items()}
        if not any(_text(v) for v in values.values()):
            continue  # nothing of ours in this row (a note or a blank-looking line)
        roster_row, row_errors = _check_row(n, values, columns, seen_numbers, seen_ids)
        if roster_row is not None:
            good.append(roster_row)
        errors.extend(row_errors)
    return RosterParse(path, columns, header_n, good, errors)


def _drop_id_conflicts(
    rows: list[RosterRow], students: list[Student], column: str
) -> tuple[list[RosterRow], list[RowError]]:
    """Reject rows whose enrollment id stays with another student after the import.

    Students named by accepted rows give up their old ids (so swaps work); a rejected row's
    student keeps its id, which may in turn block another row, hence the loop.
    """
    errors: list[RowError] = []
    while True:
        in_file = {r.number for r in rows}
        owner = {
            s.enrollment_id: s
            for s in students
            if s.enrollment_id is not None and s.number not in in_file
        }
        bad = [r for r in rows if r.enrollment_id is not None and r.enrollment_id in owner]
        if not bad:
            return rows, errors
        for r in bad:
            other = owner[r.enrollment_id]  # type: ignore[index]
            errors.append(
                RowError(
                    r.row,
                    column,
                    f"수강ID {r.enrollment_id}은(는) 이미 다른 학생({other.number} "
                    f"{other.name})에게 있습니다.",
                    f"enrollment id {r.enrollment_id} already belongs to another student "
                    f"({other.number} {other.name})",
                    "enrollment_id",
                )
            )
        rows = [r for r in rows if r not in bad]


def import_roster(session: Session, parse: RosterParse) -> ImportSummary:
    """Upsert the parsed rows by student number in the caller's transaction (no commit).

    Columns the file does not have (class, enrollment id) leave stored values alone; a
    column that is there but empty clears the value.
    """
    has_class = "class_name" in parse.columns
    has_id = "enrollment_id" in parse.columns
    students = list(session.scalars(select(Student).order_by(Student.id)))
    by_number = {s.number: s for s in students}
    rows, errors = list(parse.rows), list(parse.errors)
    if has_id:
        rows, conflicts = _drop_id_conflicts(rows, students, parse.columns["enrollment_id"])
        errors += conflicts
    created, unchanged = 0, 0
    new: list[Student] = []
    changed: list[tuple[Student, dict[str, Any]]] = []
    freed = False
    for r in rows:
        target: dict[str, Any] = {"name": r.name}
        if has_class:
            target["class_name"] = r.class_name
        if has_id:
            target["enrollment_id"] = r.enrollment_id
        student = by_number.get(r.number)
        if student is None:
            new.append(Student(number=r.number, **target))
            created += 1
            continue
        changes = {k: v for k, v in target.items() if getattr(student, k) != v}
        if not changes:
            unchanged += 1
            continue
        if "enrollment_id" in changes and student.enrollment_id is not None:
            student.enrollment_id = None  # free it first: the column is unique
            freed = True
        changed.append((student, changes))
    if freed:
        session.flush()
    for student, changes in changed:
        for key, value in changes.items():
            setattr(student, key, value)
    session.add_all(new)
    session.flush()
    errors.sort(key=lambda e: (e.row, FIELDS.index(e.field) if e.field in FIELDS else 99))
    return ImportSummary(created, len(changed), unchanged, errors)
