"""Map a scanned page onto its template: find the sheet, its orientation, and check the fit."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from academy_desktop.engine.align import features, marker_image, page, squares
from academy_desktop.engine.align.geometry import (
    downscale,
    homography,
    mean_scale,
    normalise,
    page_corners,
    rotate_corners,
    scale_matrix,
    transform_points,
)
from academy_desktop.engine.align.reference import frame_size, ncc, reference, turn_is_clear
from academy_desktop.engine.rejections import Code, Rejection
from academy_desktop.engine.template.model import Template

SMALL_SIDE = 1000  # long side of the copy used to find marks and outlines
LOW_SIDE = 360  # long side of the frame used to check orientation
MIN_NCC = 0.30  # below this the page does not look like the template at all


@dataclass
class Aligned:
    """Where the template sits in the input image."""

    h: np.ndarray  # 3x3, template units -> input image pixels
    method: str
    rotation: int  # quarter turns (0, 90, 180, 270 degrees) the page was scanned at
    ncc: float  # similarity with the blank sheet at low resolution, -1..1
    px_per_unit: float
    details: dict[str, Any] = field(default_factory=dict)


def _low_scale(t: Template) -> float:
    return LOW_SIDE / max(t.page_size)


def _as_affine(m: np.ndarray, w: int, h: int, tol: float = 0.6) -> np.ndarray | None:
    """The affine map closest to ``m`` over a w x h frame, if within ``tol`` image px.

    0.6 px is 2 % of a bubble at 200 dpi, and below the noise of the marks' centres
    that give a flatbed scan's homography its slight, spurious perspective.
    """
    grid = np.array([[x, y] for x in (0, w / 2, w) for y in (0, h / 2, h)], dtype=np.float64)
    target = transform_points(m, grid)
    design = np.hstack([grid, np.ones((len(grid), 1))])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    if float(np.max(np.abs(design @ coef - target))) > tol:
        return None
    return coef.T


def warp(gray: np.ndarray, h: np.ndarray, t: Template, scale: float) -> np.ndarray:
    """The page as the template sees it, ``scale`` px per unit, paper-white outside."""
    m = h @ scale_matrix(1.0 / scale)
    w, hh = frame_size(t, scale)
    affine = _as_affine(m, w, hh)
    if affine is not None:  # a flatbed scan: warpAffine is about twice as fast
        return cv2.warpAffine(
            gray,
            affine,
            (w, hh),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=255,
        )
    return cv2.warpPerspective(
        gray,
        m,
        frame_size(t, scale),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def _orientation_score(small: np.ndarray, f: float, h: np.ndarray, t: Template) -> float:
    low = _low_scale(t)
    frame = warp(small, scale_matrix(f) @ h, t, low)
    # flat-field first: a photo's shadow or vignette must not outweigh the print
    k = max(9, round(LOW_SIDE / 20))
    a = cv2.GaussianBlur(normalise(frame, k), (3, 3), 0)
    b = cv2.GaussianBlur(reference(t, low), (3, 3), 0)
    return ncc(a, b)


def _best_rotation(
    small: np.ndarray, f: float, t: Template, src: np.ndarray, quad: np.ndarray, ks: tuple[int, ...]
) -> tuple[np.ndarray, int, float, list[float]]:
    """Try the quad's corner labellings ``ks``; keep the one that looks most like the sheet."""
    best: tuple[np.ndarray, int, float] | None = None
    scores = []
    for k in ks:
        h = homography(src, rotate_corners(quad, k) / f)
        s = _orientation_score(small, f, h, t)
        scores.append(s)
        if best is None or s > best[2]:
            best = (h, k, s)
    assert best is not None
    return best[0], best[1], best[2], scores


