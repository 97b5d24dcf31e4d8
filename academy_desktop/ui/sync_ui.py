"""Sync with the academy server, in the window: the controller, the status-bar
indicator and the "needs attention" dialog.

* :class:`SyncController` owns one :class:`~academy_desktop.sync.runner.SyncRunner`,
  running on the op runner's ``"sync"`` lane (one thread of its own, so a long sync
  never blocks grading or picture loading). It starts when a server address is set
  and a token is in the keyring, restarts when the sync settings change or someone
  signs in, and stops with the window. It polls ``runner.status()`` once a second.
* :class:`SyncIndicator` is the status-bar button: "Offline", "Syncing n/m",
  "All sent", "Needs attention n"; a click opens the attention list (or the sign-in
  dialog when a sign-in is needed).
* :class:`AttentionDialog` lists the sheets the server refused, that ran out of
  attempts, that failed on the server, or that are held, with the server's messages;
  "Send again" requeues, "Retry on server" asks the server to process a sheet again.

Everything that touches the network or the workspace runs off the UI thread
(:class:`~academy_desktop.ui.ops.BackgroundOp`); the sync package is Qt-free and the
command line (``main.py sync``) does the same things.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
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
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.progress import Cancelled
from academy_desktop.sync import outbox
from academy_desktop.sync import runner as sync_runner
from academy_desktop.sync.auth import AuthState
from academy_desktop.sync.config import SyncConfig
from academy_desktop.sync.errors import ServerRejected, SyncError
from academy_desktop.sync.runner import Phase, RunnerStatus, SyncEvent, SyncRunner
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpHandle, OpState
from academy_desktop.ui.text import localized

log = logging.getLogger(__name__)


def _offline() -> str:
    # the catalogue has had this under "MainWindow" since the window's first version
    return QCoreApplication.translate("MainWindow", "Offline")


POLL_MS = 1000
ITEMS_BATCH_MS = 500  # item events are folded into one items_changed at most this often
# the settings whose change needs a new runner (a language switch does not)
_SYNC_KEYS = (
    "server_url",
    "token_path",
    "refresh_path",
    "ca_bundle",
    "sync_timeout_s",
    "sync_max_attempts",
    "auto_send",
)


@dataclass(frozen=True)
class IndicatorState:
    """What the status-bar indicator shows.

    ``kind``: ``not_set_up``, ``sign_in``, ``offline``, ``syncing``, ``attention``,
    ``all_sent``, ``held``, ``idle`` or ``starting``."""

    kind: str
    text: str
    tooltip: str
    attention: int = 0


class SyncController(QObject):
    """Owns the outbox runner of one window (see the module documentation)."""

    status_changed = Signal()  # the indicator should redraw (indicator() changed)
    items_changed = Signal(list)  # submission ids whose outbox state changed
    running_changed = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent_widget = parent
        self.config: SyncConfig | None = None
        self.auth: AuthState | None = None
        self.config_error: str = ""
        self.runner: SyncRunner | None = None
        self._handle: OpHandle | None = None
        self._generation = 0
        self._exam_id: int | None = None
        self._last: IndicatorState | None = None
        self._pending_items: set[int] = set()
        self._sync_settings = self._settings_key()
        self._closed = False

        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._update)
        self._items_timer = QTimer(self)
        self._items_timer.setSingleShot(True)
        self._items_timer.setInterval(ITEMS_BATCH_MS)
        self._items_timer.timeout.connect(self._flush_items)
        self._restart_timer = QTimer(self)  # several reasons at once: one restart
        self._restart_timer.setSingleShot(True)
        self._restart_timer.setInterval(0)
        self._restart_timer.timeout.connect(self._restart_now)

        self.send_now_action = QAction(self)
        self.sign_in_action = QAction(self)
        self.attention_action = QAction(self)
        self.send_now_action.triggered.connect(self.send_selected_exam_now)
        self.sign_in_action.triggered.connect(self.open_sign_in)
        self.attention_action.triggered.connect(self.open_attention)
        ctx.signals.settings_changed.connect(self._settings_changed)
        self.retranslate()
        self._update_actions()
        QTimer.singleShot(0, self, self.start)

    # -- texts and actions -----------------------------------------------------
    def retranslate(self) -> None:
        self.send_now_action.setText(self.tr("Send to server now"))
        self.send_now_action.setToolTip(
            self.tr("Mark every graded sheet of this exam ready and send them to the server now")
        )
        self.sign_in_action.setText(self.tr("Sign in to server…"))
        self.attention_action.setText(self.tr("Sheets needing attention…"))
        self._last = None
        self._update()

    def actions(self) -> list[QAction]:
        return [self.send_now_action, self.sign_in_action, self.attention_action]

    def set_exam(self, exam_id: int | None) -> None:
        """The exam selected in the window ("Send now" sends it)."""
        self._exam_id = exam_id
        self._update_actions()

    def _update_actions(self) -> None:
        self.send_now_action.setEnabled(self._exam_id is not None)

    # -- running ---------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def _settings_key(self) -> tuple[Any, ...]:
        s = self.ctx.settings
        return tuple(getattr(s, k) for k in _SYNC_KEYS)

    def _load_config(self) -> bool:
        """Read the sync settings and the keyring; False when sync cannot start."""
        self.config, self.auth, self.config_error = None, None, ""
        if not self.ctx.settings.server_url.strip():
            return False
        try:
            self.config = SyncConfig.from_settings(self.ctx.settings)
        except SyncError as exc:
            self.config_error = str(exc)
            return False
        self.auth = AuthState.load(self.config)
        return self.auth.signed_in

    def start(self) -> None:
        """Start the runner when the server is set up and someone is signed in."""
        if self._closed or self.running or self.ctx.runner.closed:
            return
        if not self._load_config():
            self._update(force=True)
            return
        assert self.config is not None and self.auth is not None
        runner = SyncRunner(
            self.ctx.workspace, self.config, self.auth, auto_send=self.ctx.settings.auto_send
        )
        self.runner = runner
        self._generation += 1
        generation = self._generation

        def work(state: OpState) -> sync_runner.RunSummary:
            return runner.run(state, on_event=state.publish)

        def ended(_result: object) -> None:
            if generation == self._generation:
                self._handle = None
                self._poll.stop()
                self.running_changed.emit(False)
                self._update(force=True)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, Cancelled):
                log.warning("the sync runner stopped: %s", type(exc).__name__)
            ended(None)

        self._handle = (
            BackgroundOp(self, work, ended)
            .failure(failed)
            .on_partial(self._event)
            .run_in_background(self.ctx.runner, "sync")
        )
        self._poll.start()
        self.running_changed.emit(True)
        self._update(force=True)

    def stop(self) -> None:
        """Stop the runner (it finishes the step in flight; nothing is lost)."""
        self._generation += 1
        if self.runner is not None:
            self.runner.stop()
        if self._handle is not None:
            self._handle.cancel()
        was_running = self.running
        self._handle = None
        self.runner = None
        self._poll.stop()
        if was_running:
            self.running_changed.emit(False)

    def restart(self) -> None:
        """Start again with the current settings and keyring (coalesced)."""
        self._restart_timer.start()

    def _restart_now(self) -> None:
        self.stop()  # the sync lane has one thread: the new run waits for the old one
        self.start()

    def shutdown(self) -> None:
        """The window closes: stop for good."""
        self._closed = True
        self._restart_timer.stop()
        self._items_timer.stop()
        self.stop()

    def wake(self) -> None:
        """Look at the outbox now (new items, a mapping changed, the network is back);
        starts the runner when it is not running."""
        if self.runner is not None and self.running:
            self.runner.wake()
        else:
            self.start()

    def status(self) -> RunnerStatus | None:
        return self.runner.status() if self.runner is not None else None

    def _settings_changed(self) -> None:
        key = self._settings_key()
        if key != self._sync_settings:
            self._sync_settings = key
            self.restart()

    def signed_in(self) -> None:
        """Someone signed in (the sign-in dialog): use the new tokens."""
        if self.runner is not None and self.running:
            status = self.runner.status()
            if status.phase == Phase.SIGN_IN:
                self.runner.wake()  # resumes exactly where it paused
                return
        self.restart()

    # -- events from the runner -------------------------------------------------
    def _event(self, event: object) -> None:
        if not isinstance(event, SyncEvent):
            return
        if event.kind == "item" and event.submission_id is not None:
            self._pending_items.add(event.submission_id)
            if not self._items_timer.isActive():
                self._items_timer.start()
        elif event.kind == "phase":
            self._update()

    def _flush_items(self) -> None:
        ids, self._pending_items = sorted(self._pending_items), set()
        if ids:
            self.items_changed.emit(ids)
            self._update()

    # -- the indicator -----------------------------------------------------------
    def indicator(self) -> IndicatorState:
        status = self.status()
        if status is None or not self.running:
            if not self.ctx.settings.server_url.strip():
                return IndicatorState(
                    "not_set_up",
                    _offline(),
                    QCoreApplication.translate(
                        "MainWindow", "Sync with the academy server is not set up"
                    ),
                )
            if self.config_error:
                return IndicatorState(
                    "not_set_up",
                    _offline(),
                    localized(self.config_error),
                )
            if self.auth is None or not self.auth.signed_in:
                return IndicatorState(
                    "sign_in",
                    self.tr("Sign in"),
                    self.tr("Not signed in to the academy server. Click to sign in."),
                )
            return IndicatorState("starting", _offline(), self.tr("Sync is stopped"))
        counts = status.counts
        attention = counts.needs_attention
        if status.phase == Phase.SIGN_IN:
            return IndicatorState(
                "sign_in",
                self.tr("Sign in again"),
                localized(status.message) or self.tr("Please sign in to the server again."),
                attention,
            )
        if status.phase == Phase.OFFLINE:
            tip = self.tr("The server cannot be reached. Sheets wait and are sent later.")
            if status.message:
                tip += "\n" + localized(status.message)
            return IndicatorState("offline", _offline(), tip, attention)
        if counts.pending:
            n, m = status.progress
            tip = self.tr("{n} of {m} sheets sent; {left} waiting").format(
                n=n, m=m, left=counts.pending
            )
            if attention:
                tip += "\n" + self.tr("{n} sheets need attention").format(n=attention)
            return IndicatorState(
                "syncing", self.tr("Syncing {n}/{m}").format(n=n, m=m), tip, attention
            )
        server_tip = self.tr(
            "On the server: {sent} (done {done}, processing {processing}, failed {failed})"
        ).format(
            sent=counts.sent,
            done=counts.server_done,
            processing=counts.server_processing,
            failed=counts.server_failed,
        )
        if attention:
            return IndicatorState(
                "attention",
                self.tr("Needs attention {n}").format(n=attention),
                self.tr("{n} sheets need attention. Click to see the server's messages.").format(
                    n=attention
                )
                + "\n"
                + server_tip,
                attention,
            )
        if counts.all_sent:
            return IndicatorState("all_sent", self.tr("All sent"), server_tip)
        if counts.held:
            return IndicatorState(
                "held",
                self.tr("{n} held").format(n=counts.held),
                self.tr(
                    "{n} sheets wait for a server mapping or a review. Click to see why."
                ).format(n=counts.held)
                + "\n"
                + server_tip,
            )
        return IndicatorState("idle", self.tr("Nothing to send"), server_tip)

    def _update(self, force: bool = False) -> None:
        state = self.indicator()
        if force or state != self._last:
            self._last = state
            self.status_changed.emit()

    # -- what the user asks for ------------------------------------------------
    def send_selected_exam_now(self) -> None:
        if self._exam_id is not None:
            self.send_exam_now(self._exam_id)

    def send_exam_now(self, exam_id: int, done: Callable[[int], None] | None = None) -> None:
        """ "Send now": every graded sheet of the exam goes to the outbox, due at once."""
        self._send(exam_id, None, done)

    def send_sheets_now(
        self, submission_ids: Sequence[int], done: Callable[[int], None] | None = None
    ) -> None:
        """ "Send these sheets": only the chosen sheets go to the outbox, due at once."""
        self._send(None, list(submission_ids), done)

    def _send(
        self,
        exam_id: int | None,
        chosen: list[int] | None,
        done: Callable[[int], None] | None,
    ) -> None:
        ws = self.ctx.workspace

        def work(_state: OpState) -> tuple[int, list[int]]:
            with ws.write() as s:
                if chosen is None:
                    assert exam_id is not None
                    outbox.mark_exam_ready(s, exam_id)
                    ids = outbox.graded_submission_ids(s, exam_id)
                else:
                    outbox.mark_ready(s, chosen)
                    ids = chosen
                return (outbox.send_now(s, ids) if ids else 0), ids

        def sent(result: tuple[int, list[int]]) -> None:
            n, ids = result
            if ids:  # the Server column shows them waiting (or held) at once
                self.items_changed.emit(ids)
            if self.config is None or self.auth is None or not self.auth.signed_in:
                self._load_config()
            if self.auth is None or not self.auth.signed_in:
                self.open_sign_in()  # the sheets wait in the outbox meanwhile
            else:
                self.wake()
            self._update(force=True)
            if done is not None:
                done(n)

        BackgroundOp(self, work, sent).run_in_background(self.ctx.runner, "db")

    def requeue(self, submission_ids: Sequence[int], done: Callable[[int], None]) -> None:
        """ "Send again" for items the server refused or that ran out of attempts."""
        ws = self.ctx.workspace
        ids = list(submission_ids)

        def work(_state: OpState) -> int:
            with ws.write() as s:
                return outbox.requeue(s, ids)

        def requeued(n: int) -> None:
            self.items_changed.emit(ids)
            self.wake()
            done(n)

        BackgroundOp(self, work, requeued).run_in_background(self.ctx.runner, "db")

    def retry_on_server(
        self,
        submission_id: int,
        done: Callable[[str], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """ "Retry on server" (``POST .../retry/``) for a sheet that failed there."""
        if self.config is None or self.auth is None:
            self._load_config()
        config, auth = self.config, self.auth
        if config is None or auth is None:
            failed(SyncError(self.tr("Sign in to the server first.")))
            return
        ws = self.ctx.workspace

        def work(_state: OpState) -> str:
            return sync_runner.retry_on_server(ws, config, auth, submission_id)

        def retried(status: str) -> None:
            self.items_changed.emit([submission_id])
            self.wake()
            done(status)

        BackgroundOp(self, work, retried).failure(failed).run_in_background(self.ctx.runner, "work")

    def _dialog_parent(self) -> QWidget | None:
        return self._parent_widget

    def open_sign_in(self) -> None:
        from academy_desktop.ui.sign_in_dialog import SignInDialog

        dialog = SignInDialog(self.ctx, self._dialog_parent())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.signed_in.connect(lambda _url: self.signed_in())
        dialog.signed_out.connect(self.restart)
        dialog.open()

    def open_attention(self) -> None:
        dialog = AttentionDialog(self, self._dialog_parent())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def indicator_clicked(self) -> None:
        if self.indicator().kind in ("sign_in", "not_set_up"):
            self.open_sign_in()
        else:
            self.open_attention()


class SyncIndicator(QToolButton):
    """The status-bar indicator; a click opens the attention list or the sign-in."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("syncState")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.state: IndicatorState | None = None
        self.clicked.connect(controller.indicator_clicked)
        controller.status_changed.connect(self.refresh)
        self.refresh()

    def retranslate(self) -> None:
        self.controller.retranslate()
        self.refresh()

    def refresh(self) -> None:
        state = self.controller.indicator()
        self.state = state
        self.setText(state.text)
        self.setToolTip(state.tooltip)
        self.setAccessibleName(state.text)
        self.setProperty("syncKind", state.kind)
        font = self.font()
        font.setBold(state.kind in ("attention", "sign_in"))
        self.setFont(font)


# ------------------------------------------------------------------- attention


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


__all__ = ["AttentionDialog", "IndicatorState", "SyncController", "SyncIndicator"]
