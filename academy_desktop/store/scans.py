"""Input files copied into the workspace, content-addressed by SHA-256.

Deleting or editing the source folder afterwards loses nothing: the workspace keeps
its own copy under ``scans/<first two hex digits>/<sha256><suffix>``. The copy is
written to a temporary name, flushed to disk and then renamed, so a crash or a full
disk never leaves a half-written file under the final name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.store.models import Scan

SCANS_DIR = "scans"
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def scan_relpath(sha256: str, suffix: str) -> str:
    """Where a scan lives inside the workspace, with forward slashes on every OS."""
    return f"{SCANS_DIR}/{sha256[:2]}/{sha256}{suffix.lower()}"


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with source.open("rb") as src, partial.open("wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def store_scan(
    session: Session, workspace: Path, source: Path, page_count: int, *, sha256: str | None = None
) -> tuple[Scan, bool]:
    """The workspace's :class:`Scan` for ``source``, copying the file in if it is new.

    Returns ``(scan, created)``. The same content under another name or folder is the
    same scan (``created`` is False), so re-dropping a file creates nothing new.
    """
    digest = sha256 or sha256_file(source)
    existing = session.scalars(select(Scan).where(Scan.sha256 == digest)).first()
    rel = scan_relpath(digest, source.suffix)
    target = workspace / rel
    if existing is not None:
        if not (workspace / existing.stored_path).is_file():  # repaired if it went missing
            _copy_atomically(source, workspace / existing.stored_path)
        return existing, False
    if not target.is_file():
        _copy_atomically(source, target)
    scan = Scan(
        sha256=digest,
        original_name=source.name,
        stored_path=rel,
        size=target.stat().st_size,
        page_count=page_count,
    )
    session.add(scan)
    session.flush()
    return scan, True


def copy_in(workspace: Path, source: Path, sha256: str) -> str:
    """Copy ``source`` to its content address in the workspace (if not there yet);
    returns the relative path. Call it outside a write transaction: it may be slow."""
    rel = scan_relpath(sha256, source.suffix)
    if not (workspace / rel).is_file():
        _copy_atomically(source, workspace / rel)
    return rel


def register_scans(
    session: Session, workspace: Path, files: list[tuple[Path, int, str, str]]
) -> dict[Path, Scan]:
    """Scan records for files already copied in (``(source, pages, sha256, relpath)``),
    creating the missing ones; two queries whatever the number of files."""
    shas = {sha for _, _, sha, _ in files}
    known = {s.sha256: s for s in session.scalars(select(Scan).where(Scan.sha256.in_(shas)))}
    out: dict[Path, Scan] = {}
    for source, pages, sha, rel in files:
        scan = known.get(sha)
        if scan is None:
            scan = Scan(
                sha256=sha,
                original_name=source.name,
                stored_path=rel,
                size=(workspace / rel).stat().st_size,
                page_count=pages,
            )
            session.add(scan)
            known[sha] = scan
        out[source] = scan
    session.flush()
    return out
