"""The homework's class list: who of the class has not handed in (for the header),
and "Export class list…" - the same :func:`~academy_desktop.store.homework_export.export_homework`
as ``main.py assignment export``, saved through the window's shared export steps
(:class:`~academy_desktop.ui.export_actions.FileExporter`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from academy_desktop.store import homework_export
from academy_desktop.store.database import Workspace
from academy_desktop.store.homework_export import Missing, missing_students
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.export_actions import FileExporter, safe_file_name
from academy_desktop.ui.ops import OpHandle

Format = Literal["xlsx", "csv"]


def export_in(ws: Workspace, homework_id: int, fmt: Format, out: Path) -> int:
    """The store's export in a read session of ``ws`` (on the calling thread): the rows."""
    with ws.read() as s:
        return homework_export.export_homework(s, homework_id, fmt, out)


class ClassListExport(QObject):
    """ "Export class list…" for the page's homework: Excel by default, CSV offered."""

    exported = Signal(int, object)  # rows, the file's Path
    failed = Signal(str)  # the message shown to the user

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.files = FileExporter(ctx, parent)

    @property
    def busy(self) -> bool:
        return self.files.busy

    def default_file_name(self, title: str, fmt: Format = "xlsx") -> str:
        return f"{safe_file_name(title)}.{fmt}"

    def export(self, homework_id: int, title: str) -> OpHandle | None:
        """Ask where to save (``<title>.xlsx``), then export; ``None`` when cancelled."""
        if self.files.busy:
            return None
        chosen = self.files.ask(
            self.tr("Export class list"),
            self.default_file_name(title),
            [(".xlsx", self.tr("Excel workbook (*.xlsx)")), (".csv", self.tr("CSV file (*.csv)"))],
        )
        if chosen is None:
            return None
        out, suffix = chosen
        return self.export_to(homework_id, "csv" if suffix == ".csv" else "xlsx", out)

    def export_to(self, homework_id: int, fmt: Format, out: Path) -> OpHandle:
        """Write the class list to ``out`` on the "db" lane (no questions asked)."""
        ws = self.ctx.workspace
        return self.files.run(
            out,
            lambda: export_in(ws, homework_id, fmt, out),
            lambda rows: self.tr("Saved the class list ({rows} rows) to “{name}”.").format(
                rows=rows, name=out.name
            ),
            gone=self.tr("This homework no longer exists."),
            succeeded=lambda rows: self.exported.emit(rows, out),
            failed=self.failed.emit,
        )


__all__ = ["ClassListExport", "Missing", "export_in", "missing_students"]
