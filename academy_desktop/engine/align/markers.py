"""Find the four copies of a marker picture on a page (OMRChecker's ``CropOnMarkers``).

Any marker picture (concentric circles, a cross, a logo) at any scale, from a small
phone photo to a 600-dpi scan, at any quarter turn, in shadows and on a textured
background:

1. **Coarse search.** A reduced, flat-fielded copy of the page (dark ink on 255
   paper whatever the light) is searched at 15 marker sizes, from 1.1 % to 14 % of
   the picture's long side. Each size is matched on a copy scaled so the marker is
   about 9 px wide: a small direct correlation, whose normalisation has a contrast
   floor so that faint texture cannot score like a printed marker. Every local peak
   is a candidate; the candidates of all sizes are merged (non-maximum suppression).
2. **Geometry.** Every combination of four of the best candidates (and at least the
   best few of each quarter of the picture) is checked as a quadrilateral: convex,
   corner angles and opposite sides within what a camera's perspective does, its
   aspect that of the template's marker rectangle (either way round: portrait or
   landscape), the four markers of similar size and that size consistent with the
   quadrilateral (the ``sheetToMarkerWidthRatio``). The best combinations by match
   score and geometry go on.
3. **Refinement.** Each marker of those combinations is matched again in a small
   window at about 32 px per marker (full resolution when it is smaller), over a few
   sizes, with a sub-pixel peak. The combination with the best refined score wins.
4. **Three markers.** When no four fit, three that make a right-angled corner of
   the right proportions predict the fourth, which is looked for near its predicted
   place with a lower threshold; failing that the prediction itself is used and the
   result says ``markers_found: 3``.

Nothing here decides the orientation: the quadrilateral is returned clockwise from
the picture's top-left corner and the caller compares the page with the template
(see :mod:`academy_desktop.engine.align.aligner`). ``None`` means no consistent
markers: the caller rejects the page rather than guess.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import background

COARSE_LOW = 7.0  # marker width in the coarse copies: 7-10 px (direct correlation is cheap)
MIN_COARSE_PX = 6  # a marker smaller than this in the coarse copy is not searched
REL_SIZES = tuple(0.011 * 1.19**i for i in range(15))  # marker width / long side: 1.1-12 %
COARSE_MIN = 0.35  # coarse correlation a candidate needs
# Both the coarse copies and the marker are blurred this much (px): at 7-10 px the rings
# of a concentric marker are finer than a pixel, and unblurred their correlation
# swings with the sub-pixel phase and a 10 % size error (0.47-0.75 on one marker);
# blurred, a real marker scores 0.75-0.94 over a 1.19x size step, a filled bubble ~0.5.
COARSE_BLUR = 0.8
CONTRAST_FLOOR = 0.35  # share of the marker's own contrast below which a window scores less
PER_CORNER = 4  # candidates per corner: the most extreme strong ones, the most extreme ones
PER_QUARTER = 3  # ... and the best of that quarter
ENCLOSE_WEIGHT = 0.3  # bonus for a quad holding the other candidates inside
WITNESSES = 60  # candidates (best first) whose enclosure counts
REFINE_PX = 32.0  # marker width the refinement works at
REFINE_KEEP = 6  # combinations refined (at most: the first with four clear markers ends it)
MIN_MARKER = 0.6  # refined correlation of a real marker (printed, photographed, faint)
SURE = 0.8  # ... four this clear end the search (filled bubbles score 0.5-0.65 rectified)
MIN_FOURTH = 0.40  # a fourth marker looked for where three others predict it
MAX_TRIOS = 40  # right-angled trios tried when no four fit
BASE_SIDE = 880  # long side of the copy the coarse search starts from
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


@dataclass
class MarkerModel:
    """A marker picture prepared for matching."""

    picture: np.ndarray  # grey, contrast stretched, slightly blurred
    turns: tuple[int, ...]  # distinct clockwise quarter turns to look for (0 only if symmetric)
    aspect: float  # height / width of the picture
    _sized: dict[tuple[int, int, int, float], np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def from_picture(cls, gray: np.ndarray) -> MarkerModel:
        pic = cv2.GaussianBlur(gray, (3, 3), 0)
        pic = cv2.normalize(pic, np.empty_like(pic), 0, 255, cv2.NORM_MINMAX)
        h, w = pic.shape[:2]
        turns = [0]
        small = cv2.resize(pic, (32, max(4, round(32 * h / w))), interpolation=cv2.INTER_AREA)
        for k in (2, 1, 3):
            rot = np.rot90(small, -k)
            if rot.shape != small.shape:
                turns.append(k)
                continue
            if _ncc(rot, small) < 0.85:
                turns.append(k)
        if 2 not in turns:  # symmetric under a half turn: odd turns look alike
            turns = [t for t in turns if t != 3]
        pic.setflags(write=False)
        return cls(pic, tuple(sorted(turns)), h / w)

    def template(self, width: float, turn: int, blur: float = 0.0) -> np.ndarray:
        """The picture ``width`` px wide (its own width, before turning), turned clockwise,
        optionally blurred (float32 then)."""
        w = max(3, round(width))
        h = max(3, round(width * self.aspect))
        key = (w, h, turn, blur)
        img = self._sized.get(key)
        if img is None:
            img = cv2.resize(self.picture, (w, h), interpolation=cv2.INTER_AREA)
            img = np.ascontiguousarray(np.rot90(img, -turn))
            if blur > 0:
                img = cv2.GaussianBlur(
                    img.astype(np.float32), (0, 0), blur, borderType=cv2.BORDER_REPLICATE
                )
            if len(self._sized) > 256:
                self._sized.clear()
            self._sized[key] = img
        return img


@dataclass(frozen=True)
class Hit:
    """A candidate marker: centre and width in image pixels, correlation, turn."""

    x: float
    y: float
    size: float
    score: float
    turn: int = 0
    rel: float = 0.0  # width x ratio / the quad's width there, when measured rectified


@dataclass(frozen=True)
class MarkerQuad:
    """Four markers that fit the template, clockwise from the picture's top-left."""

    corners: np.ndarray  # 4x2 float64 image px
    hits: tuple[Hit, ...]
    score: float  # weakest refined marker correlation
    geometry: float  # geometry error 0 (perfect) .. 1 (at the limits)
    found: int  # 4, or 3 when the fourth corner was predicted
    candidates: int  # candidates found by the coarse search
    runner_up: float | None  # combined score of the best other combination, if any
    combined: float  # combined score of this one
    # the page's quarter turn (as geometry.rotate_corners counts) that markers with no
    # half-turn symmetry show, all four found the same way round; else None
    turn: int | None = None


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    fa = a.astype(np.float32).ravel()
    fb = b.astype(np.float32).ravel()
    fa -= fa.mean()
    fb -= fb.mean()
    den = float(np.sqrt((fa * fa).sum() * (fb * fb).sum()))
    return float((fa * fb).sum() / den) if den > 0 else 0.0


