"""Find the four copies of a marker picture on a page (OMRChecker's ``CropOnMarkers``).

Any marker picture (concentric circles, a cross, a logo) at any scale, from a small
phone photo to a 600-dpi scan, at any quarter turn, in shadows and on a textured
background:

1. **Coarse search** (:mod:`~academy_desktop.engine.align.marker_coarse`). A reduced,
   flat-fielded copy of the page is searched at 15 marker sizes, from 1.1 % to 12 % of
   the picture's long side, each on a copy where the marker is about 9 px wide; every
   local peak is a candidate.
2. **Geometry** (:mod:`~academy_desktop.engine.align.marker_geometry`). Combinations
   of four of the best candidates are checked as a quadrilateral with the template's
   proportions and marker size; the best by match score and geometry go on.
3. **Refinement** (:mod:`~academy_desktop.engine.align.marker_refine`). Each marker of
   those combinations is matched again on the page rectified by the quad, at about
   32 px per marker, over a few sizes, with a sub-pixel peak. The combination with the
   best refined score wins.
4. **Three markers** (here). When no four fit, three that make a right-angled corner
   of the right proportions predict the fourth, which is looked for near its predicted
   place with a lower threshold; failing that the prediction itself is used and the
   result says ``markers_found: 3``.

The data (the prepared marker picture, candidates, the result) are in
:mod:`~academy_desktop.engine.align.marker_model`.

Nothing here decides the orientation: the quadrilateral is returned clockwise from
the picture's top-left corner and the caller compares the page with the template
(see :mod:`academy_desktop.engine.align.aligner`). ``None`` means no consistent
markers: the caller rejects the page rather than guess.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from academy_desktop.engine.align.geometry import Levels, clockwise_order, quad_sides
from academy_desktop.engine.align.marker_coarse import (
    REL_SIZES,
    Pyramid,
    coarse_candidates,
    suppress,
)
from academy_desktop.engine.align.marker_geometry import (
    COARSE_SPREAD,
    ENCLOSE_WEIGHT,
    MAX_ASPECT_ERR,
    MIN_ANGLE,
    best_combos,
    corner_lists,
    enclosed,
    quad_geometry,
    witnesses,
)
from academy_desktop.engine.align.marker_model import Hit, MarkerModel, MarkerQuad
from academy_desktop.engine.align.marker_refine import refine_quad

MIN_MARKER = 0.6  # refined correlation of a real marker (printed, photographed, faint)
SURE = 0.8  # ... four this clear end the search (filled bubbles score 0.5-0.65 rectified)
MIN_FOURTH = 0.40  # a fourth marker looked for where three others predict it
MAX_TRIOS = 40  # right-angled trios tried when no four fit


def expected_turns(corners: np.ndarray, aspect: float) -> tuple[int, ...]:
    """The quarter turns a quad (clockwise from the picture's top-left) allows for a
    template ``aspect`` (width / height): (0, 2) when it reads the template's way
    round, (1, 3) when turned; all four when the layout is (nearly) square."""
    sides = quad_sides(corners)
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
    reduced: tuple[np.ndarray, float] | None = None,
) -> MarkerQuad | None:
    """Four markers forming the template's marker rectangle (``aspect`` = its width /
    height, ``ratio`` = sheet width / marker width), or None.

    The sizes the paper implies are searched first: ``paper`` (its short and long
    side in pixels, when its outline was found) or else the whole picture, either way
    round. Only when they give no confident quad are all sizes searched.

    ``reduced``: ``gray`` already reduced by ``geometry.downscale`` and its factor, if
    the caller has it: the coarse search and the refinement read one Gaussian pyramid
    of ``gray`` (:class:`~academy_desktop.engine.align.geometry.Levels`), which then
    starts from it.
    """
    levels = Levels(gray, reduced)
    pyr = Pyramid(levels)
    h, w = gray.shape[:2]
    long_side = max(h, w)
    short, long_ = paper if paper is not None else (min(h, w), long_side)
    lo = 0.8 * short / ratio / long_side
    hi = 1.3 * long_ / ratio / long_side
    first = tuple(r for r in REL_SIZES if lo <= r <= hi)
    hits = coarse_candidates(pyr, model, first)
    quad = _search(levels, model, suppress(hits), aspect, ratio)
    if quad is not None and quad.found == 4 and quad.score >= CONFIDENT:
        return _with_turn(quad, model)
    hits += coarse_candidates(pyr, model, tuple(r for r in REL_SIZES if r not in first))
    wide = _search(levels, model, suppress(hits), aspect, ratio)
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
    levels: Levels  # the page's Gaussian pyramid
    model: MarkerModel
    aspect: float
    ratio: float
    hits: list[Hit]

    def __post_init__(self) -> None:
        self.witnesses, self.tol = witnesses(self.hits)

    def evaluate(self, four: list[Hit], found: int = 4) -> MarkerQuad | None:
        """The quad of four hits (a predicted corner has score -1), if it fits."""
        pts = np.array([[h.x, h.y] for h in four], np.float64)
        order = clockwise_order(pts[None])[0]
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
    levels: Levels, model: MarkerModel, hits: list[Hit], aspect: float, ratio: float
) -> MarkerQuad | None:
    ctx = _Search(levels, model, aspect, ratio, hits)
    results: list[MarkerQuad] = []
    for c in best_combos(hits, aspect, ratio, inside_of=(ctx.witnesses, ctx.tol)):
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
    for lst in corner_lists(hits) if len(hits) >= 3 else []:
        pool += [int(i) for i in lst[:4] if i not in pool]
    best: MarkerQuad | None = None
    h, w = ctx.levels.get(0).shape[:2]
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
