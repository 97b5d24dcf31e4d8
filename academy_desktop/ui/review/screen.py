"""The review screen: one queue over an exam (or a batch), the sheet, the controls.

Public API for the main window::

    screen = ReviewScreen(ctx)
    screen.open_queue(exam_id, submission_ids=None, start_submission=None)
    screen.back_requested.connect(...)

How it works:

* The queue (:func:`academy_desktop.store.review_queue.review_queue`) is read on the
  ``"db"`` lane; each sheet's data and picture come from a
  :class:`~academy_desktop.ui.review.loader.SheetLoader`, which fetches the sheets of
  the next few items ahead, so moving on only redraws.
* Every decision is a :class:`~academy_desktop.ui.review.commands.DecisionCommand`
  on a :class:`QUndoStack`; its store call runs on the ``"db"`` lane and returns the
  sheet as stored, which is drawn again (the store re-grades the sheet on each
  decision) and announced with ``ctx.signals.submission_changed``.

Keyboard (:mod:`academy_desktop.ui.review.keys` maps keys to actions): ``1``-``9``
or ``A``-``E`` pick a choice; keys pressed within :data:`MULTI_WINDOW_MS` of each
other make a multi answer (``2`` then ``4`` gives ``24``), committed when the window
closes or at once with ``Enter``; ``0``/``Del`` blank; ``Enter`` accepts the
reading; ``N``/``P`` next/previous; ``Ctrl+Z``/``Ctrl+Y`` undo/redo; ``F2`` picks the
student; ``Esc`` drops keys not yet committed.

The parts live beside this module: :mod:`~academy_desktop.ui.review.header` (the top
bar), :mod:`~academy_desktop.ui.review.queue_list` (the queue's model and list),
:mod:`~academy_desktop.ui.review.legend`, :mod:`~academy_desktop.ui.review.loader`
and :mod:`~academy_desktop.ui.review.keys`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPixmap, QUndoStack
from PySide6.QtWidgets import QInputDialog, QLabel, QSplitter, QVBoxLayout, QWidget

from academy_desktop.engine.template.model import Field
from academy_desktop.store.review_queue import (
    STUDENT_FIELD,
    QueueItem,
    progress,
    review_queue,
    update_items,
)
from academy_desktop.store.review_sheet import SheetData, toggle_value
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.review.commands import Decision
from academy_desktop.ui.review.controls import ReviewPanel, question_title
from academy_desktop.ui.review.header import ReviewBar
from academy_desktop.ui.review.keys import MULTI_WINDOW_MS, KeyAction, key_action
from academy_desktop.ui.review.legend import Legend
from academy_desktop.ui.review.loader import Picture, SheetLoader
from academy_desktop.ui.review.queue_list import (
    QueueModel,
    QueuePane,
    find_item,
    next_to_settle,
    start_index,
)
from academy_desktop.ui.review.scene import SheetScene
from academy_desktop.ui.review.sheet_view import SheetView
from academy_desktop.ui.review.student_picker import StudentPicker
from academy_desktop.ui.review.writer import DecisionWriter
from academy_desktop.ui.text import localized

RELOAD_DELAY_MS = 300  # outside changes arriving in a burst reload the queue once


class ReviewScreen(QWidget):
    """Settle flagged answers and unknown students, one keystroke at a time."""

    back_requested = Signal()
    item_changed = Signal()  # the item in focus or its data changed (tests, status bars)
    queue_loaded = Signal(int)  # items in the queue

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.exam_id: int | None = None
        self.submission_ids: list[int] | None = None
        self.items: list[QueueItem] = []
        self.index: int | None = None  # position in the queue of the item in focus
        self.sub_id: int | None = None  # the sheet shown
        self.label: str | None = None  # the field in focus ("student" for the student)
        self.pending: list[str] | None = None  # choices typed, not committed yet
        self.original = False
        self.errors: list[str] = []  # every failure shown, newest last
        self._error: str | None = None  # the one on the banner (until the next move)
        self._generation = 0
        self.loader = SheetLoader(ctx, lambda: self.sub_id, self)
        self.loader.sheet_loaded.connect(self._on_loaded)
        self.loader.picture_changed.connect(self._on_loaded)
        self.loader.load_failed.connect(self._failed)
        self._fitted = False
        self._revealed: tuple[int | None, str | None, bool] | None = None
        self._announcing = False
        self.writer = DecisionWriter(ctx, self)
        self.writer.step_starting.connect(self._show_decision)
        self.writer.written.connect(self._decided)
        self.writer.write_failed.connect(self._write_failed)
        self.undo_stack: QUndoStack = self.writer.undo_stack
        self._multi_timer = QTimer(self)
        self._multi_timer.setSingleShot(True)
        self._multi_timer.setInterval(MULTI_WINDOW_MS)
        self._multi_timer.timeout.connect(self.commit_pending)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload_queue_now)
        self._build()
        ctx.signals.submission_changed.connect(self._on_submission_changed)
        ctx.signals.results_changed.connect(self._on_results_changed)

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

        centre = QWidget(self.splitter)
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        self.scene = SheetScene(self)
        self.view = SheetView(self.scene, centre)
        self.view.bubble_clicked.connect(self.toggle_bubble)
        self.view.zoom_changed.connect(bar.show_zoom)
        self.fit_width_button.clicked.connect(self.view.fit_width)
        self.fit_page_button.clicked.connect(self.view.fit_page)
        cl.addWidget(self.view, 1)
        self.legend = Legend(centre)
        self.legend_labels: list[QLabel] = self.legend.labels
        cl.addWidget(self.legend)

        self.panel = ReviewPanel(self.scene, self.splitter)
        self.panel.choice_clicked.connect(self.toggle_choice)
        self.panel.blank_clicked.connect(self.set_blank)
        self.panel.accept_clicked.connect(self.accept_reading)
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
        self._generation += 1
        self.exam_id = exam_id
        self.submission_ids = list(submission_ids) if submission_ids is not None else None
        self.items = []
        self.index = None
        self.sub_id = start_submission
        self.label = None
        self.pending = None
        self._fitted = False
        self.undo_stack.clear()
        self.queue_model.set_items([])
        self.setFocus(Qt.FocusReason.OtherFocusReason)  # the keys are the point
        self._load_queue(start_submission=start_submission)
        if start_submission is not None:
            self.loader.request(start_submission)
        self._render()

    def _load_queue(self, *, start_submission: int | None = None, reload: bool = False) -> None:
        generation = self._generation
        exam_id = self.exam_id
        ids = self.submission_ids
        assert exam_id is not None

        def load(_state: OpState) -> list[QueueItem]:
            with self.ctx.workspace.read() as s:
                return review_queue(s, exam_id, ids)

        def loaded(items: list[QueueItem]) -> None:
            if generation != self._generation:
                return
            self._queue_loaded(items, start_submission, reload)

        BackgroundOp(self, load, loaded).failure(self._failed).run_in_background(
            self.ctx.runner, "db"
        )

    def _queue_loaded(self, items: list[QueueItem], start: int | None, reload: bool) -> None:
        self.items = items
        self.queue_model.set_items(items)
        if reload:  # stay where the user is, whatever changed around
            here = (self.sub_id, self.label)
            self.index = next((i for i, it in enumerate(items) if it.key == here), None)
        else:
            self.index = start_index(items, start)
            if self.index is None and start is not None:
                self.sub_id, self.label = start, None
        if self.index is not None:
            it = items[self.index]
            self.sub_id, self.label = it.submission_id, it.label
        self.queue_loaded.emit(len(items))
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
        return (
            self.items[self.index]
            if self.index is not None and self.index < len(self.items)
            else None
        )

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
        if not 0 <= index < len(self.items):
            return
        self._drop_pending()
        self.index = index
        item = self.items[index]
        self.sub_id, self.label = item.submission_id, item.label
        self._after_move()

    def go_next(self) -> bool:
        """The next item still to settle (after the current one, then from the top)."""
        i = next_to_settle(self.items, self.index)
        if i is None:
            return False
        self.go_to(i)
        return True

    def go_previous(self) -> bool:
        if self.index is None or self.index <= 0:
            return False
        self.go_to(self.index - 1)
        return True

    def show_submission(self, submission_id: int, label: str | None = None) -> None:
        """Show a sheet (and one of its fields) whether or not it is in the queue."""
        self._drop_pending()
        i = find_item(self.items, submission_id, label)
        if i is not None:
            self.go_to(i)
            return
        self.index = None
        self.sub_id, self.label = submission_id, label
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

    def _field(self) -> Field | None:
        sheet = self.current_sheet
        if sheet is None or not self.label or self.label == STUDENT_FIELD:
            return None
        if self.label in _id_parts(sheet):
            return None  # the student number is settled with the picker
        return sheet.template.field_map.get(self.label)

    def _ensure_staff(self) -> str | None:
        staff = (self.ctx.staff or "").strip()
        if staff:
            return staff
        name, ok = QInputDialog.getText(
            self,
            self.tr("Who is reviewing?"),
            self.tr(
                "Your name is written beside every decision (asked once, kept in the settings):"
            ),
        )
        name = name.strip()
        if not ok or not name:
            return None
        self.ctx.save_settings(dataclasses.replace(self.ctx.settings, staff_name=name))
        return name

    def decide(self, field: str, value: str, *, sub_id: int | None = None) -> bool:
        """Record ``value`` for ``field`` of the sheet (undoable); False if nothing to do."""
        sub_id = sub_id if sub_id is not None else self.sub_id
        sheet = self.loader.sheet(sub_id) if sub_id is not None else None
        if sheet is None or sub_id is None:
            return False
        if field == STUDENT_FIELD:
            old = sheet.student_number or ""
        else:
            state = sheet.fields.get(field)
            if state is None:
                return False
            old = state.current_value
        staff = self._ensure_staff()
        if staff is None:
            return False
        decision = Decision(sub_id, field, old, value)
        name = self.tr("student") if field == STUDENT_FIELD else question_title(field)
        text = self.tr("{field}: {old} → {new}").format(
            field=name, old=old or "∅", new=value or "∅"
        )
        self.writer.push(decision, text)
        # move on at once (the write follows in the background)
        item = self.current_item
        if item is not None and item.key == (sub_id, field) and self.advance_box.isChecked():
            self.items[self.index] = dataclasses.replace(item, settled=True)  # type: ignore[index]
            self.queue_model.update_items(self.items)
            if not self.go_next():
                self._render()
        return True

    def _show_decision(self, decision: Decision) -> None:
        """An undo or redo is about to be written: show the field it changes."""
        if (self.sub_id, self.label) != (decision.submission_id, decision.field):
            self.show_submission(decision.submission_id, decision.field)

    def _write_failed(self, exc: BaseException) -> None:
        self._failed(exc)
        self._reload_current()

    def _decided(self, sheet: SheetData, student: bool) -> None:
        self.loader.store(sheet)
        self.items = update_items(self.items, sheet)
        self.queue_model.update_items(self.items)
        self._announcing = True
        try:
            self.ctx.signals.submission_changed.emit(sheet.submission_id)
        finally:
            self._announcing = False
        if student:  # shared students change on other sheets too
            self._load_queue(reload=True)
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

    def set_answer(self, value: str) -> bool:
        """Record ``value`` for the field in focus."""
        if self._field() is None or self.label is None:
            return False
        return self.decide(self.label, value)

    def set_blank(self) -> bool:
        self._drop_pending()
        return self.set_answer("")

    def accept_reading(self) -> bool:
        """Keep the engine's reading (``Enter``); on a student item, confirm the student."""
        if self.pending is not None:
            return self.commit_pending()
        sheet = self.current_sheet
        if sheet is None or not self.label:
            return False
        if self.label == STUDENT_FIELD:
            if sheet.student_number:
                return self.decide(STUDENT_FIELD, sheet.student_number)
            self.pick_student()
            return False
        state = sheet.fields.get(self.label)
        return state is not None and self.set_answer(state.answer)

    def toggle_choice(self, value: str) -> bool:
        """Mark or unmark one choice of the field in focus (a click on its button)."""
        f = self._field()
        sheet = self.current_sheet
        if f is None or sheet is None or self.label is None:
            return False
        base = (
            "".join(self.pending)
            if self.pending is not None
            else sheet.fields[self.label].current_value
        )
        self._drop_pending()
        return self.set_answer(toggle_value(f, base, value))

    def toggle_bubble(self, label: str, value: str) -> None:
        """A click on a bubble: focus its question and toggle the bubble."""
        sheet = self.current_sheet
        if sheet is None or label in _id_parts(sheet) or label not in sheet.fields:
            return
        if label != self.label:
            self._drop_pending()
            match = [i for i, it in enumerate(self.items) if it.key == (sheet.submission_id, label)]
            self.index = match[0] if match else None
            self.label = label
            self._render()
        self.toggle_choice(value)

    def press_choice(self, value: str) -> None:
        """A choice key: start or extend the multi-mark window."""
        if self._field() is None:
            return
        if self.pending is None:
            self.pending = [value]
        elif value in self.pending:
            self.pending.remove(value)
        else:
            self.pending.append(value)
        self._multi_timer.start()
        self._render()

    def commit_pending(self) -> bool:
        f = self._field()
        pending = self.pending
        self._multi_timer.stop()
        self.pending = None
        if f is None or pending is None:
            self._render()
            return False
        value = "".join(v for v in f.values if v in pending)
        return self.set_answer(value)

    def _drop_pending(self) -> None:
        if self.pending is not None:
            self._multi_timer.stop()
            self.pending = None

    def undo(self) -> None:
        self._drop_pending()
        if self.undo_stack.canUndo():
            self.undo_stack.undo()

    def redo(self) -> None:
        self._drop_pending()
        if self.undo_stack.canRedo():
            self.undo_stack.redo()

    # ------------------------------------------------------------------ the student

    def pick_student(self) -> StudentPicker | None:
        sheet = self.current_sheet
        if sheet is None or not sheet.graded:
            return None
        picker = StudentPicker(
            self.ctx,
            self,
            read_number=sheet.student_number_read,
            current_number=sheet.student_number,
        )
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sub_id = sheet.submission_id
        picker.student_chosen.connect(lambda number: self.choose_student(number, sub_id))
        picker.open()
        self.picker = picker
        return picker

    def choose_student(self, number: str, sub_id: int | None = None) -> bool:
        sub_id = sub_id if sub_id is not None else self.sub_id
        if sub_id is not None and sub_id != self.sub_id:
            return self.decide(STUDENT_FIELD, number, sub_id=sub_id)
        self.label = STUDENT_FIELD if self.label is None else self.label
        return self.decide(STUDENT_FIELD, number)

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
        found = key_action(
            event,
            self._field(),
            on_student=self.label == STUDENT_FIELD,
            pending=self.pending is not None,
        )
        if found is None:
            return False
        action, value = found
        if action is KeyAction.CHOICE:
            self.press_choice(value)
        elif action is KeyAction.DROP_PENDING:
            self._drop_pending()
            self._render()
        else:
            {
                KeyAction.UNDO: self.undo,
                KeyAction.REDO: self.redo,
                KeyAction.NEXT: self.go_next,
                KeyAction.PREVIOUS: self.go_previous,
                KeyAction.ACCEPT: self.accept_reading,
                KeyAction.PICK_STUDENT: self.pick_student,
                KeyAction.BLANK: self.set_blank,
            }[action]()
        return True

    # ------------------------------------------------------------------ outside changes

    def _on_submission_changed(self, sub_id: int) -> None:
        """Another screen changed a sheet (a decision, a manual alignment): load it again."""
        if self._announcing:
            return
        self.loader.forget(sub_id)  # its alignment may have changed
        if sub_id == self.sub_id:
            self.loader.request(sub_id)
        if any(it.submission_id == sub_id for it in self.items):
            self._reload_timer.start()

    def _on_results_changed(self, exam_id: int) -> None:
        """Sheets were graded or re-graded (a batch, a new key): the data is read again
        (the pictures stay: grading does not move a page)."""
        if exam_id != self.exam_id:
            return
        self.loader.forget_sheets()
        if self.sub_id is not None:
            self.loader.request(self.sub_id)
        self._reload_timer.start()  # a batch reports often: one reload for a burst

    def _reload_queue_now(self) -> None:
        if self.exam_id is not None:
            self._load_queue(reload=True)


def _id_parts(sheet: SheetData) -> set[str]:
    t = sheet.template
    if not t.student_id:
        return set()
    return {t.student_id, *t.joins.get(t.student_id, ())}


__all__ = ["MULTI_WINDOW_MS", "QueueModel", "ReviewScreen"]
