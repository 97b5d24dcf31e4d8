"""Turning the files and folders staff drop into an ordered list of input files.

Re-exported by :mod:`academy_desktop.engine.inputs`, which reads the files.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import unicodedata
from collections.abc import Collection, Iterable
from pathlib import Path

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
)


def discover(paths: Iterable[Path], exclude: Collection[Path] = ()) -> list[Path]:
    """Expand files and folders into a de-duplicated, naturally sorted list of files.

    Files given explicitly are kept whatever their suffix (and even if missing), so that
    ``inputs.list_pages`` can reject them with a reason. Folders are searched recursively
    for supported suffixes; hidden entries (dot-names, or the Windows hidden attribute)
    and symlinked folders are skipped. ``exclude`` paths are dropped. The order does not
    depend on the order of ``paths``: folder by folder (a folder's own files before its
    subfolders'), natural order within a folder ("page2" before "page10").
    """
    excluded = {_identity(Path(p)) for p in exclude}
    found: dict[str, Path] = {}
    for given in paths:
        given = Path(given)
        candidates = _scan(given) if given.is_dir() else [given]
        for path in candidates:
            key = _identity(path)
            if key not in excluded and key not in found:
                found[key] = Path(os.path.abspath(path))
    return sorted(found.values(), key=_natural_path_key)


def _identity(path: Path) -> str:
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        resolved = Path(os.path.abspath(path))
    return os.path.normcase(str(resolved))


def _scan(root: Path) -> list[Path]:
    files: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue  # unreadable folder: nothing to add
        for entry in entries:
            try:
                if _is_hidden(entry):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file() and Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(Path(entry.path))
            except OSError:
                continue
    return files


def _is_hidden(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith("."):
        return True
    if sys.platform == "win32":
        attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
        return bool(attributes & stat.FILE_ATTRIBUTE_HIDDEN)
    return False


def _natural(text: str) -> tuple[str | int, ...]:
    parts = re.split(r"(\d+)", unicodedata.normalize("NFC", text).casefold())
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def _natural_path_key(
    path: Path,
) -> tuple[tuple[tuple[str | int, ...], ...], tuple[str | int, ...], str]:
    return tuple(_natural(p) for p in path.parent.parts), _natural(path.name), str(path)
