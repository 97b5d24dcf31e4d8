"""The outbox runner against the loopback test server (tests/syncserver): exactly once,
retries, lost answers, 4xx, sign-in, offline, status polling, retry on the server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from academy_desktop.engine.progress import TaskState
from academy_desktop.store import Workspace
from academy_desktop.store.models import OutboxItem, OutboxState, QuestionMapping, utcnow
from academy_desktop.sync import outbox
from academy_desktop.sync.auth import AuthState, Credentials, TokenStore, sign_in_with_password
from academy_desktop.sync.client import ServerClient, UploadFile
from academy_desktop.sync.config import SyncConfig
from academy_desktop.sync.errors import Offline, ServerRejected
from academy_desktop.sync.runner import Phase, SyncEvent, SyncRunner, retry_on_server
from sync_client.support import (
    ENROLLMENT_BASE,
    QID_BASE,
    TARGET_ID,
    Built,
    expected_payloads,
)

Make = Callable[..., Built]


def _config(url: str, **kw: Any) -> SyncConfig:
    base: dict[str, Any] = {"timeout_s": 1.0, "backoff_scale": 0.02, "max_attempts": 10}
    base.update(kw)
    return SyncConfig(url, **base)


def _signed_in(config: SyncConfig) -> AuthState:
    sign_in_with_password(config, "staff", "pw", TokenStore(config.server_url))
    return AuthState.load(config, environ={})


def _mark(built: Built) -> None:
    with Workspace.open(built.workspace) as ws, ws.write() as s:
        outbox.mark_exam_ready(s, built.exam_id)


def _states(ws: Workspace) -> dict[int, tuple[str, int, int | None]]:
    with ws.read() as s:
        return {
            it.submission_id: (it.state, it.attempt_count, it.server_submission_id)
            for it in s.scalars(select(OutboxItem))
        }


def _by_uuid(srv: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for sub in srv.state.submissions:
        uuid = sub["payload"]["client"]["submission_uuid"]
        assert uuid not in out, f"duplicate submission for {uuid}"
        out[uuid] = sub
    return out


def _check_server_matches(srv: Any, where: Path | Workspace, expect_count: int) -> None:
    """Exactly one server submission per sent item, with the right answers and file."""
    on_server = _by_uuid(srv)
    expected = expected_payloads(where)
    sent = {u: e for u, e in expected.items() if e["state"] == OutboxState.DONE}
    assert len(on_server) == expect_count == len(sent)
    assert set(on_server) == set(sent)
    for uuid, sub in on_server.items():
        e = sent[uuid]
        answers = sorted(
            (a["exam_question_id"], a["number"], a["answer"]) for a in sub["payload"]["answers"]
        )
        assert answers == e["answers"]
        assert sub["file_sha256"] == e["file_sha256"] == sub["payload"]["client"]["file_sha256"]
        assert (sub["enrollment_id"], sub["target_id"]) == (e["enrollment_id"], TARGET_ID)
        assert (sub["target_type"], sub["source"]) == ("exam", "omr_scan")


@contextmanager
def _background(runner: SyncRunner) -> Iterator[tuple[TaskState, list[SyncEvent]]]:
    state = TaskState()
    events: list[SyncEvent] = []
    thread = threading.Thread(target=lambda: runner.run(state, on_event=events.append))
    thread.start()
    try:
        yield state, events
    finally:
        state.cancel()
        thread.join(20)
        assert not thread.is_alive()


def _until(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# ---------------------------------------------------------------------- happy path


def test_every_sheet_once_with_its_answers_file_and_status(make_workspace: Make) -> None:
    from syncserver import start_server

    built = make_workspace(12)
    _mark(built)
    with start_server(page_size=5, status_step_s=0.05) as srv:
        config = _config(srv.url)
        auth = _signed_in(config)
        headers: list[str] = []
        runner = SyncRunner(
            Workspace.open(built.workspace),
            config,
            auth,
            client_factory=lambda c, a: _recording_client(c, a, headers),
        )
        events: list[SyncEvent] = []
        try:
            summary = runner.run(until_idle=True, wait_for_status=True, on_event=events.append)
            states = _states(runner.workspace)
            with runner.workspace.read() as s:
                statuses = {it.server_status for it in s.scalars(select(OutboxItem))}
        finally:
            runner.workspace.close()
        _check_server_matches(srv, built.workspace, 12)
        requests_log = srv.state.requests
    assert (summary.posted, summary.found, summary.rejected) == (12, 0, 0)
    assert summary.counts.server_done == 12 and summary.counts.all_sent
    assert statuses == {"done"}
    server_ids = {sub["id"] for sub in srv.state.submissions}
    assert {sid for _, _, sid in states.values()} == server_ids  # ids recorded locally
    # one POST per sheet (no request per answer), every request with a Bearer token
    assert sum(1 for m, p, _ in requests_log if m == "POST" and p == "/api/v1/submissions/") == 12
    assert headers and all(h.startswith("Bearer ") for h in headers)
    assert all(status != 401 for _, _, status in requests_log)
    assert {e.kind for e in events} >= {"item", "phase"}
    assert any(e.state == OutboxState.DONE for e in events if e.kind == "item")


def _recording_client(config: SyncConfig, auth: AuthState, headers: list[str]) -> ServerClient:
    client = ServerClient(config, auth)

    def hook(response: Any, *args: Any, **kwargs: Any) -> None:
        headers.append(response.request.headers.get("Authorization", ""))

    client.session.hooks["response"].append(hook)
    return client


def test_held_sheets_are_not_sent_and_go_once_mapped(make_workspace: Make, server: Any) -> None:
    built = make_workspace(3)
    with Workspace.open(built.workspace) as ws:
        with ws.write() as s:
            q = s.scalars(select(QuestionMapping).where(QuestionMapping.label == "q7")).one()
            q.exam_question_id = None
            outbox.mark_exam_ready(s, built.exam_id)
        config = _config(server.url)
        runner = SyncRunner(ws, config, _signed_in(config))
        summary = runner.run(until_idle=True)
        assert summary.posted == 0 and summary.counts.held == 3
        assert server.state.submissions == []
        from academy_desktop.store import exams
        from academy_desktop.sync import mapping

        with ws.write() as s:
            exam = exams.get_exam_by_id(s, built.exam_id)
            mapping.set_exam_mapping(s, exam, question_ids={"7": QID_BASE + 7})
        summary = runner.run(until_idle=True)
    assert summary.posted == 3
    _check_server_matches(server, built.workspace, 3)


# ---------------------------------------------------------------------- lost answers


def test_lost_answers_are_found_instead_of_posted_again(make_workspace: Make) -> None:
    from syncserver import start_server

    built = make_workspace(10)
    _mark(built)
    with start_server(page_size=4) as srv:
        srv.faults.configure(timeout_s=1.5)  # longer than the client's 0.5 s
        srv.faults.queue("drop_after_commit", 3, routes="submissions_create")
        srv.faults.queue("timeout", 2, routes="submissions_create")
        config = _config(srv.url, timeout_s=0.5)
        with Workspace.open(built.workspace) as ws:
            summary = SyncRunner(ws, config, _signed_in(config)).run(until_idle=True)
        _check_server_matches(srv, built.workspace, 10)
        assert srv.faults.injected == {"drop_after_commit": 3, "timeout": 2}
    assert (summary.found, summary.posted) == (5, 5)


def test_a_post_cut_off_by_a_crash_is_looked_up_first(make_workspace: Make, server: Any) -> None:
    built = make_workspace(2)
    _mark(built)
    config = _config(server.url)
    auth = _signed_in(config)
    with Workspace.open(built.workspace) as ws:
        # the POST of the first sheet reached the server, then the process died
        runner = SyncRunner(ws, config, auth)
        prepared = runner._prepare(1)
        assert prepared is not None and not isinstance(prepared, list)
        with ws.write() as s:
            item = s.get(OutboxItem, 1)
            assert item is not None
            outbox.begin_attempt(s, item, utcnow(), 0)
        with ServerClient(config, auth) as client:
            client.create_submission(prepared.fields, prepared.upload)
        summary = SyncRunner(ws, config, auth).run(until_idle=True)
    assert (summary.found, summary.posted) == (1, 1)
    _check_server_matches(server, built.workspace, 2)


# ---------------------------------------------------------------------- errors


def test_5xx_429_and_retry_after_are_retried(make_workspace: Make, server: Any) -> None:
    built = make_workspace(6)
    _mark(built)
    for kind in ("error_500", "error_502_retry_after", "error_503_retry_after"):
        server.faults.queue(kind, 1, routes="submissions_create")
    server.faults.queue("error_429_retry_after", 1, routes="submissions_create")
    server.faults.queue("error_500", 2, routes="submissions_list")
    config = _config(server.url)
    t0 = time.monotonic()
    with Workspace.open(built.workspace) as ws:
        summary = SyncRunner(ws, config, _signed_in(config)).run(until_idle=True)
        attempts = sorted(a for _, a, _ in _states(ws).values())
    assert time.monotonic() - t0 >= 1.0  # Retry-After: 1 was honoured
    _check_server_matches(server, built.workspace, 6)
    assert summary.posted == 6 and summary.counts.sent == 6
    assert attempts.count(1) == 2 and sum(attempts) == 6 + 4  # four failed first tries


def test_a_validation_error_stops_the_item_with_the_servers_message(
    make_workspace: Make, server: Any
) -> None:
    built = make_workspace(4)
    _mark(built)
    body = {"enrollment_id": ["required"]}
    server.faults.configure(bad_request_body=body)
    server.faults.queue("bad_request", 1, routes="submissions_create")
    config = _config(server.url)
    with Workspace.open(built.workspace) as ws:
        runner = SyncRunner(ws, config, _signed_in(config))
        summary = runner.run(until_idle=True)
        with ws.read() as s:
            [attention] = outbox.attention_list(s)
        assert summary.rejected == 1 and summary.counts.attention == 1
        assert attention.kind == "rejected" and attention.server_errors == body
        assert "enrollment_id: required" in attention.reason and "HTTP 400" in attention.reason
        assert len(server.state.submissions) == 3
        with ws.write() as s:
            assert outbox.requeue(s) == 1
        summary = runner.run(until_idle=True)
    assert summary.posted == 1
    _check_server_matches(server, built.workspace, 4)


def test_after_max_attempts_the_item_needs_attention(make_workspace: Make, server: Any) -> None:
    built = make_workspace(1)
    _mark(built)
    server.faults.configure(error_500=1.0, routes="submissions_create")
    config = _config(server.url, max_attempts=3)
    with Workspace.open(built.workspace) as ws:
        summary = SyncRunner(ws, config, _signed_in(config)).run(until_idle=True)
        with ws.read() as s:
            item = s.scalars(select(OutboxItem)).one()
            state, attempts, reason = item.state, item.attempt_count, item.attention_reason
    assert (state, attempts) == (OutboxState.NEEDS_ATTENTION, 3)
    assert reason is not None and "3번 시도" in reason and "HTTP 500" in reason
    assert summary.gave_up == 1 and server.state.submissions == []


# ---------------------------------------------------------------------- sign-in


def test_an_expired_access_token_is_refreshed_once(make_workspace: Make, server: Any) -> None:
    built = make_workspace(3)
    _mark(built)
    config = _config(server.url)
    auth = _signed_in(config)
    old = auth.token()
    server.expire_tokens()
    with Workspace.open(built.workspace) as ws:
        summary = SyncRunner(ws, config, auth).run(until_idle=True)
    assert summary.posted == 3
    stored = TokenStore(config.server_url).load()
    assert stored is not None and stored.access != old and stored.access == auth.token()
    assert sum(1 for _, p, _ in server.state.requests if p == "/api/v1/token/refresh/") == 1


def test_a_fresh_token_refused_again_is_retried_not_a_sign_in(
    make_workspace: Make, server: Any
) -> None:
    built = make_workspace(2)
    _mark(built)
    # the first POST's token "expires", and so does the refreshed one on the repeat
    server.faults.queue("token_expired", 2, routes="submissions_create")
    config = _config(server.url)
    with Workspace.open(built.workspace) as ws:
        summary = SyncRunner(ws, config, _signed_in(config)).run(until_idle=True)
        attempts = sorted(a for _, a, _ in _states(ws).values())
    assert summary.phase == Phase.IDLE and summary.posted == 2
    assert attempts == [1, 2]  # the refused repeat counted one attempt
    assert server.faults.injected == {"token_expired": 2}
    _check_server_matches(server, built.workspace, 2)


def test_a_refused_refresh_pauses_until_signed_in_again(make_workspace: Make, server: Any) -> None:
    built = make_workspace(3)
    _mark(built)
    config = _config(server.url)
    auth = _signed_in(config)
    server.expire_tokens(refresh=True)
    with Workspace.open(built.workspace) as ws:
        runner = SyncRunner(ws, config, auth)
        with _background(runner) as (_, events):
            _until(lambda: runner.status().phase == Phase.SIGN_IN)
            assert "다시 로그인" in runner.status().message
            # nothing lost, nothing counted
            assert {(st, n) for st, n, _ in _states(ws).values()} == {(OutboxState.PENDING, 0)}
            sign_in_with_password(config, "staff", "pw", TokenStore(config.server_url))
            runner.wake()
            _until(lambda: runner.status().counts.sent == 3)
        assert any(e.phase == Phase.SIGN_IN for e in events)
    _check_server_matches(server, built.workspace, 3)


def test_cli_style_run_returns_when_sign_in_is_needed(make_workspace: Make, server: Any) -> None:
    built = make_workspace(1)
    _mark(built)
    config = _config(server.url)
    with Workspace.open(built.workspace) as ws:
        summary = SyncRunner(ws, config, AuthState(config, None)).run(until_idle=True)
        assert summary.phase == Phase.SIGN_IN and "login" in summary.message
        static = AuthState(config, Credentials(access="static-token-1"))
        assert SyncRunner(ws, config, static).run(until_idle=True).posted == 1


# ---------------------------------------------------------------------- offline


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_offline_waits_without_counting_and_wakes_when_back(make_workspace: Make) -> None:
    from syncserver import start_server

    built = make_workspace(4)
    _mark(built)
    port = _free_port()
    config = _config(f"http://127.0.0.1:{port}", backoff_scale=1.0)
    auth = AuthState(config, Credentials(access="static-token-1"))
    with Workspace.open(built.workspace) as ws:
        runner = SyncRunner(ws, config, auth)
        with _background(runner):
            _until(lambda: runner.status().phase == Phase.OFFLINE)
            assert "연결할 수 없습니다" in runner.status().message
            time.sleep(0.3)
            assert {(st, n) for st, n, _ in _states(ws).values()} == {(OutboxState.PENDING, 0)}
            with start_server(static_tokens={"static-token-1"}, port=port) as srv:
                runner.wake()  # e.g. the OS reports the network is back
                _until(lambda: runner.status().counts.sent == 4, timeout=10)
                _check_server_matches(srv, ws, 4)


def test_cli_style_run_gives_up_offline(make_workspace: Make) -> None:
    built = make_workspace(1)
    _mark(built)
    config = _config(f"http://127.0.0.1:{_free_port()}")
    auth = AuthState(config, Credentials(access="x"))
    with Workspace.open(built.workspace) as ws:
        summary = SyncRunner(ws, config, auth).run(until_idle=True, offline_give_up_s=0.2)
    assert summary.phase == Phase.OFFLINE and summary.counts.pending == 1


# ---------------------------------------------------------------------- server status


def test_server_failure_shows_its_message_and_retry_on_server(
    make_workspace: Make, server: Any
) -> None:
    built = make_workspace(2)
    _mark(built)
    config = _config(server.url)
    auth = _signed_in(config)
    with Workspace.open(built.workspace) as ws:
        runner = SyncRunner(ws, config, auth)
        runner.run(until_idle=True)
        failed_local = built.submission_ids[0]
        server_id = _states(ws)[failed_local][2]
        assert server_id is not None
        server.fail_submission(server_id, "OMR 영역을 찾지 못함")
        runner.run(until_idle=True, wait_for_status=True)
        with ws.read() as s:
            [item] = outbox.attention_list(s)
            counts = outbox.counts(s)
            states = outbox.sheet_states(s, built.submission_ids)
        assert item.kind == "server_failed" and item.can_retry_on_server
        assert "OMR 영역을 찾지 못함" in item.reason
        assert (counts.server_failed, counts.server_done, counts.needs_attention) == (1, 1, 1)
        assert states[failed_local].label == "서버: 실패 / Server: failed"
        # a sheet that did not fail: the server's 400 is shown as it is
        with pytest.raises(ServerRejected) as info:
            retry_on_server(ws, config, auth, built.submission_ids[1])
        assert info.value.body == {"detail": "Only FAILED submissions can be retried."}
        assert retry_on_server(ws, config, auth, failed_local) in ("submitted", "dispatched")
        runner.run(until_idle=True, wait_for_status=True)
        with ws.read() as s:
            assert outbox.counts(s).server_done == 2


# ---------------------------------------------------------------------- runner control


def test_cancel_and_status_from_another_thread(make_workspace: Make, server: Any) -> None:
    built = make_workspace(30)
    _mark(built)
    server.faults.configure(slow=1.0, slow_s=0.05)
    config = _config(server.url)
    with Workspace.open(built.workspace) as ws:
        runner = SyncRunner(ws, config, _signed_in(config))
        with _background(runner) as (state, _):
            _until(lambda: runner.status().posted >= 3)
            n, m = runner.status().progress
            assert 3 <= n < m <= 30
            assert state.fraction > 0 and "/" in state.message
            state.cancel()
            _until(lambda: runner.status().phase == Phase.STOPPED, timeout=5)
        states = _states(ws)
    sent = sum(1 for st, _, _ in states.values() if st == OutboxState.DONE)
    assert 3 <= sent < 30  # stopped early; the rest waits, nothing lost
    assert all(st in (OutboxState.DONE, OutboxState.PENDING) for st, _, _ in states.values())


def test_tokens_never_reach_the_database(make_workspace: Make, server: Any) -> None:
    built = make_workspace(3)
    _mark(built)
    config = _config(server.url)
    auth = _signed_in(config)
    server.expire_tokens()  # a refresh too
    with Workspace.open(built.workspace) as ws:
        SyncRunner(ws, config, auth).run(until_idle=True)
    tokens = server.state.tokens_issued
    assert len(tokens) >= 3
    blobs = b"".join(
        p.read_bytes() for p in built.workspace.iterdir() if p.name.startswith("workspace.")
    )
    assert all(t.encode() not in blobs for t in tokens)


# ---------------------------------------------------------------------- client details


def test_pages_of_another_host_are_fetched_from_the_configured_server() -> None:
    config = SyncConfig("https://academy.example")
    client = ServerClient(config, AuthState(config, Credentials(access="t")))
    try:
        url = client._page_url("http://10.0.0.5:8000/api/v1/submissions/?page=3")
        assert url == "https://academy.example/api/v1/submissions/?page=3"
    finally:
        client.close()


def test_tls_is_verified_and_a_ca_bundle_can_be_given(tmp_path: Path) -> None:
    https = _https_server(tmp_path)
    try:
        url = f"https://127.0.0.1:{https.server_address[1]}"
        creds = Credentials(access="t")
        plain = SyncConfig(url, timeout_s=2.0)
        with (
            ServerClient(plain, AuthState(plain, creds)) as client,
            pytest.raises(Offline, match=r"certificate|인증서"),
        ):
            list(client.iter_submissions())
        trusted = replace(plain, ca_bundle=str(tmp_path / "cert.pem"))
        with ServerClient(trusted, AuthState(trusted, creds)) as client:
            assert list(client.iter_submissions()) == [{"id": 1, "payload": {}}]
    finally:
        https.shutdown()
        https.server_close()


def _https_server(folder: Path) -> Any:
    import datetime
    import ipaddress
    import json
    import ssl
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "academy test CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps([{"id": 1, "payload": {}}]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_upload_streams_the_file_from_disk(tmp_path: Path, server: Any) -> None:
    """A 64 MB file goes up in pieces: the client never holds it whole (see the bench
    for 500 MB and the memory figure)."""
    import hashlib
    import tracemalloc

    big = tmp_path / "video.mp4"
    chunk = bytes(range(256)) * 4096  # 1 MB
    with big.open("wb") as f:
        for _ in range(64):
            f.write(chunk)
    config = _config(server.url, timeout_s=30.0)
    auth = AuthState(config, Credentials(access="static-token-1"))
    fields = {
        "enrollment_id": str(ENROLLMENT_BASE),
        "target_type": "homework",
        "target_id": "3",
        "source": "homework_video",
        "payload": "{}",
    }
    seen: list[int] = []
    tracemalloc.start()
    try:
        with ServerClient(config, auth) as client:
            client.create_submission(
                fields,
                UploadFile(big, "video.mp4", "video/mp4"),
                on_bytes=lambda n, total: seen.append(n),
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [stored] = server.state.submissions
    assert stored["file_size"] == 64 << 20
    assert stored["file_sha256"] == hashlib.sha256(big.read_bytes()).hexdigest()
    assert peak < 8 << 20  # Python allocations stay far below the file's 64 MB
    assert len(seen) > 10  # read piece by piece
