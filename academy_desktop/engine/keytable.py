"""Read the rows of an answer-key spreadsheet (CSV or XLSX) as plain cell values.

CSV files saved by Korean Excel are usually CP949, not UTF-8; both are read.
Cells keep the types a spreadsheet gives them (``3`` and ``3.0`` stay numbers,
so the caller can tell ``3`` from ``"03"``); empty rows are skipped.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

Row = tuple[int, list[Any]]  # (1-based row number as shown in Excel, cells)

_ENCODINGS = ("utf-8-sig", "cp949")


def _is_empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trim(cells: list[Any]) -> list[Any]:
    while cells and _is_empty(cells[-1]):
        cells.pop()
    return cells


def decode_text(data: bytes) -> str:
    """Decode CSV bytes as UTF-8 (with or without BOM), falling back to CP949."""
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", data, 0, 1, "neither UTF-8 nor CP949 text")


def read_csv_rows(path: Path) -> list[Row]:
    text = decode_text(Path(path).read_bytes())
    first = text.lstrip().split("\n", 1)[0]
    # Excel writes commas; tab- or semicolon-separated files are taken when the first
    # line has no comma (csv.Sniffer guesses quote characters wrongly on short files)
    delimiter = next((d for d in ("\t", ";") if d in first and "," not in first), ",")
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for n, cells in enumerate(reader, start=1):
        trimmed = _trim([c.strip() for c in cells])
        if trimmed:
            rows.append((n, trimmed))
    return rows


def read_xlsx_rows(path: Path, sheet: str | None = None) -> list[Row]:
    """Rows of the first worksheet, or of the one named ``sheet`` (``KeyError`` if absent)."""
    from openpyxl import load_workbook

    workbook = load_workbook(Path(path), read_only=True, data_only=True)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise KeyError(f"no sheet {sheet!r}; sheets: {', '.join(workbook.sheetnames)}")
        rows: list[Row] = []
        for n, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = _trim([v.strip() if isinstance(v, str) else v for v in values])
            if cells:
                rows.append((n, cells))
        return rows
    finally:
        workbook.close()


def read_rows(path: Path, sheet: str | None = None) -> list[Row]:
    """Rows of a ``.csv``/``.tsv``/``.txt`` or ``.xlsx``/``.xlsm`` file.

    ``sheet`` names the worksheet of a workbook (default: the first); CSV ignores it.
    """
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_rows(path, sheet)
    return read_csv_rows(path)
