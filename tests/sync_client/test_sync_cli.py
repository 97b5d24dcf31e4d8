"""``main.py login``, ``exam map`` and ``sync`` (in-process; the kill -9 run is in
test_sync_acceptance.py)."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from academy_desktop import settings as settings_mod
from academy_desktop.cli.main import main
from academy_desktop.cli.sync_cmds import EXIT_ATTENTION, EXIT_OFFLINE, EXIT_SIGN_IN
from academy_desktop.store import Workspace
from academy_desktop.store.models import Exam, OutboxItem, OutboxState, QuestionMapping
from academy_desktop.sync.auth import TokenStore
from sync_client.support import EXAM, Built

Make = Callable[..., Built]


def _login(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    code = main(["login", "--server", server.url, "--username", "staff", "--password-stdin"])
    assert code == 0


def test_login_keeps_tokens_in_the_keyring_and_the_server_in_the_settings(
    server: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _login(server, monkeypatch)
    out = capsys.readouterr().out
    assert "Signed in (staff)" in out
    creds = TokenStore(server.url).load()
    assert creds is not None and creds.refresh and creds.username == "staff"
    assert creds.access not in out
    saved = settings_mod.load()
    assert saved.server_url == server.url
    text = settings_mod.settings_path().read_text(encoding="utf-8")
    assert all(t not in text for t in server.state.tokens_issued)

    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(["login", "--username", "staff", "--password-stdin"]) == 2
    assert "password was refused" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", io.StringIO("static-token-1\n"))
    assert main(["login", "--token", "--token-stdin"]) == 0
    again = TokenStore(server.url).load()
    assert again is not None and again.access == "static-token-1" and again.refresh is None
    assert main(["login", "--sign-out"]) == 0
    assert TokenStore(server.url).load() is None


def test_exam_map_from_a_file_and_typed(
    make_workspace: Make, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built = make_workspace(2, mapped=False)
    csv = tmp_path / "questions.csv"
    csv.write_text(
        "number,exam_question_id\n" + "".join(f"{q},{700 + q}\n" for q in range(1, 20)),
        encoding="utf-8",
    )
    ws = ["--workspace", str(built.workspace)]
    code = main(["exam", "map", *ws, "--exam", EXAM, "--target-id", "12", "--sheet-id", "34",
                 "--questions", str(csv)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "target_id=12 sheet_id=34" in out and "questions 19/20" in out
    assert "missing: 20" in out
    assert main(["exam", "map", *ws, "--exam", EXAM, "--question", "20=720"]) == 0
    assert "questions 20/20" in capsys.readouterr().out
    with Workspace.open(built.workspace) as w, w.read() as s:
        exam = s.scalars(select(Exam)).one()
        ids = {q.number: q.exam_question_id for q in s.scalars(select(QuestionMapping))}
        assert (exam.target_id, exam.sheet_id) == (12, 34)
    assert ids == {q: 700 + q for q in range(1, 21)}
    assert main(["exam", "map", *ws, "--exam", EXAM, "--question", "7=abc"]) == 2
    assert "N=ID" in capsys.readouterr().err


def test_sync_sends_prints_a_summary_and_is_idempotent(
    make_workspace: Make,
    server: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    built = make_workspace(5)
    _login(server, monkeypatch)
    capsys.readouterr()
    args = ["sync", "--workspace", str(built.workspace), "--exam", EXAM, "--wait", "--quiet"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Marked ready: 5 new" in out
    assert "Sent: 5" in out and "Already on the server: 0" in out
    assert "Needs attention: 0" in out and "done 5" in out
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Sent: 0" in out and "Already on the server: 5" in out
    assert len(server.state.submissions) == 5


def test_sync_exits_non_zero_when_an_item_needs_attention(
    make_workspace: Make,
    server: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    built = make_workspace(3)
    monkeypatch.setenv("ACADEMY_TOKEN", "static-token-1")  # no keyring needed
    server.faults.configure(bad_request_body={"file": ["file required"]})
    server.faults.queue("bad_request", 1, routes="submissions_create")
    ws = ["--workspace", str(built.workspace)]
    code = main(["sync", *ws, "--exam", EXAM, "--server", server.url, "--quiet"])
    out = capsys.readouterr().out
    assert code == EXIT_ATTENTION
    assert "Needs attention: 1" in out and "file: file required" in out
    assert main(["sync", *ws, "--list"]) == EXIT_ATTENTION
    assert "[rejected]" in capsys.readouterr().out
    assert main(["sync", *ws, "--requeue", "--server", server.url, "--quiet"]) == 0
    assert len(server.state.submissions) == 3


def test_sync_without_sign_in_or_server(
    make_workspace: Make, server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    built = make_workspace(1)
    ws = ["--workspace", str(built.workspace)]
    code = main(["sync", *ws, "--exam", EXAM, "--server", server.url, "--quiet"])
    assert code == EXIT_SIGN_IN
    err = capsys.readouterr().err
    assert "main.py login --server" in err
    with Workspace.open(built.workspace) as w, w.read() as s:
        assert s.scalars(select(OutboxItem)).one().state == OutboxState.PENDING
    assert main(["sync", *ws]) == 2  # no server address anywhere
    assert "No server address" in capsys.readouterr().err


def test_sync_gives_up_offline_and_keeps_everything(
    make_workspace: Make, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built = make_workspace(2)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("ACADEMY_TOKEN", "t")
    monkeypatch.setenv("ACADEMY_SYNC_BACKOFF_SCALE", "0.01")
    code = main(["sync", "--workspace", str(built.workspace), "--exam", EXAM, "--server",
                 f"http://127.0.0.1:{port}", "--give-up", "0.3", "--quiet"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == EXIT_OFFLINE and "Cannot reach the server" in captured.err
    assert "Waiting: 2 (보낼 예정 / to send 2" in captured.out


def test_sync_log_file_never_holds_a_token(
    make_workspace: Make,
    server: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    built = make_workspace(3)
    _login(server, monkeypatch)
    server.expire_tokens()  # a refresh happens and is logged (without the token)
    log = tmp_path / "sync.log"
    code = main(["sync", "--workspace", str(built.workspace), "--exam", EXAM, "--verbose",
                 "--log-file", str(log)])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    text = log.read_text(encoding="utf-8")
    assert "access token refreshed" in text
    everything = text + captured.out + captured.err + json.dumps(settings_mod.load().__dict__)
    for token in server.state.tokens_issued:
        assert token not in everything


def test_walkthrough_with_real_scans(
    server: Any,
    repo_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's walk-through on the sample scans, then the server mapping and sync:
    graded by the real engine, the flagged sheets held until reviewed, then sent."""
    from academy_desktop.store.models import Submission
    from academy_desktop.store.review import set_value
    from academy_desktop.sync import outbox

    samples = repo_root / "resources" / "samples"
    roster = tmp_path / "roster.csv"
    lines = samples.joinpath("roster.csv").read_text(encoding="utf-8").splitlines()
    roster.write_text(
        "\n".join([lines[0] + ",수강번호", *(f"{row},{3000 + i}" for i, row in
                   enumerate(lines[1:], start=1))]) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    questions = tmp_path / "questions.csv"
    questions.write_text(
        "문항,exam_question_id\n" + "".join(f"{q},{8800 + q}\n" for q in range(1, 21)), "utf-8"
    )
    ws = ["--workspace", str(tmp_path / "ws"), "--staff", "김선생"]
    exam = "3월 모의고사"
    monkeypatch.setenv("ACADEMY_TOKEN", "static-token-1")
    steps = [
        ["exam", "create", *ws, "--name", exam, "--template", "kr-20q-5c-id8",
         "--key", str(samples / "kr-20q-key.json")],
        ["roster", "import", str(roster), *ws, "--map",
         "name=이름,number=학번,class_name=반,enrollment_id=수강번호"],
        ["grade", *ws, "--exam", exam, "--jobs", "1", "--quiet",
         *map(str, sorted(samples.glob("kr-20q-sample-*.jpg")))],
        ["exam", "map", *ws, "--exam", exam, "--target-id", "77", "--sheet-id", "45",
         "--questions", str(questions)],
    ]  # fmt: skip
    for argv in steps:
        assert main(argv) == 0, capsys.readouterr()
    assert "questions 20/20" in capsys.readouterr().out
    sync = ["sync", *ws, "--exam", exam, "--server", server.url, "--quiet"]
    assert main(sync) == 0
    out = capsys.readouterr().out
    sent_first = len(server.state.submissions)
    with Workspace.open(tmp_path / "ws") as w:
        with w.read() as s:
            held = [a.submission_id for a in outbox.attention_list(s, include_held=True)]
            counts = outbox.counts(s)
        assert counts.held == len(held) > 0 and counts.sent == sent_first == 6 - len(held)
        assert f"held {len(held)}" in out
        with w.write() as s:  # a person settles every flagged answer
            for sid in held:
                sub = s.get(Submission, sid)
                assert sub is not None
                for a in sub.answers:
                    if a.meta["omr"]["status"] in ("ambiguous", "low_confidence", "error"):
                        set_value(s, sid, a.label, a.current_value, decided_by="김선생")
    assert main(sync) == 0
    capsys.readouterr()
    assert len(server.state.submissions) == 6
    with Workspace.open(tmp_path / "ws") as w, w.read() as s:
        for sent in server.state.submissions:
            uuid = sent["payload"]["client"]["submission_uuid"]
            item = s.scalars(select(OutboxItem).where(OutboxItem.idempotency_key == uuid)).one()
            sub = s.get(Submission, item.submission_id)
            assert sub is not None and sub.student is not None
            assert sent["enrollment_id"] == sub.student.enrollment_id
            assert sent["file_sha256"] == sub.scan.sha256
            local = {8800 + int(a.label[1:]): a.current_value for a in sub.answers
                     if a.label.startswith("q")}  # fmt: skip
            remote = {a["exam_question_id"]: a["answer"] for a in sent["payload"]["answers"]}
            assert remote == local
            assert sent["payload"]["score"] == sub.score and sent["payload"]["max_score"] == 20
            reviewed = [a for a in sent["payload"]["answers"] if a["meta"]["review"]]
            assert all(a["meta"]["review"]["decided_by"] == "김선생" for a in reviewed)
            assert bool(reviewed) == (item.submission_id in held)  # settled ones only
