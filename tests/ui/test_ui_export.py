"""Export from the window: a valid workbook, the save dialog's default name, "Open
containing folder", and errors in plain words."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from academy_desktop.store.database import Workspace
from academy_desktop.store.export import ExportSummary
from academy_desktop.ui import export_actions as export_module
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.export_actions import ExportActions, safe_file_name
from ui.ui_helpers import grade_exam

EXAM = "4월 평가"
TEMPLATE = "resources/templates/kr-20q-5c-id8.json"
KEY = "resources/samples/kr-20q-key.json"
SAMPLES = [1, 2, 3, 4]


def grade(ws: Workspace, repo_root: Path, samples: list[int]) -> int:
    return grade_exam(ws, EXAM, samples)


@pytest.fixture
def graded(ctx: AppContext, repo_root: Path) -> int:
    return grade(ctx.workspace, repo_root, SAMPLES)


def make_actions(qtbot: QtBot, ctx: AppContext, exam_id: int | None) -> ExportActions:
    window = QWidget()
    qtbot.addWidget(window)
    actions = ExportActions(ctx, window)
    actions.set_exam(exam_id)
    return actions


def button(box: QMessageBox, text: str) -> QPushButton:
    for b in box.buttons():
        if isinstance(b, QPushButton) and b.text() == text:
            return b
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def test_excel_export_writes_a_valid_workbook_and_opens_its_folder(
    qtbot: QtBot,
    ctx: AppContext,
    graded: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    actions = make_actions(qtbot, ctx, graded)
    out = tmp_path / "내보내기" / "결과.xlsx"
    out.parent.mkdir()
    with qtbot.waitSignal(actions.exported, timeout=20_000) as signal:
        actions.export_to("xlsx", out)
    summary = signal.args[0]
    assert isinstance(summary, ExportSummary) and summary.rows == len(SAMPLES)

    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["요약 - Summary", "결과 - Results", "문항 통계 - Questions"]
    rows = list(wb["결과 - Results"].iter_rows(values_only=True))
    wb.close()
    assert len(rows) == 1 + len(SAMPLES)  # the header, then one row per sheet
    assert {r[2] for r in rows[1:]} == {f"2025000{i}" for i in SAMPLES}
    assert not list(out.parent.glob("*.partial"))

    box = actions.last_message
    assert box is not None and box.icon() == QMessageBox.Icon.Information
    assert "Saved 4 sheets" in box.text() and "결과.xlsx" in box.text()
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    button(box, "Open containing folder").click()
    assert [Path(u.toLocalFile()) for u in opened] == [out.parent]
    assert actions.excel_action.isEnabled()


def test_save_dialog_suggests_title_and_date(
    qtbot: QtBot,
    ctx: AppContext,
    graded: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    actions = make_actions(qtbot, ctx, graded)
    actions.last_folder = tmp_path
    asked: list[str] = []

    def save_name(_parent: object, _caption: str, start: str, _filter: str) -> tuple[str, str]:
        asked.append(start)
        return str(tmp_path / "학생 성적"), _filter  # typed without the suffix

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    with qtbot.waitSignal(actions.exported, timeout=20_000):
        actions.excel_action.trigger()
    today = dt.date.today().isoformat()
    assert asked == [str(tmp_path / f"{EXAM} {today}.xlsx")]
    assert (tmp_path / "학생 성적.xlsx").is_file()

    # cancelling the dialog exports nothing
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    assert actions.export("xlsx") is None


def test_csv_and_jsonl(qtbot: QtBot, ctx: AppContext, graded: int, tmp_path: Path) -> None:
    actions = make_actions(qtbot, ctx, graded)
    with qtbot.waitSignal(actions.exported, timeout=20_000):
        actions.export_to("csv", tmp_path / "r.csv")
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert len(text.splitlines()) == 1 + len(SAMPLES)
    with qtbot.waitSignal(actions.exported, timeout=20_000):
        actions.export_to("jsonl", tmp_path / "r.jsonl")
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert sorted(r["student_id"] for r in records) == [f"2025000{i}" for i in SAMPLES]


def test_file_open_in_excel_is_explained(
    qtbot: QtBot,
    ctx: AppContext,
    graded: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "open.xlsx"
    out.write_bytes(b"held by Excel")

    def locked(*_args: object) -> None:  # what Windows says when Excel holds the file
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(export_module, "export_exam", locked)
    actions = make_actions(qtbot, ctx, graded)
    with qtbot.waitSignal(actions.failed, timeout=20_000) as signal:
        actions.export_to("xlsx", out)
    text = signal.args[0]
    assert "Close the file in Excel and try again" in text and "open.xlsx" in text
    box = actions.last_message
    assert box is not None and box.icon() == QMessageBox.Icon.Warning and box.text() == text
    assert out.read_bytes() == b"held by Excel"
    assert actions.excel_action.isEnabled()  # ready to try again


def test_error_texts(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    actions = make_actions(qtbot, ctx, None)
    missing = tmp_path / "nowhere" / "x.xlsx"
    assert "Choose another folder" in actions.error_text(PermissionError(13, "denied"), missing)
    assert "disk is full" in actions.error_text(OSError(28, "No space left"), missing)
    assert actions.error_text(LookupError("x"), missing) == "This exam no longer exists."
    # a bilingual store message shows one language
    text = actions.error_text(ValueError("잘못된 형식 / bad format"), missing)
    assert text == "The export failed: bad format"


def test_actions_need_an_exam(qtbot: QtBot, ctx: AppContext, graded: int) -> None:
    actions = make_actions(qtbot, ctx, None)
    assert not any(a.isEnabled() for a in actions.actions())
    assert actions.export("xlsx") is None
    actions.set_exam(graded)
    assert all(a.isEnabled() for a in actions.actions())
    assert actions.default_file_name("csv").endswith(".csv")


def test_safe_file_name() -> None:
    assert safe_file_name('3/4 "모의" 고사: A?') == "3_4 _모의_ 고사_ A_"
    assert safe_file_name("...") == "export"
