"""The typed settings file (no Qt): defaults, upgrades, broken files, normalisation."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from academy_desktop import settings as settings_mod
from academy_desktop.settings import VERSION, Settings, default_jobs, load, save, upgrade


def test_defaults_without_a_file(tmp_path: Path) -> None:
    s = load(tmp_path / "settings.json")
    assert s == Settings()
    assert s.language == "ko" and s.staff_name == "" and s.workspace == ""
    assert s.pdf_dpi == 200 and s.server_url == "" and s.auto_send is False
    assert 1 <= s.jobs <= 4 and s.jobs == default_jobs()
    assert s.version == VERSION
    assert not (tmp_path / "settings.json").exists()  # loading never writes


def test_round_trip_is_atomic_and_keeps_hangul(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "settings.json"
    s = Settings(
        staff_name="김선생",
        language="en",
        workspace=str(tmp_path / "ws"),
        jobs=3,
        pdf_dpi=300,
        server_url="https://academy.example.com",
        auto_send=True,
    )
    assert save(s, path) == path
    assert load(path) == s
    assert "김선생" in path.read_text(encoding="utf-8")  # not \\uXXXX escapes
    assert not path.with_name("settings.json.tmp").exists()


def test_version_1_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"version": 1, "reviewer": "박선생", "language": "en", "jobs": 2}),
        encoding="utf-8",
    )
    s = load(path)
    assert s.staff_name == "박선생"  # v1 called it "reviewer"
    assert s.pdf_dpi == 200  # v1 had no PDF resolution
    assert (s.language, s.jobs, s.version) == ("en", 2, VERSION)
    # a file without a version is a version 1 file
    assert upgrade({"reviewer": "a"})["staff_name"] == "a"
    # an explicit staff_name wins over the old key
    assert upgrade({"version": 1, "reviewer": "old", "staff_name": "new"})["staff_name"] == "new"


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'"text"',
        json.dumps({"version": "x"}).encode(),
        b"\xff\xfe{}",  # not UTF-8
    ],
)
def test_broken_file_is_kept_aside(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    original = path.read_bytes()
    assert load(path) == Settings()
    assert not path.exists()
    assert path.with_name("settings.json.bad").read_bytes() == original
    # the next save writes a good file again
    save(Settings(staff_name="x"), path)
    assert load(path).staff_name == "x"


def test_values_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "version": VERSION,
                "staff_name": "  " + "가" * 150 + "  ",
                "language": "fr",
                "workspace": None,
                "jobs": "many",
                "pdf_dpi": 240,
                "server_url": "  https://a.example  ",
                "auto_send": 1,
                "unknown_option": True,  # from a newer version: ignored
            }
        ),
        encoding="utf-8",
    )
    s = load(path)
    assert s.staff_name == "가" * 100
    assert s.language == "ko"
    assert s.workspace == ""
    assert s.jobs == default_jobs()
    assert s.pdf_dpi == 200  # the nearest choice
    assert s.server_url == "https://a.example"
    assert s.auto_send is True
    assert "unknown_option" not in asdict(s)


@pytest.mark.parametrize(
    ("jobs", "expected"), [(0, 1), (-5, 1), (1, 1), (7, 7), (99, 16), ("3", 3), (None, None)]
)
def test_jobs_range(jobs: object, expected: int | None) -> None:
    s = Settings(jobs=jobs).normalised()  # type: ignore[arg-type]
    assert s.jobs == (default_jobs() if expected is None else expected)


@pytest.mark.parametrize(
    ("dpi", "expected"), [(72, 150), (150, 150), (199, 200), (260, 300), (600, 300), ("x", 200)]
)
def test_pdf_dpi_snaps_to_a_choice(dpi: object, expected: int) -> None:
    assert Settings(pdf_dpi=dpi).normalised().pdf_dpi == expected  # type: ignore[arg-type]


def test_config_folder_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings_mod.CONFIG_ENV, str(tmp_path / "cfg"))
    assert settings_mod.settings_path() == tmp_path / "cfg" / "settings.json"
    save(Settings(staff_name="기본 경로"))
    assert load().staff_name == "기본 경로"
    assert settings_mod.workspace_folder(Settings()) is None
    assert settings_mod.workspace_folder(Settings(workspace="~/ws")) == Path.home() / "ws"


def test_version_3_files_get_the_homework_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"version": 3, "staff_name": "박선생", "sync_max_attempts": 7}),
        encoding="utf-8",
    )
    s = load(path)
    assert (s.staff_name, s.sync_max_attempts, s.version) == ("박선생", 7, VERSION)
    assert (s.homework_ocr, s.homework_model) == (True, "")
    assert s.homework_options() == {"ocr": True, "model_path": None}
    s.homework_model = " /models/q.onnx "
    assert s.normalised().homework_options()["model_path"] == "/models/q.onnx"
