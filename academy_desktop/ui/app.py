"""Start the desktop app: settings, translations, the workspace, the main window."""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from academy_desktop import __version__
from academy_desktop import settings as settings_mod
from academy_desktop.resources import resource_path

APP_NAME = "Academy Desktop"
TRANSLATOR_NAME = "academy-desktop-translator"
STARTUP_PROBE = "ACADEMY_DESKTOP_STARTUP_PROBE"  # a file to write the start-up time to
# Hangul-capable UI fonts: Windows ships Malgun Gothic; CI installs fonts-nanum
HANGUL_FONTS = ("Malgun Gothic", "맑은 고딕", "NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR")

STYLE = """
#dropZone { border: 2px dashed #94a3b8; border-radius: 12px; background: #f8fafc; }
#dropZone[hover="true"] { border-color: #2563eb; background: #eff6ff; }
#dropZone QLabel { font-size: 15pt; color: #334155; }
#dropZone QLabel#dropHint { font-size: 10pt; color: #64748b; }
#infoBar { background: #fef9c3; border: 1px solid #facc15; border-radius: 6px; }
#batchPanel { background: #f1f5f9; border-top: 1px solid #cbd5e1; }
#sidebarHeading { font-weight: bold; color: #475569; padding: 4px 2px; }
#examDetails { color: #475569; }
#syncState { color: #64748b; padding-right: 8px; }
"""


def tune_gc() -> None:
    """Keep Python's garbage collector from pausing the window.

    A full collection walks every object alive; with Qt, OpenCV and SQLAlchemy loaded
    that is ~100-150 ms with the interpreter lock held, a visible stall during a batch
    (measured: tests/ui/test_ui_batch.py). Objects alive once the window is built live
    as long as the app, so they are moved out of the collector's sight (``gc.freeze``).
    """
    gc.collect()
    gc.freeze()


def install_translations(app: QApplication, language: str = "ko") -> list[QTranslator]:
    """Use ``language`` ("ko" or "en"): the app's catalogue plus Qt's own ``qtbase_ko``
    (standard buttons and dialogs). Translators from an earlier call are removed first,
    so switching languages at run time works."""
    for old in app.findChildren(QTranslator, TRANSLATOR_NAME):
        app.removeTranslator(old)
        old.deleteLater()
    if language != "ko":
        return []
    installed = []
    sources = [
        ("academy_ko", str(resource_path("i18n"))),
        ("qtbase_ko", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for name, folder in sources:
        translator = QTranslator(app)
        translator.setObjectName(TRANSLATOR_NAME)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            translator.deleteLater()
    return installed


def choose_font(app: QApplication) -> None:
    families = set(QFontDatabase.families())
    for family in HANGUL_FONTS:
        if family in families:
            font = QFont(app.font())
            font.setFamily(family)
            app.setFont(font)
            return


def make_app(argv: Sequence[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else None
    if app is None:
        app = QApplication(list(argv or ["academy-desktop"]))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("AcademyDesktop")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
    choose_font(app)
    return app


def run(argv: Sequence[str] | None = None, *, open_paths: Sequence[Path] = ()) -> int:
    """Start the application and show the main window until it is closed."""
    from academy_desktop.store import Workspace, WorkspaceError, default_workspace_dir
    from academy_desktop.ui.context import AppContext
    from academy_desktop.ui.main_window import MainWindow, show_later
    from academy_desktop.ui.ops import OpRunner
    from academy_desktop.ui.single_instance import InstanceServer, send_to_running

    app = make_app(argv)
    settings = settings_mod.load()
    install_translations(app, settings.language)
    folder = settings_mod.workspace_folder(settings) or default_workspace_dir()
    if send_to_running(folder, open_paths):  # the window is open already: it takes them
        return 0
    try:
        workspace = Workspace.open(folder, staff=settings.staff_name or None)
    except WorkspaceError as exc:  # locked by another window, or an unusable folder
        from academy_desktop.ui.text import localized

        QMessageBox.critical(None, APP_NAME, localized(str(exc)))
        return 1
    runner = OpRunner(work_threads=2)
    ctx = AppContext(workspace, settings, runner)
    window = MainWindow(ctx)
    server = InstanceServer(workspace.folder, window.receive_from_other_start, window)
    window.show()
    tune_gc()
    show_later(window, open_paths)
    probe = os.environ.get(STARTUP_PROBE)
    if probe:  # bench/ui_bench.py: note when the window is up and idle, then quit
        QTimer.singleShot(0, lambda: (Path(probe).write_text(repr(time.time())), app.quit()))
    try:
        return app.exec()
    finally:
        server.close()
        runner.shutdown()
        workspace.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv))
