"""Exporting an exam from the store: values after review, colours, question statistics,
csv with a BOM, jsonl records, an exam without a key and a rejected page."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.output.xlsx_common import LIGHT_GREEN, LIGHT_RED, YELLOW
from academy_desktop.store.export import UNKNOWN_NAME, export_exam, rebuild_field
from academy_desktop.store.export_xlsx import (
    FONT_NAME,
    QUESTIONS_SHEET,
    RESULTS_SHEET,
    SUMMARY_SHEET,
)
from academy_desktop.store.models import (
    AnswerKeyVersion,
    Exam,
    ReviewState,
    Scan,
    Student,
    Submission,
    SubmissionAnswer,
    Template,
)
from academy_desktop.store.submissions import record_result

LABELS = ["q1", "q2", "q3", "q4"]
KEY = {"q1": "1", "q2": "2", "q3": "3", "q4": "4"}
N_FIXED = 9  # file, page, number, name, class, score, max, status, review

# (page in the scan, student number read, the values read, {label: status}) - pages are
# stored out of order so that the export's ordering by student number shows.
SHEETS: list[tuple[int, str | None, list[str], dict[str, str]]] = [
    (5, "2025001", ["1", "2", "3", "4"], {}),
    (1, "2025002", ["1", "2", "3", "4"], {}),  # q4 reviewed to 5 below: wrong
    (3, "2025003", ["1", "2", "", "1"], {"q4": "low_confidence"}),  # q4 stays flagged
    (2, "2025004", ["12", "35", "2", "2"], {"q1": "ambiguous"}),  # q1 reviewed to 1
    (4, "9999999", ["3", "1", "2", ""], {}),  # not on the roster
]
ROSTER = {"2025001": "김하늘", "2025002": "이바다", "2025003": "박솔", "2025004": "최별"}


def _field(label: str, value: str, status: str | None) -> FieldResult:
    marking = "blank" if not value else ("multi" if len(value) > 1 else "single")
    st = status or ("blank" if not value else "ok")
    return FieldResult(label, list(value), marking, 0.9, st, {"marks": []}, value)  # type: ignore[arg-type]


def _page(page: int, number: str | None, values: list[str], status: dict[str, str]) -> PageResult:
    fields = {q: _field(q, v, status.get(q)) for q, v in zip(LABELS, values, strict=True)}
    return PageResult("scan.pdf", page, "ok", "t4", student_id=number, fields=fields, score=9.0)


def _build(session: Session, *, with_key: bool = True) -> Exam:
    t = Template(name="t4", source="native", origin=None, content={}, sha256="0" * 64)
    exam = Exam(title="4월 평가", template=t, group_name="A반")
    session.add(exam)
    for roster_number, name in ROSTER.items():
        session.add(Student(number=roster_number, name=name, class_name="A반", enrollment_id=None))
    scan = Scan(sha256="1" * 64, original_name="scan.pdf", stored_path="s", size=1, page_count=6)
    session.add(scan)
    session.flush()
    if with_key:  # an old key first: the export must grade with the latest one
        old = {"format": "academy-answer-key", "version": 1, "answers": {"q1": "5"}}
        new = {"format": "academy-answer-key", "version": 1, "answers": KEY}
        session.add(AnswerKeyVersion(exam_id=exam.id, version=1, content=old))
        session.add(AnswerKeyVersion(exam_id=exam.id, version=2, content=new))
    for page, number, values, status in SHEETS:
        record_result(session, exam, scan, _page(page, number, values, status))
    rejected = PageResult("scan.pdf", 6, "rejected", "t4", "TOO_DARK", "너무 어둡습니다 / too dark")
    record_result(session, exam, scan, rejected)
    _review(session, exam, "2025002", "q4", "5")
    _review(session, exam, "2025004", "q1", "1")
    session.flush()
    return exam


def _review(session: Session, exam: Exam, number: str, label: str, value: str) -> None:
    answer = session.scalars(
        select(SubmissionAnswer)
        .join(Submission)
        .where(Submission.exam_id == exam.id, Submission.student_number_read == number)
        .where(SubmissionAnswer.label == label)
    ).one()
    answer.current_value, answer.reviewed = value, True
    answer.submission.review_state = ReviewState.DONE


@pytest.fixture
def exam(session: Session) -> Exam:
    return _build(session)


def _xlsx(session: Session, exam: Exam, tmp_path: Path) -> Any:
    out = tmp_path / "결과.xlsx"
    summary = export_exam(session, exam.id, "xlsx", out)
    assert summary.rows == 6 and summary.path == out
    assert not list(tmp_path.glob("*.partial"))
    return load_workbook(out)


def _rows(ws: Worksheet) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_results_sheet_shows_values_after_review_in_student_order(
    session: Session, exam: Exam, tmp_path: Path
) -> None:
    wb = _xlsx(session, exam, tmp_path)
    assert wb.sheetnames == [SUMMARY_SHEET, RESULTS_SHEET, QUESTIONS_SHEET]
    ws = wb[RESULTS_SHEET]
    assert ws.freeze_panes == "E2"
    rows = _rows(ws)
    assert rows[0][N_FIXED:] == LABELS
    body = rows[1:]
    assert [r[1] for r in body] == [5, 1, 3, 2, 4, 6]  # by student number, rejected last
    assert [r[2] for r in body][:5] == ["2025001", "2025002", "2025003", "2025004", "9999999"]
    assert [r[3] for r in body] == [*ROSTER.values(), UNKNOWN_NAME, UNKNOWN_NAME]
    assert body[0][4] == "A반"
    # after review: 2025002's q4 is 5 (wrong now), 2025004's q1 is 1 (right now);
    # graded against key version 2 (version 1 would give everyone 0 or 1)
    assert body[1][N_FIXED + 3] == "5" and body[3][N_FIXED] == "1"
    assert [r[5] for r in body] == [4, 3, 2, 1, 0, None]
    assert [r[6] for r in body][:5] == [4] * 5
    assert body[3][N_FIXED + 1] == "35"  # a multi-mark stays as read
    assert body[2][N_FIXED + 2] is None  # blank answer: empty cell
    assert ws.cell(2, 4).font.name == FONT_NAME and ws.cell(1, 1).font.b


def test_highlight_colours(session: Session, exam: Exam, tmp_path: Path) -> None:
    ws = _xlsx(session, exam, tmp_path)[RESULTS_SHEET]

    def fill(row: int, label: str) -> str:
        return str(ws.cell(row, N_FIXED + 1 + LABELS.index(label)).fill.fgColor.rgb)

    def red(row: int, label: str) -> bool:
        return ws.cell(row, N_FIXED + 1 + LABELS.index(label)).font.color is not None

    yellow, green, light_red = (f"00{f.fgColor.rgb}"[-8:] for f in (YELLOW, LIGHT_GREEN, LIGHT_RED))
    # rows: 2=2025001, 3=2025002, 4=2025003, 5=2025004, 6=unknown, 7=rejected
    assert fill(4, "q4") == yellow and red(4, "q4")  # flagged, not reviewed, wrong
    assert fill(5, "q1") == green and not red(5, "q1")  # reviewed to the right answer
    assert fill(3, "q4") == green and red(3, "q4")  # reviewed to a wrong answer
    assert fill(2, "q1") not in (yellow, green, light_red) and not red(2, "q1")
    assert red(6, "q1") and red(5, "q2")  # wrong single, wrong multi-mark
    assert all(str(ws.cell(7, c).fill.fgColor.rgb) == light_red for c in range(1, N_FIXED + 1))
    assert fill(6, "q1") != light_red


def test_question_statistics_by_hand(session: Session, exam: Exam, tmp_path: Path) -> None:
    ws = _xlsx(session, exam, tmp_path)[QUESTIONS_SHEET]
    rows = _rows(ws)
    head = rows[0]
    stats = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert list(stats) == LABELS
    # Values after review (key 1,2,3,4), ranked by score: S1=4, S2=3, S3=2, S4=1, S5=0.
    #   q1: 1 1 1 1 3        q2: 2 2 2 35 1      q3: 3 3 _ 2 2      q4: 4 5 1 2 _
    # 27 % of 5 sheets, rounded up: groups of 2. Upper = S1, S2; lower = S4, S5.
    pct = "정답률 / % correct"
    up, low, disc = (
        "상위 27% 정답률 / Upper 27%",
        "하위 27% 정답률 / Lower 27%",
        "변별도 / Discrimination",
    )
    expected = {
        # label: (percent correct, upper, lower, blank, multi, {choice: count})
        "q1": (4 / 5, 2 / 2, 1 / 2, 0, 0, {"1": 4, "3": 1}),
        "q2": (3 / 5, 2 / 2, 0 / 2, 0, 1, {"2": 3, "1": 1}),
        "q3": (2 / 5, 2 / 2, 0 / 2, 1, 0, {"3": 2, "2": 2}),
        "q4": (1 / 5, 1 / 2, 0 / 2, 1, 0, {"4": 1, "5": 1, "1": 1, "2": 1}),
    }
    for label, (p, u, lo, blank, multi, counts) in expected.items():
        s = stats[label]
        assert s[pct] == pytest.approx(p)
        assert s[up] == pytest.approx(u) and s[low] == pytest.approx(lo)
        assert s[disc] == pytest.approx(u - lo)
        assert s["무응답 / Blank"] == blank and s["중복 표기 / Multi"] == multi
        assert s["정답 / Key"] == KEY[label] and s["응답 / Answered"] == 5
        assert {v: s[v] for v in ("1", "2", "3", "4", "5") if s[v]} == counts


def test_summary_sheet(session: Session, exam: Exam, tmp_path: Path) -> None:
    rows = _rows(_xlsx(session, exam, tmp_path)[SUMMARY_SHEET])
    values = {r[0]: r[1] for r in rows if r and r[0]}
    assert values["시험 / Exam"] == "4월 평가"
    assert values["정답표 버전 / Answer key version"] == 2
    assert values["전체 / All pages"] == 6 and values["거부됨 / Rejected"] == 1
    assert (
        values["검토 완료 / Reviewed"] == 2 and values["명단에 없는 학생 / Not on the roster"] == 1
    )
    assert values["평균 / Mean"] == pytest.approx(2.0) and values["중앙값 / Median"] == 2
    assert values["최저 / Min"] == 0 and values["최고 / Max"] == 4


def test_csv_has_a_bom_and_round_trips_hangul(session: Session, exam: Exam, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    assert export_exam(session, exam.id, "csv", out).rows == 6
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    xlsx = _rows(_xlsx(session, exam, tmp_path)[RESULTS_SHEET])
    assert rows[0] == xlsx[0]
    assert rows[1:] == [["" if v is None else str(v) for v in r] for r in xlsx[1:]]
    assert rows[1][3] == "김하늘" and "김하늘".encode() in raw


def test_jsonl_records(session: Session, exam: Exam, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    assert export_exam(session, exam.id, "jsonl", out).rows == 6
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    engine_keys = set(PageResult("x", 1, "ok").to_json())
    assert all(engine_keys | {"submission_id", "student"} == set(r) for r in records)
    first, reviewed, flagged, unknown, rejected = (records[i] for i in (0, 3, 2, 4, 5))
    assert first["student"] == {
        "number": "2025001",
        "name": "김하늘",
        "class_name": "A반",
        "enrollment_id": None,
    }
    ids = session.scalars(select(Submission.id).order_by(Submission.id)).all()
    assert {r["submission_id"] for r in records} == set(ids)
    q1 = reviewed["fields"]["q1"]
    assert q1["value"] == "1" and q1["detected"] == ["1"] and q1["status"] == "ok"
    assert reviewed["grades"]["q1"]["correct"] is True and reviewed["score"] == 1
    assert reviewed["review_required"] is False  # every flag settled
    assert flagged["review_required"] is True and flagged["flagged"] == ["q4"]
    assert unknown["student"] is None and unknown["student_id"] == "9999999"
    assert rejected["status"] == "rejected" and rejected["rejection_code"] == "TOO_DARK"
    assert rejected["fields"] == {} and rejected["score"] is None


def test_exam_without_key(session: Session, tmp_path: Path) -> None:
    exam = _build(session, with_key=False)
    wb = _xlsx(session, exam, tmp_path)
    summary = {r[0]: r[1] for r in _rows(wb[SUMMARY_SHEET]) if r and r[0]}
    assert "none" in str(summary["정답표 / Answer key"])
    head = _rows(wb[QUESTIONS_SHEET])[0]
    assert "정답률 / % correct" not in head and "변별도 / Discrimination" not in head
    assert "무응답 / Blank" in head
    ws = wb[RESULTS_SHEET]
    assert all(ws.cell(r, c).font.color is None for r in range(2, 8) for c in range(1, 14))
    out = tmp_path / "r.jsonl"
    export_exam(session, exam.id, "jsonl", out)
    assert all(json.loads(x)["grades"] == {} for x in out.read_text("utf-8").splitlines())


def test_rejected_page_row(session: Session, exam: Exam, tmp_path: Path) -> None:
    rows = _rows(_xlsx(session, exam, tmp_path)[RESULTS_SHEET])
    last = rows[-1]
    assert last[1] == 6 and last[5] is None and "TOO_DARK" in last[7]
    assert last[N_FIXED:] == [None] * len(LABELS)


def test_a_reviewed_value_is_split_into_choices() -> None:
    meta = {"omr": _field("q1", "2", "ambiguous").to_json()}
    fr = rebuild_field("q1", "2", "24", True, meta, ("1", "2", "3", "4", "5"))
    assert (fr.detected, fr.marking, fr.status, fr.flagged) == (["2", "4"], "multi", "ok", False)
    fr = rebuild_field("q1", "2", "", True, meta, ("1", "2"))
    assert (fr.detected, fr.marking, fr.status) == ([], "blank", "blank")
    fr = rebuild_field("q1", "2", "2", False, meta, ())
    assert fr.flagged and fr.marking == "single"


def test_bad_requests(session: Session, exam: Exam, tmp_path: Path) -> None:
    with pytest.raises(LookupError):
        export_exam(session, 999, "csv", tmp_path / "x.csv")
    with pytest.raises(ValueError, match="unknown format"):
        export_exam(session, exam.id, "pdf", tmp_path / "x.pdf")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())
