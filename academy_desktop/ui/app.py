"""The desktop window (a first, minimal version).

Grading from the window arrives with the desktop-app release; today the window
says so honestly and points staff to ``main.py grade``, which works now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from academy_desktop import __version__

APP_NAME = "Academy Desktop"
DROP_TEXT = "스캔 파일이나 폴더를 여기에 끌어다 놓으세요 / Drop scans or folders here"
NOT_YET_TEXT = (
    "{n}개 항목을 받았습니다. 창에서 바로 채점하는 기능은 데스크톱 앱 정식 버전에 들어갑니다. "
    "지금은 명령줄에서 채점할 수 있습니다: python main.py grade <폴더>\n"
    "Received {n} item(s). Grading from this window arrives with the desktop-app release. "
    "Today you can grade from the command line: python main.py grade <folder>"
)


class DropZone(QFrame):
    """A framed area that accepts dropped files and folders."""

    def __init__(
        self, on_paths: Callable[[list[Path]], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._on_paths = on_paths
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumSize(480, 220)
        self.label = QLabel(DROP_TEXT, self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self._on_paths(paths)
            event.acceptProposedAction()
        else:
            event.ignore()


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.title_label = QLabel(f"<h2>{APP_NAME}</h2>", central)
        self.version_label = QLabel(f"버전 / Version {__version__}", central)
        self.drop_zone = DropZone(self.receive_paths, central)
        self.message_label = QLabel("", central)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.title_label, self.version_label, self.drop_zone, self.message_label):
            layout.addWidget(widget)
        layout.setStretchFactor(self.drop_zone, 1)
        self.setCentralWidget(central)
        # room for the wrapped bilingual message under the drop zone: a label that
        # wraps does not grow its window once shown
        self.resize(640, 440)

    def receive_paths(self, paths: Sequence[Path]) -> None:
        """Files given by drag and drop or ``--open``: explain what works today."""
        if paths:
            self.message_label.setText(NOT_YET_TEXT.format(n=len(paths)))


def install_translations(app: QApplication, locale: QLocale | None = None) -> QTranslator | None:
    """Load Qt's own Korean strings (dialog buttons and the like) on a Korean system."""
    locale = locale or QLocale.system()
    if locale.language() != QLocale.Language.Korean:
        return None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_ko", folder):
        return None
    app.installTranslator(translator)
    return translator


def run(argv: Sequence[str] | None = None, *, open_paths: Sequence[Path] = ()) -> int:
    """Start the application and show the main window until it is closed."""
    app = QApplication.instance() or QApplication(list(argv or ["academy-desktop"]))
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    install_translations(app)
    window = MainWindow()
    window.receive_paths(list(open_paths))
    window.show()
    return app.exec()
