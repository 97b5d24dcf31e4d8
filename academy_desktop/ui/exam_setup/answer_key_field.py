"""The answer key row of the new exam dialog: a key file (or none yet), and whether it
fits the chosen sheet, checked off the UI thread (``"work"`` lane).

Its text belongs to the dialog (translation context ``NewExamDialog``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from academy_desktop.engine.answerkey import load_key
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.scoring import check_key_against
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Template
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup.common import error_text
from academy_desktop.ui.ops import BackgroundOp
from academy_desktop.ui.text import localized

__all__ = ["AnswerKeyField"]


class AnswerKeyField(QWidget):
    """File name, Choose… and Remove; ``status`` (placed by the dialog) says if it fits.

    ``current_spec`` gives the dialog's template (a bundled name or a file path);
    ``templates`` holds the ones already loaded.
    """

    picked = Signal(object)  # Path, or None for Remove: the dialog decides what follows
    changed = Signal()  # the result of a check changed

    def __init__(
        self,
        ctx: AppContext,
        current_spec: Callable[[], str | None],
        templates: dict[str, Template],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._current_spec = current_spec
        self._templates = templates
        self.path: Path | None = None
        self.error = ""
        self.checking = False

        self.label = QLabel(self)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.choose_button = QPushButton(
            QCoreApplication.translate("NewExamDialog", "Choose…"), self
        )
        self.choose_button.setToolTip(
            QCoreApplication.translate(
                "NewExamDialog",
                "Answer key file: Academy JSON, CSV, XLSX or OMRChecker evaluation.json",
            )
        )
        self.choose_button.clicked.connect(self._pick)
        self.clear_button = QPushButton(QCoreApplication.translate("NewExamDialog", "Remove"), self)
        self.clear_button.clicked.connect(lambda: self.picked.emit(None))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.clear_button)
        self.status = QLabel(parent)
        self.status.setWordWrap(True)

    def show_path(self) -> None:
        if self.path is None:
            self.label.setText(QCoreApplication.translate("NewExamDialog", "None (add it later)"))
            self.label.setToolTip("")
            self.status.setText("")
        else:
            self.label.setText(self.path.name)
            self.label.setToolTip(str(self.path))
        self.clear_button.setEnabled(self.path is not None)

    def set_path(self, path: Path | None) -> None:
        """Use ``path`` (None: no key yet), not checked yet."""
        self.path = Path(path) if path is not None else None
        self.error = ""
        self.checking = False  # a check still running for another file is ignored
        self.show_path()

    def _pick(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("NewExamDialog", "Choose an answer key"),
            "",
            QCoreApplication.translate(
                "NewExamDialog",
                "Answer keys (*.json *.csv *.xlsx *.xlsm *.tsv *.txt);;All files (*)",
            ),
        )
        if path:
            self.picked.emit(Path(path))

    def check(self) -> None:
        """Load the key and the current template in the background and compare them."""
        path, spec = self.path, self._current_spec()
        if path is None or spec is None:
            return
        self.checking = True
        self.status.setText(QCoreApplication.translate("NewExamDialog", "Checking the answer key…"))
        known = self._templates.get(spec)

        def work(state: TaskState) -> tuple[Path, str | None, int, list[str]]:
            t = known if known is not None else load_template(spec)
            key = load_key(path)
            return path, spec, len(key.items), check_key_against(key, t)

        BackgroundOp(self, work, self._checked).failure(self._failed).run_in_background(
            self._ctx.runner, "work"
        )
        self.changed.emit()

    def _checked(self, result: tuple[Path, str | None, int, list[str]]) -> None:
        path, spec, count, problems = result
        if path != self.path or spec != self._current_spec():
            return
        self.checking = False
        if problems:
            self.error = "\n".join(localized(p) for p in problems)
            self.status.setText(
                QCoreApplication.translate("NewExamDialog", "This key does not fit the sheet:")
                + "\n"
                + self.error
            )
        elif count == 0:
            self.error = QCoreApplication.translate(
                "NewExamDialog", "The answer key has no answers."
            )
            self.status.setText(self.error)
        else:
            self.error = ""
            self.status.setText(
                QCoreApplication.translate("NewExamDialog", "{n} answers, ready.").format(n=count)
            )
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.checking = False
        self.error = error_text(exc)
        self.status.setText(self.error)
        self.changed.emit()
