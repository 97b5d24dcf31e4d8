"""What the roster import dialog shows before importing: the file read as ``import``
would read it (:func:`preview_roster`, no Qt), and the table model of its rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from academy_desktop.engine.keytable import read_rows
from academy_desktop.store.roster import FIELDS, RosterError, RosterParse, RowError, parse_roster
from academy_desktop.ui.text import current_language

__all__ = ["PreviewRow", "RosterPreview", "preview_roster", "row_error_text"]

ERROR_COLOUR = QColor(179, 38, 30)
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class PreviewRow:
    row: int  # as Excel shows it
    values: dict[str, str]  # field -> cell text
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class RosterPreview:
    path: Path
    sheets: list[str]  # worksheet names of a workbook ([] for CSV)
    sheet: str | None
    headers: list[str]  # the header row's cells (the likeliest row when none was found)
    header_row: int | None
    parse: RosterParse | None  # None when the file cannot be used with this mapping
    error_ko: str = ""
    error_en: str = ""
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def good_rows(self) -> int:
        return len(self.parse.rows) if self.parse is not None else 0

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.parse.errors}) if self.parse is not None else 0


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet_names(path: Path) -> list[str]:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:  # the parser reports a damaged file in plain words
        return []
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def preview_roster(
    path: Path,
    mapping: Mapping[str, str] | None = None,
    ignore: Collection[str] = (),
    sheet: str | None = None,
) -> RosterPreview:
    """Parse ``path`` as ``import`` would, plus what the dialog shows about it."""
    path = Path(path)
    sheets = _sheet_names(path)
    try:
        raw = read_rows(path, sheet)
    except Exception:
        raw = []  # parse_roster below says why in both languages
    try:
        parsed: RosterParse | None = parse_roster(path, mapping, sheet=sheet, ignore=ignore)
        error_ko = error_en = ""
    except RosterError as exc:
        parsed, error_ko, error_en = None, exc.message_ko, exc.message_en
    if parsed is None:
        head = raw[:HEADER_SEARCH_ROWS]
        best = max(head, key=lambda r: sum(1 for c in r[1] if _cell_text(c)), default=None)
        headers = [_cell_text(c) for c in best[1]] if best else []
        return RosterPreview(
            path, sheets, sheet, [h for h in headers if h], None, None, error_ko, error_en
        )
    header_cells = next((cells for n, cells in raw if n == parsed.header_row), [])
    headers = [_cell_text(c) for c in header_cells]
    index = {f: headers.index(text) for f, text in parsed.columns.items() if text in headers}
    errors: dict[int, list[RowError]] = {}
    for e in parsed.errors:
        errors.setdefault(e.row, []).append(e)
    rows = []
    for n, cells in raw:
        if n <= parsed.header_row:
            continue
        values = {f: _cell_text(cells[i]) if i < len(cells) else "" for f, i in index.items()}
        if not any(values.values()):
            continue
        rows.append(PreviewRow(n, values, errors.get(n, [])))
    return RosterPreview(
        path, sheets, sheet, [h for h in headers if h], parsed.header_row, parsed, rows=rows
    )


def row_error_text(e: RowError) -> str:
    return e.message_ko if current_language() == "ko" else e.message_en


class _PreviewModel(QAbstractTableModel):
    """The rows of the file as they will be imported, with their problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PreviewRow] = []
        self._fields: list[str] = list(FIELDS)

    def set_rows(self, rows: list[PreviewRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def headers(self) -> list[str]:
        return [
            self.tr("Row"),
            self.tr("Student number"),
            self.tr("Name"),
            self.tr("Class"),
            self.tr("Enrollment ID"),
            self.tr("Status"),
        ]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        bad_fields = {e.field for e in row.errors}
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(row.row)
            if col == 5:
                if not row.errors:
                    return self.tr("OK")
                columns = ", ".join(dict.fromkeys(e.column for e in row.errors))
                return self.tr("Not imported: check {columns}").format(columns=columns)
            return row.values.get(("number", "name", "class_name", "enrollment_id")[col - 1], "")
        if role == Qt.ItemDataRole.ForegroundRole and row.errors:
            name = ("", "number", "name", "class_name", "enrollment_id", "")[col]
            if col == 5 or name in bad_fields:
                return ERROR_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and row.errors:
            return "\n".join(row_error_text(e) for e in row.errors)
        return None