# ----------------------------------------------------------------------- coarse search


def flat_field(gray: np.ndarray, max_marker: float) -> np.ndarray:
    """Paper 255, ink dark, whatever the light: divide by a local paper estimate.

    The paper level is a max filter wider than the largest marker, computed on a
    quarter-size copy (cheap) and brought back to ``gray``'s size.
    """
    h, w = gray.shape[:2]
    low = cv2.pyrDown(cv2.pyrDown(gray)) if min(h, w) >= 64 else gray
    f = low.shape[1] / w
    k = max(5, round(2.2 * max_marker * f)) | 1
    bg = background(low, k)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, bg, scale=255)


def _ncc_map(img: np.ndarray, sq: np.ndarray, tmpl: np.ndarray) -> np.ndarray:
    """Normalised correlation of ``tmpl`` at every top-left position of ``img`` (float32),
    with a floor on the window's contrast (see :data:`CONTRAST_FLOOR`)."""
    th, tw = tmpl.shape
    t = tmpl.astype(np.float32)
    t -= t.mean()
    tnorm = float(np.sqrt((t * t).sum()))
    if tnorm <= 0:
        return np.zeros((1, 1), np.float32)
    n = float(th * tw)
    oh, ow = img.shape[0] - th + 1, img.shape[1] - tw + 1
    if oh < 1 or ow < 1:
        return np.zeros((1, 1), np.float32)
    num = cv2.filter2D(img, cv2.CV_32F, t, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    s1 = cv2.boxFilter(
        img, cv2.CV_32F, (tw, th), anchor=(0, 0), normalize=False, borderType=cv2.BORDER_CONSTANT
    )
    s2 = cv2.boxFilter(
        sq, cv2.CV_32F, (tw, th), anchor=(0, 0), normalize=False, borderType=cv2.BORDER_CONSTANT
    )
    num, s1, s2 = num[:oh, :ow], s1[:oh, :ow], s2[:oh, :ow]
    var = s2 - s1 * s1 / n
    floor = (CONTRAST_FLOOR * tnorm) ** 2  # tnorm**2 = n * the marker's own variance
    den = np.sqrt(np.maximum(var, floor)) * tnorm
    return num / den


def _peaks(res: np.ndarray, k: int, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k = max(3, k | 1)
    local = cv2.dilate(res, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    _, above = cv2.threshold(res, COARSE_MIN, 255, cv2.THRESH_BINARY)
    mask = cv2.compare(res, local, cv2.CMP_GE) & above.astype(np.uint8)
    found = cv2.findNonZero(mask)
    if found is None:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, np.float32)
    xs, ys = found[:, 0, 0], found[:, 0, 1]
    vals = res[ys, xs]
    if vals.size > limit:
        top = np.argpartition(-vals, limit)[:limit]
        xs, ys, vals = xs[top], ys[top], vals[top]
    return xs, ys, vals


class Pyramid:
    """The flat-fielded page at half-octave steps, made as they are needed."""

    def __init__(self, gray: np.ndarray, max_rel: float = REL_SIZES[-1]) -> None:
        self.long_side = max(gray.shape[:2])
        base, fb = gray, 1.0
        while max(base.shape[:2]) > BASE_SIDE:
            base = cv2.pyrDown(base)
            fb *= 0.5
        self.fb = fb
        self._u8: dict[int, np.ndarray] = {0: flat_field(base, max_rel * self.long_side * fb)}
        self._f32: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _level_u8(self, j: int) -> np.ndarray:
        img = self._u8.get(j)
        if img is None:
            if j % 2 == 0:
                img = cv2.pyrDown(self._level_u8(j - 2))
            else:
                prev = self._level_u8(j - 1)
                dims = (
                    max(8, round(prev.shape[1] / np.sqrt(2))),
                    max(8, round(prev.shape[0] / np.sqrt(2))),
                )
                img = cv2.resize(prev, dims, interpolation=cv2.INTER_AREA)
            self._u8[j] = img
        return img

    def level(self, j: int) -> tuple[np.ndarray, np.ndarray, float, float]:
        """Level ``j`` (2**(-j/2) of the base) as float32, squared, and its x/y scale
        relative to the full image."""
        hit = self._f32.get(j)
        if hit is None:
            img = cv2.GaussianBlur(self._level_u8(j).astype(np.float32), (0, 0), COARSE_BLUR)
            hit = self._f32[j] = (img, img * img)
        img, sq = hit
        base = self._u8[0]
        return (
            img,
            sq,
            img.shape[1] / base.shape[1] * self.fb,
            img.shape[0] / base.shape[0] * self.fb,
        )


def coarse_candidates(
    pyr: Pyramid, model: MarkerModel, rel_sizes: tuple[float, ...] = REL_SIZES
) -> list[Hit]:
    """Candidate markers at every size in ``rel_sizes`` (marker width / long side),
    unsuppressed (see :func:`suppress`)."""
    hits: list[Hit] = []
    for rel in rel_sizes:
        size_base = rel * pyr.long_side * pyr.fb
        if size_base < MIN_COARSE_PX:
            continue
        j = max(0, int(np.floor(2 * np.log2(size_base / COARSE_LOW))))
        img, sq, sx, sy = pyr.level(j)
        for turn in model.turns:
            tmpl = model.template(rel * pyr.long_side * sx, turn, COARSE_BLUR)
            th, tw = tmpl.shape
            if th >= img.shape[0] or tw >= img.shape[1]:
                continue
            res = _ncc_map(img, sq, tmpl)
            xs, ys, vals = _peaks(res, min(th, tw) // 2, 40)
            width = (tw / sx) if turn % 2 == 0 else (th / sy)
            for x, y, v in zip(xs.tolist(), ys.tolist(), vals.tolist(), strict=True):
                cx = (x + tw / 2.0) / sx - 0.5
                cy = (y + th / 2.0) / sy - 0.5
                hits.append(Hit(cx, cy, width, v, turn))
    return hits


def suppress(hits: list[Hit]) -> list[Hit]:
    """Keep the best hit of each place (across sizes and turns), best first."""
    if not hits:
        return []
    hits = sorted(hits, key=lambda h: -h.score)
    xy = np.array([[h.x, h.y] for h in hits])
    size = np.array([h.size for h in hits])
    alive = np.ones(len(hits), bool)
    kept: list[Hit] = []
    for i in range(len(hits)):
        if not alive[i]:
            continue
        kept.append(hits[i])
        d2 = ((xy[i:] - xy[i]) ** 2).sum(axis=1)
        alive[i:] &= d2 > (0.6 * np.maximum(size[i:], size[i])) ** 2
    return kept


# ------------------------------------------------------------------------------ geometry


@dataclass(frozen=True)
class _Combo:
    idx: tuple[int, ...]  # four candidate indices, clockwise from the top-left
    score: float  # combined: mean correlation minus geometry penalties
    geometry: float


def _order(pts: np.ndarray) -> np.ndarray:
    """Indices (C, 4) ordering each set of 4 points clockwise (y down) from the top-left."""
    c = pts.mean(axis=1, keepdims=True)
    ang = np.arctan2(pts[..., 1] - c[..., 1], pts[..., 0] - c[..., 0])
    order = np.argsort(ang, axis=1)
    ordered = np.take_along_axis(pts, order[..., None], axis=1)
    start = np.argmin(ordered.sum(axis=2), axis=1)
    roll = (np.arange(4)[None, :] + start[:, None]) % 4
    return np.take_along_axis(order, roll, axis=1)


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


def _corner_lists(hits: list[Hit]) -> list[np.ndarray]:
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


def _witnesses(hits: list[Hit]) -> tuple[np.ndarray, float]:
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
    hits: list[Hit], aspect: float, ratio: float, keep: int = REFINE_KEEP
) -> list[_Combo]:
    """The best combinations of four candidates that form the template's marker quad."""
    if len(hits) < 4:
        return []
    lists = _corner_lists(hits)
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
    wit, tol = _witnesses(hits)
    inside = enclosed(pts[combos], wit, tol)
    total = score[combos].mean(axis=1) - 0.1 * err + ENCLOSE_WEIGHT * inside
    top = np.argsort(-total)[:keep]
    return [_Combo(tuple(int(j) for j in combos[i]), float(total[i]), float(err[i])) for i in top]


# ---------------------------------------------------------------------------- refinement


def _subpixel(res: np.ndarray, x: int, y: int) -> tuple[float, float]:
    def fit(a: float, b: float, c: float) -> float:
        den = a - 2 * b + c
        return 0.0 if abs(den) < 1e-9 else float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))

    dx = fit(res[y, x - 1], res[y, x], res[y, x + 1]) if 0 < x < res.shape[1] - 1 else 0.0
    dy = fit(res[y - 1, x], res[y, x], res[y + 1, x]) if 0 < y < res.shape[0] - 1 else 0.0
    return dx, dy


