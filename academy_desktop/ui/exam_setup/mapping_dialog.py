"""The exam's server mapping: its exam id (``target_id``), OMR ``sheet_id`` and each
question's ``exam_question_id`` - typed in, or imported from the CSV/xlsx the server
staff export. The same service as ``main.py exam map`` (``sync.mapping``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.exams import get_exam_by_id
from academy_desktop.sync.mapping import (
    MappingStatus,
    mapping_status,
    read_question_ids,
    set_exam_mapping,
)
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.text import localized

COL_QUESTION, COL_ID = range(2)


@dataclass
class _Loaded:
    title: str
    target_id: int | None
    sheet_id: int | None
    rows: list[tuple[str, int | None, int | None]]  # label, number, exam_question_id
    status: MappingStatus


def _positive(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


class MappingDialog(QDialog):
    """Type or import the ids the academy server uses for this exam."""

    def __init__(self, ctx: AppContext, exam_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.exam_id = exam_id
        self.status: MappingStatus | None = None
        self.target_edit = QLineEdit(self)
        self.sheet_edit = QLineEdit(self)
        for edit in (self.target_edit, self.sheet_edit):
            edit.setMaxLength(12)
        self.table = QTableWidget(0, 2, self)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(COL_ID, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.import_button = QPushButton(self)
        self.import_button.clicked.connect(self._pick_file)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b91c1c")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout()
        self.form.addRow("", self.target_edit)
        self.form.addRow("", self.sheet_edit)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 640)
        self.retranslate()
        self.buttons.setEnabled(False)
        BackgroundOp(self, self._load, self._loaded).failure(self._failed).run_in_background(
            ctx.runner, "db"
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Server mapping"))
        label = self.form.labelForField(self.target_edit)
        if isinstance(label, QLabel):
            label.setText(self.tr("Server exam id (target_id)"))
        label = self.form.labelForField(self.sheet_edit)
        if isinstance(label, QLabel):
            label.setText(self.tr("OMR sheet id (sheet_id)"))
        self.table.setHorizontalHeaderLabels([self.tr("Question"), self.tr("exam_question_id")])
        self.import_button.setText(self.tr("Import from CSV or Excel…"))

    # -- loading ---------------------------------------------------------------
    def _load(self, _state: OpState) -> _Loaded:
        with self._ctx.workspace.read() as s:
            exam = get_exam_by_id(s, self.exam_id)
            rows = sorted(
                ((q.label, q.number, q.exam_question_id) for q in exam.questions),
                key=lambda r: (r[1] is None, r[1] or 0, r[0]),
            )
            return _Loaded(exam.title, exam.target_id, exam.sheet_id, rows, mapping_status(s, exam))

    def _loaded(self, data: _Loaded) -> None:
        self.setWindowTitle(self.tr("Server mapping: {title}").format(title=data.title))
        self.target_edit.setText("" if data.target_id is None else str(data.target_id))
        self.sheet_edit.setText("" if data.sheet_id is None else str(data.sheet_id))
        self.table.setRowCount(len(data.rows))
        for i, (label, number, qid) in enumerate(data.rows):
            name = QTableWidgetItem(str(number) if number is not None else label)
            name.setData(Qt.ItemDataRole.UserRole, label)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(i, COL_QUESTION, name)
            self.table.setItem(i, COL_ID, QTableWidgetItem("" if qid is None else str(qid)))
        self._show_status(data.status)
        self.buttons.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(localized(str(exc)))
        self.buttons.setEnabled(True)

    def _show_status(self, status: MappingStatus) -> None:
        self.status = status
        parts = []
        if status.missing_questions:
            parts.append(
                self.tr("{n} questions have no exam_question_id yet.").format(
                    n=len(status.missing_questions)
                )
            )
        if status.sheets_without_enrollment:
            parts.append(
                self.tr("{n} graded sheets have a student without an enrollment id.").format(
                    n=status.sheets_without_enrollment
                )
            )
        if not parts:
            parts.append(self.tr("Every id the server needs is set."))
        self.summary.setText(" ".join(parts))

    # -- import ------------------------------------------------------------------
    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import the question ids"),
            "",
            self.tr("Tables (*.csv *.xlsx *.xlsm *.tsv *.txt);;All files (*)"),
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Fill the form from a file of ``number,exam_question_id`` rows (not saved yet)."""
        try:
            table = read_question_ids(path)
        except (ValueError, OSError) as exc:
            self.error.setText(localized(str(exc)))
            return
        self.error.setText("")
        if table.target_id is not None:
            self.target_edit.setText(str(table.target_id))
        if table.sheet_id is not None:
            self.sheet_edit.setText(str(table.sheet_id))
        for row in range(self.table.rowCount()):
            name = self.table.item(row, COL_QUESTION)
            if name is None:
                continue
            for key in (name.text(), str(name.data(Qt.ItemDataRole.UserRole))):
                if key in table.question_ids:
                    self.table.setItem(row, COL_ID, QTableWidgetItem(str(table.question_ids[key])))
                    break

    # -- saving ------------------------------------------------------------------
    def values(self) -> tuple[int | None, int | None, dict[str, int]]:
        """What the form holds; raises ``ValueError`` naming the first bad entry."""
        try:
            target = _positive(self.target_edit.text())
        except ValueError:
            raise ValueError(self.tr("The server exam id must be a positive number.")) from None
        try:
            sheet = _positive(self.sheet_edit.text())
        except ValueError:
            raise ValueError(self.tr("The sheet id must be a positive number.")) from None
        ids: dict[str, int] = {}
        for row in range(self.table.rowCount()):
            name = self.table.item(row, COL_QUESTION)
            cell = self.table.item(row, COL_ID)
            if name is None or cell is None:
                continue
            try:
                value = _positive(cell.text())
            except ValueError:
                raise ValueError(
                    self.tr("Question {q}: the exam_question_id must be a positive number.").format(
                        q=name.text()
                    )
                ) from None
            if value is not None:
                ids[str(name.data(Qt.ItemDataRole.UserRole))] = value
        return target, sheet, ids

    def save(self) -> None:
        try:
            target, sheet, ids = self.values()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.buttons.setEnabled(False)
        ctx, exam_id = self._ctx, self.exam_id

        def work(_state: OpState) -> MappingStatus:
            with ctx.workspace.write() as s:
                exam = get_exam_by_id(s, exam_id)
                return set_exam_mapping(
                    s, exam, target_id=target, sheet_id=sheet, question_ids=ids or None
                )

        BackgroundOp(self, work, self._saved).failure(self._save_failed).run_in_background(
            ctx.runner, "db"
        )

    def _saved(self, status: MappingStatus) -> None:
        self._show_status(status)
        self._ctx.signals.exams_changed.emit()
        self._ctx.signals.results_changed.emit(self.exam_id)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(localized(str(exc)))


__all__ = ["MappingDialog"]
