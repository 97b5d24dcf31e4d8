"""Which review action a key press asks for (the review screen carries it out).

``1``-``9`` or ``A``-``E`` pick a choice (keys pressed within :data:`MULTI_WINDOW_MS`
of each other make one multi-mark answer); ``0``/``Del`` blank; ``Enter`` accepts
the reading; ``N``/``P`` next/previous; ``Ctrl+Z``/``Ctrl+Y`` undo/redo; ``F2`` (or
``Space`` on a student item) picks the student; ``Esc`` drops keys not yet committed.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

from academy_desktop.engine.template.model import Field

MULTI_WINDOW_MS = 400  # keys this close together make one multi-mark answer
NAV_KEYS: dict[int, int] = {int(Qt.Key.Key_N): 1, int(Qt.Key.Key_P): -1}


class KeyAction(enum.Enum):
    """What a key asks the review screen to do."""

    UNDO = enum.auto()
    REDO = enum.auto()
    NEXT = enum.auto()
    PREVIOUS = enum.auto()
    ACCEPT = enum.auto()  # keep the reading, or commit the keys typed
    DROP_PENDING = enum.auto()  # forget the keys typed, not committed yet
    PICK_STUDENT = enum.auto()
    BLANK = enum.auto()
    CHOICE = enum.auto()  # start or extend a multi-mark answer with a choice


def key_action(
    event: QKeyEvent, field: Field | None, *, on_student: bool, pending: bool
) -> tuple[KeyAction, str] | None:
    """The action ``event`` asks for (with the choice for :attr:`KeyAction.CHOICE`),
    or ``None`` when the key is not the review's.

    ``field`` is the question in focus (``None`` when no choice can be typed),
    ``on_student`` whether the student item is in focus, ``pending`` whether keys
    typed are waiting to be committed.
    """
    if event.matches(QKeySequence.StandardKey.Undo):
        return KeyAction.UNDO, ""
    if event.matches(QKeySequence.StandardKey.Redo) or (
        event.key() == Qt.Key.Key_Y and event.modifiers() & Qt.KeyboardModifier.ControlModifier
    ):
        return KeyAction.REDO, ""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if mods & ~Qt.KeyboardModifier.ShiftModifier:
        return None  # Ctrl/Alt combinations belong to the window
    key = int(event.key())
    if key in NAV_KEYS:
        return (KeyAction.NEXT if NAV_KEYS[key] > 0 else KeyAction.PREVIOUS), ""
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return KeyAction.ACCEPT, ""
    if key == Qt.Key.Key_Escape and pending:
        return KeyAction.DROP_PENDING, ""
    if key == Qt.Key.Key_F2 or (key == Qt.Key.Key_Space and on_student):
        return KeyAction.PICK_STUDENT, ""
    if key == Qt.Key.Key_Delete:
        return KeyAction.BLANK, ""
    if field is None:
        return None
    value = choice_for_key(field, key)
    if value == "":
        return KeyAction.BLANK, ""
    if value is not None:
        return KeyAction.CHOICE, value
    return None


def choice_for_key(f: Field, key: int) -> str | None:
    """The choice a key picks on ``f``: ``""`` for blank, ``None`` for no choice.

    Digits pick the bubble with that value, else the n-th bubble; letters pick the
    bubble with that letter, else the n-th (A = first); 0 is blank unless the field
    has a 0 bubble.
    """
    values = f.values
    k0, k9, ka, kz = (int(k) for k in (Qt.Key.Key_0, Qt.Key.Key_9, Qt.Key.Key_A, Qt.Key.Key_Z))
    if k0 <= key <= k9:
        digit = key - k0
        if str(digit) in values:
            return str(digit)
        if digit == 0:
            return ""
        return values[digit - 1] if digit - 1 < len(values) else None
    if ka <= key <= kz and key not in NAV_KEYS:
        letter = chr(key)
        for v in values:
            if v.casefold() == letter.casefold():
                return v
        i = key - ka
        return values[i] if i < len(values) and i < 5 else None
    return None


__all__ = ["MULTI_WINDOW_MS", "NAV_KEYS", "KeyAction", "choice_for_key", "key_action"]
