"""Find a native sheet's four solid square registration marks."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import clockwise_order, normalise
from academy_desktop.engine.template.model import Template


@dataclass(frozen=True)
class Square:
    cx: float
    cy: float
    side: float
    squareness: float  # area / min-area-rect area, 1.0 for a perfect square


def find_squares(small: np.ndarray, min_side: float, max_side: float) -> list[Square]:
    """Solid dark squares of roughly ``min_side``..``max_side`` pixels, any rotation."""
    norm = normalise(small, kernel=max(15, int(max_side * 3)))
    # ink level of this scan: a washed-out copy prints its black marks mid-grey
    ink = float(np.percentile(norm, 0.5))
    dark = (norm < max(140.0, (ink + 255.0) / 2.0)).astype(np.uint8)
    _, labels, stats, centroids = cv2.connectedComponentsWithStats(dark, connectivity=8)
    out: list[Square] = []
    min_area, max_area = min_side * min_side * 0.8, max_side * max_side * 1.3
    # size and box shape first, for all components at once (a page has ~2,000)
    ws, hs, areas = stats[:, 2], stats[:, 3], stats[:, 4]
    fit = (areas >= min_area) & (areas <= max_area)
    fit &= np.maximum(ws, hs) <= 2.2 * np.minimum(ws, hs)
    fit[0] = False  # the background
    for i in np.flatnonzero(fit).tolist():
        x, y, w, h, area = (int(v) for v in stats[i])
        mask = (labels[y : y + h, x : x + w] == i).astype(np.uint8)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if not contours:
            continue
        cnt = max(contours, key=cv2.contourArea)
        (_, _), (rw, rh), _ = cv2.minAreaRect(cnt)
        if rw <= 0 or rh <= 0:
            continue
        aspect = max(rw, rh) / min(rw, rh)
        fill = area / (rw * rh)
        hull_area = cv2.contourArea(cv2.convexHull(cnt))
        solidity = area / hull_area if hull_area > 0 else 0.0
        if aspect > 1.35 or fill < 0.86 or solidity < 0.93:
            continue
        cx, cy = centroids[i]
        out.append(Square(float(cx), float(cy), float(np.sqrt(area)), float(fill)))
    return out


@dataclass(frozen=True)
class QuadFit:
    corners: np.ndarray  # 4x2 image points, clockwise from the top-left on screen
    scale: float  # image px per template unit implied by the quad
    error: float  # worst relative deviation of side lengths and mark sizes


def best_quad(squares: list[Square], t: Template) -> list[QuadFit]:
    """Four squares whose layout matches the template's marks, best first.

    Side lengths are compared with the template's, allowing for perspective,
    and each square's size must agree with the scale the quad implies. Both
    the upright and the quarter-turned reading are tried: which corner is the
    sheet's top-left is decided later, by the caller.
    """
    marks = np.array([[m.cx, m.cy] for m in t.alignment.markers], dtype=np.float64)
    size = float(np.mean([m.size for m in t.alignment.markers]))
    tw = (np.linalg.norm(marks[1] - marks[0]) + np.linalg.norm(marks[2] - marks[3])) / 2
    th = (np.linalg.norm(marks[3] - marks[0]) + np.linalg.norm(marks[2] - marks[1])) / 2
    cands = sorted(squares, key=lambda s: -s.side)[:12]
    if len(cands) > 4:
        # the marks are the same size and the biggest squares on a sheet; much smaller
        # ones (filled bubbles seen coarsely, blots) cannot be among the four
        floor = 0.6 * cands[3].side
        cands = [c for c in cands if c.side >= floor]
    if len(cands) < 4:
        return []
    # every combination at once, in itertools order (the sort below is stable)
    combos = np.array(list(itertools.combinations(range(len(cands)), 4)), dtype=np.intp)
    side = np.array([c.side for c in cands])
    sizes = side[combos]
    same = sizes.max(axis=1) <= 1.6 * sizes.min(axis=1)  # the four marks are printed alike
    combos, sizes = combos[same], sizes[same]
    xy = np.array([[c.cx, c.cy] for c in cands], dtype=np.float32)
    quads = xy[combos]
    pts = np.take_along_axis(quads, clockwise_order(quads)[..., None], axis=1)
    d = np.roll(pts, -1, axis=1) - pts
    sides_arr = np.hypot(d[..., 0], d[..., 1])
    apart = sides_arr.min(axis=1) >= 2 * sizes.max(axis=1)  # marks sit far apart
    # convex (cv2.isContourConvex): every turn the same way, none straight
    nxt = np.roll(d, -1, axis=1)
    cross = d[..., 0] * nxt[..., 1] - d[..., 1] * nxt[..., 0]
    convex = np.all(cross > 0, axis=1) | np.all(cross < 0, axis=1)
    ok = apart & convex
    pts, sides_arr, sizes = pts[ok], sides_arr[ok], sizes[ok]
    fits: list[QuadFit] = []
    if len(pts) == 0:
        return fits
    exps = np.array([[tw, th, tw, th], [th, tw, th, tw]])
    scale = sides_arr.sum(axis=1)[:, None] / exps.sum(axis=1)[None, :]  # (C, 2)
    side_err = np.max(np.abs(sides_arr[:, None, :] / (exps[None] * scale[..., None]) - 1.0), axis=2)
    size_err = np.max(np.abs(sizes[:, None, :] / (size * scale[..., None]) - 1.0), axis=2)
    err = np.maximum(side_err, size_err * 0.6)
    for i, j in zip(*np.nonzero((side_err < 0.4) & (size_err < 0.6)), strict=True):
        fits.append(QuadFit(pts[i], float(scale[i, j]), float(err[i, j])))
    fits.sort(key=lambda f: (round(f.error, 2), -f.scale))
    return fits
