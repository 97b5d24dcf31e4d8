"""The answer key editor: type the answers, edit them per question, or import a file.

Three ways into one key, kept in step:

* **Type answers**: a string such as ``31452 24135`` (the syntax of
  :mod:`academy_desktop.engine.answerkey_text`), checked against the sheet as it is typed;
* **Table**: one row per question - correct answer(s), points, section;
* **Import**: CSV/XLSX, Academy JSON or an OMRChecker ``evaluation.json``.

Saving stores a new key version (older ones stay, see **History**) and re-grades the
exam's sheets in the background (``exams.set_key_object``), then tells the other
screens (``results_changed``, ``exams_changed``).

This module is the dialog: loading, keeping the tabs in step, the status lines, saving
and closing. The parts live beside it:

* :mod:`.key_data` - what is loaded about the exam (:func:`load_key_info`) and number
  formatting, no Qt;
* :mod:`.key_table_model` - :class:`KeyTableModel`, the key being edited;
* :mod:`.key_typed_tab`, :mod:`.key_table_tab`, :mod:`.key_import_tab`,
  :mod:`.key_history_tab` - one widget per tab.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.answerkey import AnswerKey, load_key
from academy_desktop.engine.answerkey_text import DigitKey, format_digit_key, parse_digit_key
from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.engine.scoring import check_key_against
from academy_desktop.store import exams
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup.common import error_text, fit_to_screen
from academy_desktop.ui.exam_setup.key_data import (
    ExamKeyInfo,
    KeyVersionInfo,
    load_key_info,
    same_key,
)
from academy_desktop.ui.exam_setup.key_history_tab import KeyHistoryTab
from academy_desktop.ui.exam_setup.key_import_tab import ImportKeyTab
from academy_desktop.ui.exam_setup.key_table_model import KeyTableModel
from academy_desktop.ui.exam_setup.key_table_tab import KeyTableTab
from academy_desktop.ui.exam_setup.key_typed_tab import TypedAnswersTab
from academy_desktop.ui.ops import BackgroundOp
from academy_desktop.ui.text import localized

# the data classes and the model are re-exported: callers import them from here
__all__ = ["ExamKeyInfo", "KeyEditorDialog", "KeyTableModel", "KeyVersionInfo", "load_key_info"]

MAX_PROBLEMS_SHOWN = 6
TAB_TYPED, TAB_TABLE, TAB_IMPORT, TAB_HISTORY = range(4)


class KeyEditorDialog(QDialog):
    """Edit the answer key of exam ``exam_id``; each save is a new version."""

    loaded = Signal()  # the exam's key and history are shown
    key_saved = Signal(int)  # version number, after re-grading

    def __init__(self, ctx: AppContext, exam_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.exam_id = exam_id
        self.info: ExamKeyInfo | None = None
        self._digits: DigitKey | None = None
        self._syncing = False
        self._saving = False
        self._importing = False
        self._closing_ok = False
        self.setWindowTitle(self.tr("Answer key"))
        self.setSizeGripEnabled(True)
        self._build()
        self._set_enabled(False)
        self.status_label.setText(self.tr("Loading the exam…"))
        self._load()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)

        self.tabs = QTabWidget(self)
        self.typed_tab = TypedAnswersTab(self)
        self.typed_tab.edit.textChanged.connect(self._digits_edited)
        self.table_tab = KeyTableTab(self)
        self.table_tab.model.key_changed.connect(self._model_changed)
        self.table_tab.message.connect(self._show_result)
        self.import_tab = ImportKeyTab(self)
        self.import_tab.file_chosen.connect(self.import_file)
        self.history_tab = KeyHistoryTab(self)
        self.history_tab.restore_requested.connect(self._restore)
        self.tabs.addTab(self.typed_tab, self.tr("Type answers"))
        self.tabs.addTab(self.table_tab, self.tr("Table"))
        self.tabs.addTab(self.import_tab, self.tr("Import file"))
        self.tabs.addTab(self.history_tab, self.tr("History"))
        # the tabs' widgets, under the names callers and tests use
        self.digits_edit = self.typed_tab.edit
        self.digits_count = self.typed_tab.count
        self.digits_grid = self.typed_tab.grid
        self.model = self.table_tab.model
        self.table = self.table_tab.table
        self.bulk_points = self.table_tab.bulk_points
        self.bulk_section = self.table_tab.bulk_section
        self.bulk_apply = self.table_tab.bulk_apply
        self.import_button = self.import_tab.button
        self.import_result = self.import_tab.result
        self.history = self.history_tab.history
        self.version_view = self.history_tab.version_view
        self.restore_button = self.history_tab.restore_button

        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label = QLabel(self)
        self.problems_label.setWordWrap(True)
        self.problems_label.setObjectName("errorText")
        self.problems_label.setStyleSheet("color: #b3261e;")
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = self.buttons.addButton(
            self.tr("Save and re-grade"), QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        fm = self.fontMetrics()
        fit_to_screen(self, fm.averageCharWidth() * 130, fm.height() * 40)

    def _set_enabled(self, on: bool) -> None:
        self.tabs.setEnabled(on)
        self._update_save()

    # ------------------------------------------------------------ loading

    def _load(self, after_save: tuple[int, int] | None = None) -> None:
        ws, exam_id = self._ctx.workspace, self.exam_id
        BackgroundOp(
            self, lambda state: load_key_info(ws, exam_id), lambda i: self._loaded(i, after_save)
        ).failure(self._load_failed).run_in_background(self._ctx.runner, "db")

    def _loaded(self, info: ExamKeyInfo, after_save: tuple[int, int] | None) -> None:
        first = self.info is None
        self.info = info
        self.setWindowTitle(self.tr("Answer key — {title}").format(title=info.title))
        self._show_header()
        self.history_tab.show_versions(info)
        if first:
            self.model.set_sheet(info.template, info.labels)
            current = info.current
            self.model.set_key(current.key if current is not None else None)
        self._set_enabled(True)
        if after_save is not None:
            version, sheets = after_save
            self.result_label.setText(
                self.tr("Saved as version {v}. {n} sheets re-graded.").format(v=version, n=sheets)
            )
        self._update_status()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self.status_label.setText(self.tr("The exam could not be opened:") + " " + error_text(exc))

    def _show_header(self) -> None:
        info = self.info
        assert info is not None
        title = f"<b>{_html(info.title)}</b> · " + _html(
            self.tr("{n} questions").format(n=len(info.labels))
        )
        current = info.current
        if current is None:
            line = self.tr("No answer key yet: sheets are read but not scored.")
        else:
            line = self.tr("Current key: version {v}, saved by {who} on {when}.").format(
                v=current.version,
                who=current.created_by or self.tr("unknown"),
                when=f"{current.created_at:%Y-%m-%d %H:%M}",
            )
        sheets = self.tr("{n} sheets graded with it.").format(n=info.submissions)
        self.header.setText(f"{title}<br>{_html(line)} {_html(sheets)}")

    def show_version(self, number: int) -> None:
        """Select version ``number`` in the history (it is shown read-only)."""
        item = self.history_tab.item_for(number)
        if item is not None:
            self.tabs.setCurrentIndex(TAB_HISTORY)
            self.history.setCurrentItem(item)

    def _restore(self, v: KeyVersionInfo) -> None:
        """Put version ``v`` (from the history) into the editor, unsaved."""
        self.model.set_key(v.key)
        self.tabs.setCurrentIndex(TAB_TABLE)
        self.result_label.setText(
            self.tr("Version {v} is in the editor. Press Save to make it the current key.").format(
                v=v.version
            )
        )

    # ------------------------------------------------------------ editing

    def _digits_edited(self) -> None:
        if self._syncing or self.info is None:
            return
        parsed = parse_digit_key(
            self.digits_edit.toPlainText(), self.info.template, self.info.labels
        )
        self._digits = parsed
        if parsed.ok:
            self._syncing = True
            try:
                self.model.set_answers(parsed.answers())
            finally:
                self._syncing = False
        self.result_label.setText("")
        self._update_status()

    def _model_changed(self) -> None:
        if self._syncing or self.info is None:
            self._update_status()
            return
        self._syncing = True
        try:
            text = format_digit_key(self.model.key(), self.info.template, self.info.labels)
            self.digits_edit.setPlainText(text)
            self._digits = parse_digit_key(text, self.info.template, self.info.labels)
        finally:
            self._syncing = False
        self._update_status()

    def set_digits(self, text: str) -> None:
        """Type ``text`` into the answer string (tests, callers)."""
        self.tabs.setCurrentIndex(TAB_TYPED)
        self.digits_edit.setPlainText(text)

    def _show_result(self, text: str) -> None:
        self.result_label.setText(text)

    # ------------------------------------------------------------ import

    def import_file(self, path: Path) -> None:
        """Load the answers in ``path`` into the editor (checked against the sheet)."""
        if self.info is None:
            return
        template = self.info.template

        def work(state: TaskState) -> tuple[AnswerKey, list[str]]:
            key = load_key(Path(path))
            return key, check_key_against(key, template)

        self._importing = True
        self.import_result.setText(self.tr("Reading {name}…").format(name=Path(path).name))
        self._update_save()
        BackgroundOp(self, work, lambda r: self._imported(Path(path), r)).failure(
            self._import_failed
        ).run_in_background(self._ctx.runner, "work")

    def _imported(self, path: Path, result: tuple[AnswerKey, list[str]]) -> None:
        self._importing = False
        key, problems = result
        if problems:
            self.import_result.setText(
                self.tr("{name} does not fit this sheet:").format(name=path.name)
                + "\n"
                + "\n".join(localized(p) for p in problems)
            )
            self._update_save()
            return
        self.model.set_key(key)
        self.import_result.setText(
            self.tr("Loaded {n} answers from {name}. Check them, then press Save.").format(
                n=len(key.items), name=path.name
            )
        )
        self._update_status()

    def _import_failed(self, exc: BaseException) -> None:
        self._importing = False
        self.import_result.setText(error_text(exc))
        self._update_save()

    # ------------------------------------------------------------ status and save

    def is_dirty(self) -> bool:
        if self.info is None:
            return False
        current = self.info.current
        key = self.model.key()
        if current is None:
            return bool(key.items)
        return not same_key(key, current.key)

    def _problems(self) -> list[str]:
        out: list[str] = []
        if self._digits is not None and not self._digits.ok:
            out += [localized(e) for e in self._digits.errors]
        out += [localized(p) for p in self.model.problems().values()]
        return out

    def _update_status(self) -> None:
        if self.info is None:
            return
        total = len(self.info.labels)
        key = self.model.key()
        missing = self.model.missing()
        parts = [
            self.tr("{n} of {total} questions have an answer.").format(
                n=len(key.items), total=total
            )
        ]
        if missing:
            shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
            parts.append(self.tr("Not scored (no answer): {labels}.").format(labels=shown))
        digits = self._digits
        if digits is not None:
            self.typed_tab.show_parsed(digits, self.info.labels)
            if not digits.ok:
                parts.insert(0, self.tr("Fix the typed answers before saving."))
        self.status_label.setText(" ".join(parts))
        problems = self._problems()
        shown_problems = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown_problems.append(
                self.tr("… and {n} more").format(n=len(problems) - MAX_PROBLEMS_SHOWN)
            )
        self.problems_label.setText("\n".join(shown_problems))
        self.problems_label.setVisible(bool(problems))
        self._update_save()

    def can_save(self) -> bool:
        return (
            self.info is not None
            and not self._saving
            and not self._importing
            and bool(self.model.key().items)
            and not self._problems()
            and self.is_dirty()
        )

    def _update_save(self) -> None:
        self.save_button.setEnabled(self.can_save())

    def save(self) -> None:
        """Store the key as a new version and re-grade the exam (in the background)."""
        if not self.can_save():
            return
        key = self.model.key()
        ws, exam_id, staff = self._ctx.workspace, self.exam_id, self._ctx.staff or None

        def work(state: TaskState) -> tuple[int, int]:
            with ws.write() as s:
                exam = exams.get_exam_by_id(s, exam_id)
                version = exams.set_key_object(s, exam, key, created_by=staff, state=state)
                return version.version, exams.submission_count(s, exam_id)

        self._saving = True
        self.result_label.setText(self.tr("Saving and re-grading…"))
        self._update_save()
        BackgroundOp(self, work, self._saved).failure(self._save_failed).with_progress(
            self.tr("Re-grading the exam with the new key…")
        ).run_in_background(self._ctx.runner, "db")

    def _saved(self, result: tuple[int, int]) -> None:
        self._saving = False
        version, sheets = result
        self._ctx.signals.results_changed.emit(self.exam_id)
        self._ctx.signals.exams_changed.emit()
        self._load(after_save=(version, sheets))
        self.key_saved.emit(version)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, Cancelled):
            self.result_label.setText(self.tr("Cancelled: the answer key was not changed."))
        else:
            self.result_label.setText(self.tr("The key was not saved:") + "\n" + error_text(exc))
        self._update_save()

    # ------------------------------------------------------------ closing

    def reject(self) -> None:
        if self._saving:
            return  # the re-grade finishes (or is cancelled from its progress dialog) first
        if self.is_dirty() and not self._closing_ok and self.isVisible():
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Unsaved answer key"),
                self.tr("The answer key has changes that are not saved. Close anyway?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                self,
            )
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.finished.connect(lambda code: self._confirm_close(box, code))
            box.open()
            return
        super().reject()

    def _confirm_close(self, box: QMessageBox, _code: int) -> None:
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Discard):
            self._closing_ok = True
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._saving:
            event.ignore()
            return
        super().closeEvent(event)


def _html(text: str) -> str:
    return escape(text, quote=False)