class Levels:
    """``gray`` and its Gaussian pyramid, made as needed (for the refinement)."""

    def __init__(self, gray: np.ndarray) -> None:
        self._levels = [gray]

    def get(self, p: int) -> np.ndarray:
        while len(self._levels) <= p:
            self._levels.append(cv2.pyrDown(self._levels[-1]))
        return self._levels[p]

    @property
    def shape(self) -> tuple[int, ...]:
        return self._levels[0].shape


def _level_matrix(p: int) -> np.ndarray:
    """Full-image px -> px of pyramid level ``p``: ``cv2.pyrDown`` centres its kernel on
    the even pixels, so level pixel i is full pixel 2**p * i."""
    k = 0.5**p
    return np.array([[k, 0, 0], [0, k, 0], [0, 0, 1]])


def refine_quad(
    levels: Levels,
    model: MarkerModel,
    four: list[Hit],
    aspect: float,
    ratio: float,
    reach: tuple[float, float, float, float] = (0.35, 0.35, 0.35, 0.35),
) -> list[Hit]:
    """The four markers of a candidate quad (clockwise from the top-left) matched again
    on the page rectified by the quad itself, so markers that perspective squeezes
    into ellipses are round again: ~32 px per marker, a few sizes, sub-pixel centres,
    mapped back to the image."""
    pts = np.array([[h.x, h.y] for h in four], np.float64)
    d = np.roll(pts, -1, axis=0) - pts
    sides = np.hypot(d[:, 0], d[:, 1])
    size = float(np.median([h.size for h in four]))
    g = min(1.0, REFINE_PX / max(size, 1.0))  # rectified px per image px (on average)
    wr, hr = (sides[0] + sides[2]) / 2 * g, (sides[1] + sides[3]) / 2 * g
    rect = np.array([[0, 0], [wr, 0], [wr, hr], [0, hr]], np.float64)
    # the template's width in rectified px (either way round)
    tw_rect = wr if abs(np.log(wr / hr / aspect)) <= abs(np.log(wr / hr * aspect)) else hr
    h_img = cv2.getPerspectiveTransform(rect.astype(np.float32), pts.astype(np.float32))
    h_img = h_img.astype(np.float64)  # rectified px -> image px
    p = max(0, int(np.floor(np.log2(1.0 / g))))  # read from a pyramid level >= g
    src = levels.get(p)
    h_src = _level_matrix(p) @ h_img
    lo, hi = 0.8 * size * g, 1.25 * size * g
    widths = sorted({round(w) for w in np.geomspace(lo, hi, 5)})
    out = []
    for i, hit in enumerate(four):
        half = int(np.ceil(hi * (0.5 * max(1.0, model.aspect) + reach[i]))) + 2
        ox, oy = rect[i] - half
        shift = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]], np.float64)
        patch = cv2.warpPerspective(
            src,
            h_src @ shift,
            (2 * half + 1, 2 * half + 1),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        )
        best = (-2.0, 0.0, 0.0, 0.0)
        for w in widths:
            tmpl = model.template(w, hit.turn)
            th, tw = tmpl.shape
            if w < 4 or th > patch.shape[0] or tw > patch.shape[1]:
                continue
            res = cv2.matchTemplate(patch, tmpl, cv2.TM_CCOEFF_NORMED)
            _, val, _, (px, py) = cv2.minMaxLoc(res)
            if val > best[0]:
                sx, sy = _subpixel(res, px, py)
                best = (float(val), ox + px + sx + (tw - 1) / 2, oy + py + sy + (th - 1) / 2, w)
        if best[0] <= -2:
            out.append(replace(hit, score=-1.0))
            continue
        c = h_img @ np.array([best[1], best[2], 1.0])
        # the marker's width in image px: the rectified width times the local scale
        eps = 1.0
        dx = h_img @ np.array([best[1] + eps, best[2], 1.0])
        dy = h_img @ np.array([best[1], best[2] + eps, 1.0])
        jx = dx[:2] / dx[2] - c[:2] / c[2]
        jy = dy[:2] / dy[2] - c[:2] / c[2]
        local = float(np.sqrt(abs(jx[0] * jy[1] - jx[1] * jy[0])))
        x, y = float(c[0] / c[2]), float(c[1] / c[2])
        out.append(Hit(x, y, best[3] * local, best[0], hit.turn, float(best[3] * ratio / tw_rect)))
    return out


