"""Exam set-up dialogs: a new exam with a template preview, the answer key editor
(typed string, table, import, history, re-grading) and the roster import."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from academy_desktop.engine.answerkey import load_key
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.store import exams, grading
from academy_desktop.store.database import Workspace
from academy_desktop.store.keys import key_to_native
from academy_desktop.store.models import Student, Submission
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup import KeyEditorDialog, NewExamDialog, RosterImportDialog
from academy_desktop.ui.exam_setup.key_editor import KeyTableModel
from academy_desktop.ui.exam_setup.template_preview import (
    BUBBLE_COLOUR,
    DIGIT_COLOUR,
    draw_preview,
    preview_page,
)
from ui.ui_helpers import new_exam_dialog_on

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = REPO_ROOT / "resources" / "samples"
SHEET = "kr-20q-5c-id8"
WAIT = 30_000
STAFF = "검토자"  # tests/ui/conftest.py


def require_samples(*parts: str) -> Path:
    """The OMRChecker samples beside the clone (as tests/conftest.py finds them), or skip."""
    path = REPO_ROOT.parent.joinpath("shared", "omr-samples", *parts)
    if not path.exists():
        pytest.skip(f"OMR sample scans not found at {path}")
    return path


def close(a: QColor, b: QColor, tol: int = 40) -> bool:
    return (
        abs(a.red() - b.red()) <= tol
        and abs(a.green() - b.green()) <= tol
        and abs(a.blue() - b.blue()) <= tol
    )


def grade_sample(ws: Workspace, title: str, key: bool = True) -> int:
    """Grade kr-20q-sample-1 (student 20250001, 11/20 with the sample key) into ``title``."""
    batch = grading.prepare(
        ws,
        title,
        [SAMPLES / "kr-20q-sample-1.jpg"],
        template=SHEET,
        key=str(SAMPLES / "kr-20q-key.json") if key else None,
    )
    list(grading.run(ws, batch, jobs=1))
    return batch.exam_id


def scores(ws: Workspace, exam_id: int) -> list[float | None]:
    with ws.read() as s:
        return list(s.scalars(select(Submission.score).where(Submission.exam_id == exam_id)))


def open_editor(qtbot: QtBot, ctx: AppContext, exam_id: int) -> KeyEditorDialog:
    dialog = KeyEditorDialog(ctx, exam_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.info is not None, timeout=WAIT)
    return dialog


def save(qtbot: QtBot, ctx: AppContext, dialog: KeyEditorDialog) -> int:
    assert dialog.can_save()
    with (
        qtbot.waitSignal(ctx.signals.results_changed, timeout=WAIT) as changed,
        qtbot.waitSignal(dialog.key_saved, timeout=WAIT) as saved,
    ):
        dialog.save()
    assert changed.args == [dialog.exam_id]
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("Saved"), timeout=WAIT)
    version = saved.args[0]
    assert isinstance(version, int)
    return version


# ---------------------------------------------------------------- template preview


def test_preview_outlines_every_bubble_in_its_colour() -> None:
    t = load_template(SHEET)
    page = preview_page(t)
    assert page.sample is None and page.note == ""
    image = draw_preview(page)
    s = page.scale
    q7 = t.field_map["q7"].bubbles[2]
    edge = image.pixelColor(round(q7.x * s), round(q7.cy * s))
    inside = image.pixelColor(round(q7.cx * s), round((q7.y + q7.h * 0.2) * s))
    assert close(edge, BUBBLE_COLOUR), edge.name()
    assert not close(inside, BUBBLE_COLOUR), inside.name()  # an outline, not a fill
    digit = t.field_map["id3"].bubbles[5]
    assert close(image.pixelColor(round(digit.x * s), round(digit.cy * s)), DIGIT_COLOUR)


def test_preview_aligns_a_sample_scan_and_explains_one_that_does_not_fit(tmp_path: Path) -> None:
    t = load_template(SHEET)
    page = preview_page(t, SAMPLES / "kr-20q-sample-1.jpg")
    assert page.sample == SAMPLES / "kr-20q-sample-1.jpg" and page.note == ""
    # the aligned scan has the printed ID grid where the template says: dark ink in the
    # registration mark, light paper in the middle of an unmarked bubble
    mark = t.alignment.markers[0]
    assert page.image[round(mark.cy * page.scale), round(mark.cx * page.scale)] < 100
    blank = tmp_path / "white.png"
    from PIL import Image

    Image.new("L", (1240, 1754), 255).save(blank)
    refused = preview_page(t, blank)
    assert refused.sample is None and refused.note  # the blank sheet, with the reason


# ---------------------------------------------------------------- new exam


def test_new_exam_on_a_bundled_template_is_stored(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = NewExamDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_updated, timeout=WAIT):
        pass
    dialog.select_template(SHEET)
    qtbot.waitUntil(
        lambda: dialog.preview.page is not None and dialog.preview.page.template.name == SHEET,
        timeout=WAIT,
    )
    image = dialog.preview.image
    assert image is not None
    page = dialog.preview.page
    assert page is not None
    b = page.template.field_map["q1"].bubbles[0]
    assert close(image.pixelColor(round(b.x * page.scale), round(b.cy * page.scale)), BUBBLE_COLOUR)
    assert "20 questions" in dialog.preview.summary.text()
    assert not dialog.can_create  # no title yet
    dialog.title_edit.setText("  4월 모의고사 ")
    dialog.group_combo.setCurrentText("중2 A반")
    assert dialog.can_create
    with (
        qtbot.waitSignal(ctx.signals.exams_changed, timeout=WAIT),
        qtbot.waitSignal(dialog.exam_created, timeout=WAIT) as created,
    ):
        dialog.create_exam()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.created_exam_id == created.args[0]
    with ctx.workspace.read() as s:
        exam = exams.get_exam(s, "4월 모의고사")
        assert exam.id == dialog.created_exam_id
        assert exam.group_name == "중2 A반" and exam.exam_date == date.today()
        assert exam.template.name == SHEET and exam.template.source == "bundled"
        assert exams.current_key(exam) is None


def test_dropped_scan_suggests_its_sheet_and_a_key_makes_version_one(
    qtbot: QtBot, ctx: AppContext
) -> None:
    scan = SAMPLES / "kr-45q-samples.pdf"
    dialog = NewExamDialog(ctx, suggested_paths=[scan])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.page is not None, timeout=WAIT)
    assert dialog.current_spec() == "kr-45q-5c-id8"  # recognised from the scan
    assert dialog.preview.page is not None and dialog.preview.page.sample == scan
    assert "Sample page: kr-45q-samples.pdf" in dialog.preview.note.text()
    dialog.title_edit.setText("45문항")
    dialog.set_key_file(SAMPLES / "kr-20q-key.json")  # a key for another sheet still fits
    qtbot.waitUntil(lambda: "answers, ready" in dialog.key_status.text(), timeout=WAIT)
    dialog.set_key_file(SAMPLES / "kr-45q-key.json")
    qtbot.waitUntil(lambda: "45 answers, ready" in dialog.key_status.text(), timeout=WAIT)
    with qtbot.waitSignal(dialog.exam_created, timeout=WAIT):
        dialog.create_exam()
    with ctx.workspace.read() as s:
        exam = exams.get_exam(s, "45문항")
        assert [k.version for k in exams.key_history(exam)] == [1]
        assert exams.key_history(exam)[0].created_by == STAFF
        assert len(exams.current_key(exam).items) == 45  # type: ignore[union-attr]


def test_a_bad_template_or_a_taken_title_is_explained_inline(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    with ctx.workspace.write() as s:
        exams.create_exam(s, "중간고사", SHEET)
    bad = tmp_path / "template.json"
    bad.write_text('{"pageDimensions": [300, 400], "bubbleDimensions": [10, 10]}', "utf-8")
    dialog = NewExamDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.page is not None, timeout=WAIT)
    dialog.title_edit.setText("중간고사")
    with qtbot.waitSignal(dialog.preview_updated, timeout=WAIT):
        dialog.select_template(bad)
    assert dialog.preview.image is None
    assert "This template cannot be used" in dialog.preview.message_text
    assert "Template error" in dialog.preview.message_text
    assert "템플릿" not in dialog.preview.message_text and "양식" not in dialog.preview.message_text
    assert not dialog.can_create

    with qtbot.waitSignal(dialog.preview_updated, timeout=WAIT):
        dialog.select_template(SHEET)
    assert dialog.can_create
    dialog.create_exam()
    qtbot.waitUntil(lambda: dialog.error_label.isVisibleTo(dialog), timeout=WAIT)
    assert "already exists" in dialog.error_label.text()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.created_exam_id is None
    assert dialog.can_create  # fix the title and try again


def test_imported_omrchecker_template_previews_the_scan_beside_it(
    qtbot: QtBot, ctx: AppContext
) -> None:
    folder = require_samples("sample4")
    dialog = new_exam_dialog_on(qtbot, ctx, folder / "template.json")
    page = dialog.preview.page
    assert page is not None and page.sample is not None
    assert page.sample.parent.resolve() == folder.resolve()  # found beside the template
    assert page.note == "" and dialog.sample_label.text() == page.sample.name
    assert "(imported)" in dialog.template_combo.currentText()
    dialog.title_edit.setText("OMRChecker 4")
    dialog.set_key_file(folder / "evaluation.json")
    qtbot.waitUntil(lambda: dialog.can_create, timeout=WAIT)
    with qtbot.waitSignal(dialog.exam_created, timeout=WAIT):
        dialog.create_exam()
    with ctx.workspace.read() as s:
        exam = exams.get_exam(s, "OMRChecker 4")
        assert exam.template.source == "omrchecker"
        assert exam.template.origin == str((folder / "template.json").resolve())
        assert exams.current_key(exam) is not None


def test_imported_server_layout_draws_over_the_blank_sheet(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    layout = {
        "sheet_id": 7,
        "questions": [
            {"exam_question_id": 10 + n, "number": n,
             "region_meta": {"bbox": [100, 100 + 60 * n, 500, 40], "page_size": [1000, 1400]}}
            for n in range(1, 6)
        ],
    }  # fmt: skip
    path = tmp_path / "layout.json"
    path.write_text(json.dumps(layout), "utf-8")
    dialog = NewExamDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.page is not None, timeout=WAIT)
    dialog.select_template(path)
    qtbot.waitUntil(
        lambda: dialog.preview.page is not None and dialog.preview.page.template.source == "server",
        timeout=WAIT,
    )
    page = dialog.preview.page
    assert page is not None and page.sample is None  # nothing beside it to show
    image = dialog.preview.image
    assert image is not None
    b = page.template.field_map["q3"].bubbles[1]
    assert close(image.pixelColor(round(b.x * page.scale), round(b.cy * page.scale)), BUBBLE_COLOUR)
    assert "5 questions" in dialog.preview.summary.text()


# ---------------------------------------------------------------- answer key editor


def test_typed_key_adds_a_version_and_regrades(qtbot: QtBot, ctx: AppContext) -> None:
    exam_id = grade_sample(ctx.workspace, "3월")
    assert scores(ctx.workspace, exam_id) == [11.0]
    dialog = open_editor(qtbot, ctx, exam_id)
    assert dialog.digits_edit.toPlainText() == "13434 51432 35334 35453"
    assert "version 1" in dialog.header.text()
    assert not dialog.can_save()  # nothing changed yet
    # the student's own answers, q13 double-marked 1 and 3: full marks
    dialog.set_digits("53451 51442 35[13]31 35144")
    assert dialog.model.key().items["q13"].accepted == (("13", None),)
    assert save(qtbot, ctx, dialog) == 2
    assert scores(ctx.workspace, exam_id) == [20.0]
    with ctx.workspace.read() as s:
        exam = exams.get_exam_by_id(s, exam_id)
        history = exams.key_history(exam)
        assert [k.version for k in history] == [1, 2]
        assert history[1].created_by == STAFF
        assert history[0].content["answers"]["q1"] == {"accept": ["1"]}  # the old one is kept
    qtbot.waitUntil(lambda: dialog.history.topLevelItemCount() == 2, timeout=WAIT)
    assert "Saved as version 2. 1 sheets re-graded." in dialog.result_label.text()

    # "either answer" for q1 (1 or 5) and q4 voided: the student's 5 and 5 score
    dialog.set_digits("(15)34*4 51432 35334 35453")
    assert save(qtbot, ctx, dialog) == 3
    assert scores(ctx.workspace, exam_id) == [13.0]


def test_typing_mistakes_block_saving_and_are_listed(qtbot: QtBot, ctx: AppContext) -> None:
    exam_id = grade_sample(ctx.workspace, "3월")
    dialog = open_editor(qtbot, ctx, exam_id)
    dialog.set_digits("13436 51432 35334 35453 2")
    assert not dialog.can_save()
    text = dialog.problems_label.text()
    assert "q5: '6' cannot be read from the sheet" in text
    assert "21 answers typed but the sheet has 20 questions" in text
    assert "Typed 21 of 20 answers." in dialog.digits_count.text()
    assert 'color:#b3261e"><b><u>6</u>' in dialog.digits_grid.text()
    dialog.set_digits("13434 51432 35334 354")
    assert dialog.can_save()  # a shorter key is allowed: the last questions are not scored
    assert "Not scored (no answer): q19, q20." in dialog.status_label.text()
    dialog._closing_ok = True


def test_table_edits_points_sections_and_several_answers(qtbot: QtBot, ctx: AppContext) -> None:
    exam_id = grade_sample(ctx.workspace, "3월")
    dialog = open_editor(qtbot, ctx, exam_id)
    model: KeyTableModel = dialog.model
    row = model.labels.index("q2")
    assert model.setData(model.index(row, KeyTableModel.COL_ANSWER), "3, 5")
    assert model.setData(model.index(row, KeyTableModel.COL_POINTS), "3")
    assert model.setData(model.index(row, KeyTableModel.COL_SECTION), "수학")
    assert not model.setData(model.index(row, KeyTableModel.COL_POINTS), "세 점")
    assert dialog.digits_edit.toPlainText().startswith("1(35)434")
    assert model.data(model.index(row, KeyTableModel.COL_POINTS)) == "3"
    item = dialog.model.key().items["q2"]
    assert item.accepted == (("3", 3.0), ("5", 3.0)) and item.section == "수학"
    # an answer the sheet cannot give is flagged in its row and blocks saving
    bad = model.labels.index("q9")
    model.setData(model.index(bad, KeyTableModel.COL_ANSWER), "7")
    assert "cannot be read from the sheet" in model.data(model.index(bad, KeyTableModel.COL_CHECK))
    assert not dialog.can_save()
    model.setData(model.index(bad, KeyTableModel.COL_ANSWER), "3")
    # bulk: questions 11-20 worth 2 points each
    dialog.table.selectRow(model.labels.index("q11"))
    for label in ("q12", "q13"):
        dialog.table.selectionModel().select(
            model.index(model.labels.index(label), 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    dialog.bulk_points.setText("2")
    dialog.bulk_apply.click()
    assert [dialog.model.key().items[f"q1{n}"].accepted[0][1] for n in range(1, 5)] == [
        2.0,
        2.0,
        2.0,
        None,
    ]
    assert save(qtbot, ctx, dialog) == 2
    with ctx.workspace.read() as s:
        stored = exams.current_key(exams.get_exam_by_id(s, exam_id))
        assert stored is not None and stored.items["q2"].section == "수학"
    # sample 1 answered q2 3 (3 points now), q11 3 and q12 5 right (2 each), q13 1+3 wrong
    assert scores(ctx.workspace, exam_id) == [11.0 - 1 + 3 + 1 + 1]


def test_import_a_key_file_then_save(qtbot: QtBot, ctx: AppContext) -> None:
    exam_id = grade_sample(ctx.workspace, "키 없음", key=False)
    assert scores(ctx.workspace, exam_id) == [None]
    dialog = open_editor(qtbot, ctx, exam_id)
    assert "No answer key yet" in dialog.header.text()
    dialog.import_file(SAMPLES / "kr-45q-key.json")  # 45 questions: does not fit
    qtbot.waitUntil(lambda: "does not fit" in dialog.import_result.text(), timeout=WAIT)
    assert "q21" in dialog.import_result.text()
    assert dialog.model.key().items == {}
    dialog.import_file(SAMPLES / "kr-20q-key.json")
    qtbot.waitUntil(lambda: "Loaded 20 answers" in dialog.import_result.text(), timeout=WAIT)
    assert dialog.digits_edit.toPlainText() == "13434 51432 35334 35453"
    assert save(qtbot, ctx, dialog) == 1
    assert scores(ctx.workspace, exam_id) == [11.0]
    with ctx.workspace.read() as s:
        stored = exams.current_key_version(exams.get_exam_by_id(s, exam_id))
        assert stored is not None
        expected = key_to_native(load_key(SAMPLES / "kr-20q-key.json"))
        assert stored.content["answers"] == expected["answers"]


def test_history_shows_and_restores_an_old_version(qtbot: QtBot, ctx: AppContext) -> None:
    exam_id = grade_sample(ctx.workspace, "3월")
    dialog = open_editor(qtbot, ctx, exam_id)
    dialog.set_digits("53451 51442 35[13]31 35144")
    save(qtbot, ctx, dialog)
    qtbot.waitUntil(lambda: dialog.history.topLevelItemCount() == 2, timeout=WAIT)
    top = dialog.history.topLevelItem(0)
    assert top is not None and top.text(0).startswith("v2") and top.text(1) == STAFF
    dialog.show_version(1)
    assert "Version 1, saved by 검토자" in dialog.version_view.toPlainText()
    assert "13434 51432 35334 35453" in dialog.version_view.toPlainText()
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    assert dialog.digits_edit.toPlainText() == "13434 51432 35334 35453"
    assert save(qtbot, ctx, dialog) == 3
    assert scores(ctx.workspace, exam_id) == [11.0]


# ---------------------------------------------------------------- roster


@pytest.fixture
def roster_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "명단.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def open_roster(qtbot: QtBot, ctx: AppContext, path: Path) -> RosterImportDialog:
    dialog = RosterImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.previewed, timeout=WAIT):
        dialog.open_file(path)
    return dialog


def test_roster_rows_with_errors_are_listed_and_left_out(
    qtbot: QtBot, ctx: AppContext, roster_file: Callable[[str], Path]
) -> None:
    path = roster_file(
        "3월 명단\n이름,학번,반\n김하늘,20250001,A반\n이바다,2025-0002,A반\n박구름,20250003,B반\n"
    )
    dialog = open_roster(qtbot, ctx, path)
    assert "Header found in row 2" in dialog.header_label.text()
    assert dialog.combos["number"].currentText() == "학번"
    assert dialog.combos["class_name"].currentText() == "반"
    assert dialog.error_rows() == [
        (4, "학번", "student number '2025-0002' must be digits only (0-9, at most 40)")
    ]
    assert dialog.rows_model.rowCount() == 3
    status = dialog.rows_model.index(1, 5)
    assert dialog.rows_model.data(status).startswith("Not imported")
    assert dialog.rows_model.data(status, Qt.ItemDataRole.ForegroundRole) is not None
    assert dialog.import_button.text() == "Import 2 students"
    with qtbot.waitSignal(dialog.imported, timeout=WAIT) as done:
        dialog.import_button.click()
    summary = done.args[0]
    assert (summary.created, summary.updated, summary.rejected_rows) == (2, 0, 1)
    assert "Imported: 2 new, 0 updated, 0 unchanged." in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    with ctx.workspace.read() as s:
        rows = s.execute(select(Student.number, Student.name, Student.class_name)).all()
    assert sorted(rows) == [("20250001", "김하늘", "A반"), ("20250003", "박구름", "B반")]


def test_roster_mapping_picks_columns_and_can_leave_one_out(
    qtbot: QtBot, ctx: AppContext, roster_file: Callable[[str], Path]
) -> None:
    path = roster_file("성명,번호,ID번호,그룹\n김하늘,3,20250001,A반\n이바다,4,20250002,B반\n")
    dialog = open_roster(qtbot, ctx, path)
    assert dialog.combos["number"].currentText() == "번호"  # the only synonym there
    with qtbot.waitSignal(dialog.previewed, timeout=WAIT):
        dialog.set_column("number", "ID번호")
    assert dialog.preview is not None and dialog.preview.parse is not None
    assert [r.number for r in dialog.preview.parse.rows] == ["20250001", "20250002"]
    assert dialog.combos["class_name"].currentText() == "그룹"
    with qtbot.waitSignal(dialog.previewed, timeout=WAIT):
        dialog.set_column("class_name", None)  # "그룹" is not a class here
    assert "class_name" not in dialog.preview.parse.columns
    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        dialog.do_import()
    with ctx.workspace.read() as s:
        rows = s.execute(select(Student.number, Student.class_name)).all()
    assert sorted(rows) == [("20250001", None), ("20250002", None)]


def test_roster_without_required_columns_says_which(
    qtbot: QtBot, ctx: AppContext, roster_file: Callable[[str], Path]
) -> None:
    dialog = open_roster(qtbot, ctx, roster_file("성명,반,전화\n김하늘,A반,010\n"))
    assert "missing column(s): number" in dialog.error_label.text()
    assert not dialog.import_button.isEnabled()
    assert [dialog.combos["number"].itemText(i) for i in range(4)] == [
        "(choose a column)",
        "성명",
        "반",
        "전화",
    ]
    with qtbot.waitSignal(dialog.previewed, timeout=WAIT):
        dialog.set_column("number", "전화")
    assert dialog.error_label.text() == "" and dialog.import_button.isEnabled()
