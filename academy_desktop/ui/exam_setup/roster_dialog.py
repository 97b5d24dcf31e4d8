"""Import the student roster from Excel or CSV: column mapping, preview, row errors.

The file is read with the store's own parser (:func:`academy_desktop.store.roster.parse_roster`,
the one ``main.py roster import`` uses) off the UI thread every time the mapping changes;
the dialog shows the header it found, the rows as they will be imported, and every row
error (row, column, message in the current language). Importing upserts the good rows
(:func:`~academy_desktop.store.roster.import_roster`) on the db lane.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.progress import TaskState
from academy_desktop.store.roster import REQUIRED, ImportSummary, RowError, import_roster
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup.common import fit_to_screen
from academy_desktop.ui.exam_setup.roster_preview import (
    PreviewRow,
    RosterPreview,
    _PreviewModel,
    preview_roster,
    row_error_text,
)
from academy_desktop.ui.ops import BackgroundOp
from academy_desktop.ui.text import current_language, localized

__all__ = ["PreviewRow", "RosterImportDialog", "RosterPreview", "preview_roster"]

NOT_USED = "__not_used__"


class RosterImportDialog(QDialog):
    """Pick a roster file, check the column mapping and the rows, then import."""

    previewed = Signal()  # the preview shows the current file and mapping
    imported = Signal(object)  # ImportSummary

    FIELD_ORDER = ("number", "name", "class_name", "enrollment_id")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._path: Path | None = None
        self._sheet: str | None = None
        self.preview: RosterPreview | None = None
        self.summary: ImportSummary | None = None
        self._generation = 0
        self._busy = False
        self._filling = False
        self.setWindowTitle(self.tr("Import the student roster"))
        self.setSizeGripEnabled(True)
        self._build()
        self._update()

    # ------------------------------------------------------------ layout

    def _field_label(self, name: str) -> str:
        return {
            "number": self.tr("Student number (required)"),
            "name": self.tr("Name (required)"),
            "class_name": self.tr("Class"),
            "enrollment_id": self.tr("Enrollment ID (server)"),
        }[name]

    def _build(self) -> None:
        intro = QLabel(
            self.tr(
                "Choose an Excel (.xlsx) or CSV file with one student per row. The student "
                "number is the number students mark in the ID grid of the sheet."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.file_label = QLabel(self.tr("No file chosen"), self)
        self.file_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.choose_button = QPushButton(self.tr("Choose a file…"), self)
        self.choose_button.clicked.connect(self._pick_file)
        self.sheet_label = QLabel(self.tr("Sheet"), self)
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_changed)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.sheet_label)
        file_row.addWidget(self.sheet_combo)
        file_row.addWidget(self.choose_button)

        self.header_label = QLabel(self)
        self.header_label.setWordWrap(True)
        self.mapping_box = QGroupBox(self.tr("Columns"), self)
        form = QFormLayout(self.mapping_box)
        self.combos: dict[str, QComboBox] = {}
        for name in self.FIELD_ORDER:
            combo = QComboBox(self.mapping_box)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.combos[name] = combo
            form.addRow(self._field_label(name), combo)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("errorText")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setVisible(False)

        self.rows_model = _PreviewModel(self)
        self.rows_view = QTableView(self)
        self.rows_view.setModel(self.rows_model)
        self.rows_view.verticalHeader().setVisible(False)
        self.rows_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_view.setAlternatingRowColors(True)
        row_height = self.fontMetrics().height() * 3 // 2
        self.rows_view.verticalHeader().setDefaultSectionSize(row_height)
        header = self.rows_view.horizontalHeader()
        for col in range(5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

        self.errors_title = QLabel(self)
        self.errors_table = QTableWidget(0, 3, self)
        self.errors_table.setHorizontalHeaderLabels(
            [self.tr("Row"), self.tr("Column"), self.tr("Problem")]
        )
        self.errors_table.verticalHeader().setVisible(False)
        self.errors_table.verticalHeader().setDefaultSectionSize(row_height)
        self.errors_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        eh = self.errors_table.horizontalHeader()
        eh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        eh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        eh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        errors_box = QWidget(self)
        errors_layout = QVBoxLayout(errors_box)
        errors_layout.setContentsMargins(0, 0, 0, 0)
        errors_layout.addWidget(self.errors_title)
        errors_layout.addWidget(self.errors_table)
        self.errors_box = errors_box

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.rows_view)
        splitter.addWidget(errors_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = self.buttons.addButton(
            self.tr("Import"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.clicked.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.mapping_box)
        top.addWidget(self.header_label, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.buttons)
        fm = self.fontMetrics()
        fit_to_screen(self, fm.averageCharWidth() * 120, fm.height() * 46)

    # ------------------------------------------------------------ file and mapping

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the roster"),
            "",
            self.tr("Rosters (*.xlsx *.xlsm *.csv *.tsv *.txt);;All files (*)"),
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        """Read ``path`` with the columns detected from its header."""
        self._path = Path(path)
        self._sheet = None
        self.summary = None
        self.summary_label.setText("")
        self.file_label.setText(self._path.name)
        self.file_label.setToolTip(str(self._path))
        self._refresh(mapping=None, ignore=())

    def _sheet_changed(self) -> None:
        if self._filling or self._path is None:
            return
        self._sheet = self.sheet_combo.currentText() or None
        self._refresh(mapping=None, ignore=())

    def current_mapping(self) -> tuple[dict[str, str], list[str]]:
        """The columns chosen for each field, and the optional fields left out."""
        mapping: dict[str, str] = {}
        ignore: list[str] = []
        for name, combo in self.combos.items():
            data = combo.currentData()
            if data == NOT_USED:
                if name not in REQUIRED:
                    ignore.append(name)
            elif data:
                mapping[name] = str(data)
        return mapping, ignore

    def set_column(self, name: str, header: str | None) -> None:
        """Map field ``name`` to the column titled ``header`` (None: leave it out)."""
        combo = self.combos[name]
        index = combo.findData(header if header is not None else NOT_USED)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _mapping_changed(self) -> None:
        if self._filling or self._path is None:
            return
        mapping, ignore = self.current_mapping()
        self._refresh(mapping=mapping, ignore=ignore)

    def _refresh(self, mapping: dict[str, str] | None, ignore: Collection[str]) -> None:
        path, sheet = self._path, self._sheet
        assert path is not None
        self._generation += 1
        generation = self._generation
        self.summary = None
        self._busy = True
        self._update()
        ignore = list(ignore)

        def work(state: TaskState) -> RosterPreview:
            return preview_roster(path, mapping, ignore, sheet)

        BackgroundOp(self, work, lambda p: self._previewed(generation, p)).failure(
            lambda e: self._preview_failed(generation, e)
        ).run_in_background(self._ctx.runner, "work")

    def _previewed(self, generation: int, preview: RosterPreview) -> None:
        if generation != self._generation:
            return
        self._busy = False
        self.preview = preview
        self._fill_sheets(preview)
        self._fill_combos(preview)
        if preview.parse is None:
            self.header_label.setText(
                self.tr("Columns in the file: {headers}").format(
                    headers=", ".join(preview.headers) or "-"
                )
            )
            text = preview.error_ko if current_language() == "ko" else preview.error_en
            self._show_error(text)
        else:
            self.header_label.setText(
                self.tr("Header found in row {n}: {headers}").format(
                    n=preview.header_row, headers=", ".join(preview.headers)
                )
            )
            self._show_error("")
        self.rows_model.set_rows(preview.rows)
        self._fill_errors(preview)
        self._update()
        self.previewed.emit()

    def _preview_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._busy = False
        self.preview = None
        self._show_error(localized(str(exc)))
        self.rows_model.set_rows([])
        self._update()
        self.previewed.emit()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _fill_sheets(self, preview: RosterPreview) -> None:
        self._filling = True
        try:
            self.sheet_combo.clear()
            self.sheet_combo.addItems(preview.sheets)
            if preview.sheet:
                self.sheet_combo.setCurrentText(preview.sheet)
        finally:
            self._filling = False
        many = len(preview.sheets) > 1
        self.sheet_combo.setVisible(many)
        self.sheet_label.setVisible(many)

    def _fill_combos(self, preview: RosterPreview) -> None:
        columns = preview.parse.columns if preview.parse is not None else {}
        chosen, _ignored = self.current_mapping()
        self._filling = True
        try:
            for name, combo in self.combos.items():
                combo.clear()
                if name in REQUIRED:
                    combo.addItem(self.tr("(choose a column)"), "")
                else:
                    combo.addItem(self.tr("(do not import)"), NOT_USED)
                for header in preview.headers:
                    combo.addItem(header, header)
                wanted = columns.get(name) or chosen.get(name)
                if wanted is not None and combo.findData(wanted) >= 0:
                    combo.setCurrentIndex(combo.findData(wanted))
                else:
                    combo.setCurrentIndex(0)
        finally:
            self._filling = False

    def _fill_errors(self, preview: RosterPreview) -> None:
        errors = preview.parse.errors if preview.parse is not None else []
        self.errors_table.setRowCount(len(errors))
        for i, e in enumerate(errors):
            cells = [str(e.row), e.column, row_error_text(e)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.errors_table.setItem(i, col, item)
        self.errors_title.setText(
            self.tr("Rows with errors ({n}): they are not imported; fix them in the file.").format(
                n=preview.bad_rows
            )
            if errors
            else self.tr("No errors.")
        )

    def error_rows(self) -> list[tuple[int, str, str]]:
        """(row, column, message) as listed (tests, callers)."""
        out = []
        for i in range(self.errors_table.rowCount()):
            cells = [self.errors_table.item(i, c) for c in range(3)]
            row, col, msg = (c.text() if c is not None else "" for c in cells)
            out.append((int(row), col, msg))
        return out

    # ------------------------------------------------------------ import

    def _update(self) -> None:
        preview = self.preview
        ready = (
            not self._busy
            and self.summary is None
            and preview is not None
            and preview.parse is not None
            and preview.good_rows > 0
        )
        self.import_button.setEnabled(ready)
        self.mapping_box.setEnabled(preview is not None and not self._busy)
        if self.summary is not None:
            self.import_button.setText(self.tr("Imported"))
        elif preview is not None and preview.parse is not None:
            self.import_button.setText(self.tr("Import {n} students").format(n=preview.good_rows))
            if self.summary is None:
                text = self.tr("{good} rows ready to import.").format(good=preview.good_rows)
                if preview.bad_rows:
                    text += " " + self.tr("{bad} rows with errors are left out.").format(
                        bad=preview.bad_rows
                    )
                self.summary_label.setText(text)
        else:
            self.import_button.setText(self.tr("Import"))

    def do_import(self) -> None:
        """Store the good rows (new students added, known ones updated)."""
        preview = self.preview
        if preview is None or preview.parse is None or self._busy or self.summary is not None:
            return
        parsed = preview.parse
        ws = self._ctx.workspace

        def work(state: TaskState) -> ImportSummary:
            with ws.write() as s:
                return import_roster(s, parsed)

        self._busy = True
        self._update()
        self.summary_label.setText(self.tr("Importing…"))
        BackgroundOp(self, work, self._imported).failure(self._import_failed).run_in_background(
            self._ctx.runner, "db"
        )

    def _imported(self, summary: ImportSummary) -> None:
        self._busy = False
        self.summary = summary
        text = self.tr("Imported: {new} new, {updated} updated, {same} unchanged.").format(
            new=summary.created, updated=summary.updated, same=summary.unchanged
        )
        if summary.rejected_rows:
            text += " " + self.tr("{n} rows were not imported (see the errors).").format(
                n=summary.rejected_rows
            )
        self.summary_label.setText(text)
        if self.preview is not None and len(summary.errors) != len(
            self.preview.parse.errors if self.preview.parse else []
        ):
            self._show_import_errors(summary.errors)
        self._update()
        self.imported.emit(summary)

    def _show_import_errors(self, errors: list[RowError]) -> None:
        self.errors_table.setRowCount(len(errors))
        for i, e in enumerate(errors):
            for col, text in enumerate([str(e.row), e.column, row_error_text(e)]):
                self.errors_table.setItem(i, col, QTableWidgetItem(text))

    def _import_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.summary_label.setText(self.tr("Nothing was imported:") + " " + localized(str(exc)))
        self._update()
