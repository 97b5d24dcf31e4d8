"""The editor's **History** tab: every saved version of the key, read-only.

Selecting a version shows it in full below the list; "Load this version into the editor"
asks the dialog (:attr:`KeyHistoryTab.restore_requested`) to put it in the editor,
where saving makes it the current key again.

Strings are translated in the ``KeyEditorDialog`` context (explicit ``translate`` calls),
the context they had when this tab was part of the dialog, so the catalogue keeps them.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.answerkey import DEFAULT_SECTION
from academy_desktop.engine.answerkey_text import format_digit_key
from academy_desktop.ui.exam_setup.key_data import (
    ExamKeyInfo,
    KeyVersionInfo,
    format_score,
    shared_points,
)
from academy_desktop.ui.text import localized

__all__ = ["KeyHistoryTab"]


class KeyHistoryTab(QWidget):
    """The versions (``history``, newest first), the selected one in full (``version_view``)
    and ``restore_button``."""

    restore_requested = Signal(object)  # the KeyVersionInfo to load into the editor

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info: ExamKeyInfo | None = None
        self.history = QTreeWidget(self)
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels(
            [
                QCoreApplication.translate("KeyEditorDialog", "Version"),
                QCoreApplication.translate("KeyEditorDialog", "Saved by"),
                QCoreApplication.translate("KeyEditorDialog", "Saved at"),
                QCoreApplication.translate("KeyEditorDialog", "Answers"),
            ]
        )
        self.history.currentItemChanged.connect(self._version_selected)
        self.version_view = QPlainTextEdit(self)
        self.version_view.setReadOnly(True)
        self.version_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.restore_button = QPushButton(
            QCoreApplication.translate("KeyEditorDialog", "Load this version into the editor"),
            self,
        )
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._restore_selected)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.history)
        splitter.addWidget(self.version_view)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(row)

    def show_versions(self, info: ExamKeyInfo) -> None:
        """List ``info``'s versions, newest first; nothing is selected."""
        self.info = info
        self.history.clear()
        for v in reversed(info.versions):
            label = f"v{v.version}"
            if v is info.current:
                label += " " + QCoreApplication.translate("KeyEditorDialog", "(current)")
            answers = (
                format_digit_key(v.key, info.template, info.labels)
                if v.key is not None
                else localized(v.error)
            )
            item = QTreeWidgetItem(
                [label, v.created_by or "", f"{v.created_at:%Y-%m-%d %H:%M}", answers]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, v.version)
            self.history.addTopLevelItem(item)
        for col in range(3):
            self.history.resizeColumnToContents(col)
        self.version_view.setPlainText("")
        self.restore_button.setEnabled(False)

    def item_for(self, number: int) -> QTreeWidgetItem | None:
        """The list's row of version ``number``."""
        for i in range(self.history.topLevelItemCount()):
            item = self.history.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == number:
                return item
        return None

    def _version(self, number: int) -> KeyVersionInfo | None:
        if self.info is None:
            return None
        return next((v for v in self.info.versions if v.version == number), None)

    def _version_selected(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        v = self._version(int(item.data(0, Qt.ItemDataRole.UserRole))) if item else None
        if v is None or self.info is None:
            self.version_view.setPlainText("")
            self.restore_button.setEnabled(False)
            return
        self.version_view.setPlainText(self.describe(v))
        self.restore_button.setEnabled(v.key is not None)

    def describe(self, v: KeyVersionInfo) -> str:
        """Version ``v`` as text: who saved it when, the answer string, then per question
        the answers, points and section."""
        assert self.info is not None
        if v.key is None:
            return localized(v.error)
        key = v.key
        lines = [
            QCoreApplication.translate(
                "KeyEditorDialog", "Version {v}, saved by {who} on {when}"
            ).format(
                v=v.version,
                who=v.created_by or QCoreApplication.translate("KeyEditorDialog", "unknown"),
                when=f"{v.created_at:%Y-%m-%d %H:%M}",
            ),
            "",
            format_digit_key(key, self.info.template, self.info.labels),
            "",
        ]
        for label in self.info.labels:
            item = key.items.get(label)
            if item is None:
                lines.append(f"{label}: -")
                continue
            marking = key.marking(item)
            answers = ", ".join(
                a if s is None else f"{a} ({format_score(s)})" for a, s in item.accepted
            )
            shared = shared_points(item)
            points_text = format_score(shared if shared is not None else marking.correct)
            section = "" if item.section == DEFAULT_SECTION else f"  [{item.section}]"
            lines.append(
                f"{label}: {answers}  · "
                + QCoreApplication.translate("KeyEditorDialog", "{p} pt").format(p=points_text)
                + section
            )
        return "\n".join(lines)

    def _restore_selected(self) -> None:
        item = self.history.currentItem()
        v = self._version(int(item.data(0, Qt.ItemDataRole.UserRole))) if item else None
        if v is None or v.key is None:
            return
        self.restore_requested.emit(v)
