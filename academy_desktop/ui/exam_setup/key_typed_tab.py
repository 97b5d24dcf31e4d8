"""The editor's **Type answers** tab: the whole key as one string, checked as it is typed.

The string's syntax is :mod:`academy_desktop.engine.answerkey_text`'s; under the text box
a grid shows what was read for each question, five at a time.

Strings are translated in the ``KeyEditorDialog`` context (explicit ``translate`` calls),
the context they had when this tab was part of the dialog, so the catalogue keeps them.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from academy_desktop.engine.answerkey_text import DigitKey
from academy_desktop.store import exams

__all__ = ["TypedAnswersTab", "typed_grid_html"]


def typed_grid_html(parsed: DigitKey, labels: list[str]) -> str:
    """The typed answers under their question numbers, five to a group."""
    groups = []
    for i in range(0, len(labels), 5):
        group = labels[i : i + 5]
        first = exams.question_number(group[0]) or i + 1
        last = exams.question_number(group[-1]) or i + len(group)
        tokens = []
        for label in group:
            token = parsed.tokens.get(label)
            if token is None:
                tokens.append('<span style="color:#9e9e9e">·</span>')
            elif label in parsed.invalid:
                text = escape(token, quote=False)
                tokens.append(f'<span style="color:#b3261e"><b><u>{text}</u></b></span>')
            else:
                tokens.append(escape(token, quote=False))
        groups.append(
            f'<td align="center" style="padding: 2px 8px">'
            f'<span style="color:#757575">{first}–{last}</span><br>'
            f'<span style="font-family:monospace; font-size:large">{"".join(tokens)}</span>'
            "</td>"
        )
    rows = ["".join(groups[j : j + 10]) for j in range(0, len(groups), 10)]
    return "<table>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


class TypedAnswersTab(QWidget):
    """A help line, the answer string (``edit``), the per-question grid and a count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        help_text = QLabel(
            QCoreApplication.translate(
                "KeyEditorDialog",
                "Type the correct answers in question order, e.g. 31452 24135. Spaces and "
                "commas are ignored. (24) or 2/4: either answer is correct. [24]: both must "
                "be marked. *: every choice is correct. ?: this question is not scored.",
            ),
            self,
        )
        help_text.setWordWrap(True)
        self.edit = QPlainTextEdit(self)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.edit.setFont(font)
        self.edit.setPlaceholderText("31452 24135 …")
        self.count = QLabel(self)
        self.grid = QLabel(self)
        self.grid.setTextFormat(Qt.TextFormat.RichText)
        self.grid.setToolTip(
            QCoreApplication.translate(
                "KeyEditorDialog",
                "What was read for each question, five at a time. Red: cannot be read "
                "from the sheet. ·: no answer typed yet.",
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.grid)
        layout.addWidget(self.count)

    def show_parsed(self, parsed: DigitKey, labels: list[str]) -> None:
        """Show how the typed string was read for the sheet's ``labels``."""
        self.count.setText(
            QCoreApplication.translate("KeyEditorDialog", "Typed {n} of {total} answers.").format(
                n=parsed.typed, total=len(labels)
            )
        )
        self.grid.setText(typed_grid_html(parsed, labels))
