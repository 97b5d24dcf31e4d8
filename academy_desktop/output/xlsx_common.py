"""Pieces shared by the xlsx writers (engine-mode ``results.xlsx`` and the store's export).

* the colours staff learn once: yellow = flagged, light red = rejected page,
  red font = wrong answer, light green = settled by a person;
* text cleaning (characters XML cannot hold are dropped; a leading ``=`` stays text);
* :func:`save_workbook`: a deterministic file (fixed timestamps) written to
  ``<name>.partial`` and renamed when complete.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

FIXED_TIME = dt.datetime(2000, 1, 1)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

YELLOW = PatternFill("solid", fgColor="FFF2A8")
LIGHT_RED = PatternFill("solid", fgColor="F8D0D0")
LIGHT_GREEN = PatternFill("solid", fgColor="D5EFD5")
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
RED_FONT = Font(color="C00000")
BOLD = Font(bold=True)


class FixedTimeZip(ZipFile):
    """A ZIP archive whose entries all carry the same timestamp (reproducible files)."""

    def _info(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(
        self, zinfo_or_arcname: str | ZipInfo, data: Any, *args: Any, **kwargs: Any
    ) -> None:
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(  # type: ignore[override]
        self,
        filename: str | os.PathLike[str],
        arcname: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        info = self._info(arcname if arcname is not None else os.fspath(filename))
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def clean_text(text: str) -> str:
    """``text`` without the control characters an xlsx file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def text_cell(ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A write-only cell; strings are cleaned and one starting with ``=`` stays text."""
    if isinstance(value, str):
        value = clean_text(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a file called "=x.jpg" is text, never a formula
    return cell


def save_workbook(wb: Workbook, path: Path) -> None:
    """Write ``wb`` to ``path`` atomically, with fixed timestamps (byte-identical reruns)."""
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    partial = path.with_name(path.name + ".partial")
    try:
        with FixedTimeZip(partial, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
