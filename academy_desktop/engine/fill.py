"""Measure how filled each bubble is on the aligned page."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from academy_desktop.engine.align.refine import BlockFit
from academy_desktop.engine.template.model import Field, Template

INNER = 0.72  # share of the bubble's width/height measured: the printed outline stays out
STROKE_WEIGHT = 1.6  # how much a fully dark pixel outweighs a soft-ramped one


@dataclass
class FieldFills:
    field: Field
    fill: np.ndarray  # 0..1 per bubble: share of the bubble's inside covered by ink
    dark: np.ndarray  # 0..1 per bubble: mean darkness relative to the paper
    pixels: list[np.ndarray | None]  # per bubble: the darkness of each inside pixel
    strokes: bool = True  # weigh thin dark strokes up (bubbles printed in drop-out ink)

    def apply_ink(self, ink: float) -> None:
        """Recompute ``fill`` for a sheet whose marks are ``ink`` dark (0..1).

        Pixels count fully once they are at least 1/1.6 as dark as the ink and
        not at all when lighter than a third of it, so erasure smudges and
        printed drop-out digits add little. With ``strokes``, pixels as dark as
        the ink count 1.6 times: a tick covers little of a bubble but is dark,
        an erasure is wide but pale. That only holds where nothing dark is
        printed inside the bubbles, as on our own sheets; an imported layout's
        bubbles may hold black letters, so there ``strokes`` is off.
        """
        lo, hi = ink / 3.0, ink / 1.6
        strong = 0.6 * ink
        for i, px in enumerate(self.pixels):
            if px is None:
                self.fill[i] = np.nan
                continue
            soft = float(np.clip((px - lo) / (hi - lo), 0.0, 1.0).mean())
            if not self.strokes:
                self.fill[i] = soft
                continue
            dark_cover = float((px >= strong).mean())
            self.fill[i] = max(soft, min(1.0, STROKE_WEIGHT * dark_cover))


def _inner_mask(w: int, h: int, shape: str) -> np.ndarray:
    if shape == "rect":
        return np.ones((h, w), dtype=bool)
    yy, xx = np.mgrid[0:h, 0:w]
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    return ((xx - cx) / (w / 2.0)) ** 2 + ((yy - cy) / (h / 2.0)) ** 2 <= 1.0


def paper_level(frame: np.ndarray, cell: int) -> np.ndarray:
    """Coarse map of the paper brightness: a max filter about ``cell`` pixels wide
    over a quarter-size copy, so ink (smaller than a cell) drops out."""
    small = cv2.pyrDown(cv2.pyrDown(frame))
    k = max(3, (cell // 4) | 1)
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.blur(paper, (k, k))


def measure(
    frame: np.ndarray,
    t: Template,
    scale: float,
    fits: dict[str, BlockFit],
    ink: float | None = None,
    strokes: bool = True,
) -> list[FieldFills]:
    """Fill and darkness of every bubble of every field, in template order.

    ``frame`` is the page warped at ``scale`` px per unit. Darkness is measured
    against the local paper brightness, so uneven light and grey scans read the
    same as clean ones. ``fill`` is a soft ink coverage (see
    :meth:`FieldFills.apply_ink`) for marks ``ink`` dark (0.75 when unknown).
    """
    cell = max(8, round(t.bubble_size * scale * 2.5))
    paper = paper_level(frame, cell)
    ph, pw = paper.shape[:2]
    fh, fw = frame.shape[:2]
    out: list[FieldFills] = []
    masks: dict[tuple[int, int, str], np.ndarray] = {}
    block_shape = {b.name: b.shape for b in t.blocks}
    for f in t.fields:
        bf = fits.get(f.block)
        dx, dy = (bf.dx, bf.dy) if bf is not None else (0.0, 0.0)
        darks = np.zeros(len(f.bubbles))
        pixels: list[np.ndarray | None] = []
        for i, b in enumerate(f.bubbles):
            w = max(2, round(b.w * scale * INNER))
            h = max(2, round(b.h * scale * INNER))
            x0 = round(b.cx * scale + dx - w / 2.0)
            y0 = round(b.cy * scale + dy - h / 2.0)
            if x0 < 0 or y0 < 0 or x0 + w > fw or y0 + h > fh:
                darks[i] = np.nan
                pixels.append(None)
                continue
            key = (w, h, block_shape.get(f.block, "ellipse"))
            mask = masks.get(key)
            if mask is None:
                mask = masks[key] = _inner_mask(w, h, key[2])
            px = frame[y0 : y0 + h, x0 : x0 + w][mask].astype(np.float32)
            gx = min(pw - 1, int((x0 + w / 2) / fw * pw))
            gy = min(ph - 1, int((y0 + h / 2) / fh * ph))
            white = max(float(paper[gy, gx]), 1.0)
            dark = np.clip(1.0 - px / white, 0.0, 1.0)
            darks[i] = float(dark.mean())
            pixels.append(dark)
        ff = FieldFills(f, np.zeros(len(f.bubbles)), darks, pixels, strokes)
        ff.apply_ink(0.75 if ink is None else ink)
        out.append(ff)
    return out


def ink_darkness(fills: list[FieldFills]) -> float | None:
    """The sheet's typical mark darkness: the darkest bubble of each field, upper half."""
    tops = np.array([np.nanmax(ff.dark) for ff in fills if np.isfinite(ff.dark).any()])
    if tops.size == 0:
        return None
    strong = tops[tops >= np.quantile(tops, 0.5)]
    if strong.size == 0 or float(np.median(strong)) < 0.2:
        return None
    return float(np.median(strong))
