"""Export from the window: the exam's "Export to Excel…", CSV and JSON Lines, and the
file-saving steps every export shares (:class:`FileExporter`).

The same store service as ``main.py export`` (:func:`academy_desktop.store.export.export_exam`)
runs on the "db" lane; a busy dialog appears if it takes more than a moment. When it is
done a message offers "Open containing folder"; when it fails the message says what to
do in plain words (a file open in Excel cannot be replaced: close it and try again).
"""

from __future__ import annotations

import datetime as dt
import errno
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from academy_desktop.store.database import Workspace
from academy_desktop.store.export import ExportSummary, Format, export_exam
from academy_desktop.store.models import Exam
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpHandle
from academy_desktop.ui.text import localized

T = TypeVar("T")
SUFFIX: dict[Format, str] = {"xlsx": ".xlsx", "csv": ".csv", "jsonl": ".jsonl"}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')  # not allowed in Windows file names
BUSY_AFTER_MS = 400


def safe_file_name(text: str) -> str:
    """``text`` usable as a file name on Windows (no ``\\ / : * ? " < > |``)."""
    name = _UNSAFE.sub("_", text).strip(" .")
    return name[:150] or "export"


class FileExporter(QObject):
    """Saving one file from the window, for any export (an exam's results, a homework's
    class list): the save dialog in the last folder used (else Documents), the write on
    the "db" lane behind a busy dialog, then "Export finished" with "Open containing
    folder", or what went wrong in plain words."""

    busy_changed = Signal(bool)

    def __init__(self, ctx: AppContext, widget: QWidget) -> None:
        super().__init__(widget)
        self.ctx = ctx
        self.widget = widget
        self.last_folder: Path | None = None
        self.last_message: QMessageBox | None = None
        self.busy = False

    def default_folder(self) -> Path:
        if self.last_folder is not None and self.last_folder.is_dir():
            return self.last_folder
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(docs) if docs and Path(docs).is_dir() else Path.home()

    def ask(
        self, caption: str, file_name: str, formats: Sequence[tuple[str, str]]
    ) -> tuple[Path, str] | None:
        """The save dialog, starting at ``file_name`` in :meth:`default_folder`.

        ``formats`` are ``(suffix, filter text)`` pairs, the first one the default. Returns
        the chosen path (its suffix added when it was typed without one) and its suffix,
        or ``None`` when the user cancels."""
        filters = [text for _suffix, text in formats]
        path, chosen = QFileDialog.getSaveFileName(
            self.widget, caption, str(self.default_folder() / file_name), ";;".join(filters)
        )
        if not path:
            return None
        out = Path(path)
        suffixes = [suffix for suffix, _text in formats]
        if out.suffix.lower() in suffixes:
            return out, out.suffix.lower()
        suffix = suffixes[filters.index(chosen)] if chosen in filters else suffixes[0]
        return out.with_name(out.name + suffix), suffix

    def run(
        self,
        out: Path,
        work: Callable[[], T],
        message: Callable[[T], str],
        *,
        gone: str,
        succeeded: Callable[[T], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> OpHandle:
        """``work()`` writes ``out`` on the "db" lane; then "Export finished" says
        ``message(result)``, or the failure is explained (``gone``: the text for a
        ``LookupError``, the exported thing no longer exists)."""
        self._set_busy(True)
        busy = QProgressDialog(
            self.tr("Exporting {name}…").format(name=out.name), "", 0, 0, self.widget
        )
        busy.setCancelButton(None)  # exports are short and write a temporary file first
        busy.setWindowModality(Qt.WindowModality.WindowModal)
        busy.setMinimumDuration(BUSY_AFTER_MS)
        busy.setAutoClose(False)
        busy.setAutoReset(False)

        def done() -> None:
            busy.reset()
            busy.deleteLater()
            self._set_busy(False)

        def ok(result: T) -> None:
            done()
            self.last_folder = out.parent
            self.show_done(message(result), out)
            if succeeded is not None:
                succeeded(result)

        def bad(exc: BaseException) -> None:
            done()
            text = self.error_text(exc, out, gone)
            self.show_error(text)
            if failed is not None:
                failed(text)

        return (
            BackgroundOp(self.widget, lambda _state: work(), ok)
            .failure(bad)
            .run_in_background(self.ctx.runner, "db")
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)

    # -- messages
    def error_text(self, exc: BaseException, out: Path, gone: str) -> str:
        """What went wrong and what to do, in plain words."""
        if isinstance(exc, PermissionError):
            if out.exists():
                return self.tr(
                    "“{name}” could not be replaced because another program is using it. "
                    "Close the file in Excel and try again."
                ).format(name=out.name)
            return self.tr(
                "You cannot save files in “{folder}”. Choose another folder, such as Documents."
            ).format(folder=str(out.parent))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return self.tr("The disk is full. Free some space or choose another drive.")
        if isinstance(exc, FileNotFoundError):
            return self.tr(
                "The folder “{folder}” does not exist any more. Choose another one."
            ).format(folder=str(out.parent))
        if isinstance(exc, LookupError):
            return gone
        detail = localized(str(exc)) or type(exc).__name__
        return self.tr("The export failed: {reason}").format(reason=detail)

    def _message(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        if self.last_message is not None:
            self.last_message.close()
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, self.widget)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.destroyed.connect(lambda *_: self._forget(box))
        self.last_message = box
        return box

    def _forget(self, box: QMessageBox) -> None:
        if self.last_message is box:
            self.last_message = None

    def show_done(self, text: str, path: Path) -> QMessageBox:
        """ "Export finished": ``text``, the folder, and "Open containing folder"."""
        box = self._message(QMessageBox.Icon.Information, self.tr("Export finished"), text)
        box.setInformativeText(str(path.parent))
        folder = box.addButton(self.tr("Open containing folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        folder.clicked.connect(lambda: self.open_folder(path.parent))
        box.open()
        return box

    def show_error(self, text: str) -> QMessageBox:
        box = self._message(QMessageBox.Icon.Warning, self.tr("Export failed"), text)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.open()
        return box

    def open_folder(self, folder: Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class ExportActions(QObject):
    """The export actions for one exam; menus and toolbars add :attr:`excel_action` etc.

    Call :meth:`set_exam` when the selected exam changes (the actions are disabled
    with no exam). :meth:`export_to` exports without asking (tests, scripts).
    """

    exported = Signal(object)  # ExportSummary, once the file is complete
    failed = Signal(str)  # the message shown to the user

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.exam_id: int | None = None
        self.files = FileExporter(ctx, parent)
        self.files.busy_changed.connect(lambda _busy: self._update_enabled())
        self.excel_action = QAction(self)
        self.csv_action = QAction(self)
        self.jsonl_action = QAction(self)
        self.retranslate()
        self.excel_action.triggered.connect(lambda: self.export("xlsx"))
        self.csv_action.triggered.connect(lambda: self.export("csv"))
        self.jsonl_action.triggered.connect(lambda: self.export("jsonl"))
        self._update_enabled()

    @property
    def last_folder(self) -> Path | None:
        return self.files.last_folder

    @last_folder.setter
    def last_folder(self, folder: Path | None) -> None:
        self.files.last_folder = folder

    @property
    def last_message(self) -> QMessageBox | None:
        return self.files.last_message

    def retranslate(self) -> None:
        """Set the actions' texts in the current language (call it on a language change)."""
        self.excel_action.setText(self.tr("Export to Excel…"))
        self.excel_action.setToolTip(
            self.tr("Save the exam's results, with question statistics, as an Excel workbook")
        )
        self.csv_action.setText(self.tr("Export to CSV…"))
        self.csv_action.setToolTip(self.tr("Save the results as a CSV file (opens in Excel)"))
        self.jsonl_action.setText(self.tr("Export to JSON Lines…"))
        self.jsonl_action.setToolTip(
            self.tr("Save every sheet's full result, one JSON record per line")
        )

    def actions(self) -> list[QAction]:
        return [self.excel_action, self.csv_action, self.jsonl_action]

    def set_exam(self, exam_id: int | None) -> None:
        self.exam_id = exam_id
        self._update_enabled()

    def _update_enabled(self) -> None:
        for action in self.actions():
            action.setEnabled(self.exam_id is not None and not self.files.busy)

    # -- file name
    def default_file_name(self, fmt: Format) -> str:
        """``<exam title> <exam date, else today>.<suffix>`` (a tiny read on this thread)."""
        title, date = "", None
        if self.exam_id is not None:
            with self.ctx.workspace.read() as s:
                exam = s.get(Exam, self.exam_id)
                if exam is not None:
                    title, date = exam.title, exam.exam_date
        day = (date or dt.date.today()).isoformat()
        return safe_file_name(f"{title} {day}".strip()) + SUFFIX[fmt]

    def _filter(self, fmt: Format) -> str:
        if fmt == "xlsx":
            return self.tr("Excel workbook (*.xlsx)")
        if fmt == "csv":
            return self.tr("CSV file (*.csv)")
        return self.tr("JSON Lines (*.jsonl)")

    # -- exporting
    def export(self, fmt: Format) -> OpHandle | None:
        """Ask where to save, then export; ``None`` when the user cancels."""
        if self.exam_id is None or self.files.busy:
            return None
        chosen = self.files.ask(
            self.tr("Export results"),
            self.default_file_name(fmt),
            [(SUFFIX[fmt], self._filter(fmt))],
        )
        return None if chosen is None else self.export_to(fmt, chosen[0])

    def export_to(self, fmt: Format, out: Path) -> OpHandle:
        """Export the current exam to ``out`` on the "db" lane (no questions asked)."""
        if self.exam_id is None:
            raise RuntimeError("no exam selected")
        exam_id, ws = self.exam_id, self.ctx.workspace
        return self.files.run(
            out,
            lambda: export_exam_in(ws, exam_id, fmt, out),
            lambda summary: self.tr("Saved {rows} sheets to “{name}”.").format(
                rows=summary.rows, name=summary.path.name
            ),
            gone=self.tr("This exam no longer exists."),
            succeeded=self.exported.emit,
            failed=self.failed.emit,
        )

    def error_text(self, exc: BaseException, out: Path) -> str:
        """What went wrong and what to do, in plain words."""
        return self.files.error_text(exc, out, self.tr("This exam no longer exists."))

    def open_folder(self, folder: Path) -> bool:
        return self.files.open_folder(folder)


def export_exam_in(ws: Workspace, exam_id: int, fmt: Format, out: Path) -> ExportSummary:
    """Run the store's export in a read session of ``ws`` (on the calling thread)."""
    with ws.read() as s:
        return export_exam(s, exam_id, fmt, out)


__all__ = ["ExportActions", "FileExporter", "export_exam_in", "safe_file_name"]
