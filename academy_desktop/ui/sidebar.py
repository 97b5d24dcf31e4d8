"""The sidebar: the workspace's exams, newest first, with how many sheets wait for review;
under them the homework assignments (:mod:`academy_desktop.ui.homework.sidebar_section`).
One exam or one homework is selected at a time."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.exams import ExamSummary, list_exams
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework.sidebar_section import HomeworkSidebarSection

EXAM_ID = Qt.ItemDataRole.UserRole


class ExamSidebar(QWidget):
    exam_selected = Signal(object)  # exam id, or None when nothing is selected
    new_exam_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.heading = QLabel(self)
        self.heading.setObjectName("sidebarHeading")
        self.list = QListWidget(self)
        self.list.setObjectName("examList")
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._current_changed)
        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(self.new_exam_requested)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.new_button)
        self.homework = HomeworkSidebarSection(ctx, self)
        self.homework.homework_selected.connect(self._homework_selected)
        layout.addSpacing(8)
        layout.addWidget(self.homework, 1)
        self._exams: list[ExamSummary] = []
        ctx.signals.exams_changed.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Exams"))
        self.new_button.setText(self.tr("New exam…"))
        self.empty.setText(self.tr("No exams yet. Create one, or drop scans to start."))
        self._fill()

    def refresh(self) -> None:
        with self._ctx.workspace.read() as s:
            self._exams = list_exams(s)
        self._fill()
        self.homework.refresh()

    def _label(self, e: ExamSummary) -> str:
        first = e.title if e.exam_date is None else f"{e.title}  ·  {e.exam_date:%Y-%m-%d}"
        second = self.tr("{n} sheets").format(n=e.submissions)
        if e.flagged:
            second += " · " + self.tr("{n} to review").format(n=e.flagged)
        return f"{first}\n{second}"

    def _fill(self) -> None:
        current = self.current_exam_id()
        self.list.blockSignals(True)
        self.list.clear()
        for e in self._exams:
            item = QListWidgetItem(self._label(e))
            item.setData(EXAM_ID, e.id)
            item.setToolTip(e.template_name)
            self.list.addItem(item)
            if e.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not self._exams)
        if current is not None and self.current_exam_id() != current:
            self.exam_selected.emit(self.current_exam_id())

    def current_exam_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(EXAM_ID))

    def exam_title(self, exam_id: int) -> str | None:
        return next((e.title for e in self._exams if e.id == exam_id), None)

    def select_exam(self, exam_id: int | None) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(EXAM_ID) == exam_id:
                self.list.setCurrentItem(item)
                return
        self.list.setCurrentRow(-1)

    def _homework_selected(self, homework_id: int | None) -> None:
        if homework_id is not None and self.list.currentItem() is not None:
            self.list.setCurrentRow(-1)  # says exam_selected(None)

    def _current_changed(self, current: QListWidgetItem | None, _prev: object) -> None:
        if current is not None:
            self.homework.clear_selection()
        self.exam_selected.emit(None if current is None else int(current.data(EXAM_ID)))
