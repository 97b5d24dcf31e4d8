"""Benchmark of the homework video analysis on a 10-minute 1080p video.

    python bench/homework_video_bench.py                  # 600 s, 1920x1080, 10 fps
    python bench/homework_video_bench.py --fps 30 --seconds 120

The video is synthetic: a page on a desk, moving a few pixels, with handwriting strokes
appearing over the whole ten minutes and one page turn half way. It is written once with
OpenCV's ``mp4v`` encoder and cached (``--cache``). **10 fps** keeps the file and the
generation time small; the analysis cost is dominated by decoding (every frame is grabbed,
only the ~600 sampled frames are converted and analysed), so a 30 fps phone video of the
same length costs roughly three times the decode part. Target: ≤ 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from academy_desktop.engine.homework.video import analyze_video  # noqa: E402

W, H = 1920, 1080
PAGE = (800, 1131)


def _page(strokes: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    page = np.full((PAGE[1], PAGE[0], 3), 235, np.uint8)
    for k in range(strokes):
        row, col = divmod(k, 6)
        x0, y0 = 60 + col * 120, 90 + row * 70
        xs = x0 + np.linspace(0, 100, 14)
        ys = y0 + rng.integers(-18, 18, 14)
        pts = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(page, [pts], False, (90, 40, 20), 3, cv2.LINE_AA)
    return page


def _frame(page: np.ndarray) -> np.ndarray:
    frame = np.full((H, W, 3), (70, 95, 120), np.uint8)
    src = np.array([[0, 0], [PAGE[0], 0], [PAGE[0], PAGE[1]], [0, PAGE[1]]], np.float32)
    dst = np.array([[640, 40], [1300, 60], [1320, 1050], [610, 1030]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    cv2.warpPerspective(page, m, (W, H), frame, borderMode=cv2.BORDER_TRANSPARENT)
    return frame


def make_video(path: Path, seconds: int, fps: int) -> None:
    n = seconds * fps
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (W, H))
    half = n // 2
    base: np.ndarray | None = None
    last_state = (-1, -1)
    for t in range(n):
        page_no, local = (0, t) if t < half else (1, t - half)
        strokes = min(84, local * 84 // max(1, half - fps * 5))  # done 5 s before the turn
        if (page_no, strokes) != last_state:
            base = _frame(_page(strokes, seed=page_no))
            last_state = (page_no, strokes)
        assert base is not None
        dx, dy = round(3 * np.sin(t / 7.0)), round(2 * np.cos(t / 9.0))
        writer.write(np.roll(base, (dy, dx), axis=(0, 1)))
    writer.release()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--fps", type=int, default=10)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/homework_video_bench"))
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    path = args.cache / f"page_{args.seconds}s_{args.fps}fps_1080p.mp4"
    if not path.exists():
        t0 = time.perf_counter()
        make_video(path, args.seconds, args.fps)
        print(f"generated {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    t0 = time.perf_counter()
    r = analyze_video(path)
    elapsed = time.perf_counter() - t0
    size_mb = path.stat().st_size / 1e6
    print(
        f"{args.seconds} s 1080p @ {args.fps} fps ({size_mb:.0f} MB, {r['total_frames']} frames,"
        f" {r['sampled_frames']} sampled): {elapsed:.1f} s -> verdict {r['verdict']}"
        f" (confidence {r['confidence']}), pages {r['pages']}, ink gain {r['ink_gain']}"
    )


if __name__ == "__main__":
    main()
