"""Orientation of symmetric sheets from their content: accuracy and time per method.

    python bench/orientation_bench.py                    # 10 seeds x 4 turns x 2 layouts
    python bench/orientation_bench.py --seeds 20 --shape square --no-ocr

Pages come from ``tests/synth/orientation_pages.py`` (a symmetric bubble grid with four
identical corner squares, a Korean/English header and Hershey question numbers, random
marks), scanned at each quarter turn and warped back onto the frame under every turn
the geometry allows, at the aligner's 1400 px (``upright.LOOK_SIDE``). Seeds start at
1000, so they differ from the tests'. For each method: pages decided right, decided
wrong (the number that must be 0), left undecided, and milliseconds per page (the
method alone, page generation excluded): wall time, and the CPU time of this process
and its Tesseract runs, which a busy machine does not inflate. Controls that must never
decide: a reference of another form, and pages without any text (every method).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import cv2
import numpy as np

try:
    import resource  # CPU time of the Tesseract runs (not on Windows)
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from synth import orientation_pages as pages  # noqa: E402

from academy_desktop.engine.align import orient_labels, orient_reference  # noqa: E402
from academy_desktop.engine.align.orient_ocr import ocr_vote  # noqa: E402
from academy_desktop.engine.align.orient_vote import OrientationVote  # noqa: E402
from academy_desktop.engine.align.orientation import choose_orientation  # noqa: E402
from academy_desktop.tesseract import find_tesseract  # noqa: E402

SIDE = 1400
Vote = OrientationVote


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    undecided: int = 0
    ms: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, vote: Vote | None, upright: int | None, ms: float, cpu: float) -> None:
        self.ms.append(ms)
        self.cpu.append(cpu)
        if vote is None or vote.rotation is None:
            self.undecided += 1
        elif vote.rotation == upright:
            self.right += 1
        else:
            self.wrong += 1

    def row(self, name: str) -> str:
        n = self.right + self.wrong + self.undecided
        ms = np.array(self.ms) if self.ms else np.zeros(1)
        return (
            f"| {name} | {n} | {self.right} ({self.right / max(n, 1):.1%}) | {self.wrong} "
            f"| {self.undecided} | {ms.mean():.0f} | {np.percentile(ms, 95):.0f} "
            f"| {np.mean(self.cpu):.0f} |"
        )


HEADER = (
    "| method | pages | right | wrong | undecided | ms/page | p95 ms | CPU ms/page |\n"
    "|---|---|---|---|---|---|---|---|"
)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (Tesseract)."""
    own = time.process_time()
    if resource is None:
        return own
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


def _timed(fn: Callable[[], Vote | None]) -> tuple[Vote | None, float, float]:
    c, t = _cpu(), time.perf_counter()
    vote = fn()
    return vote, (time.perf_counter() - t) * 1000, (_cpu() - c) * 1000


def _run(
    fn: Callable[[], Vote | None], truth: int | None
) -> tuple[Vote | None, int | None, float, float]:
    vote, ms, cpu = _timed(fn)
    return vote, truth, ms, cpu


def _references(shape: str) -> dict[str, np.ndarray]:
    w, h = pages.FRAMES[shape]
    size = (round(w * SIDE / max(w, h)), round(h * SIDE / max(w, h)))

    def frame(img: np.ndarray) -> np.ndarray:
        return cv2.resize(img, size, interpolation=cv2.INTER_AREA)

    blank = frame(pages.scanned(pages.form(shape, seed=1, marks=False), 0, seed=1))
    batch = [frame(pages.scanned(pages.form(shape, seed=s), 0, seed=s)) for s in range(2, 7)]
    other = frame(pages.scanned(pages.form(shape, seed=1, variant="other", marks=False), 0))
    return {
        "blank": blank,
        "batch": np.median(np.stack(batch), axis=0).astype(np.uint8),
        "other": other,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10, help="pages per turn and layout")
    ap.add_argument("--shape", choices=["portrait", "square", "both"], default="both")
    ap.add_argument("--no-ocr", action="store_true", help="skip the Tesseract method")
    args = ap.parse_args(argv)
    if not pages.fonts_available():
        print("the Nanum fonts are not installed (/usr/share/fonts/truetype/nanum)")
        return 1
    engine = None if args.no_ocr else find_tesseract()
    shapes = ["portrait", "square"] if args.shape == "both" else [args.shape]
    names = [
        "reference: blank form",
        "reference: median of 5 batch pages",
        "text: labels + direction",
        "text: Tesseract OCR",
        "choose_orientation (no reference)",
        "control: reference of another form",
        "control: no text, no reference",
    ]
    tallies = {name: Tally() for name in names}
    ocr = engine is not None
    for shape in shapes:
        refs = _references(shape)
        for seed in range(1000, 1000 + args.seeds):
            for turns in range(4):
                page = pages.form(shape, seed=seed)
                scan = pages.scanned(page, turns, seed=seed)
                cands, up = pages.candidates(scan, shape, turns, seed=seed, side=SIDE)
                bare = pages.form(shape, seed=seed, text=False)
                bare_c, _ = pages.candidates(
                    pages.scanned(bare, turns, seed=seed), shape, turns, seed=seed, side=SIDE
                )
                runs: list[tuple[str, Callable[[], Vote | None], int | None]] = [
                    (names[0], partial(orient_reference.reference_vote, cands, refs["blank"]), up),
                    (names[1], partial(orient_reference.reference_vote, cands, refs["batch"]), up),
                    (names[2], partial(orient_labels.label_vote, cands), up),
                    (
                        names[5],
                        partial(orient_reference.reference_vote, cands, refs["other"]),
                        None,
                    ),
                    (
                        names[4],
                        partial(choose_orientation, cands, ocr=ocr, tesseract=engine),
                        up,
                    ),
                    (
                        names[6],
                        partial(choose_orientation, bare_c, ocr=ocr, tesseract=engine),
                        None,
                    ),
                ]
                if engine is not None:
                    runs.append((names[3], partial(ocr_vote, cands, engine), up))
                for name, fn, truth in runs:
                    tallies[name].add(*_run(fn, truth))
            print(f"{shape}: seed {seed} done", file=sys.stderr)
    print(f"layouts: {', '.join(shapes)}; {args.seeds} seeds x 4 turns; frames {SIDE} px")
    print("Tesseract:", engine.executable if engine else "not used")
    print(HEADER)
    for name in names:
        if tallies[name].ms:
            print(tallies[name].row(name))
    print("(controls: 'right' counts nothing; every decision there is 'wrong')")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