# --------------------------------------------------------------------------- the search


def expected_turns(corners: np.ndarray, aspect: float) -> tuple[int, ...]:
    """The quarter turns a quad (clockwise from the picture's top-left) allows for a
    template ``aspect`` (width / height): (0, 2) when it reads the template's way
    round, (1, 3) when turned; all four when the layout is (nearly) square."""
    d = np.roll(corners, -1, axis=0) - corners
    sides = np.hypot(d[:, 0], d[:, 1])
    qa = (sides[0] + sides[2]) / max(sides[1] + sides[3], 1e-9)
    upright, turned = abs(np.log(qa / aspect)), abs(np.log(qa * aspect))
    if abs(upright - turned) < 0.1:
        return (0, 1, 2, 3)
    return (0, 2) if upright < turned else (1, 3)


CONFIDENT = 0.7  # a quad at the expected scale this good ends the search early


def find_quad(
    gray: np.ndarray,
    model: MarkerModel,
    aspect: float,
    ratio: float,
    paper: tuple[float, float] | None = None,
) -> MarkerQuad | None:
    """Four markers forming the template's marker rectangle (``aspect`` = its width /
    height, ``ratio`` = sheet width / marker width), or None.

    The sizes the paper implies are searched first: ``paper`` (its short and long
    side in pixels, when its outline was found) or else the whole picture, either way
    round. Only when they give no confident quad are all sizes searched.
    """
    pyr = Pyramid(gray)
    h, w = gray.shape[:2]
    long_side = max(h, w)
    short, long_ = paper if paper is not None else (min(h, w), long_side)
    lo = 0.8 * short / ratio / long_side
    hi = 1.3 * long_ / ratio / long_side
    first = tuple(r for r in REL_SIZES if lo <= r <= hi)
    hits = coarse_candidates(pyr, model, first)
    quad = _search(gray, model, suppress(hits), aspect, ratio)
    if quad is not None and quad.found == 4 and quad.score >= CONFIDENT:
        return _with_turn(quad, model)
    hits += coarse_candidates(pyr, model, tuple(r for r in REL_SIZES if r not in first))
    wide = _search(gray, model, suppress(hits), aspect, ratio)
    if quad is None or (
        wide is not None and (wide.found, wide.combined) > (quad.found, quad.combined)
    ):
        quad = wide
    return _with_turn(quad, model)


