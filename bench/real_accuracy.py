"""Accuracy on real paper: ../shared/real-scans and ../shared/omr-samples.

Grades both folders with ``main.py grade`` (each page with the template.json found up
its folder tree, as a user would) and scores every field against the human truth:

* real-scans: ``truth.jsonl`` scored by the folder's own ``score.py`` (its rules);
* omr-samples: ``tests/data/real_truth.json`` with the same rules: auto-correct (ok or
  blank and right), flagged (sent to a person; "right" when the reading was right
  anyway), SILENT ERROR (ok or blank but wrong), and fields on rejected pages.

    python bench/real_accuracy.py [--shared ../shared] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGGED = {"ambiguous", "low_confidence", "error"}


def grade(folder: Path, out: Path, jobs: int) -> Path:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, str(ROOT / "main.py"), "grade", str(folder)]
    cmd += ["--out", str(out), "--jobs", str(jobs), "--quiet"]
    subprocess.run(cmd, check=True, env=env)
    return out / "results.jsonl"


def score_samples(results: Path, root: Path) -> dict[str, int]:
    truth = json.loads((ROOT / "tests" / "data" / "real_truth.json").read_text("utf-8"))
    by_file = {}
    for line in results.read_text("utf-8").splitlines():
        r = json.loads(line)
        by_file[Path(r["source"]).resolve().relative_to(root.resolve()).as_posix()] = r
    c = dict.fromkeys(
        ["pages", "rejected", "fields", "auto", "flagged", "flagged_right", "rej", "silent"], 0
    )
    for image, entry in truth.items():
        if image.startswith("_") or image not in by_file:  # a template picture: not graded
            continue
        r = by_file[image]
        c["pages"] += 1
        unclear = entry.get("unclear", {})
        wanted_fields = {k: v for k, v in entry["fields"].items() if k not in unclear}
        c["fields"] += len(wanted_fields)
        if r["status"] != "ok":
            c["rejected"] += 1
            c["rej"] += len(wanted_fields)
            continue
        for label, wanted in wanted_fields.items():
            got = r["fields"][label]
            right = sorted(got["detected"]) == sorted(wanted)
            if got["status"] in FLAGGED:
                c["flagged"] += 1
                c["flagged_right"] += int(right)
            elif right:
                c["auto"] += 1
            else:
                c["silent"] += 1
    return c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the results in this folder")
    args = ap.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="real-acc-"))
    scans = args.shared / "real-scans"
    samples = args.shared / "omr-samples"
    if scans.is_dir():
        res = grade(scans, out / "real-scans", args.jobs)
        subprocess.run([sys.executable, str(scans / "score.py"), "--app", str(res)], check=True)
    else:
        print(f"{scans} not found: real-scans skipped")
    if samples.is_dir():
        c = score_samples(grade(samples, out / "omr-samples", args.jobs), samples)
        n = max(c["fields"], 1)
        print("\nomr-samples (tests/data/real_truth.json)")
        print(
            "| pages | rejected | fields | auto-correct | flagged (right) | on rejected | SILENT |"
        )
        print("|---|---|---|---|---|---|---|")
        print(
            f"| {c['pages']} | {c['rejected']} | {c['fields']} | {c['auto']} "
            f"({100 * c['auto'] / n:.1f} %) | {c['flagged']} ({c['flagged_right']}) "
            f"| {c['rej']} | **{c['silent']}** |"
        )
    else:
        print(f"{samples} not found: omr-samples skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
