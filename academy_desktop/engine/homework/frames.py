"""Per-frame measures of a homework video: the page is found and flattened, then its
ink, any hand over it, the brightness and the sharpness are measured.

Frames are analysed at :data:`WORK_LONG_SIDE` px (long side) and the page is warped to
:data:`PAGE_SIZE`, so the figures do not depend on the camera's resolution.

- The page is the paper (bright, and not much more colourful than the paper: a hand,
  an arm or a wooden desk are left out) as the quadrilateral around it, so an arm lying
  across the page neither joins nor cuts it.
- Ink is darker than :data:`INK_RATIO` of the paper around it (relative, so automatic
  exposure does not change it), outside a thin border.
- A hand (skin colours) is masked out with a margin; the ink share is that of the part
  of the page not under the hand, which stands for the whole page. A frame with more
  than :data:`HAND_MAX` of the page under a hand is left out of the ink curve.
:func:`analyse_frame` gives one :class:`Sample` per sampled frame; the analysis over time
is :mod:`academy_desktop.engine.homework.video`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

HAS_WRITING_INK = 0.005  # ink share of the page for a frame to "have writing"
WORK_LONG_SIDE = 640  # frames are analysed at this size
PAGE_SIZE = (320, 452)  # warped page (w, h) for a portrait page; swapped for landscape
DARK_MEAN = 50.0  # mean grey below which a frame is dark
HAND_SHARE = 0.06  # share of the page that is skin for a frame to be "hand covered"
INK_RATIO = 0.83  # ink: darker than this share of the paper around it (40 grey levels at 235)
HAND_MAX = 0.5  # a frame with more of the page covered by a hand is left out
PAPER_SAT_MARGIN = 35  # saturation above the paper's (0..255) that is not paper
NEAR_PAGE = 0.15  # pieces of paper this close (share of the frame diagonal) join the page

Array = NDArray[Any]


def _order_corners(pts: Array) -> Array:
    pts = pts.reshape(4, 2).astype(np.float32)
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def paper_mask(gray: Array, bgr: Array | None = None) -> Array:
    """Paper pixels (uint8 0/255): bright (Otsu) and, given the colour frame, not much
    more saturated than the bright pixels' median, which leaves out a hand, an arm or a
    wooden desk even when they are as bright as the paper."""
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    _, mask = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if bgr is not None:
        sat = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)[..., 1]
        bright = mask > 0
        if bright.any():
            mask[sat > float(np.median(sat[bright])) + PAPER_SAT_MARGIN] = 0
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))


def find_page(gray: Array, bgr: Array | None = None) -> Array | None:
    """Corners (tl, tr, br, bl) of the page, or None.

    The page is the largest piece of paper (:func:`paper_mask`) together with the
    smaller pieces next to it (a page cut in two by an arm), as the quadrilateral
    closest to their convex hull.
    """
    mask = paper_mask(gray, bgr)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    main = int(np.argmax(areas)) + 1
    x, y, w, h = (int(v) for v in stats[main, :4])
    reach = NEAR_PAGE * float(np.hypot(*gray.shape))
    keep = [main]
    for label in range(1, n):
        if label == main or areas[label - 1] < 0.05 * areas[main - 1]:
            continue
        lx, ly, lw, lh = (int(v) for v in stats[label, :4])
        near_x = lx < x + w + reach and x < lx + lw + reach
        if near_x and ly < y + h + reach and y < ly + lh + reach:
            keep.append(label)
    page = np.isin(labels, keep) if len(keep) > 1 else labels == main
    contours, _ = cv2.findContours(
        page.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    hull = cv2.convexHull(np.vstack(contours))
    if cv2.contourArea(hull) < 0.15 * gray.shape[0] * gray.shape[1]:
        return None
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) != 4:
        approx = cv2.boxPoints(cv2.minAreaRect(hull))
    return _order_corners(np.asarray(approx))


def warp_page(frame: Array, corners: Array | None) -> Array:
    """The page flattened to :data:`PAGE_SIZE` (the whole frame when no page was found)."""
    if corners is None:
        h, w = frame.shape[:2]
        corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    top = np.linalg.norm(corners[1] - corners[0])
    side = np.linalg.norm(corners[3] - corners[0])
    pw, ph = PAGE_SIZE if side >= top else PAGE_SIZE[::-1]
    dst = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], np.float32)
    m = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    return cv2.warpPerspective(frame, m, (pw, ph), flags=cv2.INTER_AREA)


def skin_mask(page_bgr: Array) -> Array:
    """Skin-coloured pixels (a hand or an arm) as a boolean mask."""
    ycc = cv2.cvtColor(page_bgr, cv2.COLOR_BGR2YCrCb)
    m = cv2.inRange(ycc, (60, 135, 85), (255, 180, 135))
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    return m > 0


def ink_mask(page_gray: Array) -> Array:
    """Pixels clearly darker than the paper around them (pencil/pen strokes), borders ignored."""
    paper = cv2.dilate(page_gray, np.ones((15, 15), np.uint8))
    paper = cv2.blur(paper, (15, 15))
    # relative to the paper, so a brighter or dimmer frame (auto-exposure) reads the same
    ink = page_gray.astype(np.float32) < paper.astype(np.float32) * INK_RATIO
    h, w = ink.shape
    my, mx = max(2, h // 25), max(2, w // 25)
    ink[:my] = False
    ink[-my:] = False
    ink[:, :mx] = False
    ink[:, -mx:] = False
    return ink


@dataclass
class Sample:
    index: int
    time_s: float
    mean: float
    sharp: float
    page_found: bool
    ink: float  # ink share of the visible page (the ink seen / the share not under a hand)
    hand: float
    grid: Array  # coarse ink map (bool) for page tracking
    seen: Array  # coarse map (bool) of the grid cells not under a hand
    thumb: Array  # 32x32 grey thumbnail of the whole frame, float32
    page_png: bytes
    page: int = 0

    @property
    def usable(self) -> bool:
        return self.page_found and self.hand < HAND_MAX and self.mean >= DARK_MEAN


def edge_sharpness(gray: Array) -> float:
    """The 99.9th percentile of |Laplacian|: the contrast of the sharpest edges (page border,
    strokes). Unlike the Laplacian variance it does not fall for a clean blank page."""
    lap = np.abs(cv2.Laplacian(gray, cv2.CV_16S)).ravel().view(np.uint16)  # 0..1020
    k = int(lap.size * 0.999)
    # the k-th smallest value, from a histogram (np.partition is 30 times slower here)
    return float(np.searchsorted(np.cumsum(np.bincount(lap)), k, side="right"))


def analyse_frame(frame: Array, index: int, time_s: float) -> Sample:
    h, w = frame.shape[:2]
    scale = WORK_LONG_SIDE / max(h, w)
    if scale < 1.0:
        frame = cv2.resize(
            frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA
        )
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    corners = find_page(gray, frame)
    page = warp_page(frame, corners)
    page_gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    hand = skin_mask(page)
    ink = ink_mask(page_gray)
    visible = 1.0
    seen = np.ones((34, 24), bool)
    if hand.any():
        covered = cv2.dilate(hand.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
        ink &= ~covered
        visible = max(0.05, 1.0 - float(covered.mean()))
        cells = cv2.resize(covered.astype(np.float32), (24, 34), interpolation=cv2.INTER_AREA)
        seen = cells < 0.1
    # the ink density of the part not under a hand stands for the whole page's
    ink_share = float(ink.mean()) / visible
    grid = cv2.resize(ink.astype(np.float32), (24, 34), interpolation=cv2.INTER_AREA) > 0.02
    thumb = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    ok, png = cv2.imencode(".png", cv2.resize(page, (page.shape[1] // 2, page.shape[0] // 2)))
    return Sample(
        index=index,
        time_s=time_s,
        mean=float(gray.mean()),
        sharp=edge_sharpness(gray),
        page_found=corners is not None,
        ink=ink_share,
        hand=float(hand.mean()),
        grid=grid,
        seen=seen,
        thumb=thumb,
        page_png=png.tobytes() if ok else b"",
    )
