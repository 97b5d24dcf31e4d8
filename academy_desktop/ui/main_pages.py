"""The main window's simple pages: the drop zone shown when no exam is selected, and
the selected exam's page (its header, then results, rejected pages and statistics).

:class:`~academy_desktop.ui.main_window.MainWindow` places them in its stack and fills
them; they hold no data of their own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.ui.context import AppContext
from academy_desktop.ui.export_actions import ExportActions
from academy_desktop.ui.rejected import RejectedPanel
from academy_desktop.ui.results_view import ResultsPanel
from academy_desktop.ui.stats_panel import StatsPanel


def dropped_paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class DropZone(QFrame):
    """A clear place to drop scans (the whole window accepts drops as well)."""

    paths_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setMinimumSize(360, 200)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.hint = QLabel(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("dropHint")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("Drop scanned answer sheets here"))
        self.hint.setText(
            self.tr("PDF files, JPEG or PNG images, or whole folders. Or use File ▸ Open (Ctrl+O).")
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()
            self.setProperty("hover", True)
            self.style().polish(self)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QEvent) -> None:
        self.setProperty("hover", False)
        self.style().polish(self)

    def dropEvent(self, event: QDropEvent) -> None:
        self.setProperty("hover", False)
        self.style().polish(self)
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.paths_dropped.emit(paths)
        else:
            event.ignore()


class ExamPage(QWidget):
    """The selected exam: its header, then results, rejected pages and statistics."""

    def __init__(
        self, ctx: AppContext, export: ExportActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setObjectName("examTitle")
        self.details = QLabel(self)
        self.details.setObjectName("examDetails")
        self.resume_bar = QFrame(self)
        self.resume_bar.setObjectName("infoBar")
        self.resume_label = QLabel(self.resume_bar)
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self.resume_bar)
        bar = QHBoxLayout(self.resume_bar)
        bar.addWidget(self.resume_label, 1)
        bar.addWidget(self.resume_button)
        self.resume_bar.hide()
        self.results = ResultsPanel(ctx, self)
        self.rejected = RejectedPanel(ctx, self)
        self.stats = StatsPanel(ctx, self, export_actions=export)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.results, "")
        self.tabs.addTab(self.rejected, "")
        self.tabs.addTab(self.stats, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.resume_bar)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Results"))
        self.tabs.setTabText(1, self.tr("Rejected pages"))
        self.tabs.setTabText(2, self.tr("Statistics"))
        self.resume_button.setText(self.tr("Resume"))


__all__ = ["DropZone", "ExamPage", "dropped_paths"]
