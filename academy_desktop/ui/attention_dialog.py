"""The "needs attention" dialog: the sheets the server refused, that ran out of
attempts, that failed on the server, or that are held, with the server's messages;
"Send again" requeues, "Retry on server" asks the server to process a sheet again
(both through the :class:`~academy_desktop.ui.sync_controller.SyncController`, off the
UI thread).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.sync import outbox
from academy_desktop.sync.errors import ServerRejected, SyncError
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.text import localized

if TYPE_CHECKING:
    from academy_desktop.ui.sync_controller import SyncController


def _pretty_body(body: object) -> str:
    """The server's answer as it came (JSON, indented for reading)."""
    return json.dumps(body, ensure_ascii=False, indent=2)


class AttentionDialog(QDialog):
    """The sheets a person must look at, with the server's messages."""

    COLUMNS = 5
    COL_EXAM, COL_NUMBER, COL_STUDENT, COL_KIND, COL_MESSAGE = range(COLUMNS)

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionDialog")
        self.controller = controller
        self.ctx = controller.ctx
        self.items: list[outbox.AttentionItem] = []
        self.setMinimumSize(640, 360)
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("attentionDetails")
        self.details.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        self.result_label = QLabel(self)
        self.result_label.setObjectName("attentionResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.send_again_button = QPushButton(self)
        self.retry_button = QPushButton(self)
        self.refresh_button = QPushButton(self)
        self.send_again_button.clicked.connect(self.send_again)
        self.retry_button.clicked.connect(self.retry_on_server)
        self.refresh_button.clicked.connect(self.reload)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.send_again_button)
        row.addWidget(self.retry_button)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.result_label)
        layout.addLayout(row)
        controller.items_changed.connect(self._items_changed)
        self.retranslate()
        self._selection_changed()
        self.reload()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sheets needing attention"))
        self.intro.setText(
            self.tr(
                "These sheets were not accepted by the server, ran out of attempts, failed "
                "on the server, or wait for a mapping or a review. Nothing here is lost."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Exam"),
                self.tr("Number"),
                self.tr("Student"),
                self.tr("Problem"),
                self.tr("Server's message"),
            ]
        )
        self.empty_label.setText(self.tr("Nothing needs attention."))
        self.send_again_button.setText(self.tr("Send again"))
        self.send_again_button.setToolTip(
            self.tr("Put the selected sheets back in the queue (after fixing what was wrong)")
        )
        self.retry_button.setText(self.tr("Retry on server"))
        self.retry_button.setToolTip(self.tr("Ask the server to process the selected sheet again"))
        self.refresh_button.setText(self.tr("Refresh"))
        if self.items:
            self._fill()

    def kind_text(self, kind: str) -> str:
        return {
            "rejected": self.tr("Refused by the server"),
            "attempts": self.tr("Out of attempts"),
            "server_failed": self.tr("Failed on the server"),
            "held": self.tr("Held"),
        }.get(kind, kind)

    # -- loading -------------------------------------------------------------
    def reload(self) -> None:
        ws = self.ctx.workspace

        def load(_state: OpState) -> list[outbox.AttentionItem]:
            with ws.read() as s:
                return outbox.attention_list(s, include_held=True)

        BackgroundOp(self, load, self._loaded).run_in_background(self.ctx.runner, "db")

    def _items_changed(self, _ids: list[int]) -> None:
        if not self.isHidden():
            self.reload()

    def _loaded(self, items: list[outbox.AttentionItem]) -> None:
        selected = set(self.selected_ids())
        # what the server refused or failed first; sheets merely held after them
        self.items = sorted(items, key=lambda i: i.kind == "held")
        self._fill()
        for row, item in enumerate(items):
            if item.submission_id in selected:
                self.table.selectRow(row)
        if not self.table.selectedItems() and items:
            self.table.selectRow(0)
        self._selection_changed()

    def _fill(self) -> None:
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            message = localized(item.reason)
            cells = [
                item.exam_title,
                item.student_number or "",
                item.student_name or self.tr("Unknown student"),
                self.kind_text(item.kind),
                message.replace("\n", "; "),
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col == self.COL_MESSAGE:
                    cell.setToolTip(message)
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()
        has = bool(self.items)
        self.table.setVisible(has)
        self.empty_label.setVisible(not has)

    # -- selection and actions ---------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_items(self) -> list[outbox.AttentionItem]:
        return [self.items[r] for r in self.selected_rows() if r < len(self.items)]

    def selected_ids(self) -> list[int]:
        return [i.submission_id for i in self.selected_items()]

    def _selection_changed(self) -> None:
        chosen = self.selected_items()
        self.send_again_button.setEnabled(any(i.can_requeue for i in chosen))
        self.retry_button.setEnabled(len(chosen) == 1 and chosen[0].can_retry_on_server)
        self.details.setPlainText(self.details_text(chosen[0]) if chosen else "")

    def details_text(self, item: outbox.AttentionItem) -> str:
        lines = [
            f"{item.exam_title} · {item.student_number or '-'} {item.student_name or ''}".strip(),
            self.kind_text(item.kind),
            "",
            localized(item.reason),
        ]
        if item.server_submission_id is not None:
            lines.append(self.tr("Server submission id: {id}").format(id=item.server_submission_id))
        if item.server_errors:
            lines += ["", self.tr("The server's answer:"), _pretty_body(item.server_errors)]
        return "\n".join(lines)

    def send_again(self) -> None:
        ids = [i.submission_id for i in self.selected_items() if i.can_requeue]
        if not ids:
            return

        def done(n: int) -> None:
            self.result_label.setText(self.tr("{n} sheets are queued again.").format(n=n))
            self.reload()

        self.send_again_button.setEnabled(False)
        self.controller.requeue(ids, done)

    def retry_on_server(self) -> None:
        chosen = [i for i in self.selected_items() if i.can_retry_on_server]
        if len(chosen) != 1:
            return
        self.retry_button.setEnabled(False)
        self.result_label.setText(self.tr("Asking the server…"))

        def done(status: str) -> None:
            self.result_label.setText(
                self.tr("The server is processing the sheet again (status: {status}).").format(
                    status=status
                )
            )
            self.reload()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ServerRejected):  # a 400 from retry: shown as it is
                text = self.tr("The server refused (HTTP {status}):").format(status=exc.status)
                self.result_label.setText(text + "\n" + _pretty_body(exc.body))
            elif isinstance(exc, SyncError):
                self.result_label.setText(localized(str(exc)))
            else:
                self.result_label.setText(
                    self.tr("Could not ask the server: {error}").format(error=type(exc).__name__)
                )
            self._selection_changed()

        self.controller.retry_on_server(chosen[0].submission_id, done, failed)
