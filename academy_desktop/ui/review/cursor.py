"""The review queue and the item in focus: :class:`QueueCursor`.

The queue (:func:`academy_desktop.store.review_queue.review_queue`) is read on the
``"db"`` lane; a queue asked for again before the last answer came in wins (a
generation count drops stale answers). The cursor keeps the list model
(:class:`~academy_desktop.ui.review.queue_list.QueueModel`) in step with its items
and says where to go (next to settle, previous, a given sheet); it never draws: the
screen does, when the cursor has moved. When sheets change elsewhere (another
screen's decision, a batch), it drops the loader's stale copies and reads the queue
again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from academy_desktop.store.review_queue import QueueItem, review_queue, update_items
from academy_desktop.store.review_sheet import SheetData
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.review.loader import SheetLoader
from academy_desktop.ui.review.queue_list import QueueModel, find_item, next_to_settle, start_index

RELOAD_DELAY_MS = 300  # outside changes arriving in a burst reload the queue once


class QueueCursor(QObject):
    """The queue of one exam (or batch) and the position in it.

    ``sub_id`` and ``label`` name the sheet shown and its field in focus (``"student"``
    for the student); ``index`` is that item's place in ``items`` (``None`` when the
    sheet or field shown is not in the queue).
    """

    loaded = Signal(int)  # the queue is in (items in it); the position is set
    load_failed = Signal(object)  # the queue could not be read (the exception)

    def __init__(
        self,
        ctx: AppContext,
        model: QueueModel,
        loader: SheetLoader,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = model
        self.loader = loader
        self.exam_id: int | None = None
        self.submission_ids: list[int] | None = None
        self.items: list[QueueItem] = []
        self.index: int | None = None
        self.sub_id: int | None = None
        self.label: str | None = None
        self._generation = 0
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload_now)
        self._announcing = False
        ctx.signals.submission_changed.connect(self._on_submission_changed)
        ctx.signals.results_changed.connect(self._on_results_changed)

    @property
    def current_item(self) -> QueueItem | None:
        return (
            self.items[self.index]
            if self.index is not None and self.index < len(self.items)
            else None
        )

    # ------------------------------------------------------------------ loading

    def reset(
        self, exam_id: int, submission_ids: Sequence[int] | None, start_submission: int | None
    ) -> None:
        """A new queue: ``exam_id`` (or only ``submission_ids`` of it), showing
        ``start_submission`` until the queue is in. Call :meth:`load` next."""
        self._generation += 1
        self.exam_id = exam_id
        self.submission_ids = list(submission_ids) if submission_ids is not None else None
        self.items = []
        self.index = None
        self.sub_id = start_submission
        self.label = None
        self.model.set_items([])

    def load(self, *, start_submission: int | None = None, reload: bool = False) -> None:
        """Read the queue in the background; ``reload`` stays on the item in focus,
        else the position starts at ``start_submission``'s first item."""
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
            self._loaded(items, start_submission, reload)

        BackgroundOp(self, load, loaded).failure(self.load_failed.emit).run_in_background(
            self.ctx.runner, "db"
        )

    def _loaded(self, items: list[QueueItem], start: int | None, reload: bool) -> None:
        self.items = items
        self.model.set_items(items)
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
        self.loaded.emit(len(items))

    def reload_soon(self) -> None:
        """Read the queue again shortly (one reload for a burst of outside changes)."""
        self._reload_timer.start()

    def _reload_now(self) -> None:
        if self.exam_id is not None:
            self.load(reload=True)

    # ------------------------------------------------------------------ outside changes

    def announce(self, sub_id: int) -> None:
        """Tell the other screens a decision changed a sheet (not heard back here)."""
        self._announcing = True
        try:
            self.ctx.signals.submission_changed.emit(sub_id)
        finally:
            self._announcing = False

    def _on_submission_changed(self, sub_id: int) -> None:
        """Another screen changed a sheet (a decision, a manual alignment): load it again."""
        if self._announcing:
            return
        self.loader.forget(sub_id)  # its alignment may have changed
        if sub_id == self.sub_id:
            self.loader.request(sub_id)
        if any(it.submission_id == sub_id for it in self.items):
            self.reload_soon()

    def _on_results_changed(self, exam_id: int) -> None:
        """Sheets were graded or re-graded (a batch, a new key): the data is read again
        (the pictures stay: grading does not move a page)."""
        if exam_id != self.exam_id:
            return
        self.loader.forget_sheets()
        if self.sub_id is not None:
            self.loader.request(self.sub_id)
        self.reload_soon()  # a batch reports often: one reload for a burst

    # ------------------------------------------------------------------ moving

    def go_to(self, index: int) -> bool:
        """Focus the item at ``index``; False (and nothing changes) if there is none."""
        if not 0 <= index < len(self.items):
            return False
        self.index = index
        item = self.items[index]
        self.sub_id, self.label = item.submission_id, item.label
        return True

    def next_index(self) -> int | None:
        """The next item still to settle (after the current one, then from the top)."""
        return next_to_settle(self.items, self.index)

    def previous_index(self) -> int | None:
        if self.index is None or self.index <= 0:
            return None
        return self.index - 1

    def show(self, submission_id: int, label: str | None = None) -> None:
        """Focus a sheet (and one of its fields) whether or not it is in the queue."""
        i = find_item(self.items, submission_id, label)
        if i is not None:
            self.go_to(i)
            return
        self.index = None
        self.sub_id, self.label = submission_id, label

    def focus_field(self, label: str) -> None:
        """Focus another field of the sheet shown (its queue item, if it has one)."""
        key = (self.sub_id, label)
        match = [i for i, it in enumerate(self.items) if it.key == key]
        self.index = match[0] if match else None
        self.label = label

    # ------------------------------------------------------------------ settling

    def mark_settled(self) -> None:
        """Tick the item in focus at once (its decision is still being written)."""
        item = self.current_item
        if item is None:
            return
        self.items[self.index] = dataclasses.replace(item, settled=True)  # type: ignore[index]
        self.model.update_items(self.items)

    def update_from(self, sheet: SheetData) -> None:
        """The items of ``sheet`` as it is stored now."""
        self.items = update_items(self.items, sheet)
        self.model.update_items(self.items)


__all__ = ["RELOAD_DELAY_MS", "QueueCursor"]
