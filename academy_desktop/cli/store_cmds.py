"""Workspace commands: ``exam``, ``roster``, ``review``, ``results``, ``export``, ``doctor``,
``assignment`` (homework, :mod:`academy_desktop.cli.assignment_cmds`).

They run the same store services the desktop window will call. Every command takes
``--workspace DIR`` (default: the user's data folder) and ``--staff NAME`` (who the
audit trail names; default: the ``ACADEMY_STAFF`` environment variable, else the
login name). Errors are bilingual and give exit code 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from academy_desktop.cli import assignment_cmds, review_cmds, sync_cmds

EXIT_OK = 0
EXIT_USAGE = 2


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", type=Path, metavar="DIR", help="workspace folder")
    p.add_argument("--staff", metavar="NAME", help="staff name for the audit trail")


def add_parsers(subparsers: argparse._SubParsersAction[Any]) -> None:
    exam = subparsers.add_parser("exam", help="시험 / exams: create, list, show")
    exam_sub = exam.add_subparsers(dest="exam_command", required=True, metavar="ACTION")
    create = exam_sub.add_parser("create", help="create an exam from a template")
    _common(create)
    create.add_argument("--name", required=True, help="the exam's title")
    create.add_argument("--template", required=True, metavar="T", help="template or bundled name")
    create.add_argument("--key", type=Path, metavar="K", help="answer key (JSON, CSV, XLSX)")
    create.add_argument("--group", help="class or group")
    create.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="the exam's date")
    lst = exam_sub.add_parser("list", help="list the exams")
    _common(lst)
    show = exam_sub.add_parser("show", help="show one exam")
    _common(show)
    show.add_argument("name")
    setkey = exam_sub.add_parser("set-key", help="set or replace the answer key (re-grades)")
    _common(setkey)
    setkey.add_argument("name")
    source = setkey.add_mutually_exclusive_group(required=True)
    source.add_argument("--key", type=Path, metavar="K", help="answer key file (JSON, CSV, XLSX)")
    source.add_argument(
        "--digits",
        metavar="TEXT",
        help='answers in sheet order, e.g. "31452 24135"; (24) or 2/4 = either, '
        "[24] = both marked, * = any, ? = not scored (see docs/answer-keys.md)",
    )
    source.add_argument(
        "--from-version", type=int, metavar="N", help="restore version N as a new version"
    )
    keys = exam_sub.add_parser("keys", help="list the answer key versions, or show one")
    _common(keys)
    keys.add_argument("name")
    keys.add_argument("--version", type=int, metavar="N", help="print version N as JSON")
    sync_cmds.add_exam_map_parser(exam_sub)

    roster = subparsers.add_parser("roster", help="학생 명단 / student roster")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True, metavar="ACTION")
    imp = roster_sub.add_parser("import", help="import students from xlsx or csv")
    _common(imp)
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--map", metavar="MAP", help='column mapping, e.g. "name=이름,number=학번"')
    imp.add_argument("--sheet", help="xlsx sheet name (default: the first)")
    imp.add_argument(
        "--ignore",
        metavar="FIELDS",
        help="optional columns not to read, e.g. class_name,enrollment_id",
    )

    review = subparsers.add_parser("review", help="검토 / review decisions")
    review_sub = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    rset = review_sub.add_parser("set", help="set one answer (writes an audit row)")
    _common(rset)
    rset.add_argument("--submission", type=int, required=True, metavar="ID")
    rset.add_argument(
        "--field", required=True, help='question label, or "student"; homework: "verdict"'
    )
    rset.add_argument(
        "--value",
        required=True,
        help='e.g. 3, 24 for a double mark, "" blank; a verdict: wrote, little_writing, '
        "no_writing, unreadable",
    )
    rset.add_argument("--reason")
    undo = review_sub.add_parser("undo", help="undo the last decision (adds an audit row)")
    _common(undo)
    undo.add_argument("--submission", type=int, required=True, metavar="ID")
    review_cmds.add_corners_parser(review_sub, _common)

    review_cmds.add_results_parser(subparsers, _common)

    export = subparsers.add_parser("export", help="내보내기 / export an exam's results")
    _common(export)
    export.add_argument("--exam", required=True, metavar="NAME")
    export.add_argument("--format", choices=("xlsx", "csv", "jsonl"), default="xlsx")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")

    doctor = subparsers.add_parser("doctor", help="작업 공간 점검 / check a workspace")
    _common(doctor)
    doctor.add_argument("--repair", action="store_true", help="move orphans, delete partials")

    assignment_cmds.add_parsers(subparsers, _common, _date)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"날짜는 YYYY-MM-DD 형식이어야 합니다: {text} / the date must be YYYY-MM-DD: {text}"
        ) from exc


def staff_name(args: argparse.Namespace) -> str:
    return args.staff or os.environ.get("ACADEMY_STAFF") or getpass.getuser() or "staff"


def _error(message: str, stream: TextIO) -> int:
    stream.write(f"오류 / Error: {message}\n")
    return EXIT_USAGE


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run a workspace command; store errors become exit code 2 with their message."""
    from academy_desktop.store import WorkspaceError
    from academy_desktop.store.exams import StoreError
    from academy_desktop.store.roster import RosterError

    out = out or sys.stdout
    err = err or sys.stderr
    handlers: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
        "exam": _exam,
        "roster": _roster,
        "review": _review,
        "results": review_cmds.run_results,
        "export": _export,
        "doctor": _doctor,
        "assignment": lambda a, o: assignment_cmds.run(a, o, open_workspace),
    }
    try:
        return handlers[args.command](args, out)
    except (WorkspaceError, StoreError, RosterError, ValueError, FileNotFoundError) as exc:
        return _error(str(exc), err)


