"""Grading from the window: progress per file, results as they come, cancel, resume,
and an event loop that never stalls."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from academy_desktop.store import grading
from academy_desktop.store.models import Submission
from academy_desktop.store.results import ResultFilter, count_results
from academy_desktop.ui.app import tune_gc
from academy_desktop.ui.batch import BatchController, BatchPanel, BatchSummary
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.results_view import ResultsPanel
from ui.ui_helpers import SAMPLES, distinct_copies, make_exam


def _controller(qtbot: QtBot, ctx: AppContext) -> tuple[BatchController, BatchPanel]:
    controller = BatchController(ctx)
    panel = BatchPanel(controller)
    qtbot.addWidget(panel)
    return controller, panel


def test_a_batch_shows_progress_and_results_as_they_are_graded(
    qtbot: QtBot, ctx: AppContext
) -> None:
    exam_id = make_exam(ctx.workspace)
    controller, panel = _controller(qtbot, ctx)
    results = ResultsPanel(ctx)
    qtbot.addWidget(results)
    results.show_exam(exam_id)
    assert results.model.rowCount() == 0 and not results.table.isVisibleTo(results)
    sheets = sorted(SAMPLES.glob("kr-20q-sample-*.jpg"))
    pages: list[object] = []
    controller.page_done.connect(pages.append)
    with qtbot.waitSignal(controller.finished, timeout=60_000) as done:
        assert controller.start(exam_id, "단원평가", sheets)
        assert not controller.start(exam_id, "단원평가", sheets)  # one batch at a time
    summary: BatchSummary = done.args[0]
    assert not summary.cancelled
    assert summary.pages == len(sheets) == len(pages) == panel.done == panel.total
    assert summary.graded == len(sheets)
    assert panel.file_state("kr-20q-sample-1.jpg") == "Done"
    assert "6" in panel.title.text()
    qtbot.waitUntil(lambda: results.model.rowCount() == len(sheets), timeout=5000)
    # the roster is empty: no names, the numbers read are shown instead
    assert all(results.model.row(i).student_name is None for i in range(len(sheets)))
    numbers = {results.model.row(i).student_number for i in range(len(sheets))}
    assert numbers == {f"2025000{i}" for i in range(1, 7)}
    with ctx.workspace.read() as s:
        assert count_results(s, exam_id) == len(sheets)
        scores = {
            sub.student_number_read: sub.score
            for sub in s.query(Submission).filter_by(exam_id=exam_id)
        }
    assert scores["20250001"] == 11  # resources/samples/README.md
    assert all(v is not None and 0 <= v <= 20 for v in scores.values())


def test_dropping_the_same_files_again_grades_nothing_twice(qtbot: QtBot, ctx: AppContext) -> None:
    exam_id = make_exam(ctx.workspace)
    controller, panel = _controller(qtbot, ctx)
    sheets = [SAMPLES / "kr-20q-sample-1.jpg"]
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        controller.start(exam_id, "단원평가", sheets)
    with qtbot.waitSignal(controller.finished, timeout=60_000) as again:
        controller.start(exam_id, "단원평가", sheets)
    assert again.args[0].pages == 0
    assert again.args[0].already_graded == [str(sheets[0])]
    assert panel.file_state("kr-20q-sample-1.jpg") == "Already graded"
    with ctx.workspace.read() as s:
        assert count_results(s, exam_id) == 1


def test_a_bad_file_is_rejected_and_the_rest_of_the_batch_goes_on(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    exam_id = make_exam(ctx.workspace)
    controller, _panel = _controller(qtbot, ctx)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with qtbot.waitSignal(controller.finished, timeout=60_000) as done:
        controller.start(exam_id, "단원평가", [broken, SAMPLES / "kr-20q-sample-2.jpg"])
    assert done.args[0].graded == 1 and done.args[0].rejected == 1
    with ctx.workspace.read() as s:
        assert count_results(s, exam_id, ResultFilter.REJECTED) == 1


def test_cancel_stops_cleanly_keeps_what_was_graded_and_can_resume(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grading, "COMMIT_PAGES", 1)
    exam_id = make_exam(ctx.workspace)
    controller, panel = _controller(qtbot, ctx)
    sheets = distinct_copies(SAMPLES / "kr-20q-sample-3.jpg", tmp_path / "scans", 40)
    controller.page_done.connect(controller.cancel)  # stop at the first sheet
    with qtbot.waitSignal(controller.finished, timeout=60_000) as done:
        controller.start(exam_id, "단원평가", sheets)
    controller.page_done.disconnect(controller.cancel)
    summary: BatchSummary = done.args[0]
    assert summary.cancelled
    assert "Cancelled" in panel.title.text()
    with ctx.workspace.read() as s:
        kept = count_results(s, exam_id)
        left = grading.unfinished(s, ctx.workspace.folder, exam_id)
    assert 1 <= kept < len(sheets)
    assert len(left) == len(sheets) - kept
    with qtbot.waitSignal(controller.finished, timeout=120_000) as rest:
        controller.start(exam_id, "단원평가", [f.path for f in left])
    assert rest.args[0].pages == len(left)
    with ctx.workspace.read() as s:
        assert count_results(s, exam_id) == len(sheets)
        assert grading.unfinished(s, ctx.workspace.folder, exam_id) == []


@pytest.mark.slow
def test_the_event_loop_never_stalls_during_a_500_sheet_batch(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    """A 10 ms timer keeps firing while 500 sheets are graded: no gap over 100 ms."""
    ctx.settings.jobs = 2
    exam_id = make_exam(ctx.workspace, "지연 시험", 45)
    # 500 distinct files of a real 45-question page (the bundled PDF's first page)
    sheets = _pages_as_jpegs(tmp_path / "pdf-pages", 500)
    controller, panel = _controller(qtbot, ctx)
    results = ResultsPanel(ctx)
    qtbot.addWidget(results)
    results.show()
    results.show_exam(exam_id)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    tune_gc()  # as the app does once its window is built
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    last[0] = time.perf_counter()
    timer.start()
    try:
        with qtbot.waitSignal(controller.finished, timeout=300_000) as done:
            controller.start(exam_id, "지연 시험", sheets)
    finally:
        timer.stop()
        gc.unfreeze()
    assert done.args[0].pages == 500
    assert len(gaps) > 100
    stall = max(gaps) - 0.010
    print(f"longest event-loop stall {stall * 1000:.1f} ms over {len(gaps)} ticks")
    assert stall < 0.100, f"the event loop stalled for {stall * 1000:.0f} ms"
    assert panel.done == 500
    qtbot.waitUntil(lambda: results.model.rowCount() > 0)


def _pages_as_jpegs(folder: Path, count: int) -> list[Path]:
    import cv2

    from academy_desktop.engine.manual import load_sheet_gray

    pdf = SAMPLES / "kr-45q-samples.pdf"
    first = load_sheet_gray(pdf, 1)
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "page.jpg"
    cv2.imwrite(str(source), first, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return distinct_copies(source, folder / "copies", count)
