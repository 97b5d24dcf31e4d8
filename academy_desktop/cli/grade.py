"""``main.py grade``: grade scans from the command line into results.jsonl and results.xlsx.

Exit codes: 0 when the batch ran (also when pages were rejected, or a folder's own
template.json or evaluation.json could not be used: its pages are rejected and the
summary lists the problem), 2 for usage errors (bad arguments; a --template or --key
that cannot be used or a key that does not fit the sheet; no inputs, or none with a
usable template; an --out folder that cannot be written), 130 after Ctrl+C (the
results graded so far are written and valid).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.settings import PDF_DPI_CHOICES

if TYPE_CHECKING:  # imported when grading starts, after the workers (see run_grade)
    from academy_desktop.cli.progress import Progress

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

DEFAULT_OUT = "omr-results"
DEFAULT_PDF_DPI = 200
JSONL_NAME = "results.jsonl"
XLSX_NAME = "results.xlsx"


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"1 이상의 정수여야 합니다 / must be a whole number of at least 1: {text!r}"
        )
    return value


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    p = subparsers.add_parser(
        "grade",
        help="스캔 채점 / grade scans into results.jsonl and results.xlsx",
        description=(
            "스캔한 답안지(PDF, JPEG, PNG, ...)를 채점합니다. / Grade scanned answer sheets. "
            "Without --template, a template.json is looked for in each input's folder and "
            "its parents (OMRChecker style); without --key, evaluation.json beside the "
            "template is used."
        ),
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="files or folders")
    p.add_argument(
        "--template",
        metavar="T",
        help="template file (native JSON, OMRChecker template.json, server layout) "
        "or the name of a bundled template",
    )
    p.add_argument(
        "--key",
        metavar="K",
        help="answer key (native JSON, CSV, XLSX or OMRChecker evaluation.json)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        metavar="DIR",
        help=f"output folder for {JSONL_NAME} and {XLSX_NAME} (default: ./{DEFAULT_OUT})",
    )
    p.add_argument(
        "--jobs",
        type=_positive_int,
        default=default_jobs(),
        metavar="N",
        help="worker processes (default: number of CPUs, at most 8)",
    )
    p.add_argument(
        "--pdf-dpi",
        type=int,
        choices=PDF_DPI_CHOICES,
        default=DEFAULT_PDF_DPI,
        metavar="DPI",
        help="resolution PDF pages are rendered at: "
        f"{', '.join(map(str, PDF_DPI_CHOICES))} (default: {DEFAULT_PDF_DPI}); "
        "images are read as they are",
    )
    p.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
    p.add_argument(
        "--exam",
        metavar="NAME",
        help="grade into the workspace under this exam (created from --template/--key "
        "or the template.json beside the inputs when new); resumable and idempotent",
    )
    p.add_argument(
        "--workspace",
        type=Path,
        metavar="DIR",
        help="workspace folder for --exam (default: the user's data folder)",
    )
    p.add_argument("--staff", metavar="NAME", help="staff name for the audit trail")


def usage_error(message: str, stream: TextIO | None = None) -> int:
    stream = stream or sys.stderr
    stream.write(f"오류 / Error: {message}\n")
    stream.flush()
    return EXIT_USAGE


def _prepare_out(out: Path) -> str | None:
    """Create ``out`` and check it can be written; return a message when it cannot."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        return (
            f"결과 폴더에 쓸 수 없습니다 / Cannot write to the output folder {out}: "
            f"{exc.strerror or exc}"
        )
    return None


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl+C while the output files are finished, so they are never cut short."""
    if not _in_main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _CtrlC:
    """First Ctrl+C: stop after the page in hand (both files get it). Second: stop at once.

    Forked worker processes inherit this handler; there it does nothing, so a worker
    is never killed half-way through a page - the parent stops the pool.
    """

    def __init__(self, state: TaskState, progress: Progress) -> None:
        self.state = state
        self.progress = progress
        self.requested = False
        self._pid = os.getpid()
        self._previous: Any = None

    def _handle(self, signum: int, frame: object) -> None:
        if os.getpid() != self._pid:
            return
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.state.cancel()
        self.progress.note(
            "중지하는 중: 지금 페이지까지 저장합니다 (바로 멈추려면 Ctrl+C를 한 번 더) / "
            "Stopping after the current page (Ctrl+C again to stop at once)"
        )

    def __enter__(self) -> _CtrlC:
        if _in_main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def run_grade(args: argparse.Namespace, stderr: TextIO | None = None) -> int:
    stderr = stderr or sys.stderr
    # The workers start first: they import the engine while this process plans the batch.
    # Imported here so that "main.py --help" and the GUI path do not load the engine.
    from academy_desktop.engine import WORKER_PRELOAD, workers

    pool = workers.WorkerPool(args.jobs, preload=WORKER_PRELOAD) if args.jobs > 1 else None
    try:
        if args.exam or args.workspace:
            if not args.exam:
                return usage_error(
                    "--workspace 에는 --exam 이 필요합니다 / --workspace needs --exam"
                )
            from academy_desktop.cli import grade_workspace

            return grade_workspace.run(args, pool, stderr)
        return _grade(args, stderr, pool)
    finally:
        if pool is not None:
            pool.close()


def _grade(args: argparse.Namespace, stderr: TextIO, pool: Any) -> int:
    from academy_desktop.engine import pipeline

    out: Path = args.out
    problem = _prepare_out(out)
    if problem:
        return usage_error(problem, stderr)
    try:
        job = pipeline.plan(
            list(args.inputs), template=args.template, key=args.key, pdf_dpi=args.pdf_dpi
        )
    except pipeline.UsageError as exc:
        return usage_error(str(exc), stderr)
    warnings: list[str] = list(job.warnings)
    for warning in warnings:  # shown even with --quiet: the batch is not what was asked
        stderr.write(f"경고 / Warning: {warning}\n")
    if job.skipped and not args.quiet:
        names = ", ".join(str(p) for p in job.skipped)
        stderr.write(f"양식 그림은 채점하지 않습니다 / Template pictures, not graded: {names}\n")
    stderr.flush()

    state = TaskState()
    # the workers start on the first pages now, while the output files are set up
    results = pipeline.run(job, jobs=args.jobs, state=state, pool=pool)
    from academy_desktop.cli.progress import Progress
    from academy_desktop.output.jsonl import JsonlWriter
    from academy_desktop.output.xlsx import XlsxWriter

    progress = Progress(len(job.items), stderr, quiet=args.quiet)
    jsonl = JsonlWriter(out / JSONL_NAME)
    xlsx = XlsxWriter(out / XLSX_NAME, job.question_labels)
    interrupted = False
    with _CtrlC(state, progress) as ctrl_c:
        try:
            for result in results:
                jsonl.write(result)
                xlsx.add(result)
                progress.page(result)
                if ctrl_c.requested:
                    break
        except (KeyboardInterrupt, Cancelled):
            interrupted = True
            state.cancel()
        finally:
            with _sigint_ignored():
                close = getattr(results, "close", None)
                if close is not None:
                    close()  # stops the worker pool
                jsonl.close()
                xlsx.close()
        interrupted = interrupted or ctrl_c.requested
    progress.finish(xlsx.stats, [jsonl.path, xlsx.path], interrupted=interrupted, warnings=warnings)
    return EXIT_INTERRUPTED if interrupted else EXIT_OK
