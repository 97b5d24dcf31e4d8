"""The homework screens: new/edit dialog, drop → progress → cards, decisions (audited,
undone), the student picker, cancel and resume, refused files, the timeline chart's
pixels, and the sidebar/main-window wiring. The analysis is a fake (injected)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from academy_desktop.engine.progress import TaskState
from academy_desktop.store.homework import create_homework, get_homework, homework_summary
from academy_desktop.store.models import ReviewDecision, Student, Submission
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework.card import HomeworkCardWidget
from academy_desktop.ui.homework.drop_area import check_pattern
from academy_desktop.ui.homework.new_homework_dialog import HomeworkDialog
from academy_desktop.ui.homework.page import HomeworkPage
from academy_desktop.ui.homework.sidebar_section import HomeworkSidebarSection
from academy_desktop.ui.homework.timeline_chart import INK, TURN, WritingTimelineChart
from ui.ui_helpers import STAFF

# file stem -> (verdict, confidence)
VERDICTS = {
    "20240101_a": ("wrote", 0.93),
    "20240102_b": ("little_writing", 0.6),
    "nobody_c": ("no_writing", 0.85),
    "photo_d": ("unreadable", 0.9),
}


def _png(shade: int = 200) -> bytes:
    ok, buf = cv2.imencode(".png", np.full((60, 40, 3), shade, np.uint8))
    assert ok
    return buf.tobytes()


class FakeAnalyse:
    """Stands in for ``engine.homework.analyse.analyse_file``: the verdict by the file's
    content (the workspace copy is named by its hash), a timeline over two pages and
    their key frames. ``hold`` names a stem whose analysis waits until cancelled."""

    def __init__(self, hold: str | None = None) -> None:
        self.calls: list[str] = []
        self.hold = hold
        self.holding = threading.Event()

    def __call__(self, path: Path, *, task: TaskState | None = None, **_: Any) -> dict[str, Any]:
        text = path.read_bytes().decode()
        stem = next(k for k in VERDICTS if k in text)
        self.calls.append(stem)
        if task is not None:
            task.report(0.5, "half")
            if stem == self.hold:
                self.holding.set()
                while not task.is_cancelled:
                    threading.Event().wait(0.01)
                    task.report(0.5, "half")  # progress is sent at most 20 times a second
                task.check()
        verdict, confidence = VERDICTS[stem]
        return {
            "source": "homework_video",
            "verdict": verdict,
            "confidence": confidence,
            "reason": "글씨가 늘었습니다. / Ink grew.",
            "frames": [
                {"index": i, "time_s": float(t), "writing_score": w}
                for i, (t, w) in enumerate([(0, 0.0), (5, 0.01), (10, 0.02), (20, 0.03)])
            ],
            "timeline": [
                {"page": 0, "start_s": 0.0, "end_s": 10.0, "ink_gain": 0.02},
                {"page": 1, "start_s": 12.0, "end_s": 20.0, "ink_gain": 0.01},
            ],
            "key_frames": [
                {"page": 0, "which": "first", "time_s": 0.0, "png": _png(250)},
                {"page": 0, "which": "last", "time_s": 10.0, "png": _png(120)},
            ],
            "rejection_code": "TOO_DARK" if verdict == "unreadable" else None,
        }


def _files(folder: Path, stems: list[str], suffix: str = ".mp4") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for stem in stems:
        p = folder / f"{stem}{suffix}"
        p.write_bytes(f"video {stem} ".encode() * 20)
        out.append(p)
    return out


def _homework(ctx: AppContext, title: str = "3단원 풀이") -> int:
    with ctx.workspace.write() as s:
        s.add_all(
            [
                Student(number="20240101", name="김민수", enrollment_id=501),
                Student(number="20240102", name="이서연", enrollment_id=502),
                Student(number="20240103", name="박지훈", enrollment_id=503),
            ]
        )
        return create_homework(s, title, due_date=date(2026, 12, 1), group_name="중2A").id


def _page(qtbot: QtBot, ctx: AppContext, analyse: Callable[..., Any]) -> HomeworkPage:
    page = HomeworkPage(ctx, analyse=analyse)
    qtbot.addWidget(page)
    page.resize(1100, 900)
    page.show()
    return page


def _analyse(qtbot: QtBot, page: HomeworkPage, paths: list[Path]) -> None:
    with qtbot.waitSignal(page.batch.finished, timeout=20_000):
        assert page.add_paths(paths)
    qtbot.waitUntil(lambda: page.settled, timeout=10_000)


def _history(ctx: AppContext, sid: int) -> list[ReviewDecision]:
    with ctx.workspace.read() as s:
        rows = list(
            s.scalars(
                select(ReviewDecision)
                .where(ReviewDecision.submission_id == sid)
                .order_by(ReviewDecision.id)
            )
        )
        s.expunge_all()
        return rows


def _card_of(page: HomeworkPage, name: str) -> HomeworkCardWidget:
    return next(w for w in page.visible_cards() if w.card.original_name == name)


# ---------------------------------------------------------------------------- dialog


def test_new_homework_dialog_validates_inline_and_creates(qtbot: QtBot, ctx: AppContext) -> None:
    with ctx.workspace.write() as s:
        create_homework(s, "이미 있는 숙제")
    dialog = HomeworkDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.due_edit.calendarPopup()
    assert not dialog.error_label.isVisible()  # a fresh dialog says nothing wrong
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible() and "title" in dialog.error_label.text()
    dialog.title_edit.setText("이미 있는 숙제")
    dialog.server_edit.setText("abc")
    assert "whole number" in dialog.error_label.text()  # said as it is typed
    dialog.server_edit.setText("77")
    assert not dialog.error_label.isVisible()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)  # the store refuses the duplicate
    qtbot.waitUntil(lambda: "already exists" in dialog.error_label.text())
    assert dialog.isVisible()
    dialog.title_edit.setText("4단원 풀이")
    assert not dialog.error_label.isVisible()  # the store's complaint was about the old title
    dialog.due_edit.setDate(QDate(2026, 12, 24))
    dialog.class_edit.setText("중2A")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.saved_homework_id is not None
    with ctx.workspace.read() as s:
        hw = get_homework(s, dialog.saved_homework_id)
        assert (hw.title, hw.due_date, hw.group_name, hw.target_id) == (
            "4단원 풀이",
            date(2026, 12, 24),
            "중2A",
            77,
        )


def test_edit_dialog_loads_and_saves_changes(qtbot: QtBot, ctx: AppContext) -> None:
    hid = _homework(ctx)
    dialog = HomeworkDialog(ctx, homework_id=hid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.title_edit.text() == "3단원 풀이")
    assert dialog.due_edit.date() == QDate(2026, 12, 1)
    assert dialog.class_edit.text() == "중2A" and dialog.server_edit.text() == ""
    dialog.due_check.setChecked(False)  # no due date any more
    dialog.server_edit.setText("900")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    with ctx.workspace.read() as s:
        hw = get_homework(s, hid)
        assert (hw.due_date, hw.target_id) == (None, 900)


def test_sidebar_lists_homework_with_counts_and_creates_new(qtbot: QtBot, ctx: AppContext) -> None:
    _homework(ctx)
    section = HomeworkSidebarSection(ctx)
    qtbot.addWidget(section)
    with qtbot.waitSignal(section.loaded):
        section.refresh()
    assert section.list.count() == 1
    assert (
        "3단원 풀이" in section.list.item(0).text() and "2026-12-01" in section.list.item(0).text()
    )
    dialog = section.new_homework()
    dialog.title_edit.setText("새 숙제")
    with qtbot.waitSignal(section.homework_selected, timeout=5000) as selected:
        dialog.save()
    assert section.list.count() == 2
    assert selected.args is not None
    with ctx.workspace.read() as s:
        assert get_homework(s, selected.args[0]).title == "새 숙제"


# ------------------------------------------------------------------------ batch, cards


def test_drop_files_analyses_them_and_shows_cards(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    hid = _homework(ctx)
    fake = FakeAnalyse()
    page = _page(qtbot, ctx, fake)
    page.show_homework(hid)
    qtbot.waitUntil(lambda: page.summary is not None)
    assert page.cards.empty.isVisible() and "No files yet" in page.cards.empty.text()
    paths = _files(tmp_path / "in", ["20240101_a", "20240102_b", "nobody_c"])
    progress: list[float] = []
    page.batch.progress.connect(lambda f, _m: progress.append(f))
    _analyse(qtbot, page, paths)
    assert sorted(fake.calls) == ["20240101_a", "20240102_b", "nobody_c"]
    cards = page.visible_cards()
    # students by number, then the unmatched file
    assert [c.card.original_name for c in cards] == [
        "20240101_a.mp4",
        "20240102_b.mp4",
        "nobody_c.mp4",
    ]
    first, second, third = cards
    assert first.student.text() == "김민수 (20240101)"
    assert first.badge.text.text() == "Wrote" and first.badge.property("verdict") == "wrote"
    assert not first.to_check.isVisible()  # 0.93: sure
    assert second.to_check.isVisible()  # 0.6: a person looks
    assert third.student.text() == "No student" and third.pick_button.text() == "Pick student…"
    assert "confidence 93%" in first.details.text()
    assert first.reason.text() == "Ink grew."  # the English half
    assert page.batch_panel.summary is not None and page.batch_panel.summary.analysed == 3
    assert "3 files analysed" in page.batch_panel.title.text()
    assert page.filters.buttons["review"].text() == "To check (1)"
    assert page.filters.buttons["all"].text() == "All (3)"
    assert page.filters.buttons["unmatched"].text() == "No student (1)"
    # the chart and the key frames (loaded lazily, off the UI thread)
    assert first.chart.points[-1] == (20.0, 0.03) and len(first.chart.pages) == 2
    qtbot.waitUntil(lambda: len(first.frames.buttons) == 2, timeout=5000)
    assert [b.text() for b in first.frames.buttons] == ["p1 first 0:00", "p1 last 0:10"]
    viewer = page.cards.open_frame(first.card_id, first.frames.thumbs[1].frame_id)
    assert viewer is not None and viewer.caption.text() == "p1 last 0:10"
    qtbot.waitUntil(lambda: viewer.picture.image.height() == 60)  # the full picture
    viewer.close()

    # the filter shows only the cards to check
    with qtbot.waitSignal(page.cards_loaded):
        qtbot.mouseClick(page.filters.buttons["review"], Qt.MouseButton.LeftButton)
    assert [c.card.original_name for c in page.visible_cards()] == ["20240102_b.mp4"]

    # the same files again: nothing is analysed twice, and the panel says so
    fake.calls.clear()
    _analyse(qtbot, page, paths)
    assert fake.calls == []
    assert "nothing new to analyse" in page.batch_panel.title.text()


def test_confirm_override_and_undo_are_audited(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    hid = _homework(ctx)
    page = _page(qtbot, ctx, FakeAnalyse())
    page.show_homework(hid)
    _analyse(qtbot, page, _files(tmp_path / "in", ["20240101_a", "20240102_b"]))
    card = _card_of(page, "20240102_b.mp4")
    sid = card.card_id
    assert card.to_check.isVisible()

    # Confirm: the engine's verdict becomes the staff decision
    with qtbot.waitSignal(page.decided):
        qtbot.mouseClick(card.confirm_button, Qt.MouseButton.LeftButton)
    [d] = _history(ctx, sid)
    assert (d.field, d.new_value, d.decided_by) == ("verdict", "little_writing", STAFF)
    assert not card.to_check.isVisible()
    assert f"checked by {STAFF}" in card.details.text()
    assert page.filters.buttons["review"].text() == "To check (0)"

    # key 3 on the focused card: "no writing"
    card.setFocus()
    with qtbot.waitSignal(page.decided):
        qtbot.keyClick(card, Qt.Key.Key_3)
    assert _history(ctx, sid)[-1].new_value == "no_writing"
    assert card.badge.text.text() == "No writing"
    assert "the analysis said: Little writing" in card.details.text()

    # with a reason (the dialog)
    card.choose("wrote", "두 번째 장은 다른 파일에 있음")
    qtbot.waitUntil(lambda: len(_history(ctx, sid)) == 3)
    assert _history(ctx, sid)[-1].reason == "두 번째 장은 다른 파일에 있음"

    # Ctrl+Z undoes the card's last decision
    qtbot.waitUntil(lambda: card.undo_button.isEnabled())
    with qtbot.waitSignal(page.decided):
        qtbot.keyClick(card, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    rows = _history(ctx, sid)
    assert rows[-1].reason == f"undo #{rows[-2].id}" and rows[-1].new_value == "no_writing"
    assert card.badge.text.text() == "No writing"
    with ctx.workspace.read() as s:
        stored = s.get(Submission, sid)
        assert stored is not None and stored.verdict == "no_writing"  # the store is the truth


def test_keys_move_between_cards_to_check(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    hid = _homework(ctx)
    page = _page(qtbot, ctx, FakeAnalyse())
    page.show_homework(hid)
    _analyse(qtbot, page, _files(tmp_path / "in", ["20240101_a", "20240102_b", "nobody_c"]))
    first, second, third = page.visible_cards()
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_N)  # the next card to check: the second
    assert second.hasFocus() and second.property("current") is True
    assert first.property("current") is False
    qtbot.keyClick(second, Qt.Key.Key_Down)  # the next card
    assert third.hasFocus()
    qtbot.keyClick(third, Qt.Key.Key_P)
    assert second.hasFocus()
    # Enter confirms and goes on (no card after it to check: the focus stays)
    with qtbot.waitSignal(page.decided):
        qtbot.keyClick(second, Qt.Key.Key_Return)
    assert _history(ctx, second.card_id)[-1].new_value == "little_writing"


def test_pick_a_student_for_an_unmatched_file(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    hid = _homework(ctx)
    page = _page(qtbot, ctx, FakeAnalyse())
    page.show_homework(hid)
    _analyse(qtbot, page, _files(tmp_path / "in", ["nobody_c"]))
    [card] = page.visible_cards()
    qtbot.mouseClick(card.pick_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.decisions.picker is not None and page.decisions.picker.entries is not None
    )
    picker = page.decisions.picker
    assert picker is not None
    picker.search.setText("박지훈")
    assert picker.chosen_number() == "20240103"
    with qtbot.waitSignal(page.decided):
        picker.accept()
    assert card.student.text() == "박지훈 (20240103)"
    [d] = _history(ctx, card.card_id)
    assert (d.field, d.old_value, d.new_value, d.decided_by) == ("student", "", "20240103", STAFF)
    assert page.filters.buttons["unmatched"].text() == "No student (0)"


def test_ambiguous_file_name_offers_both_students_first(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    hid = _homework(ctx)
    with ctx.workspace.write() as s:
        s.add(Student(number="20240109", name="이서연", enrollment_id=509))
    page = _page(qtbot, ctx, FakeAnalyse())
    page.show_homework(hid)
    path = tmp_path / "in" / "이서연 photo_d.jpg"
    path.parent.mkdir()
    path.write_bytes(b"video photo_d " * 20)
    _analyse(qtbot, page, [path])
    [card] = page.visible_cards()
    assert card.card.student_id is None  # two students are called 이서연
    page.decisions.pick_student(card.card_id)
    qtbot.waitUntil(
        lambda: page.decisions.picker is not None and page.decisions.picker.results.count() == 2
    )
    assert page.decisions.picker is not None
    assert page.decisions.picker.search.text() == "이서연"
    assert (
        "20240102" in page.decisions.picker.intro.text()
        and "20240109" in page.decisions.picker.intro.text()
    )
    page.decisions.picker.reject()


def test_cancel_keeps_finished_cards_and_offers_resume(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    hid = _homework(ctx)
    fake = FakeAnalyse(hold="20240102_b")
    page = _page(qtbot, ctx, fake)
    page.show_homework(hid)
    paths = _files(tmp_path / "in", ["20240101_a", "20240102_b", "nobody_c"])
    assert page.add_paths(paths)
    assert fake.holding.wait(10)
    qtbot.waitUntil(lambda: "File 2 of 3: 20240102_b.mp4" in page.batch_panel.current.text())
    assert page.batch_panel.cancel_button.isVisible()
    assert "Analysing 3 files: 1 done" in page.batch_panel.title.text()
    # the fake reports half of the file
    qtbot.waitUntil(lambda: page.batch_panel.file_bar.value() == 50)
    with qtbot.waitSignal(page.batch.finished, timeout=10_000) as finished:
        qtbot.mouseClick(page.batch_panel.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args is not None and finished.args[0].cancelled
    assert finished.args[0].analysed == 1
    assert "Cancelled: 1 of 3" in page.batch_panel.title.text()
    qtbot.waitUntil(lambda: page.resume_bar.isVisible(), timeout=5000)
    assert page.resume_bar.button.text() == "Resume 2 unfinished files"
    qtbot.waitUntil(lambda: len(page.visible_cards()) == 3 and page.settled)
    names = {c.card.original_name: c for c in page.visible_cards()}
    assert names["20240101_a.mp4"].badge.text.text() == "Wrote"  # kept
    assert names["20240102_b.mp4"].badge.text.text() == "Not analysed yet"
    assert not names["20240102_b.mp4"].confirm_button.isEnabled()

    fake.hold = None
    with qtbot.waitSignal(page.batch.finished, timeout=10_000):
        qtbot.mouseClick(page.resume_bar.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.resume_bar.isVisible(), timeout=5000)
    with ctx.workspace.read() as s:
        summary = homework_summary(s, hid)
    assert summary.files == 3 and summary.pending == 0
    qtbot.waitUntil(lambda: names["20240102_b.mp4"].badge.text.text() == "Little writing")


def test_refused_file_shows_its_reason(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    hid = _homework(ctx)
    page = _page(qtbot, ctx, FakeAnalyse())
    page.show_homework(hid)
    notes = tmp_path / "in" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("x")
    _analyse(qtbot, page, [*_files(tmp_path / "in", ["20240101_a"]), notes])
    [text] = page.batch_panel.refused_texts()
    assert text.startswith("notes.txt: Not a homework video (mp4, mov) or picture")
    assert page.batch_panel.refused.isVisible()
    assert len(page.visible_cards()) == 1


def test_a_bad_pattern_is_said_inline_and_blocks_the_drop(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    assert check_pattern(r"(?P<number>\d+)_") is None
    assert check_pattern("(?P<number") == "invalid"
    assert check_pattern(r"\d+") == "group"
    hid = _homework(ctx)
    fake = FakeAnalyse()
    page = _page(qtbot, ctx, fake)
    page.show_homework(hid)
    page.file_pattern.edit.setText(r"\d+_")
    assert not page.add_paths(_files(tmp_path / "in", ["20240101_a"]))
    assert page.file_pattern.box.isVisible() and page.file_pattern.error.isVisible()
    assert "needs a group" in page.file_pattern.error.text()
    # a pattern that names the student: hw-<number>
    page.file_pattern.edit.setText(r"hw-(?P<number>\d+)")
    path = tmp_path / "in2" / "hw-20240103-nobody_c.mp4"
    path.parent.mkdir()
    path.write_bytes(b"video nobody_c " * 20)
    _analyse(qtbot, page, [path])
    [card] = page.visible_cards()
    assert card.card.student_number == "20240103"


# ---------------------------------------------------------------------------- the chart


def _near(color: QColor, expected: QColor, tolerance: int = 40) -> bool:
    got = (color.red(), color.green(), color.blue())
    want = (expected.red(), expected.green(), expected.blue())
    return all(abs(a - b) <= tolerance for a, b in zip(got, want, strict=True))


def test_timeline_chart_draws_ink_and_page_turns_where_expected(qtbot: QtBot) -> None:
    chart = WritingTimelineChart()
    qtbot.addWidget(chart)
    chart.resize(600, 260)
    chart.set_video(
        [(0.0, 0.0), (10.0, 0.02), (20.0, 0.02), (40.0, 0.04)],
        [
            {"page": 0, "start_s": 0.0, "end_s": 20.0},
            {"page": 1, "start_s": 30.0, "end_s": 40.0},
        ],
    )
    image: QImage = chart.grab().toImage()
    ratio = image.devicePixelRatio()

    def pixel(x: float, y: float) -> QColor:
        return image.pixelColor(QPoint(round(x * ratio), round(y * ratio)))

    def around(x: float, y: float) -> list[QColor]:  # antialiased lines: one pixel either way
        return [pixel(x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]

    # the ink line passes through its points
    for t, v in [(10.0, 0.02), (15.0, 0.02), (30.0, 0.03), (40.0 - 0.5, 0.04 - 0.02 * 0.5 / 20)]:
        pt = chart.point_at(t, v)
        assert any(_near(c, INK) for c in around(pt.x(), pt.y())), (t, v)
    # above the line: no ink colour; under it: the faded fill (not the background)
    above = chart.point_at(15.0, 0.035)
    assert not _near(pixel(above.x(), above.y()), INK)
    under = chart.point_at(15.0, 0.005)
    fill = pixel(under.x(), under.y())
    assert not _near(fill, INK, 20) and fill != chart.background()
    # the page turn at 30 s: a dashed line in the turn colour somewhere on that column
    x = chart.point_at(30.0, 0).x()
    plot = chart.plot_rect()
    column = [pixel(x, plot.top() + k) for k in range(2, int(plot.height() * 0.4))]
    assert any(_near(c, TURN) for c in column)
    # no turn colour at 20 s (the first page's end is not a turn)
    x20 = chart.point_at(20.0, 0).x()
    assert not any(_near(pixel(x20, plot.top() + k), TURN) for k in range(2, 40))
    assert "Page 2" in chart.tooltip_at(chart.point_at(35.0, 0.03))


def test_timeline_chart_photo_mode_draws_score_bars(qtbot: QtBot) -> None:
    chart = WritingTimelineChart()
    qtbot.addWidget(chart)
    chart.resize(400, 240)
    chart.set_photo(
        [
            {"index": 0, "writing_score": 0.8, "calculation_score": 0.5},
            {"index": 1, "writing_score": 0.1, "calculation_score": None},
        ]
    )
    image = chart.grab().toImage()
    ratio = image.devicePixelRatio()
    r = chart.bar_rect(0, 0)
    c = image.pixelColor(QPoint(round(r.center().x() * ratio), round(r.center().y() * ratio)))
    assert _near(c, INK, 10)
    top_of_short = chart.bar_rect(1, 0).top()
    assert top_of_short > r.top()  # 0.1 is lower than 0.8


# ----------------------------------------------------------------------- main window


def test_main_window_shows_the_homework_page_from_the_sidebar(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from academy_desktop.ui.main_window import MainWindow
    from ui.ui_helpers import make_exam

    exam_id = make_exam(ctx.workspace)
    hid = _homework(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    section = window.sidebar.homework
    qtbot.waitUntil(lambda: section.list.count() == 1)
    section.select_homework(hid)
    assert window.stack.currentWidget() is window.homework_page
    qtbot.waitUntil(lambda: "3단원 풀이" in window.homework_page.header.title.text())
    assert "2026-12-01" in window.homework_page.header.details.text()
    assert not window.homework_page.header.send_button.isEnabled()  # no files (or no homework sync)
    window.sidebar.select_exam(exam_id)
    assert window.stack.currentWidget() is window.exam_page
    assert section.current_homework_id() is None
    section.select_homework(hid)
    assert window.exam_id is None and window.sidebar.current_exam_id() is None
    assert window.stack.currentWidget() is window.homework_page
    window.close()


@pytest.mark.parametrize("verdict", ["wrote", "little_writing", "no_writing", "unreadable", None])
def test_verdict_icons_differ_by_shape_not_only_colour(verdict: str | None) -> None:
    from academy_desktop.ui.homework.verdicts import verdict_pixmap

    gray = [
        verdict_pixmap(v, 16).toImage().convertToFormat(QImage.Format.Format_Grayscale8)
        for v in ("wrote", "little_writing", "no_writing", "unreadable", None)
    ]
    mine = verdict_pixmap(verdict, 16).toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    assert sum(g == mine for g in gray) == 1  # unique even without colour


def test_forty_cards_build_and_scroll_without_stalling(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    """Cards are built a few at a time and pictures load off the UI thread: the event
    loop never stalls for long while 40 cards appear and the list is scrolled."""
    import time

    from PySide6.QtCore import QTimer

    from academy_desktop.store import homework_batch

    hid = _homework(ctx)
    stems = [f"{k}_{i:02d}" for i in range(10) for k in VERDICTS]
    paths = []
    folder = tmp_path / "many"
    folder.mkdir()
    for stem in stems:
        p = folder / f"{stem}.mp4"
        p.write_bytes(f"video {stem} ".encode() * 20)
        paths.append(p)
    batch = homework_batch.prepare(ctx.workspace, hid, paths)
    list(homework_batch.run(ctx.workspace, batch, analyse=FakeAnalyse()))

    page = _page(qtbot, ctx, FakeAnalyse())
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    page.show_homework(hid)
    qtbot.waitUntil(lambda: len(page.visible_cards()) == 40 and page.settled, timeout=20_000)
    bar = page.scroll_area.verticalScrollBar()
    for k in range(1, 11):
        bar.setValue(bar.maximum() * k // 10)
        qtbot.wait(30)
    last_card = page.visible_cards()[-1]
    qtbot.waitUntil(lambda: len(last_card.frames.buttons) == 2, timeout=10_000)
    timer.stop()
    assert max(gaps[1:]) < 0.1, f"longest stall {max(gaps[1:]) * 1000:.0f} ms"


def test_send_to_server_marks_the_homework_through_the_sync_controller(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outbox calls are the sync package's (stood in for here); the page enables the
    action once the homework has its server id, and reports what went into the outbox."""
    from types import SimpleNamespace

    from academy_desktop.store.homework import update_homework
    from academy_desktop.sync import outbox
    from academy_desktop.ui.main_window import MainWindow

    hid = _homework(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.homework_page
    page.batch.analyse = FakeAnalyse()
    window.sidebar.homework.refresh()
    qtbot.waitUntil(lambda: window.sidebar.homework.list.count() == 1)
    window.sidebar.homework.select_homework(hid)
    _analyse(qtbot, page, _files(tmp_path / "in", ["20240101_a", "nobody_c"]))
    # no server homework id yet: the action waits for it and says why
    qtbot.waitUntil(lambda: page.summary is not None and page.summary.files == 2)
    assert not page.header.send_button.isEnabled()
    assert "homework id" in page.header.send_button.toolTip()
    with ctx.workspace.write() as s:
        update_homework(s, hid, target_id=31)
    page.reload()
    qtbot.waitUntil(lambda: page.summary is not None and page.summary.target_id == 31)
    marked: list[int] = []
    sent: list[list[int]] = []

    def mark(_session: object, homework_id: int) -> SimpleNamespace:
        marked.append(homework_id)
        return SimpleNamespace(added=2, held=1, already=0, skipped=0)

    monkeypatch.setattr(outbox, "mark_homework_ready", mark)

    def send_now(_session: object, ids: list[int]) -> int:
        sent.append(sorted(ids))
        return len(ids)

    monkeypatch.setattr(outbox, "send_now", send_now)
    page.update_send()
    assert page.header.send_button.isEnabled()
    page.header.send_button.click()
    qtbot.waitUntil(lambda: not page.header.send_status.isHidden())
    assert marked == [hid] and len(sent) == 1 and len(sent[0]) == 2
    assert page.header.send_status.text() == "2 files put in the outbox; 1 held until checked."
    window.close()
