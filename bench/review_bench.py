"""Review benchmarks: the queue of a large exam, and moving between flagged items.

    python bench/review_bench.py [--sheets 1000] [--nav-sheets 40] [--moves 60]

1. **Queue.** A workspace with ``--sheets`` sheets x 45 questions (about 2 % of the
   answers flagged, 1 % of the students unknown, a roster of everyone else) is built
   as a batch stores it; then :func:`review_queue` over the whole exam and
   :func:`load_sheet` of single sheets are timed (median of several runs).
2. **Next item.** ``--nav-sheets`` synthetic 45-question scans (``make_batch.py``,
   ``dark`` category, which flags the most) are graded into a workspace and opened
   in the review screen (offscreen, 1400 x 900). For ``--moves`` moves, the time
   from the move (``go_to``) to the sheet, the crop, the panel and the queue list
   repainted (each ``repaint()`` is synchronous) is measured, after the screen
   had the time a person would take to decide (the next sheets are fetched ahead
   meanwhile). A *cold* move (nothing fetched ahead) is measured too: the drawing
   without the picture, then the time until the picture is in.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from academy_desktop.engine.result import FieldResult, PageResult  # noqa: E402
from academy_desktop.store import Workspace, grading  # noqa: E402
from academy_desktop.store import exams as exam_service  # noqa: E402
from academy_desktop.store.grading import COMMIT_PAGES  # noqa: E402
from academy_desktop.store.models import Scan, Student  # noqa: E402
from academy_desktop.store.review_queue import review_queue  # noqa: E402
from academy_desktop.store.review_sheet import load_sheet  # noqa: E402
from academy_desktop.store.submissions import record_result, students_by_number  # noqa: E402

QUESTIONS = 45
FLAG_RATE = 0.02
UNKNOWN_RATE = 0.01


def _result(i: int, rng: random.Random) -> PageResult:
    fields = {}
    number = f"{20250000 + i}" if rng.random() >= UNKNOWN_RATE else f"{90000000 + i}"
    for d, digit in enumerate(number, start=1):
        fields[f"id{d}"] = FieldResult(f"id{d}", [digit], "single", 0.99, "ok", {}, digit)
    fields["student_id"] = FieldResult("student_id", list(number), "single", 0.99, "ok", {}, number)
    for q in range(1, QUESTIONS + 1):
        v = str((i + q) % 5 + 1)
        marks = [{"choice": str(c), "fill": 1.0 if str(c) == v else 0.0} for c in range(1, 6)]
        if rng.random() < FLAG_RATE:
            status, conf = rng.choice(["ambiguous", "low_confidence"]), rng.uniform(0.3, 0.85)
        else:
            status, conf = "ok", 0.97
        fields[f"q{q}"] = FieldResult(f"q{q}", [v], "single", conf, status, {"marks": marks}, v)  # type: ignore[arg-type]
    return PageResult(f"s{i}.jpg", 1, "ok", "kr-45q-5c-id8", student_id=number, fields=fields,
                      score=30.0, max_score=45.0)  # fmt: skip


def build_exam(folder: Path, sheets: int) -> int:
    rng = random.Random(7)
    with Workspace.open(folder) as ws:
        with ws.write() as s:
            exam = exam_service.create_exam(s, "bench", "kr-45q-5c-id8")
            exam_id = exam.id
            for i in range(sheets):
                s.add(Student(number=f"{20250000 + i}", name=f"학생{i}"))
            scans = []
            for i in range(sheets):
                scan = Scan(sha256=f"{i:064x}", original_name=f"s{i}.jpg",
                            stored_path=f"scans/{i}.jpg", size=1, page_count=1)  # fmt: skip
                s.add(scan)
                scans.append(scan)
            s.flush()
            scan_ids = [sc.id for sc in scans]
        pairs = [(scan_ids[i], _result(i, rng)) for i in range(sheets)]
        for start in range(0, len(pairs), COMMIT_PAGES):
            group = pairs[start : start + COMMIT_PAGES]
            with ws.write() as s:
                exam = exam_service.get_exam_by_id(s, exam_id)
                ids = [scan_id for scan_id, _ in group]
                by_id = {sc.id: sc for sc in s.scalars(select(Scan).where(Scan.id.in_(ids)))}
                students = students_by_number(s, [r.student_id or "" for _, r in group])
                for scan_id, result in group:
                    record_result(s, exam, by_id[scan_id], result, students=students)
    return exam_id


def bench_queue(sheets: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        t0 = time.perf_counter()
        exam_id = build_exam(folder, sheets)
        print(f"built {sheets} sheets in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        with Workspace.open(folder) as ws:
            times, items = [], []
            for _ in range(7):
                with ws.read() as s:
                    t0 = time.perf_counter()
                    items = review_queue(s, exam_id)
                    times.append(time.perf_counter() - t0)
            ids = sorted({i.submission_id for i in items})[:20]
            sheet_times = []
            for sub_id in ids:
                with ws.read() as s:
                    t0 = time.perf_counter()
                    load_sheet(s, sub_id, folder)
                    sheet_times.append(time.perf_counter() - t0)
        students = sum(1 for i in items if i.kind == "student")
        print(f"| queue of {sheets} sheets x {QUESTIONS} questions ({len(items)} items, "
              f"{students} students) | median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms |")  # fmt: skip
        print(f"| one sheet's data (load_sheet) | median "
              f"{statistics.median(sheet_times) * 1000:.1f} ms |")  # fmt: skip


def bench_navigation(sheets: int, moves: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from academy_desktop.settings import Settings
    from academy_desktop.ui.context import AppContext
    from academy_desktop.ui.ops import OpRunner
    from academy_desktop.ui.review import ReviewScreen

    app = QApplication.instance() or QApplication([])

    def spin(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def paint(screen: ReviewScreen) -> None:
        """Paint what a move changes, now (each view once)."""
        screen.view.viewport().repaint()
        screen.panel.crop.viewport().repaint()
        screen.panel.repaint()
        screen.queue_view.viewport().repaint()

    def wait(cond: object, timeout: float = 20.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if cond():  # type: ignore[operator]
                return True
            spin(5)
        return False

    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_batch.py"), "--count", str(sheets),
             "--out", str(batch), "--category", "dark", "--seed", "3"],
            check=True,
        )  # fmt: skip
        ws = Workspace.open(Path(tmp) / "ws", staff="bench")
        job = grading.prepare(
            ws,
            "bench",
            sorted(batch.glob("*.jpg")),
            template="kr-45q-5c-id8",
            key=str(ROOT / "resources" / "samples" / "kr-45q-key.json"),
        )
        list(grading.run(ws, job, jobs=2))
        runner = OpRunner()
        ctx = AppContext(ws, Settings(staff_name="bench"), runner)
        screen = ReviewScreen(ctx)
        screen.resize(1400, 900)
        screen.show()
        screen.open_queue(job.exam_id)
        wait(lambda: screen.current_picture() is not None)
        n = len(screen.items)
        print(f"{n} items on {sheets} sheets", file=sys.stderr)
        warm: list[float] = []
        for step in range(min(moves, n - 1)):
            target = (screen.index or 0) + 1
            nxt = screen.items[target].submission_id
            # a person looks at the item for a moment: the next sheets load meanwhile
            wait(lambda nxt=nxt: screen.is_prefetched(nxt))
            spin(50)
            t0 = time.perf_counter()
            screen.go_to(target)
            paint(screen)
            warm.append(time.perf_counter() - t0)
            if step % 10 == 0:
                print(f"move {step}: {warm[-1] * 1000:.1f} ms", file=sys.stderr)
        # a cold move: nothing fetched ahead
        screen.clear_cache()
        target = 0 if screen.index else n - 1
        t0 = time.perf_counter()
        screen.go_to(target)
        paint(screen)
        first = time.perf_counter() - t0
        wait(lambda: screen.current_picture() is not None)
        picture = time.perf_counter() - t0
        runner.shutdown()
        screen.close()
        ws.close()
        del app
    warm.sort()
    p90 = warm[int(len(warm) * 0.9) - 1] if len(warm) >= 10 else warm[-1]
    print(f"| next flagged item, fetched ahead ({len(warm)} moves) | median "
          f"{statistics.median(warm) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms, "
          f"max {warm[-1] * 1000:.1f} ms [<= 50 ms] |")  # fmt: skip
    print(f"| cold move (nothing fetched ahead) | drawn in {first * 1000:.0f} ms, "
          f"picture after {picture * 1000:.0f} ms |")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=1000)
    parser.add_argument("--nav-sheets", type=int, default=40)
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args(argv)
    print("| measure | value |\n|---|---|")
    if args.sheets:
        bench_queue(args.sheets)
    if args.nav_sheets:
        bench_navigation(args.nav_sheets, args.moves)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