def _by_squares(small: np.ndarray, f: float, t: Template) -> Aligned | None:
    marks = t.alignment.markers
    size = float(np.mean([m.size for m in marks]))
    hi = max(small.shape) / max(t.page_size) * 1.15
    found = squares.find_squares(small, size * hi * 0.3, size * hi)
    src = np.array([[m.cx, m.cy] for m in marks], dtype=np.float32)
    for fit in squares.best_quad(found, t)[:3]:
        sides = [np.linalg.norm(fit.corners[(i + 1) % 4] - fit.corners[i]) for i in range(2)]
        upright = abs(sides[0] / sides[1] - _aspect(src)) < abs(sides[1] / sides[0] - _aspect(src))
        ks: tuple[int, ...] = (0, 2) if upright else (1, 3)
        if abs(_aspect(src) - 1.0) < 0.08:
            ks = (0, 1, 2, 3)
        h, k, s, scores = _best_rotation(small, f, t, src, fit.corners, ks)
        if s >= MIN_NCC:
            margin = s - max((x for x in scores if x != s), default=-1.0)
            return Aligned(
                h,
                "markers",
                k * 90,
                s,
                mean_scale(h, t),
                {
                    "marks_found": len(found),
                    "fit_error": round(fit.error, 4),
                    "orientation_margin": round(margin, 4),
                },
            )
    return None


def _aspect(pts: np.ndarray) -> float:
    w = float(np.linalg.norm(pts[1] - pts[0]))
    h = float(np.linalg.norm(pts[3] - pts[0]))
    return w / h if h else 1.0


def _by_page(small: np.ndarray, f: float, t: Template, any_rotation: bool) -> Aligned | None:
    found = page.find_page(small)
    if found is None:
        return None
    quad, score = found
    src = page_corners(t)
    sides = [np.linalg.norm(quad[(i + 1) % 4] - quad[i]) for i in range(2)]
    portrait_img = sides[1] >= sides[0]
    portrait_tpl = t.page_size[1] >= t.page_size[0]
    if any_rotation:
        ks: tuple[int, ...] = (0, 2) if portrait_img == portrait_tpl else (1, 3)
    else:
        ks = (0,)
    h, k, s, scores = _best_rotation(small, f, t, src, quad, ks)
    details: dict[str, Any] = {"page_score": round(score, 4)}
    if len(ks) > 1:
        details.update(_turn_details(ks, k, scores, src, quad, f))
    return Aligned(h, "page", k * 90, s, mean_scale(h, t), details)


def _turn_details(
    ks: tuple[int, ...], k: int, scores: list[float], src: np.ndarray, quad: np.ndarray, f: float
) -> dict[str, Any]:
    """How clearly turn ``k`` won; on a tie, every candidate's homography, for the page's
    own content to decide (``upright.settle``) or a person."""
    best = scores[ks.index(k)]
    second = max(x for kk, x in zip(ks, scores, strict=True) if kk != k)
    details: dict[str, Any] = {"orientation_margin": round(float(best - second), 4)}
    if not turn_is_clear(best, second):
        details["orientation_undecided"] = True
        details["orientation_candidates"] = {
            str(kk * 90): homography(src, rotate_corners(quad, kk) / f).tolist() for kk in ks
        }
    return details


def _by_whole_image(small: np.ndarray, f: float, t: Template) -> Aligned:
    """The picture is the page (no preprocessor, or no outline found): which way up?

    The turn whose page looks most like the drawn bubbles wins; a tie is left for the
    page's content to settle (``upright``).
    """
    sh, sw = small.shape[:2]
    quad = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32)
    portrait_img = sh >= sw
    portrait_tpl = t.page_size[1] >= t.page_size[0]
    # OMRChecker stretches the picture onto the page whatever its shape, so a picture
    # of the other shape may still be the page as it lies: then all four turns compete
    ks: tuple[int, ...] = (0, 2) if portrait_img == portrait_tpl else (0, 1, 2, 3)
    src = page_corners(t)
    h, k, s, scores = _best_rotation(small, f, t, src, quad, ks)
    details = _turn_details(ks, k, scores, src, quad, f)
    return Aligned(h, "none", k * 90, s, mean_scale(h, t), details)


