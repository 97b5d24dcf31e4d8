"""Sync with the academy server, in the window: :class:`SyncController` owns one
:class:`~academy_desktop.sync.runner.SyncRunner`, running on the op runner's ``"sync"``
lane (one thread of its own, so a long sync never blocks grading or picture loading).
It starts when a server address is set and a token is in the keyring, restarts when the
sync settings change or someone signs in, and stops with the window. It polls
``runner.status()`` once a second.

Everything that touches the network or the workspace runs off the UI thread
(:class:`~academy_desktop.ui.ops.BackgroundOp`); the sync package is Qt-free and the
command line (``main.py sync``) does the same things.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from academy_desktop.engine.progress import Cancelled
from academy_desktop.sync import outbox
from academy_desktop.sync import runner as sync_runner
from academy_desktop.sync.auth import AuthState
from academy_desktop.sync.config import SyncConfig
from academy_desktop.sync.errors import SyncError
from academy_desktop.sync.runner import Phase, RunnerStatus, SyncEvent, SyncRunner
from academy_desktop.ui.attention_dialog import AttentionDialog
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpHandle, OpState
from academy_desktop.ui.sync_indicator import IndicatorState, indicator_state

log = logging.getLogger(__name__)


POLL_MS = 1000
ITEMS_BATCH_MS = 500  # item events are folded into one items_changed at most this often
RECHECK_DELAY_MS = 800  # after a review decision, before held items are checked again
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
        # a review decision (a sheet's flags, a homework verdict, a student) may release
        # held items: look again soon, once for a run of quick decisions
        self._recheck_timer = QTimer(self)
        self._recheck_timer.setSingleShot(True)
        self._recheck_timer.setInterval(RECHECK_DELAY_MS)
        self._recheck_timer.timeout.connect(self._recheck_held)
        ctx.signals.submission_changed.connect(lambda _sid: self._recheck_timer.start())
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

    def _recheck_held(self) -> None:
        if self.runner is not None and self.running:
            self.runner.wake()  # the runner re-checks held items on a wake

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
        """What the status-bar indicator shows now (:mod:`~academy_desktop.ui.sync_indicator`)."""
        return indicator_state(self)

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
