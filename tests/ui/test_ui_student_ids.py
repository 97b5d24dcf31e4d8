"""Student numbers of imported layouts in the window (issue 12): an OMRChecker sheet of
45 questions whose ID digits are joined by ``customLabels`` is "45 questions" in the
new-exam dialog and the key editor, its statistics list the 45 questions only, and the
joined number is the student number in the results table and the review screen."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from student_id_sheets import write_folder

from academy_desktop.store import roster
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup import KeyEditorDialog
from academy_desktop.ui.main_window import MainWindow
from academy_desktop.ui.results_view import COL_NUMBER, COL_STUDENT
from academy_desktop.ui.review import ReviewScreen
from academy_desktop.ui.stats_panel import StatsPanel
from ui.ui_helpers import WAIT, grade_samples, new_exam_dialog_on

TITLE = "OMRChecker 45"
QUESTIONS = [f"q{n}" for n in range(1, 46)]
NUMBERS = ["20250001", "20250002", "99990000"]  # the last is not on the roster


def _set_up(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> int:
    """Create the exam through the new-exam dialog (checking its summary), import a
    roster and grade the drawn sheets; returns the exam id."""
    folder = tmp_path / "omr"
    _t, scans, _key = write_folder(folder, NUMBERS)
    names = tmp_path / "roster.csv"
    names.write_text("이름,학번,반\n김하늘,20250001,A반\n이바다,20250002,A반\n", "utf-8")
    with ctx.workspace.write() as s:
        roster.import_roster(s, roster.parse_roster(names))

    dialog = new_exam_dialog_on(qtbot, ctx, folder / "template.json")
    summary = dialog.preview.summary.text()
    assert "45 questions" in summary and "student ID 8 digits" in summary, summary
    dialog.title_edit.setText(TITLE)
    dialog.set_key_file(folder / "evaluation.json")
    qtbot.waitUntil(lambda: dialog.can_create, timeout=WAIT)
    with qtbot.waitSignal(dialog.exam_created, timeout=WAIT) as created:
        dialog.create_exam()
    exam_id = created.args[0]
    assert isinstance(exam_id, int)
    grade_samples(ctx.workspace, TITLE, scans)
    return exam_id


def test_question_count_statistics_results_and_review_header(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    exam_id = _set_up(qtbot, ctx, tmp_path)

    editor = KeyEditorDialog(ctx, exam_id)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.info is not None, timeout=WAIT)
    assert "45 questions" in editor.header.text()
    assert editor.info is not None and editor.info.labels == QUESTIONS

    panel = StatsPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.show_exam(exam_id)
    data = panel.data
    assert data is not None
    assert [q.label for q in data.questions] == QUESTIONS
    assert set(data.stats.questions) == set(QUESTIONS)
    assert [r.label for r in panel.percent_chart.rows] == QUESTIONS
    assert [r.label for r in panel.choice_chart.rows] == QUESTIONS
    assert all(set(r.choices) == set("ABCDE") for r in panel.choice_chart.rows)
    assert panel.count_tile.value.text() == "3"

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.sidebar.refresh()
    window.sidebar.select_exam(exam_id)
    model = window.exam_page.results.model
    qtbot.waitUntil(lambda: model.rowCount() == len(NUMBERS), timeout=WAIT)
    shown = {
        model.index(row, COL_NUMBER).data(): model.index(row, COL_STUDENT).data()
        for row in range(model.rowCount())
    }
    assert set(shown) == set(NUMBERS)
    assert shown["20250001"] == "김하늘" and shown["20250002"] == "이바다"

    screen = ReviewScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1400, 900)
    screen.show()
    with qtbot.waitSignal(screen.queue_loaded, timeout=WAIT):
        screen.open_queue(exam_id)
    qtbot.waitUntil(lambda: screen.current_sheet is not None and not screen.busy, timeout=WAIT)
    # the only doubt on these clean sheets: the student number that is not on the roster
    assert [(i.kind, i.status) for i in screen.items] == [("student", "unknown")]
    sheet = screen.current_sheet
    assert sheet is not None and sheet.student_number_read == "99990000"
    assert screen.panel.student_label.text() == "Unknown student (99990000)"
    assert screen.panel.read_value.text() == "99990000"
