"""The settings dialog: staff name, language, workspace, engine options, server.

It edits a copy of ``ctx.settings`` and saves it with ``ctx.save_settings`` on OK,
which emits ``ctx.signals.settings_changed`` (the window reloads its translations when
the language changed). A new workspace folder applies the next time the app starts:
the open workspace holds a lock and may be in the middle of a batch.
"""

from __future__ import annotations

import dataclasses
import os
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.settings import PDF_DPI_CHOICES, Settings
from academy_desktop.store.database import default_workspace_dir
from academy_desktop.ui.context import AppContext

# Each language is named in itself, so a user who cannot read the current language
# still finds their own (the usual convention; these two names are not translated).
LANGUAGE_NAMES = (("ko", "한국어"), ("en", "English"))
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def server_url_problem(text: str) -> str | None:
    """Why ``text`` cannot be the server address, or ``None`` when it can.

    Empty (no server) is fine; otherwise an ``https://`` address, or ``http://`` to this
    computer only (``localhost``, for a test server): results must not cross the
    network unencrypted.
    """
    text = text.strip()
    if not text:
        return None
    incomplete = QCoreApplication.translate(
        "SettingsDialog", "Enter the full address, such as https://academy.example.com"
    )
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return incomplete
    if parts.scheme not in ("http", "https") or not host or " " in text:
        return incomplete
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        return QCoreApplication.translate(
            "SettingsDialog",
            "Use an https:// address; http:// is only allowed for localhost (a test server).",
        )
    return None


def _align_labels(forms: list[QFormLayout]) -> None:
    """One label column width for every group, so the fields line up."""
    labels: list[QLabel] = []
    for form in forms:
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                labels.append(widget)
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


