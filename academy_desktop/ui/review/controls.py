"""The review side panel: the sheet's student and score, the item in focus, its
enlarged crop, the answer buttons and the audit history.

The panel only shows what it is given (:meth:`ReviewPanel.show_item`) and reports
what the user asks for through signals; the screen decides and writes.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.template.model import Field
from academy_desktop.store.review_queue import QueueItem
from academy_desktop.store.review_sheet import (
    STUDENT_FIELD,
    FieldState,
    HistoryEntry,
    SheetData,
    value_choices,
)
from academy_desktop.ui.review.scene import STATUS_COLOURS, SheetScene, status_text
from academy_desktop.ui.review.sheet_view import CropView


def _heading(text: str, parent: QWidget, size: float = 1.0, bold: bool = True) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(bold)
    font.setPointSizeF(font.pointSizeF() * size)
    label.setFont(font)
    return label


CHOICE_STYLE = (
    "QToolButton { font-weight: 600; font-size: 12pt; }"
    "QToolButton:checked { background: #0b57d0; color: white; border-radius: 4px; }"
)


class StatusChip(QLabel):
    """A small rounded label in a status colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colour = ""
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

    def set_status(self, text: str, colour: str) -> None:
        self.setText(text)
        if colour != self._colour:
            self._colour = colour
            fg = "#ffffff" if QColor(colour).lightness() < 170 else "#1f2328"
            self.setStyleSheet(
                f"QLabel {{ background: {colour}; color: {fg}; border-radius: 9px;"
                " padding: 2px 10px; font-weight: 600; }"
            )
        self.setVisible(bool(text))


