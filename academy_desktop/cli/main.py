"""The ``main.py`` entry point: the desktop app, or a subcommand such as ``grade``.

``main.py`` (or ``main.py --open PATH...``) starts the window; ``main.py grade ...``
grades from the command line and never imports Qt (the GUI is imported only on
its own path, see ``docs/architecture.md``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from academy_desktop import __version__
from academy_desktop.cli import grade, homework_cmds, store_cmds, sync_cmds

EXIT_INTERRUPTED = 130


class BilingualParser(argparse.ArgumentParser):
    """argparse with usage errors prefixed in Korean and English."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 사용법 오류 / usage error: {message}\n")


def build_parser() -> BilingualParser:
    parser = BilingualParser(
        prog="main.py",
        description=(
            "Academy Desktop: 학원용 OMR 채점 / offline OMR grading for academies. "
            "Without a command the desktop window opens."
        ),
    )
    parser.add_argument("--version", action="version", version=f"Academy Desktop {__version__}")
    parser.add_argument(
        "--open",
        nargs="+",
        type=Path,
        default=[],
        metavar="PATH",
        help="files or folders to open in the window",
    )
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="-",
        default=None,
        type=str,
        metavar="REPORT",
        help="check this installation (workspace, grading, models, OCR, window) and exit; "
        "REPORT: also write the report to this file",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    grade.add_parser(subparsers)
    homework_cmds.add_parsers(subparsers)
    store_cmds.add_parsers(subparsers)
    sync_cmds.add_parsers(subparsers)
    return parser


def start_gui(open_paths: Sequence[Path]) -> int:
    # The only place outside academy_desktop.ui that reaches Qt, and only on this path;
    # the import-linter contract ignores exactly this edge (pyproject.toml). Qt options
    # (platform, style, scaling) come from the QT_* environment variables.
    from academy_desktop.ui.app import run

    return run([sys.argv[0] if sys.argv else "main.py"], open_paths=open_paths)


def run_self_test(report: str) -> int:
    # The self-test renders the main window offscreen: like start_gui(), the UI is
    # imported here only (an import-linter ignore in pyproject.toml names this edge).
    from academy_desktop import selftest

    def render_window(workspace: Any, scratch: Path) -> str:
        from academy_desktop.ui.selftest_ui import render_main_window

        return render_main_window(workspace, scratch)  # an import failure is reported too

    return selftest.main(render_window, report=None if report == "-" else Path(report))


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_in)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.self_test is not None:
            return run_self_test(args.self_test)
        if args.command == "grade":
            return grade.run_grade(args)
        if args.command in sync_cmds.COMMANDS:
            return sync_cmds.run(args)
        if args.command in homework_cmds.COMMANDS:
            return homework_cmds.run(args)
        if args.command is not None:
            return store_cmds.run(args)
        return start_gui(args.open)
    except KeyboardInterrupt:
        sys.stderr.write("\n중단됨 / Interrupted.\n")
        return EXIT_INTERRUPTED
