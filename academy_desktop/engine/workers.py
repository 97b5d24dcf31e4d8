"""Worker processes for a batch: results in input order, surviving worker crashes.

A decoder or OpenCV can crash on a hostile file and take its process with it.
``multiprocessing.Pool`` then waits forever for the lost task, and Python 3.11's
``ProcessPoolExecutor`` can miss the death too. :class:`WorkerPool` gives each
worker one item at a time over its own pipe and watches the process sentinels,
so it knows exactly which item a dead worker held: that item alone becomes
``on_crash(item)``, a fresh worker takes its place, and the batch goes on.

Workers are started with ``spawn`` (the only method on Windows; on Linux it also
avoids forking a parent whose threads - Qt's, OpenCV's - may hold locks). A pool
can be started before the batch is planned, with the heavy modules to import
named in ``preload``, so that the workers' start-up overlaps the planning.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, TypeVar

from academy_desktop.engine.progress import TaskState

T = TypeVar("T")
R = TypeVar("R")


def _serve(conn: Connection, preload: tuple[str, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    for name in preload:
        importlib.import_module(name)
    func: Callable[[Any], Any] | None = None
    try:
        while True:
            message = conn.recv()
            if message is None:
                return
            if message[0] == "init":
                _, func, initializer, initargs = message
                if initializer is not None:
                    initializer(*initargs)
            else:
                _, index, item = message
                assert func is not None
                conn.send((index, func(item)))
    except (EOFError, OSError):
        return  # the parent has gone (closed, killed): nothing left to do


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    task: tuple[int, Any] | None = None


class WorkerPool:
    """``jobs`` worker processes, started at once and reused for one or more maps."""

    def __init__(self, jobs: int, *, context: str = "spawn", preload: Sequence[str] = ()) -> None:
        self._ctx: Any = mp.get_context(context)
        self._preload = tuple(preload)
        self._init: tuple[Any, ...] | None = None
        self._workers = [self._start() for _ in range(max(1, jobs))]

    @property
    def jobs(self) -> int:
        return len(self._workers)

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, args=(child, self._preload), daemon=True)
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        if self._init is not None:
            w.conn.send(self._init)
        return w

    def _replace(self, i: int) -> None:
        _stop(self._workers[i])
        self._workers[i] = self._start()

    def map(
        self,
        func: Callable[[T], R],
        items: Sequence[T],
        *,
        on_crash: Callable[[T], R],
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        state: TaskState | None = None,
    ) -> Iterator[R]:
        """``func(item)`` for every item, yielded in input order as soon as each is ready.

        ``func`` and ``initializer`` must be picklable (module-level functions). At
        most one item per worker is in flight, so memory does not grow with the
        batch. Stops early (after the item in hand) when ``state`` is cancelled;
        items still in flight then are abandoned with their workers.
        """
        state = state or TaskState()
        self._init = ("init", func, initializer, initargs)
        for w in self._workers:
            w.conn.send(self._init)
        # The workers start on the first items now, not when the caller first asks.
        next_index = 0
        for w in self._workers:
            if next_index < len(items):
                w.task = (next_index, items[next_index])
                w.conn.send(("task", *w.task))
                next_index += 1
        return self._collect(items, next_index, on_crash, state)

    def _collect(
        self,
        items: Sequence[T],
        next_index: int,
        on_crash: Callable[[T], R],
        state: TaskState,
    ) -> Iterator[R]:
        done: dict[int, R] = {}
        next_yield = 0
        try:
            while next_yield < len(items):
                for w in self._workers:
                    if w.task is None and next_index < len(items) and not state.is_cancelled:
                        w.task = (next_index, items[next_index])
                        w.conn.send(("task", *w.task))
                        next_index += 1
                while next_yield in done:
                    yield done.pop(next_yield)
                    next_yield += 1
                    if state.is_cancelled:
                        return
                busy = [w for w in self._workers if w.task is not None]
                if not busy:
                    if state.is_cancelled:
                        return
                    continue
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
                for i, w in enumerate(self._workers):
                    if w.task is None:
                        continue
                    if w.conn in ready:
                        try:
                            index, result = w.conn.recv()
                        except (EOFError, OSError):  # died while answering
                            done[w.task[0]] = on_crash(w.task[1])
                            self._replace(i)
                            continue
                        w.task = None
                        done[index] = result
                    elif w.process.sentinel in ready:  # died holding its item
                        done[w.task[0]] = on_crash(w.task[1])
                        self._replace(i)
        finally:
            for i, w in enumerate(self._workers):
                if w.task is not None:  # abandoned (cancelled or the caller stopped early)
                    self._replace(i)

    def close(self) -> None:
        for w in self._workers:
            _stop(w)
        self._workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _stop(w: _Worker) -> None:
    try:
        if w.task is None and w.process.is_alive():
            w.conn.send(None)
    except (OSError, ValueError):
        pass
    w.conn.close()
    w.process.join(timeout=1.0 if w.task is None else 0)
    if w.process.is_alive():
        w.process.terminate()
        w.process.join(timeout=2)
