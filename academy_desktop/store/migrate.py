"""Schema migrations of a workspace database: Alembic, run from code.

The ``Config`` is built here (no ``alembic.ini`` on disk) with the script folder from
:func:`academy_desktop.resources.migrations_path`, so the same code runs from the
source tree and from a PyInstaller bundle.

:func:`upgrade_database` decides what to do with a database file:

* brand new and empty: created at head, no backup;
* at head: nothing;
* older: copied with the SQLite backup API to
  ``backups/workspace-<old rev>-<UTC timestamp>.sqlite3``, then upgraded one revision
  per transaction;
* newer than this program (a revision the script folder does not know): refused with
  a bilingual :class:`WorkspaceError`;
* tables but no revision (not a workspace database): refused too.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import Connection

from academy_desktop.resources import migrations_path
from academy_desktop.store import models as _models  # noqa: F401 - env.py imports it: keep
from academy_desktop.store.lock import WorkspaceError

BACKUP_DIR = "backups"

NEWER_MESSAGE = (
    "이 작업 공간은 더 새로운 버전의 Academy Desktop에서 만들어졌습니다. "
    "프로그램을 업데이트해 주세요. / "
    "This workspace was created by a newer Academy Desktop. Please update the program."
)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` built in code; ``connection`` is what ``env.py`` migrates."""
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError(f"no migrations found in {migrations_path()}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in ``alembic_version``, or None for an unversioned database."""
    return MigrationContext.configure(connection).get_current_revision()


def _is_known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def backup_database(db_path: Path, backups_dir: Path, revision: str) -> Path:
    """Copy ``db_path`` (WAL included) with the SQLite backup API; returns the copy's path."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"workspace-{revision}-{stamp}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(db_path)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            # one self-contained file (the source's WAL mode is copied with page 1)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    partial.replace(target)  # a backup file that exists is complete
    return target


def upgrade_database(engine: Engine, db_path: Path, backups_dir: Path) -> Path | None:
    """Bring the database behind ``engine`` to head; returns the backup made, if any.

    ``engine`` should have foreign keys off (copy-and-move batch steps drop and
    recreate tables, which with foreign keys on would cascade deletes); the foreign
    keys are checked after the upgrade instead.
    """
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    with engine.connect() as connection:
        current = current_revision(connection)
        tables = set(inspect(connection).get_table_names())
    if current == head:
        return None
    if current is not None and not _is_known(script, current):
        raise WorkspaceError(NEWER_MESSAGE)
    backup: Path | None = None
    if current is None:
        if tables - {"alembic_version"}:
            raise WorkspaceError(
                f"{db_path} 파일은 Academy Desktop 작업 공간이 아닙니다. / "
                f"{db_path} is not an Academy Desktop workspace database."
            )
    else:
        backup = backup_database(db_path, backups_dir, current)
    # A fresh connection: Alembic begins (and commits) one transaction per revision
    # only on a connection that is not already inside one.
    with engine.connect() as connection:
        try:
            command.upgrade(alembic_config(connection), "head")
        except Exception as exc:
            if backup is None:
                raise  # creating a new database: the caller reports and cleans up
            reason = getattr(exc, "orig", None) or exc
            raise WorkspaceError(
                f"작업 공간을 새 버전으로 올리지 못했습니다 ({reason}). 마지막으로 성공한 "
                f"단계까지의 데이터는 그대로이며, 업그레이드 전 백업: {backup} / "
                f"The workspace could not be upgraded ({reason}). It keeps its data as of "
                f"the last step that succeeded; the copy made before the upgrade: {backup}"
            ) from exc
        problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.commit()
    if problems:
        raise WorkspaceError(
            "업그레이드 뒤 데이터 참조 오류가 있습니다. 백업에서 복원해 주세요. / "
            f"The upgrade left broken references ({problems[:3]}); restore the backup."
        )
    return backup


__all__ = [
    "BACKUP_DIR",
    "NEWER_MESSAGE",
    "alembic_config",
    "backup_database",
    "current_revision",
    "head_revision",
    "script_directory",
    "upgrade_database",
]
