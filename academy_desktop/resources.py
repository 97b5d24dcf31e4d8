"""Where the app's data files live, in a source tree, an editable install or a frozen bundle.

Everything that is not Python code (sheet templates, JSON schemas, printable sheets,
sample scans, fonts, translations) sits in ``resources/``; ONNX models sit in
``models/``. Both folders are beside the ``academy_desktop`` package in the source
tree (``<repo>/resources``), and the PyInstaller one-folder build places them at
``<bundle>/resources`` and ``<bundle>/models``, where ``<bundle>`` is
``sys._MEIPASS`` (the ``_internal`` folder of PyInstaller 6).

Tests (and staff debugging a bundle) can point elsewhere with the environment
variables ``ACADEMY_DESKTOP_RESOURCES`` and ``ACADEMY_DESKTOP_MODELS``.

The paths returned are not checked for existence: callers decide whether a
missing file is an error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV = "ACADEMY_DESKTOP_RESOURCES"
MODELS_ENV = "ACADEMY_DESKTOP_MODELS"

_PACKAGE_DIR = Path(__file__).resolve().parent


def is_frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_root() -> Path:
    """The folder that holds ``resources/`` and ``models/``.

    In a frozen build this is ``sys._MEIPASS``; otherwise the folder above the
    ``academy_desktop`` package (the repository root, also for editable installs,
    whose modules are loaded from the source tree).
    """
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return _PACKAGE_DIR.parent


def _join(root: Path, parts: tuple[str, ...]) -> Path:
    # Parts come from code and from template files; never let them leave the root.
    for part in parts:
        if Path(part).is_absolute() or ".." in Path(part).parts:
            raise ValueError(f"resource path must stay inside {root}: {'/'.join(parts)}")
    return root.joinpath(*parts)


def resources_root() -> Path:
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return bundle_root() / "resources"


def models_root() -> Path:
    override = os.environ.get(MODELS_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return bundle_root() / "models"


def resource_path(*parts: str) -> Path:
    """A path under ``resources/``, e.g. ``resource_path("templates", "kr-20q-5c-id8.json")``."""
    return _join(resources_root(), parts)


def models_path(*parts: str) -> Path:
    """A path under ``models/``, e.g. ``models_path("questions.onnx")``."""
    return _join(models_root(), parts)


def migrations_path() -> Path:
    """The Alembic migrations folder of the local store (``academy_desktop/store/migrations``).

    A frozen build must collect that folder as data at the same relative place.
    """
    if is_frozen():
        return bundle_root() / "academy_desktop" / "store" / "migrations"
    return _PACKAGE_DIR / "store" / "migrations"


__all__ = [
    "MODELS_ENV",
    "RESOURCES_ENV",
    "bundle_root",
    "is_frozen",
    "migrations_path",
    "models_path",
    "models_root",
    "resource_path",
    "resources_root",
]
