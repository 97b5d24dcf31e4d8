"""The sidebar's homework section: assignments with their due date and how many
files wait to be checked, "New homework…" and "Edit…".

The list is read with :func:`academy_desktop.store.homework.list_homeworks` on the
``"db"`` lane; a refresh asked for while one runs is folded into one more.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.homework import HomeworkSummary, list_homeworks
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework.new_homework_dialog import HomeworkDialog
from academy_desktop.ui.icons import icon
from academy_desktop.ui.ops import BackgroundOp, OpState

HOMEWORK_ID = Qt.ItemDataRole.UserRole


class HomeworkSidebarSection(QWidget):
    """Lists the assignments; selecting one emits :attr:`homework_selected`."""

    homework_selected = Signal(object)  # homework id, or None
    loaded = Signal()  # the list was read again (tests wait for it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.homeworks: list[HomeworkSummary] = []
        self._loading = False
        self._again = False
        self._select_after: int | None = None
        self.heading = QLabel(self)
        self.heading.setObjectName("sidebarHeading")
        self.list = QListWidget(self)
        self.list.setObjectName("homeworkList")
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_current())
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setObjectName("hint")
        self.new_button = QPushButton(self)
        self.new_button.setIcon(icon("new"))
        self.new_button.clicked.connect(self.new_homework)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(self.edit_current)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.new_button, 1)
        buttons.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Homework"))
        self.new_button.setText(self.tr("New homework…"))
        self.edit_button.setText(self.tr("Edit…"))
        self.edit_button.setToolTip(
            self.tr("Change the selected homework's title, due date, class or server id")
        )
        self.empty.setText(
            self.tr("No homework yet. Create one, then drop the students' videos or photos on it.")
        )
        self._fill()

    # -- reading ---------------------------------------------------------------
    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        ws = self.ctx.workspace

        def work(_state: OpState) -> list[HomeworkSummary]:
            with ws.read() as s:
                return list_homeworks(s)

        def done(rows: list[HomeworkSummary]) -> None:
            self._loading = False
            self.homeworks = rows
            self._fill()
            if self._select_after is not None:
                hid, self._select_after = self._select_after, None
                self.select_homework(hid)
            self.loaded.emit()
            if self._again:
                self._again = False
                self.refresh()

        def failed(_exc: BaseException) -> None:
            self._loading = False

        BackgroundOp(self, work, done).failure(failed).run_in_background(self.ctx.runner, "db")

    def label(self, h: HomeworkSummary) -> str:
        parts = []
        if h.due_date is not None:
            parts.append(self.tr("due {date}").format(date=_short_date(h.due_date)))
        parts.append(self.tr("{n} files").format(n=h.files))
        if h.needs_review:
            parts.append(self.tr("{n} to check").format(n=h.needs_review))
        if h.pending:
            parts.append(self.tr("{n} not analysed").format(n=h.pending))
        return h.title + "\n" + " · ".join(parts)

    def _fill(self) -> None:
        current = self.current_homework_id()
        self.list.blockSignals(True)
        self.list.clear()
        for h in self.homeworks:
            item = QListWidgetItem(self.label(h))
            item.setData(HOMEWORK_ID, h.id)
            tip = [h.title]
            if h.group_name:
                tip.append(self.tr("Class: {name}").format(name=h.group_name))
            if h.target_id is not None:
                tip.append(self.tr("Server homework id: {id}").format(id=h.target_id))
            item.setToolTip("\n".join(tip))
            self.list.addItem(item)
            if h.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not self.homeworks)
        self._update_buttons()
        if current is not None and self.current_homework_id() != current:
            self.homework_selected.emit(self.current_homework_id())

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.current_homework_id() is not None)

    # -- selection -------------------------------------------------------------
    def current_homework_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(HOMEWORK_ID))

    def summary(self, homework_id: int) -> HomeworkSummary | None:
        return next((h for h in self.homeworks if h.id == homework_id), None)

    def select_homework(self, homework_id: int | None) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(HOMEWORK_ID) == homework_id:
                self.list.setCurrentItem(item)
                return
        if homework_id is not None and self._loading:
            self._select_after = homework_id
            return
        self.list.setCurrentRow(-1)

    def clear_selection(self) -> None:
        """Nothing selected, without saying so (an exam was chosen instead)."""
        self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        self.list.clearSelection()
        self.list.blockSignals(False)
        self._update_buttons()

    def _current_changed(self, current: QListWidgetItem | None, _prev: object) -> None:
        self._update_buttons()
        self.homework_selected.emit(None if current is None else int(current.data(HOMEWORK_ID)))

    # -- dialogs ---------------------------------------------------------------
    def new_homework(self) -> HomeworkDialog:
        dialog = HomeworkDialog(self.ctx, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._saved(dialog.saved_homework_id))
        dialog.open()
        return dialog

    def edit_current(self) -> HomeworkDialog | None:
        hid = self.current_homework_id()
        if hid is None:
            return None
        dialog = HomeworkDialog(self.ctx, self.window(), homework_id=hid)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._saved(dialog.saved_homework_id, edited=True))
        dialog.open()
        return dialog

    def _saved(self, homework_id: int | None, edited: bool = False) -> None:
        if homework_id is None:
            return
        if edited:  # the page shows the new title
            self.homework_selected.emit(homework_id)
        self._select_after = homework_id
        self.refresh()


def _short_date(d: date) -> str:
    return f"{d:%Y-%m-%d}"


__all__ = ["HomeworkSidebarSection"]
