"""The local store: a workspace folder with a SQLite database (SQLAlchemy 2, Alembic).

``Workspace.open(folder)`` opens or creates a workspace (default: the user's data
folder), migrates it to the current schema (with a backup first) and holds it for
this app instance; ``ws.read()`` and ``ws.write()`` give sessions. The domain model
is in :mod:`academy_desktop.store.models`. See ``docs/store.md``.

Nothing in this package imports Qt.
"""

from academy_desktop.store.database import (
    DB_NAME,
    SCANS_DIR,
    Workspace,
    default_workspace_dir,
)
from academy_desktop.store.lock import WorkspaceError, WorkspaceLocked
from academy_desktop.store.migrate import head_revision

__all__ = [
    "DB_NAME",
    "SCANS_DIR",
    "Workspace",
    "WorkspaceError",
    "WorkspaceLocked",
    "default_workspace_dir",
    "head_revision",
]
