"""Find the Tesseract OCR program: the copy shipped next to the app first, then the system's.

The Windows installer can carry a ``tesseract`` folder beside ``AcademyDesktop.exe``
(``tesseract.exe``, its DLLs and ``tessdata`` with ``kor`` and ``eng``; see
``docs/packaging.md``). The app must use that copy even when another Tesseract is
installed, so the lookup order is:

1. ``ACADEMY_DESKTOP_TESSERACT``: a path to the program or to its folder (support, tests);
2. the bundled copy: ``<app folder>/tesseract/tesseract[.exe]`` - the app folder is the
   one holding the executable in a frozen build, the repository root otherwise;
3. the system's: ``tesseract`` on ``PATH``, then the usual Windows install folders.

A bundled copy uses its own ``tessdata`` (passed as ``TESSDATA_PREFIX``). Programs
started from a frozen Linux build get the environment they would have had outside
it (PyInstaller's ``LD_LIBRARY_PATH`` points into the bundle and would make a system
program load the bundle's libraries).

Nothing here imports Qt; OCR callers run :meth:`Tesseract.image_to_text` or
:meth:`Tesseract.run` (the orientation check), or give :attr:`Tesseract.executable` and
:meth:`Tesseract.environment` to pytesseract (homework review).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from academy_desktop.resources import bundle_root, is_frozen

TESSERACT_ENV = "ACADEMY_DESKTOP_TESSERACT"
BUNDLED_DIR = "tesseract"
WINDOWS = sys.platform == "win32"
EXE_NAME = "tesseract.exe" if WINDOWS else "tesseract"


class TesseractError(RuntimeError):
    """Tesseract could not run or failed on an image."""


@dataclass(frozen=True)
class Tesseract:
    """A Tesseract program found on this machine."""

    executable: Path
    source: str  # "env", "bundled" or "system"
    tessdata: Path | None = None  # its own language data; None: the program's default

    def environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """The environment to run it with (a copy of ``base``, default ``os.environ``)."""
        env = dict(os.environ if base is None else base)
        if is_frozen() and not WINDOWS:
            # PyInstaller's bootloader keeps the caller's value in *_ORIG
            for name in ("LD_LIBRARY_PATH",):
                original = env.pop(f"{name}_ORIG", None)
                if original is not None:
                    env[name] = original
                else:
                    env.pop(name, None)
        if self.tessdata is not None:
            env["TESSDATA_PREFIX"] = str(self.tessdata)
        return env

    def run(
        self, args: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None
    ) -> str:
        """The program's output (stdout) for ``args``; ``env``: variables set on top of
        :meth:`environment`. Raises :class:`TesseractError` when it cannot run or fails."""
        # no console window flashing up from the windowed app (0 elsewhere)
        no_window = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            proc = subprocess.run(
                [str(self.executable), *args],
                env={**self.environment(), **(env or {})},
                capture_output=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
                creationflags=no_window,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TesseractError(f"{self.executable}: {exc}") from exc
        if proc.returncode != 0:
            detail = proc.stderr.decode("utf-8", "replace").strip()
            raise TesseractError(f"{self.executable} exited with {proc.returncode}: {detail}")
        return proc.stdout.decode("utf-8", "replace")

    def version(self, timeout: float = 20) -> str:
        """The first line of ``tesseract --version`` (e.g. ``tesseract 5.3.0``)."""
        out = self.run(["--version"], timeout=timeout)
        return out.strip().splitlines()[0] if out.strip() else ""

    def languages(self, timeout: float = 20) -> list[str]:
        """The installed language data (``tesseract --list-langs``), e.g. ``["eng", "kor"]``."""
        out = self.run(["--list-langs"], timeout=timeout)
        lines = [line.strip() for line in out.splitlines()]
        return sorted(line for line in lines[1:] if line and " " not in line)

    def image_to_text(
        self, image: Path, *, lang: str = "kor+eng", psm: int = 6, timeout: float = 60
    ) -> str:
        """OCR of an image file (text on stdout); raises :class:`TesseractError`."""
        return self.run([str(image), "stdout", "-l", lang, "--psm", str(psm)], timeout=timeout)


def app_dir() -> Path:
    """The folder the app runs from: the executable's folder in a frozen build,
    the repository root in a source tree."""
    if is_frozen():
        return Path(sys.executable).resolve().parent
    return bundle_root()


def _from_path(path: Path, source: str) -> Tesseract | None:
    exe = path / EXE_NAME if path.is_dir() else path
    if not exe.is_file():
        return None
    tessdata = exe.parent / "tessdata"
    return Tesseract(exe, source, tessdata if tessdata.is_dir() else None)


def _windows_install_dirs() -> list[Path]:
    dirs = []
    for var in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
        base = os.environ.get(var)
        if base:
            sub = ("Programs", "Tesseract-OCR") if var == "LOCALAPPDATA" else ("Tesseract-OCR",)
            dirs.append(Path(base).joinpath(*sub))
    return dirs


def find_tesseract(*, app_folder: Path | None = None) -> Tesseract | None:
    """The Tesseract to use, or None when none is installed (see the module docstring)."""
    override = os.environ.get(TESSERACT_ENV)
    if override:
        return _from_path(Path(override).expanduser(), "env")
    bundled = _from_path((app_folder or app_dir()) / BUNDLED_DIR, "bundled")
    if bundled is not None:
        return bundled
    on_path = shutil.which("tesseract")
    if on_path:
        # a system install finds its own language data; leave TESSDATA_PREFIX alone
        return Tesseract(Path(on_path), "system")
    if WINDOWS:
        for folder in _windows_install_dirs():
            found = _from_path(folder, "system")
            if found is not None:
                return Tesseract(found.executable, "system")
    return None


__all__ = [
    "BUNDLED_DIR",
    "TESSERACT_ENV",
    "Tesseract",
    "TesseractError",
    "app_dir",
    "find_tesseract",
]
