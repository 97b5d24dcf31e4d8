"""The window speaks Korean by default: every UI string goes through Qt's translation
system, the Korean catalogue covers all of them, and the compiled .qm is current."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT

UI = REPO_ROOT / "academy_desktop" / "ui"
# Qt calls that put text on screen
TEXT_CALLS = {
    "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "setStatusTip",
    "setTitle", "addMenu", "setTabText", "addTab", "setHorizontalHeaderLabels",
    "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction",
    "information", "warning", "critical", "question", "about", "setWhatsThis",
}  # fmt: skip
LOGGERS = {"log", "logger", "logging", "_log"}
LETTERS = re.compile(r"[A-Za-z\uac00-\ud7a3]{2,}")
NOT_WORDS = re.compile(r"<[^>]*>|https?://\S+")  # markup and example addresses


def _i18n_tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", REPO_ROOT / ".ci" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


def _literal_texts(path: Path) -> list[str]:
    """String literals with words passed straight to a text-showing Qt call."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in TEXT_CALLS:
            continue
        owner = func.value if isinstance(func, ast.Attribute) else None
        if isinstance(owner, ast.Name) and owner.id in LOGGERS:
            continue  # log.warning(...) is for the log file, not the screen
        for arg in node.args:
            parts = [arg] if isinstance(arg, ast.Constant) else []
            if isinstance(arg, ast.JoinedStr):
                parts = [v for v in arg.values if isinstance(v, ast.Constant)]
            for part in parts:
                if isinstance(part.value, str) and LETTERS.search(NOT_WORDS.sub("", part.value)):
                    found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: {part.value!r}")
    return found


def test_no_ui_text_bypasses_the_translation_system() -> None:
    found = [hit for path in sorted(UI.rglob("*.py")) for hit in _literal_texts(path)]
    # the app's own name is the same in every language
    found = [hit for hit in found if "'Academy Desktop'" not in hit]
    assert found == []


@pytest.mark.slow
def test_the_korean_catalogue_is_complete_and_compiled() -> None:
    assert _i18n_tool().check() == []


def test_the_korean_catalogue_loads_and_translates(qapp: object) -> None:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from academy_desktop.ui.app import install_translations
    from academy_desktop.ui.text import current_language, localized

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        assert len(install_translations(app, "ko")) == 2  # ours and Qt's qtbase_ko
        assert current_language() == "ko"
        assert QCoreApplication.translate("MainWindow", "Offline") == "오프라인"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"
        assert localized("답안지를 찾을 수 없습니다 / No such sheet") == "답안지를 찾을 수 없습니다"
    finally:
        assert install_translations(app, "en") == []
    assert current_language() == "en"
    assert localized("답안지를 찾을 수 없습니다 / No such sheet") == "No such sheet"


@pytest.mark.parametrize(
    ("message", "ko", "en"),
    [
        ("답안지를 찾을 수 없습니다 / No such sheet", "답안지를 찾을 수 없습니다", "No such sheet"),
        (
            "학생6(20250006)의 수강 ID가 없습니다 / Student 학생6 (20250006) has no enrollment_id",
            "학생6(20250006)의 수강 ID가 없습니다",
            "Student 학생6 (20250006) has no enrollment_id",
        ),
        ("경로 a/b / 파일 없음 / Path a/b missing", "경로 a/b / 파일 없음", "Path a/b missing"),
        ("오류 / Error: a / b", "오류", "Error: a / b"),
        ("no Korean / here", "no Korean / here", "no Korean / here"),
    ],
)
def test_bilingual_messages_split_where_the_korean_half_ends(
    message: str, ko: str, en: str
) -> None:
    from academy_desktop.ui.text import localized

    assert localized(message, "ko") == ko
    assert localized(message, "en") == en
