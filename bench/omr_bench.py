"""Benchmark of OMRChecker layouts with ``CropOnMarkers``: sheets/s through ``main.py grade``.

    python bench/omr_bench.py                          # 100 sheets, --jobs 2
    python bench/omr_bench.py --count 40 --stages 10   # plus per-stage times, in-process
    python bench/omr_bench.py --category omr_circles_phone
    python bench/omr_bench.py --omrchecker ~/src/OMRChecker   # OMRChecker on the same folder

The batch is a category set of ``tests/synth/layout_sets.py`` (default
``omr_circles_scan``: 300-dpi A4 office scans, JPEG, of an OMRChecker template with
concentric-circle markers and ``CropOnMarkers``, filled by simulated students), made
once from the seed and cached under ``--cache``. The grader runs as a separate process
exactly as a user would start it (``main.py grade FOLDER``: the template.json is found
beside the pages); wall time, time to the first result and peak memory of all its
processes are measured as in ``bench/grade_bench.py`` (``bench/benchlib.py``). Accuracy
is scored against the set's truth (silent errors = answers reported sure but wrong).

``--stages N`` also grades N pages in this process, one at a time, and prints the
median time of each stage: decoding, quality check + alignment (the markers), and
reading (warp, block fit, fill, decision).

``--omrchecker DIR`` runs OMRChecker (a checkout of github.com/Udayraj123/OMRChecker,
not bundled: ``DIR/main.py``, with its own dependencies installed for
``--omrchecker-python``) on a copy of the same folder in the same run
(``main.py -i INPUT -o OUTPUT``), and prints both throughputs. OMRChecker reads its
``template.json``, ``config.json`` and marker picture from the folder, as written by
the set generator.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, Timing, run_measured, stage_times

if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from synth.layout_sets import TRUTH_FILE, make_set, score_set

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


@dataclass
class Result:
    label: str
    sheets: int
    jobs: int | None
    timing: Timing
    rejected: int | None = None
    review_rate: float | None = None
    silent: int | None = None

    @property
    def rate(self) -> float:
        return self.sheets / self.timing.seconds

    def row(self) -> str:
        first = self.timing.first_result
        return (
            f"| {self.label} | {self.sheets} | {self.jobs or '-'} | {self.timing.seconds:.1f} s | "
            f"{self.rate:.1f} | {'-' if first is None else f'{first:.2f} s'} | "
            f"{self.timing.peak_rss_mb:.0f} MB | {_opt(self.rejected)} | "
            f"{'-' if self.review_rate is None else f'{self.review_rate:.2%}'} | "
            f"{_opt(self.silent)} |"
        )


HEADER = (
    "| grader | sheets | jobs | wall time | sheets/s | first result | peak memory "
    "(all processes) | rejected | review rate | silent errors |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def _opt(value: int | None) -> str:
    return "-" if value is None else str(value)


def make_batch(category: str, count: int, cache: Path, seed: int) -> Path:
    """The cached set folder (pages, template.json, marker, truth.jsonl)."""
    root = cache / f"omr-{category}-{count}-s{seed}"
    folder = root / category
    truth = folder / TRUTH_FILE
    if truth.is_file() and len(truth.read_text("utf-8").splitlines()) == count:
        return folder
    shutil.rmtree(root, ignore_errors=True)
    t0 = time.perf_counter()
    print(f"making {count} {category} sheets in {root} ...", file=sys.stderr)
    folder = make_set(category, count, root, seed=seed)
    print(f"  made in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return folder


def grade(folder: Path, jobs: int, out: Path) -> Result:
    results = out / "results.jsonl"
    cmd = [sys.executable, str(ROOT / "main.py"), "grade", "--jobs", str(jobs)]
    cmd += ["--out", str(out), "--quiet", str(folder)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    timing = run_measured(cmd, results, env=env)
    if timing.returncode != 0:
        raise SystemExit(f"grade failed with exit code {timing.returncode}")
    score = score_set(folder, results)
    review = score.flagged / score.read if score.read else 0.0
    rejected = score.pages - score.graded
    return Result("Academy Desktop", score.pages, jobs, timing, rejected, review, score.silent)


def run_omrchecker(checkout: Path, python: str, folder: Path, work: Path) -> Result:
    """OMRChecker's own CLI on a copy of ``folder`` (its images and json files only)."""
    main = checkout / "main.py"
    if not main.is_file():
        raise SystemExit(f"--omrchecker: {main} not found (a checkout of OMRChecker is needed)")
    inputs = work / "omrchecker-in"
    outputs = work / "omrchecker-out"
    shutil.rmtree(inputs, ignore_errors=True)
    shutil.rmtree(outputs, ignore_errors=True)
    inputs.mkdir(parents=True)
    layout = json.loads((folder / "template.json").read_text("utf-8"))
    pictures = {  # marker and reference pictures are not sheets
        Path(str(v)).name
        for p in layout.get("preProcessors", [])
        for k, v in (p.get("options") or {}).items()
        if k in ("relativePath", "reference")
    }
    sheets = 0
    for f in sorted(folder.iterdir()):
        if f.suffix.lower() in IMAGE_SUFFIXES or f.name in ("template.json", "config.json"):
            shutil.copy2(f, inputs / f.name)
            sheets += f.suffix.lower() in IMAGE_SUFFIXES and f.name not in pictures
    cmd = [python, str(main), "-i", str(inputs), "-o", str(outputs)]
    timing = run_measured(cmd, None, cwd=checkout, quiet=True)
    if timing.returncode != 0:
        print(f"OMRChecker exited with code {timing.returncode}", file=sys.stderr)
    return Result("OMRChecker", sheets, 1, timing)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--count", type=int, default=100, help="sheets in the batch (default 100)")
    ap.add_argument("--category", default="omr_circles_scan", help="layout_sets category")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "academy-bench")
    ap.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    ap.add_argument("--stages", type=int, default=0, metavar="N",
                    help="also time each stage on N pages in this process")  # fmt: skip
    ap.add_argument(
        "--omrchecker",
        type=Path,
        metavar="DIR",
        help="a checkout of OMRChecker (not bundled, cannot be downloaded here): run its "
        "main.py on a copy of the same folder in the same run and print both throughputs",
    )
    ap.add_argument(
        "--omrchecker-python",
        default=sys.executable,
        help="the Python that has OMRChecker's dependencies (default: this one)",
    )
    args = ap.parse_args()
    folder = make_batch(args.category, args.count, args.cache, args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        rows.append(grade(folder, args.jobs, work / "academy"))
        print(rows[-1].row(), file=sys.stderr)
        if args.omrchecker is not None:
            rows.append(run_omrchecker(args.omrchecker, args.omrchecker_python, folder, work))
            print(rows[-1].row(), file=sys.stderr)
        layout = json.loads((folder / "template.json").read_text("utf-8"))
        pre = [p.get("name") for p in layout.get("preProcessors", [])]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"batch: {args.count} x {args.category} (seed {args.seed}), preprocessors {pre}")
    print(HEADER)
    for r in rows:
        print(r.row())
    if len(rows) > 1:
        print(f"\nAcademy Desktop / OMRChecker throughput: {rows[0].rate / rows[1].rate:.1f}x")
    if args.stages:
        times = stage_times(folder, args.stages)
        print(f"\nper page over {args.stages} pages (ms, one process):")
        for name, ms in times.items():
            print(f"  {name}: {ms:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
