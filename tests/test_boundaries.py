"""The layer rules: the engine is pure computation and only the UI imports Qt.

Checked twice: statically with import-linter (the contracts in pyproject.toml), and
at run time by importing every engine module in a fresh interpreter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"lint-imports not installed beside {sys.executable}: run bash .ci/install")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_are_kept() -> None:
    proc = _lint_imports(REPO_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" in proc.stdout and " 0 broken" in proc.stdout


def test_import_contracts_catch_a_qt_import_in_the_engine(tmp_path: Path) -> None:
    """The contracts are not vacuous: a copy of the package with one bad import fails."""
    shutil.copytree(
        REPO_ROOT / "academy_desktop",
        tmp_path / "academy_desktop",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "academy_desktop" / "engine" / "_qt_leak.py").write_text(
        "from academy_desktop.ui import app  # noqa: F401\n", encoding="utf-8"
    )
    proc = _lint_imports(tmp_path)
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout
    assert "academy_desktop.engine._qt_leak" in proc.stdout


_PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import academy_desktop.engine as engine
    failed = {}
    names = ["academy_desktop.engine"]
    for info in pkgutil.walk_packages(engine.__path__, "academy_desktop.engine."):
        names.append(info.name)
        try:
            importlib.import_module(info.name)
        except Exception as exc:
            failed[info.name] = f"{type(exc).__name__}: {exc}"
    roots = sorted({m.split(".")[0] for m in sys.modules})
    ours = sorted(m for m in sys.modules if m.startswith("academy_desktop."))
    print(json.dumps({"names": names, "failed": failed, "roots": roots, "ours": ours}))
    """
)


def test_engine_modules_import_without_qt_database_or_network() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["failed"] == {}, report["failed"]
    assert len(report["names"]) > 3  # really walked the package
    loaded = set(report["roots"])
    for forbidden in ("PySide6", "shiboken6", "sqlalchemy", "alembic", "requests"):
        assert forbidden not in loaded, f"importing the engine loaded {forbidden}"
    others = [m for m in report["ours"] if m.split(".")[1] in {"ui", "store", "sync", "cli"}]
    assert others == [], f"the engine imported {others}"
