"""Helpers for the window tests (import as ``from ui_helpers import ...``)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from academy_desktop.store.database import Workspace
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup import NewExamDialog

STAFF = "검토자"
SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
TEMPLATES = Path(__file__).resolve().parents[2] / "resources" / "templates"
WAIT = 30_000  # ms: a background step on a busy 2-core machine


def make_exam(ws: Workspace, title: str = "단원평가", questions: int = 20) -> int:
    """An exam on a bundled sheet with its sample key; returns its id."""
    from academy_desktop.store.exams import create_exam

    with ws.write() as s:
        exam = create_exam(
            s,
            title,
            str(TEMPLATES / f"kr-{questions}q-5c-id8.json"),
            key=SAMPLES / f"kr-{questions}q-key.json",
            created_by=STAFF,
        )
        return exam.id


def grade_samples(ws: Workspace, title: str, paths: list[Path]) -> list[int]:
    """Grade ``paths`` into the exam (in this thread); returns the submission ids."""
    from academy_desktop.store import grading

    batch = grading.prepare(ws, title, paths)
    return [sub_id for _r, sub_id in grading.run(ws, batch, jobs=1)]


def distinct_copies(source: Path, folder: Path, count: int) -> list[Path]:
    """``count`` copies of a JPEG that differ in a comment only (the workspace stores
    files by content, so identical copies would count as one)."""
    data = source.read_bytes()
    assert data[:2] == b"\xff\xd8"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        text = f"copy {i}".encode()
        comment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
        path = folder / f"sheet-{i:04d}.jpg"
        path.write_bytes(data[:2] + comment + data[2:])
        out.append(path)
    return out


def grade_exam(ws: Workspace, title: str, samples: list[int]) -> int:
    """Grade bundled 20-question samples (by number) into ``title``, creating the exam
    on first use; returns the exam id."""
    from academy_desktop.store import grading

    paths = [SAMPLES / f"kr-20q-sample-{i}.jpg" for i in samples]
    batch = grading.prepare(
        ws,
        title,
        paths,
        template=str(TEMPLATES / "kr-20q-5c-id8.json"),
        key=str(SAMPLES / "kr-20q-key.json"),
    )
    list(grading.run(ws, batch, jobs=1))
    return batch.exam_id


def new_exam_dialog_on(qtbot: QtBot, ctx: AppContext, template: Path) -> NewExamDialog:
    """The new-exam dialog with an imported (OMRChecker) ``template`` chosen and previewed."""
    dialog = NewExamDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.page is not None, timeout=WAIT)
    dialog.select_template(template)
    qtbot.waitUntil(
        lambda: (
            dialog.preview.page is not None and dialog.preview.page.template.source == "omrchecker"
        ),
        timeout=WAIT,
    )
    return dialog
