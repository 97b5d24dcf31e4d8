"""Sync commands: ``login``, ``sync`` and ``exam map`` (see ``docs/sync.md``).

::

    main.py login --server URL [--username NAME] [--password-stdin | --token [--token-stdin]]
    main.py exam map --workspace DIR --exam NAME [--target-id N] [--sheet-id N]
                     [--questions FILE.csv|xlsx] [--question 7=9007 ...]
    main.py sync --workspace DIR [--exam NAME] [--homework TITLE] [--server URL] [--wait]
                 [--requeue] [--list]

``sync`` takes its token from ``ACADEMY_TOKEN`` or the OS keyring (``login``), prints
progress and a summary (sent, already on the server, waiting, needs attention) and
exits with :data:`EXIT_ATTENTION` when an item needs attention, :data:`EXIT_SIGN_IN`
when the server wants a new sign-in and :data:`EXIT_OFFLINE` when it could not be
reached for ``--give-up`` seconds; nothing waiting is lost in any case.

No token is ever printed or logged. Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_USAGE = 2
EXIT_SIGN_IN = 3
EXIT_OFFLINE = 4

COMMANDS = ("login", "sync")
BACKOFF_SCALE_ENV = "ACADEMY_SYNC_BACKOFF_SCALE"  # tests only: shrinks every backoff


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", type=Path, metavar="DIR", help="workspace folder")
    p.add_argument("--staff", metavar="NAME", help="staff name for the audit trail")


def add_exam_map_parser(exam_sub: argparse._SubParsersAction[Any]) -> None:
    """``exam map`` (called by store_cmds when it builds the ``exam`` command)."""
    p = exam_sub.add_parser("map", help="map an exam to the server (target_id, sheet_id, ids)")
    _common(p)
    p.add_argument("--exam", required=True, metavar="NAME", help="the exam's title")
    p.add_argument("--target-id", type=int, metavar="N", help="the server's exam id")
    p.add_argument("--sheet-id", type=int, metavar="N", help="the server's OMR sheet id")
    p.add_argument(
        "--questions",
        type=Path,
        metavar="FILE",
        help="CSV/xlsx of number,exam_question_id rows (as the server staff export it)",
    )
    p.add_argument("--sheet", help="xlsx sheet name (default: the first)")
    p.add_argument(
        "--question",
        action="append",
        default=[],
        metavar="N=ID",
        help="one question's exam_question_id, e.g. 7=9007 (repeatable)",
    )


def add_parsers(subparsers: argparse._SubParsersAction[Any]) -> None:
    login = subparsers.add_parser("login", help="서버 로그인 / sign in to the academy server")
    login.add_argument("--server", metavar="URL", help="server address (saved in the settings)")
    login.add_argument("--username", metavar="NAME", help="user name (asked when not given)")
    how = login.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    how.add_argument("--token", action="store_true", help="paste a static API token instead")
    how.add_argument("--sign-out", action="store_true", help="forget the saved tokens")
    login.add_argument(
        "--token-stdin", action="store_true", help="with --token: read it from stdin"
    )

    sync = subparsers.add_parser(
        "sync", help="서버로 보내기 / send graded sheets and homework to the server"
    )
    _common(sync)
    sync.add_argument("--exam", metavar="NAME", help="first mark every graded sheet ready")
    sync.add_argument(
        "--homework", metavar="TITLE", help="first mark every analysed homework file ready"
    )
    sync.add_argument("--server", metavar="URL", help="server address (default: settings)")
    sync.add_argument(
        "--wait", action="store_true", help="also wait until the server has processed each sheet"
    )
    sync.add_argument("--requeue", action="store_true", help="send items that need attention again")
    sync.add_argument(
        "--list", action="store_true", help="only list the items that need attention or are held"
    )
    sync.add_argument(
        "--retry-on-server",
        type=int,
        metavar="ID",
        action="append",
        default=[],
        help="ask the server to process a failed sheet again (local submission id)",
    )
    sync.add_argument("--timeout", type=float, metavar="S", help="seconds per request")
    sync.add_argument(
        "--give-up",
        type=float,
        default=120.0,
        metavar="S",
        help="stop after this many seconds without a connection (default 120)",
    )
    sync.add_argument("--quiet", action="store_true", help="no progress on stderr")
    sync.add_argument("--verbose", action="store_true", help="log every step on stderr")
    sync.add_argument("--log-file", type=Path, metavar="FILE", help="append the log to FILE")


def _error(message: str, err: TextIO, code: int = EXIT_USAGE) -> int:
    err.write(f"오류 / Error: {message}\n")
    return code


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from academy_desktop.store import WorkspaceError
    from academy_desktop.store.exams import StoreError
    from academy_desktop.sync.errors import SyncError

    out = out or sys.stdout
    err = err or sys.stderr
    handlers: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
        "login": _login,
        "sync": _sync,
    }
    try:
        return handlers[args.command](args, out, err)
    except (WorkspaceError, StoreError, SyncError, ValueError, FileNotFoundError) as exc:
        return _error(str(exc), err)


# ----------------------------------------------------------------------------- login


def _config(server: str | None, *, backoff_scale: float = 1.0, timeout: float | None = None) -> Any:
    from dataclasses import replace

    from academy_desktop import settings as settings_mod
    from academy_desktop.sync.config import SyncConfig

    config = SyncConfig.from_settings(
        settings_mod.load(), server_url=server, backoff_scale=backoff_scale
    )
    if timeout is not None:
        config = replace(config, timeout_s=max(0.1, timeout))
    return config


def _login(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from academy_desktop import settings as settings_mod
    from academy_desktop.sync import auth

    config = _config(args.server)
    store = auth.TokenStore(config.server_url)
    if args.sign_out:
        store.clear()
        out.write(f"로그아웃했습니다 / Signed out of {config.server_url}\n")
        return EXIT_OK
    if args.token:
        token = (
            sys.stdin.readline().strip()
            if args.token_stdin
            else getpass.getpass("API 토큰 / API token: ")
        )
        auth.sign_in_with_token(token, store)
        who = "API token"
    else:
        username = args.username or input("아이디 / User name: ").strip()
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("비밀번호 / Password: ")
        auth.sign_in_with_password(config, username, password, store)
        who = username
    settings = settings_mod.load()
    if args.server and settings.server_url.rstrip("/") != config.server_url:
        settings.server_url = config.server_url
        settings_mod.save(settings)
    out.write(
        f"로그인했습니다 ({who}); 토큰은 운영체제 키링에 저장됩니다 / "
        f"Signed in ({who}); the token is kept in the OS keyring: {config.server_url}\n"
    )
    return EXIT_OK


# ----------------------------------------------------------------------------- exam map


def run_exam_map(args: argparse.Namespace, out: TextIO) -> int:
    """``exam map``: set the exam's server ids from the options and/or a file."""
    from academy_desktop.cli.store_cmds import open_workspace
    from academy_desktop.store import exams
    from academy_desktop.sync import mapping

    typed: dict[str, int] = {}
    for item in args.question:
        key, sep, value = (s.strip() for s in str(item).partition("="))
        if not sep or not key or not value.isdigit():
            raise mapping.MappingError(
                f"--question 형식은 번호=ID 입니다: {item!r} / --question takes N=ID: {item!r}"
            )
        typed[key] = int(value)
    with open_workspace(args) as ws, ws.write() as s:
        exam = exams.get_exam(s, args.exam)
        if args.questions is not None:
            status = mapping.import_question_ids(
                s,
                exam,
                args.questions,
                target_id=args.target_id,
                sheet_id=args.sheet_id,
                sheet=args.sheet,
            )
        else:
            status = mapping.set_exam_mapping(
                s, exam, target_id=args.target_id, sheet_id=args.sheet_id
            )
        if typed:
            status = mapping.set_exam_mapping(s, exam, question_ids=typed)
        _print_mapping(exam.title, status, out)
    return EXIT_OK


