"""Roster import: header detection, mapping, row validation, upsert and id conflicts."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.store.models import Student
from academy_desktop.store.roster import (
    RosterError,
    RowError,
    import_roster,
    parse_mapping,
    parse_roster,
)


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], title: str | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def errors_at(errors: list[RowError]) -> set[tuple[int, str, str]]:
    return {(e.row, e.column, e.field) for e in errors}


def students(session: Session) -> dict[str, tuple[str, str | None, int | None]]:
    return {
        s.number: (s.name, s.class_name, s.enrollment_id) for s in session.scalars(select(Student))
    }


# ---- reading and header detection ----


def test_korean_headers_xlsx_keeps_leading_zeros_and_excel_floats(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "명단.xlsx",
        [
            ["2025 봄학기 명단"],  # a title above the header
            ["번호", "성명", "학번", "학급", "수강ID"],
            [1, "김민준", "00123", "A반", 17],
            [2, "이서연", 20250001.0, "B반", 18.0],
            [3, "박지후", 20250002, None, None],
        ],
    )
    parse = parse_roster(path)
    # 학번 wins over 번호 (the seat number) for the student number
    assert parse.columns == {
        "name": "성명",
        "number": "학번",
        "class_name": "학급",
        "enrollment_id": "수강ID",
    }
    assert parse.header_row == 2
    assert parse.errors == []
    got = [(r.row, r.number, r.name, r.class_name, r.enrollment_id) for r in parse.rows]
    assert got == [
        (3, "00123", "김민준", "A반", 17),
        (4, "20250001", "이서연", "B반", 18),
        (5, "20250002", "박지후", None, None),
    ]


def test_english_headers_csv_utf8_bom(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            ["Student Name", "Student No.", "Class", "Enrollment_ID"],
            ["김민준", "0042", "Math 1", "7"],
        ],
        encoding="utf-8-sig",
    )
    parse = parse_roster(path)
    assert set(parse.columns) == {"name", "number", "class_name", "enrollment_id"}
    assert [(r.number, r.name, r.class_name, r.enrollment_id) for r in parse.rows] == [
        ("0042", "김민준", "Math 1", 7)
    ]


def test_cp949_csv_as_korean_excel_saves_it(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "명단.csv",
        [["이름", "수험번호", "반"], ["최유나", "0007", "중3"], ["정하준", "0008", "중2"]],
        encoding="cp949",
    )
    parse = parse_roster(path)
    assert [(r.name, r.number, r.class_name) for r in parse.rows] == [
        ("최유나", "0007", "중3"),
        ("정하준", "0008", "중2"),
    ]


def test_named_sheet(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.append(["메모"])
    second = workbook.create_sheet("명단")
    second.append(["이름", "학번"])
    second.append(["김민준", "101"])
    workbook.save(path)
    assert [r.number for r in parse_roster(path, sheet="명단").rows] == ["101"]
    with pytest.raises(RosterError, match="명단"):
        parse_roster(path, sheet="없는시트")


def test_explicit_mapping_overrides_detection(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "m.xlsx",
        [
            ["학생", "학번", "번호", "ID"],
            ["김민준", "999", "0301", 55],
            ["이서연", "998", "0302", 56],
        ],
    )
    parse = parse_roster(path, parse_mapping("name=학생, number=번호, enrollment_id=ID"))
    assert parse.columns == {"name": "학생", "number": "번호", "enrollment_id": "ID"}
    assert [(r.name, r.number, r.enrollment_id) for r in parse.rows] == [
        ("김민준", "0301", 55),
        ("이서연", "0302", 56),
    ]


def test_parse_mapping_errors() -> None:
    assert parse_mapping("name=이름,number=학번") == {"name": "이름", "number": "학번"}
    with pytest.raises(RosterError, match="name이름"):
        parse_mapping("name이름")
    with pytest.raises(RosterError, match="unknown field 'grade'"):
        parse_mapping("grade=학년")
    with pytest.raises(RosterError, match="twice"):
        parse_mapping("name=이름,name=성명")
    with pytest.raises(RosterError, match="unknown field"):
        parse_roster(Path("x.csv"), {"age": "나이"})


# ---- unusable files ----


def test_missing_columns_name_them_and_list_headers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", [["성명", "반", "전화"], ["김민준", "A", "010"]])
    with pytest.raises(RosterError) as info:
        parse_roster(path)
    message = str(info.value)
    assert "number" in message and "학번" in message  # the missing column
    assert "name (" not in message  # 성명 was found
    for header in ("성명", "반", "전화"):
        assert repr(header) in message  # the headers that were there
    assert "필수 열이 없습니다" in info.value.message_ko
    assert "missing column" in info.value.message_en


def test_mapped_header_absent_is_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["이름", "학번"], ["김", "1"]])
    with pytest.raises(RosterError, match="'수강번호X'"):
        parse_roster(path, {"enrollment_id": "수강번호X"})


def test_corrupt_xlsx_and_wrong_format(tmp_path: Path) -> None:
    corrupt = tmp_path / "broken.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(RosterError, match="cannot read the roster file"):
        parse_roster(corrupt)
    old = tmp_path / "roster.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RosterError, match=r"\.xlsx 또는 \.csv"):
        parse_roster(old)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(RosterError, match="empty"):
        parse_roster(empty)


# ---- row validation ----


def test_every_row_error_has_row_and_column(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "errs.xlsx",
        [
            ["이름", "학번", "반", "등록번호"],
            ["김민준", "1001", "A", 1],  # 2 good
            ["", "1002", "A", 2],  # 3 empty name
            ["이서연", None, "A", 3],  # 4 empty number
            ["박지후", "10-03", "A", 4],  # 5 non-digits
            ["최유나", "1001", "B", 5],  # 6 duplicate number of row 2
            ["정하준", "1006", "B", -7],  # 7 not a positive id
            ["강도윤", "1007", "B", "12a"],  # 8 not an integer id
            ["윤서아", "1008", "B", 1],  # 9 duplicate id of row 2
            ["임시우", "1009", "B", 2.5],  # 10 fractional id
            [None, None, None, None, "memo"],  # 11 nothing of ours: skipped
            ["한지민", "1010", None, None],  # 12 good, no class, no id
        ],
    )
    parse = parse_roster(path)
    assert errors_at(parse.errors) == {
        (3, "이름", "name"),
        (4, "학번", "number"),
        (5, "학번", "number"),
        (6, "학번", "number"),
        (7, "등록번호", "enrollment_id"),
        (8, "등록번호", "enrollment_id"),
        (9, "등록번호", "enrollment_id"),
        (10, "등록번호", "enrollment_id"),
    }
    assert [r.row for r in parse.rows] == [2, 12]
    by_row = {e.row: e for e in parse.errors}
    assert "2행" in by_row[6].message_ko and "row 2" in by_row[6].message_en
    assert "digits only" in by_row[5].message_en
    assert "positive integer" in by_row[7].message_en
    assert "duplicates row 2" in by_row[9].message_en
    assert str(by_row[3]).startswith("3행 '이름': ")


def test_row_with_several_problems_reports_each(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["name", "number", "enrollment id"], ["", "x1", "0"]])
    parse = parse_roster(path)
    assert parse.rows == []
    assert errors_at(parse.errors) == {
        (2, "name", "name"),
        (2, "number", "number"),
        (2, "enrollment id", "enrollment_id"),
    }


# ---- import ----


def test_reimport_updates_without_duplicating(tmp_path: Path, session: Session) -> None:
    header = ["이름", "학번", "반", "수강ID"]
    first = write_xlsx(
        tmp_path / "v1.xlsx",
        [header, ["김민준", "001", "A", 1], ["이서연", "002", "A", 2], ["박지후", "003", "B", 3]],
    )
    summary = import_roster(session, parse_roster(first))
    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    session.commit()

    second = write_xlsx(
        tmp_path / "v2.xlsx",
        [
            header,
            ["김민준", "001", "A", 1],  # unchanged
            ["이서연", "002", "C", 2],  # class changed
            ["박지호", "003", "B", None],  # name changed, id cleared
            ["최유나", "004", "B", 3],  # new, takes the freed id 3
        ],
    )
    summary = import_roster(session, parse_roster(second))
    session.commit()
    assert (summary.created, summary.updated, summary.unchanged) == (1, 2, 1)
    assert summary.errors == []
    assert students(session) == {
        "001": ("김민준", "A", 1),
        "002": ("이서연", "C", 2),
        "003": ("박지호", "B", None),
        "004": ("최유나", "B", 3),
    }
    again = import_roster(session, parse_roster(second))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_missing_optional_columns_keep_stored_values(tmp_path: Path, session: Session) -> None:
    full = write_csv(
        tmp_path / "a.csv", [["이름", "학번", "반", "수강ID"], ["김민준", "1", "A", "9"]]
    )
    import_roster(session, parse_roster(full))
    names_only = write_csv(tmp_path / "b.csv", [["이름", "학번"], ["김민준", "1"]])
    summary = import_roster(session, parse_roster(names_only))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert students(session) == {"1": ("김민준", "A", 9)}


def test_enrollment_id_conflict_is_a_row_error(tmp_path: Path, session: Session) -> None:
    session.add(Student(number="900", name="기존학생", enrollment_id=50))
    session.flush()
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [["이름", "학번", "수강ID"], ["김민준", "101", 50], ["이서연", "102", 51]],
    )
    summary = import_roster(session, parse_roster(path))
    session.commit()
    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)
    assert errors_at(summary.errors) == {(2, "수강ID", "enrollment_id")}
    assert "900" in summary.errors[0].message_en
    assert summary.rejected_rows == 1
    assert students(session) == {"900": ("기존학생", None, 50), "102": ("이서연", None, 51)}


def test_enrollment_ids_can_swap(tmp_path: Path, session: Session) -> None:
    session.add_all(
        [
            Student(number="1", name="가", enrollment_id=10),
            Student(number="2", name="나", enrollment_id=20),
        ]
    )
    session.flush()
    path = write_csv(
        tmp_path / "s.csv", [["이름", "학번", "수강ID"], ["가", "1", "20"], ["나", "2", "10"]]
    )
    summary = import_roster(session, parse_roster(path))
    session.commit()
    assert (summary.created, summary.updated, summary.errors) == (0, 2, [])
    assert students(session) == {"1": ("가", None, 20), "2": ("나", None, 10)}


def test_rejected_row_keeps_its_id_and_blocks_a_claim(tmp_path: Path, session: Session) -> None:
    session.add_all(
        [
            Student(number="1", name="가", enrollment_id=10),
            Student(number="2", name="나", enrollment_id=20),
            Student(number="3", name="다", enrollment_id=30),
        ]
    )
    session.flush()
    # row 2 wants 30 (kept by student 3, not in the file) -> rejected, so student 1 keeps 10
    # and row 3 (student 2 wanting 10) is rejected in turn
    path = write_csv(
        tmp_path / "k.csv", [["이름", "학번", "수강ID"], ["가", "1", "30"], ["나", "2", "10"]]
    )
    summary = import_roster(session, parse_roster(path))
    session.commit()
    assert errors_at(summary.errors) == {
        (2, "수강ID", "enrollment_id"),
        (3, "수강ID", "enrollment_id"),
    }
    assert students(session) == {
        "1": ("가", None, 10),
        "2": ("나", None, 20),
        "3": ("다", None, 30),
    }


def test_import_is_left_to_the_caller_to_commit(tmp_path: Path, session: Session) -> None:
    path = write_csv(tmp_path / "r.csv", [["이름", "학번"], ["김민준", "1"]])
    import_roster(session, parse_roster(path))
    session.rollback()
    assert students(session) == {}


def test_two_thousand_rows(tmp_path: Path, session: Session) -> None:
    rows: list[list[Any]] = [["이름", "학번", "반", "수강ID"]]
    rows += [[f"학생{i}", f"{i:08d}", f"{i % 12}반", i + 1] for i in range(2000)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    summary = import_roster(session, parse_roster(path))
    assert (summary.created, summary.errors) == (2000, [])
    again = import_roster(session, parse_roster(path))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2000)
    assert len(students(session)) == 2000
