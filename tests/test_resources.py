"""The resource locator: source tree, environment override and a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import academy_desktop
from academy_desktop import resources
from academy_desktop.resources import (
    MODELS_ENV,
    RESOURCES_ENV,
    migrations_path,
    models_path,
    resource_path,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RESOURCES_ENV, raising=False)
    monkeypatch.delenv(MODELS_ENV, raising=False)


def test_source_tree_layout() -> None:
    assert resource_path() == REPO_ROOT / "resources"
    assert resource_path("templates", "x.json") == REPO_ROOT / "resources" / "templates" / "x.json"
    assert models_path("m.onnx") == REPO_ROOT / "models" / "m.onnx"
    package = Path(academy_desktop.__file__).resolve().parent
    assert migrations_path() == package / "store" / "migrations"
    assert resource_path("templates").is_dir()  # the real folder is found


def test_environment_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path / "res"))
    monkeypatch.setenv(MODELS_ENV, str(tmp_path / "mod"))
    assert resource_path("schemas", "a.json") == tmp_path / "res" / "schemas" / "a.json"
    assert models_path("b.onnx") == tmp_path / "mod" / "b.onnx"


def test_frozen_one_folder_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bundle = tmp_path / "AcademyDesktop" / "_internal"
    (bundle / "resources" / "templates").mkdir(parents=True)
    (bundle / "resources" / "templates" / "t.json").write_text("{}")
    (bundle / "models").mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resources.is_frozen()
    assert resource_path("templates", "t.json").read_text() == "{}"
    assert models_path("m.onnx") == bundle / "models" / "m.onnx"
    assert migrations_path() == bundle / "academy_desktop" / "store" / "migrations"


def test_frozen_without_meipass_is_the_source_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert not resources.is_frozen()
    assert resource_path() == REPO_ROOT / "resources"


@pytest.mark.parametrize("parts", [("..", "secret"), ("templates", "../../x"), ("/etc/passwd",)])
def test_paths_cannot_leave_the_folder(parts: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        resource_path(*parts)
