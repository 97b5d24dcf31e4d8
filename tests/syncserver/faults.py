"""Fault injection for the test server: random faults by probability, and one-shot queues.

Each request to a route the faults cover gets at most one fault. Queued faults come
first (in order), then one random draw against the configured probabilities.

Kinds:

``error_500``               500, Django's HTML "Server Error (500)" page; nothing committed
``error_502_retry_after``   502 from the "proxy" with ``Retry-After``; nothing committed
``error_503_retry_after``   503 with ``Retry-After``; nothing committed
``error_429_retry_after``   429 DRF throttle body with ``Retry-After``; nothing committed
``timeout``                 the request is committed, then the answer waits ``timeout_s``
                            (longer than the client's timeout: a lost response)
``timeout_before_commit``   waits ``timeout_s``, then closes the connection; nothing committed
``drop_after_commit``       the request is committed, then the connection is closed with
                            no response at all
``drop_before_commit``      the connection is closed before the body is read; nothing committed
``slow``                    waits ``slow_s``, then answers normally
``bad_request``             400 with ``bad_request_body`` (a DRF field-error body);
                            nothing committed
``token_expired``           a request carrying a JWT access token gets 401 "Token is expired",
                            and that token stays expired (requests with a static token are
                            not faulted)
"""

from __future__ import annotations

import random
import threading
from collections import Counter, deque
from collections.abc import Iterable
from typing import Any

KINDS = (
    "error_500",
    "error_502_retry_after",
    "error_503_retry_after",
    "error_429_retry_after",
    "timeout",
    "timeout_before_commit",
    "drop_after_commit",
    "drop_before_commit",
    "slow",
    "bad_request",
    "token_expired",
)

ROUTES = (
    "token",
    "token_refresh",
    "submissions_create",
    "submissions_list",
    "submissions_detail",
    "submissions_retry",
    "admin_omr_upload",
    "exam_omr_submit",
)
# Faults hit the submissions API unless told otherwise; the sign-in endpoints opt in.
DEFAULT_ROUTES = frozenset(r for r in ROUTES if not r.startswith("token"))

DEFAULT_BAD_REQUEST_BODY: dict[str, Any] = {
    "non_field_errors": ["Injected fault: the server rejected this request."]
}


def _routes(routes: Iterable[str] | str | None) -> frozenset[str]:
    if routes is None:
        return DEFAULT_ROUTES
    if routes == "*":
        return frozenset(ROUTES)
    chosen = frozenset([routes] if isinstance(routes, str) else routes)
    unknown = chosen - set(ROUTES)
    if unknown:
        raise ValueError(f"unknown routes {sorted(unknown)}; known: {ROUTES}")
    return chosen


class Faults:
    """The server's fault switchboard; thread-safe, changeable while the server runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._probabilities: dict[str, float] = dict.fromkeys(KINDS, 0.0)
        self._routes = DEFAULT_ROUTES
        self._rng = random.Random(0)
        self._queue: deque[tuple[str, frozenset[str]]] = deque()
        self._injected: Counter[str] = Counter()
        self.retry_after: int | str = 1
        self.timeout_s = 5.0
        self.slow_s = 0.3
        self.bad_request_body: dict[str, Any] = dict(DEFAULT_BAD_REQUEST_BODY)

    def configure(
        self,
        *,
        error_500: float = 0.0,
        error_502_retry_after: float = 0.0,
        error_503_retry_after: float = 0.0,
        error_429_retry_after: float = 0.0,
        timeout: float = 0.0,
        timeout_before_commit: float = 0.0,
        drop_after_commit: float = 0.0,
        drop_before_commit: float = 0.0,
        slow: float = 0.0,
        bad_request: float = 0.0,
        token_expired: float = 0.0,
        seed: int | None = None,
        routes: Iterable[str] | str | None = None,
        retry_after: int | str | None = None,
        timeout_s: float | None = None,
        slow_s: float | None = None,
        bad_request_body: dict[str, Any] | None = None,
    ) -> None:
        """Sets the random fault mix: every probability not given becomes 0, so one call
        describes the whole mix. ``routes`` limits the random faults to those routes
        (default: every submissions route, not the token endpoints; ``"*"`` for all).
        ``seed`` restarts the random draws. ``retry_after`` (seconds, or an HTTP date
        string), ``timeout_s``, ``slow_s`` and ``bad_request_body`` keep their previous
        values when not given."""
        probabilities = {
            "error_500": error_500,
            "error_502_retry_after": error_502_retry_after,
            "error_503_retry_after": error_503_retry_after,
            "error_429_retry_after": error_429_retry_after,
            "timeout": timeout,
            "timeout_before_commit": timeout_before_commit,
            "drop_after_commit": drop_after_commit,
            "drop_before_commit": drop_before_commit,
            "slow": slow,
            "bad_request": bad_request,
            "token_expired": token_expired,
        }
        if any(p < 0 for p in probabilities.values()) or sum(probabilities.values()) > 1.0:
            raise ValueError(f"fault probabilities must be >= 0 and sum to <= 1: {probabilities}")
        chosen_routes = _routes(routes)
        with self._lock:
            self._probabilities = probabilities
            self._routes = chosen_routes
            if seed is not None:
                self._rng = random.Random(seed)
            if retry_after is not None:
                self.retry_after = retry_after
            if timeout_s is not None:
                self.timeout_s = timeout_s
            if slow_s is not None:
                self.slow_s = slow_s
            if bad_request_body is not None:
                self.bad_request_body = dict(bad_request_body)

    def queue(self, kind: str, n: int = 1, *, routes: Iterable[str] | str | None = None) -> None:
        """The next ``n`` requests to ``routes`` (default: the submissions routes) get
        fault ``kind``, before any random fault."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {KINDS}")
        chosen = _routes(routes)
        with self._lock:
            self._queue.extend([(kind, chosen)] * n)

    def clear(self) -> None:
        """No more faults: probabilities to 0 and the queue emptied (counts are kept)."""
        with self._lock:
            self._probabilities = dict.fromkeys(KINDS, 0.0)
            self._queue.clear()

    @property
    def pending(self) -> int:
        """How many queued faults are still to be served."""
        with self._lock:
            return len(self._queue)

    @property
    def injected(self) -> dict[str, int]:
        """How many faults of each kind the server has injected so far."""
        with self._lock:
            return dict(self._injected)

    @property
    def total_injected(self) -> int:
        with self._lock:
            return sum(self._injected.values())

    def pick(self, route: str) -> str | None:
        """The fault for one request to ``route``, or None (the server calls this)."""
        with self._lock:
            for index, (kind, routes) in enumerate(self._queue):
                if route in routes:
                    del self._queue[index]
                    return kind
            if route not in self._routes:
                return None
            draw = self._rng.random()
            total = 0.0
            for kind in KINDS:
                total += self._probabilities[kind]
                if draw < total:
                    return kind
            return None

    def record(self, kind: str) -> None:
        """Counts one injected fault (the server calls this when it injects one)."""
        with self._lock:
            self._injected[kind] += 1
