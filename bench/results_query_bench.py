"""Results-table queries: a page of an exam's results per filter and sort, and the badges.

    python bench/results_query_bench.py [--sizes 1000 100000] [--rebuild]

For each size, a workspace holding one exam of that many sheets (45 questions, 53
answer rows each with a real ``meta.omr`` and a real-sized ``engine_payload``) is
built at schema revision 0002 (cached in the temp folder), upgraded to 0003 - which
times that migration's ``flags_open`` backfill - then to head, and then each filter x sort is
listed: the first, a middle and the last page of 100 rows, plus the count, each
timed in its own read transaction as the GUI's lazy table does (median of 3 runs).
``exam_counts`` (the filter bar's badges) is timed too.

The mix: 6 % of the sheets have open flags, 2 % are rejected, 3 % read a number not
in the roster and 1 % share a student with another sheet.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402

from academy_desktop.store import Workspace  # noqa: E402
from academy_desktop.store.database import create_sqlite_engine  # noqa: E402
from academy_desktop.store.migrate import alembic_config  # noqa: E402
from academy_desktop.store.results import (  # noqa: E402
    ResultFilter,
    ResultRow,
    ResultSort,
    count_results,
    exam_counts,
    list_results,
)

QUESTIONS = 45
ID_DIGITS = 8
PAGE = 100
NOW = "2026-11-25 00:00:00"


def _meta(value: str, status: str) -> str:
    marks = [
        {"choice": str(c), "fill": 1.0 if str(c) == value else 0.0, "dark": 0.05}
        for c in range(1, 6)
    ]
    omr = {"version": "v1", "detected": [value] if value else [], "marking": "single",
           "confidence": 1.0 if status == "ok" else 0.6, "status": status, "value": value,
           "raw": {"marks": marks, "threshold": 0.3, "gap": 0.9981}}  # fmt: skip
    return json.dumps({"omr": omr})


def _payload(rng: random.Random, flagged: list[str], rejected: bool) -> str:
    if rejected:
        return json.dumps({"template": "kr-45q-5c-id8", "alignment": None, "grades": {},
                           "flagged": []})  # fmt: skip
    blocks = {n: {"dx": 0.05, "dy": -0.02, "score": 0.47}
              for n in ("student_id", "q1-15", "q16-30", "q31-45")}  # fmt: skip
    alignment = {"method": "markers", "rotation": 0, "quality": 0.4662, "page_match": 0.58,
                 "bubble_px": 31.5, "blocks": blocks,
                 "levels": {"empty": 0.0, "marked": 1.0, "threshold": 0.3, "band": 0.1,
                            "band_below": 0.1},
                 "ink": 0.8155, "marks_found": 28, "fit_error": 0.0109,
                 "orientation_margin": 0.36,
                 "homography": [[7.8667, -0.058021, 8.19232], [0.0558763, 7.8773, -15.6941],
                                [-3.5346e-06, 7.6973e-08, 1.0]],
                 "image_size": [1654, 2339]}  # fmt: skip
    grades = {f"q{q}": {"correct": rng.random() < 0.7, "points": 1.0, "max_points": 1.0,
                        "provisional": f"q{q}" in flagged}
              for q in range(1, QUESTIONS + 1)}  # fmt: skip
    return json.dumps({"template": "kr-45q-5c-id8", "alignment": alignment, "grades": grades,
                       "flagged": flagged})  # fmt: skip


def build(folder: Path, n: int) -> None:
    """A workspace at revision 0002 holding one exam of ``n`` sheets (raw SQL: fast)."""
    folder.mkdir(parents=True)
    db = folder / "workspace.sqlite3"
    engine = create_sqlite_engine(db, foreign_keys=False, pooled=False)
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "0002")
    engine.dispose()
    template = (ROOT / "resources" / "templates" / "kr-45q-5c-id8.json").read_text("utf-8")
    rng = random.Random(n)
    labels = [f"q{q}" for q in range(1, QUESTIONS + 1)] + [f"id{d}" for d in range(1, 9)]
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "INSERT INTO template (id, name, source, content, sha256, created_at) "
            "VALUES (1, 'kr-45q-5c-id8', 'bundled', ?, 'aa', ?)",
            (template, NOW),
        )
        conn.execute(
            "INSERT INTO exam (id, title, template_id, created_at) VALUES (1, 'big', 1, ?)",
            (NOW,),
        )
        family = "김이박최정강조윤장임"
        given = "민서하준지우도윤서연예은시우하은"
        conn.executemany(
            "INSERT INTO student (id, number, name, updated_at) VALUES (?, ?, ?, ?)",
            (
                (i, f"{20250000 + i}", rng.choice(family) + rng.choice(given) + rng.choice(given),
                 NOW)
                for i in range(1, n + 1)
            ),
        )  # fmt: skip
        chunk = 5000
        for start in range(1, n + 1, chunk):
            subs, answers, scans = [], [], []
            for i in range(start, min(n, start + chunk - 1) + 1):
                scans.append((i, f"{i:064x}", f"scan_{i:06d}.jpg", f"scans/{i}.jpg", 1, 1, NOW))
                r = rng.random()
                rejected = r < 0.02
                unknown = 0.02 <= r < 0.05
                twin = 0.05 <= r < 0.06 and i > 1
                flagged = (
                    [f"q{rng.randint(1, QUESTIONS)}" for _ in range(rng.randint(1, 3))]
                    if rng.random() < 0.06 and not rejected
                    else []
                )
                flagged = sorted(set(flagged))
                student = None if rejected or unknown else (i - 1 if twin else i)
                number = (
                    None
                    if rejected
                    else f"{30250000 + i}"
                    if unknown
                    else f"{20250000 + (student or i)}"
                )
                subs.append((
                    i, 1, i, 1, "exam", student, number, "omr_scan",
                    "failed" if rejected else "done",
                    "답안지를 찾지 못했습니다 / No answer sheet was found." if rejected else None,
                    "NOT_A_SHEET" if rejected else None,
                    _payload(rng, flagged, rejected),
                    None if rejected else float(rng.randint(10, 45)),
                    None if rejected else 45.0,
                    "needed" if rejected or flagged else "none", NOW, NOW,
                ))  # fmt: skip
                if not rejected:
                    for label in labels:
                        status = "ambiguous" if label in flagged else "ok"
                        v = str(rng.randint(1, 5))
                        answers.append((i, label, v, _meta(v, status), v, 0))
            conn.executemany(
                "INSERT INTO scan (id, sha256, original_name, stored_path, size, page_count, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                scans,
            )
            conn.executemany(
                "INSERT INTO submission (id, exam_id, scan_id, page, target_type, student_id, "
                "student_number_read, source, status, error_message, rejection_code, "
                "engine_payload, score, max_score, review_state, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                subs,
            )
            conn.executemany(
                "INSERT INTO submission_answer (submission_id, label, answer, meta, "
                "current_value, reviewed) VALUES (?, ?, ?, ?, ?, ?)",
                answers,
            )
            conn.commit()
            print(f"built {min(n, start + chunk - 1)}/{n}", file=sys.stderr)


def upgrade(folder: Path) -> float:
    """Migrate to 0003 (it backfills flags_open), timed in seconds, then to head."""
    engine = create_sqlite_engine(folder / "workspace.sqlite3", foreign_keys=False, pooled=False)
    t0 = time.perf_counter()
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "0003")
    took = time.perf_counter() - t0
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
    engine.dispose()
    return took


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def _timed(run: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Median seconds of ``repeat`` runs (the machine is shared: one run can stall)."""
    times, value = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def bench(folder: Path, out: list[str]) -> None:
    with Workspace.open(folder) as ws:

        def counts_now() -> dict[ResultFilter, int]:
            with ws.read() as s:
                return exam_counts(s, 1)

        badges, counts = _timed(counts_now)
        assert isinstance(counts, dict)
        total = counts[ResultFilter.ALL]
        text = ", ".join(f"{k.value} {v:,}" for k, v in counts.items())
        out.append(f"| badges: `exam_counts` ({text}) | {_ms(badges)} ms |")
        for kind in ResultFilter:
            for sort, desc in [(s, False) for s in ResultSort] + [(ResultSort.SCORE, True)]:

                def count_now(kind: ResultFilter = kind) -> int:
                    with ws.read() as s:
                        return count_results(s, 1, kind)

                counted, n = _timed(count_now)
                assert isinstance(n, int)
                times = []
                for offset in (0, max(0, n // 2), max(0, n - PAGE)):

                    def page(
                        kind: ResultFilter = kind,
                        sort: ResultSort = sort,
                        desc: bool = desc,
                        offset: int = offset,
                    ) -> list[ResultRow]:
                        with ws.read() as s:
                            return list_results(s, 1, offset=offset, limit=PAGE, filter=kind,
                                                sort=sort, descending=desc)  # fmt: skip

                    took, rows = _timed(page)
                    times.append(took)
                    assert isinstance(rows, list) and len(rows) == min(PAGE, n - offset)
                    if kind is ResultFilter.DUPLICATE_STUDENT:
                        assert all(r.duplicate for r in rows)
                label = f"{sort.value}{' desc' if desc else ''}"
                out.append(
                    f"| {kind.value} ({n:,} of {total:,}), sort {label} | count {_ms(counted)} ms;"
                    f" pages {', '.join(_ms(t) for t in times)} ms |"
                )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "academy-bench")
    ap.add_argument("--rebuild", action="store_true", help="build the workspaces again")
    args = ap.parse_args()
    out = ["| measure | value |", "|---|---|"]
    for n in args.sizes:
        folder = args.cache / f"results-{n}"
        if args.rebuild and folder.exists():
            shutil.rmtree(folder)
        if not folder.exists():
            t0 = time.perf_counter()
            build(folder, n)
            built = time.perf_counter() - t0
            migrated = upgrade(folder)
            out.append(f"| **{n:,} sheets**: built at 0002 in {built:.1f} s; migration 0003 "
                       f"(flags_open backfill, 4 indexes) | {migrated:.2f} s |")  # fmt: skip
        else:
            out.append(f"| **{n:,} sheets** (cached workspace) | |")
        bench(folder, out)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
