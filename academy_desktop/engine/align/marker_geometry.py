"""``CropOnMarkers`` step 2, the geometry check of four candidates (see
:mod:`academy_desktop.engine.align.markers`).

Every combination of four of the best candidates (and at least the best few of each
quarter of the picture) is checked as a quadrilateral: convex, corner angles and
opposite sides within what a camera's perspective does, its aspect that of the
template's marker rectangle (either way round: portrait or landscape), the four
markers of similar size and that size consistent with the quadrilateral (the
``sheetToMarkerWidthRatio``). The best combinations by match score and geometry go on
to the refinement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from academy_desktop.engine.align.marker_coarse import COARSE_MIN
from academy_desktop.engine.align.marker_model import Hit

PER_CORNER = 4  # candidates per corner: the most extreme strong ones, the most extreme ones
PER_QUARTER = 3  # ... and the best of that quarter
ENCLOSE_WEIGHT = 0.3  # bonus for a quad holding the other candidates inside
WITNESSES = 60  # candidates (best first) whose enclosure counts
REFINE_KEEP = 6  # combinations refined (at most: the first with four clear markers ends it)
# geometry limits (perspective of a hand-held phone over a sheet)
MAX_ASPECT_ERR = 0.22  # |log(quad aspect / template aspect)|
MAX_OPPOSITE = 1.6  # longer / shorter of two opposite sides
MIN_ANGLE, MAX_ANGLE = 55.0, 125.0  # corner angles, degrees
MAX_SIZE_SPREAD = 1.35  # largest / smallest of the four markers, each against the local scale
COARSE_SPREAD = 2.0  # the same for coarse sizes (steps of 19 %, one step off is common)
# marker width x ratio / quad width: the paper is wider than the markers' span (1.1-1.3
# on OMRChecker's samples); coarse sizes are a step off either way
SIZE_RANGE = (0.88, 1.8)
COARSE_SIZE = (0.7, 2.2)


@dataclass(frozen=True)
class Combo:
    """Four candidates that may be the template's markers."""

    idx: tuple[int, ...]  # four candidate indices, clockwise from the top-left
    score: float  # combined: mean correlation minus geometry penalties
    geometry: float


def quad_geometry(
    pts: np.ndarray,
    sizes: np.ndarray,
    aspect: float,
    ratio: float,
    max_spread: float = MAX_SIZE_SPREAD,
    size_range: tuple[float, float] = SIZE_RANGE,
    rel: np.ndarray | None = None,
    size_weight: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Geometry error (0 perfect, 1 at the limits; inf outside) of quads (C, 4, 2) whose
    corners are clockwise, and whether each reads portrait-wise like the template
    (True) or turned a quarter (False). ``sizes`` (C, 4): the markers' widths; ``rel``
    (C, 4): their widths x ``ratio`` / the quad's width, when measured rectified;
    ``size_weight``: how much the markers' size spread counts in the error (coarse sizes
    are a step or two off: there only the limit holds)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # a repeated corner: inf, dropped
        return _quad_geometry(pts, sizes, aspect, ratio, max_spread, size_range, rel, size_weight)


def _quad_geometry(
    pts: np.ndarray,
    sizes: np.ndarray,
    aspect: float,
    ratio: float,
    max_spread: float,
    size_range: tuple[float, float],
    rel: np.ndarray | None,
    size_weight: float,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(pts)
    d = np.roll(pts, -1, axis=1) - pts  # edges 0->1, 1->2, 2->3, 3->0
    sides = np.hypot(d[..., 0], d[..., 1])
    cross = d[..., 0] * np.roll(d, -1, axis=1)[..., 1] - d[..., 1] * np.roll(d, -1, axis=1)[..., 0]
    convex = np.all(cross > 0, axis=1)  # clockwise on screen (y down)
    # the cheap tests first: the rest is worked out for the quads that pass them
    keep = np.flatnonzero(convex & (sides.min(axis=1) >= 2.5 * sizes.max(axis=1)))
    err_all = np.full(n, np.inf)
    upright_all = np.ones(n, bool)
    if len(keep) == 0:
        return err_all, upright_all
    d, sides, sizes = d[keep], sides[keep], sizes[keep]
    if rel is not None:
        rel = rel[keep]
    prev = -np.roll(d, 1, axis=1)
    cosang = (prev * d).sum(axis=2) / np.maximum(sides * np.roll(sides, 1, axis=1), 1e-9)
    ang = np.degrees(np.arccos(np.clip(cosang, -1, 1)))
    ang_err = np.max(np.abs(ang - 90.0), axis=1) / (90.0 - MIN_ANGLE)
    s0, s1, s2, s3 = (sides[:, i] for i in range(4))
    opp = np.maximum(
        np.maximum(s0, s2) / np.maximum(np.minimum(s0, s2), 1e-9),
        np.maximum(s1, s3) / np.maximum(np.minimum(s1, s3), 1e-9),
    )
    opp_err = np.log(opp) / np.log(MAX_OPPOSITE)
    horiz, vert = (s0 + s2) / 2, (s1 + s3) / 2
    quad_aspect = horiz / np.maximum(vert, 1e-9)
    upright = np.abs(np.log(quad_aspect / aspect)) <= np.abs(np.log(quad_aspect * aspect))
    asp_err = (
        np.minimum(np.abs(np.log(quad_aspect / aspect)), np.abs(np.log(quad_aspect * aspect)))
        / MAX_ASPECT_ERR
    )
    # each marker against the quad's local scale at its corner (perspective makes the
    # far markers smaller): the geometric mean of the two sides meeting there, the
    # height side counted in widths
    ending = np.roll(sides, 1, axis=1)  # the side ending at each corner
    even = np.arange(4) % 2 == 0  # corners 0 and 2: the side leaving them is horizontal
    horiz_side = np.where(even, sides, ending)
    vert_side = np.where(even, ending, sides)
    up = upright[:, None]
    local_w = np.where(up, horiz_side, vert_side)
    local_h = np.where(up, vert_side, horiz_side)
    local = np.sqrt(local_w * local_h * aspect)
    if rel is None:
        rel = sizes * ratio / np.maximum(local, 1e-9)
    spread = rel.max(axis=1) / np.maximum(rel.min(axis=1), 1e-9)
    spread_err = np.log(spread) / np.log(max_spread)
    lo, hi = size_range
    size_ok = np.all((rel >= lo) & (rel <= hi), axis=1)
    err = np.maximum.reduce([ang_err, opp_err, asp_err, size_weight * spread_err])
    ok = size_ok & (err <= 1.0) & (spread_err <= 1.0)
    err_all[keep] = np.where(ok, err, np.inf)
    upright_all[keep] = upright
    return err_all, upright_all


_CORNERS = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64)  # TL, TR, BR, BL


