"""Which way up is a page whose layout cannot tell? Ask the page's own content.

A sheet with four identical corner marks and a plain bubble grid looks the same at 0
and 180 degrees (at every quarter turn when it is square). The aligner then warps the
page onto the template frame once per candidate turn and asks
:func:`choose_orientation` which candidate is upright. The answer comes, in order, from

1. **the reference picture** of the blank form (OMRChecker's ``FeatureBasedAlignment``
   reference, or one built from other pages of the batch), :func:`reference_vote`.
   Candidates and reference are flat-fielded at 600 px and reduced to their printed
   *structure* (edge strength, blurred 1.5 px). Each candidate is first lined up with
   the reference by a small affine map (ECC; at most 3 % shift, 4 % scale/shear), so a
   warp a few pixels or a degree off is judged on what it shows. The score is the local
   normalised correlation in windows of ~5 % of the page, weighted by the reference's
   structure: only the same print in the same place correlates. The grid is symmetric,
   so it (and the marks filled in it) scores alike in every candidate; the text decides.
   The best candidate must score >= 0.35 and lead by >= 0.15. On synthetic pages the
   right form leads by >= 0.34; another form scores <= 0.20, and the same grid without
   its text leads by <= 0.07 even with warps 8 px and 1 degree off.
2. **the printed text**:

   * *labels* (:func:`label_vote`): the bubbles are the most common blob shape that
     stands in evenly spaced rows *and* columns; a question number sits just before its
     row, a choice label just above its column. Runs labelled at the start only and at
     the end only are counted, and a sign test decides: ``z = (starts - ends) /
     sqrt(starts + ends)`` must reach 3.5 and lead the next candidate by 3. On a page
     without that convention (or where letters of a paragraph were taken for bubbles)
     the two counts split like coin tosses.
   * *reading direction*: glyphs of similar size touch their neighbours left and right
     (the digits of "17", the header), not above and below. A candidate whose text runs
     top-down is ruled out when another reads left to right; this settles the quarter
     turns labels alone cannot (question numbers without choice labels look, turned a
     quarter clockwise, like choice labels).
   * *Tesseract* (:func:`ocr_vote`), only when the labels do not decide: the widest text
     lines of every candidate still in the running (6 lines of <= 30 glyph heights) are
     read in one ``kor+eng`` LSTM run (one thread, no inverted-text pass). Text the right
     way up reads with high confidence, upside-down text as low-confidence garbage; the
     best mean word confidence must reach 60 and lead by 20. Tesseract's orientation
     detection (OSD, ``--psm 0``, osd.traineddata) is *not* used: on answer sheets,
     mostly bubbles and digits, its orientation confidence stayed under 1.5 and it was
     wrong on 7 of 32 synthetic text-only pages and on half of the full pages.
3. otherwise **undecided** (``rotation=None``): the caller flags the page.

Measured (``bench/orientation_bench.py``, 80 synthetic pages at 1400 px): reference and
labels 80/80 right, Tesseract 79/80 (1 undecided), 0 wrong, and no decision at all from
another form's reference or on pages without text. On the 40 upright real sheets of
``../shared`` (OMRChecker samples, real-scans) turned both ways: the labels decide 3,
Tesseract 27, none wrong (``tests/test_orientation.py``).

Without Tesseract (or with a broken one) the Tesseract step is skipped and noted in
``details["tesseract"]``; nothing raises. Pure computation (numpy, OpenCV, an optional
Tesseract subprocess): no Qt, no store. The text cues need the candidates at about
100 dpi or more (a long side of 1100-1600 px for an A4 page; larger ones are halved
down to <= 1600 px); the reference may have any size and is compared at 600 px.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import downscale, normalise
from academy_desktop.tesseract import Tesseract, TesseractError, find_tesseract

# --- reference picture ------------------------------------------------------------
REF_SIDE = 600  # long side the structure is compared at
REF_WINDOW = 31  # px at REF_SIDE: the windows of the local correlation (~5 % of the page)
REF_ECC_FACTOR = 2  # the small alignment onto the reference runs at half of REF_SIDE ...
REF_ECC_STEPS = 40  # ... with at most this many iterations
REF_MAX_SHIFT = 0.03  # of the long side: a larger correction is not a small warp error
REF_MIN = 0.35  # the best candidate must look at least this much like the reference
REF_MARGIN = 0.15  # ... and beat every other candidate by this much

# --- text: labels and reading direction ---------------------------------------------
TEXT_MAX_SIDE = 1600  # candidates are reduced to this long side (halving) first
MIN_BUBBLES = 12  # fewer blobs of one shape than this: no bubble grid to read labels from
# label evidence is a sign test: z = (start-labelled - end-labelled) / sqrt(labelled runs);
# on a page without that convention the two counts split like coin tosses
LABEL_MIN_Z = 3.5  # the winner's z (one-sided p ~ 2e-4) ...
LABEL_MARGIN_Z = 3.0  # ... and its lead over the next candidate
DIRECTION_MIN_PAIRS = 8  # neighbouring glyph pairs needed to tell the reading direction
MAX_GLYPHS = 800  # glyphs compared pairwise for the reading direction (a random sample)
DIRECTION_MIN = 0.30  # |horizontal - vertical| / (horizontal + vertical) to rule a turn out

# --- text: Tesseract ---------------------------------------------------------------
OCR_LINES = 6  # text lines read per candidate (the widest) ...
OCR_LINE_LENGTH = 30  # ... each cut to this many glyph heights (~ 40 characters)
OCR_MIN_WORDS = 3
OCR_MIN_CONF = 60.0  # the winner's mean word confidence (0..100)
OCR_MARGIN = 20.0  # ... over the next candidate's
OCR_TIMEOUT = 30.0


@dataclass(frozen=True)
class OrientationVote:
    """Which candidate is upright, according to the page's content."""

    rotation: int | None  # index into the candidates; None: undecided
    confidence: float  # 0..1; 0 when undecided
    method: str  # "reference", "text", "undecided" ("geometry": one candidate, no choice)
    scores: list[float]  # per candidate, in the deciding (or last tried) method's units
    details: dict[str, Any] = field(default_factory=dict, compare=False)


