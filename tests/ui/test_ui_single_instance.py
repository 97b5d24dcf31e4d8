"""A second start on the same workspace hands its files to the running window."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from academy_desktop.ui.single_instance import InstanceServer, send_to_running, server_name


def test_paths_reach_the_running_instance(qtbot: QtBot, tmp_path: Path) -> None:
    got: list[list[Path]] = []
    server = InstanceServer(tmp_path / "ws", got.append)
    try:
        assert server.listening
        scan = tmp_path / "스캔 1.pdf"
        assert send_to_running(tmp_path / "ws", [scan])
        qtbot.waitUntil(lambda: bool(got), timeout=5000)
        assert got == [[scan.resolve()]]
        assert send_to_running(tmp_path / "ws", [])  # a plain start just raises the window
        qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)
        assert got[1] == []
    finally:
        server.close()


def test_no_running_instance_means_start_normally(tmp_path: Path) -> None:
    assert not send_to_running(tmp_path / "nobody-here", [tmp_path / "a.pdf"])


def test_names_differ_per_workspace(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")
