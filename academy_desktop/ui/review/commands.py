"""Undo and redo of review decisions, with the store's audit trail as the truth.

A :class:`DecisionCommand` sits on the screen's :class:`QUndoStack`. Its first
``redo`` writes a decision with :func:`academy_desktop.store.review.set_value`;
``undo`` reverts it with :func:`~academy_desktop.store.review.undo_last` (which
appends an ``undo #n`` row), and a later ``redo`` undoes that undo - so every step
is an audit row and nothing is ever deleted.

The writes run on the ``"db"`` lane, never on the UI thread: the command only
hands :func:`apply_step` to the screen. Before using ``undo_last`` the step checks
that the newest decision in effect on the sheet is the one this command wrote
(someone may have decided something on that sheet since, in another window); if
not, it writes the old (or new) value as an ordinary decision instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from PySide6.QtGui import QUndoCommand
from sqlalchemy.orm import Session

from academy_desktop.store import review
from academy_desktop.store.models import ReviewDecision

Direction = Literal["redo", "undo"]
SKIPPED_FIELDS = frozenset({"alignment"})  # undo_last leaves manual alignment alone


@dataclass
class Ledger:
    """What this command last wrote; read and written on the db lane only."""

    newest: int | None = None


@dataclass(frozen=True)
class Decision:
    submission_id: int
    field: str
    old_value: str
    new_value: str


def _newest_in_effect(session: Session, submission_id: int) -> ReviewDecision | None:
    decisions = [d for d in review.history(session, submission_id) if d.field not in SKIPPED_FIELDS]
    active = review.in_effect(decisions)
    return next((d for d in reversed(decisions) if active[d.id]), None)


def apply_step(
    session: Session, decision: Decision, ledger: Ledger, direction: Direction, staff: str
) -> None:
    """Write one undo/redo step of ``decision`` (db lane, inside a write transaction)."""
    if direction == "redo" and ledger.newest is None:
        row = review.set_value(
            session,
            decision.submission_id,
            decision.field,
            decision.new_value,
            decided_by=staff,
        )
        ledger.newest = row.id
        return
    newest = _newest_in_effect(session, decision.submission_id)
    if newest is not None and newest.id == ledger.newest:
        undone = review.undo_last(session, decision.submission_id, decided_by=staff)
        ledger.newest = undone.id if undone is not None else None
        return
    # the sheet changed meanwhile: say what we want as a plain decision
    value = decision.new_value if direction == "redo" else decision.old_value
    row = review.set_value(session, decision.submission_id, decision.field, value, decided_by=staff)
    ledger.newest = row.id


class DecisionCommand(QUndoCommand):
    """One review decision on the undo stack; ``run`` performs a step asynchronously."""

    def __init__(
        self,
        decision: Decision,
        text: str,
        run: Callable[[DecisionCommand, Direction], None],
    ) -> None:
        super().__init__(text)
        self.decision = decision
        self.ledger = Ledger()
        self._run = run

    def redo(self) -> None:
        self._run(self, "redo")

    def undo(self) -> None:
        self._run(self, "undo")
