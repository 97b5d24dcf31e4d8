"""The settings dialog: values round-trip through the settings file, the server
address is checked, a new workspace folder waits for a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from academy_desktop import settings as settings_mod
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.settings_dialog import SettingsDialog, server_url_problem


def open_dialog(qtbot: QtBot, ctx: AppContext) -> SettingsDialog:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    return dialog


def dialog_button(dialog: SettingsDialog, which: str = "Ok") -> QPushButton:
    button = dialog.buttons.button(getattr(QDialogButtonBox.StandardButton, which))
    assert isinstance(button, QPushButton)
    return button


def test_round_trip(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.staff_edit.text() == "검토자"
    assert dialog.language_combo.currentData() == "ko"
    dialog.staff_edit.setText("  김선생 ")
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    dialog.jobs_spin.setValue(1)
    dialog.dpi_combo.setCurrentIndex(dialog.dpi_combo.findData(300))
    dialog.server_edit.setText("https://academy.example.com")
    dialog.auto_send_check.setChecked(True)
    with (
        qtbot.waitSignal(ctx.signals.settings_changed, timeout=2000),
        qtbot.waitSignal(dialog.language_changed, timeout=2000) as lang,
    ):
        dialog_button(dialog).click()
    assert lang.args == ["en"]
    assert dialog.result() == QDialog.DialogCode.Accepted

    # in memory, in the workspace's audit name, and on disk
    assert ctx.settings.staff_name == "김선생" and ctx.staff == "김선생"
    assert ctx.workspace.staff == "김선생"
    assert ctx.settings_path is not None
    saved = settings_mod.load(ctx.settings_path)
    assert (saved.staff_name, saved.language, saved.pdf_dpi, saved.jobs) == ("김선생", "en", 300, 1)
    assert saved.server_url == "https://academy.example.com" and saved.auto_send

    # reopened, the dialog shows the saved values
    again = open_dialog(qtbot, ctx)
    assert again.staff_edit.text() == "김선생"
    assert again.language_combo.currentData() == "en"
    assert again.dpi_combo.currentData() == 300
    assert again.server_edit.text() == "https://academy.example.com"
    assert again.auto_send_check.isChecked()


def test_cancel_keeps_everything(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.staff_edit.setText("다른 사람")
    with qtbot.assertNotEmitted(ctx.signals.settings_changed):
        dialog_button(dialog, "Cancel").click()
    assert ctx.settings.staff_name == "검토자"
    assert ctx.settings_path is not None and not ctx.settings_path.exists()


def test_unchanged_language_sends_no_language_signal(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.staff_edit.setText("새 이름")
    with qtbot.assertNotEmitted(dialog.language_changed):
        dialog.accept()
    assert ctx.settings.staff_name == "새 이름"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("", True),
        ("https://academy.example.com", True),
        ("https://academy.example.com:8443/api/", True),
        ("http://localhost:8000", True),
        ("http://127.0.0.1:8000/", True),
        ("http://academy.example.com", False),  # results never travel unencrypted
        ("ftp://academy.example.com", False),
        ("academy.example.com", False),
        ("https://", False),
        ("https://exa mple.com", False),
        ("https://example.com:99999", False),
    ],
)
def test_server_address_is_checked(qtbot: QtBot, ctx: AppContext, url: str, ok: bool) -> None:
    assert (server_url_problem(url) is None) is ok
    dialog = open_dialog(qtbot, ctx)
    dialog.server_edit.setText(url)
    assert dialog_button(dialog).isEnabled() is ok
    assert dialog.server_error.isHidden() is ok
    if not ok:
        with qtbot.assertNotEmitted(ctx.signals.settings_changed):
            dialog.accept()
        assert ctx.settings.server_url == ""


def test_workspace_folder_applies_on_restart(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.workspace_note.isHidden()
    assert "Default:" in dialog.workspace_edit.toolTip()
    folder = str(tmp_path / "새 작업 공간")
    dialog.set_workspace_folder(folder)
    assert not dialog.workspace_note.isHidden()
    assert "next time" in dialog.workspace_note.text()
    opened = ctx.workspace.folder
    with qtbot.waitSignal(dialog.workspace_changed, timeout=2000) as changed:
        dialog.accept()
    assert changed.args == [folder]
    assert ctx.settings.workspace == folder
    assert ctx.workspace.folder == opened  # the open workspace stays until restart
    # back to the default folder
    dialog = open_dialog(qtbot, ctx)
    dialog.default_button.click()
    assert dialog.workspace_edit.text() == "" and not dialog.workspace_note.isHidden()
    dialog.accept()
    assert ctx.settings.workspace == ""


def test_jobs_are_limited_to_the_cpus(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.jobs_spin.minimum() == 1
    assert 1 <= dialog.jobs_spin.maximum() <= 16
    dialog.jobs_spin.setValue(1000)
    assert dialog.values().jobs == dialog.jobs_spin.maximum()


def test_homework_settings_reach_the_analysis(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    from academy_desktop.ui.homework.batch_panel import HomeworkBatchController

    dialog = open_dialog(qtbot, ctx)
    assert dialog.ocr_check.isChecked() and dialog.model_edit.text() == ""
    dialog.ocr_check.setChecked(False)
    dialog.model_edit.setText(str(tmp_path / "questions.onnx"))
    with qtbot.waitSignal(ctx.signals.settings_changed, timeout=2000):
        dialog_button(dialog).click()
    assert ctx.settings_path is not None
    saved = settings_mod.load(ctx.settings_path)
    assert (saved.homework_ocr, saved.homework_model) == (False, str(tmp_path / "questions.onnx"))

    # a homework batch passes them to the analysis
    seen: dict[str, object] = {}

    def analyse(path: Path, *, task: object = None, **options: object) -> dict[str, object]:
        seen.update(options)
        return {"source": "homework_video", "verdict": "wrote", "confidence": 0.9}

    from academy_desktop.store.homework import create_homework

    with ctx.workspace.write() as s:
        hid = create_homework(s, "설정 숙제").id
    (tmp_path / "a.mp4").write_bytes(b"video")
    controller = HomeworkBatchController(ctx, analyse=analyse)
    with qtbot.waitSignal(controller.finished, timeout=10000):
        assert controller.start(hid, [tmp_path / "a.mp4"])
    assert seen == {"ocr": False, "model_path": str(tmp_path / "questions.onnx")}