# ----------------------------------------------------------------------------- reference


def _structure(gray: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Printed structure at ``size`` (w, h): flat-fielded edge strength, blurred 1.5 px so
    that a warp a few pixels off still lines up."""
    small = cv2.resize(_grey(gray), size, interpolation=cv2.INTER_AREA)
    flat = normalise(small, max(15, round(max(size) / 20)))
    ink = cv2.GaussianBlur(255.0 - flat.astype(np.float32), (0, 0), 0.8)
    edges = cv2.magnitude(
        cv2.Sobel(ink, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(ink, cv2.CV_32F, 0, 1, ksize=3)
    )
    # the corner marks' and the filled bubbles' strong edges must not drown the text
    edges = np.minimum(edges, float(np.percentile(edges, 99.5)) + 1e-3)
    return cv2.GaussianBlur(edges, (0, 0), 1.5)


def _ref_size(shape: tuple[int, ...]) -> tuple[int, int]:
    h, w = shape[:2]
    f = REF_SIDE / max(h, w)
    return max(REF_WINDOW, round(w * f)), max(REF_WINDOW, round(h * f))


def _local_moments(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = (REF_WINDOW, REF_WINDOW)
    mean = cv2.blur(a, k)
    return mean, np.maximum(cv2.blur(a * a, k) - mean * mean, 0.0)


def _register(a: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """``a`` moved by the small affine map that best lines it up with ``ref`` (ECC at half
    size), so that a warp a few pixels or a degree off is judged on what it shows, not on
    how well it happened to land. Maps that are not small are not applied. (At a third of
    the size the grid's pitch is ~6 px and ECC often settles off by a fraction of it.)"""
    f = REF_ECC_FACTOR
    size = (round(a.shape[1] / f), round(a.shape[0] / f))
    small_a = cv2.resize(a, size, interpolation=cv2.INTER_AREA)
    small_r = cv2.resize(ref, size, interpolation=cv2.INTER_AREA)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, REF_ECC_STEPS, 1e-3)
    try:
        _, found = cv2.findTransformECC(
            small_r, small_a, np.eye(2, 3, dtype=np.float32), cv2.MOTION_AFFINE, criteria, None
        )
    except cv2.error:  # did not converge: keep the warp as it came
        return a
    m = np.asarray(found, dtype=np.float32)
    lin, shift = m[:, :2], m[:, 2] * f
    if np.abs(lin - np.eye(2)).max() > 0.04 or np.abs(shift).max() > REF_MAX_SHIFT * max(a.shape):
        return a
    m = np.hstack([lin, shift[:, None]]).astype(np.float32)
    return cv2.warpAffine(
        a, m, (a.shape[1], a.shape[0]), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    )


def reference_scores(candidates: Sequence[np.ndarray], reference: np.ndarray) -> list[float]:
    """How much each candidate looks like the blank form, -1..1.

    Local normalised correlation of the printed structure in windows of ~5 % of the page,
    averaged with the reference's structure in each window as the weight: a window of the
    form's text counts as much as one of its grid, and only the same text in the same
    place correlates (another form's header in the same place does not, nor does its grid
    if the bubbles sit elsewhere).
    """
    size = _ref_size(candidates[0].shape)
    ref = _structure(reference, size)
    mr, vr = _local_moments(ref)
    weight = np.sqrt(vr)
    total = float(weight.sum())
    if total <= 0:
        return [0.0] * len(candidates)
    k = (REF_WINDOW, REF_WINDOW)
    scores = []
    for cand in candidates:
        a = _register(_structure(cand, size), ref)
        ma, va = _local_moments(a)
        local = (cv2.blur(a * ref, k) - ma * mr) / np.sqrt(va * vr + 1e-3)
        scores.append(float((local * weight).sum() / total))
    return scores


def reference_vote(candidates: Sequence[np.ndarray], reference: np.ndarray) -> OrientationVote:
    """Step 1 alone: the candidate that clearly looks most like the blank form, if any."""
    scores = reference_scores(candidates, reference)
    order = np.argsort(scores)[::-1]
    best = float(scores[order[0]])
    margin = best - float(scores[order[1]])
    details = {"reference_best": round(best, 4), "reference_margin": round(margin, 4)}
    if best < REF_MIN or margin < REF_MARGIN:
        return OrientationVote(None, 0.0, "undecided", scores, details)
    return OrientationVote(
        int(order[0]), _confidence(margin, REF_MARGIN), "reference", scores, details
    )


def _confidence(margin: float, threshold: float) -> float:
    """0.5 at the decision threshold, rising towards 1 (0.875 at three times it)."""
    return round(float(1.0 - 0.5 ** (max(margin, 0.0) / threshold)), 4)


# ----------------------------------------------------------------------------- text cues


def _grey(img: np.ndarray) -> np.ndarray:
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    return img


@dataclass(frozen=True)
class _Page:
    """One candidate, reduced and cut into ink blobs (blob ``i`` is label ``i + 1``)."""

    flat: np.ndarray  # flat-fielded page, paper 255
    labels: np.ndarray  # connected-component labels of the ink
    boxes: np.ndarray  # (n, 5) float: x0, y0, x1, y1, area
    grid: np.ndarray  # (n,) bool: the bubbles of the grid (rows and columns of them)
    shaped: np.ndarray  # (n,) bool: blobs of the bubble shape, in the grid or not
    glyphs: np.ndarray  # (n,) bool: printed text
    bubble: tuple[float, float] | None  # bubble width, height; None: no grid


def _runs(
    centres: np.ndarray, along: int, size_along: float, size_across: float
) -> list[tuple[np.ndarray, float]]:
    """Runs of three or more evenly spaced bubbles along axis ``along`` (0: rows, 1: columns),
    as (indices sorted along the run, pitch)."""
    if len(centres) < 3:
        return []
    across = centres[:, 1 - along]
    order = np.argsort(across)
    cuts = np.nonzero(np.diff(across[order]) > 0.35 * size_across)[0] + 1
    out = []
    for group in np.split(order, cuts):
        if len(group) < 3:
            continue
        g = group[np.argsort(centres[group, along])]
        steps = np.diff(centres[g, along])
        plausible = steps[(steps > 0.8 * size_along) & (steps < 4.0 * size_along)]
        if len(plausible) == 0:
            continue
        pitch = float(np.median(plausible))
        breaks = np.nonzero((steps > 1.5 * pitch) | (steps < 0.6 * pitch))[0] + 1
        out += [(run, pitch) for run in np.split(g, breaks) if len(run) >= 3]
    return out


def _centres(boxes: np.ndarray) -> np.ndarray:
    return np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], axis=1)


