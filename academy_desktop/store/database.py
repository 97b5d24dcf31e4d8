"""Opening a workspace: its folder, the SQLite engine and its settings, sessions.

A workspace is a folder holding ``workspace.sqlite3``, ``scans/`` (the input files,
content-addressed), ``backups/`` (copies made before migrations) and
``workspace.lock`` (held while an app instance has it open). See ``docs/store.md``.

Writes are serialised by one lock per workspace (:meth:`Workspace.write`); reads
(:meth:`Workspace.read`) run beside them thanks to WAL, so "database is locked"
never reaches staff.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from academy_desktop.store import migrate
from academy_desktop.store.lock import LOCK_NAME, WorkspaceError, WorkspaceLock

APP_NAME = "AcademyDesktop"
APP_AUTHOR = "Academy"
DB_NAME = "workspace.sqlite3"
SCANS_DIR = "scans"
BUSY_TIMEOUT_MS = 10_000

_BEGIN_OPTION = "academy_begin"


def default_workspace_dir() -> Path:
    """The default workspace: the user's data folder (``%LOCALAPPDATA%`` on Windows)."""
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def create_sqlite_engine(
    db_path: Path, *, foreign_keys: bool = True, pooled: bool = True
) -> Engine:
    """An engine whose every connection gets the workspace's pragmas.

    The driver's own transaction handling is switched off and ``BEGIN`` is emitted by
    SQLAlchemy instead, so DDL in migrations is transactional too and write sessions
    can start with ``BEGIN IMMEDIATE``.
    """
    engine = create_engine(
        f"sqlite:///{db_path}",
        poolclass=None if pooled else NullPool,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # FULL: in WAL mode NORMAL may lose the last commits on a power cut (the WAL
            # is not synced at each commit); FULL syncs it, so a saved sheet stays saved.
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN"))

    return engine


def _open_error(folder: Path, reason: object) -> WorkspaceError:
    return WorkspaceError(
        f"작업 공간 폴더를 열 수 없습니다: {folder} ({reason}). "
        "폴더에 쓸 수 있는지, 디스크에 빈 공간이 있는지 확인해 주세요. / "
        f"Cannot open the workspace folder {folder} ({reason}). "
        "Check that the folder is writable and the disk has free space."
    )


def _missing_ancestors(folder: Path) -> list[Path]:
    """The folder and its parents that do not exist yet, deepest first."""
    missing: list[Path] = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    return missing


class Workspace:
    """An open workspace; use :meth:`open`, then ``with ws.write() as s: ...``."""

    def __init__(
        self, folder: Path, engine: Engine, lock: WorkspaceLock, staff: str | None
    ) -> None:
        self.folder = folder
        self.engine = engine
        self.staff = staff
        self._lock = lock
        self._write_lock = threading.Lock()
        self._writing = threading.local()
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        write_engine = engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"})
        self._write_sessions = sessionmaker(write_engine, expire_on_commit=False)

    @property
    def db_path(self) -> Path:
        return self.folder / DB_NAME

    @property
    def scans_dir(self) -> Path:
        return self.folder / SCANS_DIR

    @property
    def backups_dir(self) -> Path:
        return self.folder / migrate.BACKUP_DIR

    @classmethod
    def open(cls, folder: Path | None = None, *, staff: str | None = None) -> Workspace:
        """Open (or create) the workspace in ``folder`` (default: :func:`default_workspace_dir`).

        Raises :class:`WorkspaceLocked` when another instance holds it and
        :class:`WorkspaceError` when the folder cannot be used; a failed open leaves
        nothing behind that it created.
        """
        folder = Path(folder if folder is not None else default_workspace_dir())
        folder = folder.expanduser().resolve()
        if folder.exists() and not folder.is_dir():
            raise _open_error(folder, "not a folder / 폴더가 아님")
        created = _missing_ancestors(folder)
        db_existed = (folder / DB_NAME).exists()
        scans_existed = (folder / SCANS_DIR).exists()
        lock_existed = (folder / LOCK_NAME).exists()
        lock = WorkspaceLock(folder)
        engine: Engine | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass  # writable? (a read-only folder or share fails here)
            lock.acquire()
            (folder / SCANS_DIR).mkdir(exist_ok=True)
            db_path = folder / DB_NAME
            migration_engine = create_sqlite_engine(db_path, foreign_keys=False, pooled=False)
            try:
                migrate.upgrade_database(migration_engine, db_path, folder / migrate.BACKUP_DIR)
            finally:
                migration_engine.dispose()
            engine = create_sqlite_engine(db_path)
            return cls(folder, engine, lock, staff)
        except BaseException as exc:
            if engine is not None:
                engine.dispose()
            held = lock.held
            lock.release()
            # Only undo what this call created; files only while it held the lock.
            if held:
                _remove_created_files(folder, db_existed, scans_existed, lock_existed)
            for path in created:  # deepest first; rmdir refuses a folder that is not empty
                with contextlib.suppress(OSError):
                    path.rmdir()
            if isinstance(exc, WorkspaceError):
                raise
            if isinstance(exc, OSError | SQLAlchemyError | sqlite3.Error):
                reason = getattr(exc, "orig", None) or exc
                raise _open_error(folder, reason) from exc
            raise

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; it never commits."""
        with self._read_sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back on error.

        One write at a time per workspace (a thread lock, then ``BEGIN IMMEDIATE``);
        keep the block short. Nesting ``write()`` in one thread is an error.
        """
        if getattr(self._writing, "active", False):
            raise RuntimeError("Workspace.write() is not reentrant: use the outer session")
        with self._write_lock:
            self._writing.active = True
            try:
                with self._write_sessions() as session, session.begin():
                    yield session
            finally:
                self._writing.active = False

    def close(self) -> None:
        """Close every connection and release the workspace lock (idempotent)."""
        self.engine.dispose()
        self._lock.release()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.folder)!r})"


def _remove_created_files(
    folder: Path, db_existed: bool, scans_existed: bool, lock_existed: bool
) -> None:
    """Undo a failed open: remove the files it created, nothing else."""
    paths: list[Path] = []
    if not db_existed:
        paths += [folder / (DB_NAME + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    if not lock_existed:
        paths.append(folder / LOCK_NAME)
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    if not scans_existed:
        with contextlib.suppress(OSError):
            (folder / SCANS_DIR).rmdir()


__all__ = ["DB_NAME", "SCANS_DIR", "Workspace", "create_sqlite_engine", "default_workspace_dir"]
