"""``results.xlsx`` for staff, streamed row by row (openpyxl write-only mode).

Sheets, in this order:

* ``요약 - Summary``: page counts, rejections by code, score statistics, and per
  question the percent correct and the flag rate. It is placed first but filled
  when the writer is closed, from running totals (:class:`BatchStats`).
* ``결과 - Results``: one row per page and one column per question (the read value,
  e.g. ``3`` or ``BC``; blank cells for blank answers). Flagged answers have a
  yellow fill, wrong answers a red font, rejected pages a light red row.
* ``검토 - Review``: one row per flagged answer (page, question, value, status,
  confidence). Excel comments would hold the same facts, but openpyxl keeps every
  comment in memory until it saves (about 6 kB each: 160 MB for 20 000 flagged
  answers in a measurement), so the list is a streamed sheet instead.

Sheet names cannot contain ``/`` in Excel, hence ``요약 - Summary``.

The file is deterministic: the workbook's created/modified properties and every
ZIP entry's timestamp are fixed (2000-01-01), so two runs over the same results
give byte-identical files. The file is written to ``<name>.partial`` and renamed
when complete, so a half-written workbook never carries the final name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from academy_desktop.engine.rejections import MESSAGES, Code
from academy_desktop.engine.result import PageResult
from academy_desktop.output.stats import BatchStats
from academy_desktop.output.xlsx_common import (
    BOLD,
    FIXED_TIME,
    HEADER_FILL,
    LIGHT_RED,
    RED_FONT,
    YELLOW,
    clean_text,
    save_workbook,
    text_cell,
)

__all__ = [
    "FIXED_TIME",
    "LIGHT_RED",
    "RED_FONT",
    "RESULTS_SHEET",
    "REVIEW_SHEET",
    "SUMMARY_SHEET",
    "YELLOW",
    "XlsxWriter",
    "clean_text",
]

SUMMARY_SHEET = "요약 - Summary"
RESULTS_SHEET = "결과 - Results"
REVIEW_SHEET = "검토 - Review"

# (header, column width)
RESULT_COLUMNS: tuple[tuple[str, float], ...] = (
    ("파일 / File", 32),
    ("쪽 / Page", 7),
    ("양식 / Template", 16),
    ("상태 / Status", 10),
    ("학생 번호 / Student ID", 14),
    ("점수 / Score", 9),
    ("만점 / Max score", 9),
    ("검토 필요 / Review required", 10),
    ("검토 문항 수 / Flagged", 9),
    ("거부 코드 / Rejection code", 22),
    ("사유 / Reason", 60),
)
REVIEW_COLUMNS: tuple[tuple[str, float], ...] = (
    ("파일 / File", 32),
    ("쪽 / Page", 7),
    ("문항 / Question", 12),
    ("읽은 값 / Value", 10),
    ("상태 / Status", 16),
    ("신뢰도 / Confidence", 12),
)


def _describe_code(code: str) -> str:
    try:
        ko, en = MESSAGES[Code(code)]
    except (ValueError, KeyError):
        return code
    return f"{code}: {ko} / {en}"


class XlsxWriter:
    """Stream page results into ``results.xlsx``; :meth:`close` writes the file."""

    def __init__(self, path: Path, question_labels: Sequence[str]) -> None:
        self.path = path
        self.question_labels = list(question_labels)
        self.stats = BatchStats(question_labels=self.question_labels)
        self._closed = False
        self._wb = Workbook(write_only=True)
        self._wb.properties.creator = "Academy Desktop"
        self._summary = self._sheet(SUMMARY_SHEET, (("", 34), ("", 14), ("", 14), ("", 14)))
        question_cols = tuple((q, max(6.0, len(q) + 2.0)) for q in self.question_labels)
        self._results = self._sheet(RESULTS_SHEET, RESULT_COLUMNS + question_cols)
        self._review = self._sheet(REVIEW_SHEET, REVIEW_COLUMNS)
        self._results.freeze_panes = "B2"
        self._review.freeze_panes = "A2"
        self._results.append(
            [self._header(name, self._results) for name, _ in RESULT_COLUMNS]
            + [self._header(q, self._results) for q in self.question_labels]
        )
        self._review.append([self._header(name, self._review) for name, _ in REVIEW_COLUMNS])

    # -- cells -----------------------------------------------------------------------

    def _sheet(self, title: str, columns: Sequence[tuple[str, float]]) -> WriteOnlyWorksheet:
        ws: WriteOnlyWorksheet = self._wb.create_sheet(title)
        for i, (_, width) in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        return ws

    def _cell(self, ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
        return text_cell(ws, value)

    def _header(self, text: str, ws: WriteOnlyWorksheet) -> WriteOnlyCell:
        cell = self._cell(ws, text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        return cell

    # -- rows ------------------------------------------------------------------------

    def add(self, result: PageResult) -> None:
        if self._closed:
            raise ValueError(f"{self.path} is already written")
        self.stats.add(result)
        ws = self._results
        flagged = result.flagged_labels
        fixed: list[Any] = [
            result.source,
            result.page,
            result.template or None,
            result.status,
            result.student_id,
            result.score,
            result.max_score,
            result.review_required,
            len(flagged),
            result.rejection_code,
            result.message,
        ]
        row: list[Any] = []
        for value in fixed:
            cell = self._cell(ws, value)
            if result.status != "ok":
                cell.fill = LIGHT_RED
            row.append(cell)
        for label in self.question_labels:
            fr = result.fields.get(label)
            if fr is None:
                row.append(None)
                continue
            cell = self._cell(ws, fr.value or None)
            if fr.flagged:
                cell.fill = YELLOW
            grade = result.grades.get(label)
            if grade is not None and grade.correct is False:
                cell.font = RED_FONT
            row.append(cell)
        ws.append(row)
        for label in flagged:
            fr = result.fields[label]
            self._review.append(
                [
                    self._cell(self._review, result.source),
                    result.page,
                    self._cell(self._review, label),
                    self._cell(self._review, fr.value or None),
                    fr.status,
                    round(float(fr.confidence), 4),
                ]
            )

    # -- summary ---------------------------------------------------------------------

    def _write_summary(self) -> None:
        s = self.stats
        ws = self._summary

        def title(text: str) -> None:
            ws.append([self._header(text, ws)])

        def pair(label: str, value: Any, number_format: str | None = None) -> None:
            cell = self._cell(ws, value)
            if number_format:
                cell.number_format = number_format
            ws.append([self._cell(ws, label), cell])

        title("채점 결과 요약 / Grading summary")
        pair("쪽 수 / Pages", s.pages)
        pair("정상 / OK", s.ok)
        pair("검토 필요 / Flagged for review", s.flagged)
        pair("거부됨 / Rejected", s.rejected)
        ws.append([])
        title("거부 사유 / Rejections by code")
        for code, count in sorted(s.by_code.items()):
            pair(_describe_code(code), count)
        ws.append([])
        title("점수 / Scores")
        pair("채점된 쪽 / Graded pages", len(s.scores))
        pair("평균 / Mean", s.score_mean, "0.00")
        pair("중앙값 / Median", s.score_median, "0.00")
        pair("최저 / Min", s.score_min, "0.00")
        pair("최고 / Max", s.score_max, "0.00")
        ws.append([])
        ws.append(
            [
                self._header("문항 / Question", ws),
                self._header("읽은 쪽 / Read", ws),
                self._header("정답률 / % correct", ws),
                self._header("검토율 / % flagged", ws),
            ]
        )
        for label in self.question_labels:
            q = s.questions.get(label)
            if q is None:
                continue
            correct = self._cell(ws, q.percent_correct)
            correct.number_format = "0.0%"
            rate = self._cell(ws, q.flag_rate)
            rate.number_format = "0.0%"
            ws.append([self._cell(ws, label), q.read, correct, rate])

    # -- file ------------------------------------------------------------------------

    def close(self) -> None:
        """Write the workbook (atomically). Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._write_summary()
        save_workbook(self._wb, self.path)

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
