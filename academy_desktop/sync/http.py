"""Low-level HTTP for sync: one ``requests`` session per thread, and the mapping from
what ``requests`` reports to the outbox's error classes (:mod:`.errors`).

* Sessions keep their connections open (keep-alive) in a small pool: uploading 500
  sheets opens one or two connections, not 500.
* ``verify`` is always on (the CA bundle from the settings, else the system's).
* Nothing here logs or formats a request header, so a token cannot leak through a
  log line or an exception message.
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from academy_desktop import __version__
from academy_desktop.sync.config import BACKOFF_CAP_S, SyncConfig
from academy_desktop.sync.errors import Offline, Retryable, ServerRejected

USER_AGENT = f"AcademyDesktop/{__version__}"
POOL_SIZE = 2


def make_session(config: SyncConfig) -> requests.Session:
    """A session with a small keep-alive pool, TLS verification and our user agent."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # also given with every request: requests lets REQUESTS_CA_BUNDLE override this one
    session.verify = config.verify
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    return session


def _is_connect_failure(exc: BaseException) -> bool:
    """True when no connection was made (refused, DNS, connect timeout): nothing was sent."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(
            e,
            requests.exceptions.ConnectTimeout
            | NewConnectionError
            | NameResolutionError
            | ConnectTimeoutError
            | ConnectionRefusedError,
        ):
            return True
        stack.append(getattr(e, "reason", None))
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        stack.append(e.__cause__)
        stack.append(e.__context__)
    return False


def transport_error(exc: requests.RequestException, what: str) -> Offline | Retryable:
    """The outbox's view of a request that got no HTTP answer."""
    kind = type(exc).__name__
    if isinstance(exc, requests.exceptions.SSLError):
        return Offline(
            f"서버 인증서를 확인할 수 없습니다 ({what}, {kind}). 서버 주소와 CA 인증서 파일을 "
            f"확인해 주세요. / The server's certificate could not be verified ({what}, {kind}). "
            "Check the server address and the CA bundle file."
        )
    if _is_connect_failure(exc):
        return Offline(
            f"서버에 연결할 수 없습니다 ({what}, {kind}) / Cannot reach the server ({what}, {kind})"
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return Retryable(
            f"서버 응답 시간 초과 ({what}) / The server did not answer in time ({what})",
            maybe_sent=True,
        )
    return Retryable(
        f"요청 중 연결이 끊겼습니다 ({what}, {kind}) / The connection was lost ({what}, {kind})",
        maybe_sent=True,
    )


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), capped at 120 s."""
    if not value:
        return None
    value = value.strip()
    seconds: float | None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return min(BACKOFF_CAP_S, max(0.0, seconds))


def json_body(response: requests.Response) -> Any:
    """The response's JSON, or ``{"detail": <text>}`` when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        text = (response.text or "").strip()
        return {"detail": text[:500] or response.reason or f"HTTP {response.status_code}"}


def check_response(response: requests.Response, what: str, *, maybe_sent: bool) -> None:
    """Raise the outbox's error for a non-2xx answer (401 is the caller's business).

    ``maybe_sent``: for a 5xx, whether the server may still have done the work (a
    POST whose row was committed before the error)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status in (408, 429) or status >= 500:
        after = retry_after_seconds(response.headers.get("Retry-After"))
        return_message = f"HTTP {status} ({what})"
        raise Retryable(
            f"서버가 일시적으로 응답하지 못했습니다: {return_message} / "
            f"The server could not answer for now: {return_message}",
            status=status,
            retry_after=after,
            maybe_sent=maybe_sent and status != 429,
        )
    body = json_body(response)
    if not isinstance(body, dict):
        body = {"detail": json.dumps(body, ensure_ascii=False)[:500]}
    raise ServerRejected(status, body)


__all__ = [
    "POOL_SIZE",
    "USER_AGENT",
    "check_response",
    "json_body",
    "make_session",
    "retry_after_seconds",
    "transport_error",
]
