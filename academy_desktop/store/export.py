"""Export an exam's results from the store: ``xlsx`` for staff, ``csv``, and ``jsonl``.

Every format shows the values *after review* (``SubmissionAnswer.current_value``),
graded again against the exam's *current* answer key (the latest
:class:`AnswerKeyVersion`), one row per submission (sheet page) ordered by student
number, then scan and page (:mod:`academy_desktop.store.export_rows`). See
``docs/export.md``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from academy_desktop.store.export_rows import (
    UNKNOWN_NAME,
    ExamExport,
    SheetRow,
    headers,
    iter_rows,
    prepare,
    rebuild_field,
    row_values,
)

__all__ = ["UNKNOWN_NAME", "ExportSummary", "Format", "export_exam", "rebuild_field"]

Format = Literal["xlsx", "csv", "jsonl"]


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    rows: int
    format: Format


def jsonl_record(row: SheetRow) -> dict[str, Any]:
    record = row.result.to_json()
    record["submission_id"] = row.submission_id
    record["student"] = row.student.to_json() if row.student else None
    return record


def _csv_value(value: Any) -> Any:
    """Empty for nothing; ``4`` rather than ``4.0`` for a whole score."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _write_csv(session: Session, spec: ExamExport, out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers(spec))
        for row in iter_rows(session, spec):
            writer.writerow([_csv_value(v) for v in row_values(spec, row)])
            count += 1
    return count


def _write_jsonl(session: Session, spec: ExamExport, out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        for row in iter_rows(session, spec):
            fh.write(json.dumps(jsonl_record(row), ensure_ascii=False, allow_nan=False) + "\n")
            count += 1
    return count


def export_exam(session: Session, exam_id: int, fmt: Format, out: Path) -> ExportSummary:
    """Write exam ``exam_id``'s results to ``out`` as ``xlsx``, ``csv`` or ``jsonl``.

    The file is written to ``<out>.partial`` and renamed when complete. Raises
    ``LookupError`` for an unknown exam and ``ValueError`` for an unknown format.
    """
    out = Path(out)
    spec = prepare(session, exam_id)
    if fmt == "xlsx":
        from academy_desktop.store.export_xlsx import write_xlsx

        return ExportSummary(out, write_xlsx(session, spec, out), fmt)
    writers = {"csv": _write_csv, "jsonl": _write_jsonl}
    if fmt not in writers:
        raise ValueError(f"알 수 없는 형식 {fmt!r} / unknown format {fmt!r} (xlsx, csv, jsonl)")
    partial = out.with_name(out.name + ".partial")
    try:
        rows = writers[fmt](session, spec, partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return ExportSummary(out, rows, fmt)
