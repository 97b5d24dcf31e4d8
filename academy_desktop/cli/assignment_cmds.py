"""Homework assignments in a workspace: ``main.py assignment ...``.

The same store services as the window's homework page::

    main.py assignment create --name "3단원 풀이" --due 2026-12-01 --group 중2A --target-id 77
    main.py assignment list
    main.py assignment edit "3단원 풀이" --target-id 78
    main.py assignment add "3단원 풀이" videos/ photo.jpg [--pattern "(?P<number>\\d+)_"]
    main.py assignment resume "3단원 풀이"
    main.py assignment show "3단원 풀이" [--filter review] [--json]
    main.py assignment confirm "3단원 풀이" [--submission ID ...]
    main.py assignment export "3단원 풀이" --out 3단원.xlsx [--format csv]

Verdicts and students are changed with ``main.py review set --submission ID --field
verdict --value no_writing`` (or ``--field student``) and undone with ``review undo``:
the audited decisions of OMR review. ``main.py homework FILE...`` analyses files
without a workspace.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from academy_desktop.cli import homework_cmds
from academy_desktop.cli.progress import format_duration

EXIT_OK = 0
EXIT_SOME_UNREADABLE = 1
COMMANDS = ("assignment",)
FILTERS = ("all", "review", "unmatched", "wrote", "little_writing", "no_writing", "unreadable")


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"양수여야 합니다 / must be positive: {text}")
    return value


def add_parsers(
    subparsers: argparse._SubParsersAction[Any],
    common: Callable[[argparse.ArgumentParser], None],
    date_type: Callable[[str], Any],
) -> None:
    hw = subparsers.add_parser("assignment", help="숙제 / homework assignments in a workspace")
    sub = hw.add_subparsers(dest="assignment_command", required=True, metavar="ACTION")
    create = sub.add_parser("create", help="create a homework assignment")
    common(create)
    create.add_argument("--name", required=True, help="the homework's title")
    create.add_argument("--due", type=date_type, metavar="YYYY-MM-DD", help="due date")
    create.add_argument("--group", help="class or group")
    create.add_argument("--target-id", type=_positive, metavar="N", help="the server's homework id")
    edit = sub.add_parser("edit", help="change a homework's title, due date, class or server id")
    common(edit)
    edit.add_argument("name")
    edit.add_argument("--rename", metavar="TITLE")
    edit.add_argument("--due", type=date_type, metavar="YYYY-MM-DD")
    edit.add_argument("--group")
    edit.add_argument("--target-id", type=_positive, metavar="N")
    lst = sub.add_parser("list", help="list the homework assignments with their counts")
    common(lst)
    add = sub.add_parser("add", help="add videos or photos to a homework and analyse them")
    common(add)
    add.add_argument("name")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument(
        "--pattern",
        metavar="REGEX",
        help="match files to students with (?P<number>...) or (?P<name>...) "
        "(default: a student number or a roster name in the file name)",
    )
    _analysis_options(add)
    resume = sub.add_parser("resume", help="analyse the files a cut-short batch left")
    common(resume)
    resume.add_argument("name")
    _analysis_options(resume)
    show = sub.add_parser("show", help="the homework's submissions (one line each, or JSON)")
    common(show)
    show.add_argument("name")
    show.add_argument("--filter", choices=FILTERS, default="all")
    show.add_argument("--json", action="store_true", help="print JSON lines")
    export = sub.add_parser("export", help="the class list: verdicts, and who did not hand in")
    common(export)
    export.add_argument("name")
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    confirm = sub.add_parser(
        "confirm", help="confirm the engine's verdicts that are sure (or the given submissions)"
    )
    common(confirm)
    confirm.add_argument("name")
    confirm.add_argument("--submission", type=int, action="append", metavar="ID", default=[])


def _analysis_options(p: argparse.ArgumentParser) -> None:
    homework_cmds.add_analysis_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace, out: TextIO, open_workspace: Callable[..., Any]) -> int:
    from academy_desktop.store import homework as store

    command = args.assignment_command
    with open_workspace(args) as ws:
        if command == "create":
            with ws.write() as s:
                hw = store.create_homework(
                    s,
                    args.name,
                    due_date=args.due,
                    group_name=args.group,
                    target_id=args.target_id,
                )
                out.write(f"숙제를 만들었습니다 / Homework created: #{hw.id} {hw.title}\n")
        elif command == "edit":
            changes: dict[str, Any] = {}
            if args.rename is not None:
                changes["title"] = args.rename
            if args.due is not None:
                changes["due_date"] = args.due
            if args.group is not None:
                changes["group_name"] = args.group
            with ws.write() as s:
                hw = store.update_homework(s, store.get_homework(s, args.name).id, **changes)
                if args.target_id is not None:
                    from academy_desktop.sync.mapping import set_homework_target

                    # held files waiting for the server id are released at once
                    set_homework_target(s, hw.id, args.target_id)
                out.write(f"바꿨습니다 / Updated: #{hw.id} {hw.title}\n")
        elif command == "list":
            with ws.read() as s:
                for h in store.list_homeworks(s):
                    verdicts = ", ".join(f"{k} {v}" for k, v in sorted(h.verdicts.items()))
                    out.write(
                        f"{h.title}\tdue {h.due_date or '-'}\t{h.group_name or '-'}\t"
                        f"{h.files} files\t{h.needs_review} to check\t{h.unmatched} no student\t"
                        f"server {h.target_id or '-'}\t{verdicts}\n"
                    )
        elif command in ("add", "resume"):
            return _analyse(ws, args, out)
        elif command == "show":
            _show(ws, args, out)
        elif command == "export":
            from academy_desktop.store.homework_export import export_homework

            with ws.read() as s:
                rows = export_homework(
                    s, store.get_homework(s, args.name).id, args.format, args.out
                )
            out.write(f"내보냄 / Exported {rows} rows to {args.out}\n")
        else:
            _confirm(ws, args, out)
    return EXIT_OK


def _analyse(ws: Any, args: argparse.Namespace, out: TextIO) -> int:
    from academy_desktop.engine.progress import TaskState
    from academy_desktop.store import homework as store
    from academy_desktop.store import homework_batch

    with ws.read() as s:
        hw_id = store.get_homework(s, args.name).id
    err = sys.stderr
    last = [-1]

    def progress(fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        if not args.quiet and pct != last[0] and pct % 5 == 0:
            last[0] = pct
            err.write(f"[{pct:3d}%] {message}\n")

    state = TaskState(progress)
    if args.assignment_command == "add":
        batch = homework_batch.prepare(ws, hw_id, args.files, pattern=args.pattern)
    else:
        batch = homework_batch.resume(ws, hw_id)
    for path, reason in batch.refused:
        out.write(f"거부 / refused\t{path}\t{reason}\n")
    for path in batch.already:
        out.write(f"이미 분석함 / already analysed\t{path}\n")
    unreadable = bool(batch.refused)
    for o in homework_batch.run(
        ws, batch, state=state, options=homework_cmds.analysis_options(args)
    ):
        conf = "-" if o.confidence is None else f"{o.confidence:.2f}"
        check = "확인 필요 / to check" if o.doubtful else "ok"
        out.write(
            f"#{o.submission_id}\t{o.original_name}\t{o.verdict}\t{conf}\t{check}\t"
            f"{format_duration(o.seconds)}\n"
        )
        unreadable = unreadable or o.verdict == "unreadable"
    return EXIT_SOME_UNREADABLE if unreadable else EXIT_OK


def _show(ws: Any, args: argparse.Namespace, out: TextIO) -> None:
    from academy_desktop.store import homework as store

    with ws.read() as s:
        hw = store.get_homework(s, args.name)
        cards = store.cards(s, hw.id, args.filter)
    for c in cards:
        if args.json:
            record = {
                "submission_id": c.submission_id,
                "file": c.original_name,
                "source": c.source,
                "student_number": c.student_number,
                "student_name": c.student_name,
                "verdict": c.verdict,
                "engine_verdict": c.engine_verdict,
                "confidence": c.confidence,
                "reason": c.reason,
                "review_state": c.review_state,
                "checked_by": c.decided_by,
                "rejection_code": c.rejection_code,
                "ocr_text": c.ocr_text,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        who = f"{c.student_number} {c.student_name}" if c.student_id else "학생 없음 / no student"
        conf = "-" if c.confidence is None else f"{c.confidence:.2f}"
        mark = "확인 필요 / to check" if c.doubtful else (c.decided_by or "ok")
        out.write(
            f"#{c.submission_id}\t{who}\t{c.original_name}\t{c.verdict or '-'}\t{conf}\t{mark}\n"
        )


def _confirm(ws: Any, args: argparse.Namespace, out: TextIO) -> None:
    """Confirm verdicts as a person: the given submissions, else every sure one not yet
    confirmed (doubtful ones are left for a look)."""
    from academy_desktop.store import homework as store
    from academy_desktop.store.exams import StoreError
    from academy_desktop.store.review import VERDICT_FIELD, set_value

    with ws.write() as s:
        hw = store.get_homework(s, args.name)
        cards = store.cards(s, hw.id)
        wanted = set(args.submission)
        unknown = wanted - {c.submission_id for c in cards}
        if unknown:
            listed = ", ".join(f"#{i}" for i in sorted(unknown))
            raise StoreError(
                f"이 숙제의 제출물이 아닙니다: {listed} / "
                f"Not submissions of this homework: {listed}"
            )
        done = 0
        for c in cards:
            chosen = c.submission_id in wanted if wanted else not c.doubtful and not c.decided_by
            if not chosen or c.verdict is None:
                continue
            set_value(s, c.submission_id, VERDICT_FIELD, c.verdict, decided_by=ws.staff)
            done += 1
    out.write(f"확인함 / Confirmed: {done}\n")
