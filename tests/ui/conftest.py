"""Set-up shared by the window tests: a temporary workspace and settings, an app
context on them, and checks that no thread or worker process outlives a test."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from academy_desktop.settings import Settings
from academy_desktop.store.database import Workspace
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import OpRunner

STAFF = "검토자"


def _os_threads() -> set[str]:
    """This process's OS threads (Qt's and Python's alike), by id."""
    return set(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else set()


@pytest.fixture(autouse=True)
def no_leaks(qapp: object) -> Iterator[None]:
    """Fail a test that leaves a thread or a worker process running."""
    threads = _os_threads()
    yield
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        extra = _os_threads() - threads
        children = multiprocessing.active_children()
        if not extra and not children:
            return
        time.sleep(0.05)
    names = []
    for tid in sorted(extra):
        try:
            names.append(Path(f"/proc/self/task/{tid}/comm").read_text().strip())
        except OSError:
            names.append(tid)
    assert not children, f"worker processes left running: {children}"
    assert not extra, f"threads left running: {names}"


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
