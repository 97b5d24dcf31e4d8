"""The Qt half of ``main.py --self-test``: build the main window and render it offscreen.

Called by :mod:`academy_desktop.selftest` (which imports no Qt) with the self-test's
temporary workspace. It proves what a frozen bundle needs for the window: the Qt
platform plugin, the SVG icon and image plugins, the app's Korean catalogue and Qt's
``qtbase_ko``, and every screen module the main window imports.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QImage, QImageReader
from PySide6.QtWidgets import QApplication

from academy_desktop.selftest import WINDOW_PICTURE
from academy_desktop.settings import Settings
from academy_desktop.store.database import Workspace
from academy_desktop.ui.ops import OpRunner

SETTLE_SECONDS = 15.0  # background loads of the window must finish within this
NEEDED_IMAGE_FORMATS = ("svg", "jpeg")


class WindowCheckFailed(Exception):
    """The window could not be shown as it should (the message says why)."""


def _settle(app: QCoreApplication, runner: OpRunner, seconds: float) -> None:
    """Run the event loop until the window's background loads are done."""
    deadline = time.monotonic() + seconds
    while True:
        app.processEvents()
        if not runner.is_busy():
            app.processEvents()
            return
        if time.monotonic() > deadline:
            raise WindowCheckFailed(f"the window's background loads ran over {seconds:.0f} s")
        time.sleep(0.01)


def _colours(image: QImage, step: int = 16) -> int:
    """How many distinct colours a grid of sample points shows (a blank grab shows 1)."""
    seen: set[int] = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(QColor(image.pixel(x, y)).rgb())
    return len(seen)


def render_main_window(ws: Workspace, scratch: Path) -> str:
    """Show the main window on ``ws`` offscreen, grab it, and return what was seen.

    Raises :class:`WindowCheckFailed` when a plugin, a catalogue or an icon is missing
    or the grab is blank. The picture is saved as ``scratch/main-window.png``.
    """
    from academy_desktop.ui.app import install_translations, make_app
    from academy_desktop.ui.context import AppContext
    from academy_desktop.ui.icons import icon
    from academy_desktop.ui.main_window import MainWindow

    if QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never flash a window at the user
    app = make_app(["academy-desktop", "--self-test"])
    platform_name = app.platformName()

    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    missing = [f for f in NEEDED_IMAGE_FORMATS if f not in formats]
    if missing:
        raise WindowCheckFailed(f"Qt image plugins missing: {', '.join(missing)}")
    if icon("open").pixmap(32, 32).isNull():
        raise WindowCheckFailed("the SVG icons cannot be drawn (Qt's svg icon engine plugin)")

    translators = install_translations(app, "ko")
    loaded = sorted(Path(t.filePath()).stem for t in translators)
    try:
        if loaded != ["academy_ko", "qtbase_ko"]:
            raise WindowCheckFailed(f"Korean catalogues loaded: {loaded or 'none'}")
        settings = Settings(staff_name="self-test", language="ko", jobs=1)
        runner = OpRunner(work_threads=1)
        ctx = AppContext(ws, settings, runner, settings_path=scratch / "settings.json")
        window = MainWindow(ctx)
        try:
            window.resize(1100, 720)
            window.show()
            _settle(app, runner, SETTLE_SECONDS)
            image = window.grab().toImage()
            if image.isNull() or image.width() < 200 or image.height() < 200:
                raise WindowCheckFailed(f"the window grab is {image.width()}x{image.height()}")
            colours = _colours(image)
            if colours < 4:
                raise WindowCheckFailed(f"the window grab is blank ({colours} colours)")
            image.save(str(scratch / WINDOW_PICTURE))
            title = window.windowTitle()
        finally:
            window.close()
            runner.shutdown()
            window.deleteLater()
            app.processEvents()
    finally:
        install_translations(app, "en")  # removes ours again (in-process callers)
    return (
        f"{image.width()}x{image.height()} on the {platform_name} platform, "
        f"{colours} colours, title {title!r}; catalogues {', '.join(loaded)}; SVG icons drawn"
    )


__all__ = ["WindowCheckFailed", "render_main_window"]
