"""The review screen: queue, keyboard decisions, undo/redo, clicks, the student
picker, and the drawing checked pixel by pixel at known bubble centres."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from academy_desktop.settings import Settings
from academy_desktop.store import grading, review, roster
from academy_desktop.store.database import Workspace
from academy_desktop.store.models import ReviewDecision, Submission
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import OpRunner
from academy_desktop.ui.review import ReviewScreen
from academy_desktop.ui.review.screen import MULTI_WINDOW_MS

STAFF = "검토자"
EXAM = "3월 모의고사"
# resources/samples/README.md: sample-1 (김하늘) q13 double; sample-2 (이바다) q16 erased
# next to a mark, q17 double; sample-3 (박구름) q1 erased next to a mark
S1, S2, S3 = 1, 2, 3


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the roster and samples 1-3 graded (built once, copied per test)."""
    repo = Path(__file__).resolve().parents[2]
    folder = tmp_path_factory.mktemp("review") / "ws"
    ws = Workspace.open(folder, staff=STAFF)
    try:
        with ws.write() as s:
            roster.import_roster(s, roster.parse_roster(repo / "resources/samples/roster.csv"))
        samples = repo / "resources" / "samples"
        batch = grading.prepare(
            ws,
            EXAM,
            [samples / f"kr-20q-sample-{i}.jpg" for i in (1, 2, 3)],
            template=str(repo / "resources/templates/kr-20q-5c-id8.json"),
            key=str(samples / "kr-20q-key.json"),
        )
        list(grading.run(ws, batch, jobs=1))
    finally:
        ws.close()
    return folder


@pytest.fixture
def rctx(qtbot: QtBot, graded: Path, tmp_path: Path, settings_dir: Path) -> Iterator[AppContext]:
    folder = tmp_path / "ws"
    shutil.copytree(graded, folder)
    ws = Workspace.open(folder, staff=STAFF)
    runner = OpRunner()
    ctx = AppContext(
        ws, Settings(staff_name=STAFF, jobs=1), runner, settings_path=settings_dir / "s.json"
    )
    yield ctx
    assert runner.shutdown(10_000)
    ws.close()


def _answer(ctx: AppContext, sub_id: int, label: str) -> tuple[str, bool, float | None]:
    with ctx.workspace.read() as s:
        sub = s.get(Submission, sub_id)
        assert sub is not None
        a = next(a for a in sub.answers if a.label == label)
        return a.current_value, a.reviewed, sub.score


def _decisions(ctx: AppContext, sub_id: int) -> list[tuple[str, str, str, str, str | None]]:
    with ctx.workspace.read() as s:
        rows = s.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.submission_id == sub_id)
            .order_by(ReviewDecision.id)
        )
        return [
            (d.field, d.old_value or "", d.new_value or "", d.decided_by, d.reason) for d in rows
        ]


def _open(qtbot: QtBot, ctx: AppContext, **kwargs: object) -> ReviewScreen:
    screen = ReviewScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1400, 900)
    screen.show()
    with qtbot.waitSignal(screen.queue_loaded, timeout=10_000):
        screen.open_queue(1, **kwargs)  # type: ignore[arg-type]
    _settle(qtbot, screen)
    return screen


def _settle(qtbot: QtBot, screen: ReviewScreen) -> None:
    """Wait until the sheet on screen, its picture and every write are in."""
    qtbot.waitUntil(
        lambda: (
            screen.current_sheet is not None
            and screen.current_picture() is not None
            and not screen.busy
        ),
        timeout=15_000,
    )


