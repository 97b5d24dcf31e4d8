"""Alembic environment of the workspace store, run from code only.

The caller (``academy_desktop.store.migrate``) builds the ``Config`` in code and
passes an open SQLAlchemy connection as ``config.attributes["connection"]``; nothing
here reads ``alembic.ini`` or the source tree, so it works the same inside a
PyInstaller bundle. ``render_as_batch`` lets column changes work on SQLite (copy and
move), and every revision runs in its own transaction.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from academy_desktop.store.models import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        transaction_per_migration=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = config.attributes.get("connection")
if _connection is None:
    raise RuntimeError(
        "the workspace migrations run from code: pass a connection in "
        'config.attributes["connection"] (see academy_desktop/store/migrate.py)'
    )
_run(_connection)
