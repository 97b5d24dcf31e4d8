"""``CropOnMarkers`` step 1, the coarse search (see :mod:`academy_desktop.engine.align.markers`).

A reduced, flat-fielded copy of the page (dark ink on 255 paper whatever the light) is
searched at 15 marker sizes, from 1.1 % to 12 % of the picture's long side. Each size
is matched on a copy scaled so the marker is about 9 px wide: a small direct
correlation, whose normalisation has a contrast floor so that faint texture cannot
score like a printed marker. Every local peak is a candidate; the candidates of all
sizes are merged (non-maximum suppression).
"""

from __future__ import annotations

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import Levels, background
from academy_desktop.engine.align.marker_model import Hit, MarkerModel

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
BASE_SIDE = 880  # long side of the copy the coarse search starts from


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
    """The flat-fielded page at half-octave steps, made as they are needed. It starts
    from the level of ``levels`` (the page's Gaussian pyramid) whose long side is at
    most :data:`BASE_SIDE`."""

    def __init__(self, levels: Levels, max_rel: float = REL_SIZES[-1]) -> None:
        self.long_side = max(levels.get(0).shape[:2])
        base, fb = levels.downscale(BASE_SIDE)
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
