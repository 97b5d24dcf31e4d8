"""Pick a student from the roster: by Hangul name, initial consonants (초성) or number.

The roster is read once in the background (``"db"`` lane); each keystroke ranks it
again on the UI thread with :func:`academy_desktop.store.roster_search.rank`, which
takes a millisecond or two for a few thousand students.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.roster_search import RosterEntry, load_roster, rank
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.text import localized

RESULTS = 50
NUMBER_ROLE = Qt.ItemDataRole.UserRole


class StudentPicker(QDialog):
    """A search box over the roster; :attr:`student_chosen` carries the student number."""

    student_chosen = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        read_number: str | None = None,
        current_number: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: list[RosterEntry] | None = None
        self.current_number = current_number
        self.setWindowTitle(self.tr("Choose the student"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = self.tr("Search by name, initial consonants (e.g. ㄱㅁㅅ) or student number.")
        if read_number:
            intro += "\n" + self.tr("Number read on the sheet: {number}").format(number=read_number)
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Name, ㄱㅁㅅ or number"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setAlternatingRowColors(True)
        self.results.setMinimumHeight(240)
        self.status = QLabel(self.tr("Loading the roster…"), self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Choose"))
        for w in (self.intro, self.search, self.results, self.status, self.buttons):
            layout.addWidget(w)
        self.search.textChanged.connect(self._refresh)
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.results.currentItemChanged.connect(lambda *_: self._update_ok())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.search.installEventFilter(self)
        self._update_ok()
        BackgroundOp(self, self._load, self._loaded).failure(self._failed).run_in_background(
            ctx.runner, "db"
        )

    def _load(self, _state: OpState) -> list[RosterEntry]:
        with self.ctx.workspace.read() as s:
            return load_roster(s)

    def _loaded(self, entries: list[RosterEntry]) -> None:
        self.entries = entries
        self._refresh()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(localized(str(exc)))

    def _refresh(self) -> None:
        if self.entries is None:
            return
        found = rank(self.entries, self.search.text(), RESULTS)
        self.results.clear()
        for e in found:
            text = f"{e.name}    {e.number}"
            if e.class_name:
                text += f"    · {e.class_name}"
            item = QListWidgetItem(text, self.results)
            item.setData(NUMBER_ROLE, e.number)
            if e.number == self.current_number:
                item.setToolTip(self.tr("The sheet's student now"))
        if found:
            self.results.setCurrentRow(0)
        if not self.entries:
            self.status.setText(self.tr("The roster is empty: import it first."))
        elif not found:
            self.status.setText(self.tr("No student matches."))
        else:
            self.status.setText(
                self.tr("{n} of {total} students").format(n=len(found), total=len(self.entries))
            )
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.results.currentItem() is not None)

    def chosen_number(self) -> str | None:
        item = self.results.currentItem()
        return str(item.data(NUMBER_ROLE)) if item is not None else None

    def accept(self) -> None:
        number = self.chosen_number()
        if number is None:
            return
        super().accept()
        self.student_chosen.emit(number)

    def eventFilter(self, obj: object, event: object) -> bool:
        # arrows in the search box move through the results
        if (
            obj is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
        ):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.results.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                if 0 <= row < self.results.count():
                    self.results.setCurrentRow(row)
                return True
        return super().eventFilter(obj, event)  # type: ignore[arg-type]
