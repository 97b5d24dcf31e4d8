"""Accuracy per capture category on broad synthetic sets (OMRChecker layouts, photos,
quarter turns, red drop-out cards, low resolution), graded by the real CLI.

    python bench/layout_accuracy.py [--sheets 10] [--seed 0] [--categories rot90 ...]
                                    [--jobs 2] [--keep DIR] [--app CHECKOUT]

Each category's set is built in a folder (``tests/synth/layout_sets.py``: pages,
template.json, truth.jsonl), graded with ``main.py grade <folder> --out <dir> --jobs N
--quiet`` (the template is found up the folder tree) and scored per field against the
truth with the real-scans rules. Prints a Markdown table, then every rejected page and
every silent error. ``--keep`` keeps the sets and results (else a temporary folder);
``--app`` grades with another checkout's ``main.py`` (e.g. a clean ``git archive``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from synth.layout_sets import CATEGORIES, NOTES, SetScore, make_set, score_set, table  # noqa: E402


def _build(args: tuple[str, int, str, int]) -> tuple[str, float]:
    category, n, root, seed = args
    t0 = time.perf_counter()
    make_set(category, n, Path(root), seed=seed)
    return category, time.perf_counter() - t0


def _grade(app: Path, folder: Path, out: Path, jobs: int) -> tuple[float, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, str(app / "main.py"), "grade", str(folder), "--out", str(out),
           "--jobs", str(jobs), "--quiet"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=app, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - t0, proc.stderr[-2000:] if proc.returncode else ""


def _version(app: Path) -> str:
    """The graded checkout: its commit and whether its engine has uncommitted changes."""
    git = ["git", "-C", str(app)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode:
        return f"app {app.resolve()} (no git)"
    dirty = subprocess.run([*git, "status", "--porcelain", "academy_desktop"],
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    return f"app {app.resolve()} at {head.stdout.strip()}" + (
        " + uncommitted engine changes" if dirty else ""
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sheets", type=int, default=10, help="pages per category (default 10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--categories", nargs="+", default=list(CATEGORIES), choices=CATEGORIES)
    ap.add_argument("--jobs", type=int, default=2, help="build and grade processes (default 2)")
    ap.add_argument("--keep", type=Path, help="keep the sets and results in this folder")
    ap.add_argument("--app", type=Path, default=ROOT, help="checkout whose main.py grades")
    ap.add_argument("--examples", action="store_true", help="list every silent error")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="layout-accuracy-"))
    sets, outs = root / "sets", root / "results"
    for c in args.categories:
        shutil.rmtree(sets / c, ignore_errors=True)
        shutil.rmtree(outs / c, ignore_errors=True)
    try:
        t0 = time.perf_counter()
        todo = [(c, args.sheets, str(sets), args.seed) for c in args.categories]
        with ProcessPoolExecutor(max(1, args.jobs)) as pool:
            built = dict(pool.map(_build, todo))
        print(f"built {len(todo)} sets in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        scores: list[SetScore] = []
        timing: dict[str, float] = {}
        for c in args.categories:
            seconds, err = _grade(args.app.resolve(), sets / c, outs / c, args.jobs)
            timing[c] = seconds
            if err:
                print(f"{c}: grade failed:\n{err}", file=sys.stderr)
            scores.append(score_set(sets / c, outs / c / "results.jsonl", c))
            print(f"graded {c} in {seconds:.0f} s", file=sys.stderr)
        when = time.strftime("%Y-%m-%d %H:%M")
        print(f"{args.sheets} pages per category, seed {args.seed}, {when}, {_version(args.app)}\n")
        print(table(scores))
        print(f"\n{NOTES}\n")
        print("| category | build s | grade s | hard fields: auto / flagged / silent / rejected |")
        print("|---|---|---|---|")
        for s in scores:
            hard = "; ".join(
                f"{k} {c['auto_correct']}/{c['flagged']}/{c['silent']}/{c['rejected']}"
                for k, c in sorted(s.hard.items())
            )
            times = f"{built[s.category]:.0f} | {timing[s.category]:.0f}"
            print(f"| {s.category} | {times} | {hard or '-'} |")
        for s in scores:
            for p in s.rejected_pages:
                print(f"- REJECTED {s.category}/{p['file']}: {p['code']} ({p['message']})")
            pages: dict[str, list[dict[str, Any]]] = {}
            for f in s.silent_fields:
                pages.setdefault(f["file"], []).append(f)
            for file, fs in pages.items():
                shown = fs if args.examples else fs[:4]
                what = "; ".join(
                    f"{f['field']} truth {f['truth']} read {f['got']} ({f['status']}, "
                    f"hard {f['hard']})"
                    for f in shown
                )
                more = f"; ... {len(fs) - len(shown)} more" if len(fs) > len(shown) else ""
                print(f"- SILENT {s.category}/{file}: {len(fs)} fields: {what}{more}")
        (root / "scores.json").write_text(
            json.dumps([s.to_json() for s in scores], indent=1), encoding="utf-8"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
