"""Small geometric helpers shared by the aligners."""

from __future__ import annotations

import cv2
import numpy as np

from academy_desktop.engine.template.model import Template


def page_corners(t: Template) -> np.ndarray:
    """The template page's corners, TL, TR, BR, BL, in template units (float32, 4x2)."""
    w, h = t.page_size
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)


def order_clockwise(pts: np.ndarray) -> np.ndarray:
    """Order 4 points clockwise on screen (y down), starting with the top-left one."""
    pts = np.asarray(pts, dtype=np.float32).reshape(4, 2)
    return pts[clockwise_order(pts[None])[0]]


def clockwise_order(pts: np.ndarray) -> np.ndarray:
    """Indices (C, 4) ordering each of many sets of 4 points (C, 4, 2) clockwise on
    screen (y down) from the top-left one: :func:`order_clockwise` for all at once."""
    c = pts.mean(axis=1, keepdims=True)
    ang = np.arctan2(pts[..., 1] - c[..., 1], pts[..., 0] - c[..., 0])
    order = np.argsort(ang, axis=1)
    ordered = np.take_along_axis(pts, order[..., None], axis=1)
    start = np.argmin(ordered.sum(axis=2), axis=1)  # the point nearest the top-left
    roll = (np.arange(4)[None, :] + start[:, None]) % 4
    return np.take_along_axis(order, roll, axis=1)


def quad_sides(pts: np.ndarray) -> np.ndarray:
    """Side lengths 0->1, 1->2, 2->3, 3->0 of a quad (4, 2) or of many (C, 4, 2)."""
    d = np.roll(pts, -1, axis=-2) - pts
    return np.hypot(d[..., 0], d[..., 1])


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    return cv2.getPerspectiveTransform(
        np.asarray(src, dtype=np.float32), np.asarray(dst, dtype=np.float32)
    ).astype(np.float64)


def scale_matrix(sx: float, sy: float | None = None) -> np.ndarray:
    return np.diag([sx, sx if sy is None else sy, 1.0])


def transform_points(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    pts = np.asarray(pts, dtype=np.float64).reshape(-1, 1, 2)
    return cv2.perspectiveTransform(pts, h).reshape(-1, 2)


def mean_scale(h: np.ndarray, t: Template) -> float:
    """Image pixels per template unit along the page edges, averaged."""
    c = transform_points(h, page_corners(t))
    w, hh = t.page_size
    top = np.linalg.norm(c[1] - c[0])
    bottom = np.linalg.norm(c[2] - c[3])
    left = np.linalg.norm(c[3] - c[0])
    right = np.linalg.norm(c[2] - c[1])
    return float((top + bottom) / (2 * w) * 0.5 + (left + right) / (2 * hh) * 0.5)


def is_convex_quad(pts: np.ndarray) -> bool:
    return bool(cv2.isContourConvex(np.asarray(pts, dtype=np.float32).reshape(-1, 1, 2)))


def quad_area(pts: np.ndarray) -> float:
    return float(abs(cv2.contourArea(np.asarray(pts, dtype=np.float32).reshape(-1, 1, 2))))


def rotate_corners(pts: np.ndarray, k: int) -> np.ndarray:
    """Re-label image corners as if the page were turned by k quarter turns."""
    return np.roll(np.asarray(pts), k, axis=0)


def downscale(gray: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """A copy whose long side is at most ``max_side`` (halving), and the factor applied."""
    f = 1.0
    small = gray
    while max(small.shape[:2]) > max_side:
        small = cv2.pyrDown(small)  # Gaussian pyramid: anti-aliased and fast
        f *= 0.5
    return small, f


class Levels:
    """``gray`` and its Gaussian pyramid (``cv2.pyrDown``), each level made once, when
    first needed. ``reduced``: ``downscale(gray, ...)`` if the caller already made it
    (the copy and its factor), kept as its level instead of being made again."""

    def __init__(self, gray: np.ndarray, reduced: tuple[np.ndarray, float] | None = None) -> None:
        self._levels = {0: gray}
        if reduced is not None:
            small, f = reduced
            p = round(float(-np.log2(f))) if f > 0 else 0
            if p > 0 and 0.5**p == f:
                self._levels[p] = small

    def get(self, p: int) -> np.ndarray:
        """Level ``p``: ``gray`` halved ``p`` times."""
        img = self._levels.get(p)
        if img is None:
            img = self._levels[p] = cv2.pyrDown(self.get(p - 1))
        return img

    def downscale(self, max_side: int) -> tuple[np.ndarray, float]:
        """:func:`downscale` of ``gray`` from the levels."""
        p = 0
        while max(self.get(p).shape[:2]) > max_side:
            p += 1
        return self.get(p), 0.5**p


def background(gray: np.ndarray, kernel: int) -> np.ndarray:
    """Paper brightness estimate: a grey closing (max filter) then a blur; never zero."""
    k = max(3, kernel | 1)
    bg = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.blur(bg, (k, k))
    return np.maximum(bg, 1)


def normalise(gray: np.ndarray, kernel: int) -> np.ndarray:
    """Flat-field correction: 255 where the paper is, darker where ink is."""
    bg = background(gray, kernel)
    return cv2.divide(gray, bg, scale=255)


def subpixel_peak(res: np.ndarray, x: int, y: int) -> tuple[float, float]:
    """Sub-pixel offset (-0.5..0.5 each way) of the peak of ``res`` at integer (x, y):
    a parabola through it and its two neighbours along each axis (0 at the border)."""

    def fit(a: float, b: float, c: float) -> float:
        den = a - 2 * b + c
        return 0.0 if abs(den) < 1e-9 else float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))

    dx = fit(res[y, x - 1], res[y, x], res[y, x + 1]) if 0 < x < res.shape[1] - 1 else 0.0
    dy = fit(res[y - 1, x], res[y, x], res[y + 1, x]) if 0 < y < res.shape[0] - 1 else 0.0
    return dx, dy
