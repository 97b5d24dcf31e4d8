"""Academy Desktop: offline OMR grading and homework review for private academies."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path


def _version_from_pyproject() -> str:
    """The version in the source tree's pyproject.toml (the one place it is written)."""
    import tomllib

    try:
        with (Path(__file__).resolve().parents[1] / "pyproject.toml").open("rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0+unknown"


try:  # installed, editable or frozen (the bundle carries the package metadata)
    __version__ = metadata.version("academy-desktop")
except metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = _version_from_pyproject()

__all__ = ["__version__"]
