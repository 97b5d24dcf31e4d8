"""Shared test set-up: Qt runs offscreen; paths to the repository, samples and templates."""

from __future__ import annotations

import os

# Before anything imports Qt: no display is needed (CI, SSH sessions, xvfb-less machines).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO_ROOT.parent / "shared" / "omr-samples"


def require_samples(*parts: str) -> Path:
    """The OMRChecker samples beside the clone (``../shared/omr-samples``), or skip."""
    path = SAMPLES_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"OMR sample scans not found at {path}: clone the shared samples beside the "
            "repository to run this test"
        )
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def samples_dir() -> Path:
    return require_samples()


@pytest.fixture(scope="session")
def bundled_template() -> Callable[[str], Path]:
    """``bundled_template("kr-20q-5c-id8")`` -> the path of a template shipped in resources/."""

    def find(name: str) -> Path:
        path = REPO_ROOT / "resources" / "templates" / f"{name}.json"
        assert path.is_file(), f"bundled template {name!r} is missing: {path}"
        return path

    return find


@pytest.fixture
def session() -> Iterator[Session]:
    """A session on a fresh in-memory workspace schema (store unit tests)."""
    from sqlalchemy import create_engine

    from academy_desktop.store.models import Base

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()
