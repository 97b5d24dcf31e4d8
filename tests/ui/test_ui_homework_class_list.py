"""The homework page's class list: "Export class list…" (the file, its rows, the save
dialog's default, a failure in plain words), the "n not submitted" count in the header,
and the main window's question when closing during a homework batch."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from academy_desktop.store.homework import create_homework
from academy_desktop.store.homework_export import homework_rows, missing_students
from academy_desktop.store.models import Student
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework import class_list
from academy_desktop.ui.homework.page import HomeworkPage
from ui.test_ui_homework import FakeAnalyse, _analyse, _files

TITLE = "3단원: 풀이"  # the ":" cannot be in a Windows file name


def _class_homework(ctx: AppContext, group: str | None = "중2A") -> int:
    """Three students of 중2A and one of another class; the homework is for 중2A."""
    with ctx.workspace.write() as s:
        s.add_all(
            [
                Student(number="20240101", name="김민수", class_name="중2A", enrollment_id=501),
                Student(number="20240102", name="이서연", class_name="중2A", enrollment_id=502),
                Student(number="20240103", name="박지훈", class_name="중2A", enrollment_id=503),
                Student(number="20240201", name="최유나", class_name="중2B", enrollment_id=601),
            ]
        )
        return create_homework(s, TITLE, due_date=date(2026, 12, 1), group_name=group).id


def _page(qtbot: QtBot, ctx: AppContext) -> HomeworkPage:
    page = HomeworkPage(ctx, analyse=FakeAnalyse())
    qtbot.addWidget(page)
    page.resize(1100, 900)
    page.show()
    return page


def _button(box: QMessageBox, text: str) -> QPushButton:
    for b in box.buttons():
        if isinstance(b, QPushButton) and b.text() == text:
            return b
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def test_export_button_saves_the_class_list_with_who_did_not_hand_in(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hid = _class_homework(ctx)
    page = _page(qtbot, ctx)
    page.show_homework(hid)
    _analyse(qtbot, page, _files(tmp_path / "in", ["20240101_a", "nobody_c"]))
    assert page.header.export_button.isEnabled()
    assert page.header.export_button.text() == "Export class list…"

    folder = tmp_path / "out"
    folder.mkdir()
    page.class_list.files.last_folder = folder
    asked: list[tuple[str, str]] = []

    def save_name(_parent: object, _caption: str, start: str, filters: str) -> tuple[str, str]:
        asked.append((start, filters))
        return str(folder / "숙제 명단"), filters.split(";;")[0]  # typed without a suffix

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    with qtbot.waitSignal(page.class_list.exported, timeout=10_000) as signal:
        page.header.export_button.click()
    [(start, filters)] = asked
    assert start == str(folder / "3단원_ 풀이.xlsx")  # the title, Excel by default
    assert filters.split(";;") == ["Excel workbook (*.xlsx)", "CSV file (*.csv)"]
    out = folder / "숙제 명단.xlsx"
    assert signal.args == [4, out]  # three students of the class, then the unmatched file

    wb = load_workbook(out, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert TITLE in str(rows[0][0])
    body = [(r[0], r[1], r[3]) for r in rows[2:]]
    assert body == [
        ("20240101", "김민수", "했음 / wrote"),
        ("20240102", "이서연", "미제출 / not submitted"),
        ("20240103", "박지훈", "미제출 / not submitted"),
        (None, None, "안 함 / no writing"),  # nobody_c.mp4, no student
    ]

    # "Export finished" offers the folder
    box = page.class_list.files.last_message
    assert box is not None and box.icon() == QMessageBox.Icon.Information
    assert "4 rows" in box.text() and "숙제 명단.xlsx" in box.text()
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    _button(box, "Open containing folder").click()
    assert [Path(u.toLocalFile()) for u in opened] == [folder]

    # CSV when the CSV filter is chosen; cancelling writes nothing
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda _p, _c, _s, filters: (str(folder / "명단"), filters.split(";;")[1]),
    )
    with qtbot.waitSignal(page.class_list.exported, timeout=10_000):
        assert page.export_class_list() is not None
    with (folder / "명단.csv").open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert [line[3] for line in lines[1:]][:3] == [
        "했음 / wrote",
        "미제출 / not submitted",
        "미제출 / not submitted",
    ]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    assert page.export_class_list() is None


def test_export_failure_is_said_in_plain_words(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hid = _class_homework(ctx)
    page = _page(qtbot, ctx)
    page.show_homework(hid)
    qtbot.waitUntil(lambda: page.summary is not None)
    out = tmp_path / "명단.xlsx"
    out.write_bytes(b"held by Excel")

    def locked(*_args: object) -> int:  # what Windows says when Excel holds the file
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(class_list.homework_export, "export_homework", locked)
    with qtbot.waitSignal(page.class_list.failed, timeout=10_000) as signal:
        page.class_list.export_to(hid, "xlsx", out)
    text = signal.args[0]
    assert "Close the file in Excel and try again" in text and "명단.xlsx" in text
    box = page.class_list.files.last_message
    assert box is not None and box.icon() == QMessageBox.Icon.Warning and box.text() == text
    assert out.read_bytes() == b"held by Excel"
    assert page.header.export_button.isEnabled()  # ready to try again

    # a store refusal shows its English half
    monkeypatch.setattr(
        class_list.homework_export,
        "export_homework",
        lambda *_a: (_ for _ in ()).throw(ValueError("알 수 없는 형식 / unknown format")),
    )
    with qtbot.waitSignal(page.class_list.failed, timeout=10_000) as signal:
        page.class_list.export_to(hid, "xlsx", tmp_path / "x.xlsx")
    assert signal.args[0] == "The export failed: unknown format"


def test_header_counts_the_students_who_have_not_handed_in(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    hid = _class_homework(ctx)
    page = _page(qtbot, ctx)
    page.show_homework(hid)
    qtbot.waitUntil(lambda: page.summary is not None)
    label = page.header.not_submitted
    assert label.isVisible() and label.text() == "3 not submitted"
    _analyse(qtbot, page, _files(tmp_path / "in", ["20240101_a", "nobody_c"]))
    assert label.text() == "2 not submitted"
    assert "중2A" in label.toolTip()
    assert "이서연 (20240102)" in label.toolTip() and "김민수" not in label.toolTip()
    assert "최유나" not in label.toolTip()  # another class

    # the same students the export lists as not submitted
    with ctx.workspace.read() as s:
        missing = missing_students(s, hid)
        rows = [r for r in homework_rows(s, hid) if r.card is None]
    assert missing is not None and missing.students == 3
    assert missing.names == [f"{r.name} ({r.number})" for r in rows]

    # picking a student for the unmatched file: one fewer is missing; undo: back again
    [nobody] = [w for w in page.visible_cards() if w.card.student_id is None]
    with qtbot.waitSignal(page.decided):
        page.decisions.decide(nobody.card_id, "student", "20240103")
    qtbot.waitUntil(lambda: label.text() == "1 not submitted")
    assert "박지훈" not in label.toolTip() and "이서연" in label.toolTip()
    with qtbot.waitSignal(page.decided):
        page.decisions.decide(nobody.card_id, "undo")
    qtbot.waitUntil(lambda: label.text() == "2 not submitted")
    with qtbot.waitSignal(page.decided):
        page.decisions.decide(nobody.card_id, "student", "20240103")
    qtbot.waitUntil(lambda: label.text() == "1 not submitted")
    # the last one hands in
    _analyse(qtbot, page, _files(tmp_path / "in2", ["20240102_b"]))
    assert label.text() == "Every student of the class has handed in (3)."


@pytest.mark.parametrize("group", [None, "고1"])
def test_no_count_without_a_class_or_its_students(
    qtbot: QtBot, ctx: AppContext, group: str | None
) -> None:
    hid = _class_homework(ctx, group)
    page = _page(qtbot, ctx)
    page.show_homework(hid)
    qtbot.waitUntil(lambda: page.summary is not None)
    assert not page.header.not_submitted.isVisible()
    with ctx.workspace.read() as s:
        missing = missing_students(s, hid)
    assert (missing is None) == (group is None)
    assert missing is None or missing.students == 0


def test_closing_during_a_homework_batch_asks_about_the_homework(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from academy_desktop.ui.main_window import MainWindow

    hid = _class_homework(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.homework_page
    fake = FakeAnalyse(hold="20240101_a")
    page.batch.analyse = fake
    window.select_homework(hid)
    assert page.add_paths(_files(tmp_path / "in", ["20240101_a"]))
    assert fake.holding.wait(10)
    asked: list[str] = []

    def question(_parent: QWidget, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    window.close()
    assert asked and asked[0].startswith("Homework files are still being analysed.")
    assert "The files finished so far are kept." in asked[0]
    assert window.isVisible() and page.batch.running  # "No": the window stays
    with qtbot.waitSignal(page.batch.finished, timeout=10_000):
        page.batch.cancel()
    window.close()
