"""What the review's keys and clicks decide: :class:`AnswerEditor`.

Choice keys pressed within :data:`~academy_desktop.ui.review.keys.MULTI_WINDOW_MS`
of each other make one multi-mark answer (``2`` then ``4`` gives ``24``), committed
when the window closes or at once with ``Enter``; a click on a choice button or a
bubble toggles that choice. Every decision is pushed on the
:class:`~academy_desktop.ui.review.writer.DecisionWriter`'s undo stack (the write
runs in the background) and, with auto-advance on, the queue moves on at once.
The keys (:func:`~academy_desktop.ui.review.keys.key_action` maps them) are carried
out by :meth:`AnswerEditor.handle_key`; ``Esc`` drops the choices not committed yet.

The texts here are the review screen's (translation context ``ReviewScreen``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QInputDialog, QWidget

from academy_desktop.engine.template.model import Field
from academy_desktop.store.review_queue import STUDENT_FIELD
from academy_desktop.store.review_sheet import SheetData, toggle_value
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.review.commands import Decision
from academy_desktop.ui.review.controls import question_title
from academy_desktop.ui.review.cursor import QueueCursor
from academy_desktop.ui.review.keys import MULTI_WINDOW_MS, KeyAction, key_action
from academy_desktop.ui.review.loader import SheetLoader
from academy_desktop.ui.review.student_picker import StudentPicker
from academy_desktop.ui.review.writer import DecisionWriter


class AnswerEditor(QObject):
    """Turns choices typed or clicked on the field in focus into decisions.

    ``pending`` holds the choices typed and not committed yet. ``redraw`` draws the
    screen again, ``go_next``/``go_previous`` move in the queue (False at its end),
    ``auto_advance`` tells whether to move on after a decision. ``parent`` is the
    screen (dialogs open over it).
    """

    def __init__(
        self,
        ctx: AppContext,
        cursor: QueueCursor,
        loader: SheetLoader,
        writer: DecisionWriter,
        parent: QWidget,
        *,
        redraw: Callable[[], None],
        go_next: Callable[[], bool],
        go_previous: Callable[[], bool],
        auto_advance: Callable[[], bool],
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cursor = cursor
        self.loader = loader
        self.writer = writer
        self._widget = parent
        self._redraw = redraw
        self._go_next = go_next
        self._go_previous = go_previous
        self._auto_advance = auto_advance
        self.pending: list[str] | None = None
        self.picker: StudentPicker | None = None  # the one opened last
        self._multi_timer = QTimer(self)
        self._multi_timer.setSingleShot(True)
        self._multi_timer.setInterval(MULTI_WINDOW_MS)
        self._multi_timer.timeout.connect(self.commit_pending)

    def _sheet(self) -> SheetData | None:
        sub_id = self.cursor.sub_id
        return self.loader.sheet(sub_id) if sub_id is not None else None

    def field(self) -> Field | None:
        """The question in focus, if choices can be typed on it."""
        sheet = self._sheet()
        label = self.cursor.label
        if sheet is None or not label or label == STUDENT_FIELD:
            return None
        if label in id_parts(sheet):
            return None  # the student number is settled with the picker
        return sheet.template.field_map.get(label)

    def ensure_staff(self) -> str | None:
        """Who decides: the name in the settings, asked for (and kept) the first time."""
        staff = (self.ctx.staff or "").strip()
        if staff:
            return staff
        name, ok = QInputDialog.getText(
            self._widget,
            QCoreApplication.translate("ReviewScreen", "Who is reviewing?"),
            QCoreApplication.translate(
                "ReviewScreen",
                "Your name is written beside every decision (asked once, kept in the settings):",
            ),
        )
        name = name.strip()
        if not ok or not name:
            return None
        self.ctx.save_settings(dataclasses.replace(self.ctx.settings, staff_name=name))
        return name

    def decide(self, field: str, value: str, *, sub_id: int | None = None) -> bool:
        """Record ``value`` for ``field`` of the sheet (undoable); False if nothing to do."""
        sub_id = sub_id if sub_id is not None else self.cursor.sub_id
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
        staff = self.ensure_staff()
        if staff is None:
            return False
        decision = Decision(sub_id, field, old, value)
        name = (
            QCoreApplication.translate("ReviewScreen", "student")
            if field == STUDENT_FIELD
            else question_title(field)
        )
        text = QCoreApplication.translate("ReviewScreen", "{field}: {old} → {new}").format(
            field=name, old=old or "∅", new=value or "∅"
        )
        self.writer.push(decision, text)
        # move on at once (the write follows in the background)
        item = self.cursor.current_item
        if item is not None and item.key == (sub_id, field) and self._auto_advance():
            self.cursor.mark_settled()
            if not self._go_next():
                self._redraw()
        return True

    def set_answer(self, value: str) -> bool:
        """Record ``value`` for the field in focus."""
        label = self.cursor.label
        if self.field() is None or label is None:
            return False
        return self.decide(label, value)

    def set_blank(self) -> bool:
        self.drop_pending()
        return self.set_answer("")

    def accept_reading(self) -> bool:
        """Keep the engine's reading (``Enter``); on a student item, confirm the student."""
        if self.pending is not None:
            return self.commit_pending()
        sheet = self._sheet()
        label = self.cursor.label
        if sheet is None or not label:
            return False
        if label == STUDENT_FIELD:
            if sheet.student_number:
                return self.decide(STUDENT_FIELD, sheet.student_number)
            self.pick_student()
            return False
        state = sheet.fields.get(label)
        return state is not None and self.set_answer(state.answer)

    def toggle_choice(self, value: str) -> bool:
        """Mark or unmark one choice of the field in focus (a click on its button)."""
        f = self.field()
        sheet = self._sheet()
        label = self.cursor.label
        if f is None or sheet is None or label is None:
            return False
        base = (
            "".join(self.pending) if self.pending is not None else sheet.fields[label].current_value
        )
        self.drop_pending()
        return self.set_answer(toggle_value(f, base, value))

    def toggle_bubble(self, label: str, value: str) -> None:
        """A click on a bubble: focus its question and toggle the bubble."""
        sheet = self._sheet()
        if sheet is None or label in id_parts(sheet) or label not in sheet.fields:
            return
        if label != self.cursor.label:
            self.drop_pending()
            self.cursor.focus_field(label)
            self._redraw()
        self.toggle_choice(value)

    def press_choice(self, value: str) -> None:
        """A choice key: start or extend the multi-mark window."""
        if self.field() is None:
            return
        if self.pending is None:
            self.pending = [value]
        elif value in self.pending:
            self.pending.remove(value)
        else:
            self.pending.append(value)
        self._multi_timer.start()
        self._redraw()

    def commit_pending(self) -> bool:
        f = self.field()
        pending = self.pending
        self._multi_timer.stop()
        self.pending = None
        if f is None or pending is None:
            self._redraw()
            return False
        value = "".join(v for v in f.values if v in pending)
        return self.set_answer(value)

    def drop_pending(self) -> None:
        """Forget the choices typed, not committed yet."""
        if self.pending is not None:
            self._multi_timer.stop()
            self.pending = None

    def undo(self) -> None:
        self.drop_pending()
        if self.writer.undo_stack.canUndo():
            self.writer.undo_stack.undo()

    def redo(self) -> None:
        self.drop_pending()
        if self.writer.undo_stack.canRedo():
            self.writer.undo_stack.redo()

    # ------------------------------------------------------------------ the student

    def pick_student(self) -> StudentPicker | None:
        sheet = self._sheet()
        if sheet is None or not sheet.graded:
            return None
        picker = StudentPicker(
            self.ctx,
            self._widget,
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
        sub_id = sub_id if sub_id is not None else self.cursor.sub_id
        if sub_id is not None and sub_id != self.cursor.sub_id:
            return self.decide(STUDENT_FIELD, number, sub_id=sub_id)
        if self.cursor.label is None:
            self.cursor.label = STUDENT_FIELD
        return self.decide(STUDENT_FIELD, number)

    # ------------------------------------------------------------------ keys

    def handle_key(self, event: QKeyEvent) -> bool:
        """Carry out what ``event`` asks for; False when the key is not the review's."""
        found = key_action(
            event,
            self.field(),
            on_student=self.cursor.label == STUDENT_FIELD,
            pending=self.pending is not None,
        )
        if found is None:
            return False
        action, value = found
        if action is KeyAction.CHOICE:
            self.press_choice(value)
        elif action is KeyAction.DROP_PENDING:
            self.drop_pending()
            self._redraw()
        else:
            {
                KeyAction.UNDO: self.undo,
                KeyAction.REDO: self.redo,
                KeyAction.NEXT: self._go_next,
                KeyAction.PREVIOUS: self._go_previous,
                KeyAction.ACCEPT: self.accept_reading,
                KeyAction.PICK_STUDENT: self.pick_student,
                KeyAction.BLANK: self.set_blank,
            }[action]()
        return True


def id_parts(sheet: SheetData) -> set[str]:
    """The fields of the sheet's student number (settled with the picker, not by keys)."""
    t = sheet.template
    if not t.student_id:
        return set()
    return {t.student_id, *t.joins.get(t.student_id, ())}


__all__ = ["AnswerEditor", "id_parts"]
