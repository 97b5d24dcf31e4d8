"""``results`` and ``review corners``: what the desktop's results table and manual
alignment do, from the command line.

* ``main.py results EXAM [--filter F] [--sort S] [--desc] [--limit N]`` prints the
  exam's results as a table (the same queries as the GUI's lazy table).
* ``main.py review corners EXAM --submission ID --points x1,y1,...,x4,y4
  [--kind page|markers] [--by NAME]`` re-grades a page from four clicked points
  (pixels of the page as the grader loads it; see ``docs/review.md``).

Errors are bilingual and give exit code 2, as in :mod:`academy_desktop.cli.store_cmds`.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Callable
from typing import Any, TextIO

EXIT_OK = 0
FILTERS = ("all", "flagged", "rejected", "unknown-student", "duplicate-student")
SORTS = ("order", "student", "score", "flagged", "status")
PAGE_ROWS = 500


def add_results_parser(
    subparsers: argparse._SubParsersAction[Any], common: Callable[[argparse.ArgumentParser], None]
) -> None:
    p = subparsers.add_parser("results", help="결과 / an exam's results: filter and sort")
    common(p)
    p.add_argument("exam", metavar="EXAM", help="the exam's title")
    p.add_argument("--filter", choices=FILTERS, default="all", help="which sheets (default: all)")
    p.add_argument("--sort", choices=SORTS, default="order", help="order (default: grading)")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int, metavar="N", help="print at most N rows")


def add_corners_parser(
    review_sub: argparse._SubParsersAction[Any], common: Callable[[argparse.ArgumentParser], None]
) -> None:
    p = review_sub.add_parser(
        "corners", help="re-grade a page from 4 clicked corners (writes an audit row)"
    )
    common(p)
    p.add_argument("exam", metavar="EXAM", help="the exam's title")
    p.add_argument("--submission", type=int, required=True, metavar="ID")
    p.add_argument(
        "--points",
        required=True,
        metavar="X1,Y1,...,X4,Y4",
        help="the 4 points in image pixels, any order",
    )
    p.add_argument(
        "--kind",
        choices=("page", "markers"),
        default="page",
        help="page corners (default) or corner-mark centres",
    )
    p.add_argument("--by", metavar="NAME", help="who decided (default: --staff)")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(header: list[str], rows: list[list[str]], out: TextIO) -> None:
    """Columns padded for display width (Hangul is two columns wide in a terminal)."""
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        cells = [c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"


def run_results(args: argparse.Namespace, out: TextIO) -> int:
    from academy_desktop.cli.store_cmds import open_workspace
    from academy_desktop.store import exams
    from academy_desktop.store.exams import StoreError
    from academy_desktop.store.results import (
        ResultFilter,
        ResultRow,
        ResultSort,
        count_results,
        list_results,
    )

    if args.limit is not None and args.limit < 0:
        raise StoreError("--limit 는 0 이상이어야 합니다 / --limit must be 0 or more")
    kind, sort = ResultFilter(args.filter), ResultSort(args.sort)
    with open_workspace(args) as ws, ws.read() as s:
        exam = exams.get_exam(s, args.exam)
        total = count_results(s, exam.id, kind)
        wanted = total if args.limit is None else min(total, args.limit)
        rows: list[ResultRow] = []
        while len(rows) < wanted:
            chunk = list_results(
                s,
                exam.id,
                offset=len(rows),
                limit=min(PAGE_ROWS, wanted - len(rows)),
                filter=kind,
                sort=sort,
                descending=args.desc,
            )
            if not chunk:
                break
            rows.extend(chunk)
    header = ["ID", "파일/File", "쪽/Page", "학번/Number", "이름/Name", "점수/Score",
              "상태/Status", "검토/Review", "표시/Flags", "중복/Dup"]  # fmt: skip
    table = [
        [
            str(r.submission_id),
            r.file,
            str(r.page),
            r.student_number or "-",
            r.student_name or "-",
            "-" if r.score is None else f"{_number(r.score)}/{_number(r.max_score)}",
            r.rejection_code or r.status,
            r.review_state,
            str(r.flagged),
            "dup" if r.duplicate else "",
        ]
        for r in rows
    ]
    _table(header, table, out)
    out.write(
        f"{len(rows)} / {total} 행 ({kind.value}) · 시험 / exam: {args.exam} / "
        f"{len(rows)} of {total} rows\n"
    )
    return EXIT_OK


def run_corners(args: argparse.Namespace, out: TextIO) -> int:
    from academy_desktop.cli.store_cmds import open_workspace, staff_name
    from academy_desktop.store import exams
    from academy_desktop.store.exams import StoreError
    from academy_desktop.store.realign import parse_points, regrade_with_points
    from academy_desktop.store.review import get_submission

    points = parse_points(args.points)
    who = args.by or staff_name(args)
    with open_workspace(args) as ws, ws.write() as s:
        exam = exams.get_exam(s, args.exam)
        if get_submission(s, args.submission).exam_id != exam.id:
            raise StoreError(
                f"답안지 #{args.submission}은(는) 시험 '{exam.title}'의 것이 아닙니다 / "
                f"submission #{args.submission} does not belong to the exam '{exam.title}'"
            )
        sub = regrade_with_points(
            s, ws.folder, args.submission, points, kind=args.kind, decided_by=who
        )
        score = "-" if sub.score is None else f"{_number(sub.score)}/{_number(sub.max_score)}"
        out.write(
            f"#{sub.id} 수동 정렬로 다시 채점했습니다 / re-graded from the clicked points: "
            f"{score}, 표시 / flags {sub.flags_open}, 검토 / review {sub.review_state} ({who})\n"
        )
    return EXIT_OK
