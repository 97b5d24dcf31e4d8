"""Create a homework assignment, or edit one: title, due date, class, server id.

Saved with :func:`academy_desktop.store.homework.create_homework` /
``update_homework`` on the ``"db"`` lane (``main.py assignment create/edit`` does
the same); what the store refuses (an empty or duplicate title, a bad server id) is
shown inline under the form, in the current language.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.homework import create_homework, get_homework, update_homework
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.text import localized


class HomeworkDialog(QDialog):
    """New homework (``homework_id=None``) or edit an existing one.

    After ``accepted``, :attr:`saved_homework_id` is the assignment's id."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, homework_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.homework_id = homework_id
        self.saved_homework_id: int | None = None
        self._saving = False
        self._loading = homework_id is not None
        self._tried = False  # Save was pressed once
        self._store_error = ""
        self.setMinimumWidth(440)

        self.title_edit = QLineEdit(self)
        self.title_edit.setMaxLength(200)
        self.due_check = QCheckBox(self)
        self.due_check.setChecked(True)
        self.due_edit = QDateEdit(self)
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        self.due_edit.setDate(QDate.currentDate().addDays(7))
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_check)
        due_row.addWidget(self.due_edit, 1)
        self.class_edit = QLineEdit(self)
        self.class_edit.setMaxLength(100)
        self.server_edit = QLineEdit(self)
        self.server_hint = QLabel(self)
        self.server_hint.setWordWrap(True)
        self.server_hint.setObjectName("hint")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.error_label.hide()

        self.form = QFormLayout()
        self.title_label = QLabel(self)
        self.due_label = QLabel(self)
        self.class_label = QLabel(self)
        self.server_label = QLabel(self)
        self.form.addRow(self.title_label, self.title_edit)
        self.form.addRow(self.due_label, due_row)
        self.form.addRow(self.class_label, self.class_edit)
        self.form.addRow(self.server_label, self.server_edit)
        self.form.addRow(self.server_hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.title_edit.textChanged.connect(self._edited)
        self.server_edit.textChanged.connect(self._edited)
        self.retranslate()
        if homework_id is not None:
            BackgroundOp(self, self._load, self._loaded).failure(self._failed).run_in_background(
                ctx.runner, "db"
            )
        self._validate()

    def retranslate(self) -> None:
        editing = self.homework_id is not None
        self.setWindowTitle(self.tr("Edit homework") if editing else self.tr("New homework"))
        self.title_label.setText(self.tr("Title"))
        self.title_edit.setPlaceholderText(self.tr("e.g. Unit 3 practice, pages 12-15"))
        self.due_label.setText(self.tr("Due date"))
        self.due_check.setText(self.tr("Has a due date"))
        self.class_label.setText(self.tr("Class"))
        self.class_edit.setPlaceholderText(self.tr("e.g. Middle 2 A (optional)"))
        self.server_label.setText(self.tr("Server homework id"))
        self.server_edit.setPlaceholderText(self.tr("optional"))
        self.server_hint.setText(
            self.tr(
                "The homework's id on the academy server, for sending results. It can be set later."
            )
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Save") if editing else self.tr("Create"))

    # -- loading an existing one -----------------------------------------------
    def _load(self, _state: OpState) -> tuple[str, date | None, str, int | None]:
        assert self.homework_id is not None
        with self.ctx.workspace.read() as s:
            hw = get_homework(s, self.homework_id)
            return hw.title, hw.due_date, hw.group_name or "", hw.target_id

    def _loaded(self, row: tuple[str, date | None, str, int | None]) -> None:
        title, due, group, target = row
        self.title_edit.setText(title)
        self.due_check.setChecked(due is not None)
        if due is not None:
            self.due_edit.setDate(QDate(due.year, due.month, due.day))
        self.due_edit.setEnabled(due is not None)
        self.class_edit.setText(group)
        self.server_edit.setText("" if target is None else str(target))
        self._loading = False
        self._validate()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self._store_error = localized(str(exc))
        self._validate()

    # -- checking and saving ---------------------------------------------------
    def _server_id(self) -> tuple[int | None, str]:
        text = self.server_edit.text().strip()
        if not text:
            return None, ""
        if not text.isdigit() or int(text) <= 0:
            return None, self.tr("The server homework id is a whole number above 0.")
        return int(text), ""

    def problems(self) -> list[str]:
        out = []
        if not self.title_edit.text().strip():
            out.append(self._title_missing())
        _sid, error = self._server_id()
        if error:
            out.append(error)
        return out

    def _edited(self, _text: str = "") -> None:
        self._store_error = ""  # the store's complaint was about the old values
        self._validate()

    def _validate(self) -> None:
        """Say what is wrong as it is typed (an empty title only once Save was pressed)."""
        problems = [p for p in self.problems() if p != self._title_missing() or self._tried]
        self.show_error("\n".join([*problems, self._store_error]).strip())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self._saving and not self._loading)

    def _title_missing(self) -> str:
        return self.tr("Enter a title.")

    def show_error(self, text: str) -> None:
        if text == self.error_label.text() and bool(text) == self.error_label.isVisible():
            return
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        if self.isVisible():
            self.adjustSize()  # room for the message, never clipped

    def values(self) -> tuple[str, date | None, str | None, int | None]:
        due = self.due_edit.date().toPython() if self.due_check.isChecked() else None
        assert due is None or isinstance(due, date)
        target, _error = self._server_id()
        return self.title_edit.text().strip(), due, self.class_edit.text().strip() or None, target

    def save(self) -> None:
        self._tried = True
        self._store_error = ""
        self._validate()
        if self.problems() or self._saving or self._loading:
            return
        self._saving = True
        self._validate()
        title, due, group, target = self.values()
        homework_id = self.homework_id

        def work(_state: OpState) -> int:
            with self.ctx.workspace.write() as s:
                if homework_id is None:
                    hw = create_homework(s, title, due_date=due, group_name=group, target_id=target)
                else:
                    hw = update_homework(
                        s,
                        homework_id,
                        title=title,
                        due_date=due,
                        group_name=group,
                        target_id=target,
                    )
                return hw.id

        def saved(hid: int) -> None:
            self._saving = False
            self.saved_homework_id = hid
            self.accept()

        def failed(exc: BaseException) -> None:
            self._saving = False
            self._store_error = localized(str(exc))
            self._validate()

        BackgroundOp(self, work, saved).failure(failed).run_in_background(self.ctx.runner, "db")


__all__ = ["HomeworkDialog"]
