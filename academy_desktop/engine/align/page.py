"""Find the outline of the paper in a photo or scan (OMRChecker's CropPage)."""

from __future__ import annotations

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import is_convex_quad, order_clockwise, quad_area


def _quad_from_contour(cnt: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(cnt)
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return order_clockwise(approx.reshape(4, 2).astype(np.float32))
    return None


def _candidates(binary: np.ndarray, min_area: float) -> list[np.ndarray]:
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    quads = []
    for cnt in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        if cv2.contourArea(cnt) < min_area:
            break
        q = _quad_from_contour(cnt)
        if q is not None and is_convex_quad(q):
            quads.append(q)
    return quads


def find_page(small: np.ndarray, morph: int = 10) -> tuple[np.ndarray, float] | None:
    """The paper's four corners in ``small`` (clockwise from top-left) and a 0..1 score.

    Two cues are tried: the bright paper against a darker background (Otsu), and
    closed edges (Canny). A quad must cover at least 15 % of the picture and not
    be the picture's own frame. Returns None when no paper outline is found:
    the page then probably fills the whole picture.
    """
    h, w = small.shape[:2]
    img_area = float(h * w)
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (morph, morph))
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, kernel)
    edges = cv2.Canny(blur, 40, 120)
    edges = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, kernel)
    best: tuple[np.ndarray, float] | None = None
    for binary in (bright, edges):
        for q in _candidates(binary, 0.15 * img_area):
            area = quad_area(q)
            frac = area / img_area
            if frac > 0.97:
                continue  # the picture's own frame
            # prefer big quads whose corners are not all on the picture border
            on_border = sum(1 for x, y in q if x < 3 or y < 3 or x > w - 4 or y > h - 4)
            score = frac * (1.0 - 0.15 * on_border)
            if best is None or score > best[1]:
                best = (q, score)
    return best
