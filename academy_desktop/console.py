"""Standard streams for the windowed Windows build.

The installed app is a windowed executable (no console window flashes when staff
double-click it), so Python starts it with ``sys.stdout`` and ``sys.stderr`` set to
``None``; a command such as ``AcademyDesktop.exe grade ...`` typed in a terminal
would then fail on its first message. This attaches the streams to the terminal the
command was typed in, when there is one, and to nowhere otherwise.
"""

from __future__ import annotations

import contextlib
import os
import sys


def ensure_streams() -> None:
    """Give ``sys.stdout``/``sys.stderr`` somewhere to write (idempotent)."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    attached = False
    if sys.platform == "win32":
        import ctypes

        attach_parent_process = -1  # ATTACH_PARENT_PROCESS
        with contextlib.suppress(OSError, AttributeError):
            attached = bool(ctypes.windll.kernel32.AttachConsole(attach_parent_process))
    target = "CONOUT$" if attached else os.devnull
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            try:
                stream = open(target, "w", encoding="utf-8", errors="replace")  # noqa: SIM115
            except OSError:
                stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
            setattr(sys, name, stream)
