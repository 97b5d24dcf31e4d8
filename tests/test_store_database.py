"""Opening a workspace: location, SQLite settings, serialised writes, refusing bad folders."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from academy_desktop.store import Workspace, WorkspaceError, database
from academy_desktop.store.models import Student


def test_new_workspace_creates_its_folder_and_pragmas_hold_on_every_connection(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "usb" / "학원"
    with Workspace.open(folder, staff="김선생") as ws:
        assert ws.staff == "김선생"
        assert (folder / "workspace.sqlite3").is_file()
        assert (folder / "scans").is_dir()
        pragmas = ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        with ws.read() as session:
            read = [session.execute(text(f"PRAGMA {p}")).scalar() for p in pragmas]
        with ws.write() as session:
            written = [session.execute(text(f"PRAGMA {p}")).scalar() for p in pragmas]
    # synchronous: 2 = FULL
    assert read == written == ["wal", 1, database.BUSY_TIMEOUT_MS, 2]


def test_default_workspace_is_in_the_platformdirs_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_user_data_dir(*args: Any) -> str:
        calls.append(args)
        return str(tmp_path / "LocalAppData" / "Academy" / "AcademyDesktop")

    monkeypatch.setattr(database.platformdirs, "user_data_dir", fake_user_data_dir)
    with Workspace.open() as ws:
        assert ws.folder == (tmp_path / "LocalAppData" / "Academy" / "AcademyDesktop").resolve()
        assert ws.db_path.is_file()
    assert calls == [("AcademyDesktop", "Academy")]


def test_write_commits_or_rolls_back_and_is_not_reentrant(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        with ws.write() as session:
            session.add(Student(number="1001", name="홍길동"))
        with pytest.raises(ValueError), ws.write() as session:
            session.add(Student(number="1002", name="김철수"))
            session.flush()
            raise ValueError("boom")
        with pytest.raises(RuntimeError, match="reentrant"), ws.write(), ws.write():
            pass
        with ws.read() as session:
            assert session.scalars(select(Student.number)).all() == ["1001"]


def test_write_takes_the_database_write_lock_at_begin(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws, ws.write() as session:
        session.execute(select(1))  # nothing written yet: BEGIN IMMEDIATE already holds it
        other = sqlite3.connect(ws.db_path, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_readers_and_concurrent_writers_never_see_database_is_locked(tmp_path: Path) -> None:
    writers, rows_each = 3, 150
    errors: list[BaseException] = []
    counts: list[int] = []
    stop = threading.Event()

    with Workspace.open(tmp_path / "ws") as ws:

        def read_loop() -> None:
            try:
                while not stop.wait(0.0005):  # a busy GUI, short of spinning on the GIL
                    with ws.read() as session:
                        counts.append(
                            session.scalar(select(func.count()).select_from(Student)) or 0
                        )
            except BaseException as exc:
                errors.append(exc)

        def write_rows(worker: int) -> None:
            try:
                for i in range(rows_each):
                    with ws.write() as session:
                        # read, then write: the pattern that fails with SQLITE_BUSY under
                        # deferred transactions whatever the busy timeout
                        seen = session.scalar(select(func.count()).select_from(Student)) or 0
                        session.add(Student(number=f"{worker}-{i}", name=f"학생{seen}"))
            except BaseException as exc:
                errors.append(exc)

        reader = threading.Thread(target=read_loop)
        reader.start()
        threads = [threading.Thread(target=write_rows, args=(w,)) for w in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        reader.join()

        assert not [e for e in errors if isinstance(e, OperationalError)], errors
        assert errors == []
        with ws.read() as session:
            assert session.scalar(select(func.count()).select_from(Student)) == writers * rows_each
    assert any(0 < c < writers * rows_each for c in counts)  # reads overlapped the writes
    assert counts == sorted(counts)  # reads see a growing table, never a half-written one


def test_a_path_under_a_regular_file_is_refused_with_the_folder_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    for folder in (blocker, blocker / "ws"):
        with pytest.raises(WorkspaceError) as info:
            Workspace.open(folder)
        assert str(folder) in str(info.value)
        assert "작업 공간" in str(info.value) and "workspace" in str(info.value)
    assert blocker.read_text() == "not a folder"


def test_unwritable_folder_is_refused_and_left_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root here, where chmod does not stop writes: simulate the
    # PermissionError a read-only folder or share raises at the first file created.
    folder = tmp_path / "readonly"
    folder.mkdir()

    def denied(*_args: Any, **_kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(database.tempfile, "TemporaryFile", denied)
    with pytest.raises(WorkspaceError, match="readonly"):
        Workspace.open(folder)
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="chmod does not stop root (or Windows) from writing",
)
def test_read_only_folder_by_permissions(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(WorkspaceError, match="ro"):
            Workspace.open(folder)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_full_disk_during_creation_leaves_no_half_created_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real SQLITE_FULL: the database may not grow past two pages while the schema
    # is created, as on a disk that fills up.
    real = database.create_sqlite_engine

    def tiny_engine(*args: Any, **kwargs: Any) -> Engine:
        engine = real(*args, **kwargs)

        @event.listens_for(engine, "connect")
        def _limit(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA max_page_count=2")

        return engine

    monkeypatch.setattr(database, "create_sqlite_engine", tiny_engine)
    existing = tmp_path / "stick"
    existing.mkdir()
    (existing / "notes.txt").write_text("keep me")
    for folder in (existing, tmp_path / "new" / "ws"):
        with pytest.raises(WorkspaceError, match="full") as info:
            Workspace.open(folder)
        assert str(folder) in str(info.value)
    assert sorted(p.name for p in existing.iterdir()) == ["notes.txt"]
    assert not (tmp_path / "new").exists()
