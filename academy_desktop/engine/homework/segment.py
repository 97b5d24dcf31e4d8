"""Split a homework page into question boxes ``(x, y, w, h)``, sorted top to bottom.

- ``opencv``: ink is found with an inverted Otsu threshold after a blur, then dilated
  with a kernel scaled to the page (wide enough to join the words of a line and the lines
  of one question, not so tall that it bridges the blank space between questions).
  Each joined region gives the tight box of its ink; areas between 0.5% and 90% of the page with
  ``h / w >= 0.05`` are kept (the seed's 0.3 dropped one-line questions), and boxes that
  overlap are merged.
- ``yolo``: an ONNX detector (:mod:`.yolo`) when a model file is configured.
- ``auto``: YOLO when a model is found and runs, OpenCV otherwise (as the seed does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from academy_desktop.engine.homework.yolo import Box, YoloDetector, find_model

Method = Literal["auto", "opencv", "yolo"]

MIN_AREA = 0.005
MAX_AREA = 0.90
MIN_ASPECT = 0.05  # h / w


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def _merge(boxes: list[Box]) -> list[Box]:
    """Union of overlapping boxes until none overlap."""
    merged = [list(b) for b in boxes]
    changed = True
    while changed:
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                ax, ay, aw, ah = merged[i]
                bx, by, bw, bh = merged[j]
                if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                    x1, y1 = min(ax, bx), min(ay, by)
                    x2, y2 = max(ax + aw, bx + bw), max(ay + ah, by + bh)
                    merged[i] = [x1, y1, x2 - x1, y2 - y1]
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return [(b[0], b[1], b[2], b[3]) for b in merged]


def segment_opencv(image: np.ndarray) -> list[Box]:
    """Question boxes found from the ink layout (see the module docstring)."""
    gray = _gray(image)
    h, w = gray.shape
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    _, ink = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if np.count_nonzero(ink) > 0.6 * ink.size:  # no paper/ink contrast (blank or dark page)
        return []
    kx = max(5, round(w * 0.05)) | 1
    ky = max(5, round(h * 0.03)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (kx, ky))
    joined = cv2.dilate(ink, kernel)
    count, labels = cv2.connectedComponents(joined, connectivity=8)
    if count <= 1:
        return []
    # tight boxes around the ink of each joined region (not the dilated outline)
    ys, xs = np.nonzero(ink)
    owner = labels[ys, xs].astype(np.intp)
    x1 = np.full(count, w, dtype=np.int64)
    y1 = np.full(count, h, dtype=np.int64)
    x2 = np.full(count, -1, dtype=np.int64)
    y2 = np.full(count, -1, dtype=np.int64)
    np.minimum.at(x1, owner, xs)
    np.minimum.at(y1, owner, ys)
    np.maximum.at(x2, owner, xs)
    np.maximum.at(y2, owner, ys)
    page = float(h * w)
    boxes: list[Box] = []
    for label in range(1, count):
        if x2[label] < 0:
            continue
        bw, bh = int(x2[label] - x1[label] + 1), int(y2[label] - y1[label] + 1)
        area = bw * bh / page
        if MIN_AREA <= area <= MAX_AREA and bh / max(bw, 1) >= MIN_ASPECT:
            boxes.append((int(x1[label]), int(y1[label]), bw, bh))
    return sorted(_merge(boxes), key=lambda b: (b[1], b[0]))


def segment_questions(
    image: np.ndarray,
    method: Method = "auto",
    *,
    model_path: Path | str | None = None,
    detector: YoloDetector | None = None,
) -> tuple[list[Box], str]:
    """(boxes sorted by (y, x), the method actually used: ``"yolo"`` or ``"opencv"``).

    ``model_path``: a configured model; when None the app's ``models/`` folder is
    searched. ``method="yolo"`` raises FileNotFoundError without a model.
    """
    if method not in ("auto", "opencv", "yolo"):
        raise ValueError(f"unknown segmentation method {method!r}")
    if method != "opencv":
        if detector is None:
            found = find_model(model_path)
            if found is None:
                if method == "yolo":
                    raise FileNotFoundError(f"no YOLO model found ({model_path or 'models/'})")
            else:
                try:
                    detector = YoloDetector(found)
                except Exception:
                    if method == "yolo":
                        raise
        if detector is not None:
            try:
                boxes = detector.boxes(image)
            except Exception:
                if method == "yolo":
                    raise
            else:
                if boxes or method == "yolo":  # auto: nothing found, try OpenCV
                    return sorted(boxes, key=lambda b: (b[1], b[0])), "yolo"
    return segment_opencv(image), "opencv"


__all__ = ["Method", "segment_opencv", "segment_questions"]
