"""The user's settings: typed, versioned, shared by the window and the command line.

Settings live in one small JSON file in the user's configuration folder
(``%LOCALAPPDATA%\\AcademyDesktop`` on Windows; ``ACADEMY_DESKTOP_CONFIG`` overrides
the folder, which the tests use). The file carries a ``version``; older files are
upgraded step by step on load, and a file that cannot be read is kept aside as
``settings.json.bad`` and replaced by defaults, so a broken file never stops the app.

Secrets (server tokens) are never stored here: they go to the OS keyring.
Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

CONFIG_ENV = "ACADEMY_DESKTOP_CONFIG"
FILE_NAME = "settings.json"
VERSION = 4
LANGUAGES = ("ko", "en")
PDF_DPI_CHOICES = (150, 200, 300)
# sign-in endpoints of a SimpleJWT-style server (the sync issue's defaults)
DEFAULT_TOKEN_PATH = "/api/v1/token/"
DEFAULT_REFRESH_PATH = "/api/v1/token/refresh/"
SYNC_TIMEOUT_RANGE = (2.0, 600.0)  # seconds a server may take to answer one request
SYNC_MAX_ATTEMPTS_RANGE = (1, 100)


def default_jobs() -> int:
    """Worker processes for grading: one per core, at most 4 (memory stays modest)."""
    return max(1, min(4, os.cpu_count() or 1))


@dataclass
class Settings:
    staff_name: str = ""
    language: str = "ko"  # "ko" or "en"
    workspace: str = ""  # empty: the default workspace folder
    jobs: int = field(default_factory=default_jobs)
    pdf_dpi: int = 200
    server_url: str = ""
    auto_send: bool = False
    # sync (docs/sync.md): sign-in endpoint paths, a CA bundle file for a server whose
    # certificate a private CA signed (TLS verification itself cannot be switched off),
    # the time one request may take, and attempts before an item needs attention
    token_path: str = DEFAULT_TOKEN_PATH
    refresh_path: str = DEFAULT_REFRESH_PATH
    ca_bundle: str = ""
    sync_timeout_s: float = 30.0
    sync_max_attempts: int = 10
    # homework (docs/homework.md): read the text of photos (Tesseract), and a YOLO ONNX
    # model for question boxes (empty: the app's models/ folder, else OpenCV)
    homework_ocr: bool = True
    homework_model: str = ""
    version: int = VERSION

    def homework_options(self) -> dict[str, Any]:
        """Keyword arguments for the homework analysis (``analyse_file``)."""
        return {"ocr": self.homework_ocr, "model_path": self.homework_model or None}

    def normalised(self) -> Settings:
        """A copy with every value in range (a hand-edited file may hold anything)."""
        s = Settings(**asdict(self))
        s.staff_name = str(s.staff_name or "").strip()[:100]
        s.language = s.language if s.language in LANGUAGES else "ko"
        s.workspace = str(s.workspace or "")
        try:
            s.jobs = max(1, min(16, int(s.jobs)))
        except (TypeError, ValueError):
            s.jobs = default_jobs()
        try:
            dpi = int(s.pdf_dpi)
        except (TypeError, ValueError):
            dpi = 200
        s.pdf_dpi = min(PDF_DPI_CHOICES, key=lambda c: abs(c - dpi))
        s.server_url = str(s.server_url or "").strip()
        s.auto_send = bool(s.auto_send)
        s.token_path = _endpoint_path(s.token_path, DEFAULT_TOKEN_PATH)
        s.refresh_path = _endpoint_path(s.refresh_path, DEFAULT_REFRESH_PATH)
        s.ca_bundle = str(s.ca_bundle or "").strip()
        try:
            timeout = float(s.sync_timeout_s)
        except (TypeError, ValueError):
            timeout = 30.0
        if timeout != timeout:  # NaN
            timeout = 30.0
        s.sync_timeout_s = min(SYNC_TIMEOUT_RANGE[1], max(SYNC_TIMEOUT_RANGE[0], timeout))
        try:
            attempts = int(s.sync_max_attempts)
        except (TypeError, ValueError):
            attempts = 10
        s.sync_max_attempts = min(
            SYNC_MAX_ATTEMPTS_RANGE[1], max(SYNC_MAX_ATTEMPTS_RANGE[0], attempts)
        )
        s.homework_ocr = bool(s.homework_ocr)
        s.homework_model = str(s.homework_model or "").strip()
        s.version = VERSION
        return s


def _endpoint_path(value: object, default: str) -> str:
    """A server path such as ``/api/v1/token/``: one leading slash, no scheme or host."""
    text = str(value or "").strip()
    if not text or "://" in text or any(c.isspace() for c in text):
        return default
    return "/" + text.lstrip("/")


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    # version 1 called the staff name "reviewer" and had no PDF resolution
    data = dict(data)
    if "reviewer" in data:
        data.setdefault("staff_name", data.pop("reviewer"))
    data.setdefault("pdf_dpi", 200)
    data["version"] = 2
    return data


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    # version 3 adds the sync settings (sign-in paths, CA bundle, timeout, attempts)
    data = dict(data)
    data.setdefault("token_path", DEFAULT_TOKEN_PATH)
    data.setdefault("refresh_path", DEFAULT_REFRESH_PATH)
    data.setdefault("ca_bundle", "")
    data.setdefault("sync_timeout_s", 30.0)
    data.setdefault("sync_max_attempts", 10)
    data["version"] = 3
    return data


def _v3_to_v4(data: dict[str, Any]) -> dict[str, Any]:
    # version 4 adds the homework settings (OCR of photos, a YOLO model path)
    data = dict(data)
    data.setdefault("homework_ocr", True)
    data.setdefault("homework_model", "")
    data["version"] = 4
    return data


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
}


def config_dir() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("AcademyDesktop", appauthor=False))


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings dict of any older version to :data:`VERSION`."""
    version = int(data.get("version", 1) or 1)
    while version < VERSION:
        data = UPGRADES[version](data)
        version = int(data["version"])
    return data


def load(path: Path | None = None) -> Settings:
    """The saved settings, upgraded; defaults when there is no file or it is broken."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("settings file does not hold an object")
        data = upgrade(data)
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        with contextlib.suppress(OSError):
            path.replace(path.with_name(path.name + ".bad"))
        return Settings()
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in data.items() if k in known}).normalised()


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (a temporary file, then a rename)."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        json.dumps(asdict(settings.normalised()), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    tmp.replace(path)
    return path


def workspace_folder(settings: Settings) -> Path | None:
    """The configured workspace folder, or ``None`` for the default one."""
    return Path(settings.workspace).expanduser() if settings.workspace else None