def _with_turn(quad: MarkerQuad | None, model: MarkerModel) -> MarkerQuad | None:
    """``quad`` with the turn its markers show, when they show one."""
    if quad is None or len(model.turns) < 4:
        return quad
    seen = {h.turn for h in quad.hits if h.score > -1}
    if len(seen) != 1:
        return quad
    # the picture turned clockwise by ``t`` quarters: the page labelled that many back
    return replace(quad, turn=(4 - seen.pop()) % 4)


@dataclass
class _Search:
    gray: np.ndarray
    model: MarkerModel
    aspect: float
    ratio: float
    hits: list[Hit]

    def __post_init__(self) -> None:
        self.levels = Levels(self.gray)
        self.witnesses, self.tol = _witnesses(self.hits)

    def evaluate(self, four: list[Hit], found: int = 4) -> MarkerQuad | None:
        """The quad of four hits (a predicted corner has score -1), if it fits."""
        pts = np.array([[h.x, h.y] for h in four], np.float64)
        order = _order(pts[None])[0]
        four = [four[i] for i in order]
        pts = pts[order]
        sizes = np.array([[h.size for h in four]])
        rel = np.array([[h.rel for h in four]]) if all(h.rel > 0 for h in four) else None
        err, _ = quad_geometry(pts[None], sizes, self.aspect, self.ratio, rel=rel)
        scores = [h.score for h in four if h.score > -1]
        if not np.isfinite(err[0]) or not scores:
            return None
        inside = float(enclosed(pts[None], self.witnesses, self.tol)[0])
        combined = float(np.mean(scores)) - 0.15 * float(err[0]) + ENCLOSE_WEIGHT * inside
        return MarkerQuad(
            pts,
            tuple(four),
            float(min(scores)),
            float(err[0]),
            found,
            len(self.hits),
            None,
            combined,
        )


