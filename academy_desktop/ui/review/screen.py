"""The review screen: one queue over an exam (or a batch), the sheet, the controls.

Public API for the main window::

    screen = ReviewScreen(ctx)
    screen.open_queue(exam_id, submission_ids=None, start_submission=None)
    screen.back_requested.connect(...)

How it works:

* The queue and the item in focus are a
  :class:`~academy_desktop.ui.review.cursor.QueueCursor` (the queue is read on the
  ``"db"`` lane); each sheet's data and picture come from a
  :class:`~academy_desktop.ui.review.loader.SheetLoader`, which fetches the sheets of
  the next few items ahead, so moving on only redraws.
* Keys and clicks become decisions in an
  :class:`~academy_desktop.ui.review.editing.AnswerEditor`. Every decision is a
  :class:`~academy_desktop.ui.review.commands.DecisionCommand` on a
  :class:`QUndoStack`; its store call runs on the ``"db"`` lane and returns the
  sheet as stored, which is drawn again (the store re-grades the sheet on each
  decision) and announced with ``ctx.signals.submission_changed``.

Keyboard: :mod:`academy_desktop.ui.review.keys` maps keys to actions (``1``-``9`` or
``A``-``E`` a choice, ``Enter`` accept, ``N``/``P`` next/previous, ``Ctrl+Z``/``Ctrl+Y``
undo/redo, ``F2`` the student); the editor carries them out.

The parts live beside this module: :mod:`~academy_desktop.ui.review.header` (the top
bar), :mod:`~academy_desktop.ui.review.queue_list` (the queue's model and list),
:mod:`~academy_desktop.ui.review.cursor`, :mod:`~academy_desktop.ui.review.editing`,
:mod:`~academy_desktop.ui.review.legend`, :mod:`~academy_desktop.ui.review.loader`
and :mod:`~academy_desktop.ui.review.keys`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap, QUndoStack
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from academy_desktop.store.review_queue import QueueItem, progress
from academy_desktop.store.review_sheet import SheetData
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.review.commands import Decision
from academy_desktop.ui.review.controls import ReviewPanel
from academy_desktop.ui.review.cursor import QueueCursor
from academy_desktop.ui.review.editing import AnswerEditor
from academy_desktop.ui.review.header import ReviewBar
from academy_desktop.ui.review.keys import MULTI_WINDOW_MS
from academy_desktop.ui.review.legend import Legend
from academy_desktop.ui.review.loader import Picture, SheetLoader
from academy_desktop.ui.review.queue_list import QueueModel, QueuePane
from academy_desktop.ui.review.scene import SheetScene
from academy_desktop.ui.review.sheet_view import SheetView
from academy_desktop.ui.review.student_picker import StudentPicker
from academy_desktop.ui.review.writer import DecisionWriter
from academy_desktop.ui.text import localized


class ReviewScreen(QWidget):
    """Settle flagged answers and unknown students, one keystroke at a time."""

    back_requested = Signal()
    item_changed = Signal()  # the item in focus or its data changed (tests, status bars)
    queue_loaded = Signal(int)  # items in the queue

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.original = False
        self.errors: list[str] = []  # every failure shown, newest last
        self._error: str | None = None  # the one on the banner (until the next move)
        self.loader = SheetLoader(ctx, lambda: self.queue.sub_id, self)
        self.loader.sheet_loaded.connect(self._on_loaded)
        self.loader.picture_changed.connect(self._on_loaded)
        self.loader.load_failed.connect(self._failed)
        self._fitted = False
        self._revealed: tuple[int | None, str | None, bool] | None = None
        self.writer = DecisionWriter(ctx, self)
        self.writer.step_starting.connect(self._show_decision)
        self.writer.written.connect(self._decided)
        self.writer.write_failed.connect(self._write_failed)
        self.undo_stack: QUndoStack = self.writer.undo_stack
        self._build()

    # ------------------------------------------------------------------ state

    @property
    def exam_id(self) -> int | None:
        return self.queue.exam_id

    @property
    def submission_ids(self) -> list[int] | None:
        return self.queue.submission_ids

    @property
    def items(self) -> list[QueueItem]:
        return self.queue.items

    @property
    def index(self) -> int | None:
        """Position in the queue of the item in focus."""
        return self.queue.index

    @property
    def sub_id(self) -> int | None:
        """The sheet shown."""
        return self.queue.sub_id

    @property
    def label(self) -> str | None:
        """The field in focus (``"student"`` for the student)."""
        return self.queue.label

    @property
    def pending(self) -> list[str] | None:
        """Choices typed, not committed yet."""
        return self.editor.pending

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self.bar = bar = ReviewBar(self)
        # the bar's widgets, by the names they have always had here
        self.back_button = bar.back_button
        self.title_label = bar.title_label
        self.progress_bar = bar.progress_bar
        self.prev_button = bar.prev_button
        self.next_button = bar.next_button
        self.undo_button = bar.undo_button
        self.redo_button = bar.redo_button
        self.fit_width_button = bar.fit_width_button
        self.fit_page_button = bar.fit_page_button
        self.original_box = bar.original_box
        self.advance_box = bar.advance_box
        self.zoom_label = bar.zoom_label
        self.back_button.clicked.connect(self.back_requested)
        self.prev_button.clicked.connect(lambda: self.go_previous())
        self.next_button.clicked.connect(lambda: self.go_next())
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.original_box.toggled.connect(self.set_original)
        outer.addWidget(bar)

        self.banner = QLabel("", self)
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setContentsMargins(10, 6, 10, 6)
        outer.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.queue_pane = QueuePane(self.splitter)
        self.queue_model: QueueModel = self.queue_pane.model
        self.queue_heading = self.queue_pane.heading
        self.queue_view = self.queue_pane.view
        self.queue_view.clicked.connect(lambda idx: self.go_to(idx.row()))
        self.queue = QueueCursor(self.ctx, self.queue_model, self.loader, self)
        self.queue.loaded.connect(self._queue_loaded)
        self.queue.load_failed.connect(self._failed)
        self.editor = editor = AnswerEditor(
            self.ctx,
            self.queue,
            self.loader,
            self.writer,
            self,
            redraw=self._render,
            go_next=self.go_next,
            go_previous=self.go_previous,
            auto_advance=self.advance_box.isChecked,
        )

        centre = QWidget(self.splitter)
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        self.scene = SheetScene(self)
        self.view = SheetView(self.scene, centre)
        self.view.bubble_clicked.connect(editor.toggle_bubble)
        self.view.zoom_changed.connect(bar.show_zoom)
        self.fit_width_button.clicked.connect(self.view.fit_width)
        self.fit_page_button.clicked.connect(self.view.fit_page)
        cl.addWidget(self.view, 1)
        self.legend = Legend(centre)
        self.legend_labels: list[QLabel] = self.legend.labels
        cl.addWidget(self.legend)

        self.panel = ReviewPanel(self.scene, self.splitter)
        self.panel.choice_clicked.connect(editor.toggle_choice)
        self.panel.blank_clicked.connect(editor.set_blank)
        self.panel.accept_clicked.connect(editor.accept_reading)
        self.panel.pick_student_clicked.connect(self.pick_student)
        self.splitter.addWidget(self.queue_pane)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([220, 760, 400])
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)
        self.view.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed text again, in the current language (after a language switch)."""
        for button, text, tip in (
            (self.back_button, self.tr("‹ Results"), self.tr("Back to the results")),
            (self.prev_button, self.tr("‹ Previous (P)"), self.tr("Previous item (P)")),
            (self.next_button, self.tr("Next (N) ›"), self.tr("Next item still to settle (N)")),
            (self.undo_button, self.tr("Undo"), self.tr("Undo the last decision (Ctrl+Z)")),
            (self.redo_button, self.tr("Redo"), self.tr("Redo (Ctrl+Y)")),
            (self.fit_width_button, self.tr("Fit width"), self.tr("Zoom to the page's width")),
            (self.fit_page_button, self.tr("Fit page"), self.tr("Show the whole page")),
        ):
            button.setText(text)
            button.setToolTip(tip)
        self.original_box.setText(self.tr("Show original"))
        self.original_box.setToolTip(
            self.tr("Show the page as scanned, with the bubbles mapped onto it")
        )
        self.advance_box.setText(self.tr("Auto-advance"))
        self.advance_box.setToolTip(self.tr("Go to the next item after each decision"))
        self.queue_heading.setText(self.tr("Review queue"))
        self.queue_view.setToolTip(self.tr("Least sure first; a tick marks what is settled"))
        self.legend.retranslate()
        self.queue_model.layoutChanged.emit()  # its rows are words too
        self._render()

    # ------------------------------------------------------------------ opening

    def open_queue(
        self,
        exam_id: int,
        submission_ids: Sequence[int] | None = None,
        start_submission: int | None = None,
    ) -> None:
        """Review ``exam_id`` (or only ``submission_ids`` of it, e.g. this batch),
        starting at ``start_submission``'s first item when given."""
        self.queue.reset(exam_id, submission_ids, start_submission)
        self.editor.pending = None
        self._fitted = False
        self.undo_stack.clear()
        self.setFocus(Qt.FocusReason.OtherFocusReason)  # the keys are the point
        self.queue.load(start_submission=start_submission)
        if start_submission is not None:
            self.loader.request(start_submission)
        self._render()

    def _queue_loaded(self, count: int) -> None:
        self.queue_loaded.emit(count)
        self._after_move()

    # ------------------------------------------------------------------ sheets and pictures

    def _on_loaded(self, sub_id: int) -> None:
        """A sheet's data or picture came in (or its picture failed): draw it if shown."""
        if sub_id == self.sub_id:
            self._render()

    def is_prefetched(self, submission_id: int) -> bool:
        """Whether a sheet's data and picture are in memory (moving to it only draws)."""
        return self.loader.is_prefetched(submission_id)

    def clear_cache(self) -> None:
        """Forget every sheet and picture held in memory (they load again when shown)."""
        self.loader.clear()

    # ------------------------------------------------------------------ drawing

    @property
    def current_sheet(self) -> SheetData | None:
        return self.loader.sheet(self.sub_id) if self.sub_id is not None else None

    @property
    def current_item(self) -> QueueItem | None:
        return self.queue.current_item

    def current_picture(self) -> Picture | None:
        return self.loader.picture(self.sub_id) if self.sub_id is not None else None

    def _render(self) -> None:
        sheet = self.current_sheet
        picture = self.current_picture()
        pixmap: QPixmap | None = None
        preview: QPixmap | None = None
        homography: np.ndarray | None = None
        if picture is not None:
            homography = picture.image.h
            pixmap, preview = picture.pixmaps(self.original)
        self.scene.show_sheet(
            sheet,
            pixmap,
            preview=preview,
            homography=homography,
            focus=self.label,
            pending=self.pending,
            original=self.original,
        )
        if sheet is not None and not self._fitted and not self.scene.page_rect().isEmpty():
            self._fitted = True
            self.view.fit_width()
        rect = self.scene.field_rect(self.label) if self.label else None
        self.panel.crop.show_rect(rect)
        here = (self.sub_id, self.label, picture is not None)
        if rect is not None and here != self._revealed:
            self._revealed = here
            self.view.reveal(rect)
        self.panel.show_item(
            sheet,
            self.label if sheet is not None else None,
            self.current_item,
            tuple(self.pending) if self.pending is not None else None,
        )
        self._update_header()
        self._update_banner()
        self.item_changed.emit()

    def _update_header(self) -> None:
        left, total = progress(self.items)
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(total - left)
        self.progress_bar.setFormat(self.progress_text())
        sheet = self.current_sheet
        self.title_label.setText(sheet.exam_title if sheet is not None else "")
        self.prev_button.setEnabled(bool(self.items) and (self.index or 0) > 0)
        self.next_button.setEnabled(left > 0)

    def progress_text(self) -> str:
        left, total = progress(self.items)
        if not total:
            return self.tr("Nothing to review")
        if not left:
            return self.tr("All {total} settled").format(total=total)
        return self.tr("{n} of {total} left").format(n=left, total=total)

    def _update_banner(self) -> None:
        text, colour = "", ""
        sheet = self.current_sheet
        picture_error = self.loader.picture_error(self.sub_id) if self.sub_id is not None else None
        if self._error:
            text, colour = self._error, "#ffebe9"
        elif picture_error is not None:
            text = self.tr("The scan cannot be shown: {reason}").format(reason=picture_error)
            colour = "#fff8c5"
        elif sheet is not None and not sheet.graded:
            text, colour = self.tr("This page was not graded."), "#fff8c5"
        elif self.items and not progress(self.items)[0]:
            text, colour = self.tr("Everything in this queue is settled."), "#dafbe1"
        self.banner.setVisible(bool(text))
        self.banner.setText(text)
        if colour:
            self.banner.setStyleSheet(f"background: {colour}; color: #1f2328;")

    def _failed(self, exc: BaseException) -> None:
        self._error = localized(str(exc)) or type(exc).__name__
        self.errors.append(self._error)
        self._update_banner()

    # ------------------------------------------------------------------ moving

    def go_to(self, index: int) -> None:
        if self.queue.go_to(index):
            self.editor.drop_pending()
            self._after_move()

    def go_next(self) -> bool:
        """The next item still to settle (after the current one, then from the top)."""
        i = self.queue.next_index()
        if i is None:
            return False
        self.go_to(i)
        return True

    def go_previous(self) -> bool:
        i = self.queue.previous_index()
        if i is None:
            return False
        self.go_to(i)
        return True

    def show_submission(self, submission_id: int, label: str | None = None) -> None:
        """Show a sheet (and one of its fields) whether or not it is in the queue."""
        self.editor.drop_pending()
        self.queue.show(submission_id, label)
        self._after_move()

    def _after_move(self) -> None:
        self._error = None
        if self.sub_id is not None:
            self.loader.focus(self.sub_id)
        self._render()
        if self.index is not None:
            self.queue_pane.show_row(self.index)
        self.loader.prefetch(self.items, self.index)

    # ------------------------------------------------------------------ deciding

    def decide(self, field: str, value: str, *, sub_id: int | None = None) -> bool:
        """Record ``value`` for ``field`` of the sheet (undoable); False if nothing to do."""
        return self.editor.decide(field, value, sub_id=sub_id)

    def _show_decision(self, decision: Decision) -> None:
        """An undo or redo is about to be written: show the field it changes."""
        if (self.sub_id, self.label) != (decision.submission_id, decision.field):
            self.show_submission(decision.submission_id, decision.field)

    def _write_failed(self, exc: BaseException) -> None:
        self._failed(exc)
        self._reload_current()

    def _decided(self, sheet: SheetData, student: bool) -> None:
        self.loader.store(sheet)
        self.queue.update_from(sheet)
        self.queue.announce(sheet.submission_id)
        if student:  # shared students change on other sheets too
            self.queue.load(reload=True)
        if sheet.submission_id == self.sub_id:
            self._render()
        else:
            self._update_header()

    @property
    def busy(self) -> bool:
        """Whether decisions are still being written."""
        return self.writer.busy

    def _reload_current(self) -> None:
        if self.sub_id is not None:
            self.loader.reload(self.sub_id)

    def undo(self) -> None:
        self.editor.undo()

    def redo(self) -> None:
        self.editor.redo()

    # ------------------------------------------------------------------ the student

    def pick_student(self) -> StudentPicker | None:
        """The roster search for the sheet shown (``None`` for a page not graded)."""
        return self.editor.pick_student()

    @property
    def picker(self) -> StudentPicker | None:
        """The student picker opened last."""
        return self.editor.picker

    def choose_student(self, number: str, sub_id: int | None = None) -> bool:
        return self.editor.choose_student(number, sub_id)

    # ------------------------------------------------------------------ view options

    def set_original(self, on: bool) -> None:
        if self.original == bool(on):
            return
        self.original = bool(on)
        if self.original_box.isChecked() != self.original:
            self.original_box.setChecked(self.original)
        self._render()
        self.view.fit_page()
        if self.label:
            self.view.reveal(self.scene.field_rect(self.label))

    # ------------------------------------------------------------------ keyboard

    def eventFilter(self, obj: Any, event: Any) -> bool:
        # keys typed while the sheet view has focus are ours (it would scroll with some)
        if (
            obj is self.view
            and isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
            and self._handle_key(event)
        ):
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._handle_key(event):
            super().keyPressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        return self.editor.handle_key(event)


__all__ = ["MULTI_WINDOW_MS", "QueueModel", "ReviewScreen"]
