"""Analysing dropped homework files from the window: progress, time left, Cancel.

The work is the CLI's (``store.homework_batch.prepare`` then ``run``, or ``resume``)
on the ``"work"`` lane. Each file's analysis is committed by the store as soon as it
is done, so a cancel keeps every finished card; the rest are "unfinished" and the
page offers to resume them.

The analysis function is injectable (:attr:`HomeworkBatchController.analyse`, tests
pass a fake); ``None`` is the engine's ``analyse_file``, imported when first used.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.store import homework_batch
from academy_desktop.store.database import Workspace
from academy_desktop.store.homework_batch import HomeworkOutcome
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpHandle, OpState
from academy_desktop.ui.text import localized

Analyse = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Copying:
    """Files being copied into the workspace (before any analysis)."""

    fraction: float
    name: str


@dataclass(frozen=True)
class HomeworkPlan:
    homework_id: int
    title: str
    files: list[str]  # names to analyse, in order
    already: list[str]  # analysed before: nothing to do
    refused: list[tuple[str, str]]  # (name, "한국어 / English" reason)


@dataclass
class HomeworkRunSummary:
    homework_id: int | None = None
    files: int = 0
    analysed: int = 0
    to_check: int = 0
    already: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False
    submission_ids: list[int] = field(default_factory=list)


class _CopyState(TaskState):
    """Copy progress as partial results; cancelling follows the operation's state."""

    def __init__(self, op: OpState) -> None:
        super().__init__()
        self._op = op

    @property
    def is_cancelled(self) -> bool:
        return self._op.is_cancelled

    def check(self) -> None:
        self._op.check()

    def report(self, fraction: float, message: str = "") -> None:
        super().report(fraction, message)
        self._op.publish(Copying(self.fraction, message))


def analyse_in_workspace(
    state: OpState,
    ws: Workspace,
    homework_id: int,
    paths: list[Path] | None,
    *,
    pattern: str | None = None,
    analyse: Analyse | None = None,
    options: dict[str, Any] | None = None,
) -> HomeworkRunSummary:
    """The batch itself (on a worker thread): copy in and plan (or resume), then analyse
    file by file, publishing the plan and each outcome."""
    if paths is None:
        batch = homework_batch.resume(ws, homework_id)
    else:
        batch = homework_batch.prepare(
            ws, homework_id, paths, pattern=pattern, state=_CopyState(state)
        )
    plan = HomeworkPlan(
        homework_id,
        batch.title,
        [item.original_name for item in batch.items],
        [p.name for p in batch.already],
        [(p.name, reason) for p, reason in batch.refused],
    )
    state.publish(plan)
    summary = HomeworkRunSummary(
        homework_id, len(batch.items), already=plan.already, refused=plan.refused
    )
    for outcome in homework_batch.run(ws, batch, state=state, analyse=analyse, options=options):
        summary.analysed += 1
        summary.to_check += outcome.doubtful
        summary.submission_ids.append(outcome.submission_id)
        state.publish(outcome)
    return summary


