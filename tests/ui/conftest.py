"""Set-up shared by the window tests: a temporary workspace and settings, an app
context on them, and checks that no thread or worker process outlives a test."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from academy_desktop.settings import Settings
from academy_desktop.store.database import Workspace
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import OpRunner
from ui.ui_helpers import SAMPLES, STAFF, TEMPLATES, grade_samples, make_exam

QT_HELPERS = {"Thread (pooled)", ""}


def _thread_name(tid: str) -> str:
    try:
        return Path(f"/proc/self/task/{tid}/comm").read_text().strip()
    except OSError:
        return ""  # it has just ended


def _os_threads() -> set[str]:
    """This process's OS threads (Qt's and Python's alike), by id."""
    return set(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else set()


@pytest.fixture(scope="session")
def engine_threads() -> None:
    """OpenCV and the image decoders keep threads for the life of the process, started
    on first use: start them before counting, so they are not mistaken for leaks."""
    from academy_desktop.engine.grade import grade_image
    from academy_desktop.engine.manual import load_sheet_gray
    from academy_desktop.engine.template.discovery import load_template

    template = load_template(str(TEMPLATES / "kr-20q-5c-id8.json"))
    grade_image(load_sheet_gray(SAMPLES / "kr-20q-sample-1.jpg", 1), template)
    load_sheet_gray(SAMPLES / "kr-45q-samples.pdf", 1)


@pytest.fixture(autouse=True)
def no_leaks(qapp: QApplication, engine_threads: None) -> Iterator[None]:
    """Fail a test that leaves a thread or a worker process running.

    Every OS thread that was not there before the test counts, Python's and Qt's alike,
    except the idle helpers of Qt's own global pool ("Thread (pooled)"), which Qt
    starts for smooth scaling and translucent painting and keeps for 30 s. The app's
    pools name their threads "academy-db" and "academy-work", so they always count."""
    threads = _os_threads()
    yield
    deadline = time.monotonic() + 5.0
    while True:
        extra = {tid: _thread_name(tid) for tid in _os_threads() - threads}
        extra = {tid: name for tid, name in extra.items() if name not in QT_HELPERS}
        children = multiprocessing.active_children()
        if (not extra and not children) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not children, f"worker processes left running: {children}"
    assert not extra, f"threads left running: {sorted(extra.values())}"


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("ACADEMY_DESKTOP_CONFIG", str(folder))
    return folder


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "workspace", staff=STAFF)
    yield ws
    ws.close()


@pytest.fixture
def ctx(qtbot: QtBot, workspace: Workspace, settings_dir: Path) -> Iterator[AppContext]:
    runner = OpRunner()
    context = AppContext(
        workspace,
        Settings(staff_name=STAFF, jobs=1),
        runner,
        settings_path=settings_dir / "settings.json",
    )
    yield context
    assert runner.shutdown(10_000), "background operations did not stop"


@pytest.fixture
def graded_exam(ctx: AppContext) -> tuple[int, list[int]]:
    """The 20-question exam with the six bundled sample sheets graded."""
    exam_id = make_exam(ctx.workspace)
    sheets = sorted(SAMPLES.glob("kr-20q-sample-*.jpg"))
    return exam_id, grade_samples(ctx.workspace, "단원평가", sheets)
