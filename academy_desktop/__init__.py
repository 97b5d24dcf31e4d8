"""Academy Desktop: offline OMR grading and homework review for private academies."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("academy-desktop")
except metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"

__all__ = ["__version__"]
