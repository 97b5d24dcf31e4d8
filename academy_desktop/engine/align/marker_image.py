"""Find four copies of a marker picture near the corners (OMRChecker's CropOnMarkers)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from academy_desktop.engine.rejections import Code, Rejection


def load_marker(path: Path) -> np.ndarray:
    data = np.fromfile(str(path), dtype=np.uint8) if path.is_file() else np.zeros(0, np.uint8)
    marker = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
    if marker is None:
        raise Rejection(Code.ALIGNMENT_FAILED, f"marker image not readable: {path.name}")
    return marker


def _prep(img: np.ndarray) -> np.ndarray:
    img = cv2.GaussianBlur(img, (5, 5), 0)
    return cv2.normalize(img, np.empty_like(img), 0, 255, cv2.NORM_MINMAX)


def find_markers(
    page: np.ndarray, marker: np.ndarray, width_ratio: float
) -> tuple[np.ndarray, float]:
    """Centres of the best marker match in each quadrant (TL, TR, BR, BL) and the
    weakest of the four match scores (normalised correlation, 0..1)."""
    h, w = page.shape[:2]
    page_p = _prep(page)
    expected = w / max(width_ratio, 1.0)
    centres: list[tuple[float, float]] = []
    scores: list[float] = []
    quads = [(0, 0), (w // 2, 0), (w // 2, h // 2), (0, h // 2)]
    for qx, qy in quads:
        region = page_p[qy : qy + (h + 1) // 2, qx : qx + (w + 1) // 2]
        best = (-1.0, 0.0, 0.0)
        for s in np.linspace(0.6, 1.4, 9):
            size = max(8, round(expected * s))
            if size >= min(region.shape[:2]):
                continue
            mk = _prep(cv2.resize(marker, (size, size), interpolation=cv2.INTER_AREA))
            res = cv2.matchTemplate(region, mk, cv2.TM_CCOEFF_NORMED)
            _, val, _, loc = cv2.minMaxLoc(res)
            if val > best[0]:
                best = (float(val), qx + loc[0] + size / 2.0, qy + loc[1] + size / 2.0)
        if best[0] < 0:
            raise Rejection(Code.ALIGNMENT_FAILED, "corner markers not found")
        scores.append(best[0])
        centres.append((best[1], best[2]))
    return np.array(centres, dtype=np.float32), float(min(scores))