def _key(
    qtbot: QtBot,
    screen: ReviewScreen,
    key: Qt.Key,
    mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(screen, key, mods)


def test_queue_lists_flags_least_confident_first_with_progress(
    qtbot: QtBot, rctx: AppContext
) -> None:
    screen = _open(qtbot, rctx)
    assert [(i.submission_id, i.label) for i in screen.items] == [
        (S2, "q16"),  # 53 %
        (S3, "q1"),  # 66 %
        (S1, "q13"),  # 79 %, earlier sheet first
        (S2, "q17"),  # 79 %
    ]
    assert screen.progress_text() == "4 of 4 left"
    assert screen.progress_bar.text() == "4 of 4 left"
    assert (screen.sub_id, screen.label) == (S2, "q16")
    assert screen.panel.item_title.text() == "Question 16"
    assert screen.queue_model.rowCount() == 4
    # N goes to the next item, P back
    _key(qtbot, screen, Qt.Key.Key_N)
    assert (screen.sub_id, screen.label) == (S3, "q1")
    _key(qtbot, screen, Qt.Key.Key_P)
    assert (screen.sub_id, screen.label) == (S2, "q16")
    # a batch: only its sheets
    screen.open_queue(1, submission_ids=[S3])
    qtbot.waitUntil(lambda: [i.submission_id for i in screen.items] == [S3], timeout=10_000)
    assert screen.progress_text() == "1 of 1 left"


def test_a_key_sets_the_answer_regrades_and_undo_redo_use_the_audit_trail(
    qtbot: QtBot, rctx: AppContext
) -> None:
    screen = _open(qtbot, rctx)
    assert _answer(rctx, S2, "q16") == ("34", False, 17.0)
    changed: list[int] = []
    rctx.signals.submission_changed.connect(changed.append)
    _key(qtbot, screen, Qt.Key.Key_3)
    assert screen.pending == ["3"]  # waits for a second key a moment
    qtbot.waitUntil(lambda: _answer(rctx, S2, "q16") == ("3", True, 18.0), timeout=5000)
    _settle(qtbot, screen)
    assert changed == [S2]
    assert (screen.sub_id, screen.label) == (S3, "q1")  # moved on to the next item
    assert screen.progress_text() == "3 of 4 left"
    assert _decisions(rctx, S2) == [("q16", "34", "3", STAFF, None)]

    _key(qtbot, screen, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _answer(rctx, S2, "q16") == ("34", False, 17.0), timeout=5000)
    _settle(qtbot, screen)
    assert (screen.sub_id, screen.label) == (S2, "q16")  # undo shows what it undid
    assert screen.progress_text() == "4 of 4 left"

    _key(qtbot, screen, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _answer(rctx, S2, "q16") == ("3", True, 18.0), timeout=5000)
    _settle(qtbot, screen)
    rows = _decisions(rctx, S2)
    assert [r[:3] for r in rows] == [("q16", "34", "3"), ("q16", "3", "34"), ("q16", "34", "3")]
    assert rows[1][4] is not None and rows[1][4].startswith("undo #")
    assert rows[2][4] is not None and rows[2][4].startswith("undo #")
    assert screen.panel.history.topLevelItemCount() == 3


def test_two_keys_together_make_a_multi_answer_and_zero_blanks(
    qtbot: QtBot, rctx: AppContext
) -> None:
    screen = _open(qtbot, rctx, start_submission=S3)
    assert (screen.sub_id, screen.label) == (S3, "q1")
    screen.advance_box.setChecked(False)
    _key(qtbot, screen, Qt.Key.Key_2)
    _key(qtbot, screen, Qt.Key.Key_D)  # D is the 4th choice
    assert screen.pending == ["2", "4"]
    qtbot.wait(MULTI_WINDOW_MS // 4)
    assert _answer(rctx, S3, "q1")[0] != "24"  # not before the window closes
    qtbot.waitUntil(lambda: _answer(rctx, S3, "q1")[:2] == ("24", True), timeout=5000)
    _settle(qtbot, screen)
    assert (screen.sub_id, screen.label) == (S3, "q1")  # auto-advance is off

    _key(qtbot, screen, Qt.Key.Key_0)
    qtbot.waitUntil(lambda: _answer(rctx, S3, "q1")[:2] == ("", True), timeout=5000)
    _settle(qtbot, screen)
    _key(qtbot, screen, Qt.Key.Key_4)
    _key(qtbot, screen, Qt.Key.Key_Return)  # Enter commits at once
    qtbot.waitUntil(lambda: _answer(rctx, S3, "q1")[:2] == ("4", True), timeout=1000)


def test_enter_accepts_the_reading_and_moves_on(qtbot: QtBot, rctx: AppContext) -> None:
    screen = _open(qtbot, rctx)
    reading = _answer(rctx, S2, "q16")[0]
    _key(qtbot, screen, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _answer(rctx, S2, "q16")[:2] == (reading, True), timeout=5000)
    _settle(qtbot, screen)
    assert (screen.sub_id, screen.label) == (S3, "q1")
    assert _decisions(rctx, S2) == [("q16", reading, reading, STAFF, None)]
    assert screen.items[0].settled


def test_clicking_a_bubble_toggles_it(qtbot: QtBot, rctx: AppContext) -> None:
    screen = _open(qtbot, rctx)
    screen.advance_box.setChecked(False)
    centre = screen.scene.bubble_center("q16", "4")
    assert centre is not None
    pos = screen.view.mapFromScene(centre)
    assert screen.view.viewport().rect().contains(pos)
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: _answer(rctx, S2, "q16")[:2] == ("3", True), timeout=5000)
    _settle(qtbot, screen)
    # a click on another question focuses it and toggles there
    centre = screen.scene.bubble_center("q15", "2")
    assert centre is not None
    pos = screen.view.mapFromScene(centre)
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: _answer(rctx, S2, "q15")[:2] == ("24", True), timeout=5000)
    assert screen.label == "q15"
    # a drag pans and decides nothing
    bar = screen.view.verticalScrollBar()
    bar.setValue((bar.minimum() + bar.maximum()) // 2)  # room to pan either way
    before = bar.value()
    pos = screen.view.viewport().rect().center()
    qtbot.mousePress(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    for dy in (10, 40, 80):
        qtbot.mouseMove(screen.view.viewport(), pos - QPoint(0, dy))
    qtbot.mouseRelease(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=pos - QPoint(0, 80))
    assert bar.value() == before + 80
    assert len(_decisions(rctx, S2)) == 2


def test_unknown_student_is_resolved_with_the_roster_picker(qtbot: QtBot, rctx: AppContext) -> None:
    with rctx.workspace.write() as s:
        review.set_value(s, S1, "student", "", decided_by=STAFF)  # as if the ID were unknown
    screen = _open(qtbot, rctx)
    first = screen.items[0]
    assert (first.submission_id, first.kind, first.status) == (S1, "student", "unknown")
    assert (screen.sub_id, screen.label) == (S1, "student")
    assert screen.progress_text() == "5 of 5 left"
    _key(qtbot, screen, Qt.Key.Key_F2)
    picker = screen.picker
    assert picker is not None  # F2 opened it
    qtbot.waitUntil(lambda: picker.entries is not None, timeout=5000)
    picker.search.setText("ㄱㅎㄴ")  # 김하늘 by initial consonants
    assert picker.results.count() == 1
    assert picker.chosen_number() == "20250001"
    picker.search.setText("ㅂ")
    assert picker.chosen_number() == "20250003"  # 박구름
    picker.search.setText("ㄱㅎ")
    assert picker.chosen_number() == "20250001"
    picker.accept()
    qtbot.waitUntil(
        lambda: any(d[:3] == ("student", "", "20250001") for d in _decisions(rctx, S1)),
        timeout=5000,
    )
    qtbot.waitUntil(lambda: bool(screen.items) and screen.items[0].settled, timeout=5000)
    _settle(qtbot, screen)
    with rctx.workspace.read() as s:
        sub = s.get(Submission, S1)
        assert sub is not None and sub.student is not None and sub.student.name == "김하늘"
    # undo brings the unknown student back
    screen.undo()
    qtbot.waitUntil(lambda: bool(screen.items) and not screen.items[0].settled, timeout=5000)
    with rctx.workspace.read() as s:
        sub = s.get(Submission, S1)
        assert sub is not None and sub.student_id is None


def test_the_staff_name_is_asked_once_and_kept(
    qtbot: QtBot, rctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    rctx.settings = dataclasses.replace(rctx.settings, staff_name="")
    asked: list[str] = []

    def ask(*args: object, **kwargs: object) -> tuple[str, bool]:
        asked.append("asked")
        return ("  박선생 ", True)

    monkeypatch.setattr(QInputDialog, "getText", ask)
    screen = _open(qtbot, rctx)
    screen.advance_box.setChecked(False)
    _key(qtbot, screen, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: _answer(rctx, S2, "q16")[:2] == ("", True), timeout=5000)
    _key(qtbot, screen, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(_decisions(rctx, S2)) == 2, timeout=5000)
    assert asked == ["asked"]
    assert rctx.staff == "박선생"
    assert {d[3] for d in _decisions(rctx, S2)} == {"박선생"}
    assert "박선생" in (rctx.settings_path.read_text("utf-8") if rctx.settings_path else "")


# ------------------------------------------------------------------ the drawing, pixel by pixel


def _pixel(image: QImage, pos: QPoint) -> QColor:
    """The median colour of the 3x3 pixels around ``pos``."""
    colours = [
        image.pixelColor(pos.x() + dx, pos.y() + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)
    ]
    channels = [sorted(getattr(c, ch)() for c in colours)[4] for ch in ("red", "green", "blue")]
    return QColor(*channels)


def _colour_at(screen: ReviewScreen, label: str, value: str) -> QColor:
    centre = screen.scene.bubble_center(label, value)
    assert centre is not None
    pos = screen.view.mapFromScene(centre)
    image = screen.view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    assert screen.view.viewport().rect().contains(pos)
    return _pixel(image, QPoint(round(pos.x() * ratio), round(pos.y() * ratio)))


def _is_green(c: QColor) -> bool:
    return c.green() > c.red() + 25 and c.green() > c.blue() + 10


def _is_purple(c: QColor) -> bool:
    return c.red() > c.green() + 25 and c.blue() > c.green() + 25


def _is_paper(c: QColor) -> bool:
    return (
        min(c.red(), c.green(), c.blue()) > 170
        and max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) < 30
    )


@pytest.mark.parametrize("original", [False, True])
def test_screenshot_colours_at_bubble_centres(
    qtbot: QtBot, rctx: AppContext, original: bool
) -> None:
    """Marked, empty and flagged bubbles of sample-2, aligned and as scanned."""
    screen = _open(qtbot, rctx)
    screen.set_original(original)
    screen.view.fit_page()
    qtbot.wait(10)
    marked = _colour_at(screen, "q1", "1")  # read as 1, ok: green over the ink
    empty = _colour_at(screen, "q1", "3")  # nothing there: the paper shows
    flagged = _colour_at(screen, "q16", "3")  # two marks, flagged: purple
    key_empty = _colour_at(screen, "q8", "4")  # the key answer, not marked: paper in a ring
    assert _is_green(marked), marked.name()
    assert _is_paper(empty), empty.name()
    assert _is_purple(flagged), flagged.name()
    assert _is_paper(key_empty), key_empty.name()
    assert marked.lightness() < empty.lightness() - 60  # the ink is under the fill

    # after a decision the scene is drawn again from the stored data: q16 reviewed (blue)
    screen.advance_box.setChecked(False)
    _key(qtbot, screen, Qt.Key.Key_3)
    _key(qtbot, screen, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _answer(rctx, S2, "q16")[:2] == ("3", True), timeout=5000)
    _settle(qtbot, screen)
    qtbot.waitUntil(
        lambda: screen.current_sheet is not None and screen.current_sheet.fields["q16"].reviewed,
        timeout=5000,
    )
    reviewed = _colour_at(screen, "q16", "3")
    dropped = _colour_at(screen, "q16", "4")  # the erased mark no longer counts
    assert reviewed.blue() > reviewed.red() + 25 and reviewed.blue() > reviewed.green(), (
        reviewed.name()
    )
    assert not _is_purple(dropped)


def test_the_scene_mirrors_the_data_it_is_given(qtbot: QtBot, rctx: AppContext) -> None:
    screen = _open(qtbot, rctx)
    scene = screen.scene
    sheet = screen.current_sheet
    assert sheet is not None
    count = len(scene.items())
    scene.show_sheet(sheet, None, focus="q16")  # no picture: a paper placeholder
    assert scene.bubble_center("q16", "3") is not None
    assert len(scene.items()) < count + 5
    scene.show_sheet(None)
    assert scene.items() == [] and scene.bubble_center("q16", "3") is None
    assert scene.hit(QPointF(10, 10)) is None


def test_changes_made_elsewhere_are_shown_without_moving_the_reviewer(
    qtbot: QtBot, rctx: AppContext
) -> None:
    screen = _open(qtbot, rctx)
    _key(qtbot, screen, Qt.Key.Key_N)
    assert (screen.sub_id, screen.label) == (S3, "q1")
    # another window settles q1 of sample-3 and says so
    with rctx.workspace.write() as s:
        review.set_value(s, S3, "q1", "1", decided_by="다른 사람")
    with qtbot.waitSignal(screen.queue_loaded, timeout=5000):
        rctx.signals.submission_changed.emit(S3)
    qtbot.waitUntil(
        lambda: (
            screen.current_sheet is not None
            and screen.current_sheet.fields["q1"].current_value == "1"
        ),
        timeout=5000,
    )
    assert (screen.sub_id, screen.label) == (S3, "q1")  # still here
    assert screen.items[1].settled and screen.progress_text() == "3 of 4 left"
    newest = screen.panel.history.topLevelItem(0)
    assert newest is not None and newest.text(1) == "다른 사람"
    # a re-grade of the exam reloads the queue, and the reviewer stays put
    with qtbot.waitSignal(screen.queue_loaded, timeout=5000):
        rctx.signals.results_changed.emit(1)
    assert (screen.sub_id, screen.label) == (S3, "q1")


def test_retranslate_keeps_the_item_in_focus(qtbot: QtBot, rctx: AppContext) -> None:
    screen = _open(qtbot, rctx)
    _key(qtbot, screen, Qt.Key.Key_2)  # typed, not committed yet
    screen.retranslate()
    assert screen.panel.item_title.text() == "Question 16"
    assert sorted(screen.panel.choice_buttons) == ["1", "2", "3", "4", "5"]
    assert screen.panel.choice_buttons["2"].isChecked()  # the pending key still shows
    assert screen.back_button.text() == "‹ Results"
    assert len(screen.legend_labels) == 11
    _key(qtbot, screen, Qt.Key.Key_Escape)
    assert screen.pending is None
    assert _decisions(rctx, S2) == []


def test_a_refused_decision_is_shown_and_stores_nothing(qtbot: QtBot, rctx: AppContext) -> None:
    screen = _open(qtbot, rctx)
    screen.choose_student("99999999")  # not in the roster: the store refuses it
    qtbot.waitUntil(lambda: bool(screen.errors), timeout=5000)
    assert "99999999" in screen.errors[-1]
    assert screen.banner.isVisible() and "99999999" in screen.banner.text()
    assert not screen.undo_stack.canUndo()  # the stack never holds what was not stored
    assert _decisions(rctx, S2) == []
    _key(qtbot, screen, Qt.Key.Key_N)
    assert not screen.banner.isVisible()  # moving on clears it
