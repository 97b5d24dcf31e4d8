"""The outbox runner: sends due items, looks up lost answers, polls server statuses.

Run it on a background thread (never the UI thread)::

    runner = SyncRunner(workspace, config, AuthState.load(config), auto_send=settings.auto_send)
    # worker thread:
    summary = runner.run(state, on_event=state.publish)   # until state.cancel()/runner.stop()
    # any thread:
    runner.wake()       # new items, a mapping changed, signed in again, network back
    runner.status()     # phase, counts, n/m for a status-bar indicator

``run(until_idle=True)`` returns when nothing is left to upload (the command line).

**Durable and crash-safe.** All state is in the workspace database and every step is
its own short transaction: the lease before a POST (``sending``, ``attempt_count + 1``,
``post_uncertain``) is committed before the request leaves, and the outcome after it
comes back. After a ``kill -9`` the next run finds the item ``sending``, makes it
pending and uncertain, and looks for it on the server before posting it again.

**Exactly once.** An item whose earlier POST may have reached the server (a timeout, a
dropped connection, a 5xx, a crash) is never posted again before the server's list
(``GET /api/v1/submissions/``, newest first, plain or paginated) was searched for its
``payload.client.submission_uuid``. Due uncertain items are searched together in one
pass, which stops when all are found or at the highest server id that was known when
their POST started (``id_floor``: a later POST always gets a higher id).

**Errors.** 4xx -> needs attention with the server's message; 5xx, 429, timeouts and
lost connections -> retried after ``min(120, 2 ** (attempt - 1) * 2)`` s (at least the
server's ``Retry-After``; at least the request timeout after a timeout, so that a slow
server finishes before the item is looked up); after ``max_attempts`` -> needs
attention. No connection at all -> *offline*: nothing is counted and the runner tries
again after 1, 2, 4 ... 30 s, or at once on :meth:`SyncRunner.wake`. A 401 that a
token refresh does not cure -> *sign in again*: the runner pauses, nothing changes,
and :meth:`SyncRunner.wake` after a new sign-in resumes it.

Items are OMR sheets and homework files alike. The pieces: what is sent is read by
:mod:`~academy_desktop.sync.prepare`, the look-ups on the server's list are in
:mod:`~academy_desktop.sync.lookup`, the events and status types in
:mod:`~academy_desktop.sync.events` (all re-exported here).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.orm import Session

from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.store import Workspace
from academy_desktop.store.models import OutboxItem, OutboxState, utcnow
from academy_desktop.sync import outbox
from academy_desktop.sync.auth import NOT_SIGNED_IN, AuthState
from academy_desktop.sync.client import ServerClient, server_id_of
from academy_desktop.sync.config import SyncConfig
from academy_desktop.sync.errors import AuthRequired, Offline, Retryable, ServerRejected
from academy_desktop.sync.events import Phase, RunnerStatus, RunSummary, SyncEvent
from academy_desktop.sync.lookup import LookupMixin, retry_on_server
from academy_desktop.sync.prepare import Prepared, prepare_upload
from academy_desktop.sync.views import aware_utc

log = logging.getLogger(__name__)

BATCH = 16  # items picked per step
POLL_BATCH = 32  # status polls per step
AUTO_SEND_EVERY_S = 30.0
# held items are checked again this often; the window also wakes the runner after each
# review decision (ui.sync_controller), so this is the fallback
HELD_RECHECK_S = 30.0
IDLE_WAKE_S = 30.0  # the longest sleep with nothing due (checks held items and auto-send)
OFFLINE_MAX_S = 30.0


class SyncRunner(LookupMixin):
    """See the module documentation."""

    def __init__(
        self,
        workspace: Workspace,
        config: SyncConfig,
        auth: AuthState,
        *,
        auto_send: bool = False,
        client_factory: Callable[[SyncConfig, AuthState], ServerClient] | None = None,
    ) -> None:
        self.workspace = workspace
        self.config = config
        self.auth = auth
        self.auto_send = auto_send
        self._client_factory = client_factory or (lambda c, a: ServerClient(c, a))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state: TaskState = TaskState()
        self._on_event: Callable[[SyncEvent], None] | None = None
        self._max_id = 0
        self._summary = RunSummary()
        self._status = RunnerStatus(Phase.STOPPED, "", outbox.OutboxCounts(), 0, 0, 0)
        self._last_auto_send = 0.0
        self._last_recheck = 0.0

    # ------------------------------------------------------------ thread-safe controls

    def wake(self) -> None:
        """Look at the outbox now (new items, mapping changed, signed in, network back)."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def status(self) -> RunnerStatus:
        with self._lock:
            return self._status

    # ------------------------------------------------------------ helpers

    def _cancelled(self) -> bool:
        return self._stop.is_set() or self._state.is_cancelled

    def _emit(self, event: SyncEvent) -> None:
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:  # a broken listener must not stop the outbox
                log.exception("sync event listener failed")

    def _set_phase(self, phase: Phase, message: str = "") -> None:
        with self._lock:
            changed = self._status.phase != phase or self._status.message != message
            self._status = replace(self._status, phase=phase, message=message)
        if changed:
            if message:
                log.info("sync %s: %s", phase.value, message)
            self._emit(SyncEvent("phase", message=message, phase=phase))

    def _refresh_counts(self) -> None:
        with self.workspace.read() as s:
            counts = outbox.counts(s)
        s_ = self._summary
        with self._lock:
            self._status = replace(
                self._status,
                counts=counts,
                posted=s_.posted,
                found=s_.found,
                remaining=counts.pending,
            )
            status = self._status
        done, total = status.progress
        if total:
            self._state.report(
                done / total,
                f"서버로 보내는 중 {done}/{total} / Sending to the server {done}/{total}",
            )

    def _item_event(self, item: OutboxItem, message: str = "") -> None:
        self._emit(
            SyncEvent(
                "item",
                submission_id=item.submission_id,
                state=item.state,
                server_status=item.server_status,
                message=message,
            )
        )

    def _wait(self, seconds: float | None) -> None:
        """Sleep up to ``seconds`` (None: until woken), waking on wake(), stop or cancel."""
        deadline = None if seconds is None else time.monotonic() + max(0.0, seconds)
        while not self._cancelled() and not self._wake.is_set():
            left = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
            if left <= 0:
                return
            self._wake.wait(left)

    # ------------------------------------------------------------ the loop

    def run(
        self,
        state: TaskState | None = None,
        *,
        until_idle: bool = False,
        wait_for_status: bool = False,
        offline_give_up_s: float | None = None,
        on_event: Callable[[SyncEvent], None] | None = None,
    ) -> RunSummary:
        """Work the outbox until cancelled (``state.cancel()`` or :meth:`stop`).

        ``until_idle``: return when nothing is left to upload (and, with
        ``wait_for_status``, no status is still being polled), when the server asks for
        a new sign-in, or after ``offline_give_up_s`` seconds without a connection.
        """
        self._state = state or TaskState()
        self._on_event = on_event
        self._summary = RunSummary()
        client = self._client_factory(self.config, self.auth)
        offline_since: float | None = None
        offline_delay = 0.0
        try:
            with self.workspace.write() as s:
                reset = outbox.reset_in_flight(s)
                self._max_id = outbox.max_server_id(s)
                outbox.recheck_held(s)
            self._last_recheck = time.monotonic()
            if reset:
                log.info("%d items were in flight when sync stopped: they are looked up", reset)
            self._refresh_counts()
            c = self._status.counts
            log.info(
                "sync started: %d to send, %d held, %d need attention, %d on the server",
                c.pending, c.held, c.attention, c.sent,
            )  # fmt: skip
            if self.auth.signed_in:
                self._set_phase(Phase.SYNCING)
            else:
                self._set_phase(Phase.SIGN_IN, NOT_SIGNED_IN)
            while not self._cancelled():
                if self._wake.is_set():
                    self._wake.clear()
                    self._on_wake()
                if self._status.phase == Phase.SIGN_IN:
                    if until_idle:
                        break
                    self._wait(None)
                    continue
                self._maybe_auto_send()
                self._maybe_recheck()
                try:
                    worked = self._step(client)
                except Offline as exc:
                    now = time.monotonic()
                    offline_since = offline_since if offline_since is not None else now
                    self._set_phase(Phase.OFFLINE, str(exc))
                    if (
                        until_idle
                        and offline_give_up_s is not None
                        and now - offline_since >= offline_give_up_s
                    ):
                        break
                    offline_delay = min(OFFLINE_MAX_S, max(1.0, offline_delay * 2))
                    self._wait(offline_delay * self._scale)
                    continue
                except AuthRequired as exc:
                    self._set_phase(Phase.SIGN_IN, str(exc))
                    continue
                offline_since, offline_delay = None, 0.0
                if worked:
                    self._set_phase(Phase.SYNCING)
                    self._refresh_counts()
                    continue
                with self.workspace.read() as s:
                    open_items = outbox.open_work(s, polls=False)
                    open_polls = outbox.open_work(s, polls=True) - open_items
                    nxt = outbox.next_due(s, polls=True)
                self._refresh_counts()
                if until_idle and open_items == 0 and (not wait_for_status or open_polls == 0):
                    self._set_phase(Phase.IDLE)
                    break
                self._set_phase(Phase.WAITING if open_items else Phase.IDLE)
                delay = IDLE_WAKE_S
                if nxt is not None:
                    delay = min(delay, max(0.0, (nxt - utcnow()).total_seconds()) + 0.01)
                if self._status.counts.held:
                    recheck = self._last_recheck + HELD_RECHECK_S - time.monotonic()
                    delay = min(delay, max(0.0, recheck) + 0.01)
                self._wait(delay)
        except Cancelled:
            pass
        finally:
            client.close()
            self._stop.clear()  # stop() ends this run; the next run() starts afresh
            with self._lock:
                phase, message = self._status.phase, self._status.message
            self._refresh_counts()
            self._summary.phase = phase if phase in (Phase.SIGN_IN, Phase.OFFLINE) else Phase.IDLE
            self._summary.message = message
            self._summary.counts = self.status().counts
            self._set_phase(Phase.STOPPED, message if phase == Phase.SIGN_IN else "")
            s_ = self._summary
            log.info(
                "sync stopped (%s): %d posted, %d found on the server, %d refused, %d gave up",
                phase.value, s_.posted, s_.found, s_.rejected, s_.gave_up,
            )  # fmt: skip
        return self._summary

    def _on_wake(self) -> None:
        if self._status.phase == Phase.SIGN_IN and self.auth.reload():
            self._set_phase(Phase.SYNCING)
        with self.workspace.write() as s:
            outbox.recheck_held(s)
        self._last_recheck = time.monotonic()
        self._last_auto_send = 0.0

    def _maybe_recheck(self) -> None:
        """Held items again every :data:`HELD_RECHECK_S`: a review settled or a file
        analysed in the window releases them without a :meth:`wake`."""
        if not self._status.counts.held or time.monotonic() - self._last_recheck < HELD_RECHECK_S:
            return
        self._last_recheck = time.monotonic()
        with self.workspace.write() as s:
            released = outbox.recheck_held(s)
        if released:
            log.info("%d held items are complete now and will be sent", released)

    def _maybe_auto_send(self) -> None:
        if not self.auto_send or time.monotonic() - self._last_auto_send < AUTO_SEND_EVERY_S:
            return
        self._last_auto_send = time.monotonic()
        with self.workspace.write() as s:
            added = outbox.enqueue_new_graded(s)
        if added:
            log.info("auto-send: %d graded sheets added to the outbox", added)

    def _step(self, client: ServerClient) -> bool:
        """One batch of due uploads, else one batch of due status polls; True if any.

        Uploads go first. Before a batch holding an uncertain item is posted, one pass
        through the server's list looks up every due uncertain item and every sent item
        whose id is still unknown (a pass costs pages, an extra item nothing)."""
        now = utcnow()
        with self.workspace.read() as s:
            due = [(it.id, it.post_uncertain) for it in outbox.due_items(s, now, BATCH)]
        if due:
            settled = self._search_pass(client, now) if any(u for _, u in due) else set()
            for item_id, _ in due:
                if self._cancelled():
                    break
                if item_id not in settled:
                    self._send(client, item_id)
            return True
        with self.workspace.read() as s:
            polls = [
                (it.id, it.server_submission_id) for it in outbox.due_polls(s, now, POLL_BATCH)
            ]
        if not polls:
            return False
        if any(sid is None for _, sid in polls):
            self._search_pass(client, now)
        for item_id, sid in polls:
            if self._cancelled():
                break
            if sid is not None:
                self._poll(client, item_id, sid)
        return True

    def _prepare(self, item_id: int) -> Prepared | list[str] | None:
        """Everything to send (None: the item changed meanwhile; a list: hold reasons)."""
        return prepare_upload(self.workspace, item_id)

    def _send(self, client: ServerClient, item_id: int) -> None:
        prepared = self._prepare(item_id)
        if prepared is None:
            return
        if isinstance(prepared, list):
            with self.workspace.write() as s:
                item = s.get(OutboxItem, item_id)
                if item is not None and item.state == OutboxState.PENDING:
                    outbox.record_held(s, item, prepared)
                    self._summary.held += 1
                    self._item_event(item, item.held_reason or "")
            return
        with self.workspace.write() as s:
            item = s.get(OutboxItem, item_id)
            if item is None or item.state != OutboxState.PENDING:
                return
            outbox.begin_attempt(s, item, utcnow(), self._max_id)
            item.file_sha256 = prepared.file_sha256
        try:
            created = client.create_submission(
                prepared.fields, prepared.upload, on_bytes=self._upload_progress
            )
        except ServerRejected as exc:
            refused = exc
            self._finish(item_id, lambda s, it: outbox.record_rejected(s, it, refused))
            self._summary.rejected += 1
            log.warning("submission %s refused: %s", prepared.submission_id, exc)
            return
        except Retryable as exc:
            failure = exc
            self._finish(item_id, lambda s, it: self._retry(s, it, failure))
            log.info("submission %s: %s (attempt will be repeated)", prepared.submission_id, exc)
            return
        except (Offline, AuthRequired) as exc:
            not_sent = str(exc)
            self._finish(item_id, lambda s, it: outbox.undo_attempt(s, it, not_sent))
            raise
        except Cancelled:
            self._finish(item_id, outbox.interrupt_attempt)
            raise
        sid = server_id_of(created)
        if sid is not None:
            self._max_id = max(self._max_id, sid)

        def sent(s: Session, it: OutboxItem) -> None:
            outbox.record_sent(
                s, it, sid, created, via=outbox.SENT_POSTED, now=utcnow(), scale=self._scale
            )

        self._finish(item_id, sent)
        self._summary.posted += 1

    def _retry(self, s: Session, item: OutboxItem, exc: Retryable) -> None:
        now = utcnow()
        outbox.record_retry(
            s, item, exc, now=now, max_attempts=self.config.max_attempts, scale=self._scale
        )
        if item.state == OutboxState.NEEDS_ATTENTION:
            self._summary.gave_up += 1
        elif exc.maybe_sent and exc.status is None:
            # a timeout or a lost connection: give a slow server as long again to finish
            # before the item is looked up (otherwise the lookup could miss it)
            settle = now + timedelta(seconds=self.config.timeout_s)
            if aware_utc(item.next_run_at) < settle:
                item.next_run_at = settle

    def _finish(self, item_id: int, apply: Callable[[Session, OutboxItem], None]) -> None:
        with self.workspace.write() as s:
            item = s.get(OutboxItem, item_id)
            if item is None:
                return
            apply(s, item)
            self._item_event(item, item.attention_reason or item.last_error or "")

    def _upload_progress(self, sent: int, total: int) -> None:
        if self._cancelled():
            raise Cancelled()

    # ------------------------------------------------------------ status polls

    def _poll(self, client: ServerClient, item_id: int, server_id: int) -> None:
        now = utcnow()
        try:
            data = client.get_submission(server_id)
        except Retryable:
            self._finish(
                item_id, lambda s, it: outbox.postpone_poll(s, it, now=now, scale=self._scale)
            )
            return
        except ServerRejected as exc:
            stop = (
                f"서버에서 상태를 읽을 수 없습니다 (HTTP {exc.status}) / "
                f"The server's status cannot be read (HTTP {exc.status})"
            )
            self._finish(
                item_id,
                lambda s, it: outbox.postpone_poll(s, it, now=now, scale=self._scale, stop=stop),
            )
            return
        self._summary.polls += 1
        self._finish(
            item_id, lambda s, it: outbox.record_status(s, it, data, now=now, scale=self._scale)
        )


__all__ = [
    "BATCH",
    "Phase",
    "RunSummary",
    "RunnerStatus",
    "SyncEvent",
    "SyncRunner",
    "retry_on_server",
]
