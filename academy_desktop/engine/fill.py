"""Measure how filled each bubble is on the aligned page."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from academy_desktop.engine.align.refine import BlockFit
from academy_desktop.engine.template.model import Field, Template

DEFAULT_INK = 0.75  # mark darkness assumed on a sheet without a clear mark
INNER = 0.72  # share of the bubble's width/height measured: the printed outline stays out
STROKE_WEIGHT = 1.6  # how much a fully dark pixel outweighs a soft-ramped one


@dataclass
class FieldFills:
    field: Field
    fill: np.ndarray  # 0..1 per bubble: share of the bubble's inside covered by ink
    dark: np.ndarray  # 0..1 per bubble: mean darkness relative to the paper
    pixels: np.ndarray  # (bubbles, pixels): darkness inside each bubble; NaN rows if off-page
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
        px = self.pixels
        soft = np.clip((px - lo) / (hi - lo), 0.0, 1.0).mean(axis=1)
        if self.strokes:
            dark_cover = (px >= 0.6 * ink).mean(axis=1)
            soft = np.maximum(soft, np.minimum(1.0, STROKE_WEIGHT * dark_cover))
        soft[~np.isfinite(px[:, 0])] = np.nan
        self.fill = soft


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
    :meth:`FieldFills.apply_ink`) for marks ``ink`` dark; without ``ink`` only the
    darkness is measured and the caller applies the ink it finds
    (:func:`ink_darkness`).
    """
    cell = max(8, round(t.bubble_size * scale * 2.5))
    paper = paper_level(frame, cell)
    ph, pw = paper.shape[:2]
    fh, fw = frame.shape[:2]
    block_shape = {b.name: b.shape for b in t.blocks}
    # Bubbles of the same measured size and shape are read together (one gather for
    # all of them); every number is computed exactly as it would be field by field.
    groups: dict[tuple[int, int, str], list[int]] = {}
    offsets: list[tuple[float, float]] = []
    for i, f in enumerate(t.fields):
        bf = fits.get(f.block)
        offsets.append((bf.dx, bf.dy) if bf is not None else (0.0, 0.0))
        b0 = f.bubbles[0]  # a field's bubbles share one size
        w = max(2, round(b0.w * scale * INNER))
        h = max(2, round(b0.h * scale * INNER))
        groups.setdefault((w, h, block_shape.get(f.block, "ellipse")), []).append(i)
    darks: dict[int, np.ndarray] = {}
    for (w, h, shape), members in groups.items():
        grid = np.nonzero(_inner_mask(w, h, shape))
        fields = [t.fields[i] for i in members]
        cx = np.concatenate(
            [np.array([b.cx for b in f.bubbles]) * scale + offsets[i][0]
             for i, f in zip(members, fields, strict=True)]
        )  # fmt: skip
        cy = np.concatenate(
            [np.array([b.cy for b in f.bubbles]) * scale + offsets[i][1]
             for i, f in zip(members, fields, strict=True)]
        )  # fmt: skip
        x0 = np.rint(cx - w / 2.0).astype(np.intp)
        y0 = np.rint(cy - h / 2.0).astype(np.intp)
        inside = (x0 >= 0) & (y0 >= 0) & (x0 + w <= fw) & (y0 + h <= fh)
        xs = np.clip(x0, 0, fw - w)[:, None] + grid[1][None, :]
        ys = np.clip(y0, 0, fh - h)[:, None] + grid[0][None, :]
        raw = frame[ys, xs].astype(np.float32)  # (bubbles, pixels)
        gx = np.minimum(pw - 1, ((x0 + w / 2) / fw * pw).astype(np.intp).clip(0))
        gy = np.minimum(ph - 1, ((y0 + h / 2) / fh * ph).astype(np.intp).clip(0))
        white = np.maximum(paper[gy, gx].astype(np.float32), 1.0)
        dark = np.clip(1.0 - raw / white[:, None], 0.0, 1.0)
        dark[~inside] = np.nan
        start = 0
        for i, f in zip(members, fields, strict=True):
            darks[i] = dark[start : start + len(f.bubbles)]
            start += len(f.bubbles)
    out: list[FieldFills] = []
    for i, f in enumerate(t.fields):
        dark = darks[i]
        ff = FieldFills(f, np.zeros(len(f.bubbles)), dark.mean(axis=1), dark, strokes)
        if ink is not None:
            ff.apply_ink(ink)
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


PRINT_MIN_GROUP = 4  # empty bubbles of one kind needed to learn what its printing fills
PRINT_MATERIAL = 0.05  # a baseline below this is left alone (clean, empty bubbles)


GlyphKey = tuple[str, float, float]  # (printed value, bubble width, bubble height)


def _baselines(values: list[np.ndarray], keys: list[list[GlyphKey]]) -> dict[GlyphKey, float]:
    """Median of the likely-empty entries per key; every field's top bubble is left out."""
    pools: dict[GlyphKey, list[float]] = {}
    for arr, field_keys in zip(values, keys, strict=True):
        if arr.size < 2 or not np.isfinite(arr).all():
            continue
        top = int(np.argmax(arr))
        for i, (v, k) in enumerate(zip(arr, field_keys, strict=True)):
            if i != top:
                pools.setdefault(k, []).append(float(v))
    everything = [v for pool in pools.values() for v in pool]
    fallback = float(np.median(everything)) if everything else 0.0
    return {
        k: float(np.median(pool)) if len(pool) >= PRINT_MIN_GROUP else fallback
        for k, pool in pools.items()
    }


def remove_printing(fills: list[FieldFills]) -> dict[str, float]:
    """Discount what is printed inside the bubbles (letters, digits) from their fill.

    Imported sheets often print the choice ("A", "7") inside each bubble, and a
    printed "8" covers more of its bubble than a printed "1": read as is, empty
    bubbles fill 0.2-0.6 and vary with their glyph, which hides light marks. Bubbles
    that print the same value at the same size print the same glyph, so the typical
    fill of the empty ones (each field's fullest bubble left out, so a student who
    marks "C" throughout does not teach us that "C" is printed dark) is the glyph's
    share, and what lies above it is ink: ``fill' = (fill - base) / (1 - base)``.
    Returns the baselines used (by value), for the diagnostics.
    """
    keys: list[list[GlyphKey]] = [
        [(b.value, round(b.w, 1), round(b.h, 1)) for b in ff.field.bubbles] for ff in fills
    ]
    base_fill = _baselines([ff.fill for ff in fills], keys)
    if max(base_fill.values(), default=0.0) < PRINT_MATERIAL:
        return {}
    base_dark = _baselines([ff.dark for ff in fills], keys)
    for ff, field_keys in zip(fills, keys, strict=True):
        bf = np.array([base_fill.get(k, 0.0) for k in field_keys])
        bd = np.array([base_dark.get(k, 0.0) for k in field_keys])
        ff.fill = np.clip((ff.fill - bf) / np.maximum(1.0 - bf, 0.05), 0.0, 1.0)
        ff.dark = np.clip((ff.dark - bd) / np.maximum(1.0 - bd, 0.05), 0.0, 1.0)
    return {str(k[0]): round(v, 4) for k, v in sorted(base_fill.items(), key=lambda kv: str(kv))}
