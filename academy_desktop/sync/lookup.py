"""Finding items on the server: the search pass that settles lost answers and learns
the ids the seed's 201 leaves out, and "retry on server". Part of the outbox runner
(:class:`LookupMixin` is a base of :class:`~academy_desktop.sync.runner.SyncRunner`).

An item whose earlier POST may have reached the server (a timeout, a dropped
connection, a 5xx, a crash) is never posted again before the server's list
(``GET /api/v1/submissions/``, newest first, plain or paginated) was searched for its
``payload.client.submission_uuid``. Due uncertain items are searched together in one
pass, which stops when all are found or at the highest server id that was known when
their POST started (``id_floor``: a later POST always gets a higher id).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.store import Workspace
from academy_desktop.store.models import OutboxItem, OutboxState
from academy_desktop.sync import outbox
from academy_desktop.sync.auth import AuthState
from academy_desktop.sync.client import ServerClient, server_id_of, submission_uuid_of
from academy_desktop.sync.config import SyncConfig
from academy_desktop.sync.errors import Retryable, ServerRejected
from academy_desktop.sync.events import RunSummary

log = logging.getLogger("academy_desktop.sync.runner")

_NO_ID = (
    "서버가 제출 번호를 알려 주지 않았고 목록에서도 찾지 못했습니다 / "
    "The server gave no submission id and its list does not show it"
)


class LookupMixin:
    """The runner's look-ups on the server's list (see the module doc)."""

    workspace: Workspace
    config: SyncConfig
    _max_id: int
    _summary: RunSummary

    @property
    def _scale(self) -> float:
        return self.config.backoff_scale

    def _item_event(self, item: OutboxItem, message: str = "") -> None:
        raise NotImplementedError

    def _search(
        self, client: ServerClient, wanted: set[str], floor: int
    ) -> tuple[dict[str, tuple[int | None, dict[str, Any]]], Retryable | None]:
        """Page through the server's list (newest first) for the wanted uuids, down to
        ``floor``: ``(found, error)``; ``error`` is set when the pass broke off (what
        was found before stays found)."""
        found: dict[str, tuple[int | None, dict[str, Any]]] = {}
        try:
            for listed in client.iter_submissions():
                sid = server_id_of(listed)
                if sid is not None:
                    if sid <= floor:
                        break
                    self._max_id = max(self._max_id, sid)
                uuid = submission_uuid_of(listed)
                if uuid in wanted and uuid not in found:
                    found[uuid] = (sid, listed)
                    if len(found) == len(wanted):
                        break
        except Retryable as exc:
            return found, exc
        return found, None

    def _search_pass(self, client: ServerClient, now: datetime) -> set[int]:
        """Look up due uncertain items (found -> done; certainly absent -> cleared to
        be posted, or needs attention when out of attempts; the list failing -> a
        failed attempt) and sent items without a server id. Returns the uncertain
        items settled here, which must not be posted now."""
        with self.workspace.read() as s:
            unsure = {
                it.idempotency_key: (it.id, it.id_floor) for it in outbox.due_uncertain(s, now)
            }
            lookups = {
                it.idempotency_key: (it.id, it.id_floor) for it in outbox.missing_ids(s, now)
            }
        wanted = set(unsure) | set(lookups)
        if not wanted:
            return set()
        floor = min((f or 0) for _, f in [*unsure.values(), *lookups.values()])
        found, error = self._search(client, wanted, floor)
        settled: set[int] = set()
        with self.workspace.write() as s:
            for uuid, (item_id, _) in unsure.items():
                item = s.get(OutboxItem, item_id)
                if item is None or item.state != OutboxState.PENDING:
                    settled.add(item_id)
                    continue
                if uuid in found:
                    sid, listed = found[uuid]
                    outbox.record_sent(
                        s, item, sid, listed, via=outbox.SENT_FOUND, now=now, scale=self._scale
                    )
                    self._summary.found += 1
                    settled.add(item_id)
                    log.info(
                        "submission %s was already on the server (#%s)", item.submission_id, sid
                    )
                    self._item_event(item, "found on the server")
                elif error is not None:  # not looked up: a failed attempt
                    self._count_failed(s, item, error, now)
                    settled.add(item_id)
                elif item.attempt_count >= self.config.max_attempts:
                    item.post_uncertain = False  # looked up: certainly not there
                    outbox.to_attention(item, item.last_error or "-")
                    self._summary.gave_up += 1
                    settled.add(item_id)
                    self._item_event(item, item.attention_reason or "")
                else:
                    item.post_uncertain = False
            for uuid, (item_id, _) in lookups.items():
                item = s.get(OutboxItem, item_id)
                if item is None:
                    continue
                hit = found.get(uuid)
                if hit is not None and hit[0] is not None:
                    item.server_submission_id = hit[0]
                    outbox.record_status(s, item, hit[1], now=now, scale=self._scale)
                    self._item_event(item)
                elif error is None and item.status_polls + 1 >= self.config.max_attempts:
                    outbox.postpone_poll(s, item, now=now, scale=self._scale, stop=_NO_ID)
                else:
                    outbox.postpone_poll(s, item, now=now, scale=self._scale)
        return settled

    def _count_failed(self, s: Session, item: OutboxItem, exc: Retryable, now: datetime) -> None:
        """The list could not be read: a failed attempt for an uncertain item."""
        item.attempt_count += 1
        if item.attempt_count >= self.config.max_attempts:
            outbox.to_attention(item, str(exc))  # still uncertain: looked up on requeue
            self._summary.gave_up += 1
        else:
            outbox.record_retry(
                s,
                item,
                exc,
                now=now,
                max_attempts=self.config.max_attempts,
                scale=self._scale,
                uncertain=True,  # still not looked up
            )
        self._item_event(item, str(exc))


def retry_on_server(
    workspace: Workspace, config: SyncConfig, auth: AuthState, submission_id: int
) -> str:
    """ "Retry on server" for a sheet whose server processing failed
    (``POST /api/v1/submissions/<id>/retry/``); returns the new server status.

    A 400 ("Only FAILED submissions can be retried.") raises :class:`ServerRejected`
    whose ``body`` is the server's answer as it is. Safe on any thread (own client);
    wake the runner afterwards so that it polls the status again."""
    with workspace.read() as s:
        item = s.scalars(
            select(OutboxItem).where(OutboxItem.submission_id == submission_id)
        ).first()
        server_id = item.server_submission_id if item is not None else None
    if server_id is None:
        raise ServerRejected(
            400,
            {"detail": "이 답안지는 아직 서버에 없습니다 / This sheet is not on the server yet"},
        )
    with ServerClient(config, auth) as client:
        data = client.retry_submission(server_id)
    with workspace.write() as s:
        item = s.scalars(select(OutboxItem).where(OutboxItem.submission_id == submission_id)).one()
        outbox.server_retry_started(s, item, data)
        return item.server_status or ""


__all__ = ["LookupMixin", "retry_on_server"]