class HomeworkBatchController(QObject):
    """Starts, follows and cancels one homework batch at a time."""

    copying = Signal(object)  # Copying
    planned = Signal(object)  # HomeworkPlan
    file_done = Signal(object)  # HomeworkOutcome
    progress = Signal(float, str)  # overall fraction, message
    finished = Signal(object)  # HomeworkRunSummary
    failed = Signal(str)  # a message for the user (already localised)
    running_changed = Signal(bool)

    def __init__(
        self, ctx: AppContext, parent: QObject | None = None, analyse: Analyse | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.analyse = analyse
        self.options: dict[str, Any] | None = None
        self.homework_id: int | None = None
        self._handle: OpHandle | None = None
        self._plan: HomeworkPlan | None = None
        self._outcomes: list[HomeworkOutcome] = []

    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def start(self, homework_id: int, paths: list[Path], pattern: str | None = None) -> bool:
        return self._start(homework_id, [Path(p) for p in paths], pattern)

    def resume(self, homework_id: int) -> bool:
        return self._start(homework_id, None, None)

    def _start(self, homework_id: int, paths: list[Path] | None, pattern: str | None) -> bool:
        if self.running:
            return False
        self.homework_id = homework_id
        self._plan = None
        self._outcomes = []
        ws, analyse = self.ctx.workspace, self.analyse
        # the settings' OCR and model choice, unless a caller (a test) set its own
        options = self.options if self.options is not None else self.ctx.settings.homework_options()
        self._handle = (
            BackgroundOp(
                self,
                lambda state: analyse_in_workspace(
                    state, ws, homework_id, paths, pattern=pattern, analyse=analyse, options=options
                ),
                self._success,
            )
            .on_partial(self._partial)
            .on_progress(self.progress.emit)
            .failure(self._failure)
            .run_in_background(self.ctx.runner, "work")
        )
        self.running_changed.emit(True)
        return True

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    def _partial(self, item: object) -> None:
        if isinstance(item, Copying):
            self.copying.emit(item)
        elif isinstance(item, HomeworkPlan):
            self._plan = item
            self.planned.emit(item)
        elif isinstance(item, HomeworkOutcome):
            self._outcomes.append(item)
            self.file_done.emit(item)

    def _success(self, summary: HomeworkRunSummary) -> None:
        self._handle = None
        self.running_changed.emit(False)
        self.finished.emit(summary)

    def _failure(self, exc: BaseException) -> None:
        self._handle = None
        self.running_changed.emit(False)
        if isinstance(exc, Cancelled):
            plan = self._plan
            self.finished.emit(
                HomeworkRunSummary(
                    self.homework_id,
                    len(plan.files) if plan else 0,
                    analysed=len(self._outcomes),
                    to_check=sum(o.doubtful for o in self._outcomes),
                    already=plan.already if plan else [],
                    refused=plan.refused if plan else [],
                    cancelled=True,
                    submission_ids=[o.submission_id for o in self._outcomes],
                )
            )
        else:
            self.failed.emit(localized(str(exc)))


class HomeworkBatchPanel(QWidget):
    """Overall bar, the current file and its %, time left, Cancel; then the outcome,
    what was already analysed, and refused files with their reasons."""

    def __init__(self, controller: HomeworkBatchController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeworkBatch")
        self.controller = controller
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setObjectName("batchTitle")
        self.bar = QProgressBar(self)
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        self.file_bar = QProgressBar(self)
        self.file_bar.setRange(0, 100)
        self.file_bar.setMaximumHeight(self.fontMetrics().height())
        self.file_bar.setTextVisible(True)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(controller.cancel)
        self.close_button = QToolButton(self)
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.clicked.connect(self.hide)
        self.refused_label = QLabel(self)
        self.refused_label.setWordWrap(True)
        self.refused = QListWidget(self)
        self.refused.setWordWrap(True)
        self.refused.setMaximumHeight(8 * self.fontMetrics().height())
        self.refused.setTextElideMode(Qt.TextElideMode.ElideNone)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.close_button)
        current = QHBoxLayout()
        current.addWidget(self.current, 3)
        current.addWidget(self.file_bar, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addLayout(current)
        layout.addWidget(self.refused_label)
        layout.addWidget(self.refused)

        self._plan: HomeworkPlan | None = None
        self._summary: HomeworkRunSummary | None = None
        self._error: str | None = None
        self._copy: Copying | None = None
        self._fraction = 0.0
        self._done = 0
        self._first_at: float | None = None
        controller.copying.connect(self._copying)
        controller.planned.connect(self._planned)
        controller.file_done.connect(self._file_done)
        controller.progress.connect(self._progress)
        controller.finished.connect(self._finished)
        controller.failed.connect(self._failed)
        controller.running_changed.connect(self._running_changed)
        self.retranslate()
        self.hide()

    # -- text ------------------------------------------------------------------
    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        self.close_button.setToolTip(self.tr("Hide"))
        self.refused_label.setText(self.tr("Not analysed (files that cannot be used):"))
        self._update_text()

    def eta_seconds(self) -> float | None:
        if self._first_at is None or self._fraction <= 0.02:
            return None
        elapsed = time.monotonic() - self._first_at
        if elapsed < 1.0:
            return None
        return elapsed * (1 - self._fraction) / self._fraction

    def _eta_text(self, seconds: float) -> str:
        if seconds < 60:
            return self.tr("about {s} s left").format(s=max(1, round(seconds)))
        return self.tr("about {m} min left").format(m=round(seconds / 60))

    def _current_index(self) -> tuple[int, float]:
        n = len(self._plan.files) if self._plan else 0
        if not n:
            return 0, 0.0
        pos = self._fraction * n
        i = min(n - 1, int(pos))
        return i, min(1.0, pos - i)

    def _update_text(self) -> None:
        if self._error is not None:
            self.title.setText(self.tr("Analysis stopped: {error}").format(error=self._error))
            self.current.hide()
            self.file_bar.hide()
            return
        s = self._summary
        if s is not None:
            if s.cancelled:
                text = self.tr(
                    "Cancelled: {done} of {total} files analysed and kept. The rest can be resumed."
                ).format(done=s.analysed, total=s.files)
            elif s.files == 0 and s.already:
                text = self.tr(
                    "These files were analysed before: nothing new to analyse ({n} files)."
                ).format(n=len(s.already))
            elif s.files == 0:
                text = self.tr("Nothing to analyse.")
            else:
                text = self.tr("Done: {n} files analysed, {check} to check.").format(
                    n=s.analysed, check=s.to_check
                )
                if s.already:
                    text += " " + self.tr("{n} were analysed before and left as they are.").format(
                        n=len(s.already)
                    )
            self.title.setText(text)
            self.current.hide()
            self.file_bar.hide()
            return
        self.current.show()
        if self._plan is None:
            copy = self._copy
            if copy is not None and copy.name:
                self.title.setText(self.tr("Copying the files into the workspace…"))
                self.current.setText(copy.name)
            else:
                self.title.setText(self.tr("Preparing the files…"))
                self.current.setText("")
            self.file_bar.hide()
            return
        n = len(self._plan.files)
        text = self.tr("Analysing {n} files: {done} done").format(n=n, done=self._done)
        eta = self.eta_seconds()
        if eta is not None:
            text += " · " + self._eta_text(eta)
        self.title.setText(text)
        if n:
            i, part = self._current_index()
            self.current.setText(
                self.tr("File {i} of {n}: {name}").format(i=i + 1, n=n, name=self._plan.files[i])
            )
            self.file_bar.setValue(round(part * 100))
            self.file_bar.show()

    # -- events ------------------------------------------------------------------
    def _running_changed(self, running: bool) -> None:
        self.cancel_button.setVisible(running)
        self.close_button.setVisible(not running)
        if running:
            self._plan = None
            self._summary = None
            self._error = None
            self._copy = None
            self._fraction = 0.0
            self._done = 0
            self._first_at = None
            self.bar.setRange(0, 0)  # busy until the files are copied and planned
            self.refused.clear()
            self.refused.hide()
            self.refused_label.hide()
            self.show()
            self._update_text()

    def _copying(self, copy: Copying) -> None:
        self._copy = copy
        self._update_text()

    def _planned(self, plan: HomeworkPlan) -> None:
        self._plan = plan
        self._first_at = time.monotonic()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.refused.clear()
        for name, reason in plan.refused:
            self.refused.addItem(f"{name}: {localized(reason)}")
        self.refused.setVisible(bool(plan.refused))
        self.refused_label.setVisible(bool(plan.refused))
        self._update_text()

    def _progress(self, fraction: float, _message: str) -> None:
        if self._plan is None:
            return
        self._fraction = fraction
        self.bar.setValue(round(fraction * 1000))
        self._update_text()

    def _file_done(self, outcome: HomeworkOutcome) -> None:
        self._done += 1
        n = len(self._plan.files) if self._plan else 0
        if n:
            self._fraction = max(self._fraction, self._done / n)
            self.bar.setValue(round(self._fraction * 1000))
        self._update_text()

    def _finished(self, summary: HomeworkRunSummary) -> None:
        self._summary = summary
        self.bar.setRange(0, 1000)
        if not summary.cancelled:
            self.bar.setValue(1000)
        if summary.refused and not self.refused.count():
            for name, reason in summary.refused:
                self.refused.addItem(f"{name}: {localized(reason)}")
        self.refused.setVisible(bool(summary.refused))
        self.refused_label.setVisible(bool(summary.refused))
        self._update_text()

    def _failed(self, message: str) -> None:
        self._error = message
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self._update_text()

    # -- for tests and the page ---------------------------------------------------
    @property
    def summary(self) -> HomeworkRunSummary | None:
        return self._summary

    def refused_texts(self) -> list[str]:
        return [self.refused.item(i).text() for i in range(self.refused.count())]


__all__ = [
    "Copying",
    "HomeworkBatchController",
    "HomeworkBatchPanel",
    "HomeworkPlan",
    "HomeworkRunSummary",
    "analyse_in_workspace",
]
