"""The background-operation API: results, errors, progress, partial results, cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from academy_desktop.engine.progress import Cancelled
from academy_desktop.ui.ops import BackgroundOp, OpRunner, OpState


@pytest.fixture
def runner() -> Iterator[OpRunner]:
    r = OpRunner()
    yield r
    assert r.shutdown(5000)


def test_success_runs_on_the_ui_thread_with_the_result(qtbot: QtBot, runner: OpRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    got: list[tuple[int, bool]] = []
    worker_threads: list[bool] = []

    def op(state: OpState) -> int:
        worker_threads.append(threading.current_thread() is threading.main_thread())
        return 42

    BackgroundOp(
        parent, op, lambda r: got.append((r, threading.current_thread() is threading.main_thread()))
    ).run_in_background(runner)
    qtbot.waitUntil(lambda: bool(got))
    assert got == [(42, True)]
    assert worker_threads == [False]
    qtbot.waitUntil(lambda: not runner.is_busy())


def test_failure_gets_the_exception_and_success_is_skipped(qtbot: QtBot, runner: OpRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    errors: list[BaseException] = []
    ok: list[object] = []

    def op(state: OpState) -> None:
        raise ValueError("bad file")

    BackgroundOp(parent, op, ok.append).failure(errors.append).run_in_background(runner)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "bad file"
    assert ok == []


def test_partial_results_and_progress_arrive_in_order(qtbot: QtBot, runner: OpRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    partial: list[int] = []
    progress: list[float] = []
    done: list[str] = []

    def op(state: OpState) -> str:
        for i in range(5):
            state.publish(i)
            state.report((i + 1) / 5)
        return "end"

    (
        BackgroundOp(parent, op, done.append)
        .on_partial(partial.append)
        .on_progress(lambda f, _m: progress.append(f))
        .run_in_background(runner, "work")
    )
    qtbot.waitUntil(lambda: bool(done))
    assert partial == [0, 1, 2, 3, 4]
    assert progress[-1] == 1.0  # the final report always gets through the throttle
    assert done == ["end"]


def test_cancel_stops_a_cooperative_operation(qtbot: QtBot, runner: OpRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    started = threading.Event()
    errors: list[BaseException] = []

    def op(state: OpState) -> None:
        started.set()
        while True:
            state.check()
            threading.Event().wait(0.01)

    handle = BackgroundOp(parent, op).failure(errors.append).run_in_background(runner, "work")
    assert started.wait(5)
    handle.cancel()
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], Cancelled)
    qtbot.waitUntil(lambda: handle.finished)


def test_callbacks_are_skipped_when_the_parent_is_gone(qtbot: QtBot, runner: OpRunner) -> None:
    parent = QWidget()
    gate = threading.Event()
    got: list[object] = []
    BackgroundOp(parent, lambda s: gate.wait(5), got.append).run_in_background(runner)
    parent.deleteLater()
    qtbot.wait(10)
    gate.set()
    qtbot.waitUntil(lambda: not runner.is_busy())
    assert got == []


def test_db_lane_runs_one_operation_at_a_time(qtbot: QtBot, runner: OpRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    active = 0
    peak = 0
    lock = threading.Lock()
    done: list[object] = []

    def op(state: OpState) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        threading.Event().wait(0.02)
        with lock:
            active -= 1

    for _ in range(4):
        BackgroundOp(parent, op, done.append).run_in_background(runner, "db")
    qtbot.waitUntil(lambda: len(done) == 4)
    assert peak == 1


def test_shutdown_drops_new_work(qtbot: QtBot) -> None:
    r = OpRunner()
    assert r.shutdown(1000) and r.closed
    parent = QWidget()
    qtbot.addWidget(parent)
    ran: list[object] = []
    handle = BackgroundOp(parent, lambda s: ran.append(1), ran.append).run_in_background(r)
    qtbot.wait(50)
    assert handle.finished and handle.state.is_cancelled
    assert ran == []
