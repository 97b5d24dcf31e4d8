"""One homework submission as a card: who, the verdict, the evidence, the decision.

The card only shows a :class:`~academy_desktop.store.homework.HomeworkCard` and asks
for decisions through its signals; the page writes them (``store.review``) on the
``"db"`` lane and hands the card the re-read data with :meth:`HomeworkCardWidget.set_card`.

Keys while a card (or a button on it) has the focus: Enter confirms the engine's
verdict, 1-4 choose wrote / little writing / no writing / unreadable, Ctrl+Z undoes
the card's last decision, N/P go to the next/previous card to check, the arrow keys
to the next/previous card.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.homework import HomeworkCard
from academy_desktop.store.models import SubmissionStatus
from academy_desktop.ui.homework.frames_view import FrameStrip, Thumb
from academy_desktop.ui.homework.timeline_chart import WritingTimelineChart
from academy_desktop.ui.homework.verdicts import (
    COLORS,
    PENDING,
    VERDICTS,
    legend_text,
    verdict_icon,
    verdict_pixmap,
    verdict_text,
)
from academy_desktop.ui.text import localized, rejection_text

VERDICT_KEYS = {
    Qt.Key.Key_1: "wrote",
    Qt.Key.Key_2: "little_writing",
    Qt.Key.Key_3: "no_writing",
    Qt.Key.Key_4: "unreadable",
}


class VerdictBadge(QFrame):
    """The verdict: a drawn icon, its name and a border in its colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBadge")
        self.icon = QLabel(self)
        self.text = QLabel(self)
        self.text.setObjectName("verdictText")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 8, 2)
        row.setSpacing(4)
        row.addWidget(self.icon)
        row.addWidget(self.text)
        self.verdict: str | None = None

    def set_verdict(self, verdict: str | None) -> None:
        """The colours come from the page's style sheet (:func:`badge_style`), by the
        ``verdict`` property: one sheet for every card instead of one per badge."""
        self.verdict = verdict
        self.icon.setPixmap(verdict_pixmap(verdict, 16))
        self.text.setText(verdict_text(verdict))
        if self.property("verdict") != (verdict or PENDING):
            self.setProperty("verdict", verdict or PENDING)
            for w in (self, self.text):
                w.style().unpolish(w)
                w.style().polish(w)
        self.setToolTip(legend_text())


def badge_style() -> str:
    """Style-sheet rules for the badges, one per verdict."""
    rules = [
        "#verdictBadge { border: 2px solid #64748b; border-radius: 10px;"
        " background: palette(base); }",
        "#verdictText { font-weight: bold; }",
    ]
    for verdict, color in COLORS.items():
        rules.append(f'#verdictBadge[verdict="{verdict}"] {{ border-color: {color.name()}; }}')
        rules.append(
            f'#verdictBadge[verdict="{verdict}"] #verdictText {{ color: {color.name()}; }}'
        )
    return "\n".join(rules)


