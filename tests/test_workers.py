"""Worker processes: results in order, a crashing page costs only itself, no leaks."""

from __future__ import annotations

import os

from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.workers import WorkerPool


def _square_or_die(x: int) -> int:
    if x == 3:
        os._exit(1)  # a native crash inside a decoder looks like this to the pool
    return x * x


def _crashed(x: int) -> int:
    return -x


def test_results_come_back_in_input_order_and_workers_exit() -> None:
    with WorkerPool(2) as pool:
        procs = [w.process for w in pool._workers]
        assert list(pool.map(abs, [-5, 4, -3, 2, -1], on_crash=_crashed)) == [5, 4, 3, 2, 1]
    assert all(not p.is_alive() for p in procs)


def test_a_worker_crash_costs_only_the_page_that_crashed() -> None:
    with WorkerPool(2) as pool:
        out = list(pool.map(_square_or_die, list(range(7)), on_crash=_crashed))
        assert out == [0, 1, 4, -3, 16, 25, 36]
        # the pool heals: the next map runs on fresh workers
        assert list(pool.map(abs, [-1, -2], on_crash=_crashed)) == [1, 2]


def test_cancel_stops_after_the_item_in_hand() -> None:
    state = TaskState()
    seen = []
    with WorkerPool(2) as pool:
        for value in pool.map(abs, list(range(50)), on_crash=_crashed, state=state):
            seen.append(value)
            if value == 4:
                state.cancel()
    assert seen == [0, 1, 2, 3, 4]
