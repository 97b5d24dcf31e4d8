"""Where homework files come in: the drop zone with "Add files…", and the optional
file-name pattern that names the student (collapsed under "advanced")."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.homework import pattern_problem
from academy_desktop.store.homework_batch import IMAGE_SUFFIXES, VIDEO_SUFFIXES
from academy_desktop.ui.icons import icon


def paths_of(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def check_pattern(pattern: str) -> str | None:
    """``None`` when the file-name pattern can be used, ``"invalid"`` when it is not a
    regular expression, ``"group"`` when it has no ``number`` or ``name`` group."""
    return pattern_problem(pattern)


class DropArea(QFrame):
    """A compact place to drop videos, photos or folders, with "Add files…"."""

    paths_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeworkDrop")
        self.setAcceptDrops(True)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.add_button = QPushButton(self)
        self.add_button.setIcon(icon("open"))
        self.add_button.clicked.connect(self.choose_files)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.label, 1)
        row.addWidget(self.add_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(
            self.tr(
                "Drop the students' homework here: videos (mp4, mov), photos (jpg, png), "
                "PDFs or whole folders."
            )
        )
        self.add_button.setText(self.tr("Add files…"))

    def choose_files(self) -> None:
        videos = " ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES))
        images = " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES))
        files, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Add homework files"),
            "",
            self.tr("Homework ({patterns});;All files (*)").format(patterns=f"{videos} {images}"),
        )
        if files:
            self.paths_dropped.emit([Path(f) for f in files])

    def _hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if paths_of(event):
            event.acceptProposedAction()
            self._hover(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QEvent) -> None:
        self._hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._hover(False)
        paths = paths_of(event)
        if paths:
            event.acceptProposedAction()
            self.paths_dropped.emit(paths)
        else:
            event.ignore()


class FileNamePattern(QWidget):
    """ "Match files to students by a file-name pattern (advanced)": a toggle, and under
    it the pattern with what is wrong with it, said as it is typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton(self)
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.toggled.connect(self._toggled)
        self.box = QWidget(self)
        self.label = QLabel(self.box)
        self.label.setWordWrap(True)
        self.edit = QLineEdit(self.box)
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(r"(?P<number>\d+)_")
        self.edit.textChanged.connect(lambda _t: self.check())
        self.error = QLabel(self.box)
        self.error.setObjectName("patternError")
        self.error.setWordWrap(True)
        box = QVBoxLayout(self.box)
        box.setContentsMargins(18, 0, 0, 0)
        box.addWidget(self.label)
        box.addWidget(self.edit)
        box.addWidget(self.error)
        self.box.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.box)
        self.retranslate()

    def retranslate(self) -> None:
        self.toggle.setText(self.tr("Match files to students by a file-name pattern (advanced)"))
        self.label.setText(
            self.tr(
                "Leave empty to match automatically: a student number or a roster name in "
                "the file name. A pattern is a regular expression with a group "
                "(?P<number>…) or (?P<name>…), e.g. (?P<number>\\d+)_ for 20240101_숙제.mp4."
            )
        )
        self.check()

    def _toggled(self, on: bool) -> None:
        self.box.setVisible(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def check(self) -> str | None:
        """What is wrong with the pattern (see :func:`check_pattern`), shown under it."""
        text = self.edit.text().strip()
        problem = check_pattern(text) if text else None
        if problem == "invalid":
            self.error.setText(self.tr("This is not a valid pattern."))
        elif problem == "group":
            self.error.setText(self.tr("The pattern needs a group (?P<number>…) or (?P<name>…)."))
        self.error.setVisible(problem is not None)
        return problem

    def pattern(self) -> str | None:
        return self.edit.text().strip() or None


__all__ = ["DropArea", "FileNamePattern", "check_pattern", "paths_of"]
