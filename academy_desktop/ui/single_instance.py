"""One window per workspace: a second start hands its files to the first one.

"Open with Academy Desktop" in Explorer starts ``main.py --open FILE`` even when the
app is already open, and the workspace is locked by the running window. Instead of an
error, the new process sends its paths over a local socket (a named pipe on Windows)
and exits; the running window raises itself and opens them.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 1500


def server_name(workspace: Path) -> str:
    """A per-user, per-workspace name (sockets are shared by all users of a machine)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment
        user = "user"
    key = f"{user}\n{Path(workspace).expanduser().resolve()}".encode()
    return "academy-desktop-" + hashlib.sha256(key).hexdigest()[:16]


def send_to_running(workspace: Path, paths: Sequence[Path]) -> bool:
    """Hand ``paths`` to a window already running on ``workspace``; False if there is none."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(workspace))
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    message = json.dumps({"open": [str(Path(p).resolve()) for p in paths]}).encode()
    socket.write(message + b"\n")
    while socket.bytesToWrite() > 0 and socket.waitForBytesWritten(TIMEOUT_MS):
        pass
    sent = socket.bytesToWrite() == 0
    socket.disconnectFromServer()
    return sent


class InstanceServer(QObject):
    """Listens for later starts on the same workspace and passes their paths on."""

    def __init__(
        self,
        workspace: Path,
        on_paths: Callable[[list[Path]], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_paths = on_paths
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(workspace)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # a stale socket left by a crash (Unix)
            self.server.listen(name)
        self.server.newConnection.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self.server.isListening()

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        try:
            message = json.loads(bytes(socket.readLine().data()).decode())
            paths = [Path(p) for p in message.get("open", [])]
        except (ValueError, AttributeError, TypeError):
            return  # not one of ours
        self._on_paths(paths)

    def close(self) -> None:
        self.server.close()
