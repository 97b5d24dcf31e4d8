"""The review's undo stack, each step written to the store in the background.

:class:`DecisionWriter` owns the :class:`QUndoStack` of
:class:`~academy_desktop.ui.review.commands.DecisionCommand`\\ s. Each step (the
first write, an undo, a redo) runs :func:`~academy_desktop.ui.review.commands.apply_step`
on the ``"db"`` lane and hands back the sheet as stored (the store re-grades the
sheet on each decision) with :attr:`~DecisionWriter.written`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from academy_desktop.store.review_sheet import STUDENT_FIELD, SheetData, load_sheet
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.review.commands import Decision, DecisionCommand, Direction, apply_step


class DecisionWriter(QObject):
    """Push decisions on :attr:`undo_stack`; every step is written off the UI thread."""

    # an undo or a redo (not the first write) of this Decision is about to be written:
    # emitted before the write starts, so the screen can show the field concerned
    step_starting = Signal(object)
    written = Signal(object, bool)  # the sheet as stored, and whether it was the student
    write_failed = Signal(object)  # the exception; the undo stack has been cleared

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.undo_stack = QUndoStack(self)
        self._inflight = 0  # steps written but not back yet

    @property
    def busy(self) -> bool:
        """Whether steps are still being written."""
        return self._inflight > 0

    def push(self, decision: Decision, text: str) -> None:
        """Put ``decision`` on the undo stack (``text`` names it there) and write it."""
        self.undo_stack.push(DecisionCommand(decision, text, self._run_step))

    def _run_step(self, command: DecisionCommand, direction: Direction) -> None:
        staff = (self.ctx.staff or "").strip()
        decision = command.decision
        if not (direction == "redo" and command.ledger.newest is None):
            self.step_starting.emit(decision)
        folder = self.ctx.workspace.folder
        self._inflight += 1

        def write(_state: OpState) -> SheetData:
            with self.ctx.workspace.write() as s:
                apply_step(s, decision, command.ledger, direction, staff)
                s.flush()
                return load_sheet(s, decision.submission_id, folder)

        def done(sheet: SheetData) -> None:
            self._inflight -= 1
            self.written.emit(sheet, decision.field == STUDENT_FIELD)

        def failed(exc: BaseException) -> None:
            self._inflight -= 1
            self.undo_stack.clear()  # the stack no longer matches what is stored
            self.write_failed.emit(exc)

        BackgroundOp(self, write, done).failure(failed).run_in_background(self.ctx.runner, "db")


__all__ = ["DecisionWriter"]