def open_workspace(args: argparse.Namespace) -> Any:
    from academy_desktop.store import Workspace

    return Workspace.open(args.workspace, staff=staff_name(args))


def _exam(args: argparse.Namespace, out: TextIO) -> int:
    from academy_desktop.store import exams

    if args.exam_command == "map":
        return sync_cmds.run_exam_map(args, out)
    with open_workspace(args) as ws:
        if args.exam_command == "create":
            with ws.write() as s:
                exam = exams.create_exam(
                    s,
                    args.name,
                    args.template,
                    key=args.key,
                    group_name=args.group,
                    exam_date=args.date,
                    created_by=ws.staff,
                )
                out.write(f"시험을 만들었습니다 / Exam created: #{exam.id} {exam.title}\n")
        elif args.exam_command == "set-key":
            with ws.write() as s:
                exam = exams.get_exam(s, args.name)
                if args.key is not None:
                    version = exams.set_key(s, exam, args.key, created_by=ws.staff)
                else:
                    if args.digits is not None:
                        key = _digits_key(exam, args.digits)
                    else:
                        key = exams.key_version(exam, args.from_version)
                    version = exams.set_key_object(s, exam, key, created_by=ws.staff)
                out.write(f"정답 버전 / Answer key version {version.version}: re-graded\n")
        elif args.exam_command == "keys":
            with ws.read() as s:
                exam = exams.get_exam(s, args.name)
                if args.version is not None:
                    exams.key_version(exam, args.version)  # refuses a version that is not there
                    row = next(k for k in exam.keys if k.version == args.version)
                    out.write(json.dumps(row.content, ensure_ascii=False, indent=2) + "\n")
                else:
                    from academy_desktop.engine.answerkey_text import format_digit_key

                    t = exams.exam_template(exam)
                    for row in exams.key_history(exam):
                        when = f"{exams.local_time(row.created_at):%Y-%m-%d %H:%M}"
                        key = exams.key_version(exam, row.version)
                        digits = format_digit_key(key, t, exams.graded_labels(t))
                        out.write(f"v{row.version}\t{when}\t{row.created_by or '-'}\t{digits}\n")
        elif args.exam_command == "list":
            with ws.read() as s:
                for e in exams.list_exams(s):
                    out.write(
                        f"{e.title}\t{e.template_name}\t{e.submissions} sheets\t"
                        f"{e.flagged} to review\tkey v{e.key_version or '-'}\n"
                    )
        else:
            with ws.read() as s:
                exam = exams.get_exam(s, args.name)
                t = exams.exam_template(exam)
                out.write(f"#{exam.id} {exam.title}\n")
                out.write(f"template: {exam.template.name} ({exam.template.source})\n")
                out.write(f"questions: {len(exams.graded_labels(t))}\n")
                current = exams.current_key_version(exam)
                out.write(f"answer key: {'v' + str(current.version) if current else '-'}\n")
                out.write(f"server: target_id={exam.target_id} sheet_id={exam.sheet_id}\n")
    return EXIT_OK


