"""One app instance per workspace: a second open is refused, naming the holder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from academy_desktop.store import Workspace, WorkspaceLocked

REPO_ROOT = Path(__file__).resolve().parents[1]

HOLDER = """
import sys
from pathlib import Path
from academy_desktop.store import Workspace
ws = Workspace.open(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()  # hold until told (or killed)
ws.close()
print("closed", flush=True)
sys.stdin.readline()
"""


def _start_holder(folder: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        _kill(proc)
        pytest.fail(f"the holder process did not open the workspace: {line!r}")
    return proc


def _kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL on POSIX: no cleanup code runs in the holder."""
    proc.kill()
    proc.wait()
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def test_second_open_in_this_process_is_refused_until_close(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    first = Workspace.open(folder)
    try:
        with pytest.raises(WorkspaceLocked) as info:
            Workspace.open(folder)
        assert f"pid {os.getpid()}" in str(info.value)
    finally:
        first.close()
    Workspace.open(folder).close()


def test_another_process_holding_the_workspace_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    proc = _start_holder(folder)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        with pytest.raises(WorkspaceLocked) as info:
            Workspace.open(folder)
        message = str(info.value)
        assert f"pid {proc.pid} on {socket.gethostname()}" in message
        assert message.index("이미 다른") < message.index("already open")  # Korean first
        assert str(folder) in message
        proc.stdin.write("close\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "closed"
        # closed but the process still runs: the lock is free
        Workspace.open(folder).close()
    finally:
        _kill(proc)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_lock_is_released_when_the_holder_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    proc = _start_holder(folder)
    try:
        with pytest.raises(WorkspaceLocked):
            Workspace.open(folder)
    finally:
        _kill(proc)
    assert proc.returncode == -9
    with Workspace.open(folder) as ws, ws.read() as session:
        assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert (folder / "workspace.lock").read_text().startswith(f"pid {os.getpid()} ")
