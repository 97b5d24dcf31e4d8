"""Files queued for an exam and not fully graded are listed, and resume grades only the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from academy_desktop.store import Workspace, grading

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
PDF = SAMPLES / "kr-45q-samples.pdf"
KEY = SAMPLES / "kr-45q-key.json"


def _prepare(ws: Workspace, paths: list[Path]) -> grading.WorkspaceBatch:
    return grading.prepare(ws, "중간고사", paths, template="kr-45q-5c-id8", key=str(KEY))


def test_a_batch_cut_short_is_listed_and_resumes_where_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grading, "COMMIT_PAGES", 1)  # each page its own commit
    with Workspace.open(tmp_path / "ws", staff="t") as ws:
        batch = _prepare(ws, [PDF])
        pages = batch.pages
        assert pages >= 2
        run = grading.run(ws, batch, jobs=1)
        next(run)  # one page graded, then the window is closed
        run.close()
        with ws.read() as s:
            left = grading.unfinished(s, ws.folder, batch.exam_id)
        assert [f.name for f in left] == [PDF.name]
        assert left[0].pages == pages and 1 <= left[0].graded < pages
        assert left[0].path.is_file() and left[0].path.is_relative_to(ws.folder)

        resumed = _prepare(ws, [f.path for f in left])
        assert resumed.pages == pages - left[0].graded
        assert len(list(grading.run(ws, resumed, jobs=1))) == resumed.pages
        with ws.read() as s:
            assert grading.unfinished(s, ws.folder, batch.exam_id) == []


def test_finished_files_are_not_listed(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws", staff="t") as ws:
        batch = _prepare(ws, [SAMPLES / "kr-20q-sample-1.jpg"])
        list(grading.run(ws, batch, jobs=1))
        with ws.read() as s:
            assert grading.unfinished(s, ws.folder, batch.exam_id) == []
