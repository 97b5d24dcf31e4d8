"""Shared by the exam set-up dialogs: error text for people, and a first size that fits.

Error text is in the current language.

Template and answer-key errors (:class:`~academy_desktop.engine.template.validation.IssuesError`)
carry each problem in both languages; they are shown as a heading and one line per
problem, rather than split from their one-line rendering (whose halves hold paths and
values that may contain " / " themselves). Anything else goes through
:func:`academy_desktop.ui.text.localized`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from academy_desktop.engine.template.validation import IssuesError
from academy_desktop.ui.text import current_language, localized

__all__ = ["error_text", "fit_to_screen"]

SCREEN_SHARE = 0.9  # a dialog opens no larger than this share of the screen


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height``, or less on a small (or high-DPI) screen."""
    screen = widget.screen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, int(room.width() * SCREEN_SHARE))
        height = min(height, int(room.height() * SCREEN_SHARE))
    widget.resize(width, height)


def error_text(exc: BaseException) -> str:
    """``exc`` in the current language, one problem per line."""
    if isinstance(exc, IssuesError):
        ko = current_language() == "ko"
        head = localized(exc.heading)
        if exc.source:
            head += f" ({Path(exc.source).name})"
        lines = []
        for issue in exc.issues:
            where = f"{issue.path}: " if issue.path else ""
            lines.append(f"• {where}{issue.ko if ko else issue.en}")
        return head + "\n" + "\n".join(lines)
    return localized(str(exc))