def _print_mapping(title: str, status: Any, out: TextIO) -> None:
    mapped = status.questions - len(status.missing_questions)
    out.write(
        f"{title}: target_id={status.target_id} sheet_id={status.sheet_id} "
        f"문항 / questions {mapped}/{status.questions}\n"
    )
    if status.missing_questions:
        out.write(
            "  exam_question_id 없음 / missing: " + ", ".join(status.missing_questions) + "\n"
        )
    if status.sheets_without_enrollment:
        out.write(
            f"  enrollment_id 없는 답안지 / sheets without an enrollment_id: "
            f"{status.sheets_without_enrollment}\n"
        )
    if status.released:
        out.write(f"  보류 해제 / held items released: {status.released}\n")


# ----------------------------------------------------------------------------- sync


class _ProgressLine:
    """One updating line on a terminal, a plain line every few seconds otherwise."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self._last = 0.0
        self._width = 0

    def __call__(self, fraction: float, message: str) -> None:
        if self.quiet or not message:
            return
        now = time.monotonic()
        if now - self._last < (0.1 if self.tty else 5.0) and fraction < 1.0:
            return
        self._last = now
        if self.tty:
            self.stream.write("\r" + message.ljust(self._width))
            self._width = len(message)
        else:
            self.stream.write(message + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty and self._width and not self.quiet:
            self.stream.write("\n")


def _setup_logging(args: argparse.Namespace) -> list[logging.Handler]:
    handlers: list[logging.Handler] = []
    if args.verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    if args.log_file is not None:
        handlers.append(logging.FileHandler(args.log_file, encoding="utf-8"))
    logger = logging.getLogger("academy_desktop")
    for h in handlers:
        h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(h)
    if handlers:
        logger.setLevel(logging.INFO)
    return handlers


def _backoff_scale() -> float:
    text = os.environ.get(BACKOFF_SCALE_ENV, "").strip()
    try:
        value = float(text) if text else 1.0
    except ValueError:
        return 1.0
    return value if 0.0 < value <= 1.0 else 1.0


def _sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    handlers = _setup_logging(args)
    try:
        return _sync_run(args, out, err)
    finally:
        logger = logging.getLogger("academy_desktop")
        for h in handlers:
            logger.removeHandler(h)
            h.close()


def _sync_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from academy_desktop import settings as settings_mod
    from academy_desktop.cli.store_cmds import open_workspace
    from academy_desktop.engine.progress import TaskState
    from academy_desktop.store import exams
    from academy_desktop.store.homework import get_homework
    from academy_desktop.sync import outbox
    from academy_desktop.sync.auth import AuthState
    from academy_desktop.sync.errors import ServerRejected
    from academy_desktop.sync.runner import Phase, SyncRunner, retry_on_server

    # the address is checked before anything changes (not needed to only list)
    config = None
    if not args.list:
        config = _config(args.server, backoff_scale=_backoff_scale(), timeout=args.timeout)
    with open_workspace(args) as ws:
        if args.exam:
            with ws.write() as s:
                exam = exams.get_exam(s, args.exam)
                marked = outbox.mark_exam_ready(s, exam.id)
            _print_marked(marked, out)
        if args.homework:
            with ws.write() as s:
                homework = get_homework(s, args.homework)
                marked = outbox.mark_homework_ready(s, homework.id)
            _print_marked(marked, out)
        if args.requeue:
            with ws.write() as s:
                n = outbox.requeue(s)
            out.write(f"다시 보냄 / Requeued: {n}\n")
        if args.list:
            with ws.read() as s:
                _print_attention(s, out, include_held=True)
                return EXIT_ATTENTION if outbox.counts(s).needs_attention else EXIT_OK

        assert config is not None
        auth = AuthState.load(config)
        for submission_id in args.retry_on_server:
            try:
                status = retry_on_server(ws, config, auth, submission_id)
                out.write(
                    f"#{submission_id}: 서버에서 다시 처리 / retried on the server: {status}\n"
                )
            except ServerRejected as exc:
                out.write(f"#{submission_id}: {exc}\n")
        settings = settings_mod.load()
        runner = SyncRunner(ws, config, auth, auto_send=settings.auto_send)
        progress = _ProgressLine(err, args.quiet)
        state = TaskState(on_progress=progress)
        try:
            summary = runner.run(
                state,
                until_idle=True,
                wait_for_status=args.wait,
                offline_give_up_s=max(0.0, args.give_up),
            )
        finally:
            progress.end()
        with ws.read() as s:
            counts = outbox.counts(s)
            _print_summary(summary, counts, out)
            if counts.needs_attention:
                _print_attention(s, out, include_held=False)
    if summary.phase == Phase.SIGN_IN:
        return _error(
            summary.message + " (main.py login --server " + config.server_url + ")",
            err,
            EXIT_SIGN_IN,
        )
    if summary.phase == Phase.OFFLINE and counts.pending:
        return _error(summary.message, err, EXIT_OFFLINE)
    return EXIT_ATTENTION if counts.needs_attention else EXIT_OK


def _print_marked(marked: Any, out: TextIO) -> None:
    out.write(
        f"보낼 준비 / Marked ready: {marked.added} new, {marked.already} already in "
        f"the outbox, {marked.held} held\n"
    )


def _print_summary(summary: Any, counts: Any, out: TextIO) -> None:
    already = max(0, counts.sent - summary.posted)
    lost = (
        f" (응답을 잃은 {summary.found}건 포함 / incl. {summary.found} whose answer was lost)"
        if summary.found
        else ""
    )
    out.write(f"보냄 / Sent: {summary.posted}\n")
    out.write(f"이미 서버에 있음 / Already on the server: {already}{lost}\n")
    out.write(
        f"대기 / Waiting: {counts.pending + counts.held} "
        f"(보낼 예정 / to send {counts.pending}, 보류 / held {counts.held})\n"
    )
    out.write(f"확인 필요 / Needs attention: {counts.needs_attention}\n")
    out.write(
        f"서버 상태 / Server status: 완료 / done {counts.server_done}, "
        f"처리 중 / processing {counts.server_processing}, 실패 / failed {counts.server_failed}\n"
    )


def _print_attention(session: Any, out: TextIO, *, include_held: bool) -> None:
    from academy_desktop.sync import outbox

    for item in outbox.attention_list(session, include_held=include_held):
        who = " ".join(x for x in (item.student_number, item.student_name) if x) or "-"
        reason = item.reason.replace("\n", "\n    ")
        title = item.exam_title
        if item.target_type == "homework":
            title = f"숙제 / homework '{title}'"
        out.write(f"  #{item.submission_id} {title} {who} [{item.kind}]: {reason}\n")


__all__ = [
    "BACKOFF_SCALE_ENV",
    "COMMANDS",
    "EXIT_ATTENTION",
    "EXIT_OFFLINE",
    "EXIT_OK",
    "EXIT_SIGN_IN",
    "EXIT_USAGE",
    "add_exam_map_parser",
    "add_parsers",
    "run",
    "run_exam_map",
]
