"""The selected exam's results: a lazily fetched table with sorting and filters.

The model holds one page of rows at a time per fetch (Anki's browser idea): Qt asks
:meth:`ResultsModel.canFetchMore` as the user scrolls, and each page is one short
indexed query (``store.results.list_results``). Sorting and filtering happen in
SQL, so a 100,000-sheet workspace opens as fast as a 100-sheet one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.models import OutboxState, ReviewState, SubmissionStatus
from academy_desktop.store.results import (
    ResultFilter,
    ResultRow,
    ResultSort,
    count_results,
    exam_counts,
    list_results,
)
from academy_desktop.sync.outbox import SheetSyncState, sheet_states
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp
from academy_desktop.ui.text import localized, rejection_text

PAGE_SIZE = 200
ModelIndex = QModelIndex | QPersistentModelIndex

COL_STUDENT, COL_NUMBER, COL_SCORE, COL_FLAGGED, COL_STATUS, COL_SERVER, COL_FILE = range(7)
COLUMNS = 7
SORT_OF_COLUMN = {
    COL_STUDENT: ResultSort.STUDENT,
    COL_NUMBER: ResultSort.STUDENT,
    COL_SCORE: ResultSort.SCORE,
    COL_FLAGGED: ResultSort.FLAGGED,
    COL_STATUS: ResultSort.STATUS,
    COL_SERVER: ResultSort.ORDER,  # the outbox is not part of the results query
    COL_FILE: ResultSort.ORDER,
}
WARN = QColor("#b45309")
BAD = QColor("#b91c1c")


def _score_text(row: ResultRow) -> str:
    if row.score is None:
        return "–"
    score = f"{row.score:g}"
    return f"{score} / {row.max_score:g}" if row.max_score is not None else score


class ResultsModel(QAbstractTableModel):
    """One row per graded page of an exam, fetched a page at a time."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._exam_id: int | None = None
        self._filter = ResultFilter.ALL
        self._sort = ResultSort.ORDER
        self._descending = False
        self._rows: list[ResultRow] = []
        self._total = 0
        self._server: dict[int, SheetSyncState] = {}  # the rows' outbox states

    # -- what is shown -------------------------------------------------------
    @property
    def exam_id(self) -> int | None:
        return self._exam_id

    @property
    def current_filter(self) -> ResultFilter:
        return self._filter

    def set_exam(self, exam_id: int | None) -> None:
        self._exam_id = exam_id
        self.reload()

    def set_filter(self, result_filter: ResultFilter) -> None:
        if result_filter != self._filter:
            self._filter = result_filter
            self.reload()

    def reload(self) -> None:
        """Forget the rows and fetch the first page again."""
        self.beginResetModel()
        self._rows = []
        self._server = {}
        self._total = self._count()
        self._rows = self._fetch(0, min(PAGE_SIZE, self._total))
        self.endResetModel()

    def refresh_tail(self, total: int | None = None) -> None:
        """New sheets were graded: in grading order they are new rows at the end,
        which the view fetches when it scrolls there; other orders reload.
        ``total`` is the row count for the current filter when already known."""
        if self._exam_id is None:
            return
        if self._sort != ResultSort.ORDER or self._descending:
            self.reload()
            return
        self._total = self._count() if total is None else total
        if len(self._rows) < PAGE_SIZE and self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def row(self, index: int) -> ResultRow:
        return self._rows[index]

    def row_of_submission(self, submission_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.submission_id == submission_id:
                return i
        return None

    def loaded_submission_ids(self) -> list[int]:
        return [r.submission_id for r in self._rows]

    # -- queries -------------------------------------------------------------
    def _count(self) -> int:
        if self._exam_id is None:
            return 0
        with self._ctx.workspace.read() as s:
            return count_results(s, self._exam_id, self._filter)

    def _fetch(self, offset: int, limit: int) -> list[ResultRow]:
        if self._exam_id is None or limit <= 0:
            return []
        with self._ctx.workspace.read() as s:
            rows = list_results(
                s,
                self._exam_id,
                offset=offset,
                limit=limit,
                filter=self._filter,
                sort=self._sort,
                descending=self._descending,
            )
            # one indexed query per page for the Server column
            self._server.update(sheet_states(s, [r.submission_id for r in rows]))
            return rows

    def refresh_server_states(self, submission_ids: list[int] | None = None) -> None:
        """The outbox changed (the sync runner): re-read the Server column of the
        loaded rows (of ``submission_ids`` only, when given) in one query."""
        loaded = {r.submission_id for r in self._rows}
        ids = loaded if submission_ids is None else loaded & set(submission_ids)
        if not ids:
            return
        with self._ctx.workspace.read() as s:
            states = sheet_states(s, ids)
        for sid in ids:
            if sid in states:
                self._server[sid] = states[sid]
            else:
                self._server.pop(sid, None)
        rows = [i for i, r in enumerate(self._rows) if r.submission_id in ids]
        self.dataChanged.emit(self.index(min(rows), COL_SERVER), self.index(max(rows), COL_SERVER))

    def server_state(self, submission_id: int) -> SheetSyncState | None:
        return self._server.get(submission_id)

    # -- Qt model API --------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMNS

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: ModelIndex) -> None:
        if parent.isValid():
            return
        start = len(self._rows)
        rows = self._fetch(start, min(PAGE_SIZE, self._total - start))
        if not rows:
            self._total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = SORT_OF_COLUMN.get(column, ResultSort.ORDER)
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [
            self.tr("Student"),
            self.tr("Number"),
            self.tr("Score"),
            self.tr("Flagged"),
            self.tr("Status"),
            self.tr("Server"),
            self.tr("File"),
        ][section]

    def _status_text(self, r: ResultRow) -> str:
        if r.status == SubmissionStatus.FAILED:
            return self.tr("Rejected: {reason}").format(reason=rejection_text(r.rejection_code))
        if r.review_state == ReviewState.NEEDED:
            return self.tr("Needs review")
        if r.review_state == ReviewState.DONE:
            return self.tr("Reviewed")
        return self.tr("Graded")

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_STUDENT:
                if r.student_name:
                    return r.student_name
                return self.tr("Unknown student") if r.status != SubmissionStatus.FAILED else "–"
            if col == COL_NUMBER:
                return r.student_number or ""
            if col == COL_SCORE:
                return _score_text(r)
            if col == COL_FLAGGED:
                return str(r.flagged) if r.flagged else ""
            if col == COL_STATUS:
                return self._status_text(r)
            if col == COL_SERVER:
                sync = self._server.get(r.submission_id)
                return localized(sync.label) if sync is not None else ""
            return f"{r.file} p.{r.page}" if r.page > 1 else r.file
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status == SubmissionStatus.FAILED and col == COL_STATUS:
                return QBrush(BAD)
            if col == COL_STUDENT and (r.student_name is None or r.duplicate):
                return QBrush(WARN)
            if col == COL_FLAGGED and r.flagged:
                return QBrush(WARN)
            if col == COL_SERVER:
                sync = self._server.get(r.submission_id)
                if sync is not None and (
                    sync.state == OutboxState.NEEDS_ATTENTION or sync.server_status == "failed"
                ):
                    return QBrush(BAD)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_STATUS:
                return self._status_text(r)
            if col == COL_SERVER:
                sync = self._server.get(r.submission_id)
                if sync is None:
                    return self.tr("Not marked to send to the server")
                return "\n".join(localized(t) for t in (sync.label, sync.reason or "") if t)
            if col == COL_STUDENT and r.duplicate:
                return self.tr("Another sheet of this exam has the same student number")
            if col == COL_STUDENT and r.student_name is None and r.student_number:
                return self.tr("Student number {n} is not in the roster").format(n=r.student_number)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_SCORE, COL_FLAGGED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return r.submission_id
        return None


