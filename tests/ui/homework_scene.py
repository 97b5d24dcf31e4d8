"""A homework scene for screenshots: generated videos and photos, really analysed.

``bench/screenshots.py`` (or a person) calls :func:`shoot_homework`::

    from ui.homework_scene import shoot_homework
    shoot_homework(ctx, window, out_folder, pump)   # -> the PNG paths

It adds a homework with ~6 files of the sample roster's students to the window's
workspace (analysed in this thread with the engine), selects it, and saves
``homework-<w>x<h>.png`` at 1280x800 and 1600x1000, plus the new-homework dialog.

The media are ``synth.homework_media.demo_set`` (videos of a page being written on,
a page turn, a dark video, photos of a worksheet); the analysis is the engine's
``analyse_file``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from academy_desktop.engine.progress import TaskState
from academy_desktop.store import homework_batch
from academy_desktop.store.database import Workspace
from academy_desktop.store.homework import create_homework, find_homework


def make_media(folder: Path) -> list[Path]:
    """Seven homework files named after the sample roster (``synth.homework_media``)."""
    from synth.homework_media import demo_set

    return demo_set(folder)


def engine_analyse(path: Path, *, task: TaskState | None = None, **options: Any) -> dict[str, Any]:
    """The engine's ``analyse_file`` (what a batch in the window runs)."""
    from academy_desktop.engine.homework.analyse import analyse_file

    return analyse_file(path, task=task, **options)


def add_homework(ws: Workspace, folder: Path, title: str = "3단원 연습문제 12-15쪽") -> int:
    """The homework with its files analysed (in this thread); returns its id."""
    with ws.write() as s:
        existing = find_homework(s, title)
        if existing is not None:
            return existing.id
        hid = create_homework(
            s, title, due_date=date.today() + timedelta(days=3), group_name="중2 A반"
        ).id
    batch = homework_batch.prepare(ws, hid, make_media(folder))
    list(homework_batch.run(ws, batch, analyse=engine_analyse))
    return hid


def shoot_homework(ctx: Any, window: Any, out: Path, pump: Callable[[float], None]) -> list[Path]:
    """Select the demo homework in ``window`` (a MainWindow on ``ctx``) and save it."""
    from PySide6.QtWidgets import QApplication

    from academy_desktop.ui.homework.new_homework_dialog import HomeworkDialog

    hid = add_homework(ctx.workspace, out / "media")
    window.sidebar.refresh()
    pump(0.5)
    window.sidebar.homework.select_homework(hid)
    page = window.homework_page
    saved = []
    for w, h in ((1280, 800), (1600, 1000)):
        window.resize(w, h)
        pump(1.5)
        for _ in range(100):
            if not page._to_build and not page._loading:
                break
            pump(0.1)
        pump(1.0)
        path = out / f"homework-{w}x{h}.png"
        window.grab().save(str(path))
        saved.append(path)
    cards = page.visible_cards()
    if cards:
        cards[0].ocr_toggle.setChecked(True)
        photo = next((c for c in cards if c.card.source == "homework_image"), None)
        if photo is not None:
            photo.ocr_toggle.setChecked(True)
            photo.setFocus()
            pump(0.3)
            page.scroll_area.verticalScrollBar().setValue(photo.y() - 8)
            pump(1.0)
            path = out / "homework-photo-card.png"
            window.grab().save(str(path))
            saved.append(path)
    dialog = HomeworkDialog(ctx, window)
    dialog.show()
    dialog.title_edit.setText("4단원 복습")
    dialog.server_edit.setText("x")
    pump(0.5)
    path = out / "homework-new-dialog.png"
    dialog.grab().save(str(path))
    saved.append(path)
    dialog.reject()
    QApplication.processEvents()
    return saved


__all__ = ["add_homework", "engine_analyse", "make_media", "shoot_homework"]
