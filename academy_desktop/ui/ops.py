"""One small API for work that must not run on the UI thread.

In the spirit of Anki's ``QueryOp`` and Orange's ``TaskState``::

    BackgroundOp(self, lambda state: store_call(...), self.show_result)
        .failure(self.show_error)
        .with_progress(self.tr("Exporting…"))
        .run_in_background(runner)

* The operation receives an :class:`OpState`: the engine's plain
  :class:`~academy_desktop.engine.progress.TaskState` (progress and cancel) plus
  :meth:`OpState.publish` for partial results. It never sees Qt.
* Callbacks (success, failure, progress, partial) run on the UI thread, through
  queued signals, and are skipped when the parent widget is gone.
* Work runs on one of three lanes of :class:`OpRunner`: ``"db"`` (one thread, so
  workspace writes from the window are serialised, as Anki does), ``"work"``
  (long engine jobs such as a grading batch) or ``"sync"`` (one thread: the outbox
  runner, which runs as long as the window does).
* :meth:`OpRunner.shutdown` cancels everything and waits: the app (and each test)
  ends with no thread left behind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from academy_desktop.engine.progress import Cancelled, TaskState

log = logging.getLogger(__name__)

T = TypeVar("T")
Lane = Literal["db", "work", "sync"]
PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second reach the UI


class OpState(TaskState):
    """Progress, cancellation and partial results for one background operation."""

    def __init__(self, bridge: _Bridge) -> None:
        super().__init__()
        self._bridge = bridge
        self._last_emit = 0.0

    def report(self, fraction: float, message: str = "") -> None:
        super().report(fraction, message)
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_INTERVAL_S or self.fraction >= 1.0:
            self._last_emit = now
            self._bridge.progress.emit(self.fraction, message)

    def publish(self, item: object) -> None:
        """Hand a partial result (a graded page, say) to the UI thread."""
        self._bridge.partial.emit(item)


class _Bridge(QObject):
    """Lives on the UI thread; the worker emits, the UI thread receives."""

    progress = Signal(float, str)
    partial = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], None]) -> None:
        super().__init__()
        self._fn = fn
        self.setAutoDelete(True)

    def run(self) -> None:
        self._fn()


class OpHandle:
    """A running operation: ask it to stop, or ask whether it has finished."""

    def __init__(self, state: OpState) -> None:
        self.state = state
        self.finished = False

    def cancel(self) -> None:
        self.state.cancel()


class OpRunner(QObject):
    """The thread lanes of one window; owns every running :class:`BackgroundOp`."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, work_threads: int = 2) -> None:
        super().__init__(parent)
        self._pools: dict[str, QThreadPool] = {
            "db": QThreadPool(self),
            "work": QThreadPool(self),
            "sync": QThreadPool(self),  # the outbox runner: a long sync never blocks the rest
        }
        for lane, pool in self._pools.items():
            pool.setObjectName(f"academy-{lane}")  # names the threads: visible in a debugger
        self._pools["db"].setMaxThreadCount(1)
        self._pools["work"].setMaxThreadCount(work_threads)
        self._pools["sync"].setMaxThreadCount(1)
        self._running: dict[OpHandle, _Bridge] = {}
        self._closed = False

    @property
    def running(self) -> list[OpHandle]:
        return list(self._running)

    def is_busy(self) -> bool:
        return bool(self._running)

    @property
    def closed(self) -> bool:
        return self._closed

    def start(self, op: BackgroundOp[Any], lane: Lane) -> OpHandle:
        bridge = op.bridge
        handle = OpHandle(OpState(bridge))
        if self._closed:  # the window is closing: late requests (a timer, a signal) are dropped
            log.debug("background operation dropped: the op runner is shut down")
            handle.cancel()
            handle.finished = True
            return handle
        self._running[handle] = bridge
        was_busy = len(self._running) > 1
        queued = Qt.ConnectionType.QueuedConnection
        bridge.succeeded.connect(lambda _r, h=handle: self._finish(h), queued)
        bridge.failed.connect(lambda _e, h=handle: self._finish(h), queued)

        def work() -> None:
            try:
                result = op.fn(handle.state)
            except BaseException as exc:  # reported on the UI thread, never lost
                if not isinstance(exc, Cancelled):
                    log.exception("background operation failed")
                bridge.failed.emit(exc)
            else:
                bridge.succeeded.emit(result)

        self._pools[lane].start(_Runnable(work))
        if not was_busy:
            self.busy_changed.emit(True)
        return handle

    def _finish(self, handle: OpHandle) -> None:
        handle.finished = True
        bridge = self._running.pop(handle, None)
        if bridge is not None:
            bridge.deleteLater()
        if not self._running:
            self.busy_changed.emit(False)

    def cancel_all(self) -> None:
        for handle in list(self._running):
            handle.cancel()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until every lane is idle (tests and shutdown only)."""
        return all(pool.waitForDone(timeout_ms) for pool in self._pools.values())

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything, wait for the threads, and refuse new work."""
        self._closed = True
        self.cancel_all()
        done = self.wait(timeout_ms)
        if done:  # a pool's destructor joins its idle threads: none outlives the window
            for pool in self._pools.values():
                shiboken6.delete(pool)
            self._pools.clear()
        return done


