"""Staff decisions on homework cards: confirm, change the verdict, pick the student,
undo. Each is written by ``store.review`` on the ``"db"`` lane (audited, undoable, the
same calls as ``main.py review set`` and ``review undo``); then the card and the
homework's counts are read again - the store is the truth - and the card shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from academy_desktop.store import homework as homework_store
from academy_desktop.store.homework import HomeworkCard, HomeworkSummary, homework_summary
from academy_desktop.store.review import STUDENT_FIELD, VERDICT_FIELD, set_value, undo_last
from academy_desktop.store.roster_search import RosterEntry, load_roster
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework.card_list import HomeworkCardList
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.review.student_picker import StudentPicker
from academy_desktop.ui.text import localized


@dataclass(frozen=True)
class Decided:
    card: HomeworkCard
    summary: HomeworkSummary
    nothing: bool = False  # an undo with nothing to undo


class HomeworkDecisions(QObject):
    """Writes the decisions asked for on the cards of ``cards`` (a parent widget's)."""

    decided = Signal(object)  # Decided: written, re-read and shown on its card

    def __init__(self, ctx: AppContext, cards: HomeworkCardList, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cards = cards
        self.widget = parent
        self.picker: StudentPicker | None = None  # the open student picker, if any

    def decide(
        self, sid: int, kind: str, value: str | None = None, reason: str | None = None
    ) -> None:
        """Write one decision (``confirm``, ``verdict``, ``student``, ``undo``), then
        re-read the card and the counts of its homework."""
        w = self.cards.card_widget(sid)
        if w is not None:
            w.set_busy(True, self.tr("Saving…"))
        staff, ws = self.ctx.staff, self.ctx.workspace

        def work(_state: OpState) -> Decided:
            nothing = False
            with ws.write() as s:
                if kind == "confirm":
                    engine = homework_store.card(s, sid).engine_verdict or ""
                    set_value(s, sid, VERDICT_FIELD, engine, decided_by=staff)
                elif kind == "verdict":
                    set_value(s, sid, VERDICT_FIELD, value or "", decided_by=staff, reason=reason)
                elif kind == "student":
                    set_value(s, sid, STUDENT_FIELD, value or "", decided_by=staff)
                else:
                    nothing = undo_last(s, sid, decided_by=staff) is None
                c = homework_store.card(s, sid)
                return Decided(c, homework_summary(s, c.homework_id), nothing)

        def failed(exc: BaseException) -> None:
            card_widget = self.cards.card_widget(sid)
            if card_widget is not None:
                card_widget.set_busy(False, localized(str(exc)))

        BackgroundOp(self, work, lambda result: self._done(result, kind)).failure(
            failed
        ).run_in_background(self.ctx.runner, "db")

    def _done(self, result: Decided, kind: str) -> None:
        c = result.card
        w = self.cards.card_widget(c.submission_id)
        if w is not None:
            w.set_card(c)
            if result.nothing:
                w.set_busy(False, self.tr("Nothing to undo on this card."))
            elif kind == "undo":
                w.set_busy(False, self.tr("Undone."))
            elif kind == "student":
                w.set_busy(False, self.tr("Student set."))
            else:
                w.set_busy(False, self.tr("Saved."))
            if kind in ("confirm", "verdict") and w.from_key and w.hasFocus():
                self.cards.move_from(c.submission_id, 1, True)
        self.ctx.signals.submission_changed.emit(c.submission_id)
        self.decided.emit(result)

    # -- the student -------------------------------------------------------------
    def pick_student(self, sid: int) -> None:
        """The roster picker, with the names a file could be (from its name) first."""
        w = self.cards.card_widget(sid)
        if w is None:
            return
        name, current = w.card.original_name, w.card.student_number
        ws = self.ctx.workspace

        def work(_state: OpState) -> list[RosterEntry]:
            with ws.read() as s:
                roster = load_roster(s)
            return list(homework_store.match_file(name, roster).candidates)

        def found(candidates: list[RosterEntry]) -> None:
            self._open_picker(sid, current, candidates)

        BackgroundOp(self, work, found).failure(
            lambda exc: w.set_message(localized(str(exc)))
        ).run_in_background(self.ctx.runner, "db")

    def _open_picker(
        self, sid: int, current: str | None, candidates: list[RosterEntry]
    ) -> StudentPicker:
        picker = StudentPicker(self.ctx, self.widget, current_number=current)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if candidates:
            names = {c.name for c in candidates}
            if len(names) == 1:
                picker.search.setText(next(iter(names)))
            picker.intro.setText(
                picker.intro.text()
                + "\n"
                + self.tr("The file name fits: {who}").format(
                    who=", ".join(f"{c.name} {c.number}" for c in candidates)
                )
            )
        picker.student_chosen.connect(lambda number: self.decide(sid, "student", number))
        picker.open()
        self.picker = picker
        return picker


__all__ = ["Decided", "HomeworkDecisions"]