def _find_grid(boxes: np.ndarray, side: int) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """(grid flags, bubble-shape flags, bubble width, height), or None without a grid.

    The bubbles share the page's most common blob shape and stand in evenly spaced rows
    *and* columns; a header's letters of that shape stand in a row only (a layout of a
    single row or column of bubbles is taken as it is).
    """
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    ok = (np.minimum(w, h) >= 5) & (np.maximum(w, h) <= side / 12) & (w < 2.5 * h) & (h < 2.5 * w)
    if ok.sum() < MIN_BUBBLES:
        return None
    lw, lh = np.log(w[ok]), np.log(h[ok])
    # the densest cell of a 2-D histogram of log sizes (cells of 10 %, summed 3 x 3)
    iw, ih = np.floor(lw / 0.1).astype(int), np.floor(lh / 0.1).astype(int)
    iw, ih = iw - iw.min() + 1, ih - ih.min() + 1
    hist = np.zeros((iw.max() + 2, ih.max() + 2), np.float32)
    np.add.at(hist, (iw, ih), 1.0)
    dense = cv2.boxFilter(hist, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    cw, ch = np.unravel_index(int(np.argmax(dense)), dense.shape)
    near = (np.abs(iw - cw) <= 1) & (np.abs(ih - ch) <= 1)
    if near.sum() < MIN_BUBBLES:
        return None
    bw = float(np.exp(np.median(lw[near])))
    bh = float(np.exp(np.median(lh[near])))
    shaped = (np.abs(np.log(np.maximum(w, 1) / bw)) < 0.25) & (
        np.abs(np.log(np.maximum(h, 1) / bh)) < 0.25
    )
    idx = np.nonzero(shaped)[0]
    centres = _centres(boxes[idx])
    in_row = np.zeros(len(idx), bool)
    in_col = np.zeros(len(idx), bool)
    for run, _ in _runs(centres, 0, bw, bh):
        in_row[run] = True
    for run, _ in _runs(centres, 1, bh, bw):
        in_col[run] = True
    member = in_row & in_col
    if member.sum() < MIN_BUBBLES:
        member = in_row | in_col
    if member.sum() < MIN_BUBBLES:
        return None
    grid = np.zeros(len(boxes), bool)
    grid[idx[member]] = True
    return grid, shaped, bw, bh


def _analyse(gray: np.ndarray) -> _Page:
    small, _ = downscale(_grey(gray), TEXT_MAX_SIDE)
    flat = normalise(small, max(15, round(max(small.shape) / 25)))
    t, _ = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = (flat < float(np.clip(t, 120, 210))).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    st = stats[1:].astype(np.float64)
    x, y, w, h, area = st.T
    boxes = np.stack([x, y, x + w, y + h, area], axis=1)
    side = max(small.shape)
    found = _find_grid(boxes, side)
    if found is None:
        grid = shaped = np.zeros(len(boxes), bool)
        bubble = None
        small_enough = (h >= 6) & (h <= side / 25)
        big = 12.0
    else:
        grid, shaped, bw, bh = found
        bubble = (bw, bh)
        size = float(np.sqrt(bw * bh))
        small_enough = (np.maximum(w, h) >= 0.3 * size) & (h <= min(2.5 * size, side / 25))
        big = max(12.0, 0.7 * size)
    solid = (area > 0.8 * w * h) & (np.minimum(w, h) >= big)  # marks, corner squares
    glyphs = ~grid & ~solid & small_enough & (w <= side / 20)
    return _Page(flat, labels, boxes, grid, shaped, glyphs, bubble)


@dataclass(frozen=True)
class TextLayout:
    """What the text cues saw on one candidate."""

    bubbles: int  # bubbles of the grid
    runs: int  # rows and columns of three or more of them
    starts: int  # runs with text at their left (rows) or top (columns) end only
    ends: int  # runs with text at their right or bottom end only
    horizontal: int  # glyph pairs side by side
    vertical: int  # glyph pairs one above the other

    @property
    def direction(self) -> float:
        """+1: the text runs left-right, -1: top-down; 0 when nothing tells."""
        n = self.horizontal + self.vertical
        return (self.horizontal - self.vertical) / n if n >= DIRECTION_MIN_PAIRS else 0.0

    @property
    def label_z(self) -> float:
        """How far the labels lean to the start of the runs, in standard deviations of a
        page without the convention (a sign test): upright >> 0, upside down << 0."""
        n = self.starts + self.ends
        return (self.starts - self.ends) / float(np.sqrt(n)) if n else 0.0


def _label_ends(
    bubbles: np.ndarray, texts: np.ndarray, along: int, size_along: float, size_across: float
) -> tuple[int, int, int]:
    """(runs, runs labelled at the start only, at the end only) along one axis."""
    lo, hi = along, along + 2  # box edges along the run
    alo, ahi = 1 - along, 3 - along  # box edges across it
    centres = _centres(bubbles)
    runs = _runs(centres, along, size_along, size_across)
    slack = 0.15 * float(np.sqrt(size_along * size_across))
    t_mid = (texts[:, alo] + texts[:, ahi]) / 2
    b_mid = centres[:, 1 - along]
    n_start = n_end = 0
    for run, pitch in runs:
        mid = float(np.mean(b_mid[run]))
        band_t = np.abs(t_mid - mid) < 0.6 * size_across
        band_b = np.abs(b_mid - mid) < 0.6 * size_across
        first, last = bubbles[run[0]], bubbles[run[-1]]
        reach = 1.3 * pitch
        start = False
        for k in np.nonzero(band_t & (texts[:, hi] <= first[lo] + slack))[0]:
            gap = first[lo] - texts[k, hi]
            if gap > reach:
                continue
            before = band_b & (bubbles[:, hi] <= texts[k, lo] + slack)
            # a label nearer the end of the run before it belongs to that run
            if before.any() and texts[k, lo] - float(bubbles[before, hi].max()) < gap:
                continue
            start = True
            break
        end = False
        for k in np.nonzero(band_t & (texts[:, lo] >= last[hi] - slack))[0]:
            gap = texts[k, lo] - last[hi]
            if gap > reach:
                continue
            after = band_b & (bubbles[:, lo] >= texts[k, hi] - slack)
            if after.any() and float(bubbles[after, lo].min()) - texts[k, hi] < gap:
                continue
            end = True
            break
        n_start += start and not end
        n_end += end and not start
    return len(runs), n_start, n_end


def _glyph_pairs(texts: np.ndarray) -> tuple[int, int]:
    """(side-by-side, one-above-the-other) pairs of neighbouring glyphs of a similar size."""
    if len(texts) < 2:
        return 0, 0
    if len(texts) > MAX_GLYPHS:  # a page of handwriting or small print: a fixed sample
        pick = np.random.default_rng(0).choice(len(texts), MAX_GLYPHS, replace=False)
        texts = texts[np.sort(pick)]
    x0, y0, x1, y1 = texts[:, 0], texts[:, 1], texts[:, 2], texts[:, 3]

    def pairs(a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, b1: np.ndarray) -> int:
        # a: along the reading direction, b: across it
        size = b1 - b0
        small = np.minimum(size[:, None], size[None, :])
        overlap = np.minimum(b1[:, None], b1[None, :]) - np.maximum(b0[:, None], b0[None, :])
        similar = small >= 0.5 * np.maximum(size[:, None], size[None, :])
        gap = a0[None, :] - a1[:, None]  # from i's end to j's start
        close = (gap >= -0.1 * size[:, None]) & (gap <= 0.6 * size[:, None])
        return int(((overlap >= 0.6 * small) & similar & close).sum())

    return pairs(x0, x1, y0, y1), pairs(y0, y1, x0, x1)


def _layout(page: _Page) -> TextLayout:
    glyphs = page.boxes[page.glyphs, :4]
    hp, vp = _glyph_pairs(glyphs)
    if page.bubble is None:
        return TextLayout(0, 0, 0, 0, hp, vp)
    bw, bh = page.bubble
    w = page.boxes[:, 2] - page.boxes[:, 0]
    h = page.boxes[:, 3] - page.boxes[:, 1]
    # labels: printed text, neither of the bubble shape nor a mark spilling over one
    label = page.glyphs & ~page.shaped & ~((w > 1.1 * bw) & (h > 1.1 * bh))
    bubbles, texts = page.boxes[page.grid, :4], page.boxes[label, :4]
    rows, r_start, r_end = _label_ends(bubbles, texts, 0, bw, bh)
    cols, c_start, c_end = _label_ends(bubbles, texts, 1, bh, bw)
    return TextLayout(int(page.grid.sum()), rows + cols, r_start + c_start, r_end + c_end, hp, vp)


def text_layout(gray: np.ndarray) -> TextLayout:
    """The label and reading-direction cues of one candidate."""
    return _layout(_analyse(gray))


def allowed_by_direction(layouts: Sequence[TextLayout]) -> list[bool]:
    """Candidates whose text may run left to right: a clearly vertical reading rules one out,
    but only when another candidate clearly reads horizontally."""
    dirs = [lay.direction for lay in layouts]
    if max(dirs) >= DIRECTION_MIN and min(dirs) <= -DIRECTION_MIN:
        return [d > -DIRECTION_MIN for d in dirs]
    return [True] * len(layouts)


def label_vote(
    candidates: Sequence[np.ndarray], layouts: Sequence[TextLayout] | None = None
) -> OrientationVote:
    """Step 2a alone: labels at the start of the bubble rows and columns, with the reading
    direction ruling out the quarter turns whose text runs top-down.

    The scores are the candidates' :attr:`TextLayout.label_z`, a ruled-out candidate's
    never above 0."""
    if layouts is None:
        layouts = [text_layout(c) for c in candidates]
    allowed = allowed_by_direction(layouts)
    scores = [
        lay.label_z if ok else min(lay.label_z, 0.0)
        for lay, ok in zip(layouts, allowed, strict=True)
    ]
    i = max((k for k in range(len(scores)) if allowed[k]), key=lambda k: scores[k])
    best = scores[i]
    margin = best - max(x for k, x in enumerate(scores) if k != i)
    details: dict[str, Any] = {
        "label_z": round(best, 3),
        "label_margin": round(margin, 3),
        "labelled_runs": [lay.starts + lay.ends for lay in layouts],
        "directions": [round(lay.direction, 3) for lay in layouts],
    }
    if best < LABEL_MIN_Z or margin < LABEL_MARGIN_Z:
        return OrientationVote(None, 0.0, "undecided", scores, details)
    details["cue"] = "labels"
    return OrientationVote(i, _confidence(margin, LABEL_MARGIN_Z), "text", scores, details)


# ----------------------------------------------------------------------------- Tesseract


def _text_lines(page: _Page, limit: int) -> list[np.ndarray]:
    """Crops of the widest printed lines of two or more glyphs (flat-fielded, nothing but
    the glyphs), top to bottom."""
    keep = page.glyphs
    if keep.sum() < 2:
        return []
    text = np.concatenate([[False], keep])
    on = text[page.labels]
    only = np.where(on, page.flat, 255).astype(np.uint8)
    h = page.boxes[:, 3] - page.boxes[:, 1]
    glyph = float(np.median(h[keep]))
    smear = cv2.dilate(
        on.astype(np.uint8),
        cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(glyph * 1.2)), 1)),
    )
    m, line_of, lstats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    cx = ((page.boxes[keep, 0] + page.boxes[keep, 2]) / 2).astype(int)
    cy = ((page.boxes[keep, 1] + page.boxes[keep, 3]) / 2).astype(int)
    count = np.bincount(line_of[cy, cx], minlength=m)
    lines = [
        lstats[i]
        for i in range(1, m)
        if count[i] >= 2 and lstats[i][2] >= 1.5 * lstats[i][3] and lstats[i][3] >= 0.6 * glyph
    ]
    lines = sorted(lines, key=lambda st: -int(st[2]))[:limit]
    pad = max(2, round(glyph * 0.4))
    crops = []
    for x, y, lw, lh, _ in sorted(lines, key=lambda st: (int(st[1]), int(st[0]))):
        y0, x0 = max(0, y - pad), max(0, x - pad)
        x1 = min(x + lw + pad, x0 + round(OCR_LINE_LENGTH * glyph))
        crops.append(only[y0 : y + lh + pad, x0:x1])
    return crops