def _digits_key(exam: Any, text: str) -> Any:
    """The exam's key with the answers typed in ``text`` (points and sections kept)."""
    from academy_desktop.engine.answerkey_text import apply_answers, parse_digit_key
    from academy_desktop.store import exams

    t = exams.exam_template(exam)
    labels = exams.graded_labels(t)
    parsed = parse_digit_key(text, t, labels)
    if not parsed.ok:
        raise exams.StoreError(
            "정답 문자열을 읽을 수 없습니다 / Cannot read the answers:\n- "
            + "\n- ".join(parsed.errors)
        )
    return apply_answers(exams.current_key(exam), parsed.answers(), order=labels)


def _roster(args: argparse.Namespace, out: TextIO) -> int:
    from academy_desktop.store.roster import import_roster, parse_mapping, parse_roster

    mapping = parse_mapping(args.map) if args.map else None
    ignore = [f.strip() for f in (args.ignore or "").split(",") if f.strip()]
    parsed = parse_roster(args.file, mapping, sheet=args.sheet, ignore=ignore)
    with open_workspace(args) as ws, ws.write() as s:
        summary = import_roster(s, parsed)
    out.write(
        f"명단 / Roster: {summary.created} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {len(summary.errors)} rows with errors\n"
    )
    for e in summary.errors:
        out.write(f"  row {e.row}, {e.column}: {e.message_ko} / {e.message_en}\n")
    return EXIT_OK


def _review(args: argparse.Namespace, out: TextIO) -> int:
    from academy_desktop.store import review

    if args.review_command == "corners":
        return review_cmds.run_corners(args, out)
    with open_workspace(args) as ws, ws.write() as s:
        if args.review_command == "set":
            d = review.set_value(
                s,
                args.submission,
                args.field,
                args.value,
                decided_by=ws.staff,
                reason=args.reason,
            )
        else:
            undone = review.undo_last(s, args.submission, decided_by=ws.staff)
            if undone is None:
                out.write("되돌릴 결정이 없습니다 / Nothing to undo\n")
                return EXIT_OK
            d = undone
        out.write(
            f"#{d.submission_id} {d.field}: {d.old_value!r} -> {d.new_value!r} ({d.decided_by})\n"
        )
    return EXIT_OK


def _export(args: argparse.Namespace, out: TextIO) -> int:
    from academy_desktop.store import exams
    from academy_desktop.store.export import export_exam

    with open_workspace(args) as ws, ws.read() as s:
        exam = exams.get_exam(s, args.exam)
        summary = export_exam(s, exam.id, args.format, args.out)
    out.write(f"내보냄 / Exported {summary.rows} rows to {args.out}\n")
    return EXIT_OK


def _doctor(args: argparse.Namespace, out: TextIO) -> int:
    from academy_desktop.store.doctor import check

    with open_workspace(args) as ws:
        report = check(ws, repair=args.repair)
    out.write("\n".join(report.lines()) + "\n")
    return EXIT_OK
