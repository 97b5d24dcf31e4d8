"""The exam's server mapping dialog: typed or imported ids are stored, bad ones explained."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from academy_desktop.store.exams import get_exam_by_id
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup.mapping_dialog import COL_ID, MappingDialog
from ui.ui_helpers import make_exam


def _open(qtbot: QtBot, ctx: AppContext, exam_id: int) -> MappingDialog:
    dialog = MappingDialog(ctx, exam_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.status is not None, timeout=10_000)
    return dialog


def test_imported_ids_are_stored_with_the_exam(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    exam_id = make_exam(ctx.workspace)
    dialog = _open(qtbot, ctx, exam_id)
    assert dialog.table.rowCount() == 20
    assert dialog.status is not None and len(dialog.status.missing_questions) == 20
    csv = tmp_path / "questions.csv"
    csv.write_text(
        "number,exam_question_id\n" + "".join(f"{n},{900 + n}\n" for n in range(1, 21)),
        encoding="utf-8",
    )
    dialog.import_file(csv)
    assert dialog.table.item(6, COL_ID).text() == "907"  # type: ignore[union-attr]
    dialog.target_edit.setText("41")
    dialog.sheet_edit.setText("7")
    with qtbot.waitSignal(ctx.signals.exams_changed, timeout=10_000):
        dialog.save()
    with ctx.workspace.read() as s:
        exam = get_exam_by_id(s, exam_id)
        assert (exam.target_id, exam.sheet_id) == (41, 7)
        ids = {q.number: q.exam_question_id for q in exam.questions}
    assert ids[7] == 907 and len(ids) == 20 and None not in ids.values()


def test_a_bad_id_is_explained_and_nothing_is_stored(qtbot: QtBot, ctx: AppContext) -> None:
    exam_id = make_exam(ctx.workspace)
    dialog = _open(qtbot, ctx, exam_id)
    dialog.target_edit.setText("-3")
    dialog.save()
    assert "positive number" in dialog.error.text()
    dialog.target_edit.setText("41")
    dialog.table.item(2, COL_ID).setText("x")  # type: ignore[union-attr]
    dialog.save()
    assert "Question 3" in dialog.error.text()
    with ctx.workspace.read() as s:
        assert get_exam_by_id(s, exam_id).target_id is None
