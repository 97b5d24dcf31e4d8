"""A plain progress/cancel object for long engine functions.

The engine never talks to Qt. Long functions accept a :class:`TaskState`;
the CLI prints its progress to stderr and the GUI turns it into signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """Raised inside engine code when the caller asked to stop."""


class TaskState:
    """Progress reporting and cooperative cancellation, safe to share across threads."""

    def __init__(self, on_progress: Callable[[float, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress
        self.fraction = 0.0
        self.message = ""

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` when cancellation was requested."""
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, fraction: float, message: str = "") -> None:
        self.fraction = min(1.0, max(0.0, fraction))
        self.message = message
        if self._on_progress is not None:
            self._on_progress(self.fraction, message)


class SubTask(TaskState):
    """A part of a parent task: its progress fills ``[start, end]`` of the parent's,
    its messages are prefixed, and cancelling the parent cancels it."""

    def __init__(self, parent: TaskState, start: float, end: float, prefix: str = "") -> None:
        super().__init__()
        self._parent = parent
        self._start, self._end = start, end
        self._prefix = prefix

    def cancel(self) -> None:
        self._parent.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self._parent.is_cancelled

    def check(self) -> None:
        self._parent.check()

    def report(self, fraction: float, message: str = "") -> None:
        super().report(fraction, message)
        text = f"{self._prefix}{message}" if message else self._prefix
        self._parent.report(self._start + (self._end - self._start) * self.fraction, text)
