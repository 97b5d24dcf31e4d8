"""Rejected pages: listed with the reason; a page the aligner could not place is
graded again from four clicked corners, and the decision is audited."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from synth.spoil import spoiled_scan

from academy_desktop.engine.answerkey import load_key
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.store.models import ReviewDecision, Submission
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.rejected import CornersDialog, RejectedPanel
from ui.ui_helpers import SAMPLES, TEMPLATES, grade_samples, make_exam


def _spoiled_exam(ctx: AppContext, tmp_path: Path) -> tuple[int, int, list[QPointF]]:
    t = load_template(str(TEMPLATES / "kr-20q-5c-id8.json"))
    key = load_key(SAMPLES / "kr-20q-key.json")
    scan, clicks = spoiled_scan(SAMPLES / "kr-20q-sample-1.jpg", t, key, tmp_path / "찢김.jpg")
    exam_id = make_exam(ctx.workspace)
    (sub_id,) = grade_samples(ctx.workspace, "단원평가", [scan])
    return exam_id, sub_id, [QPointF(float(x), float(y)) for x, y in clicks]


def test_rejected_page_is_listed_with_its_reason_and_regraded_from_clicked_corners(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    exam_id, sub_id, clicks = _spoiled_exam(ctx, tmp_path)
    panel = RejectedPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_exam(exam_id)
    assert panel.list.count() == 1
    text = panel.list.item(0).text()
    assert "찢김.jpg" in text and "No answer sheet was found" in text  # English: no catalogue
    qtbot.waitUntil(lambda: not panel.list.item(0).icon().isNull(), timeout=10_000)
    panel.list.setCurrentRow(0)
    assert panel.fix_button.isEnabled()

    dialog = CornersDialog(ctx, sub_id, panel)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: dialog.marker_kind.isChecked(), timeout=10_000)  # image loaded
    assert not ok.isEnabled()
    for p in clicks:
        dialog.add_point(p)
    dialog.add_point(QPointF(5, 5))  # a fifth click is ignored
    assert len(dialog.points) == 4 and ok.isEnabled()
    changed: list[int] = []
    ctx.signals.results_changed.connect(changed.append)
    with qtbot.waitSignal(dialog.regraded, timeout=20_000):
        dialog.regrade()
    assert changed == [exam_id]
    with ctx.workspace.read() as s:
        sub = s.get_one(Submission, sub_id)
        assert (sub.status, sub.score, sub.student_number_read) == ("done", 11, "20250001")
        audit = s.scalars(select(ReviewDecision).where(ReviewDecision.submission_id == sub_id))
        rows = [(d.field, d.old_value, d.new_value, d.decided_by) for d in audit]
    assert rows == [("alignment", "NOT_A_SHEET", "manual", "검토자")]
    panel.reload()
    assert panel.list.count() == 0


def test_wrong_corners_keep_the_page_and_say_why(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    _exam_id, sub_id, clicks = _spoiled_exam(ctx, tmp_path)
    dialog = CornersDialog(ctx, sub_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.marker_kind.isChecked(), timeout=10_000)
    dialog.page_kind.setChecked(True)  # the marks' centres are not the page's corners
    for p in clicks:
        dialog.add_point(p)
    dialog.regrade()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=20_000)
    assert "could not be graded with these corners" in dialog.error.text()
    assert dialog.buttons.isEnabled()
    with ctx.workspace.read() as s:
        assert s.get_one(Submission, sub_id).status == "failed"
    dialog.clear_points()
    assert dialog.points == []
