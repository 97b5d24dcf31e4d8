"""The academy server's submissions API, exactly as the seed defines it.

* ``POST /api/v1/submissions/``: multipart (``enrollment_id``, ``target_type``,
  ``target_id``, ``source``, ``payload`` as JSON text, ``file``), streamed from disk
  with ``requests-toolbelt``'s ``MultipartEncoder`` (memory stays flat for a 500 MB
  video); 201 with the submission's fields.
* ``GET /api/v1/submissions/``: ordered by ``-id``; a plain list, or DRF's paginated
  ``{count, next, previous, results}``. :meth:`ServerClient.iter_submissions` pages
  through either.
* ``GET /api/v1/submissions/<id>/`` and ``POST /api/v1/submissions/<id>/retry/``.

Every request carries ``Authorization: Bearer <token>``. A 401 triggers one token
refresh and one repeat of the request. A refresh that is refused (or impossible: a
static token) raises :class:`AuthRequired`; a repeat refused although the refresh
worked raises :class:`Retryable` (the request is tried again later).
Failures are raised as the classes of :mod:`academy_desktop.sync.errors`.

One :class:`ServerClient` per thread (a ``requests`` session is not meant to be
shared between threads); the outbox runner owns one, a window action makes its own.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor

from academy_desktop.sync.auth import SIGN_IN_AGAIN, AuthState
from academy_desktop.sync.config import SyncConfig
from academy_desktop.sync.errors import AuthRequired, Retryable, ServerRejected
from academy_desktop.sync.http import check_response, json_body, make_session, transport_error

log = logging.getLogger(__name__)

GET_TRIES = 5  # an idempotent GET is repeated this often before its failure counts
MAX_PAGES = 100_000  # a server whose "next" never ends is not followed forever
MAX_INNER_WAIT_S = 5.0  # the longest Retry-After a repeated GET waits for in place


@dataclass(frozen=True)
class UploadFile:
    """A file to send: where it is, the name and content type the server gets."""

    path: Path
    name: str
    content_type: str


BodyFactory = Callable[[ExitStack], tuple[Any, str | None]]


class ServerClient:
    """Requests to one server with one set of tokens (see the module doc)."""

    def __init__(
        self,
        config: SyncConfig,
        auth: AuthState,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.auth = auth
        self.session = session or make_session(config)
        self._sleep = sleep

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ core

    def _send_once(
        self, method: str, url: str, token: str, body: BodyFactory | None, what: str
    ) -> requests.Response:
        with ExitStack() as stack:
            headers = {"Authorization": f"Bearer {token}"}
            data = None
            if body is not None:
                data, content_type = body(stack)
                if content_type:
                    headers["Content-Type"] = content_type
            try:
                return self.session.request(
                    method,
                    url,
                    data=data,
                    headers=headers,
                    timeout=self.config.timeout,
                    # per request: a session's verify loses to REQUESTS_CA_BUNDLE
                    verify=self.config.verify,
                )
            except requests.RequestException as exc:
                raise transport_error(exc, what) from None

    def _request(
        self, method: str, url: str, what: str, body: BodyFactory | None = None
    ) -> requests.Response:
        """One request with the Bearer token; on 401 one refresh and one repeat."""
        if not self.config.same_origin(url):
            raise ServerRejected(
                400, {"detail": f"URL outside the configured server refused: {url}"}
            )
        token = self.auth.token()
        response = self._send_once(method, url, token, body, what)
        if response.status_code != 401:
            return response
        response.close()
        if not self.auth.refresh(self.session, token):
            raise AuthRequired(SIGN_IN_AGAIN)
        response = self._send_once(method, url, self.auth.token(), body, what)
        if response.status_code == 401:
            # the refresh worked but the fresh token was refused too: not a reason to
            # ask for a new sign-in (the refresh token is good); this request is tried
            # again later and its next 401 gets its own refresh
            response.close()
            raise Retryable(
                f"서버가 새로 받은 토큰도 거부했습니다 ({what}) / "
                f"The server refused the refreshed token too ({what})",
                status=401,
                maybe_sent=False,
            )
        return response

    def _get_json(self, url: str, what: str, tries: int = GET_TRIES) -> Any:
        """GET with a few quick repeats (a GET changes nothing, so repeating is safe)."""
        last: Retryable | None = None
        for attempt in range(tries):
            if attempt:
                wait = 0.25 * 2 ** (attempt - 1) * self.config.backoff_scale
                if last is not None and last.retry_after is not None:
                    if last.retry_after > MAX_INNER_WAIT_S:
                        break  # a long Retry-After: the outbox's own backoff waits for it
                    wait = max(wait, last.retry_after)
                self._sleep(wait)
            try:
                response = self._request("GET", url, what)
                check_response(response, what, maybe_sent=False)
                return json_body(response)
            except Retryable as exc:
                last = exc
                log.info("GET %s failed (%s), try %d of %d", what, exc, attempt + 1, tries)
        assert last is not None
        raise Retryable(
            str(last), status=last.status, retry_after=last.retry_after, maybe_sent=False
        )

    # ------------------------------------------------------------------ API

    def create_submission(
        self,
        fields: dict[str, str],
        upload: UploadFile,
        *,
        on_bytes: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """``POST /api/v1/submissions/`` streaming ``upload``; returns the 201 body.

        Raises :class:`Retryable` (``maybe_sent`` unless the server certainly did
        nothing), :class:`ServerRejected` for a 4xx, :class:`Offline`,
        :class:`AuthRequired`.
        """

        def body(stack: ExitStack) -> tuple[Any, str | None]:
            handle: IO[bytes] = stack.enter_context(upload.path.open("rb"))
            parts: list[tuple[str, Any]] = list(fields.items())
            parts.append(("file", (upload.name, handle, upload.content_type)))
            encoder = MultipartEncoder(fields=parts)
            if on_bytes is None:
                return encoder, encoder.content_type
            total = encoder.len
            monitor = MultipartEncoderMonitor(encoder, lambda m: on_bytes(m.bytes_read, total))
            return monitor, monitor.content_type

        response = self._request("POST", self.config.submissions_url, "upload", body)
        check_response(response, "upload", maybe_sent=True)
        created = json_body(response)
        return created if isinstance(created, dict) else {}

    def _page_url(self, next_url: str) -> str:
        """DRF builds ``next`` from the host it was asked on (behind a proxy, maybe an
        inner name): keep its path and query, on the configured server."""
        if self.config.same_origin(next_url):
            return next_url
        parts = urlsplit(next_url)
        base = urlsplit(self.config.server_url)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))

    def iter_submissions(self) -> Iterator[dict[str, Any]]:
        """Every submission the list shows, newest first, fetching pages as needed."""
        url: str | None = self.config.submissions_url
        pages = 0
        while url and pages < MAX_PAGES:
            pages += 1
            data = self._get_json(url, "list")
            if isinstance(data, list):
                items, url = data, None
            elif isinstance(data, dict) and isinstance(data.get("results"), list):
                items = data["results"]
                nxt = data.get("next")
                url = self._page_url(nxt) if isinstance(nxt, str) and nxt else None
            else:
                raise Retryable(
                    "서버의 제출 목록 형식을 알 수 없습니다 / The server's submission list has "
                    "an unknown shape",
                    maybe_sent=False,
                )
            for item in items:
                if isinstance(item, dict):
                    yield item

    def get_submission(self, server_id: int) -> dict[str, Any]:
        """One submission (its status); a failure is not repeated here: the outbox polls
        again later with backoff."""
        data = self._get_json(self.config.submission_url(server_id), "status", tries=1)
        return data if isinstance(data, dict) else {}

    def retry_submission(self, server_id: int) -> dict[str, Any]:
        """``POST /api/v1/submissions/<id>/retry/``; a 400 (not failed) raises
        :class:`ServerRejected` with the server's message as it is."""
        url = self.config.url(f"/api/v1/submissions/{int(server_id)}/retry/")
        response = self._request("POST", url, "retry")
        check_response(response, "retry", maybe_sent=False)
        data = json_body(response)
        return data if isinstance(data, dict) else {}


def submission_uuid_of(item: dict[str, Any]) -> str | None:
    """``payload.client.submission_uuid`` of a listed submission (payload as an object
    or, from some servers, as JSON text)."""
    payload = item.get("payload")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    if not isinstance(payload, dict):
        return None
    client = payload.get("client")
    uuid = client.get("submission_uuid") if isinstance(client, dict) else None
    return uuid if isinstance(uuid, str) else None


def server_id_of(item: dict[str, Any]) -> int | None:
    """The submission id in a server answer: ``id`` (a submission's fields) or
    ``submission_id`` (the seed's OMR views)."""
    for key in ("id", "submission_id"):
        value = item.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


__all__ = [
    "GET_TRIES",
    "ServerClient",
    "UploadFile",
    "server_id_of",
    "submission_uuid_of",
]
