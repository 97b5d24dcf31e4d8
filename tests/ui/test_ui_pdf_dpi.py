"""The "PDF resolution" setting reaches the batch: PDF pages dropped on the window are
rendered at it, and the setting is read when a batch starts."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from academy_desktop.store.models import Submission
from academy_desktop.store.realign import graded_image_size
from academy_desktop.ui.batch import BatchController, BatchSummary
from academy_desktop.ui.context import AppContext
from ui.ui_helpers import SAMPLES, make_exam

PDF = SAMPLES / "kr-45q-samples.pdf"  # three pages 8.27 inches wide


def _grade_pdf(qtbot: QtBot, ctx: AppContext, title: str) -> list[tuple[int, int] | None]:
    """Grade the sample PDF from the window's controller; the stored image sizes."""
    exam_id = make_exam(ctx.workspace, title, questions=45)
    controller = BatchController(ctx)
    with qtbot.waitSignal(controller.finished, timeout=60_000) as done:
        assert controller.start(exam_id, title, [PDF])
        # a change made while the batch runs applies to the next batch only
        ctx.settings = replace(ctx.settings, pdf_dpi=200)
    summary: BatchSummary = done.args[0]
    assert not summary.cancelled and summary.graded == 3
    with ctx.workspace.read() as s:
        return [graded_image_size(s.get_one(Submission, i)) for i in summary.submission_ids]


def test_the_batch_renders_pdf_pages_at_the_setting(qtbot: QtBot, ctx: AppContext) -> None:
    ctx.settings = replace(ctx.settings, pdf_dpi=150)
    low = _grade_pdf(qtbot, ctx, "150 dpi")
    ctx.settings = replace(ctx.settings, pdf_dpi=300)
    high = _grade_pdf(qtbot, ctx, "300 dpi")
    assert all(size is not None for size in low + high)
    assert [s[0] for s in low if s] == [1241, 1241, 1257]  # 150 dpi
    assert [s[0] for s in high if s] == [2481, 2481, 2513]  # 300 dpi