class BackgroundOp(Generic[T]):
    """Run ``fn(state)`` off the UI thread and hand its result to ``success`` on it."""

    def __init__(
        self,
        parent: QWidget | QObject,
        fn: Callable[[OpState], T],
        success: Callable[[T], None] | None = None,
    ) -> None:
        self.parent = parent
        self.fn = fn
        self.bridge = _Bridge()
        self._success = success
        self._failure: Callable[[BaseException], None] | None = None
        self._progress_label: str | None = None

    def _alive(self) -> bool:
        return shiboken6.isValid(self.parent)

    def failure(self, fn: Callable[[BaseException], None]) -> BackgroundOp[T]:
        """Called with the exception (``Cancelled`` included) instead of ``success``."""
        self._failure = fn
        return self

    def on_progress(self, fn: Callable[[float, str], None]) -> BackgroundOp[T]:
        def relay(fraction: float, message: str) -> None:
            if self._alive():
                fn(fraction, message)

        self.bridge.progress.connect(relay, Qt.ConnectionType.QueuedConnection)
        return self

    def on_partial(self, fn: Callable[[Any], None]) -> BackgroundOp[T]:
        def relay(item: object) -> None:
            if self._alive():
                fn(item)

        self.bridge.partial.connect(relay, Qt.ConnectionType.QueuedConnection)
        return self

    def with_progress(self, label: str) -> BackgroundOp[T]:
        """Show a progress dialog (with Cancel) if the work takes more than half a second."""
        self._progress_label = label
        return self

    def run_in_background(self, runner: OpRunner, lane: Lane = "db") -> OpHandle:
        dialog = self._make_dialog() if self._progress_label is not None else None

        def succeeded(result: object) -> None:
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            if self._alive() and self._success is not None:
                self._success(result)  # type: ignore[arg-type]

        def failed(exc: object) -> None:
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            if not self._alive():
                return
            if self._failure is not None:
                self._failure(exc)  # type: ignore[arg-type]
            elif not isinstance(exc, Cancelled):
                raise exc if isinstance(exc, BaseException) else RuntimeError(str(exc))

        self.bridge.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
        self.bridge.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        handle = runner.start(self, lane)
        if dialog is not None:
            dialog.canceled.connect(handle.cancel)
            self.bridge.progress.connect(
                lambda f, _m: dialog.setValue(int(f * 1000)), Qt.ConnectionType.QueuedConnection
            )
            dialog.setValue(0)
        return handle

    def _make_dialog(self) -> QProgressDialog | None:
        parent = self.parent if isinstance(self.parent, QWidget) else None
        dialog = QProgressDialog(
            self._progress_label or "",
            QCoreApplication.translate("BackgroundOp", "Cancel"),
            0,
            1000,
            parent,
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        return dialog
