"""The sync issue's acceptance test: 500 submissions with about 30 % of requests faulted,
``main.py sync`` killed with SIGKILL twice mid-run and started again. At the end the
server holds exactly 500 submissions, each with the right answers and file hash; the
outbox holds nothing but the items the server refused with a real 4xx; no token is in
the logs, the output, the settings or the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from academy_desktop.store import Workspace
from academy_desktop.store.models import OutboxItem, OutboxState
from sync_client.support import EXAM, KEYRING_FILE_ENV, Built, expected_payloads

Make = Callable[..., Built]

GOOD = 500
REFUSED = 3  # one-shot 400s: these items end with a real 4xx reason
BAD_BODY = {"enrollment_id": ["A valid integer is required."]}
KILL_AT = (150, 350)  # SIGKILL when the server holds this many submissions


def _env(tmp_path: Path, repo_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(repo_root / "tests"), str(repo_root)]),
            "PYTHON_KEYRING_BACKEND": "sync_client.support.FileKeyring",
            KEYRING_FILE_ENV: str(tmp_path / "keyring.json"),
            "ACADEMY_DESKTOP_CONFIG": str(tmp_path / "config"),
            "ACADEMY_SYNC_BACKOFF_SCALE": "0.05",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("ACADEMY_TOKEN", None)
    return env


def _main(repo_root: Path, *args: str) -> list[str]:
    return [sys.executable, str(repo_root / "main.py"), *args]


@pytest.mark.slow
def test_500_sheets_with_faults_and_kill_9(
    make_workspace: Make, tmp_path: Path, repo_root: Path
) -> None:
    from syncserver import start_server

    built = make_workspace(GOOD + REFUSED, image_size=(400, 560))
    env = _env(tmp_path, repo_root)
    log = tmp_path / "sync.log"
    outputs: list[bytes] = []
    with start_server(access_ttl=4.0, status_step_s=0.05, page_size=50) as srv:
        signed_in = subprocess.run(
            _main(repo_root, "login", "--server", srv.url, "--username", "staff",
                  "--password-stdin"),
            input=b"pw\n", env=env, capture_output=True, timeout=60,
        )  # fmt: skip
        assert signed_in.returncode == 0, signed_in.stderr.decode()
        outputs += [signed_in.stdout, signed_in.stderr]
        srv.faults.configure(
            error_500=0.08,
            error_502_retry_after=0.03,
            error_503_retry_after=0.03,
            error_429_retry_after=0.02,
            timeout=0.03,
            timeout_before_commit=0.02,
            drop_after_commit=0.04,
            drop_before_commit=0.02,
            slow=0.02,
            token_expired=0.03,
            seed=int(os.environ.get("SYNC_ACCEPTANCE_SEED", "20261126")),
            retry_after=1,
            timeout_s=1.2,
            slow_s=0.2,
            bad_request_body=BAD_BODY,
        )
        srv.faults.queue("bad_request", REFUSED, routes="submissions_create")
        sync = _main(repo_root, "sync", "--workspace", str(built.workspace), "--exam", EXAM,
                     "--timeout", "0.6", "--verbose", "--log-file", str(log))  # fmt: skip
        runs: list[int] = []
        for kill_at in (*KILL_AT, None):
            proc = subprocess.Popen(sync, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if kill_at is not None:
                deadline = time.monotonic() + 240
                while len(srv.state.submissions) < kill_at and proc.poll() is None:
                    assert time.monotonic() < deadline, "sync made no progress"
                    time.sleep(0.02)
                assert proc.poll() is None, "sync ended before it could be killed"
                proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate(timeout=300)
            outputs += [out, err]
            runs.append(proc.returncode)
        served = srv.state.submissions
        injected, requests = srv.faults.injected, srv.state.requests
        tokens = srv.state.tokens_issued
        assert srv.errors == []

    # two runs were killed; the last one finished and reported the refused items
    assert runs[:2] == [-signal.SIGKILL, -signal.SIGKILL]
    assert runs[2] == 1, b"".join(outputs[-2:]).decode()
    last_out = outputs[-2].decode()
    assert f"Needs attention: {REFUSED}" in last_out and "Waiting: 0" in last_out

    # about 30 % of all requests were faulted, of every kind
    faulted = sum(injected.values())
    print(
        f"\nacceptance: {len(requests)} requests, {faulted} faulted "
        f"({faulted / len(requests):.0%}): {dict(sorted(injected.items()))}; "
        f"{len(tokens)} tokens issued"
    )
    assert 0.2 < faulted / len(requests) < 0.4, (faulted, len(requests))
    assert injected["drop_after_commit"] > 0 and injected["timeout"] > 0
    assert injected["token_expired"] > 0 and injected["bad_request"] == REFUSED

    # exactly 500 on the server, one per sheet, with the right answers and file hash
    expected = expected_payloads(built.workspace)
    by_uuid: dict[str, dict[str, Any]] = {}
    for sub in served:
        uuid = sub["payload"]["client"]["submission_uuid"]
        assert uuid not in by_uuid, f"duplicate upload of {uuid}"
        by_uuid[uuid] = sub
    assert len(by_uuid) == GOOD
    for uuid, sub in by_uuid.items():
        e = expected[uuid]
        answers = sorted(
            (a["exam_question_id"], a["number"], a["answer"]) for a in sub["payload"]["answers"]
        )
        assert answers == e["answers"]
        assert sub["file_sha256"] == e["file_sha256"] == sub["payload"]["client"]["file_sha256"]
        assert sub["enrollment_id"] == e["enrollment_id"]
        assert e["state"] == OutboxState.DONE

    # the outbox holds only the items refused with a real 4xx, with the server's message
    left = {u: e for u, e in expected.items() if e["state"] != OutboxState.DONE}
    assert len(left) == REFUSED and not set(left) & set(by_uuid)
    for e in left.values():
        assert e["state"] == OutboxState.NEEDS_ATTENTION
        assert e["server_error"] == BAD_BODY
        assert "HTTP 400" in e["attention_reason"]
    with Workspace.open(built.workspace) as ws, ws.read() as s:
        rows = s.execute(select(OutboxItem.state, func.count()).group_by(OutboxItem.state))
        states: dict[str, int] = {state: n for state, n in rows}
    assert states == {OutboxState.DONE: GOOD, OutboxState.NEEDS_ATTENTION: REFUSED}

    # no token in the logs, the output, the settings or the database
    assert len(tokens) > 2  # signed in, and refreshed after expiries
    haystack = log.read_bytes() + b"".join(outputs)
    haystack += (tmp_path / "config" / "settings.json").read_bytes()
    for path in built.workspace.rglob("workspace.sqlite3*"):
        haystack += path.read_bytes()
    assert b"access token refreshed" in log.read_bytes()
    leaked = [t[:12] + "..." for t in tokens if t.encode() in haystack]
    assert leaked == []
