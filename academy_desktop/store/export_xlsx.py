"""The exam export as a workbook staff print and share (openpyxl write-only mode).

Sheets: ``요약 - Summary`` (filled last, placed first), ``결과 - Results`` (one row per
sheet page, one column per question) and ``문항 통계 - Questions``. Colours are the
engine's (:mod:`academy_desktop.output.xlsx_common`): yellow = flagged and not yet
reviewed, light green = reviewed, red font = wrong, light red = rejected page.
Every cell carries a Hangul-capable font so Windows Excel prints names nicely.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import Session

from academy_desktop.output.xlsx_common import (
    HEADER_FILL,
    LIGHT_GREEN,
    LIGHT_RED,
    YELLOW,
    clean_text,
    save_workbook,
)
from academy_desktop.store.export_rows import FIXED_COLUMNS, ExamExport, SheetRow, iter_rows
from academy_desktop.store.statistics import ExamStats, exam_stats, tally

SUMMARY_SHEET = "요약 - Summary"
RESULTS_SHEET = "결과 - Results"
QUESTIONS_SHEET = "문항 통계 - Questions"
FONT_NAME = "Malgun Gothic"  # 맑은 고딕: on every Windows since Vista

PLAIN = Font(name=FONT_NAME)
BOLD = Font(name=FONT_NAME, bold=True)
RED = Font(name=FONT_NAME, color="C00000")

QUESTION_COLUMNS: tuple[tuple[str, float], ...] = (
    ("문항 / Question", 12),
    ("정답 / Key", 10),
    ("응답 / Answered", 10),
    ("정답률 / % correct", 11),
    ("상위 27% 정답률 / Upper 27%", 13),
    ("하위 27% 정답률 / Lower 27%", 13),
    ("변별도 / Discrimination", 13),
    ("무응답 / Blank", 9),
    ("중복 표기 / Multi", 9),
)


class _Styles:
    """Cells in a handful of styles. openpyxl looks a style up in the workbook's tables
    every time one is set on a cell; setting each combination once and copying its
    style array keeps 45 000 styled cells cheap."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self._cache: dict[tuple[Any, ...], Any] = {}

    def cell(
        self,
        value: Any,
        *,
        font: Font = PLAIN,
        fill: PatternFill | None = None,
        number_format: str | None = None,
    ) -> WriteOnlyCell:
        if isinstance(value, str):
            value = clean_text(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text, never a formula
        key = (id(font), id(fill), number_format)
        style = self._cache.get(key)
        if style is None:
            cell.font = font
            if fill is not None:
                cell.fill = fill
            if number_format is not None:
                cell.number_format = number_format
            self._cache[key] = copy(cell._style)
        else:
            cell._style = copy(style)
        return cell

    def header(self, text: str) -> WriteOnlyCell:
        return self.cell(text, font=BOLD, fill=HEADER_FILL)


def _sheet(wb: Workbook, title: str, columns: Sequence[tuple[str, float]]) -> WriteOnlyWorksheet:
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    for i, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return ws


def _result_row(st: _Styles, spec: ExamExport, row: SheetRow) -> list[WriteOnlyCell | None]:
    fill = LIGHT_RED if row.rejected else None
    out: list[WriteOnlyCell | None] = []
    for i, value in enumerate(row.fixed_values()):
        fmt = "0.##" if i in (5, 6) and value is not None else None
        out.append(st.cell(value, fill=fill, number_format=fmt))
    for label in spec.labels:
        c = row.cells.get(label)
        if c is None:
            out.append(st.cell(None, fill=fill) if fill else None)
            continue
        cell_fill = fill
        if c.flagged:
            cell_fill = YELLOW
        elif c.reviewed:
            cell_fill = LIGHT_GREEN
        font = RED if c.correct is False else PLAIN
        out.append(st.cell(c.value or None, font=font, fill=cell_fill))
    return out


def _key_text(spec: ExamExport, label: str) -> str | None:
    if spec.key is None or label not in spec.key.items:
        return None
    return " | ".join(a for a, _ in spec.key.items[label].accepted)


def _write_questions(ws: WriteOnlyWorksheet, spec: ExamExport, stats: ExamStats) -> None:
    st = _Styles(ws)
    keyed = spec.key is not None
    columns = [c for i, c in enumerate(QUESTION_COLUMNS) if keyed or i not in (1, 3, 4, 5, 6)]
    seen: dict[str, None] = {}
    for label in spec.labels:
        for v in spec.choices.get(label, ()):
            seen.setdefault(v)
    observed = {v for q in stats.questions.values() for v in q.choices}
    values = [v for v in seen if v in observed] + sorted(observed - set(seen))
    for i, v in enumerate(values, len(columns) + 1):
        ws.column_dimensions[get_column_letter(i)].width = max(6.0, len(v) + 3.0)
    for i, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"
    ws.append([st.header(name) for name, _ in columns] + [st.header(v) for v in values])
    for label in spec.labels:
        q = stats.questions.get(label)
        if q is None:
            continue
        row = [st.cell(label)]
        if keyed:
            row += [st.cell(_key_text(spec, label)), st.cell(q.answered)]
            for share in (q.percent_correct, q.upper_correct, q.lower_correct):
                row.append(st.cell(share, number_format="0.0%"))
            row.append(st.cell(q.discrimination, number_format="0.00"))
        else:
            row.append(st.cell(q.answered))
        row += [st.cell(q.blank), st.cell(q.multi)]
        row += [st.cell(q.choices.get(v, 0)) for v in values]
        ws.append(row)


def _write_summary(ws: WriteOnlyWorksheet, spec: ExamExport, stats: ExamStats) -> None:
    st = _Styles(ws)

    def pair(label: str, value: Any, number_format: str | None = None) -> None:
        ws.append([st.cell(label), st.cell(value, number_format=number_format)])

    exam = spec.exam
    ws.append([st.header("시험 결과 요약 / Exam results summary"), st.header("")])
    pair("시험 / Exam", exam.title)
    pair("날짜 / Date", exam.exam_date.isoformat() if exam.exam_date else None)
    pair("반 / Group", exam.group_name)
    if spec.key_version is None:
        pair(
            "정답표 / Answer key",
            "없음: 정답 여부와 정답률은 빠졌습니다 / none: correctness and % correct left out",
        )
    else:
        pair("정답표 버전 / Answer key version", spec.key_version)
    ws.append([])
    ws.append([st.header("답안지 / Sheets"), st.header("")])
    pair("전체 / All pages", stats.sheets)
    pair("읽음 / Read", stats.ok)
    pair("거부됨 / Rejected", stats.rejected)
    pair("검토 필요 / Review needed", stats.review_needed)
    pair("검토 완료 / Reviewed", stats.reviewed)
    pair("명단에 없는 학생 / Not on the roster", stats.unmatched)
    ws.append([])
    ws.append([st.header("점수 / Scores"), st.header("")])
    pair("채점된 쪽 / Graded pages", len(stats.scores))
    pair("평균 / Mean", stats.score_mean, "0.00")
    pair("중앙값 / Median", stats.score_median, "0.00")
    pair("최저 / Min", stats.score_min, "0.00")
    pair("최고 / Max", stats.score_max, "0.00")


def write_xlsx(session: Session, spec: ExamExport, out: Path) -> int:
    """Write the workbook to ``out`` (atomically); returns the number of result rows."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "Academy Desktop"
    summary = _sheet(wb, SUMMARY_SHEET, (("", 36), ("", 40)))
    question_cols = tuple((q, max(6.0, len(q) + 2.0)) for q in spec.labels)
    results = _sheet(wb, RESULTS_SHEET, FIXED_COLUMNS + question_cols)
    questions = wb.create_sheet(QUESTIONS_SHEET)
    results.freeze_panes = "E2"  # header row, and file/page/number/name stay in view
    results.print_title_rows = "1:1"
    results.page_setup.orientation = "landscape"
    st = _Styles(results)
    results.append(
        [st.header(name) for name, _ in FIXED_COLUMNS] + [st.header(q) for q in spec.labels]
    )
    stats = exam_stats(spec)
    rows = 0
    for row in iter_rows(session, spec):
        results.append(_result_row(st, spec, row))
        tally(stats, row)
        rows += 1
    stats.finish()
    _write_questions(questions, spec, stats)
    _write_summary(summary, spec, stats)
    save_workbook(wb, out)
    return rows
