"""The window's sync parts against the loopback test server: sign-in, "Send now",
the status-bar indicator, the Server column and the needs-attention dialog."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sync_client.support import MemoryKeyring

from academy_desktop.store.models import Exam, OutboxItem, Student
from academy_desktop.sync import mapping, outbox
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.results_view import COL_SERVER, ResultsPanel
from academy_desktop.ui.sign_in_dialog import SignInDialog
from academy_desktop.ui.sync_ui import AttentionDialog, SyncController, SyncIndicator
from ui.ui_helpers import grade_exam

EXAM = "모의고사"
CLEAN_SAMPLE = 4  # kr-20q-sample-4: student 20250004, nothing flagged (sent, not held)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("ACADEMY_TOKEN", raising=False)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def server() -> Iterator[Any]:
    from syncserver import start_server

    srv = start_server(users={"staff": "pw"}, status_step_s=0)
    try:
        yield srv
    finally:
        srv.stop()
        assert srv.errors == []


def mapped_exam(ctx: AppContext, samples: list[int]) -> int:
    """Grade bundled samples, map the exam and enrol its students."""
    exam_id = grade_exam(ctx.workspace, EXAM, samples)
    with ctx.workspace.write() as s:
        exam = s.get(Exam, exam_id)
        assert exam is not None
        for i in samples:
            s.add(Student(number=f"2025000{i}", name=f"학생{i}"))
        s.flush()
        mapping.set_exam_mapping(
            s,
            exam,
            target_id=77,
            sheet_id=45,
            question_ids={str(q): 8800 + q for q in range(1, 21)},
        )
        mapping.set_enrollment_ids(s, {f"2025000{i}": 3000 + i for i in samples})
    return exam_id


def cell_text(dialog: AttentionDialog, row: int, col: int) -> str:
    item = dialog.table.item(row, col)
    assert item is not None
    return item.text()


def sign_in(qtbot: QtBot, ctx: AppContext, controller: SyncController, url: str) -> None:
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.signed_in.connect(lambda _u: controller.signed_in())
    dialog.url_edit.setText(url)
    dialog.user_edit.setText("staff")
    dialog.password_edit.setText("wrong")
    dialog.sign_in()
    qtbot.waitUntil(lambda: not dialog.error_label.isHidden() and not dialog.busy, timeout=5000)
    assert "sign-in" in dialog.error_label.text()  # in plain words, not a traceback
    dialog.password_edit.setText("pw")
    with qtbot.waitSignal(dialog.signed_in, timeout=5000):
        dialog.sign_in()
    assert ctx.settings.server_url == url  # saved on success


def test_sign_in_send_now_reaches_all_sent(qtbot: QtBot, ctx: AppContext, server: Any) -> None:
    controller = SyncController(ctx)
    indicator = SyncIndicator(controller)
    qtbot.addWidget(indicator)
    assert indicator.text() == "Offline" and indicator.state is not None
    assert indicator.state.kind == "not_set_up"
    exam_id = mapped_exam(ctx, [CLEAN_SAMPLE])
    results = ResultsPanel(ctx)
    qtbot.addWidget(results)
    results.show_exam(exam_id)
    controller.items_changed.connect(results.model.refresh_server_states)
    assert results.model.data(results.model.index(0, COL_SERVER)) == ""

    sign_in(qtbot, ctx, controller, server.url)
    qtbot.waitUntil(lambda: controller.running, timeout=3000)
    assert server.state.submissions == []  # nothing is sent before "Send now"
    controller.set_exam(exam_id)
    assert controller.send_now_action.isEnabled()
    controller.send_now_action.trigger()
    qtbot.waitUntil(lambda: indicator.text() == "All sent", timeout=8000)
    assert len(server.state.submissions) == 1
    sent = server.state.submissions[0]
    assert sent["enrollment_id"] == 3000 + CLEAN_SAMPLE and sent["target_id"] == 77
    qtbot.waitUntil(
        lambda: str(results.model.data(results.model.index(0, COL_SERVER))).startswith("Server"),
        timeout=5000,
    )
    controller.shutdown()
    qtbot.waitUntil(lambda: not controller.running, timeout=3000)


def test_refused_item_shows_in_attention_dialog(qtbot: QtBot, ctx: AppContext, server: Any) -> None:
    exam_id = mapped_exam(ctx, [CLEAN_SAMPLE])
    controller = SyncController(ctx)
    indicator = SyncIndicator(controller)
    qtbot.addWidget(indicator)
    sign_in(qtbot, ctx, controller, server.url)
    server.faults.configure(bad_request_body={"enrollment_id": ["수강 정보가 없습니다"]})
    server.faults.queue("bad_request", n=1, routes={"submissions_create"})
    with ctx.workspace.write() as s:
        outbox.mark_exam_ready(s, exam_id)
    controller.wake()
    qtbot.waitUntil(lambda: indicator.text() == "Needs attention 1", timeout=8000)
    assert server.state.submissions == []

    dialog = AttentionDialog(controller)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=3000)
    message = cell_text(dialog, 0, dialog.COL_MESSAGE)
    assert "수강 정보가 없습니다" in message
    assert dialog.send_again_button.isEnabled() and not dialog.retry_button.isEnabled()
    assert '"enrollment_id"' in dialog.details.toPlainText()  # the server's body as it came

    dialog.send_again()  # the fault was one-shot: this time the server takes it
    qtbot.waitUntil(lambda: indicator.text() == "All sent", timeout=8000)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=3000)
    assert len(server.state.submissions) == 1

    # the server reported the sheet failed: "Retry on server"; a 400 is shown as it is
    server_id = server.state.submissions[0]["id"]
    with ctx.workspace.write() as s:
        item = s.scalars(select(OutboxItem)).one()
        item.server_status, item.server_message = "failed", "AI worker failed"
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=3000)
    assert "AI worker failed" in cell_text(dialog, 0, dialog.COL_MESSAGE)
    assert dialog.retry_button.isEnabled() and not dialog.send_again_button.isEnabled()
    dialog.retry_on_server()  # the server's copy is done: it refuses
    qtbot.waitUntil(lambda: "HTTP 400" in dialog.result_label.text(), timeout=5000)
    assert "Only FAILED submissions can be retried." in dialog.result_label.text()
    server.fail_submission(server_id, "AI worker failed")
    dialog.retry_on_server()
    qtbot.waitUntil(lambda: "dispatched" in dialog.result_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=3000)
    controller.shutdown()
    qtbot.waitUntil(lambda: not controller.running, timeout=3000)


def test_settings_change_restarts_and_sign_in_needed(
    qtbot: QtBot, ctx: AppContext, server: Any
) -> None:
    controller = SyncController(ctx)
    indicator = SyncIndicator(controller)
    qtbot.addWidget(indicator)
    ctx.save_settings(dataclasses.replace(ctx.settings, server_url=server.url))
    qtbot.waitUntil(lambda: indicator.text() == "Sign in", timeout=3000)
    assert not controller.running  # no token: nothing runs
    ctx.save_settings(dataclasses.replace(ctx.settings, server_url="http://example.com"))
    qtbot.waitUntil(lambda: indicator.state is not None and "https" in indicator.toolTip())
    assert indicator.text() == "Offline"
    controller.shutdown()


def test_expired_sign_in_pauses_then_resumes(qtbot: QtBot, ctx: AppContext, server: Any) -> None:
    exam_id = mapped_exam(ctx, [CLEAN_SAMPLE])
    controller = SyncController(ctx)
    indicator = SyncIndicator(controller)
    qtbot.addWidget(indicator)
    sign_in(qtbot, ctx, controller, server.url)
    qtbot.waitUntil(lambda: controller.running, timeout=3000)
    server.expire_tokens(refresh=True)  # the refresh token is refused too
    controller.send_exam_now(exam_id)
    qtbot.waitUntil(lambda: indicator.text() == "Sign in again", timeout=8000)
    assert indicator.state is not None and indicator.state.kind == "sign_in"
    assert server.state.submissions == []
    sign_in(qtbot, ctx, controller, server.url)  # the runner resumes where it paused
    qtbot.waitUntil(lambda: indicator.text() == "All sent", timeout=8000)
    assert len(server.state.submissions) == 1
    controller.shutdown()


def test_main_window_wiring(qtbot: QtBot, ctx: AppContext, server: Any) -> None:
    from academy_desktop.ui.main_window import MainWindow

    exam_id = mapped_exam(ctx, [CLEAN_SAMPLE])
    ctx.settings = dataclasses.replace(ctx.settings, server_url=server.url)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.sync.send_now_action in window.exam_menu.actions()
    assert window.sync_label.text() == "Sign in"  # a server but no token yet
    assert not window.sync.send_now_action.isEnabled()
    window.sidebar.select_exam(exam_id)
    assert window.sync.send_now_action.isEnabled()
    sign_in(qtbot, ctx, window.sync, server.url)
    window.sync.send_now_action.trigger()
    qtbot.waitUntil(lambda: window.sync_label.text() == "All sent", timeout=8000)
    model = window.exam_page.results.model
    qtbot.waitUntil(
        lambda: str(model.data(model.index(0, COL_SERVER))).startswith("Server"), timeout=5000
    )
    window.close()
    assert not window.sync.running


def test_one_sheet_can_be_sent_from_the_results_table(
    qtbot: QtBot, ctx: AppContext, server: Any
) -> None:
    from academy_desktop.ui.main_window import MainWindow

    exam_id = mapped_exam(ctx, [4, 5])  # two clean sheets
    ctx.settings = dataclasses.replace(ctx.settings, server_url=server.url)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.sidebar.select_exam(exam_id)
    sign_in(qtbot, ctx, window.sync, server.url)
    results = window.exam_page.results
    qtbot.waitUntil(lambda: results.model.rowCount() == 2, timeout=5000)
    results.table.selectRow(1)
    chosen = results.selected_submissions()
    assert len(chosen) == 1 and results.send_action in results.table.actions()
    results.send_action.trigger()
    qtbot.waitUntil(lambda: len(server.state.submissions) == 1, timeout=8000)
    sent = server.state.submissions[0]
    assert sent["enrollment_id"] == 3000 + int(str(results.model.row(1).student_number)[-1])
    qtbot.wait(500)
    assert len(server.state.submissions) == 1  # the other sheet was not marked ready
    window.close()
    assert not window.sync.running


def test_a_review_decision_releases_a_held_sheet_at_once(
    qtbot: QtBot, ctx: AppContext, server: Any
) -> None:
    """A sheet held for its open review flags is sent soon after a person settles them
    in the window (the window wakes the runner), not at the 30 s fallback recheck."""
    from sqlalchemy import select

    from academy_desktop.engine.result import FLAGGED
    from academy_desktop.store.models import Submission
    from academy_desktop.store.review import set_value
    from academy_desktop.sync.runner import HELD_RECHECK_S

    controller = SyncController(ctx)
    exam_id = mapped_exam(ctx, [2])  # kr-20q-sample-2 has flagged answers
    sign_in(qtbot, ctx, controller, server.url)
    qtbot.waitUntil(lambda: controller.running, timeout=3000)
    controller.set_exam(exam_id)
    controller.send_now_action.trigger()

    def held() -> int:
        with ctx.workspace.read() as s:
            return outbox.counts(s, exam_id).held

    qtbot.waitUntil(lambda: held() == 1, timeout=8000)
    assert server.state.submissions == []

    with ctx.workspace.write() as s:
        sub = s.scalars(select(Submission).where(Submission.exam_id == exam_id)).one()
        flagged = [a for a in sub.answers if a.meta["omr"]["status"] in FLAGGED]
        assert flagged
        for a in flagged:
            set_value(s, sub.id, a.label, a.current_value, decided_by="검토자")
        sid = sub.id
    ctx.signals.submission_changed.emit(sid)
    waited = time.monotonic()
    qtbot.waitUntil(lambda: len(server.state.submissions) == 1, timeout=8000)
    assert time.monotonic() - waited < HELD_RECHECK_S / 3
    controller.shutdown()
    qtbot.waitUntil(lambda: not controller.running, timeout=3000)
