"""Phone photos of a printed page, harsher than ``degrade.phone``.

:func:`phone_photo` puts the page (BGR, any dpi) on a wood, carpet or desk background
with perspective, a gentle paper curl, uneven light and a cast shadow, moderate blur,
sensor noise, at 1500-4000 px on the long side; the JPEG quality is drawn
(``params["jpeg_quality"]``) and applied once, when the picture is saved. With ``inside=True`` the
picture is taken inside the paper edge: no page border, but the corner markers
(``keep`` points, page px) stay in the frame.

Returns the picture and the parameters drawn. The geometry is not returned: these
photos are scored per field, not per pixel.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import degrade


def _smooth(shape: tuple[int, int], cells: int, rng: np.random.Generator) -> np.ndarray:
    gh, gw = cells, max(2, round(cells * shape[1] / shape[0]))
    small = rng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def background(w: int, h: int, rng: np.random.Generator, kind: str | None = None) -> np.ndarray:
    """Wood, carpet or a desk top (BGR), built at 1/4 size and scaled up."""
    kind = kind or str(rng.choice(["wood", "carpet", "desk"]))
    lw, lh = max(16, w // 4), max(16, h // 4)
    ys, xs = np.mgrid[0:lh, 0:lw].astype(np.float32)
    if kind == "wood":
        base = np.array([rng.uniform(40, 90), rng.uniform(80, 130), rng.uniform(130, 200)])
        along = xs if rng.random() < 0.5 else ys
        across = ys if along is xs else xs
        warp = _smooth((lh, lw), 5, rng) * rng.uniform(6, 16)
        rings = np.sin(2 * np.pi * (across + warp) / rng.uniform(6, 18))
        fibre = cv2.blur(rng.normal(0, 1, (lh, lw)).astype(np.float32),
                         (9, 1) if along is xs else (1, 9))  # fmt: skip
        plank = np.floor(across / rng.uniform(lh * 0.2, lh * 0.4))
        shade = 1 + 0.10 * rings + 0.08 * fibre + 0.05 * np.sin(plank * 2.7)
    elif kind == "carpet":
        base = np.array([rng.uniform(40, 120), rng.uniform(40, 110), rng.uniform(40, 130)])
        loops = rng.normal(0, 0.22, (lh, lw)).astype(np.float32)
        shade = 1 + cv2.GaussianBlur(loops, (0, 0), 0.8) + 0.1 * _smooth((lh, lw), 6, rng)
    else:
        tone = rng.uniform(150, 215)
        base = np.array([tone * rng.uniform(0.9, 1.0), tone, tone * rng.uniform(1.0, 1.06)])
        speck = rng.normal(0, 0.025, (lh, lw)).astype(np.float32)
        shade = 1 + 0.06 * _smooth((lh, lw), 3, rng) + speck
    small = np.clip(shade[:, :, None] * base.astype(np.float32), 0, 255).astype(np.uint8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _light(w: int, h: int, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, float]]:
    """A multiplicative light field: a gradient, a vignette and a cast shadow."""
    lw, lh = max(16, w // 8), max(16, h // 8)
    ys, xs = np.mgrid[0:lh, 0:lw].astype(np.float32)
    u, v = xs / (lw - 1), ys / (lh - 1)
    ang = rng.uniform(0, 2 * np.pi)
    proj = (u - 0.5) * np.cos(ang) + (v - 0.5) * np.sin(ang)
    grad = float(rng.uniform(0.1, 0.3))
    field = 1.0 - grad * (proj - proj.min()) / max(1e-6, float(np.ptp(proj)))
    field *= 1.0 - rng.uniform(0.05, 0.25) * ((u - 0.5) ** 2 + (v - 0.5) ** 2) / 0.5
    # the shadow of the phone or a hand: a quadrilateral coming in from one edge
    depth = float(rng.uniform(0.25, 0.5))
    edge = int(rng.integers(0, 4))
    t0, t1 = sorted(rng.uniform(-0.2, 1.2, 2))
    reach = rng.uniform(0.15, 0.45, 2)
    quad = np.array([[t0, -0.3], [t1, -0.3], [t1 + 0.1, reach[1]], [t0 - 0.1, reach[0]]])
    if edge == 1:
        quad = np.c_[1 - quad[:, 1], quad[:, 0]]
    elif edge == 2:
        quad = np.c_[quad[:, 0], 1 - quad[:, 1]]
    elif edge == 3:
        quad = np.c_[quad[:, 1], quad[:, 0]]
    mask: np.ndarray = np.zeros((lh, lw), np.float32)
    cv2.fillPoly(mask, [np.rint(quad * (lw - 1, lh - 1)).astype(np.int32)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), max(1.0, lw * rng.uniform(0.01, 0.04)))
    field *= 1.0 - depth * mask
    full = cv2.resize(field.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    return full, {"gradient": grad, "shadow": depth, "shadow_edge": float(edge)}


def _inside(pts: np.ndarray, quad: np.ndarray) -> bool:
    contour = quad.astype(np.float32).reshape(-1, 1, 2)
    return all(cv2.pointPolygonTest(contour, (float(x), float(y)), False) > 0 for x, y in pts)


def _placement(
    page_wh: tuple[int, int],
    frame_wh: tuple[int, int],
    keep: np.ndarray,
    inside: bool,
    rng: np.random.Generator,
) -> np.ndarray:
    """A page px -> photo px homography: the page in the frame or, ``inside``, the frame
    inside the page with every ``keep`` point in the picture (best effort)."""
    pw, ph = page_wh
    fw, fh = frame_wh
    corners = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64) - 0.5
    frame = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], np.float64)
    if inside:
        lo, hi = keep.min(axis=0), keep.max(axis=0)
        span, centre_src, tilt = hi - lo, (lo + hi) / 2, 1.0
    else:
        span = np.array([pw, ph], np.float64)
        centre_src, tilt = np.array([pw, ph]) / 2 - 0.5, 5.0
    margin = (0.004 if inside else 0.01) * min(fw, fh)
    fallback = None
    for attempt in range(60):
        fill = rng.uniform(0.96, 0.995) if inside else rng.uniform(0.72, 0.9)
        scale = fill * min(fw / span[0], fh / span[1]) * (1 if inside else 0.985 ** (attempt // 4))
        rot = np.deg2rad(rng.uniform(-tilt, tilt))
        c, s = np.cos(rot), np.sin(rot)
        sim = np.array([[c * scale, -s * scale, 0], [s * scale, c * scale, 0], [0, 0, 1]])
        jitter = 0.004 if inside else 0.02
        centre = np.array([fw, fh]) / 2 + rng.uniform(-jitter, jitter, 2) * (fw, fh)
        sim[:2, 2] = centre - sim[:2, :2] @ centre_src
        dst = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), sim).reshape(-1, 2)
        size = float(np.linalg.norm(dst[2] - dst[0]))
        amount = (0.002, 0.008) if inside else (0.015, 0.05)
        moves = rng.uniform(*amount, (4, 2)) * rng.choice([-1, 1], (4, 2)) * size
        quad = dst + moves
        h = cv2.getPerspectiveTransform(corners.astype(np.float32), quad.astype(np.float32))
        got = cv2.perspectiveTransform((keep if inside else corners).reshape(-1, 1, 2), h)
        got = got.reshape(-1, 2)
        fits = bool(
            (got.min(axis=0) >= margin).all()
            and (got.max(axis=0) <= (fw - margin, fh - margin)).all()
        )
        if fits and (not inside or _inside(frame, quad)):
            return h.astype(np.float64)
        if fits and fallback is None:
            fallback = h.astype(np.float64)
    if fallback is None:
        raise RuntimeError("no placement keeps the markers in the picture")
    return fallback


def phone_photo(
    page: np.ndarray,
    keep: np.ndarray,
    rng: np.random.Generator,
    *,
    inside: bool = False,
    long_side: int | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
    """A phone photo (BGR, before JPEG) of ``page`` (BGR), and the parameters drawn."""
    if page.ndim == 2:
        page = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    long_side = int(long_side or rng.integers(1500, 4001))
    ph, pw = page.shape[:2]
    aspect = 0.75
    if inside:  # cropped to the sheet: the picture has the markers' proportions
        span = keep.max(axis=0) - keep.min(axis=0)
        aspect = float(span[0] / span[1]) * rng.uniform(0.98, 1.02)
    fh, fw = long_side, round(long_side * aspect)
    h = _placement((pw, ph), (fw, fh), keep, inside, rng)
    # the page is larger than it will appear: shrink it first (anti-aliased), fix the map
    approx = float(np.sqrt(abs(np.linalg.det(h[:2, :2]))))
    if approx < 0.8:
        small, m = degrade.resize_exact(page, min(1.0, approx * 1.3), area=True)
        h = h @ np.linalg.inv(m)
        page = small
    out = background(fw, fh, rng)
    # inverse map on a coarse grid (perspective is smooth), plus a paper curl: rows bow
    # by up to ~1 % of the page height, columns by less
    step = 16
    gx, gy = np.meshgrid(np.arange(0, fw + step, step, dtype=np.float64),
                         np.arange(0, fh + step, step, dtype=np.float64))  # fmt: skip
    src = cv2.perspectiveTransform(
        np.stack([gx, gy], axis=-1).reshape(-1, 1, 2), np.linalg.inv(h)
    ).reshape((*gx.shape, 2))
    sh, sw = page.shape[:2]
    bow = rng.uniform(0.002, 0.01) * sh * rng.choice([-1, 1])
    lean = rng.uniform(0.0, 0.005) * sw * rng.choice([-1, 1])
    un = src[..., 0] / sw - 0.5
    vn = src[..., 1] / sh - 0.5
    src[..., 1] -= bow * (4 * un**2 - 1 / 3)
    src[..., 0] -= lean * (4 * vn**2 - 1 / 3)
    mapx = cv2.resize(src[..., 0].astype(np.float32), (gx.shape[1] * step, gx.shape[0] * step),
                      interpolation=cv2.INTER_LINEAR)[:fh, :fw]  # fmt: skip
    mapy = cv2.resize(src[..., 1].astype(np.float32), (gx.shape[1] * step, gx.shape[0] * step),
                      interpolation=cv2.INTER_LINEAR)[:fh, :fw]  # fmt: skip
    cv2.remap(page, mapx, mapy, cv2.INTER_LINEAR, dst=out, borderMode=cv2.BORDER_TRANSPARENT)
    light, lp = _light(fw, fh, rng)
    gains = np.array([rng.uniform(0.8, 0.95), rng.uniform(0.9, 1.0), 1.0], np.float32)
    exposure = rng.uniform(0.86, 1.0)
    # 8-bit light per channel and one saturating multiply: ~10x faster than float32
    light8 = [np.clip(light * (g * exposure * 255), 0, 255).astype(np.uint8) for g in gains]
    out = cv2.multiply(out, cv2.merge(light8), scale=1 / 255)
    blur = float(rng.uniform(0.6, 1.6)) * long_side / 3000
    out = cv2.GaussianBlur(out, (0, 0), max(0.5, blur))
    noise = float(rng.uniform(2.0, 5.0))
    out = degrade.add_noise(out, noise, rng)
    quality = int(rng.integers(70, 93))
    params = {
        "long_side": float(long_side),
        "inside": float(inside),
        "bow_px": float(bow),
        "blur": blur,
        "noise": noise,
        "jpeg_quality": float(quality),
        **lp,
    }
    return out, params
