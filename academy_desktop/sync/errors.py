"""What can go wrong talking to the server, sorted by what the outbox does about it.

Every message is bilingual ("한국어 / English") and never holds a token: the classes
below are built from status codes, the server's own error bodies and exception type
names, never from request headers.

| exception | outbox reaction |
|---|---|
| :class:`SyncConfigError` | nothing is sent; the user fixes the server address or CA file |
| :class:`AuthRequired` | the runner pauses until someone signs in again; no item changes |
| :class:`Offline` | the runner waits and tries again; no attempt is counted |
| :class:`Retryable` | the item is tried again after a backoff; one attempt is counted |
| :class:`ServerRejected` | a 4xx: the item stops and needs attention with the server's message |
"""

from __future__ import annotations

import json
from typing import Any


class SyncError(Exception):
    """Base class; ``str()`` is a bilingual message for staff."""


class SyncConfigError(SyncError):
    """The server address, endpoint paths or CA bundle cannot be used."""


class AuthRequired(SyncError):
    """No token, or the server refused it and a refresh did not help: sign in again."""


class LoginFailed(SyncError):
    """The server refused the user name and password (or the pasted token)."""


class Offline(SyncError):
    """The server could not be reached at all (no connection was made, nothing was sent)."""


class Retryable(SyncError):
    """A temporary failure: 5xx, 429, 408, a timeout or a connection lost mid-request.

    ``maybe_sent``: the request may have reached the server (a POST must then be
    looked up before it is sent again). ``retry_after``: the server's ``Retry-After``
    in seconds, when it gave one.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        maybe_sent: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent


class ServerRejected(SyncError):
    """A 4xx (other than 401, 408 and 429): the request as it stands will never succeed.

    ``body`` is the server's JSON body as it came (DRF: ``{"field": ["message"]}`` or
    ``{"detail": "..."}``), or ``{"detail": <text>}`` for a body that is not JSON.
    """

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body
        super().__init__(
            f"서버가 요청을 거부했습니다 (HTTP {status}): {format_server_errors(body)} / "
            f"The server refused the request (HTTP {status}): {format_server_errors(body)}"
        )


def format_server_errors(body: Any) -> str:
    """A DRF error body as one line: ``file: file required; enrollment_id: required``."""
    if isinstance(body, dict):
        parts = []
        for key, value in body.items():
            text = format_server_errors(value)
            parts.append(text if key in ("detail", "non_field_errors") else f"{key}: {text}")
        return "; ".join(parts)
    if isinstance(body, list):
        return ", ".join(format_server_errors(v) for v in body)
    if isinstance(body, str):
        return body
    return json.dumps(body, ensure_ascii=False)


__all__ = [
    "AuthRequired",
    "LoginFailed",
    "Offline",
    "Retryable",
    "ServerRejected",
    "SyncConfigError",
    "SyncError",
    "format_server_errors",
]
