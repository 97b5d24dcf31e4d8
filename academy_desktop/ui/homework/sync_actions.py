""" "Send to server" for a homework, through the window's sync controller.

Like the exam's "Send now" (:meth:`SyncController.send_exam_now`): the homework's
analysed submissions go into the outbox
(:func:`academy_desktop.sync.outbox.mark_homework_ready`, the same call as
``main.py sync``), are made due at once, and the runner is woken - or the sign-in
dialog opens when nobody is signed in; they wait in the outbox meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from academy_desktop.sync import outbox
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.sync_ui import SyncController


def send_homework_now(
    controller: SyncController, homework_id: int, done: Callable[[Any], None] | None = None
) -> bool:
    """Put the homework's analysed files in the outbox and send them now; ``done``
    gets the outbox's ``MarkSummary``. Always True (the work runs on the db lane)."""
    ws = controller.ctx.workspace

    def work(_state: OpState) -> tuple[Any, list[int]]:
        with ws.write() as s:
            summary = outbox.mark_homework_ready(s, homework_id)
            ids = outbox.analysed_homework_ids(s, homework_id)
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


__all__ = ["send_homework_now"]
