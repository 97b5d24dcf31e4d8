"""Start Academy Desktop: ``python main.py`` opens the window, ``python main.py grade ...``
grades from the command line. See README.md."""

import multiprocessing

from academy_desktop.cli.main import main
from academy_desktop.console import ensure_streams

if __name__ == "__main__":
    multiprocessing.freeze_support()  # worker processes of a frozen Windows build
    ensure_streams()  # the windowed Windows build starts without stdout/stderr
    raise SystemExit(main())
