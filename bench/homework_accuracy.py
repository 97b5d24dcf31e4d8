"""Verdict accuracy of the homework analysis on generated videos.

    python bench/homework_accuracy.py              # 3 seeds per kind, 2 processes
    python bench/homework_accuracy.py --seeds 5 --json

Each kind of :mod:`synth.homework_media` video is generated with several seeds (seeds
100+, so they differ from the tests'), at 640p and 720p and 6-10 s at 10 fps, into a
temporary folder, and analysed with
:func:`academy_desktop.engine.homework.analyse.analyse_file`. Prints the confusion table
(expected verdict per row, the verdict got per column), the accuracy per kind and overall,
and whether each kind's flags came out as expected (``frozen``, ``looped``, page turns,
hand-covered frames, the rejection code); ``--json`` prints the same as JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from synth import homework_media as media  # noqa: E402

from academy_desktop.engine.homework.analyse import analyse_file  # noqa: E402

VERDICTS = ("wrote", "little_writing", "no_writing", "unreadable")
SIZES = ((1280, 720), (1138, 640), (960, 720))
Size = tuple[int, int]
Check = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Kind:
    name: str
    expected: str
    make: Callable[[Path, int, Size, int], Path]  # (path, seed, size, variant) -> path
    check: Check  # the kind's flags, beyond the verdict
    flags: str  # what check() looks at, for the table


def _no_flags(r: dict[str, Any]) -> bool:
    return not r.get("frozen") and not r.get("looped")


KINDS = (
    Kind(
        "writing",
        "wrote",
        lambda p, s, z, v: media.writing_video(p, 6 + v, 10, z, s, count=(12, 24, 36)[v % 3]),
        lambda r: _no_flags(r) and r["page_turns"] == 0,
        "not frozen/looped, no page turn",
    ),
    Kind(
        "little_writing",
        "little_writing",
        lambda p, s, z, v: media.little_writing_video(p, 8, 10, z, s, count=2),
        _no_flags,
        "not frozen/looped",
    ),
    Kind(
        "blank",
        "no_writing",
        lambda p, s, z, v: media.blank_video(p, 8, 10, z, s, printed=v % 2 == 0),
        _no_flags,
        "not frozen/looped",
    ),
    Kind(
        "static_photo",
        "no_writing",
        lambda p, s, z, v: media.static_photo_video(p, 8, 10, z, s),
        lambda r: bool(r["frozen"]),
        "frozen",
    ),
    Kind(
        "page_turns",
        "wrote",
        lambda p, s, z, v: media.page_turn_video(p, 10, 10, z, s, pages=2 + v % 2),
        lambda r: r["page_turns"] >= 1,
        "page turn(s) found",
    ),
    Kind(
        "hand_covering",
        "wrote",
        lambda p, s, z, v: media.hand_covering_video(p, 8, 10, z, s, every=(2, 3, 4)[v % 3]),
        lambda r: any(f["hand_covered"] for f in r["frames"]),
        "hand-covered frames",
    ),
    Kind(
        "dark",
        "unreadable",
        lambda p, s, z, v: media.dark_video(p, 6, 10, z, s),
        lambda r: r["rejection_code"] == "TOO_DARK",
        "TOO_DARK",
    ),
    Kind(
        "too_short",
        "unreadable",
        lambda p, s, z, v: media.short_video(p, 10 + 5 * (v % 3), 10, z, s),
        lambda r: bool(r["too_short"]),
        "too_short",
    ),
    Kind(
        "blurred",
        "unreadable",
        lambda p, s, z, v: media.blurred_video(p, 6, 10, z, s),
        lambda r: r["rejection_code"] == "BLUR_OR_SHAKE",
        "BLUR_OR_SHAKE",
    ),
    Kind(
        "looped",
        "wrote",
        lambda p, s, z, v: media.looped_video(p, 4, 10, z, s, repeats=3),
        lambda r: bool(r["looped"]),
        "looped",
    ),
    Kind(
        "pencil_shaky_light",
        "wrote",
        lambda p, s, z, v: media.writing_video(
            p, 8, 10, z, s, count=(16, 24, 32)[v % 3], pencil=True, shake=3.0, flicker=0.15
        ),
        _no_flags,
        "not frozen/looped",
    ),
    Kind(
        "hand_writing",
        "wrote",
        lambda p, s, z, v: media.writing_video(
            p, 8, 10, z, s, count=(16, 24, 32)[v % 3], writing_hand=True
        ),
        lambda r: _no_flags(r) and r["page_turns"] == 0,
        "not frozen/looped, no page turn",
    ),
    Kind(
        "little_hand",
        "little_writing",
        lambda p, s, z, v: media.little_writing_video(p, 8, 10, z, s, writing_hand=True),
        _no_flags,
        "not frozen/looped",
    ),
    Kind(
        "page_turns_hand",
        "wrote",
        lambda p, s, z, v: media.page_turn_video(
            p, 12, 10, z, s, pages=2 + v % 2, writing_hand=True
        ),
        lambda r: r["page_turns"] >= 1,
        "page turn(s) found",
    ),
    Kind(
        "blank_hand_flicker",
        "no_writing",
        lambda p, s, z, v: media.blank_video(
            p, 8, 10, z, s, printed=v % 2 == 0, flicker=0.15, writing_hand=True
        ),
        _no_flags,
        "not frozen/looped",
    ),
    Kind(
        "corrupt",
        "unreadable",
        lambda p, s, z, v: media.corrupt_video(p, 40_000 + 10_000 * v, s),
        lambda r: r["rejection_code"] == "INVALID_FORMAT",
        "INVALID_FORMAT",
    ),
)


def _one(job: tuple[int, int, str]) -> dict[str, Any]:
    kind_index, variant, folder = job
    kind = KINDS[kind_index]
    seed = 100 + 17 * variant + kind_index
    size = SIZES[(variant + kind_index) % len(SIZES)]
    path = Path(folder) / f"{kind.name}-{variant}.mp4"
    t0 = time.perf_counter()
    kind.make(path, seed, size, variant)
    made = time.perf_counter() - t0
    r = analyse_file(path, ocr=False, thumbnails=False)
    took = time.perf_counter() - t0 - made
    path.unlink(missing_ok=True)
    return {
        "kind": kind.name,
        "variant": variant,
        "seed": seed,
        "size": f"{size[0]}x{size[1]}",
        "expected": kind.expected,
        "verdict": r["verdict"],
        "confidence": r["confidence"],
        "flags_ok": bool(kind.check(r)),
        "reason": r["reason"],
        "ink_gain": r.get("ink_gain"),
        "generate_s": round(made, 2),
        "analyse_s": round(took, 2),
    }


def run(seeds: int, jobs: int, kinds: list[str] | None = None) -> dict[str, Any]:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="homework-accuracy-") as folder:
        work = [
            (k, v, folder)
            for k in range(len(KINDS))
            if not kinds or KINDS[k].name in kinds
            for v in range(seeds)
        ]
        if jobs > 1:
            with ProcessPoolExecutor(jobs) as pool:
                rows = list(pool.map(_one, work))
        else:
            rows = [_one(w) for w in work]
    confusion: dict[str, Counter[str]] = {v: Counter() for v in VERDICTS}
    per_kind: dict[str, dict[str, Any]] = {}
    for row in rows:
        confusion[row["expected"]][row["verdict"]] += 1
        k = per_kind.setdefault(row["kind"], {"videos": 0, "right": 0, "flags_ok": 0})
        k["videos"] += 1
        k["right"] += row["verdict"] == row["expected"]
        k["flags_ok"] += row["flags_ok"]
    right = sum(r["verdict"] == r["expected"] for r in rows)
    return {
        "videos": len(rows),
        "right": right,
        "accuracy": round(right / len(rows), 4) if rows else 0.0,
        "flags_ok": sum(r["flags_ok"] for r in rows),
        "confusion": {e: dict(c) for e, c in confusion.items()},
        "per_kind": per_kind,
        "rows": rows,
        "seconds": round(time.perf_counter() - t0, 1),
        "analyse_seconds": round(sum(r["analyse_s"] for r in rows), 1),
    }


def report(res: dict[str, Any]) -> str:
    short = {"wrote": "wrote", "little_writing": "little", "no_writing": "none"}
    cols = [short.get(v, v) for v in VERDICTS]
    lines = [
        "Confusion (rows: expected, columns: got)",
        "",
        "| expected \\ got | " + " | ".join(cols) + " |",
        "|---|" + "---:|" * len(cols),
    ]
    for e in VERDICTS:
        counts = res["confusion"][e]
        lines.append(f"| {e} | " + " | ".join(str(counts.get(g, 0)) for g in VERDICTS) + " |")
    lines += ["", "| kind | expected | right | flags as expected |", "|---|---|---:|---|"]
    for kind in KINDS:
        if kind.name not in res["per_kind"]:
            continue
        k = res["per_kind"][kind.name]
        lines.append(
            f"| {kind.name} | {kind.expected} | {k['right']}/{k['videos']} | "
            f"{k['flags_ok']}/{k['videos']} ({kind.flags}) |"
        )
    wrong = [r for r in res["rows"] if r["verdict"] != r["expected"] or not r["flags_ok"]]
    if wrong:
        lines += ["", "Misjudged:"]
        lines += [
            f"- {r['kind']} #{r['variant']} ({r['size']}, seed {r['seed']}): got {r['verdict']} "
            f"({r['confidence']}), flags {'ok' if r['flags_ok'] else 'WRONG'}: {r['reason']}"
            for r in wrong
        ]
    lines += [
        "",
        f"Accuracy: {res['right']}/{res['videos']} = {100 * res['accuracy']:.1f}%, "
        f"flags as expected {res['flags_ok']}/{res['videos']}; "
        f"{res['seconds']} s in all, analysis {res['analyse_seconds']} s "
        f"({res['analyse_seconds'] / max(1, res['videos']):.2f} s per video)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="videos per kind (default 3)")
    ap.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    ap.add_argument("--kinds", nargs="+", metavar="KIND", help="only these kinds")
    args = ap.parse_args(argv)
    names = [k.name for k in KINDS]
    for name in args.kinds or []:
        if name not in names:
            ap.error(f"unknown kind {name!r}: {', '.join(names)}")
    res = run(max(1, args.seeds), max(1, args.jobs), args.kinds)
    print(json.dumps(res, ensure_ascii=False, indent=1) if args.json else report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
