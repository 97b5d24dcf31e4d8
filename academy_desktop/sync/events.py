"""What the outbox runner reports: its phase, per-item events, a status snapshot for
the window and a summary for the command line (re-exported by
:mod:`academy_desktop.sync.runner`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from academy_desktop.sync.views import OutboxCounts


class Phase(StrEnum):
    IDLE = "idle"  # nothing to send
    SYNCING = "syncing"
    WAITING = "waiting"  # items wait for their next attempt
    OFFLINE = "offline"
    SIGN_IN = "sign_in_required"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SyncEvent:
    """What the runner reports to ``on_event`` (from its own thread)."""

    kind: str  # "item" (an item changed), "phase" (the runner's phase changed)
    submission_id: int | None = None
    state: str | None = None  # OutboxState after the change
    server_status: str | None = None
    message: str = ""
    phase: Phase | None = None


@dataclass(frozen=True)
class RunnerStatus:
    """A snapshot for the window: the phase, its message and the counts."""

    phase: Phase
    message: str
    counts: OutboxCounts
    posted: int  # this run: created by our POST
    found: int  # this run: found on the server (a lost answer), not posted again
    remaining: int  # to upload now (pending or in flight)

    @property
    def progress(self) -> tuple[int, int]:
        """``(n, m)`` for "syncing n/m": items finished this run of those in play."""
        done = self.posted + self.found
        return done, done + self.remaining


@dataclass
class RunSummary:
    posted: int = 0
    found: int = 0  # already on the server when looked up (lost answers)
    rejected: int = 0  # a 4xx this run
    gave_up: int = 0  # out of attempts this run
    held: int = 0  # held when their turn came
    polls: int = 0
    phase: Phase = Phase.STOPPED  # the phase when run() returned
    message: str = ""
    counts: OutboxCounts = field(default_factory=OutboxCounts)


__all__ = ["Phase", "RunSummary", "RunnerStatus", "SyncEvent"]
