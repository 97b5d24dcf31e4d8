"""A homework's results as a class list: who did the work, who did not hand it in.

One row per student of the homework's class (``Student.class_name`` equal to the
homework's class; every student matched to one of its files too), in student-number
order, then the files no student was matched to. A student with no file reads
"미제출 / not submitted". Written as ``xlsx`` (a Hangul font, doubtful rows in
yellow, missing ones in light red) or ``csv`` (UTF-8 with a BOM, which Excel opens
as Korean), to ``<out>.partial`` first and renamed when complete.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from academy_desktop.output.xlsx_common import (
    HEADER_FILL,
    LIGHT_RED,
    YELLOW,
    clean_text,
    save_workbook,
    text_cell,
)
from academy_desktop.store.homework import HomeworkCard, cards, get_homework
from academy_desktop.store.models import Student, Submission

__all__ = [
    "HEADERS",
    "VERDICT_NAMES",
    "HomeworkRow",
    "Missing",
    "export_homework",
    "homework_rows",
    "missing_students",
]

Format = Literal["xlsx", "csv"]
SHEET = "숙제 - Homework"
FONT = Font(name="Malgun Gothic")
BOLD = Font(name="Malgun Gothic", bold=True)
NOT_SUBMITTED = "미제출 / not submitted"
VERDICT_NAMES = {
    "wrote": "했음 / wrote",
    "little_writing": "조금 함 / little writing",
    "no_writing": "안 함 / no writing",
    "unreadable": "판독 불가 / unreadable",
}
HEADERS = (
    ("학번 / Number", 12),
    ("이름 / Name", 10),
    ("반 / Class", 8),
    ("판정 / Verdict", 18),
    ("확인 / Checked", 14),
    ("신뢰도 / Confidence", 10),
    ("엔진 판정 / Engine verdict", 18),
    ("이유 / Reason", 50),
    ("파일 / File", 28),
    ("종류 / Kind", 8),
    ("제출물 ID / Submission", 10),
)


@dataclass(frozen=True)
class HomeworkRow:
    number: str
    name: str
    class_name: str
    card: HomeworkCard | None  # None: not submitted

    @property
    def doubtful(self) -> bool:
        return self.card is not None and self.card.doubtful

    def values(self) -> list[Any]:
        c = self.card
        if c is None:
            return [self.number, self.name, self.class_name, NOT_SUBMITTED] + [""] * 7
        if c.decided_by:
            checked = c.decided_by
        elif c.doubtful:
            checked = "확인 필요 / to check"
        else:
            checked = ""
        return [
            self.number,
            self.name,
            self.class_name,
            VERDICT_NAMES.get(c.verdict or "", c.verdict or ""),
            checked,
            "" if c.confidence is None else round(c.confidence, 2),
            VERDICT_NAMES.get(c.engine_verdict or "", c.engine_verdict or ""),
            c.reason or "",
            c.original_name,
            "동영상 / video" if c.source == "homework_video" else "사진 / photo",
            c.submission_id,
        ]


def homework_rows(session: Session, homework_id: int) -> Iterator[HomeworkRow]:
    hw = get_homework(session, homework_id)
    by_student: dict[int, list[HomeworkCard]] = {}
    unmatched: list[HomeworkCard] = []
    for c in cards(session, hw.id):
        if c.student_id is None:
            unmatched.append(c)
        else:
            by_student.setdefault(c.student_id, []).append(c)
    wanted: ColumnElement[bool] = Student.id.in_(list(by_student))
    if hw.group_name:
        wanted = or_(wanted, Student.class_name == hw.group_name)
    for student in session.scalars(select(Student).where(wanted).order_by(Student.number)):
        mine: list[HomeworkCard | None] = list(by_student.get(student.id, [])) or [None]
        for entry in mine:
            yield HomeworkRow(student.number, student.name, student.class_name or "", entry)
    for c in unmatched:
        yield HomeworkRow("", "", "", c)


@dataclass(frozen=True)
class Missing:
    """The homework's class and who of it handed nothing in."""

    class_name: str
    students: int  # students of the class in the roster
    names: list[str] = field(default_factory=list)  # "name (number)", by number


def missing_students(session: Session, homework_id: int) -> Missing | None:
    """The class's students with no file in the homework (two small queries), or ``None``
    when the homework has no class. The same students ``homework_export`` lists as
    "미제출 / not submitted"."""
    hw = get_homework(session, homework_id)
    if not hw.group_name:
        return None
    in_class = Student.class_name == hw.group_name
    total = len(list(session.scalars(select(Student.id).where(in_class))))
    handed_in = exists().where(Submission.homework_id == hw.id, Submission.student_id == Student.id)
    rows = session.execute(
        select(Student.name, Student.number).where(in_class, ~handed_in).order_by(Student.number)
    )
    return Missing(hw.group_name, total, [f"{name} ({number})" for name, number in rows])


def _write_csv(rows: Iterator[HomeworkRow], out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([h for h, _ in HEADERS])
        for row in rows:
            writer.writerow(row.values())
            count += 1
    return count


def _write_xlsx(rows: Iterator[HomeworkRow], out: Path, title: str) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)

    for i, (_, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    caption = WriteOnlyCell(ws, value=clean_text(title))
    caption.font = BOLD
    ws.append([caption])
    header = []
    for name, _ in HEADERS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill = BOLD, HEADER_FILL
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        fill = LIGHT_RED if row.card is None else YELLOW if row.doubtful else None
        line = []
        for value in row.values():
            cell = text_cell(ws, value)  # a file named "=x.mp4" stays text
            cell.font = FONT
            if fill is not None:
                cell.fill = fill
            line.append(cell)
        ws.append(line)
        count += 1
    save_workbook(wb, out)
    return count


def export_homework(session: Session, homework_id: int, fmt: Format, out: Path) -> int:
    """Write the homework's class list to ``out``; returns the number of rows."""
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"알 수 없는 형식 {fmt!r} / unknown format {fmt!r} (xlsx, csv)")
    hw = get_homework(session, homework_id)
    title = " · ".join(
        t for t in (hw.title, hw.group_name, hw.due_date and f"due {hw.due_date}") if t
    )
    out = Path(out)
    rows = homework_rows(session, hw.id)
    if fmt == "xlsx":
        return _write_xlsx(rows, out, title)  # save_workbook writes atomically
    partial = out.with_name(out.name + ".partial")
    try:
        count = _write_csv(rows, partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return count
