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


def edge_support(quad: np.ndarray, edges: np.ndarray, reach: int = 3) -> float:
    """Share of the quad's outline that runs along edges in ``edges`` (the weakest side).

    A real paper outline has an edge under most of every side; a quad that cut across
    the background (a table's reflection joined to the paper) has a side with little.
    """
    h, w = edges.shape[:2]
    near = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1,) * 2))
    worst = 1.0
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        n = max(8, int(np.linalg.norm(b - a) / 4))
        ts = np.linspace(0.05, 0.95, n)
        pts = a[None, :] + ts[:, None] * (b - a)[None, :]
        xs = np.clip(np.rint(pts[:, 0]).astype(int), 0, w - 1)
        ys = np.clip(np.rint(pts[:, 1]).astype(int), 0, h - 1)
        on_border = (xs <= reach) | (ys <= reach) | (xs >= w - 1 - reach) | (ys >= h - 1 - reach)
        hit = (near[ys, xs] > 0) | on_border  # a side cut by the picture's own edge counts
        worst = min(worst, float(hit.mean()))
    return worst


def find_page(small: np.ndarray, morph: int = 10) -> tuple[np.ndarray, float] | None:
    """The paper's four corners in ``small`` (clockwise from top-left) and a 0..1 score.

    Two cues are tried: the bright paper against a darker background (Otsu, also
    after an opening that cuts thin bridges to bright clutter beside the sheet), and
    closed edges (Canny). A quad must cover at least 15 % of the picture and not be
    the picture's own frame; among the candidates, big quads whose every side runs
    along an edge of the picture win. Returns None when no paper outline is found:
    the page then probably fills the whole picture.
    """
    h, w = small.shape[:2]
    img_area = float(h * w)
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (morph, morph))
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, kernel)
    k_open = max(5, round(0.025 * max(h, w)))
    opened = cv2.morphologyEx(
        bright, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k_open, k_open))
    )
    raw_edges = cv2.Canny(blur, 40, 120)
    edges = cv2.dilate(raw_edges, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, kernel)
    best: tuple[np.ndarray, float] | None = None
    for binary in (bright, opened, edges):
        for q in _candidates(binary, 0.15 * img_area):
            area = quad_area(q)
            frac = area / img_area
            if frac > 0.97:
                continue  # the picture's own frame
            # prefer big quads whose corners are not all on the picture border
            on_border = sum(1 for x, y in q if x < 3 or y < 3 or x > w - 4 or y > h - 4)
            support = edge_support(q, raw_edges)
            score = frac * (1.0 - 0.15 * on_border) * (0.4 + 0.6 * support)
            if best is None or score > best[1]:
                best = (q, score)
    return best