def _by_marker_image(gray: np.ndarray, small: np.ndarray, f: float, t: Template) -> Aligned:
    """OMRChecker's CropOnMarkers: the four marker pictures (``marker_image.locate``,
    any scale, perspective, light), then the quarter turn whose page looks most like
    the template's drawn bubbles, as for native sheets."""
    fit = marker_image.locate(gray, t, small, f)
    src = page_corners(t)
    quad = (fit.corners * f).astype(np.float32)
    ks = marker_image.turns(fit, t)
    _, _, _, scores = _best_rotation(small, f, t, src, quad, ks)
    hs = {kk: homography(src, rotate_corners(quad, kk) / f) for kk in ks}
    k, details = marker_image.describe(fit, dict(zip(ks, scores, strict=True)), hs)
    h = hs[k]
    return Aligned(h, "marker_image", k * 90, scores[ks.index(k)], mean_scale(h, t), details)


@functools.lru_cache(maxsize=8)
def _reference_picture(path: Path, mtime: float) -> tuple[np.ndarray, float, tuple[int, int]]:
    """The reference picture at the matching size, its scale and its full size (cached:
    every page of a batch is matched against the same picture)."""
    ref = marker_image.load_marker(path)
    small, rf = downscale(ref, SMALL_SIDE)
    small.setflags(write=False)
    return small, rf, (ref.shape[1], ref.shape[0])


def _by_features(small: np.ndarray, f: float, t: Template) -> Aligned | None:
    a = t.alignment
    if a.reference_image is None:
        return None
    path = Path(a.reference_image)
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    ref_small, rf, (rw, rh) = _reference_picture(path, mtime)
    found = features.match_reference(small, ref_small)
    if found is None:
        return None
    m, inliers = found
    w, h = t.page_size
    # template units -> reference px -> small image px -> image px
    hm = scale_matrix(1 / f) @ m @ scale_matrix(rf) @ scale_matrix(rw / w, rh / h)
    return Aligned(hm, "features", 0, inliers, mean_scale(hm, t), {"inliers": round(inliers, 4)})


def _by_rendered_features(small: np.ndarray, f: float, t: Template) -> Aligned | None:
    """Last resort for a native sheet (marks cut off, paper edge out of the picture):
    match features of the printed sheet itself, at any rotation, and keep the result
    only if the page then looks like the blank sheet."""
    scale = 0.9 * max(small.shape) / max(t.page_size)
    found = features.match_reference(small, reference(t, scale))
    if found is None:
        return None
    m, inliers = found
    h = scale_matrix(1 / f) @ m @ scale_matrix(scale)  # template units -> image px
    s = _orientation_score(small, f, h, t)
    if s < MIN_NCC + 0.1:
        return None
    return Aligned(h, "features", 0, s, mean_scale(h, t), {"inliers": round(inliers, 4)})


def align(gray: np.ndarray, t: Template) -> Aligned:
    """Find the template's page in ``gray``.

    Raises :class:`Rejection` with ``NOT_A_SHEET`` when nothing sheet-like is
    found, or ``ALIGNMENT_FAILED`` when a sheet is there but cannot be mapped
    with confidence.
    """
    method = t.alignment.method
    small, f = downscale(gray, SMALL_SIDE)
    result: Aligned | None = None
    if method == "markers":
        result = _by_squares(small, f, t)
        if result is None:
            result = _by_page(small, f, t, any_rotation=True)
            if result is not None and result.ncc < MIN_NCC + 0.1:
                result = None
        if result is None:
            result = _by_rendered_features(small, f, t)
        if result is None:
            raise Rejection(Code.NOT_A_SHEET, "registration marks not found")
    elif method == "page":
        result = _by_page(small, f, t, any_rotation=True)
        if result is None:  # the photo is already cropped to the page
            result = _by_whole_image(small, f, t)
            result.details["page_found"] = False
    elif method == "marker_image":
        result = _by_marker_image(gray, small, f, t)
    elif method == "features":
        result = _by_features(small, f, t)
        if result is None:
            raise Rejection(Code.ALIGNMENT_FAILED, "reference features not matched")
    else:
        result = _by_whole_image(small, f, t)
    return result