class ReviewPanel(QWidget):
    """What the reviewer reads and presses, beside the sheet."""

    choice_clicked = Signal(str)
    blank_clicked = Signal()
    accept_clicked = Signal()
    pick_student_clicked = Signal()

    def __init__(self, scene: SheetScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(340)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)

        # the sheet: who, which file, the score
        sheet_box = QFrame(self)
        sheet_box.setObjectName("sheetCard")
        sheet_box.setFrameShape(QFrame.Shape.StyledPanel)
        sl = QGridLayout(sheet_box)
        sl.setContentsMargins(10, 8, 10, 8)
        self.student_label = _heading("", sheet_box, 1.25)
        self.student_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.student_label.setWordWrap(True)
        self.score_label = _heading("", sheet_box, 1.25)
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.file_label = QLabel("", sheet_box)
        self.file_label.setStyleSheet("color: #57606a;")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pick_button = QPushButton(sheet_box)
        self.pick_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        sl.addWidget(self.student_label, 0, 0)
        sl.addWidget(self.score_label, 0, 1)
        sl.addWidget(self.file_label, 1, 0)
        sl.addWidget(self.pick_button, 1, 1, Qt.AlignmentFlag.AlignRight)
        sl.setColumnStretch(0, 1)
        layout.addWidget(sheet_box)

        # the item in focus
        head = QHBoxLayout()
        self.item_title = _heading("", self, 1.5)
        self.chip = StatusChip(self)
        head.addWidget(self.item_title, 1)
        head.addWidget(self.chip)
        layout.addLayout(head)
        self.crop = CropView(scene, self)
        self.crop.setMinimumHeight(110)
        self.crop.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.crop, 2)
        facts = QFormLayout()
        facts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        facts.setHorizontalSpacing(14)
        self.read_value = QLabel(self)
        self.key_value = QLabel(self)
        self.now_value = _heading("", self, 1.1)
        self.result_value = QLabel(self)
        self.fact_labels = [QLabel(self) for _ in range(4)]
        for name, value in zip(
            self.fact_labels,
            (self.read_value, self.key_value, self.now_value, self.result_value),
            strict=True,
        ):
            facts.addRow(name, value)
        layout.addLayout(facts)

        # the answer buttons (one per choice, built for each field)
        self.choice_row = QHBoxLayout()
        self.choice_row.setSpacing(6)
        self.choice_buttons: dict[str, QToolButton] = {}
        layout.addLayout(self.choice_row)
        actions = QHBoxLayout()
        self.blank_button = QPushButton(self)
        self.accept_button = QPushButton(self)
        for b in (self.blank_button, self.accept_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            actions.addWidget(b)
        layout.addLayout(actions)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #57606a;")
        layout.addWidget(self.hint)

        self.history_heading = _heading("", self)
        layout.addWidget(self.history_heading)
        self.history = QTreeWidget(self)
        self.history.setColumnCount(4)
        self.history.setRootIsDecorated(False)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.setAlternatingRowColors(True)
        self.history.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.header().setStretchLastSection(True)
        self.history.setMinimumHeight(90)
        layout.addWidget(self.history, 1)

        self.blank_button.clicked.connect(self.blank_clicked)
        self.accept_button.clicked.connect(self.accept_clicked)
        self.pick_button.clicked.connect(self.pick_student_clicked)
        self._shown: tuple[object, ...] = (None, None, None, None)
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed text again, in the current language (after a language switch)."""
        self.pick_button.setText(self.tr("Choose student…"))
        self.pick_button.setToolTip(self.tr("Pick the sheet's student from the roster (F2)"))
        for label, text in zip(
            self.fact_labels,
            (
                self.tr("Read by the program"),
                self.tr("Answer key"),
                self.tr("Recorded answer"),
                self.tr("Result"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.blank_button.setText(self.tr("Blank (0)"))
        self.blank_button.setToolTip(self.tr("No answer: the student left it blank (0 or Del)"))
        self.accept_button.setToolTip(self.tr("Keep what the program read and mark it reviewed"))
        self.hint.setText(
            self.tr(
                "Keys: 1–5 or A–E set the answer; press two within 0.4 s for several marks. "
                "0 or Del: blank. Enter: accept. N / P: next / previous. "
                "Ctrl+Z / Ctrl+Y: undo / redo. Click a bubble to toggle it."
            )
        )
        self.history_heading.setText(self.tr("History"))
        self.history.setHeaderLabels(
            [self.tr("When"), self.tr("Who"), self.tr("Change"), self.tr("Note")]
        )
        for b in self.choice_buttons.values():
            self.choice_row.removeWidget(b)
            b.deleteLater()
        self.choice_buttons = {}  # their tooltips are made again
        self.show_item(*self._shown)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ showing

    def _set_choices(self, f: Field | None, chosen: set[str], pending: set[str] | None) -> None:
        values = f.values if f is not None else ()
        if tuple(self.choice_buttons) != tuple(values):
            for b in self.choice_buttons.values():
                self.choice_row.removeWidget(b)
                b.deleteLater()
            self.choice_buttons = {}
            for i, v in enumerate(values):
                b = QToolButton(self)
                b.setText(v)
                b.setCheckable(True)
                b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                b.setMinimumSize(QSize(40, 36))
                b.setStyleSheet(CHOICE_STYLE)
                b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                letter = chr(ord("A") + i) if i < 26 else ""
                b.setToolTip(
                    self.tr("Toggle choice {value} (key {digit} or {letter})").format(
                        value=v, digit=i + 1, letter=letter
                    )
                )
                b.clicked.connect(lambda _c=False, value=v: self.choice_clicked.emit(value))
                self.choice_row.addWidget(b)
                self.choice_buttons[v] = b
        show = pending if pending is not None else chosen
        for v, b in self.choice_buttons.items():
            b.setChecked(v in show)

    def show_item(
        self,
        sheet: SheetData | None,
        label: str | None,
        item: QueueItem | None,
        pending: tuple[str, ...] | None,
    ) -> None:
        """Show ``label`` of ``sheet`` (``item`` when it is a queue item)."""
        self._shown = (sheet, label, item, pending)
        self._show_sheet(sheet)
        state = sheet.fields.get(label) if sheet is not None and label else None
        f = sheet.template.field_map.get(label) if sheet is not None and label else None
        is_student = label == STUDENT_FIELD
        self.accept_button.setText(
            self.tr("Confirm student (Enter)") if is_student else self.tr("Accept reading (Enter)")
        )
        editable = f is not None and state is not None and not is_student
        for w in (self.blank_button, self.accept_button):
            w.setEnabled(
                editable
                or (is_student and w is self.accept_button and bool(sheet and sheet.student_id))
            )
        self.pick_button.setEnabled(sheet is not None and sheet.graded)
        if sheet is None or label is None:
            self.item_title.setText(self.tr("Nothing selected"))
            self.chip.set_status("", "#000")
            for value_label in (self.read_value, self.key_value, self.now_value, self.result_value):
                value_label.setText("–")
            self._set_choices(None, set(), None)
            self.history.clear()
            return
        if is_student:
            self._show_student(sheet, item)
        else:
            self._show_answer(sheet, label, state, f, pending)
        self._show_history(sheet.field_history(label))

    def _show_sheet(self, sheet: SheetData | None) -> None:
        if sheet is None:
            self.student_label.setText("")
            self.score_label.setText("")
            self.file_label.setText("")
            return
        if sheet.student_name:
            who = f"{sheet.student_name}  {sheet.student_number}"
        elif sheet.student_number_read:
            who = self.tr("Unknown student ({number})").format(number=sheet.student_number_read)
        else:
            who = self.tr("Unknown student")
        self.student_label.setText(who)
        if sheet.score is not None and sheet.max_score is not None:
            self.score_label.setText(
                self.tr("{score} / {max} pts").format(
                    score=_number(sheet.score), max=_number(sheet.max_score)
                )
            )
        else:
            self.score_label.setText("")
        self.file_label.setText(
            self.tr("{file}, page {page}").format(file=sheet.source_name, page=sheet.page)
        )

    def _show_student(self, sheet: SheetData, item: QueueItem | None) -> None:
        self.item_title.setText(self.tr("Student"))
        reason = item.status if item is not None else (sheet.student_reason or "")
        texts = {
            "unknown": self.tr("Not in the roster"),
            "duplicate": self.tr("Also on another sheet"),
            "unclear": self.tr("Number unclear"),
            "confirmed": self.tr("Confirmed"),
        }
        settled = sheet.student_settled
        colour = STATUS_COLOURS["reviewed"] if settled else STATUS_COLOURS["ambiguous"]
        self.chip.set_status(
            status_text("reviewed") if settled else texts.get(reason, reason), colour
        )
        self.read_value.setText(sheet.student_number_read or "–")
        self.key_value.setText("–")
        if sheet.student_name:
            self.now_value.setText(f"{sheet.student_name} ({sheet.student_number})")
        else:
            self.now_value.setText(self.tr("No student"))
        if sheet.student_duplicate:
            self.result_value.setText(self.tr("Another sheet of this exam has the same student"))
        else:
            self.result_value.setText("–")
        self._set_choices(None, set(), None)

    def _show_answer(
        self,
        sheet: SheetData,
        label: str,
        state: FieldState | None,
        f: Field | None,
        pending: tuple[str, ...] | None,
    ) -> None:
        self.item_title.setText(question_title(label))
        if state is None:
            self.chip.set_status("", "#000")
            self._set_choices(None, set(), None)
            return
        ds = state.display_status
        chip = status_text(ds)
        if state.flagged and ds == "reviewed":
            chip = status_text("reviewed")
        self.chip.set_status(chip, STATUS_COLOURS.get(ds, "#57606a"))
        read = format_value(f, state.answer)
        read += "  " + self.tr("({pct}% sure)").format(pct=round(state.confidence * 100))
        self.read_value.setText(read)
        self.key_value.setText(
            " / ".join(format_value(f, a) for a in state.key_answers) if state.key_answers else "–"
        )
        self.now_value.setText(format_value(f, state.current_value))
        if state.correct is None:
            result = "–"
        else:
            result = self.tr("Correct") if state.correct else self.tr("Wrong")
            if state.points is not None and state.max_points is not None:
                result += f"  {_number(state.points)} / {_number(state.max_points)}"
            if state.provisional:
                result += "  " + self.tr("(until reviewed)")
        self.result_value.setText(result)
        chosen = set(value_choices(f, state.current_value)) if f is not None else set()
        self._set_choices(f, chosen, set(pending) if pending is not None else None)

    def _show_history(self, entries: list[HistoryEntry]) -> None:
        self.history.clear()
        for h in reversed(entries):
            when = ""
            if h.decided_at is not None:
                when = h.decided_at.astimezone().strftime("%m-%d %H:%M")
            change = f"{h.old_value or '∅'} → {h.new_value or '∅'}"
            note = h.reason or ""
            if h.is_undo:
                note = self.tr("undo")
            row = QTreeWidgetItem([when, h.decided_by, change, note])
            if not h.in_effect:
                for col in range(4):
                    font = row.font(col)
                    font.setStrikeOut(True)
                    row.setFont(col, font)
                row.setToolTip(2, self.tr("Undone"))
            self.history.addTopLevelItem(row)
        if not entries:
            empty = QTreeWidgetItem(["", "", self.tr("No changes yet"), ""])
            self.history.addTopLevelItem(empty)


def question_title(label: str) -> str:
    if label[:1] in ("q", "Q") and label[1:].isdigit():
        return QCoreApplication.translate("ReviewPanel", "Question {n}").format(n=label[1:])
    return label


def format_value(f: Field | None, value: str) -> str:
    """``"24"`` -> ``"2, 4"`` (the bubbles it spells); blank -> a word."""
    if not value:
        return QCoreApplication.translate("ReviewPanel", "(blank)")
    if f is None:
        return value
    parts = value_choices(f, value)
    return ", ".join(parts) if parts else value


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
