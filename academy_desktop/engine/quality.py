"""Cheap, conservative image-quality checks run on every page before alignment.

Only clearly unusable pages are rejected: a blank or uniform page, a nearly black
photo, a page with a band of lost picture data (:mod:`~academy_desktop.engine.damage`)
and a heavily blurred or shaken image. Everything else goes on to alignment,
which has the final word. The measures work on a copy of at most one megapixel (an
A4 page at 200 dpi is halved once), so they cost a few milliseconds and mean about the
same thing whatever resolution the page came in at; a page that is smaller than that
is judged as it is, which is more lenient, never stricter.

* ``brightness``: median grey level.
* ``contrast``: spread between the 1st and 99th grey-level percentiles.
* ``ink_fraction``: share of pixels at least :data:`INK_STEP` grey levels darker than
  the brightest pixel around them (local paper level), so uneven lighting is no ink.
* ``sharpness``: how steep the steepest edges are compared with their own contrast.
  Around each strong edge, the directional gradient divided by the local grey range;
  its 99th percentile is taken in eight directions (every 22.5 degrees) and the
  smallest is reported, so that motion blur in any one direction shows. A perfectly
  sharp step scores 0.5; a Gaussian blur of sigma pixels (on the normalised copy)
  scores roughly 0.4 / sigma. ``nan`` when the page has too few edges to judge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from academy_desktop.engine import damage
from academy_desktop.engine.rejections import Code, Rejection

WORK_PIXELS = 1_000_000  # size of the normalised copy
DARK_PAPER = 50  # the brightest 1% darker than this: nearly black photo
INK_STEP = 32  # grey levels below the local paper level that count as ink
BLANK_INK = 0.001  # less ink than this share of the page: blank
BLUR_SHARPNESS = 0.18  # below this: heavily blurred (Gaussian sigma >= ~5 px at 200 dpi)
_WINDOW = cv2.getStructuringElement(cv2.MORPH_RECT, (11, 11))
_MIN_EDGE_STEP = 32  # grey range around a pixel for it to count as near an edge (not noise)
_MIN_EDGE_PIXELS = 100
_MAX_EDGE_SAMPLES = 8_000
# unit vectors every 22.5 degrees: motion blur at any angle is within 11.25 degrees of one
_DIRECTIONS = np.array(
    [[math.cos(k * math.pi / 8), math.sin(k * math.pi / 8)] for k in range(8)], np.float32
)


@dataclass
class QualityReport:
    brightness: float  # median grey 0..255
    contrast: float  # 99th - 1st percentile spread
    sharpness: float  # edge steepness, 0.5 = sharp step; nan when there are too few edges
    ink_fraction: float  # share of pixels clearly darker than the paper around them


def _halve(image: np.ndarray) -> np.ndarray:
    """Exact 2x2 box average (OpenCV's fast path needs even sides)."""
    h, w = image.shape
    even = image[: h - h % 2, : w - w % 2]
    return cv2.resize(even, (w // 2, h // 2), interpolation=cv2.INTER_AREA)


def _normalised(gray: np.ndarray) -> np.ndarray:
    """A copy of between half of WORK_PIXELS and all of it.

    Exact 2x2 halvings (OpenCV's fast path) while more than twice too big, then one
    mild bilinear step if still too big: no copy is judged more than 1.4x coarser than
    nominal, and a page smaller than WORK_PIXELS is judged as it is.
    """
    image = np.ascontiguousarray(gray)
    while image.size > 2 * WORK_PIXELS and min(image.shape) >= 2:
        image = _halve(image)
    if image.size > WORK_PIXELS:
        factor = math.sqrt(WORK_PIXELS / image.size)
        h, w = image.shape
        size = (max(1, int(w * factor)), max(1, int(h * factor)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
    return image


def _percentiles(image: np.ndarray, quantiles: tuple[float, ...]) -> list[float]:
    small = _halve(image) if image.size > WORK_PIXELS // 4 else image  # statistics need no detail
    cumulative = cv2.calcHist([small], [0], None, [256], [0, 256]).ravel().cumsum()
    return [float(np.searchsorted(cumulative, q * cumulative[-1])) for q in quantiles]


def _sharpness(image: np.ndarray, local_max: np.ndarray, contrast: float) -> float:
    h, w = image.shape
    if h < 3 or w < 3:
        return math.nan
    local_range = cv2.subtract(local_max, cv2.erode(image, _WINDOW))
    floor = np.uint8(max(_MIN_EDGE_STEP, round(0.35 * contrast)))  # uint8: no float copy
    # pixels near an edge, on every other interior row (plenty of samples, half the cost)
    hits = np.flatnonzero(local_range[1:-1:2, 1:-1] >= floor)
    if hits.size < _MIN_EDGE_PIXELS:
        return math.nan
    if hits.size > _MAX_EDGE_SAMPLES:
        hits = hits[:: hits.size // _MAX_EDGE_SAMPLES]
    centre = (1 + 2 * (hits // (w - 2))) * w + 1 + hits % (w - 2)
    flat = np.ascontiguousarray(image).ravel()

    def at(dy: int, dx: int) -> np.ndarray:
        return flat[centre + (dy * w + dx)].astype(np.float32)

    # Sobel at the sampled pixels only (cheaper than filtering the whole page)
    nw, n, ne, west, east, sw, s, se = (
        at(-1, -1),
        at(-1, 0),
        at(-1, 1),
        at(0, -1),
        at(0, 1),
        at(1, -1),
        at(1, 0),
        at(1, 1),
    )
    gx = (ne + 2 * east + se) - (nw + 2 * west + sw)
    gy = (sw + 2 * s + se) - (nw + 2 * n + ne)
    scale = local_range.ravel()[centre].astype(np.float32) * 8.0  # Sobel weights sum to 8
    directions = np.abs(_DIRECTIONS @ np.stack([gx, gy]))  # gradient along each direction
    return float(np.percentile(directions / scale, 99, axis=1).min())


def assess(gray: np.ndarray) -> QualityReport:
    """Measure a grayscale uint8 page (any size)."""
    return _measure(gray)[0]


def check(gray: np.ndarray) -> Rejection | None:
    """The reason this page is clearly unusable, or None (the page goes on to alignment)."""
    report, paper, image = _measure(gray)
    if paper < DARK_PAPER:
        return Rejection(Code.TOO_DARK, f"brightest 1% of pixels below grey {paper:.0f}")
    if report.ink_fraction < BLANK_INK:
        return Rejection(Code.BLANK_PAGE, f"ink on {report.ink_fraction:.3%} of the page")
    damaged = damage.check(image)  # a band of lost picture data (see damage.py)
    if damaged is not None:
        return damaged
    if report.sharpness < BLUR_SHARPNESS:  # False for nan: too few edges to judge
        return Rejection(Code.BLUR_OR_SHAKE, f"edge sharpness {report.sharpness:.3f}")
    return None


def _measure(gray: np.ndarray) -> tuple[QualityReport, float, np.ndarray]:
    """The report, the paper level (99th grey-level percentile) and the normalised copy."""
    if gray.ndim != 2 or gray.dtype != np.uint8 or gray.size == 0:
        raise ValueError("quality checks need a non-empty 2-D uint8 grayscale image")
    image = _normalised(gray)
    p1, median, p99 = _percentiles(image, (0.01, 0.5, 0.99))
    local_max = cv2.dilate(image, _WINDOW)
    ink = np.count_nonzero(cv2.subtract(local_max, image) >= INK_STEP) / image.size
    report = QualityReport(
        brightness=median,
        contrast=p99 - p1,
        sharpness=_sharpness(image, local_max, p99 - p1),
        ink_fraction=float(ink),
    )
    return report, p99, image