class ReasonDialog(QDialog):
    """Choose a verdict and say why (the reason is kept in the audit trail)."""

    def __init__(self, current: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change the verdict"))
        self.combo = QComboBox(self)
        for v in VERDICTS:
            self.combo.addItem(verdict_icon(v), verdict_text(v), v)
        if current in VERDICTS:
            self.combo.setCurrentIndex(VERDICTS.index(current))
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("e.g. the second page is in another file"))
        form = QFormLayout()
        form.addRow(self.tr("Verdict"), self.combo)
        form.addRow(self.tr("Reason (optional)"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def verdict(self) -> str:
        return str(self.combo.currentData())

    def reason_text(self) -> str | None:
        return self.reason.text().strip() or None


class HomeworkCardWidget(QFrame):
    """One submission; decisions go out as signals carrying its submission id."""

    confirm_requested = Signal(int)
    verdict_requested = Signal(int, str, object)  # submission id, verdict, reason or None
    undo_requested = Signal(int)
    pick_student_requested = Signal(int)
    frame_clicked = Signal(int, int)  # submission id, frame id
    move_requested = Signal(int, int, bool)  # submission id, +1/-1, only cards to check

    def __init__(self, card: HomeworkCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeworkCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.card = card
        self._busy = False
        self.from_key = False  # the last decision came from a key (the page moves on)

        self.student = QLabel(self)
        self.student.setObjectName("cardStudent")
        self.student.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pick_button = QPushButton(self)
        self.pick_button.clicked.connect(lambda: self.pick_student_requested.emit(self.card_id))
        self.to_check = QLabel(self)
        self.to_check.setObjectName("toCheck")
        self.badge = VerdictBadge(self)
        self.details = QLabel(self)
        self.details.setObjectName("cardDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = WritingTimelineChart(self)
        self.frames = FrameStrip(self)
        self.frames.frame_clicked.connect(lambda fid: self.frame_clicked.emit(self.card_id, fid))
        self.ocr_toggle = QToolButton(self)
        self.ocr_toggle.setCheckable(True)
        self.ocr_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.ocr_toggle.setAutoRaise(True)
        self.ocr_toggle.toggled.connect(self._toggle_ocr)
        self.ocr = QPlainTextEdit(self)
        self.ocr.setReadOnly(True)
        self.ocr.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.ocr.setMaximumHeight(140)
        self.ocr.hide()

        self.confirm_button = QPushButton(self)
        self.confirm_button.clicked.connect(self._clicked(self.confirm))
        self.change_button = QPushButton(self)
        self.change_menu = QMenu(self.change_button)
        self.verdict_actions: dict[str, QAction] = {}
        for v in VERDICTS:
            action = self.change_menu.addAction(verdict_icon(v), "")
            action.triggered.connect(self._clicked(partial(self.choose, v)))
            self.verdict_actions[v] = action
        self.change_menu.addSeparator()
        self.reason_action = self.change_menu.addAction("")
        self.reason_action.triggered.connect(self._clicked(self.choose_with_reason))
        self.change_button.setMenu(self.change_menu)
        self.undo_button = QPushButton(self)
        self.undo_button.clicked.connect(lambda: self.undo_requested.emit(self.card_id))
        self.status = QLabel(self)
        self.status.setObjectName("cardStatus")
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.student)
        top.addWidget(self.pick_button)
        top.addStretch(1)
        top.addWidget(self.to_check)
        top.addWidget(self.badge)
        body = QHBoxLayout()
        body.addWidget(self.chart, 3)
        side = QVBoxLayout()
        side.addWidget(self.frames)
        side.addStretch(1)
        body.addLayout(side, 2)
        actions = QHBoxLayout()
        actions.addWidget(self.confirm_button)
        actions.addWidget(self.change_button)
        actions.addWidget(self.undo_button)
        actions.addWidget(self.status, 1)
        actions.addWidget(self.ocr_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.details)
        layout.addWidget(self.reason)
        layout.addLayout(body)
        layout.addWidget(self.ocr)
        layout.addLayout(actions)
        for b in (self.pick_button, self.confirm_button, self.change_button, self.undo_button):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the focus on the card
        self.set_card(card)

    def _clicked(self, fn: Callable[[], None]) -> Callable[..., None]:
        def run(*_args: object) -> None:
            self.from_key = False
            fn()

        return run

    # -- data ------------------------------------------------------------------
    @property
    def card_id(self) -> int:
        return self.card.submission_id

    @property
    def analysed(self) -> bool:
        return self.card.status != SubmissionStatus.SUBMITTED

    def set_card(self, card: HomeworkCard) -> None:
        """Show ``card`` (the store's latest); the thumbnails stay unless frames changed."""
        frames_changed = card.frame_ids != self.card.frame_ids
        self.card = card
        if card.source == "homework_image" and card.pages and not card.timeline:
            self.chart.set_photo(card.pages)
        else:
            self.chart.set_video(card.timeline, card.pages)
        if frames_changed and not card.frame_ids:
            self.frames.set_none()
        elif frames_changed:
            self.frames.set_loading()
        if not card.frame_ids and not self.frames.thumbs:
            self.frames.set_none()
        has_ocr = bool(card.ocr_text.strip())
        self.ocr.setPlainText(card.ocr_text)
        self.ocr_toggle.setVisible(has_ocr)
        if not has_ocr:
            self.ocr.hide()
        self.retranslate()

    def set_thumbs(self, thumbs: list[Thumb]) -> None:
        self.frames.set_thumbs(thumbs)

    def set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        self.status.setText(message)
        self._update_buttons()

    def set_message(self, message: str) -> None:
        self.status.setText(message)

    def _update_buttons(self) -> None:
        ok = not self._busy
        self.confirm_button.setEnabled(ok and self.analysed and bool(self.card.engine_verdict))
        self.change_button.setEnabled(ok and self.analysed)
        self.undo_button.setEnabled(ok)
        self.pick_button.setEnabled(ok)

    # -- text ------------------------------------------------------------------
    def retranslate(self) -> None:
        c = self.card
        if c.student_id is not None:
            self.student.setText(
                self.tr("{name} ({number})").format(
                    name=c.student_name or "", number=c.student_number or ""
                )
            )
            self.pick_button.setText(self.tr("Change student…"))
        else:
            self.student.setText(self.tr("No student"))
            self.pick_button.setText(self.tr("Pick student…"))
        self.student.setProperty("unmatched", c.student_id is None)
        self.badge.set_verdict(c.verdict if self.analysed else None)
        self.to_check.setText("⚑ " + self.tr("To check"))
        self.to_check.setToolTip(
            self.tr("The analysis is unsure: a person should look at this one.")
        )
        self.to_check.setVisible(c.doubtful and self.analysed)
        parts = [c.original_name]
        parts.append(self.tr("Video") if c.source == "homework_video" else self.tr("Photo"))
        if c.confidence is not None and self.analysed:
            parts.append(self.tr("confidence {pct}%").format(pct=round(c.confidence * 100)))
        if c.decided_by and c.review_state == "done":
            parts.append(self.tr("checked by {who}").format(who=c.decided_by))
            if c.engine_verdict and c.verdict != c.engine_verdict:
                parts.append(
                    self.tr("the analysis said: {verdict}").format(
                        verdict=verdict_text(c.engine_verdict)
                    )
                )
        self.details.setText("  ·  ".join(parts))
        if not self.analysed:
            reason = self.tr("Not analysed yet: resume the batch to analyse it.")
        else:
            reason = localized(c.reason or "")
            if c.rejection_code and c.rejection_code != "INTERNAL_ERROR":
                code_text = rejection_text(c.rejection_code)
                if code_text and code_text not in reason:
                    reason = f"{code_text} {reason}".strip()
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
        self.ocr_toggle.setText(self.tr("OCR text"))
        self.ocr_toggle.setArrowType(
            Qt.ArrowType.DownArrow if self.ocr_toggle.isChecked() else Qt.ArrowType.RightArrow
        )
        self.confirm_button.setText(self.tr("Confirm (Enter)"))
        self.confirm_button.setToolTip(self.tr("Keep the analysis' verdict as the staff decision"))
        self.change_button.setText(self.tr("Change verdict"))
        self.change_button.setToolTip(self.tr("Keys 1-4 choose a verdict") + "\n" + legend_text())
        for i, (v, action) in enumerate(self.verdict_actions.items()):
            action.setText(f"{verdict_text(v)}\t{i + 1}")  # the key, shown as a shortcut
        self.reason_action.setText(self.tr("Change with a reason…"))
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Undo this card's last decision (Ctrl+Z)"))
        self.frames.retranslate()
        self.setAccessibleName(
            f"{self.student.text()}: {verdict_text(c.verdict if self.analysed else None)}"
        )
        self._update_buttons()
        self.style().polish(self.student)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- decisions ---------------------------------------------------------------
    def choose(self, verdict: str, reason: str | None = None) -> None:
        if self._busy or not self.analysed:
            return
        self.verdict_requested.emit(self.card_id, verdict, reason)

    def choose_with_reason(self) -> None:
        dialog = ReasonDialog(self.card.verdict, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.choose(dialog.verdict(), dialog.reason_text()))
        dialog.open()

    def confirm(self) -> None:
        if not self._busy and self.confirm_button.isEnabled():
            self.confirm_requested.emit(self.card_id)

    def undo(self) -> None:
        if not self._busy:
            self.undo_requested.emit(self.card_id)

    def _toggle_ocr(self, on: bool) -> None:
        self.ocr.setVisible(on)
        self.ocr_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    # -- keys and focus ------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
        elif mods != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.from_key = True
            self.confirm()
        elif key in VERDICT_KEYS:
            self.from_key = True
            self.choose(VERDICT_KEYS[Qt.Key(key)])
        elif key == Qt.Key.Key_N:
            self.move_requested.emit(self.card_id, 1, True)
        elif key == Qt.Key.Key_P:
            self.move_requested.emit(self.card_id, -1, True)
        elif key == Qt.Key.Key_Down:
            self.move_requested.emit(self.card_id, 1, False)
        elif key == Qt.Key.Key_Up:
            self.move_requested.emit(self.card_id, -1, False)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def set_current(self, current: bool) -> None:
        if self.property("current") != current:
            self.setProperty("current", current)
            self.style().unpolish(self)
            self.style().polish(self)


__all__ = ["VERDICT_KEYS", "HomeworkCardWidget", "ReasonDialog", "VerdictBadge", "badge_style"]
