"""The result writers: results.jsonl lines and the results.xlsx workbook read back."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from academy_desktop.engine.result import FieldResult, PageResult, QuestionGrade
from academy_desktop.output import JsonlWriter, XlsxWriter, dumps_result
from academy_desktop.output.xlsx import (
    LIGHT_RED,
    RED_FONT,
    RESULT_COLUMNS,
    RESULTS_SHEET,
    REVIEW_SHEET,
    SUMMARY_SHEET,
    YELLOW,
)

LABELS = ["q1", "q2", "q3"]
N_FIXED = len(RESULT_COLUMNS)


def _field(label: str, value: str, status: str = "ok", confidence: float = 0.95) -> FieldResult:
    detected = list(value)
    marking = "blank" if not value else ("multi" if len(value) > 1 else "single")
    return FieldResult(
        label=label,
        detected=detected,
        marking=marking,  # type: ignore[arg-type]
        confidence=confidence,
        status=status,  # type: ignore[arg-type]
        value=value,
    )


def _graded(source: str, values: dict[str, str], key: dict[str, str], **kw: object) -> PageResult:
    statuses: dict[str, str] = kw.pop("statuses", {})  # type: ignore[assignment]
    fields = {
        lab: _field(lab, v, statuses.get(lab, "blank" if not v else "ok"), 0.5)
        for lab, v in values.items()
    }
    grades = {
        lab: QuestionGrade(
            correct=(values.get(lab) == ans) if ans else None,
            points=5.0 if values.get(lab) == ans else 0.0,
            max_points=5.0,
            provisional=fields[lab].flagged,
        )
        for lab, ans in key.items()
    }
    score = sum(g.points for g in grades.values())
    return PageResult(
        source=source,
        page=1,
        status="ok",
        template="kr-test",
        student_id="20240001",
        fields=fields,
        grades=grades,
        score=score,
        max_score=5.0 * len(key),
        **kw,  # type: ignore[arg-type]
    )


KEY = {"q1": "1", "q2": "2", "q3": "3"}


def _results() -> list[PageResult]:
    perfect = _graded("a.jpg", {"q1": "1", "q2": "2", "q3": "3"}, KEY)
    wrong = _graded("b.jpg", {"q1": "1", "q2": "4", "q3": ""}, KEY)
    flagged = _graded(
        "c.pdf", {"q1": "12", "q2": "2", "q3": "3"}, KEY, statuses={"q1": "ambiguous"}
    )
    rejected = PageResult(
        source="d.jpg",
        page=2,
        status="rejected",
        rejection_code="BLUR_OR_SHAKE",
        message="흔들리거나 흐릿합니다. / The image is blurred.",
    )
    return [perfect, wrong, flagged, rejected]


def test_jsonl_writes_one_flushed_line_per_result(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    results = _results()
    with JsonlWriter(path) as writer:
        writer.write(results[0])
        # flushed at once: a reader sees the whole first line before the writer closes
        first = path.read_text(encoding="utf-8")
        assert first.endswith("\n") and first.count("\n") == 1
        assert json.loads(first)["source"] == "a.jpg"
        for r in results[1:]:
            writer.write(r)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source"] for line in lines] == ["a.jpg", "b.jpg", "c.pdf", "d.jpg"]
    rejected = json.loads(lines[3])
    assert rejected["rejection_code"] == "BLUR_OR_SHAKE"
    assert "흔들리거나" in lines[3]  # Korean kept as UTF-8, not \\u escapes
    assert list(rejected) == list(results[3].to_json())  # key order as the engine builds it
    assert json.loads(lines[2])["flagged"] == ["q1"]


def test_jsonl_refuses_nan() -> None:
    bad = PageResult(source="x.jpg", page=1, status="ok", score=math.nan)
    with pytest.raises(ValueError):
        dumps_result(bad)


def _write_xlsx(path: Path) -> None:
    with XlsxWriter(path, LABELS) as writer:
        for r in _results():
            writer.add(r)


def test_xlsx_rows_values_and_styles(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    _write_xlsx(path)
    wb = load_workbook(path)
    assert wb.sheetnames == [SUMMARY_SHEET, RESULTS_SHEET, REVIEW_SHEET]
    ws = wb[RESULTS_SHEET]
    assert ws.freeze_panes == "B2"
    header = [c.value for c in ws[1]]
    assert header[0] == "파일 / File"
    assert header[N_FIXED:] == LABELS
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 4

    perfect, wrong, flagged, rejected = rows
    q = N_FIXED  # first question column (0-based)
    assert [c.value for c in perfect[q:]] == ["1", "2", "3"]
    assert perfect[5].value == 15 and perfect[6].value == 15
    assert perfect[7].value is False  # review required

    # wrong answer: red font; blank answer: empty cell
    assert wrong[q + 1].value == "4"
    assert wrong[q + 1].font.color.rgb.endswith(RED_FONT.color.rgb[-6:])
    assert wrong[q].font.color is None or wrong[q].font.color.rgb != RED_FONT.color.rgb
    assert wrong[q + 2].value is None

    # flagged answer: yellow fill, count and review flag
    assert flagged[q].value == "12"
    assert flagged[q].fill.fgColor.rgb.endswith(YELLOW.fgColor.rgb[-6:])
    assert flagged[q + 1].fill.fill_type is None
    assert flagged[7].value is True and flagged[8].value == 1

    # rejected page: light red row with code and reason
    assert rejected[0].value == "d.jpg" and rejected[1].value == 2
    assert rejected[3].value == "rejected"
    assert rejected[9].value == "BLUR_OR_SHAKE"
    assert "흔들리거나" in rejected[10].value
    assert rejected[0].fill.fgColor.rgb.endswith(LIGHT_RED.fgColor.rgb[-6:])

    review = list(wb[REVIEW_SHEET].iter_rows(min_row=2, values_only=True))
    assert review == [("c.pdf", 1, "q1", "12", "ambiguous", 0.5)]


def _summary(path: Path) -> dict[str, list[object]]:
    ws = load_workbook(path)[SUMMARY_SHEET]
    return {
        str(row[0]): list(row[1:])
        for row in ws.iter_rows(values_only=True)
        if row and row[0] is not None
    }


def test_xlsx_summary_numbers(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    _write_xlsx(path)
    s = _summary(path)
    assert s["쪽 수 / Pages"][0] == 4
    assert s["정상 / OK"][0] == 2
    assert s["검토 필요 / Flagged for review"][0] == 1
    assert s["거부됨 / Rejected"][0] == 1
    blur = [k for k in s if k.startswith("BLUR_OR_SHAKE")]
    assert blur and s[blur[0]][0] == 1
    # scores: 15 (perfect), 5 (wrong: only q1), 10 (flagged: q1 "12" is wrong)
    assert s["채점된 쪽 / Graded pages"][0] == 3
    assert s["평균 / Mean"][0] == pytest.approx(10.0)
    assert s["중앙값 / Median"][0] == pytest.approx(10.0)
    assert s["최저 / Min"][0] == 5 and s["최고 / Max"][0] == 15
    # q1: right on a, b; wrong on c (flagged) -> 2/3 correct, 1/3 flagged
    assert s["q1"][1] == pytest.approx(2 / 3)
    assert s["q1"][2] == pytest.approx(1 / 3)
    # q2: right on a, c; wrong on b
    assert s["q2"][0] == 3 and s["q2"][1] == pytest.approx(2 / 3) and s["q2"][2] == 0
    # q3: right on a, c; blank on b
    assert s["q3"][1] == pytest.approx(2 / 3)


def test_xlsx_is_byte_identical_across_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    _write_xlsx(first)
    _write_xlsx(second)
    assert first.read_bytes() == second.read_bytes()
    assert not list(tmp_path.glob("*.partial"))


def test_xlsx_text_never_becomes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    with XlsxWriter(path, LABELS) as writer:
        writer.add(PageResult(source="=HYPERLINK(1)\x07.jpg", page=1, status="error"))
    ws = load_workbook(path)[RESULTS_SHEET]
    cell = ws.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == "=HYPERLINK(1).jpg"


def test_xlsx_empty_batch_still_writes_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    XlsxWriter(path, LABELS).close()
    s = _summary(path)
    assert s["쪽 수 / Pages"][0] == 0
    assert s["평균 / Mean"][0] is None  # no scores: the cell stays empty
