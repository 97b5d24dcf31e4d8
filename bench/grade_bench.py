"""End-to-end benchmark of ``main.py grade``: sheets/s, time to first result, peak memory.

    python bench/grade_bench.py                      # 200 sheets, --jobs 2
    python bench/grade_bench.py --sizes 100,2000     # memory growth with batch size
    python bench/grade_bench.py --jobs 1 --keep /tmp/bench
    python bench/grade_bench.py --pdf                # the same sheets as 20-page PDFs
    python bench/grade_bench.py --stages 20          # plus per-stage times, in-process

The batch is made once by ``bench/make_batch.py`` (200-dpi A4 JPEGs with office-scan
degradations, reproducible from the seed) and cached under ``--cache``. The grader
runs as a separate process exactly as a user would start it; this script samples the
resident memory of that process and all its workers every 20 ms from /proc (Linux)
and watches ``results.jsonl`` for the first line (``bench/benchlib.py``, shared with
``bench/omr_bench.py``). Accuracy against ``truth.jsonl`` is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, run_measured, stage_times


@dataclass
class Run:
    sheets: int
    jobs: int
    seconds: float
    first_result: float | None
    peak_rss_mb: float
    wrong_ok: int
    flagged: int
    fields: int
    rejected: int

    @property
    def rate(self) -> float:
        return self.sheets / self.seconds

    def row(self) -> str:
        first = f"{self.first_result:.2f} s" if self.first_result is not None else "-"
        return (
            f"| {self.sheets} | {self.jobs} | {self.seconds:.1f} s | {self.rate:.1f} | {first} | "
            f"{self.peak_rss_mb:.0f} MB | {self.rejected} | "
            f"{self.flagged / max(1, self.fields):.2%} "
            f"| {self.wrong_ok} |"
        )


HEADER = (
    "| sheets | jobs | wall time | sheets/s | first result | peak memory (all processes) "
    "| rejected | review rate | silent errors |\n|---|---|---|---|---|---|---|---|---|"
)


def make_batch(count: int, cache: Path, seed: int) -> Path:
    out = cache / f"office-{count}-s{seed}"
    if (out / "truth.jsonl").is_file() and len(list(out.glob("*.jpg"))) == count:
        return out
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "make_batch.py"),
            "--count",
            str(count),
            "--out",
            str(out),
            "--seed",
            str(seed),
            "--jobs",
            "2",
        ],
        check=True,
    )
    return out


def as_pdfs(batch: Path, pages_per_pdf: int = 20) -> Path:
    """The same sheets as multi-page PDFs, one JPEG per page, as office scanners write them."""
    from PIL import Image

    out = batch.parent / f"{batch.name}-pdf{pages_per_pdf}"
    files = sorted(batch.glob("*.jpg"))
    want = -(-len(files) // pages_per_pdf)
    if (out / "truth.jsonl").is_file() and len(list(out.glob("*.pdf"))) == want:
        return out
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, Any] = {}
    for line in (batch / "truth.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        truth[row["file"]] = row
    rows = []
    for n in range(want):
        chunk = files[n * pages_per_pdf : (n + 1) * pages_per_pdf]
        images = [Image.open(f) for f in chunk]
        name = f"scan-{n:03d}.pdf"
        images[0].save(out / name, save_all=True, append_images=images[1:], resolution=200.0)
        for page, f in enumerate(chunk, 1):
            rows.append(json.dumps({**truth[f.name], "file": f"{name}#{page}"}))
    (out / "truth.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
    return out


def grade(batch: Path, jobs: int, out: Path) -> Run:
    results = out / "results.jsonl"
    cmd = [
        sys.executable,
        str(ROOT / "main.py"),
        "grade",
        "--template",
        "kr-45q-5c-id8",
        "--jobs",
        str(jobs),
        "--out",
        str(out),
        "--quiet",
        str(batch),
    ]
    timing = run_measured(cmd, results)
    if timing.returncode != 0:
        raise SystemExit(f"grade failed with exit code {timing.returncode}")
    truth = {}
    for line in (batch / "truth.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        truth[row["file"]] = row["answers"]
    wrong_ok = flagged = fields = rejected = sheets = 0
    for line in results.read_text("utf-8").splitlines():
        r = json.loads(line)
        sheets += 1
        if r["status"] != "ok":
            rejected += 1
            continue
        name = Path(r["source"]).name
        key = f"{name}#{r['page']}" if name.endswith(".pdf") else name
        for label, want in truth[key].items():
            f = r["fields"][label]
            fields += 1
            if f["status"] in ("ambiguous", "low_confidence", "error"):
                flagged += 1
            elif sorted(f["detected"]) != sorted(want):
                wrong_ok += 1
    return Run(
        sheets,
        jobs,
        timing.seconds,
        timing.first_result,
        timing.peak_rss_mb,
        wrong_ok,
        flagged,
        fields,
        rejected,
    )


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="200", help="comma-separated batch sizes (default 200)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "academy-bench")
    ap.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    ap.add_argument(
        "--pdf", action="store_true", help="grade the sheets as 20-page PDFs (office scanner)"
    )
    ap.add_argument(
        "--stages", type=int, default=0, metavar="N", help="also time each stage on N pages"
    )
    args = ap.parse_args()
    runs = []
    for size in (int(s) for s in args.sizes.split(",")):
        batch = make_batch(size, args.cache, args.seed)
        if args.pdf:
            batch = as_pdfs(batch)
        with tempfile.TemporaryDirectory() as tmp:
            out = args.keep / f"out-{size}" if args.keep else Path(tmp)
            run = grade(batch, args.jobs, out)
        runs.append(run)
        print(run.row(), file=sys.stderr)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(HEADER)
    for run in runs:
        print(run.row())
    if args.stages:
        batch = make_batch(int(args.sizes.split(",")[0]), args.cache, args.seed)
        times = stage_times(batch, args.stages, template="kr-45q-5c-id8")
        print(f"\nper page over {args.stages} pages (ms, one process):")
        for name, ms in times.items():
            print(f"  {name}: {ms:.1f}")
    if len(runs) > 1:
        base = runs[0].peak_rss_mb
        for run in runs[1:]:
            print(
                f"\npeak memory {run.sheets} vs {runs[0].sheets} sheets: "
                f"{run.peak_rss_mb / base:.2f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
