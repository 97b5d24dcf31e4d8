"""The window's speed targets, measured end to end.

    python bench/ui_bench.py [--runs 5] [--sheets 1000] [--batch 500]

* **Cold start**: ``main.py`` in a new process until its window is shown and the event
  loop is idle (``ACADEMY_DESKTOP_STARTUP_PROBE``), on an empty workspace and on one
  holding the 1,000-sheet exam. Target <= 2.5 s.
* **Opening an exam** with 1,000 graded sheets: selecting it in the sidebar until its
  results table shows rows (header, badges, first page of rows, resume check).
  Target <= 1 s.
* **Event-loop stall** during a batch of 500 sheets dropped on the window: the longest
  gap between the ticks of a 10 ms timer. Target <= 100 ms.

Moving to the next flagged item in review is measured by ``bench/review_bench.py``.
The 1,000 sheets are really graded once (copies of the bundled 20-question samples)
and cached in the temp folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui.ui_helpers import SAMPLES, distinct_copies, make_exam  # noqa: E402

from academy_desktop.settings import Settings  # noqa: E402
from academy_desktop.store import Workspace, grading  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "academy-bench" / "ui"
EXAM = "벤치마크 시험"


def graded_workspace(sheets: int) -> Path:
    """A workspace with one exam of ``sheets`` really graded sheets (cached)."""
    folder = CACHE / f"ws-{sheets}"
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    scans: list[Path] = []
    samples = sorted(SAMPLES.glob("kr-20q-sample-*.jpg"))
    per = -(-sheets // len(samples))
    for i, sample in enumerate(samples):
        scans += distinct_copies(sample, CACHE / f"scans-{sheets}" / str(i), per)
    scans = scans[:sheets]
    with Workspace.open(folder, staff="bench") as ws:
        make_exam(ws, EXAM)
        batch = grading.prepare(ws, EXAM, scans)
        for _ in grading.run(ws, batch, jobs=2):
            pass
    (folder / "done").write_text("ok")
    return folder


def cold_start(workspace: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = Path(tmp) / "cfg"
            cfg.mkdir()
            (cfg / "settings.json").write_text(
                json.dumps({"version": 2, "workspace": str(workspace), "staff_name": "bench"})
            )
            probe = Path(tmp) / "probe"
            env = dict(
                os.environ,
                QT_QPA_PLATFORM="offscreen",
                ACADEMY_DESKTOP_CONFIG=str(cfg),
                ACADEMY_DESKTOP_STARTUP_PROBE=str(probe),
            )
            t0 = time.time()
            subprocess.run(
                [sys.executable, str(ROOT / "main.py")], env=env, check=True, capture_output=True
            )
            times.append(float(probe.read_text()) - t0)
    return times


def _window(folder: Path, jobs: int = 2):
    from academy_desktop.ui.app import install_translations, make_app, tune_gc
    from academy_desktop.ui.context import AppContext
    from academy_desktop.ui.main_window import MainWindow
    from academy_desktop.ui.ops import OpRunner

    app = make_app()
    install_translations(app, "ko")
    ws = Workspace.open(folder, staff="bench")
    settings = Settings(staff_name="bench", jobs=jobs)
    ctx = AppContext(ws, settings, OpRunner(), settings_path=folder.parent / "bench-settings.json")
    window = MainWindow(ctx)
    window.show()
    app.processEvents()
    tune_gc()
    return app, ctx, window


def open_exam(folder: Path, runs: int) -> list[float]:
    app, ctx, window = _window(folder)
    exam_id = window.sidebar._exams[0].id
    times = []
    for _ in range(runs):
        window.sidebar.select_exam(None)
        app.processEvents()
        t0 = time.perf_counter()
        window.sidebar.select_exam(exam_id)
        while window.exam_page.results.model.rowCount() == 0:
            app.processEvents()
        app.processEvents()  # the first paint of the table
        times.append(time.perf_counter() - t0)
    ctx.runner.shutdown()
    window.close()
    ctx.workspace.close()
    return times


def batch_stall(count: int) -> tuple[float, float, int]:
    """(longest stall s, batch seconds, ticks) for ``count`` sheets dropped on the window."""
    from PySide6.QtCore import QTimer

    folder = Path(tempfile.mkdtemp(prefix="academy-stall-"))
    try:
        scans = distinct_copies(SAMPLES / "kr-20q-sample-2.jpg", folder / "scans", count)
        with Workspace.open(folder / "ws", staff="bench") as ws:
            exam_id = make_exam(ws, EXAM)
        app, ctx, window = _window(folder / "ws")
        window.sidebar.refresh()
        window.sidebar.select_exam(exam_id)
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        done: list[object] = []
        window.batch.finished.connect(done.append)
        last[0] = time.perf_counter()
        timer.start()
        t0 = time.perf_counter()
        window.open_paths(scans)
        while not done:
            app.processEvents()
            time.sleep(0.001)
        elapsed = time.perf_counter() - t0
        timer.stop()
        ctx.runner.shutdown()
        window.close()
        ctx.workspace.close()
        return max(gaps) - 0.010, elapsed, len(gaps)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sheets", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    print(f"building or reusing a workspace of {args.sheets} graded sheets…", flush=True)
    folder = graded_workspace(args.sheets)
    with tempfile.TemporaryDirectory() as tmp:
        empty = cold_start(Path(tmp) / "empty-ws", args.runs)
    full = cold_start(folder, args.runs)

    def line(what: str, values: list[float], unit: str = "s") -> None:
        scale, fmt = (1000, ".0f") if unit == "ms" else (1, ".2f")
        med, top = statistics.median(values) * scale, max(values) * scale
        print(f"{what}: median {med:{fmt}} {unit}, max {top:{fmt}} {unit}")

    line("cold start, empty workspace", empty)
    line(f"cold start, {args.sheets}-sheet workspace", full)
    line(f"open the {args.sheets}-sheet exam", open_exam(folder, args.runs), "ms")
    stall, elapsed, ticks = batch_stall(args.batch)
    print(
        f"{args.batch}-sheet batch: {elapsed:.1f} s, "
        f"longest event-loop stall {stall * 1000:.0f} ms over {ticks} ticks"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
