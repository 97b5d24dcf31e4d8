"""Local correction: shift each block of bubbles onto the printed bubbles it covers.

Paper curls and scanners stretch, so after the page-wide mapping a block can
still sit a fraction of a bubble off. Each block is matched (normalised
correlation) against the blank sheet within a small search window; the peak
gives the shift and its height says how well the block fits. A block that
cannot be matched is reported, never silently read.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import subpixel_peak
from academy_desktop.engine.align.reference import reference
from academy_desktop.engine.template.model import Block, Template

MIN_GAIN = 0.02  # a shift must raise the match by this much ...
MIN_GAIN_SHARE = 0.10  # ... and by this share of it, or the block stays where it is


@dataclass(frozen=True)
class BlockFit:
    dx: float  # shift in frame pixels (at the processing scale)
    dy: float
    score: float  # correlation peak, -1..1
    at_edge: bool  # the best shift is at the edge of the search window: not trustworthy
    # the grid fits better one row or column further on: it sits on the neighbouring
    # row or column (the page-wide mapping was off by a whole step), so never trust it
    snapped: bool = False


def fit_blocks(frame: np.ndarray, t: Template, scale: float) -> dict[str, BlockFit]:
    """Best shift of every block of ``t`` in ``frame`` (the page warped at ``scale``)."""
    half = scale / 2.0
    small = cv2.pyrDown(frame)
    ref = reference(t, half)
    fh, fw = small.shape[:2]
    rh, rw = ref.shape[:2]
    hh, ww = min(fh, rh), min(fw, rw)
    out: dict[str, BlockFit] = {}
    bub = t.bubble_size * half
    margin = max(2, round(0.6 * bub))
    for block in t.blocks:
        # a grid repeats every gap: a peak further away than ~half of it may be the
        # neighbouring row or column, so the window stays well inside that
        gaps = [block.bubbles_gap] if len(block.values) > 1 else []
        gaps += [block.labels_gap] if len(block.labels) > 1 and block.labels_gap > 0 else []
        period = min(gaps, default=4 * t.bubble_size) * half
        search = max(1, round(min(0.8 * bub, 0.4 * period)))
        x, y, w, h = block.bounds()
        x0 = max(0, round(x * half) - margin)
        y0 = max(0, round(y * half) - margin)
        x1 = min(ww, round((x + w) * half) + margin)
        y1 = min(hh, round((y + h) * half) + margin)
        if x1 - x0 < 4 or y1 - y0 < 4:
            out[block.name] = BlockFit(0.0, 0.0, 0.0, True)
            continue
        patch = ref[y0:y1, x0:x1]
        sx0, sy0 = max(0, x0 - search), max(0, y0 - search)
        sx1, sy1 = min(fw, x1 + search), min(fh, y1 + search)
        region = small[sy0:sy1, sx0:sx1]
        if region.shape[0] < patch.shape[0] or region.shape[1] < patch.shape[1]:
            out[block.name] = BlockFit(0.0, 0.0, 0.0, True)
            continue
        if float(patch.std()) < 1.0:  # nothing printed to match against
            out[block.name] = BlockFit(0.0, 0.0, 0.0, True)
            continue
        res = cv2.matchTemplate(region, patch, cv2.TM_CCOEFF_NORMED)
        _, peak, _, loc = cv2.minMaxLoc(res)
        px, py = loc
        # Where the page-wide mapping already puts the block. A shift must earn its
        # keep: a peak hardly better than staying put, or one at the window's edge,
        # says more about how little the sheet resembles our drawing (imported
        # layouts) than about where the bubbles are.
        zx, zy = x0 - sx0, y0 - sy0
        if 0 <= zy < res.shape[0] and 0 <= zx < res.shape[1]:
            stay = float(res[zy, zx])
            at_rim = px in (0, res.shape[1] - 1) or py in (0, res.shape[0] - 1)
            if peak - stay < max(MIN_GAIN, MIN_GAIN_SHARE * peak) or (
                at_rim and peak - stay < 2 * max(MIN_GAIN, MIN_GAIN_SHARE * peak)
            ):
                peak, px, py = stay, zx, zy
        sx, sy = subpixel_peak(res, px, py)
        dx = (sx0 + px + sx - x0) * 2.0
        dy = (sy0 + py + sy - y0) * 2.0
        edge = px in (0, res.shape[1] - 1) or py in (0, res.shape[0] - 1)
        # a window clipped by the frame edge has no room on that side: not an edge hit
        edge = edge and not (sx0 == 0 or sy0 == 0 or sx1 == fw or sy1 == fh)
        at = (x0 + round(dx / 2.0), y0 + round(dy / 2.0))
        gain = SNAP_GAIN.get(t.unit, SNAP_GAIN["px"])
        snapped = _fits_a_step_away(small, patch, at, _steps(block, half), float(peak), gain)
        out[block.name] = BlockFit(float(dx), float(dy), float(peak), bool(edge), snapped)
    return out


# A whole step away must fit this much better to call the grid snapped. Our own sheets
# match their drawing closely (off by one row: +0.06..0.10 on synthetic scans); an
# imported layout's drawn outlines match real print loosely, and a neighbouring block's
# rows can fit as well (+0.05..0.08 on OMRChecker's sample3), so it needs more.
SNAP_GAIN = {"mm": 0.05, "px": 0.12}


def _steps(block: Block, half: float) -> list[tuple[int, int]]:
    """One bubble and one field step, both ways, in half-scale pixels."""
    along = (1, 0) if block.direction == "horizontal" else (0, 1)
    across = (along[1], along[0])
    out = []
    for (ux, uy), gap, n in (
        (along, block.bubbles_gap, len(block.values)),
        (across, block.labels_gap, len(block.labels)),
    ):
        if n > 1 and gap > 0:
            d = gap * half
            out += [(round(ux * d), round(uy * d)), (-round(ux * d), -round(uy * d))]
    return out


def _fits_a_step_away(
    small: np.ndarray,
    patch: np.ndarray,
    at: tuple[int, int],
    steps: list[tuple[int, int]],
    peak: float,
    gain: float,
) -> bool:
    """Whether the block's drawing fits the page better a whole row or column away."""
    ph, pw = patch.shape[:2]
    fh, fw = small.shape[:2]
    ref: np.ndarray | None = None
    for sx, sy in steps:
        x, y = at[0] + sx, at[1] + sy
        if x < 0 or y < 0 or x + pw > fw or y + ph > fh:
            continue
        if ref is None:
            ref = _centred(patch)
        # the correlation at one position: a dot product (matchTemplate would transform
        # the whole window for its single value, ~20x slower)
        score = _ncc_centred(_centred(small[y : y + ph, x : x + pw]), ref)
        if score > peak + gain:
            return True
    return False


def _centred(img: np.ndarray) -> np.ndarray:
    v = img.astype(np.float32).ravel()
    return v - v.mean()


def _ncc_centred(a: np.ndarray, b: np.ndarray) -> float:
    """TM_CCOEFF_NORMED of two equally sized, mean-free pictures (0 when one is flat)."""
    den = float(np.sqrt(float(a @ a) * float(b @ b)))
    return float(a @ b) / den if den > 0 else 0.0
