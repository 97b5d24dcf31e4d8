"""One app instance per workspace: an exclusive OS lock on ``workspace.lock``.

The lock is taken with ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows.
Both are released by the operating system when the holder closes the file or its
process dies (also after ``kill -9`` or a crash), so a stale lock file never blocks
anyone: only a live holder does.

The holder writes its pid and host name into the file so that a second instance can
say who holds the workspace. Also the store's error types live here, the lowest
module of the package.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path
from typing import IO

LOCK_NAME = "workspace.lock"

# Windows locks byte ranges and a locked range cannot be read by others, so the lock
# sits far past the holder text (locking beyond the end of a file is allowed there).
_WINDOWS_LOCK_OFFSET = 1 << 30


class WorkspaceError(Exception):
    """A workspace cannot be opened or used; ``str()`` is a bilingual message for staff."""


class WorkspaceLocked(WorkspaceError):
    """Another running Academy Desktop holds the workspace."""

    def __init__(self, folder: Path, holder: str) -> None:
        self.folder = folder
        self.holder = holder
        who = holder or "?"
        super().__init__(
            f"이 작업 공간({folder})은 이미 다른 Academy Desktop에서 열려 있습니다 ({who}). "
            "그 프로그램을 닫은 뒤 다시 시도해 주세요. / "
            f"This workspace ({folder}) is already open in another Academy Desktop ({who}). "
            "Close that program and try again."
        )


def _holder_text() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


class WorkspaceLock:
    """An exclusive, non-blocking lock on ``<folder>/workspace.lock``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> None:
        """Take the lock or raise :class:`WorkspaceLocked` naming the holder.

        An ``OSError`` other than "already locked" (read-only folder, full disk)
        propagates to the caller, which turns it into a :class:`WorkspaceError`.
        """
        if self._file is not None:
            return
        # "a+" creates the file without truncating what a live holder wrote.
        handle = open(self.path, "a+b")  # noqa: SIM115 - kept open while held
        try:
            if not _try_lock(handle):
                handle.seek(0)
                holder = handle.read(200).decode("utf-8", "replace").strip()
                raise WorkspaceLocked(self.folder, holder)
            handle.seek(0)
            handle.truncate()
            handle.write((_holder_text() + "\n").encode("utf-8"))
            handle.flush()
        except BaseException:
            handle.close()
            raise
        self._file = handle

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            _unlock(handle)
        handle.close()

    def __enter__(self) -> WorkspaceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


__all__ = ["LOCK_NAME", "WorkspaceError", "WorkspaceLock", "WorkspaceLocked"]
