"""The windowed build starts with no standard streams; commands must still be able to write."""

from __future__ import annotations

import sys

import pytest

from academy_desktop.console import ensure_streams


def test_missing_streams_get_somewhere_to_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    ensure_streams()
    assert sys.stdout is not None and sys.stderr is not None
    sys.stderr.write("오류 / Error: nothing is lost\n")  # no exception
    out, err = sys.stdout, sys.stderr
    ensure_streams()  # idempotent: present streams are kept
    assert (sys.stdout, sys.stderr) == (out, err)
    out.close()
    err.close()


def test_present_streams_are_left_alone(capsys: pytest.CaptureFixture[str]) -> None:
    before = (sys.stdout, sys.stderr)
    ensure_streams()
    assert (sys.stdout, sys.stderr) == before
