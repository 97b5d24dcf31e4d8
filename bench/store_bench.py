"""Store benchmarks: storing results, listing a page of a large workspace.

    python bench/store_bench.py [--sheets 1000] [--big 100000]

1. Storing the results of ``--sheets`` sheets x 45 questions exactly as a workspace
   batch does (short write transactions of up to 16 pages, WAL, synchronous=FULL),
   without the grading itself: the time the store adds beyond grading.
2. A workspace holding ``--big`` submissions (45 answers each; built once, cached in
   the temp folder) is opened and the first, a middle and the last page of 100
   results are listed, each timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from academy_desktop.engine.result import FieldResult, PageResult  # noqa: E402
from academy_desktop.store import Workspace  # noqa: E402
from academy_desktop.store import exams as exam_service  # noqa: E402
from academy_desktop.store.grading import COMMIT_PAGES  # noqa: E402
from academy_desktop.store.models import Scan, Submission, SubmissionAnswer  # noqa: E402
from academy_desktop.store.results import count_results, list_results  # noqa: E402
from academy_desktop.store.submissions import record_result, students_by_number  # noqa: E402

QUESTIONS = 45


def _result(i: int) -> PageResult:
    fields = {}
    for q in range(1, QUESTIONS + 1):
        v = str((i + q) % 5 + 1)
        marks = [{"choice": str(c), "fill": 1.0 if str(c) == v else 0.0} for c in range(1, 6)]
        fields[f"q{q}"] = FieldResult(f"q{q}", [v], "single", 0.97, "ok", {"marks": marks}, v)
    return PageResult(f"s{i}.jpg", 1, "ok", "kr-45q-5c-id8", student_id=f"{20250000 + i}",
                      fields=fields, score=30.0, max_score=45.0)  # fmt: skip


def bench_store(sheets: int) -> float:
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp) / "ws") as ws:
        with ws.write() as s:
            exam = exam_service.create_exam(s, "bench", "kr-45q-5c-id8")
            exam_id = exam.id
            scans = []
            for i in range(sheets):
                scan = Scan(sha256=f"{i:064x}", original_name=f"s{i}.jpg",
                            stored_path=f"scans/{i}.jpg", size=1, page_count=1)  # fmt: skip
                s.add(scan)
                scans.append(scan)
            s.flush()
            scan_ids = [sc.id for sc in scans]
        results = [_result(i) for i in range(sheets)]
        t0 = time.perf_counter()
        pairs = list(zip(scan_ids, results, strict=True))
        for start in range(0, len(pairs), COMMIT_PAGES):  # as grading.run groups them
            group = pairs[start : start + COMMIT_PAGES]
            with ws.write() as s:
                exam = exam_service.get_exam_by_id(s, exam_id)
                ids = [scan_id for scan_id, _ in group]
                by_id = {sc.id: sc for sc in s.scalars(select(Scan).where(Scan.id.in_(ids)))}
                students = students_by_number(s, [r.student_id or "" for _, r in group])
                for scan_id, result in group:
                    record_result(s, exam, by_id[scan_id], result, students=students)
        return time.perf_counter() - t0


def build_big(folder: Path, n: int) -> int:
    if (folder / "workspace.sqlite3").exists():
        with Workspace.open(folder) as ws, ws.read() as s:
            return exam_service.get_exam(s, "big").id
    with Workspace.open(folder) as ws:
        with ws.write() as s:
            exam_id = exam_service.create_exam(s, "big", "kr-45q-5c-id8").id
        chunk = 5000
        for start in range(0, n, chunk):
            ids = range(start + 1, min(n, start + chunk) + 1)
            with ws.write() as s:
                s.execute(insert(Scan), [
                    {"id": i, "sha256": f"{i:064x}", "original_name": f"s{i}.jpg",
                     "stored_path": f"scans/{i}.jpg", "size": 1, "page_count": 1} for i in ids
                ])  # fmt: skip
                s.execute(insert(Submission), [
                    {"id": i, "exam_id": exam_id, "scan_id": i, "page": 1,
                     "student_number_read": f"{20250000 + i}", "status": "done",
                     "score": 30.0, "max_score": 45.0, "review_state": "none",
                     "engine_payload": {"flagged": []}} for i in ids
                ])  # fmt: skip
                s.execute(insert(SubmissionAnswer), [
                    {"submission_id": i, "label": f"q{q}", "answer": "3", "current_value": "3",
                     "meta": {"omr": {"status": "ok"}}}
                    for i in ids for q in range(1, QUESTIONS + 1)
                ])  # fmt: skip
            print(f"built {min(n, start + chunk)}/{n}", file=sys.stderr)
    return exam_id


def bench_list(folder: Path, exam_id: int) -> tuple[float, list[float], int]:
    t0 = time.perf_counter()
    ws = Workspace.open(folder)
    opened = time.perf_counter() - t0
    times = []
    try:
        with ws.read() as s:
            total = count_results(s, exam_id)
        for offset in (0, total // 2, max(0, total - 100)):
            t1 = time.perf_counter()
            with ws.read() as s:
                rows = list_results(s, exam_id, offset=offset, limit=100)
                count_results(s, exam_id)
            times.append(time.perf_counter() - t1)
            assert len(rows) == min(100, total - offset)
    finally:
        ws.close()
    return opened, times, total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sheets", type=int, default=1000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "academy-bench")
    args = ap.parse_args()
    stored = bench_store(args.sheets)
    big = args.cache / f"workspace-{args.big}"
    exam_id = build_big(big, args.big)
    opened, times, total = bench_list(big, exam_id)
    print("| measure | value |\n|---|---|")
    print(f"| store {args.sheets} sheets x {QUESTIONS} questions ({COMMIT_PAGES} pages a commit) "
          f"| {stored:.2f} s |")  # fmt: skip
    print(f"| open a workspace of {total:,} submissions | {opened * 1000:.0f} ms |")
    print(f"| list a page of 100 (first, middle, last) + count | "
          f"{', '.join(f'{t * 1000:.0f} ms' for t in times)} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
