""" "Send to server" for a homework, through the window's sync controller.

Like the exam's "Send now" (:meth:`SyncController.send_exam_now`): the homework's
analysed submissions go into the outbox
(:func:`academy_desktop.sync.outbox.mark_homework_ready`, the same call as
``main.py sync``), are made due at once, and the runner is woken - or the sign-in
dialog opens when nobody is signed in; they wait in the outbox meanwhile.

While the sync package has no ``mark_homework_ready`` yet, :func:`available` is
False and the page leaves its action disabled.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from academy_desktop.store.models import Submission, SubmissionStatus
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.sync_ui import SyncController


def _mark_homework_ready() -> Callable[..., Any] | None:
    outbox = importlib.import_module("academy_desktop.sync.outbox")
    fn = getattr(outbox, "mark_homework_ready", None)
    return fn if callable(fn) else None


def available() -> bool:
    """Whether homework can be sent (the sync package knows homework)."""
    return _mark_homework_ready() is not None


def send_homework_now(
    controller: SyncController, homework_id: int, done: Callable[[Any], None] | None = None
) -> bool:
    """Put the homework's analysed files in the outbox and send them now.

    ``done`` gets the store's ``MarkSummary``. False when sending homework is not
    possible yet (see :func:`available`)."""
    mark = _mark_homework_ready()
    if mark is None:
        return False
    from academy_desktop.sync import outbox

    ws = controller.ctx.workspace

    def work(_state: OpState) -> tuple[Any, list[int]]:
        with ws.write() as s:
            summary = mark(s, homework_id)
            ids = list(
                s.scalars(
                    select(Submission.id).where(
                        Submission.homework_id == homework_id,
                        Submission.status == SubmissionStatus.DONE,
                    )
                )
            )
            if ids:
                outbox.send_now(s, ids)
            return summary, ids

    def sent(result: tuple[Any, list[int]]) -> None:
        summary, ids = result
        if ids:
            controller.items_changed.emit(ids)
        if controller.indicator().kind == "sign_in":
            controller.open_sign_in()  # the files wait in the outbox meanwhile
        else:
            controller.wake()
        if done is not None:
            done(summary)

    BackgroundOp(controller, work, sent).run_in_background(controller.ctx.runner, "db")
    return True


__all__ = ["available", "send_homework_now"]