FILTERS = list(ResultFilter)


class ResultsPanel(QWidget):
    """Filter buttons with counts over the results table."""

    open_submission = Signal(int)  # a row was activated: review that sheet
    send_requested = Signal(list)  # submission ids staff marked ready to send
    review_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = ResultsModel(ctx, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_FILE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_FILE, QHeaderView.ResizeMode.Stretch)
        for col in (COL_STUDENT, COL_NUMBER, COL_SCORE, COL_FLAGGED, COL_STATUS, COL_SERVER):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        self.table.setWordWrap(False)
        self.table.activated.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.send_action = QAction(self)
        self.send_action.triggered.connect(self._send_selected)
        self.table.addAction(self.send_action)

        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(True)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        self._filter_buttons: dict[ResultFilter, QPushButton] = {}
        for i, flt in enumerate(FILTERS):
            button = QPushButton(self)
            button.setCheckable(True)
            button.setChecked(flt == ResultFilter.ALL)
            button.setProperty("filter", flt.value)
            self.buttons.addButton(button, i)
            bar.addWidget(button)
            self._filter_buttons[flt] = button
        bar.addStretch(1)
        self.review_button = QPushButton(self)
        self.review_button.clicked.connect(self.review_requested)
        bar.addWidget(self.review_button)
        self.buttons.idClicked.connect(lambda i: self.model.set_filter(FILTERS[i]))

        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        self._counts: dict[ResultFilter, int] = {}
        self._counting = False
        # a batch commits every ~0.5 s: fold the bursts into one refresh
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(400)
        self._refresh_timer.timeout.connect(self._refresh_now)
        ctx.signals.results_changed.connect(self._results_changed)
        ctx.signals.submission_changed.connect(lambda _sid: self._schedule_refresh())
        self.retranslate()

    def retranslate(self) -> None:
        names = {
            ResultFilter.ALL: self.tr("All"),
            ResultFilter.FLAGGED: self.tr("Flagged"),
            ResultFilter.REJECTED: self.tr("Rejected"),
            ResultFilter.UNKNOWN_STUDENT: self.tr("Unknown student"),
            ResultFilter.DUPLICATE_STUDENT: self.tr("Duplicate student"),
        }
        for flt, button in self._filter_buttons.items():
            n = self._counts.get(flt)
            button.setText(names[flt] if n is None else f"{names[flt]} ({n})")
        flagged = self._counts.get(ResultFilter.FLAGGED, 0)
        self.review_button.setText(self.tr("Review flagged ({n})").format(n=flagged))
        self.send_action.setText(self.tr("Send this sheet to the server now"))
        self.review_button.setEnabled(bool(flagged))
        self.empty_label.setText(
            self.tr("No sheets yet. Drop scanned answer sheets (PDF, JPEG, folders) here.")
        )
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMNS - 1)

    def show_exam(self, exam_id: int | None) -> None:
        self.model.set_exam(exam_id)
        self._update_counts()
        self._fit_columns()

    def _results_changed(self, exam_id: int) -> None:
        if exam_id == self.model.exam_id:
            self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        # not restarted while pending: during a batch the table grows every 0.4 s
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _refresh_now(self) -> None:
        """Count in the background (one query for every badge), then grow the table:
        during a batch the UI thread only fetches the new rows."""
        exam_id = self.model.exam_id
        if exam_id is None or self._counting:
            return
        self._counting = True
        ws = self._ctx.workspace

        def count(_state: object) -> dict[ResultFilter, int]:
            with ws.read() as s:
                return dict(exam_counts(s, exam_id))

        def counted(counts: dict[ResultFilter, int]) -> None:
            self._counting = False
            if exam_id != self.model.exam_id:
                return
            self.model.refresh_tail(counts.get(self.model.current_filter, 0))
            self._show_counts(counts)

        def failed(_exc: BaseException) -> None:
            self._counting = False

        BackgroundOp(self, count, counted).failure(failed).run_in_background(self._ctx.runner, "db")

    def reload(self) -> None:
        self.model.reload()
        self._update_counts()

    def _fit_columns(self) -> None:
        # once per exam: fitted to the first rows, then left to the user
        for col in (COL_STUDENT, COL_NUMBER, COL_SCORE, COL_FLAGGED, COL_STATUS, COL_SERVER):
            self.table.resizeColumnToContents(col)
            width = self.table.columnWidth(col)
            self.table.setColumnWidth(col, min(max(width + 16, 80), 320))

    def _update_counts(self) -> None:
        exam_id = self.model.exam_id
        if exam_id is None:
            self._show_counts({})
            return
        with self._ctx.workspace.read() as s:
            self._show_counts(dict(exam_counts(s, exam_id)))

    def _show_counts(self, counts: dict[ResultFilter, int]) -> None:
        self._counts = counts
        total = self._counts.get(ResultFilter.ALL, 0)
        self.table.setVisible(total > 0)
        self.empty_label.setVisible(total == 0)
        self.retranslate()

    def selected_submissions(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row(r).submission_id for r in sorted(rows)]

    def _send_selected(self) -> None:
        ids = self.selected_submissions()
        if ids:
            self.send_requested.emit(ids)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_submission.emit(self.model.row(index.row()).submission_id)
