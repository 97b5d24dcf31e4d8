"""Accuracy table per scan category on synthetic sheets with exact ground truth.

    python bench/accuracy.py [--sheets 100] [--template kr-45q-5c-id8]

Prints a Markdown table: per category the sheets graded, fields read, the
auto-correct rate (read right, no flag), the review rate (flagged for a person)
and the silent errors (read wrong WITHOUT a flag - the number that must be 0),
plus which mark kinds were flagged. Sheets use seeds 10000+ so they differ from
the ones the tests use.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from synth import CATEGORIES  # noqa: E402
from synth.evaluate import HEADER, Accuracy, evaluate  # noqa: E402

from academy_desktop.engine.template.discovery import load_template  # noqa: E402


def _one(args: tuple[str, str, int]) -> Accuracy:
    template, category, sheets = args
    return evaluate(load_template(template), category, range(10000, 10000 + sheets))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sheets", type=int, default=100, help="sheets per category")
    ap.add_argument("--template", default="kr-45q-5c-id8")
    args = ap.parse_args()
    with ProcessPoolExecutor(2) as pool:
        rows = list(pool.map(_one, [(args.template, c, args.sheets) for c in CATEGORIES]))
    print(f"template {args.template}, {args.sheets} sheets per category\n")
    print(HEADER)
    for acc in rows:
        print(acc.row())
    print("\nflagged mark kinds (why a person is asked):")
    for acc in rows:
        print(f"- {acc.category}: {dict(acc.flagged_kinds)}; rejected: {dict(acc.rejections)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
