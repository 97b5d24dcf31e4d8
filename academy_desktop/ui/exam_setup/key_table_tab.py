"""The editor's **Table** tab: one row per question, and points or a section for many at once.

Strings are translated in the ``KeyEditorDialog`` context (explicit ``translate`` calls),
the context they had when this tab was part of the dialog, so the catalogue keeps them.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.answerkey import parse_score
from academy_desktop.ui.exam_setup.key_table_model import KeyTableModel

__all__ = ["KeyTableTab"]


class KeyTableTab(QWidget):
    """The key's :class:`KeyTableModel` (``model``) in a table, with bulk points/section."""

    message = Signal(str)  # for the dialog's result line ("" clears it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = KeyTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        fm = self.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(fm.height() + fm.height() // 2)
        header = self.table.horizontalHeader()
        for col, chars in enumerate((8, 18, 8, 14)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, fm.averageCharWidth() * chars)
        header.setSectionResizeMode(KeyTableModel.COL_CHECK, QHeaderView.ResizeMode.Stretch)
        help_text = QLabel(
            QCoreApplication.translate(
                "KeyEditorDialog",
                "Several correct answers: separate them with commas (2, 4). 24 means 2 and 4 "
                "both marked. Empty points: the section's points.",
            ),
            self,
        )
        help_text.setWordWrap(True)
        self.bulk_points = QLineEdit(self)
        self.bulk_points.setPlaceholderText(
            QCoreApplication.translate("KeyEditorDialog", "points, e.g. 3")
        )
        self.bulk_section = QLineEdit(self)
        self.bulk_section.setPlaceholderText(
            QCoreApplication.translate("KeyEditorDialog", "section, e.g. 수학")
        )
        self.bulk_apply = QPushButton(
            QCoreApplication.translate("KeyEditorDialog", "Apply to selected"), self
        )
        self.bulk_apply.clicked.connect(self._apply_bulk)
        bulk = QHBoxLayout()
        bulk.addWidget(
            QLabel(QCoreApplication.translate("KeyEditorDialog", "Selected questions:"), self)
        )
        bulk.addWidget(self.bulk_points)
        bulk.addWidget(self.bulk_section)
        bulk.addWidget(self.bulk_apply)
        bulk.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addWidget(self.table, 1)
        layout.addLayout(bulk)

    def selected_labels(self) -> list[str]:
        """The questions of the selected rows, in sheet order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        labels = self.model.labels
        return [labels[r] for r in rows]

    def _apply_bulk(self) -> None:
        labels = self.selected_labels()
        if not labels:
            self.message.emit(
                QCoreApplication.translate(
                    "KeyEditorDialog", "Select the questions in the table first."
                )
            )
            return
        points_text = self.bulk_points.text().strip()
        if points_text:
            try:
                points = float(parse_score(points_text))
            except ValueError:
                self.message.emit(
                    QCoreApplication.translate(
                        "KeyEditorDialog", "'{text}' is not a number of points."
                    ).format(text=points_text)
                )
                return
            self.model.set_points(labels, points)
        if self.bulk_section.text().strip():
            self.model.set_section(labels, self.bulk_section.text())
        self.message.emit("")
