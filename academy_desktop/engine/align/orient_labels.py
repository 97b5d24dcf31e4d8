"""Orientation cue 2a: the printed labels and the reading direction.

(How the cues combine: :mod:`academy_desktop.engine.align.orientation`.)

* *labels* (:func:`label_vote`): the bubbles are the most common blob shape that stands
  in evenly spaced rows *and* columns; a question number sits just before its row, a
  choice label just above its column. Runs labelled at the start only and at the end only
  are counted, and a sign test decides: ``z = (starts - ends) / sqrt(starts + ends)`` must
  reach 3.5 and lead the next candidate by 3. On a page without that convention (or where
  letters of a paragraph were taken for bubbles) the two counts split like coin tosses.
* *reading direction*: glyphs of similar size touch their neighbours left and right (the
  digits of "17", the header), not above and below. A candidate whose text runs top-down
  is ruled out when another reads left to right; this settles the quarter turns labels
  alone cannot (question numbers without choice labels look, turned a quarter clockwise,
  like choice labels).

:func:`analyse` cuts a candidate into ink blobs once; the Tesseract cue
(:mod:`academy_desktop.engine.align.orient_ocr`) reads its text lines from the same
:class:`InkPage`. The candidates need about 100 dpi or more (a long side of 1100-1600 px
for an A4 page; larger ones are halved down to <= 1600 px).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import downscale, normalise
from academy_desktop.engine.align.orient_vote import OrientationVote, grey, lead_confidence

TEXT_MAX_SIDE = 1600  # candidates are reduced to this long side (halving) first
MIN_BUBBLES = 12  # fewer blobs of one shape than this: no bubble grid to read labels from
# label evidence is a sign test: z = (start-labelled - end-labelled) / sqrt(labelled runs);
# on a page without that convention the two counts split like coin tosses
LABEL_MIN_Z = 3.5  # the winner's z (one-sided p ~ 2e-4) ...
LABEL_MARGIN_Z = 3.0  # ... and its lead over the next candidate
DIRECTION_MIN_PAIRS = 8  # neighbouring glyph pairs needed to tell the reading direction
MAX_GLYPHS = 800  # glyphs compared pairwise for the reading direction (a random sample)
DIRECTION_MIN = 0.30  # |horizontal - vertical| / (horizontal + vertical) to rule a turn out


@dataclass(frozen=True)
class InkPage:
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


def analyse(gray: np.ndarray) -> InkPage:
    """One candidate reduced to <= ``TEXT_MAX_SIDE``, flat-fielded and cut into ink blobs:
    the bubble grid, if any, and the printed text."""
    small, _ = downscale(grey(gray), TEXT_MAX_SIDE)
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
    return InkPage(flat, labels, boxes, grid, shaped, glyphs, bubble)


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


def page_layout(page: InkPage) -> TextLayout:
    """The label and reading-direction cues of one analysed candidate."""
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
    return page_layout(analyse(gray))


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
    """Cue 2a alone: labels at the start of the bubble rows and columns, with the reading
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
    return OrientationVote(i, lead_confidence(margin, LABEL_MARGIN_Z), "text", scores, details)


__all__ = [
    "InkPage",
    "TextLayout",
    "allowed_by_direction",
    "analyse",
    "label_vote",
    "page_layout",
    "text_layout",
]