@lru_cache(maxsize=8)
def _languages(executable: str, tessdata: str | None) -> str | None:
    t = Tesseract(Path(executable), "env", Path(tessdata) if tessdata else None)
    try:
        have = set(t.languages())
    except TesseractError:
        return None
    wanted = [lang for lang in ("kor", "eng") if lang in have]
    return "+".join(wanted) if wanted else None


def _tsv_words(engine: Tesseract, image: np.ndarray, lang: str) -> list[tuple[float, float, str]]:
    """(centre y, confidence, text) of every word Tesseract reads in ``image``."""
    with tempfile.TemporaryDirectory(prefix="academy-orient-") as tmp:
        path = Path(tmp) / "lines.png"
        cv2.imwrite(str(path), image)
        # one thread (OpenMP threads only slow a few lines down, and a busy machine a lot);
        # no second pass on inverted lines (upside-down text would be read twice)
        args = [str(engine.executable), str(path), "stdout", "-l", lang, "--psm", "6"]
        args += ["-c", "tessedit_do_invert=0"]
        if engine.tessdata is not None:
            args += ["--tessdata-dir", str(engine.tessdata)]
        no_window = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            proc = subprocess.run(
                [*args, "tsv"],
                env={**engine.environment(), "OMP_THREAD_LIMIT": "1"},
                capture_output=True,
                timeout=OCR_TIMEOUT,
                check=False,
                stdin=subprocess.DEVNULL,
                creationflags=no_window,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TesseractError(str(exc)) from exc
    if proc.returncode != 0:
        raise TesseractError(proc.stderr.decode("utf-8", "replace").strip())
    words = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        try:
            top, height, conf = float(cols[7]), float(cols[9]), float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            words.append((top + height / 2, conf, cols[11].strip()))
    return words


def _ocr_scores(
    pages: Sequence[_Page | None], engine: Tesseract
) -> tuple[list[float], list[int]] | None:
    lang = _languages(str(engine.executable), str(engine.tessdata) if engine.tessdata else None)
    if lang is None:
        return None
    strips: list[np.ndarray] = []
    spans: list[tuple[int, int] | None] = []
    y = 20
    for page in pages:
        crops = _text_lines(page, OCR_LINES) if page is not None else []
        if not crops:
            spans.append(None)
            continue
        width = max(c.shape[1] for c in crops)
        pieces = []
        for c in crops:
            piece = np.full((c.shape[0] + 12, width), 255, np.uint8)
            piece[6 : 6 + c.shape[0], : c.shape[1]] = c
            pieces.append(piece)
        strip = np.vstack(pieces)
        spans.append((y, y + strip.shape[0]))
        strips.append(strip)
        y += strip.shape[0] + 60  # blank space between the candidates
    if not strips:
        return [0.0] * len(pages), [0] * len(pages)
    sheet = np.full((y, max(s.shape[1] for s in strips) + 40), 255, np.uint8)
    placed = [span for span in spans if span is not None]
    for strip, (top, bottom) in zip(strips, placed, strict=True):
        sheet[top:bottom, 20 : 20 + strip.shape[1]] = strip
    try:
        words = _tsv_words(engine, sheet, lang)
    except TesseractError:
        return None
    scores, counts = [], []
    for span in spans:
        confs = [] if span is None else [c for yc, c, _ in words if span[0] <= yc < span[1]]
        scores.append(float(np.mean(confs)) if confs else 0.0)
        counts.append(len(confs))
    return scores, counts


def ocr_scores(
    candidates: Sequence[np.ndarray], engine: Tesseract, allowed: Sequence[bool] | None = None
) -> tuple[list[float], list[int]] | None:
    """Mean Tesseract word confidence (0..100) of each candidate's widest text lines, and
    the words read (0 for a candidate not ``allowed``); one Tesseract run for all.
    None when Tesseract cannot run or has neither Korean nor English data."""
    ok = list(allowed) if allowed is not None else [True] * len(candidates)
    return _ocr_scores(
        [_analyse(c) if a else None for c, a in zip(candidates, ok, strict=True)], engine
    )


def _ocr_vote(pages: Sequence[_Page | None], engine: Tesseract) -> OrientationVote | None:
    found = _ocr_scores(pages, engine)
    if found is None:
        return None
    scores, counts = found
    order = np.argsort(scores)[::-1]
    i, best = int(order[0]), float(scores[order[0]])
    margin = best - float(scores[order[1]])
    details: dict[str, Any] = {
        "ocr_conf": round(best, 2),
        "ocr_margin": round(margin, 2),
        "ocr_words": counts,
    }
    if best < OCR_MIN_CONF or margin < OCR_MARGIN or counts[i] < OCR_MIN_WORDS:
        return OrientationVote(None, 0.0, "undecided", scores, details)
    details["cue"] = "ocr"
    return OrientationVote(i, _confidence(margin, OCR_MARGIN), "text", scores, details)


def ocr_vote(
    candidates: Sequence[np.ndarray],
    tesseract: Tesseract | None = None,
    allowed: Sequence[bool] | None = None,
) -> OrientationVote | None:
    """Step 2b alone: the candidate whose text Tesseract reads clearly best, if any.

    ``allowed`` limits the candidates read (default: all, as far as their reading
    direction allows). None when there is no Tesseract (``tesseract``, else
    :func:`find_tesseract`) or it cannot run.
    """
    engine = tesseract or find_tesseract()
    if engine is None:
        return None
    pages = [_analyse(c) for c in candidates]
    if allowed is None:
        allowed = allowed_by_direction([_layout(p) for p in pages])
    return _ocr_vote([p if a else None for p, a in zip(pages, allowed, strict=True)], engine)


# ----------------------------------------------------------------------------- the vote


def choose_orientation(
    candidates: Sequence[np.ndarray],
    *,
    reference: np.ndarray | None = None,
    text: bool = True,
    ocr: bool = True,
    tesseract: Tesseract | None = None,
) -> OrientationVote:
    """Which of ``candidates`` (the page warped onto the template frame under each turn the
    geometry allows: grey uint8, all the same size) is upright.

    ``reference`` is a picture of the blank form, upright, on the same frame (any size:
    it is resized). ``text=False`` skips the text cues, ``ocr=False`` only the Tesseract
    step; ``tesseract`` is the program to use (default: :func:`find_tesseract`; without
    one the step is skipped). Nothing raises for want of text or Tesseract: the vote is
    then ``undecided``.
    """
    if len(candidates) == 0:
        return OrientationVote(None, 0.0, "undecided", [])
    if len(candidates) == 1:
        return OrientationVote(0, 1.0, "geometry", [1.0])
    scores = [0.0] * len(candidates)
    details: dict[str, Any] = {}
    if reference is not None:
        vote = reference_vote(candidates, reference)
        if vote.rotation is not None:
            return vote
        scores = vote.scores
        details.update(vote.details)
    if text:
        pages = [_analyse(c) for c in candidates]
        layouts = [_layout(p) for p in pages]
        vote = label_vote(candidates, layouts)
        details.update(vote.details)
        if vote.rotation is not None:
            return replace(vote, details=details)
        scores = vote.scores
        engine = (tesseract or find_tesseract()) if ocr else None
        if ocr and engine is None:
            details["tesseract"] = "missing"
        if engine is not None:
            allowed = allowed_by_direction(layouts)
            found = _ocr_vote(
                [p if a else None for p, a in zip(pages, allowed, strict=True)], engine
            )
            if found is None:
                details["tesseract"] = "failed"
            else:
                details.update(found.details)
                if found.rotation is not None:
                    return replace(found, details=details)
                scores = found.scores
    return OrientationVote(None, 0.0, "undecided", scores, details)


__all__ = [
    "OrientationVote",
    "TextLayout",
    "allowed_by_direction",
    "choose_orientation",
    "label_vote",
    "ocr_scores",
    "ocr_vote",
    "reference_scores",
    "reference_vote",
    "text_layout",
]
