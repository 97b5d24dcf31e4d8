"""The editor's **Import file** tab: pick a CSV/XLSX, Academy JSON or OMRChecker key.

The tab only asks for the file (:attr:`ImportKeyTab.file_chosen`) and shows what came of
it (``result``); reading and checking the file is the dialog's job
(:meth:`~academy_desktop.ui.exam_setup.key_editor.KeyEditorDialog.import_file`).

Strings are translated in the ``KeyEditorDialog`` context (explicit ``translate`` calls),
the context they had when this tab was part of the dialog, so the catalogue keeps them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

__all__ = ["ImportKeyTab"]


class ImportKeyTab(QWidget):
    """What can be imported, a "Choose a file…" button and the outcome (``result``)."""

    file_chosen = Signal(object)  # the Path picked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = QLabel(
            QCoreApplication.translate(
                "KeyEditorDialog",
                "Load the answers from a file: a spreadsheet (CSV or XLSX with the columns "
                "문항/question and 정답/answer, optionally 배점/points and 영역/section), an "
                "Academy answer key (JSON) or an OMRChecker evaluation.json. The answers are "
                "shown in the editor; nothing is saved until you press Save.",
            ),
            self,
        )
        text.setWordWrap(True)
        self.button = QPushButton(
            QCoreApplication.translate("KeyEditorDialog", "Choose a file…"), self
        )
        self.button.clicked.connect(self._pick)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def _pick(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window(),
            QCoreApplication.translate("KeyEditorDialog", "Import an answer key"),
            "",
            QCoreApplication.translate(
                "KeyEditorDialog",
                "Answer keys (*.json *.csv *.xlsx *.xlsm *.tsv *.txt);;All files (*)",
            ),
        )
        if path:
            self.file_chosen.emit(Path(path))
