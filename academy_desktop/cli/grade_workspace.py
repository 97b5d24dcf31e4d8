"""``main.py grade --workspace DIR --exam NAME INPUT...``: grade into the local store.

Resumable and idempotent (see :mod:`academy_desktop.store.grading`): a file already
graded for the exam is reported as such and not graded again, and a run that was
cut short continues where it stopped. Each page is committed as soon as it is read.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from academy_desktop.engine.progress import Cancelled, TaskState

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def run(args: argparse.Namespace, pool: Any, stderr: TextIO | None = None) -> int:
    from academy_desktop.cli.progress import Progress
    from academy_desktop.cli.store_cmds import staff_name
    from academy_desktop.engine.pipeline import UsageError
    from academy_desktop.output.stats import BatchStats
    from academy_desktop.store import Workspace, WorkspaceError, grading
    from academy_desktop.store.exams import StoreError

    stderr = stderr or sys.stderr
    try:
        ws = Workspace.open(args.workspace, staff=staff_name(args))
    except WorkspaceError as exc:
        stderr.write(f"오류 / Error: {exc}\n")
        return EXIT_USAGE
    with ws:
        try:
            batch = grading.prepare(
                ws,
                args.exam,
                list(args.inputs),
                template=args.template,
                key=args.key,
                pdf_dpi=args.pdf_dpi,
            )
        except (UsageError, StoreError, ValueError) as exc:
            stderr.write(f"오류 / Error: {exc}\n")
            return EXIT_USAGE
        progress = Progress(batch.pages, stderr, quiet=args.quiet)
        shown = batch.already_graded[:5]
        for path in shown:
            progress.note(f"이미 채점됨 / already graded: {path}")
        if len(batch.already_graded) > len(shown):
            more = len(batch.already_graded) - len(shown)
            progress.note(
                f"... 외 {more}개 파일도 이미 채점됨 / and {more} more files already graded"
            )
        stats = BatchStats()
        state = TaskState()
        interrupted = False
        try:
            for result, _sub_id in grading.run(ws, batch, jobs=args.jobs, state=state, pool=pool):
                stats.add(result)
                progress.page(result)
        except (KeyboardInterrupt, Cancelled):
            interrupted = True
        progress.finish(stats, [ws.db_path], interrupted=interrupted)
        if not args.quiet:
            stderr.write(
                f"작업 공간 / Workspace: {ws.folder} · 시험 / exam: {batch.exam_title} · "
                f"건너뛴 쪽 / pages already graded: {batch.skipped_pages}\n"
            )
    return EXIT_INTERRUPTED if interrupted else EXIT_OK