class SettingsDialog(QDialog):
    """Edit and save the user's settings (``exec()`` or ``open()`` it)."""

    language_changed = Signal(str)  # "ko" or "en", after a save that changed it
    workspace_changed = Signal(str)  # the new folder ("" = default), applies on restart

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.original = ctx.settings
        self.setWindowTitle(self.tr("Settings"))
        self._build()
        self.load(ctx.settings)

    # -- layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)

        general = QGroupBox(self.tr("General"), self)
        forms: list[QFormLayout] = []
        form = QFormLayout(general)
        forms.append(form)
        self.staff_edit = QLineEdit(general)
        self.staff_edit.setMaxLength(100)
        self.staff_edit.setPlaceholderText(self.tr("e.g. 김선생"))
        self.staff_edit.setToolTip(self.tr("Recorded with every review decision"))
        form.addRow(self.tr("Staff name:"), self.staff_edit)
        self.language_combo = QComboBox(general)
        for code, name in LANGUAGE_NAMES:
            self.language_combo.addItem(name, code)
        form.addRow(self.tr("Language:"), self.language_combo)

        folder_row = QHBoxLayout()
        self.workspace_edit = QLineEdit(general)
        self.workspace_edit.setReadOnly(True)
        self.workspace_edit.setPlaceholderText(self.tr("Default folder"))
        self.browse_button = QPushButton(self.tr("Choose…"), general)
        self.browse_button.clicked.connect(self._choose_workspace)
        self.default_button = QPushButton(self.tr("Use default"), general)
        self.default_button.clicked.connect(lambda: self.set_workspace_folder(""))
        em = self.fontMetrics().height()
        self.workspace_edit.setMinimumWidth(em * 18)
        self.workspace_edit.setToolTip(
            self.tr("Default: {folder}").format(folder=str(default_workspace_dir()))
        )
        folder_row.addWidget(self.workspace_edit, 1)
        folder_row.addWidget(self.browse_button)
        folder_row.addWidget(self.default_button)
        form.addRow(self.tr("Workspace folder:"), folder_row)
        self.workspace_note = QLabel(
            self.tr("The new folder is used the next time you start Academy Desktop."), general
        )
        self.workspace_note.setWordWrap(True)
        self.workspace_note.setVisible(False)
        form.addRow("", self.workspace_note)
        layout.addWidget(general)

        engine = QGroupBox(self.tr("Grading"), self)
        form = QFormLayout(engine)
        forms.append(form)
        self.jobs_spin = QSpinBox(engine)
        self.jobs_spin.setRange(1, max(1, min(16, os.cpu_count() or 1)))
        self.jobs_spin.setToolTip(
            self.tr(
                "How many pages are graded at the same time; more is faster but uses more memory"
            )
        )
        form.addRow(self.tr("Parallel grading jobs:"), self.jobs_spin)
        self.dpi_combo = QComboBox(engine)
        dpi_text = {
            150: self.tr("150 dpi (faster, for clean scans)"),
            200: self.tr("200 dpi (recommended)"),
            300: self.tr("300 dpi (small print, slower)"),
        }
        for dpi in PDF_DPI_CHOICES:
            self.dpi_combo.addItem(dpi_text.get(dpi, f"{dpi} dpi"), dpi)
        self.dpi_combo.setToolTip(self.tr("The resolution at which PDF pages are read"))
        form.addRow(self.tr("PDF resolution:"), self.dpi_combo)
        layout.addWidget(engine)

        homework = QGroupBox(self.tr("Homework"), self)
        form = QFormLayout(homework)
        forms.append(form)
        self.ocr_check = QCheckBox(self.tr("Read the text of homework photos (OCR)"), homework)
        form.addRow("", self.ocr_check)
        model_row = QHBoxLayout()
        self.model_edit = QLineEdit(homework)
        self.model_edit.setReadOnly(True)
        self.model_edit.setPlaceholderText(self.tr("The app's models folder, else OpenCV"))
        self.model_edit.setToolTip(
            self.tr("A YOLO model (ONNX) that finds the questions on homework photos")
        )
        self.model_button = QPushButton(self.tr("Choose…"), homework)
        self.model_button.clicked.connect(self._choose_model)
        self.model_clear = QPushButton(self.tr("Use default"), homework)
        self.model_clear.clicked.connect(lambda: self.model_edit.setText(""))
        model_row.addWidget(self.model_edit, 1)
        model_row.addWidget(self.model_button)
        model_row.addWidget(self.model_clear)
        form.addRow(self.tr("Question model:"), model_row)
        layout.addWidget(homework)

        server = QGroupBox(self.tr("Academy server"), self)
        form = QFormLayout(server)
        forms.append(form)
        self.server_edit = QLineEdit(server)
        self.server_edit.setPlaceholderText("https://academy.example.com")
        self.server_edit.textChanged.connect(self._validate)
        form.addRow(self.tr("Server address:"), self.server_edit)
        self.server_error = QLabel(server)
        self.server_error.setWordWrap(True)
        self.server_error.setStyleSheet("color: #b3261e;")
        self.server_error.setVisible(False)
        form.addRow("", self.server_error)
        self.auto_send_check = QCheckBox(
            self.tr("Send results to the server automatically after grading"), server
        )
        form.addRow("", self.auto_send_check)
        layout.addWidget(server)

        self.setMinimumWidth(self.fontMetrics().height() * 34)
        _align_labels(forms)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            Qt.Orientation.Horizontal,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    # -- values
    def load(self, s: Settings) -> None:
        self.staff_edit.setText(s.staff_name)
        index = self.language_combo.findData(s.language)
        self.language_combo.setCurrentIndex(max(0, index))
        self._workspace = s.workspace
        self.workspace_edit.setText(s.workspace)
        self.workspace_note.setVisible(False)
        self.jobs_spin.setValue(s.jobs)
        dpi = self.dpi_combo.findData(s.pdf_dpi)
        self.dpi_combo.setCurrentIndex(dpi if dpi >= 0 else self.dpi_combo.findData(200))
        self.server_edit.setText(s.server_url)
        self.auto_send_check.setChecked(s.auto_send)
        self.ocr_check.setChecked(s.homework_ocr)
        self.model_edit.setText(s.homework_model)
        self._validate()

    def values(self) -> Settings:
        """The settings as edited (not saved yet)."""
        return dataclasses.replace(
            self.original,
            staff_name=self.staff_edit.text().strip(),
            language=str(self.language_combo.currentData()),
            workspace=self._workspace,
            jobs=self.jobs_spin.value(),
            pdf_dpi=int(self.dpi_combo.currentData()),
            server_url=self.server_edit.text().strip(),
            auto_send=self.auto_send_check.isChecked(),
            homework_ocr=self.ocr_check.isChecked(),
            homework_model=self.model_edit.text().strip(),
        ).normalised()

    def set_workspace_folder(self, folder: str) -> None:
        self._workspace = folder
        self.workspace_edit.setText(folder)
        self.workspace_note.setVisible(folder != self.original.workspace)

    def _choose_workspace(self) -> None:
        start = self._workspace or str(default_workspace_dir())
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the workspace folder"), start
        )
        if folder:
            self.set_workspace_folder(folder)

    def _choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a YOLO model"),
            self.model_edit.text(),
            self.tr("ONNX models (*.onnx)"),
        )
        if path:
            self.model_edit.setText(path)

    def _validate(self) -> bool:
        problem = server_url_problem(self.server_edit.text())
        self.server_error.setText(problem or "")
        self.server_error.setVisible(problem is not None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(problem is None)
        return problem is None

    def accept(self) -> None:
        if not self._validate():
            return
        new = self.values()
        try:
            self.ctx.save_settings(new)
        except OSError as exc:
            QMessageBox.warning(
                self,
                self.tr("Settings not saved"),
                self.tr("The settings could not be saved: {reason}").format(reason=str(exc)),
            )
            return
        if new.language != self.original.language:
            self.language_changed.emit(new.language)
        if new.workspace != self.original.workspace:
            self.workspace_changed.emit(new.workspace)
        super().accept()


__all__ = ["SettingsDialog", "server_url_problem"]
