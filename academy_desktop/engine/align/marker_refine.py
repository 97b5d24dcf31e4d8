"""``CropOnMarkers`` step 3, the refinement (see :mod:`academy_desktop.engine.align.markers`).

Each marker of a candidate quad is matched again in a small window of the page
rectified by the quad itself (so markers that perspective squeezes into ellipses are
round again), at about 32 px per marker (full resolution when it is smaller), over a
few sizes, with a sub-pixel peak.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import (
    Levels,
    homography,
    quad_sides,
    scale_matrix,
    subpixel_peak,
)
from academy_desktop.engine.align.marker_model import Hit, MarkerModel

REFINE_PX = 32.0  # marker width the refinement works at


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
    sides = quad_sides(pts)
    size = float(np.median([h.size for h in four]))
    g = min(1.0, REFINE_PX / max(size, 1.0))  # rectified px per image px (on average)
    wr, hr = (sides[0] + sides[2]) / 2 * g, (sides[1] + sides[3]) / 2 * g
    rect = np.array([[0, 0], [wr, 0], [wr, hr], [0, hr]], np.float64)
    # the template's width in rectified px (either way round)
    tw_rect = wr if abs(np.log(wr / hr / aspect)) <= abs(np.log(wr / hr * aspect)) else hr
    h_img = homography(rect, pts)  # rectified px -> image px
    p = max(0, int(np.floor(np.log2(1.0 / g))))  # read from a pyramid level >= g
    src = levels.get(p)
    # image px -> px of level p: cv2.pyrDown centres its kernel on the even pixels, so
    # level pixel i is full pixel 2**p * i
    h_src = scale_matrix(0.5**p) @ h_img
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
                sx, sy = subpixel_peak(res, px, py)
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
