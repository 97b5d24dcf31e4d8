"""Grading a batch from the window: progress per file, time left, Cancel.

The work is the CLI's (``store.grading.prepare`` then ``store.grading.run``), run
on the "work" lane of the op runner. Each page is committed by the store as it is
graded; the panel only shows what the worker publishes, so the UI thread does a
few microseconds of work per page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.progress import Cancelled
from academy_desktop.store import grading
from academy_desktop.store.database import Workspace
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpHandle, OpState
from academy_desktop.ui.text import localized


@dataclass(frozen=True)
class Planned:
    """What the batch will do, published once it is planned."""

    exam_id: int
    files: list[tuple[str, int]]  # (path, pages to grade)
    already_graded: list[str]
    skipped_pages: int


@dataclass(frozen=True)
class PageDone:
    source: str
    page: int
    ok: bool
    review: bool
    submission_id: int


@dataclass
class BatchSummary:
    exam_id: int | None = None
    pages: int = 0
    graded: int = 0
    rejected: int = 0
    review: int = 0
    already_graded: list[str] = field(default_factory=list)
    cancelled: bool = False
    submission_ids: list[int] = field(default_factory=list)


def grade_in_workspace(
    state: OpState,
    ws: Workspace,
    exam_title: str,
    paths: list[Path],
    jobs: int,
    pdf_dpi: int = 200,
) -> BatchSummary:
    """The batch itself (runs on a worker thread): plan, then grade page by page.

    PDF pages are rendered at ``pdf_dpi`` (the user's setting)."""
    batch = grading.prepare(ws, exam_title, paths, pdf_dpi=pdf_dpi)
    files: dict[str, int] = {}
    for item in batch.job.items:
        files[str(item.path)] = files.get(str(item.path), 0) + 1
    state.publish(
        Planned(
            batch.exam_id,
            list(files.items()),
            [str(p) for p in batch.already_graded],
            batch.skipped_pages,
        )
    )
    summary = BatchSummary(
        batch.exam_id, batch.pages, already_graded=[str(p) for p in batch.already_graded]
    )
    done = 0
    for result, sub_id in grading.run(ws, batch, jobs=jobs, state=state):
        done += 1
        ok = result.status == "ok"
        summary.graded += ok
        summary.rejected += not ok
        summary.review += result.review_required
        summary.submission_ids.append(sub_id)
        state.publish(PageDone(result.source, result.page, ok, result.review_required, sub_id))
        state.report(done / max(1, batch.pages))
    summary.cancelled = state.is_cancelled and done < batch.pages
    return summary


class BatchController(QObject):
    """Starts, follows and cancels one batch at a time for the window."""

    planned = Signal(object)  # Planned
    page_done = Signal(object)  # PageDone
    finished = Signal(object)  # BatchSummary
    failed = Signal(str)  # a message for the user (already localised)
    running_changed = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._handle: OpHandle | None = None
        self.exam_id: int | None = None

    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def start(self, exam_id: int, exam_title: str, paths: list[Path]) -> bool:
        if self.running:
            return False
        self.exam_id = exam_id
        # the settings as they are now: a change made during the batch applies to the next
        jobs = self._ctx.settings.jobs
        pdf_dpi = self._ctx.settings.pdf_dpi
        ws = self._ctx.workspace
        self._handle = (
            BackgroundOp(
                self,
                lambda state: grade_in_workspace(state, ws, exam_title, paths, jobs, pdf_dpi),
                self._success,
            )
            .on_partial(self._partial)
            .failure(self._failure)
            .run_in_background(self._ctx.runner, "work")
        )
        self.running_changed.emit(True)
        return True

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    def _partial(self, item: object) -> None:
        if isinstance(item, Planned):
            self.exam_id = item.exam_id
            self.planned.emit(item)
        elif isinstance(item, PageDone):
            self.page_done.emit(item)
            if self.exam_id is not None:
                self._ctx.signals.results_changed.emit(self.exam_id)

    def _success(self, summary: BatchSummary) -> None:
        self._handle = None
        self.running_changed.emit(False)
        self._ctx.signals.exams_changed.emit()
        self.finished.emit(summary)

    def _failure(self, exc: BaseException) -> None:
        self._handle = None
        self.running_changed.emit(False)
        self._ctx.signals.exams_changed.emit()
        if isinstance(exc, Cancelled):
            self.finished.emit(BatchSummary(self.exam_id, cancelled=True))
        else:
            self.failed.emit(localized(str(exc)))


COL_FILE, COL_PAGES, COL_DONE, COL_STATE = range(4)


class BatchPanel(QWidget):
    """The progress strip under the results: counts, time left, Cancel, per-file state."""

    review_requested = Signal(list)  # submission ids of the batch that need review

    def __init__(self, controller: BatchController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(controller.cancel)
        self.review_button = QPushButton(self)
        self.review_button.clicked.connect(
            lambda: self.review_requested.emit(list(self._review_ids))
        )
        self.details_button = QToolButton(self)
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._show_details)
        self.close_button = QToolButton(self)
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.clicked.connect(self.hide)
        self.files = QTableWidget(0, 4, self)
        self.files.verticalHeader().setVisible(False)
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.files.horizontalHeader().setSectionResizeMode(COL_FILE, QHeaderView.ResizeMode.Stretch)
        self.files.setVisible(False)
        self.files.setMaximumHeight(180)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.details_button)
        top.addWidget(self.review_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.files)

        self._rows: dict[str, int] = {}
        self._done_per_file: dict[str, int] = {}
        self._pages_per_file: dict[str, int] = {}
        self._rejected_per_file: dict[str, int] = {}
        self._total = 0
        self._done = 0
        self._started = 0.0
        self._first_page_at: float | None = None
        self._review_ids: list[int] = []
        self._summary: BatchSummary | None = None
        self._error: str | None = None
        controller.planned.connect(self._planned)
        controller.page_done.connect(self._page_done)
        controller.finished.connect(self._finished)
        controller.failed.connect(self._failed)
        controller.running_changed.connect(self._running_changed)
        self.retranslate()
        self.hide()

    # -- text ----------------------------------------------------------------
    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        self.details_button.setText(self.tr("Files"))
        self.close_button.setToolTip(self.tr("Hide"))
        self.review_button.setText(self.tr("Review flagged ({n})").format(n=len(self._review_ids)))
        self.files.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("Sheets"), self.tr("Graded"), self.tr("State")]
        )
        self._update_title()

    def eta_seconds(self) -> float | None:
        """Time left, from the pace since the first page (start-up excluded)."""
        if self._first_page_at is None or self._done < 2:
            return None
        elapsed = time.monotonic() - self._first_page_at
        rate = (self._done - 1) / max(elapsed, 1e-6)
        return (self._total - self._done) / rate if rate > 0 else None

    def _update_title(self) -> None:
        if self._error is not None:
            self.title.setText(self.tr("Grading stopped: {error}").format(error=self._error))
            return
        files = len(self._pages_per_file)
        if self._summary is not None:
            s = self._summary
            if s.cancelled:
                text = self.tr(
                    "Cancelled: {done} of {total} sheets graded and kept. "
                    "Drop the files again or use Resume to finish."
                ).format(done=self._done, total=self._total)
            else:
                text = self.tr(
                    "Done: {graded} sheets graded, {review} need review, {rejected} rejected."
                ).format(graded=s.graded, review=s.review, rejected=s.rejected)
            if s.already_graded:
                text += " " + self.tr("{n} files were already graded.").format(
                    n=len(s.already_graded)
                )
            self.title.setText(text)
            return
        if not self._total:
            self.title.setText(self.tr("Preparing the files…"))
            return
        text = self.tr("Grading {files} files: {done} of {total} sheets").format(
            files=files, done=self._done, total=self._total
        )
        eta = self.eta_seconds()
        if eta is not None:
            if eta < 60:
                text += " · " + self.tr("about {s} s left").format(s=max(1, round(eta)))
            else:
                text += " · " + self.tr("about {m} min left").format(m=round(eta / 60))
        self.title.setText(text)

    # -- batch events ----------------------------------------------------------
    def _running_changed(self, running: bool) -> None:
        self.cancel_button.setVisible(running)
        self.close_button.setVisible(not running)
        if running:
            self._reset()
            self.show()

    def _reset(self) -> None:
        self._rows.clear()
        self._done_per_file.clear()
        self._pages_per_file.clear()
        self._rejected_per_file.clear()
        self.files.setRowCount(0)
        self._total = self._done = 0
        self._started = time.monotonic()
        self._first_page_at = None
        self._review_ids = []
        self._summary = None
        self._error = None
        self.bar.setRange(0, 0)  # busy until the batch is planned
        self.review_button.setVisible(False)
        self.retranslate()

    def _planned(self, plan: Planned) -> None:
        self._total = sum(pages for _, pages in plan.files)
        self.bar.setRange(0, max(1, self._total))
        self.bar.setValue(0)
        self.files.setRowCount(len(plan.files) + len(plan.already_graded))
        for row, (path, pages) in enumerate(plan.files):
            self._rows[path] = row
            self._pages_per_file[path] = pages
            self._set_row(row, Path(path).name, pages, 0, self.tr("Waiting"))
        for i, path in enumerate(plan.already_graded):
            self._set_row(len(plan.files) + i, Path(path).name, 0, 0, self.tr("Already graded"))
        self._update_title()

    def _set_row(self, row: int, name: str, pages: int, done: int, state: str) -> None:
        for col, text in ((COL_FILE, name), (COL_PAGES, str(pages)), (COL_DONE, str(done))):
            self.files.setItem(row, col, QTableWidgetItem(text))
        self.files.setItem(row, COL_STATE, QTableWidgetItem(state))

    def _set_cell(self, row: int, col: int, text: str) -> None:
        item = self.files.item(row, col)
        if item is None:
            self.files.setItem(row, col, QTableWidgetItem(text))
        else:
            item.setText(text)

    def _page_done(self, page: PageDone) -> None:
        now = time.monotonic()
        if self._first_page_at is None:
            self._first_page_at = now
        self._done += 1
        self.bar.setValue(self._done)
        if page.review:
            self._review_ids.append(page.submission_id)
        path = page.source
        done = self._done_per_file.get(path, 0) + 1
        self._done_per_file[path] = done
        if not page.ok:
            self._rejected_per_file[path] = self._rejected_per_file.get(path, 0) + 1
        row = self._rows.get(path)
        if row is not None:
            pages = self._pages_per_file.get(path, 0)
            rejected = self._rejected_per_file.get(path, 0)
            if done < pages:
                state = self.tr("Grading")
            elif rejected:
                state = self.tr("Done, {n} rejected").format(n=rejected)
            else:
                state = self.tr("Done")
            self._set_cell(row, COL_DONE, str(done))
            self._set_cell(row, COL_STATE, state)
        self._update_title()

    def _finished(self, summary: BatchSummary) -> None:
        self._summary = summary
        if not summary.cancelled:
            self.bar.setRange(0, max(1, self._total))
            self.bar.setValue(self._total)
        self.review_button.setVisible(bool(self._review_ids))
        for path, row in self._rows.items():
            if self._done_per_file.get(path, 0) < self._pages_per_file.get(path, 0):
                self._set_cell(row, COL_STATE, self.tr("Not finished"))
        self.retranslate()

    def _failed(self, message: str) -> None:
        self._error = message
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self._update_title()

    def _show_details(self, on: bool) -> None:
        self.files.setVisible(on)

    @property
    def review_ids(self) -> list[int]:
        """Submissions of the last batch that wait for a person."""
        return list(self._review_ids)

    @property
    def done(self) -> int:
        return self._done

    @property
    def total(self) -> int:
        return self._total

    def file_state(self, name: str) -> str | None:
        for row in range(self.files.rowCount()):
            item = self.files.item(row, COL_FILE)
            if item is not None and item.text() == name:
                state = self.files.item(row, COL_STATE)
                return state.text() if state is not None else None
        return None


__all__ = ["BatchController", "BatchPanel", "BatchSummary", "PageDone", "Planned"]
