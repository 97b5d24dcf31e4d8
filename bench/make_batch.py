"""Write a reproducible batch of synthetic scans plus their ground truth.

    python bench/make_batch.py --count 200 --out /tmp/batch [--seed 0]
        [--template kr-45q-5c-id8] [--category office] [--jobs 2]

Each sheet ``NNNNN.jpg`` is an A4 page filled by a simulated student
(:data:`synth.OFFICE_MIX` marks) and degraded like an office scan
(rotation, borders, blur, noise, JPEG), at 200 dpi unless ``--scan-dpi`` says
otherwise. ``truth.jsonl`` holds one JSON object per sheet, in file order:
``{"file", "seed", "category", "answers": {label: [values]}, "student_id", "kinds",
"transform", "dpi"}`` (``answers`` includes the ID digits; ``[]`` is a blank).

Sheet ``i`` uses the seed ``SeedSequence([seed, i])``, so a batch is identical
whatever ``--jobs`` is, and sheet ``i`` is the same in a batch of 20 or 2,000.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from synth import CATEGORIES, make_sheet  # noqa: E402

from academy_desktop.engine.template.model import Template  # noqa: E402
from academy_desktop.engine.template.native import load_native  # noqa: E402
from academy_desktop.resources import resource_path  # noqa: E402

_TEMPLATE: Template | None = None
_OPTIONS: dict[str, Any] = {}


def find_template(name: str) -> Path:
    """A template file: a path as given, or a bundled template by name."""
    path = Path(name)
    if path.suffix == ".json" and path.is_file():
        return path
    bundled = resource_path("templates", f"{name}.json")
    if bundled.is_file():
        return bundled
    raise SystemExit(f"template not found: {name} (neither a file nor {bundled})")


def sheet_seed(seed: int, index: int) -> int:
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def _init(template: Path, options: dict[str, Any]) -> None:
    global _TEMPLATE
    _TEMPLATE = load_native(template)
    _OPTIONS.update(options)


def _one(job: tuple[int, int, str]) -> dict[str, Any]:
    index, seed, category = job
    assert _TEMPLATE is not None
    img, truth = make_sheet(
        _TEMPLATE, seed, category, dpi=_OPTIONS["dpi"], scan_dpi=_OPTIONS["scan_dpi"]
    )
    name = f"{index:05d}.jpg"
    # re-encode at the quality the scan simulation used: nearly lossless for libjpeg
    quality = int(truth.params.get("jpeg_quality", 95))
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError(f"cannot encode {name}")
    (Path(_OPTIONS["out"]) / name).write_bytes(buf.tobytes())
    return {"file": name, "seed": seed, **truth.to_json()}


def parse_scan_dpi(text: str) -> float | tuple[float, float] | None:
    """``"200"`` (fixed), ``"150-300"`` (a range) or ``"category"`` (the category's own range)."""
    if text == "category":
        return None
    if "-" in text:
        lo, hi = (float(v) for v in text.split("-", 1))
        return (lo, hi)
    return float(text)


def jobs(args: argparse.Namespace) -> Iterator[tuple[int, int, str]]:
    cats = list(CATEGORIES) if args.category == "mixed" else args.category.split(",")
    for cat in cats:
        if cat not in CATEGORIES:
            raise SystemExit(f"unknown category {cat!r}; choose from {', '.join(CATEGORIES)}")
    for i in range(args.count):
        yield i, sheet_seed(args.seed, i), cats[i % len(cats)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--template", default="kr-45q-5c-id8", help="bundled name or .json path")
    parser.add_argument(
        "--category",
        default="office",
        help=f"one of {', '.join(CATEGORIES)}, a comma list, or 'mixed'",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dpi", type=int, default=200, help="render dpi (defines template px)")
    parser.add_argument(
        "--scan-dpi", default="200", help="scan resolution: '200', a range '150-300', or 'category'"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    template = find_template(args.template)
    options = {"out": str(args.out), "dpi": args.dpi, "scan_dpi": parse_scan_dpi(args.scan_dpi)}
    work = list(jobs(args))
    start = time.perf_counter()
    with (
        ProcessPoolExecutor(
            max(1, args.jobs), initializer=_init, initargs=(template, options)
        ) as pool,
        (args.out / "truth.jsonl").open("w", encoding="utf-8") as truth,
    ):
        for done, row in enumerate(pool.map(_one, work, chunksize=4), start=1):
            truth.write(json.dumps(row, ensure_ascii=False) + "\n")
            if done % 50 == 0 or done == len(work):
                rate = done / max(1e-9, time.perf_counter() - start)
                print(f"{done}/{len(work)} sheets ({rate:.1f}/s)", file=sys.stderr)
    print(f"wrote {len(work)} sheets and truth.jsonl to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
