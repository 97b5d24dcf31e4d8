"""Where the server is and how to talk to it: one frozen :class:`SyncConfig`.

Built from the user's settings (:meth:`SyncConfig.from_settings`); the command line may
override the server address. TLS verification is always on: ``ca_bundle`` may name a
CA file for a server whose certificate a private CA signed, and nothing can switch
verification off. Plain ``http://`` is accepted only for a server on this computer
(``127.0.0.1``, ``::1``, ``localhost``), so a token never crosses a network unencrypted.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from academy_desktop.settings import DEFAULT_REFRESH_PATH, DEFAULT_TOKEN_PATH, Settings
from academy_desktop.sync.errors import SyncConfigError

SUBMISSIONS_PATH = "/api/v1/submissions/"
BACKOFF_CAP_S = 120.0


def backoff_seconds(attempt: int) -> float:
    """The seed job queue's backoff after ``attempt`` failed attempts:
    ``min(120, 2 ** (attempt - 1) * 2)`` seconds (2, 4, 8, ... 120)."""
    attempt = max(1, int(attempt))
    return float(min(BACKOFF_CAP_S, 2 ** min(attempt - 1, 16) * 2))


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_server_url(text: str) -> str:
    """``https://academy.example.com/`` -> ``https://academy.example.com``; raises
    :class:`SyncConfigError` for anything else than an http(s) address (http only to
    this computer)."""
    url = (text or "").strip().rstrip("/")
    if not url:
        raise SyncConfigError(
            "서버 주소가 설정되지 않았습니다 (설정 또는 --server) / "
            "No server address is set (settings or --server)."
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncConfigError(
            f"서버 주소는 https://로 시작해야 합니다: {url} / "
            f"The server address must start with https://: {url}"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise SyncConfigError(
            f"암호화되지 않은 http:// 주소는 이 컴퓨터의 서버에만 쓸 수 있습니다: {url}. "
            "https:// 주소를 입력해 주세요. / "
            f"Unencrypted http:// is only allowed for a server on this computer: {url}. "
            "Use the https:// address."
        )
    if parts.query or parts.fragment:
        raise SyncConfigError(
            f"서버 주소에 ?나 #를 넣을 수 없습니다: {url} / "
            f"The server address cannot hold ? or #: {url}"
        )
    return url


@dataclass(frozen=True)
class SyncConfig:
    """Everything the client needs besides the token.

    ``backoff_scale`` multiplies every wait the outbox computes (1.0 in the app; the
    tests shrink it so that a run with faults takes seconds, not minutes). A server's
    ``Retry-After`` is honoured as it is, capped at :data:`BACKOFF_CAP_S`.
    """

    server_url: str
    token_path: str = DEFAULT_TOKEN_PATH
    refresh_path: str = DEFAULT_REFRESH_PATH
    ca_bundle: str = ""
    timeout_s: float = 30.0
    connect_timeout_s: float = 10.0
    max_attempts: int = 10
    backoff_scale: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "server_url", normalize_server_url(self.server_url))
        if self.ca_bundle and not Path(self.ca_bundle).expanduser().is_file():
            raise SyncConfigError(
                f"CA 인증서 파일이 없습니다: {self.ca_bundle} / "
                f"The CA bundle file does not exist: {self.ca_bundle}"
            )
        if self.max_attempts < 1:
            raise SyncConfigError("max_attempts >= 1")

    @classmethod
    def from_settings(
        cls, settings: Settings, *, server_url: str | None = None, backoff_scale: float = 1.0
    ) -> SyncConfig:
        s = settings.normalised()
        return cls(
            server_url=server_url if server_url else s.server_url,
            token_path=s.token_path,
            refresh_path=s.refresh_path,
            ca_bundle=s.ca_bundle,
            timeout_s=s.sync_timeout_s,
            max_attempts=s.sync_max_attempts,
            backoff_scale=backoff_scale,
        )

    def url(self, path: str) -> str:
        """An absolute URL on the server for ``path`` (``/api/v1/...``)."""
        return urljoin(self.server_url + "/", path.lstrip("/"))

    @property
    def submissions_url(self) -> str:
        return self.url(SUBMISSIONS_PATH)

    def submission_url(self, server_id: int) -> str:
        return self.url(f"{SUBMISSIONS_PATH}{int(server_id)}/")

    @property
    def verify(self) -> bool | str:
        """What ``requests`` gets as ``verify``: never False."""
        return str(Path(self.ca_bundle).expanduser()) if self.ca_bundle else True

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout_s, self.timeout_s)

    def same_origin(self, url: str) -> bool:
        """Whether ``url`` is on the configured server (scheme, host and port)."""
        a, b = urlsplit(self.server_url), urlsplit(url)
        return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


__all__ = [
    "BACKOFF_CAP_S",
    "SUBMISSIONS_PATH",
    "SyncConfig",
    "backoff_seconds",
    "normalize_server_url",
]
