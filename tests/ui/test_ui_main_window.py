"""The main window's flows: drop scans with no exam, progress, results, closing during
a batch, resuming, the language switch and ``--open``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from academy_desktop.store import grading
from academy_desktop.store.exams import get_exam
from academy_desktop.store.results import count_results
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup.new_exam_dialog import NewExamDialog
from academy_desktop.ui.main_window import MainWindow, show_later
from ui.ui_helpers import SAMPLES, distinct_copies, make_exam

WAIT = 60_000


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext) -> Iterator[MainWindow]:
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.batch.cancel()
    qtbot.waitUntil(lambda: not w.batch.running, timeout=WAIT)


def _drop(target: object, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    target.dropEvent(event)  # type: ignore[attr-defined]
    return event


def _new_exam_dialog(window: MainWindow) -> NewExamDialog:
    dialogs = window.findChildren(NewExamDialog)
    assert len(dialogs) == 1
    return dialogs[0]


def test_window_starts_on_the_drop_zone_and_shows_workspace_and_sync_state(
    window: MainWindow, ctx: AppContext
) -> None:
    assert window.stack.currentWidget() is window.drop_zone
    assert window.drop_zone.acceptDrops() and window.acceptDrops()
    assert str(ctx.workspace.folder) in window.workspace_label.text()
    assert window.sync_label.text() == "Offline"
    assert not window.key_action.isEnabled()  # nothing selected yet


def test_dropping_scans_with_no_exam_offers_one_then_grades_them_into_it(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    pdf = SAMPLES / "kr-45q-samples.pdf"
    event = _drop(window.drop_zone, [pdf])
    assert event.isAccepted()
    dialog = _new_exam_dialog(window)
    qtbot.waitUntil(lambda: dialog.current_spec() == "kr-45q-5c-id8", timeout=WAIT)
    dialog.title_edit.setText("4월 모의고사")
    dialog.set_key_file(SAMPLES / "kr-45q-key.json")
    qtbot.waitUntil(lambda: dialog.can_create, timeout=WAIT)
    with qtbot.waitSignal(window.batch.finished, timeout=WAIT) as finished:
        dialog.create_exam()
    summary = finished.args[0]
    assert summary.pages >= 2 and not summary.cancelled
    assert window.stack.currentWidget() is window.exam_page
    assert "4월 모의고사" in window.exam_page.title.text()
    assert window.batch_panel.isVisible() and window.batch_panel.done == summary.pages
    results = window.exam_page.results
    qtbot.waitUntil(lambda: results.model.rowCount() == summary.pages, timeout=WAIT)
    with ctx.workspace.read() as s:
        exam_id = get_exam(s, "4월 모의고사").id
        assert count_results(s, exam_id) == summary.pages
    assert window.sidebar.current_exam_id() == exam_id


def test_dropping_onto_a_selected_exam_grades_at_once(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    exam_id = make_exam(ctx.workspace)
    window.sidebar.refresh()
    window.sidebar.select_exam(exam_id)
    assert window.stack.currentWidget() is window.exam_page
    with qtbot.waitSignal(window.batch.finished, timeout=WAIT):
        _drop(window, [SAMPLES / "kr-20q-sample-1.jpg", SAMPLES / "kr-20q-sample-2.jpg"])
    assert not window.findChildren(NewExamDialog)
    qtbot.waitUntil(lambda: window.exam_page.results.model.rowCount() == 2, timeout=WAIT)
    assert "2" in window.sidebar.list.currentItem().text()


def test_closing_during_a_batch_asks_and_loses_nothing(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grading, "COMMIT_PAGES", 1)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    exam_id = make_exam(ctx.workspace)
    window.sidebar.refresh()
    window.sidebar.select_exam(exam_id)
    scans = distinct_copies(SAMPLES / "kr-20q-sample-4.jpg", tmp_path / "scans", 60)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    window.open_paths(scans)
    qtbot.waitUntil(lambda: window.batch_panel.done >= 2, timeout=WAIT)
    assert not window.close()  # "No": the batch goes on
    assert window.batch.running and window.isVisible()
    assert window.close()  # "Yes": stop and close
    assert len(asked) == 2 and "saved" in asked[0]
    qtbot.waitUntil(lambda: not window.batch.running, timeout=WAIT)
    assert ctx.runner.closed
    with ctx.workspace.read() as s:
        kept = count_results(s, exam_id)
        left = grading.unfinished(s, ctx.workspace.folder, exam_id)
    assert kept >= 2 and kept + len(left) == len(scans)


def test_unfinished_files_are_offered_for_resume_when_the_exam_is_opened(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    exam_id = make_exam(ctx.workspace)
    pdf = SAMPLES / "kr-45q-samples.pdf"
    # a batch queued but never graded (the app was closed while it was planned)
    grading.prepare(ctx.workspace, "단원평가", [SAMPLES / "kr-20q-sample-5.jpg", pdf])
    window.sidebar.refresh()
    window.sidebar.select_exam(exam_id)
    assert window.exam_page.resume_bar.isVisibleTo(window)
    assert "2 files" in window.exam_page.resume_label.text()
    assert window.resume_action.isEnabled()
    with qtbot.waitSignal(window.batch.finished, timeout=WAIT):
        window.exam_page.resume_button.click()
    assert not window.exam_page.resume_bar.isVisibleTo(window)
    with ctx.workspace.read() as s:
        assert grading.unfinished(s, ctx.workspace.folder, exam_id) == []


def test_language_switch_retranslates_the_window(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    from academy_desktop.ui.app import install_translations
    from academy_desktop.ui.text import current_language

    assert window.file_menu.title() == "&File" and current_language() == "en"
    try:
        ctx.save_settings(ctx.settings.__class__(**{**vars(ctx.settings), "language": "ko"}))
        qtbot.waitUntil(lambda: window.file_menu.title() == "파일(&F)", timeout=5000)
        assert current_language() == "ko"
        assert window.sync_label.text() == "오프라인"
        assert window.drop_zone.label.text() == "스캔한 답안지를 여기에 끌어다 놓으세요"
        assert window.exam_page.tabs.tabText(0) == "채점 결과"
    finally:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        install_translations(app, "en")
    qtbot.waitUntil(lambda: window.file_menu.title() == "&File", timeout=5000)


def test_open_paths_from_the_command_line_start_a_batch(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    exam_id = make_exam(ctx.workspace)
    window.sidebar.refresh()
    window.sidebar.select_exam(exam_id)
    with qtbot.waitSignal(window.batch.finished, timeout=WAIT):
        show_later(window, [SAMPLES / "kr-20q-sample-2.jpg"])
    # sample 2 has flagged marks: --open goes on to review them
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review, timeout=WAIT)


def test_missing_files_are_reported_and_skipped(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(str(a[2])))
    window.open_paths([Path("/no/such/scan.pdf")])
    assert warned and "/no/such/scan.pdf" in warned[0]
    assert not window.batch.running and not window.findChildren(NewExamDialog)


def test_drop_progress_results_review_a_key_undo_and_export(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, tmp_path: Path
) -> None:
    """The whole day's work through the window, checked in the store at each step."""
    import openpyxl
    from PySide6.QtCore import Qt as QtKeys

    from academy_desktop.store.models import ReviewDecision, Submission, SubmissionAnswer

    exam_id = make_exam(ctx.workspace)
    window.sidebar.refresh()
    window.sidebar.select_exam(exam_id)
    sheets = sorted(SAMPLES.glob("kr-20q-sample-*.jpg"))
    progress: list[int] = []
    window.batch.page_done.connect(lambda _p: progress.append(window.batch_panel.done))
    with qtbot.waitSignal(window.batch.finished, timeout=WAIT):
        _drop(window.drop_zone if window.drop_zone.isVisible() else window, sheets)
    assert progress == list(range(1, len(sheets) + 1))  # one step per sheet
    results = window.exam_page.results
    qtbot.waitUntil(lambda: results.model.rowCount() == len(sheets), timeout=WAIT)
    assert results.review_button.isEnabled()

    results.review_button.click()
    review = window.review
    assert window.stack.currentWidget() is review
    qtbot.waitUntil(
        lambda: review.current_sheet is not None and not review.busy and review.label is not None,
        timeout=WAIT,
    )
    sub_id, label = review.sub_id, review.label
    assert sub_id is not None and label is not None

    def stored() -> tuple[str, bool]:
        with ctx.workspace.read() as s:
            a = s.query(SubmissionAnswer).filter_by(submission_id=sub_id, label=label).one()
            return a.current_value, a.reviewed

    before = stored()
    assert not before[1]
    qtbot.keyClick(review, QtKeys.Key.Key_5)
    qtbot.waitUntil(lambda: stored() == ("5", True), timeout=WAIT)
    qtbot.waitUntil(lambda: not review.busy, timeout=WAIT)
    qtbot.keyClick(review, QtKeys.Key.Key_Z, QtKeys.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: stored() == before, timeout=WAIT)
    with ctx.workspace.read() as s:
        audit = [
            (d.field, d.new_value, d.decided_by)
            for d in s.query(ReviewDecision).filter_by(submission_id=sub_id)
        ]
        score = s.get_one(Submission, sub_id).score
    assert audit == [(label, "5", "검토자"), (label, before[0], "검토자")]

    qtbot.waitUntil(lambda: not review.busy, timeout=WAIT)
    review.back_requested.emit()
    assert window.stack.currentWidget() is window.exam_page
    out = tmp_path / "결과.xlsx"
    with qtbot.waitSignal(window.export.exported, timeout=WAIT):
        window.export.export_to("xlsx", out)
    book = openpyxl.load_workbook(out, read_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    assert len(rows) - 1 >= len(sheets)  # a header and a row per sheet
    assert any(score in row for row in rows)
