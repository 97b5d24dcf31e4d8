"""Text in the user's language.

The UI's own strings go through Qt's translation system (``self.tr``). Messages that
come from the engine and the store are bilingual ("한국어 / English"); these helpers
show the half for the current language. The current language is whatever the
installed translator says (the Korean catalogue translates the marker "en" to "ko"),
so there is no language global to keep in step.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from academy_desktop.engine.rejections import MESSAGES, Code

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LATIN = re.compile(r"[A-Za-z]")
_SPLIT = " / "


def current_language() -> str:
    """``"ko"`` or ``"en"``: the language the installed translations give."""
    return "ko" if QCoreApplication.translate("AppLanguage", "en") == "ko" else "en"


def _pick(line: str, language: str) -> str:
    if _SPLIT not in line:
        return line
    # Paths and values may hold " / " too, and the English half may quote a Korean
    # name. The split is the " / " that leaves the most Hangul on its left and the least
    # on its right, with mostly Latin letters on the right (the first one on a tie).
    best: tuple[int, int] | None = None  # (score, position)
    start = 0
    while (i := line.find(_SPLIT, start)) >= 0:
        left, right = line[:i], line[i + len(_SPLIT) :]
        if _HANGUL.search(left) and _mostly_latin(right):
            score = len(_HANGUL.findall(left)) - len(_HANGUL.findall(right))
            if best is None or score > best[0]:
                best = (score, i)
        start = i + 1
    if best is None:
        return line
    left, right = line[: best[1]], line[best[1] + len(_SPLIT) :]
    return left.strip() if language == "ko" else right.strip()


def _mostly_latin(text: str) -> bool:
    hangul = len(_HANGUL.findall(text))
    latin = len(_LATIN.findall(text))
    return latin > 0 and hangul <= latin * 0.25


def localized(message: str, language: str | None = None) -> str:
    """The ``language`` half (default: the current one) of a "한국어 / English" message.

    Each line is split on its own; lines that are not bilingual are kept whole.
    """
    language = language or current_language()
    return "\n".join(_pick(line, language) for line in str(message).splitlines())


def rejection_text(code: str | None, language: str | None = None) -> str:
    """What a rejection code means, in plain words, for the current language."""
    language = language or current_language()
    try:
        ko, en = MESSAGES[Code(code or "")]
    except ValueError:
        return code or ""
    return ko if language == "ko" else en
