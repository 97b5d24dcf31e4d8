"""Workspace migrations: created at head, upgraded with a backup, newer schemas refused."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from academy_desktop.resources import migrations_path
from academy_desktop.store import Workspace, WorkspaceError, head_revision
from academy_desktop.store.database import create_sqlite_engine
from academy_desktop.store.migrate import NEWER_MESSAGE, alembic_config, script_directory
from academy_desktop.store.models import Base, Submission

FIRST = "0001"
NEW_INDEXES = {
    "submission": {"ix_submission_exam_status", "ix_submission_exam_student"},
    "review_decision": {"ix_review_decision_submission"},
    "outbox_item": {"ix_outbox_item_state_next_run"},
}


def _revision(db: Path) -> str | None:
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _build_at_first_revision(folder: Path) -> Path:
    folder.mkdir(parents=True)
    db = folder / "workspace.sqlite3"
    engine = create_sqlite_engine(db, pooled=False)
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), FIRST)
    with engine.begin() as conn:
        for sql in (
            "INSERT INTO template (id, name, source, content, sha256, created_at) "
            "VALUES (1, '20문항', 'bundled', '{\"version\": 1}', 'aa', '2026-01-01 00:00:00')",
            "INSERT INTO exam (id, title, template_id, created_at) "
            "VALUES (1, '3월 모의고사', 1, '2026-01-01 00:00:00')",
            "INSERT INTO student (id, number, name, updated_at) "
            "VALUES (1, '20250001', '홍길동', '2026-01-01 00:00:00')",
            "INSERT INTO scan (id, sha256, original_name, stored_path, size, page_count, "
            "created_at) VALUES (1, 'bb', 'a.pdf', 'scans/bb.pdf', 10, 1, '2026-01-01 00:00:00')",
            "INSERT INTO submission (id, exam_id, scan_id, page, target_type, student_id, "
            "source, status, score, review_state, created_at, updated_at) VALUES (1, 1, 1, 1, "
            "'exam', 1, 'omr_scan', 'done', 85.0, 'none', '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')",
            # rows that point at the submission: 0006 copies the submission table, and
            # none of them may be lost to ON DELETE CASCADE on the way
            "INSERT INTO submission_answer (id, submission_id, label, answer, meta, "
            "current_value, reviewed) VALUES (1, 1, 'q1', '3', '{}', '3', 0)",
            "INSERT INTO review_decision (id, submission_id, field, old_value, new_value, "
            "decided_by, decided_at) VALUES (1, 1, 'q1', '2', '3', 'kim', '2026-01-01 00:00:00')",
        ):
            conn.exec_driver_sql(sql)
    engine.dispose()
    return db


def test_revisions_form_one_line_ending_at_head() -> None:
    script = script_directory()
    assert script.get_heads() == [head_revision()]
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain[-1] == FIRST and head_revision() != FIRST


def test_new_workspace_is_created_at_head_exactly_like_the_models(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        with ws.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            tables = set(inspect(conn).get_table_names())
        assert _revision(ws.db_path) == head_revision()
        assert not ws.backups_dir.exists()  # nothing to back up in a new workspace
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_upgrade_from_the_first_revision_keeps_data_and_backs_up(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    db = _build_at_first_revision(folder)
    with closing(sqlite3.connect(db)) as conn:
        assert "ix_submission_exam_status" not in {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }

    with Workspace.open(folder) as ws:
        with ws.read() as session:
            sub = session.scalars(select(Submission)).one()
            assert (sub.sheet_exam.title, sub.student and sub.student.name, sub.score) == (
                "3월 모의고사",
                "홍길동",
                85.0,
            )
            assert sub.scan.stored_path == "scans/bb.pdf"
            assert [(a.label, a.current_value) for a in sub.answers] == [("q1", "3")]
            assert (sub.homework_id, sub.verdict) == (None, None)
        with closing(sqlite3.connect(db)) as conn:
            assert conn.execute("SELECT count(*) FROM review_decision").fetchone() == (1,)
        with ws.engine.connect() as conn:
            inspector = inspect(conn)
            for table, names in NEW_INDEXES.items():
                assert names <= {ix["name"] for ix in inspector.get_indexes(table)}
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        backups = list(ws.backups_dir.glob(f"workspace-{FIRST}-*.sqlite3"))
    assert _revision(db) == head_revision()
    assert len(backups) == 1
    assert _revision(backups[0]) == FIRST
    with closing(sqlite3.connect(backups[0])) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT name FROM student").fetchall() == [("홍길동",)]

    Workspace.open(folder).close()  # already at head: no second backup
    assert [p.name for p in (folder / "backups").iterdir()] == [backups[0].name]


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    Workspace.open(folder).close()
    db = folder / "workspace.sqlite3"
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfacefeed'")
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(folder)
    assert str(info.value) == NEWER_MESSAGE
    assert _revision(db) == "f00dfacefeed"
    assert not (folder / "backups").exists()
    Workspace.open(tmp_path / "other").close()  # the refusal released the lock cleanly
    with pytest.raises(WorkspaceError):
        Workspace.open(folder)  # and still refuses


def test_a_foreign_sqlite_file_is_not_taken_over(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    with closing(sqlite3.connect(folder / "workspace.sqlite3")) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(WorkspaceError, match="not an Academy Desktop workspace"):
        Workspace.open(folder)
    with closing(sqlite3.connect(folder / "workspace.sqlite3")) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert names == {"notes"}


def test_migrations_run_from_a_frozen_bundle_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "_internal"
    target = bundle / "academy_desktop" / "store" / "migrations"
    shutil.copytree(migrations_path(), target, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert migrations_path() == target
    for later in (target / "versions").glob("*.py"):  # this bundle is older
        if not later.name.startswith(FIRST):
            later.unlink()
    with Workspace.open(tmp_path / "ws") as ws:
        assert _revision(ws.db_path) == FIRST


def test_a_failing_revision_rolls_back_to_the_last_good_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ws"
    Workspace.open(folder).close()
    head = head_revision()
    bundle = tmp_path / "_internal"
    target = bundle / "academy_desktop" / "store" / "migrations"
    shutil.copytree(migrations_path(), target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "versions" / "9999_broken.py").write_text(
        f'"""A broken revision."""\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
        f'revision = "9999"\ndown_revision = "{head}"\nbranch_labels = None\n'
        "depends_on = None\n\n\ndef upgrade():\n"
        '    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))\n'
        '    op.execute("INSERT INTO half_done (id) VALUES (1)")\n'
        '    raise RuntimeError("disk pulled out")\n\n\ndef downgrade():\n    pass\n'
    )
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    with pytest.raises(WorkspaceError, match="disk pulled out") as info:
        Workspace.open(folder)
    backups = list((folder / "backups").glob(f"workspace-{head}-*.sqlite3"))
    assert len(backups) == 1 and str(backups[0]) in str(info.value)
    db = folder / "workspace.sqlite3"
    assert _revision(db) == head
    with closing(sqlite3.connect(db)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    monkeypatch.undo()  # this program again: the lock was released and the data is fine
    with Workspace.open(folder) as ws:
        assert _revision(ws.db_path) == head
