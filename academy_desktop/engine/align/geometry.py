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
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]
    start = int(np.argmin(pts.sum(axis=1)))  # the point nearest the top-left
    return np.roll(pts, -start, axis=0)


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
