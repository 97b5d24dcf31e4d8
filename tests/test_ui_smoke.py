"""The minimal window starts offscreen and answers a drop honestly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from academy_desktop import __version__
from academy_desktop.ui.app import DROP_TEXT, MainWindow, install_translations


def test_window_title_version_and_drop_zone(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "Academy Desktop"
    assert __version__ in window.version_label.text()
    assert window.drop_zone.label.text() == DROP_TEXT
    assert "끌어다 놓으세요" in DROP_TEXT and "Drop scans or folders here" in DROP_TEXT
    assert window.drop_zone.acceptDrops()
    assert window.message_label.text() == ""


def test_dropping_files_explains_what_works_today(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    scans = [tmp_path / "a.jpg", tmp_path / "b.pdf"]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in scans])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.drop_zone.dropEvent(event)
    text = window.message_label.text()
    assert event.isAccepted()
    assert "2" in text
    assert "main.py grade" in text
    assert "데스크톱 앱" in text and "desktop-app release" in text


def test_korean_system_loads_qt_korean_strings(qapp: QApplication) -> None:
    assert install_translations(qapp, QLocale(QLocale.Language.English)) is None
    translator = install_translations(qapp, QLocale(QLocale.Language.Korean))
    assert translator is not None
    try:
        assert translator.translate("QPlatformTheme", "Cancel") == "취소"
    finally:
        qapp.removeTranslator(translator)