def _search(
    gray: np.ndarray, model: MarkerModel, hits: list[Hit], aspect: float, ratio: float
) -> MarkerQuad | None:
    ctx = _Search(gray, model, aspect, ratio, hits)
    results: list[MarkerQuad] = []
    for c in best_combos(hits, aspect, ratio):
        four = refine_quad(ctx.levels, model, [hits[i] for i in c.idx], aspect, ratio)
        quad = ctx.evaluate(four)
        if quad is not None and quad.score >= MIN_MARKER:
            results.append(quad)
            if quad.score >= SURE and len(results) == 1:
                break  # the best combination holds four clear markers: look no further
    if not results:
        three = _from_three(ctx)
        if three is None:
            return None
        results.append(three)
    results.sort(key=lambda q: -q.combined)
    best = results[0]
    size = float(np.mean([h.size for h in best.hits]))
    runner = next(
        (q.combined for q in results[1:] if np.abs(q.corners - best.corners).max() > size),
        None,
    )
    return replace(best, runner_up=runner)


def _from_three(ctx: _Search) -> MarkerQuad | None:
    """Three markers at a right-angled corner predict the fourth (see the module doc)."""
    hits = ctx.hits
    pool: list[int] = []
    for lst in _corner_lists(hits) if len(hits) >= 3 else []:
        pool += [int(i) for i in lst[:4] if i not in pool]
    best: MarkerQuad | None = None
    h, w = ctx.gray.shape[:2]
    tried = 0
    for trio in itertools.combinations(pool, 3):
        pts = np.array([[hits[i].x, hits[i].y] for i in trio])
        sizes = np.array([hits[i].size for i in trio])
        if sizes.max() > COARSE_SPREAD * sizes.min():
            continue
        for c in range(3):  # which of the three is the corner between the other two
            a, b = [j for j in range(3) if j != c]
            va, vb = pts[a] - pts[c], pts[b] - pts[c]
            la, lb = float(np.hypot(*va)), float(np.hypot(*vb))
            if min(la, lb) < 2.5 * sizes.max():
                continue
            if abs(float(va @ vb) / (la * lb)) > np.cos(np.radians(MIN_ANGLE)):
                continue
            r = la / lb
            if min(abs(np.log(r / ctx.aspect)), abs(np.log(r * ctx.aspect))) > MAX_ASPECT_ERR:
                continue
            guess = pts[a] + pts[b] - pts[c]
            size = float(np.median(sizes))
            if not (
                -0.5 * size <= guess[0] < w + 0.5 * size
                and -0.5 * size <= guess[1] < h + 0.5 * size
            ):
                continue
            tried += 1
            if tried > MAX_TRIOS:
                return best
            probe = Hit(float(guess[0]), float(guess[1]), size, 0.0, hits[trio[a]].turn)
            four = [hits[trio[a]], hits[trio[c]], hits[trio[b]], probe]
            # a parallelogram's error under perspective: a few % of the sides
            far = 0.06 * (la + lb) / size + 0.35
            found = refine_quad(ctx.levels, ctx.model, four, ctx.aspect, ctx.ratio,
                                (0.35, 0.35, 0.35, far))  # fmt: skip
            if min(x.score for x in found[:3]) < MIN_MARKER:
                continue
            fourth = found[3]
            if fourth.score >= MIN_MARKER:
                quad = ctx.evaluate(found)
            elif fourth.score >= MIN_FOURTH:
                quad = ctx.evaluate(found, found=3)
            else:
                quad = ctx.evaluate([*found[:3], replace(probe, score=-1.0)], found=3)
            if quad is not None and (best is None or quad.combined > best.combined):
                best = quad
    return best