def corner_lists(hits: list[Hit]) -> list[np.ndarray]:
    """Candidates for each corner of the quad (the picture's TL, TR, BR, BL): the most
    extreme that way among the strong and among all candidates, and the best scoring
    of that quarter. The template page spans the markers, so everything else printed
    (bubbles look like markers at a coarse scale) lies inside them."""
    pts = np.array([[h.x, h.y] for h in hits], np.float64)
    score = np.array([h.score for h in hits], np.float64)
    strong = np.flatnonzero(score >= max(COARSE_MIN + 0.1, 0.7 * score.max()))
    fair = np.flatnonzero(score >= COARSE_MIN + 0.05)
    centre = np.median(pts[strong], axis=0)
    lists = []
    for d in _CORNERS:
        proj = pts @ d
        chosen: list[int] = []
        for idx in (strong, fair):
            chosen += [int(i) for i in idx[np.argsort(-proj[idx])][:PER_CORNER] if i not in chosen]
        quarter = np.flatnonzero(np.all((pts - centre) * d > 0, axis=1))  # sorted by score
        chosen += [int(i) for i in quarter[:PER_QUARTER] if i not in chosen]
        lists.append(np.array(chosen, np.intp))
    return lists


def witnesses(hits: list[Hit]) -> tuple[np.ndarray, float]:
    """The candidates a true quad holds inside (the page's marker-like print), and the
    tolerance for them (half a marker)."""
    fair = [h for h in hits if h.score >= COARSE_MIN + 0.05][:WITNESSES]
    if not fair:
        return np.zeros((0, 2)), 0.0
    return np.array([[h.x, h.y] for h in fair]), 0.5 * float(np.median([h.size for h in fair]))


def enclosed(quads: np.ndarray, pts: np.ndarray, tol: float) -> np.ndarray:
    """Share of ``pts`` (K, 2) inside each clockwise quad (C, 4, 2), ``tol`` px outside
    still counting."""
    if len(pts) == 0:
        return np.ones(len(quads))
    d = np.roll(quads, -1, axis=1) - quads  # (C, 4, 2)
    v = pts[None, None, :, :] - quads[:, :, None, :]  # (C, 4, K, 2)
    cross = d[:, :, None, 0] * v[..., 1] - d[:, :, None, 1] * v[..., 0]
    length = np.hypot(d[..., 0], d[..., 1])[:, :, None]
    inside = np.all(cross >= -tol * length, axis=1)  # (C, K)
    return inside.mean(axis=1)


def best_combos(
    hits: list[Hit],
    aspect: float,
    ratio: float,
    keep: int = REFINE_KEEP,
    inside_of: tuple[np.ndarray, float] | None = None,
) -> list[Combo]:
    """The best combinations of four candidates that form the template's marker quad.
    ``inside_of``: :func:`witnesses` of ``hits``, when already worked out."""
    if len(hits) < 4:
        return []
    lists = corner_lists(hits)
    if any(len(x) == 0 for x in lists):
        return []
    # one candidate per corner, in the corners' order: a set that is not clockwise that
    # way (or uses one candidate twice) fails the convexity and side checks
    combos = np.stack(np.meshgrid(*lists, indexing="ij"), axis=-1).reshape(-1, 4)
    pts = np.array([[h.x, h.y] for h in hits], np.float64)
    size = np.array([h.size for h in hits], np.float64)
    score = np.array([h.score for h in hits], np.float64)
    err, _ = quad_geometry(
        pts[combos], size[combos], aspect, ratio, COARSE_SPREAD, COARSE_SIZE, size_weight=0.3
    )
    good = np.isfinite(err)
    if not good.any():
        return []
    combos, err = combos[good], err[good]
    wit, tol = inside_of if inside_of is not None else witnesses(hits)
    inside = enclosed(pts[combos], wit, tol)
    total = score[combos].mean(axis=1) - 0.1 * err + ENCLOSE_WEIGHT * inside
    top = np.argsort(-total)[:keep]
    return [Combo(tuple(int(j) for j in combos[i]), float(total[i]), float(err[i])) for i in top]
