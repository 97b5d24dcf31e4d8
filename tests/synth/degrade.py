"""Turn a perfect rendered sheet into a plausible scan or phone photo, tracking geometry.

Each function takes the filled sheet (rendered at ``dpi``) and returns the
degraded image plus the 3x3 matrix that maps sheet pixel coordinates to output
pixel coordinates (pixel centres on integers, OpenCV's convention). Every
geometric step is composed into that matrix, so it is exact.

``keep`` is a list of sheet points (the registration marks' corners plus a
margin) that must stay inside the output: the page may be shifted or the canvas
grown a little so a scanner border or rotation never cuts a mark off.
"""

from __future__ import annotations

import cv2
import numpy as np

MM_PER_INCH = 25.4


def _tr(tx: float, ty: float) -> np.ndarray:
    return np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], np.float64)


def _rot(deg: float) -> np.ndarray:
    a = np.deg2rad(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], np.float64)


def _apply(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.c_[pts, np.ones(len(pts))] @ h.T
    return p[:, :2] / p[:, 2:3]


def resize_exact(img: np.ndarray, scale: float, area: bool) -> tuple[np.ndarray, np.ndarray]:
    """``cv2.resize`` by ``scale`` and the exact matrix it applied to pixel-centre coordinates."""
    h, w = img.shape[:2]
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) == (w, h):
        return img, np.eye(3)
    interp = cv2.INTER_AREA if area and scale < 1 else cv2.INTER_LINEAR
    out = cv2.resize(img, (nw, nh), interpolation=interp)
    sx, sy = nw / w, nh / h
    return out, np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1]])


def _noise(shape: tuple[int, ...], sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian sensor noise (int16), from a random tile repeated over the image (fast)."""
    tile_shape = (min(shape[0], 384), min(shape[1], 384), *shape[2:])
    tile = np.rint(rng.normal(0, sigma, tile_shape)).astype(np.int16)
    reps = (-(-shape[0] // tile_shape[0]), -(-shape[1] // tile_shape[1]), *([1] * (len(shape) - 2)))
    big = np.tile(np.roll(tile, int(rng.integers(0, tile_shape[0])), axis=0), reps)
    return big[: shape[0], : shape[1]]


def add_noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    if sigma <= 0:
        return img
    return np.clip(img.astype(np.int16) + _noise(img.shape, sigma, rng), 0, 255).astype(np.uint8)


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV always encodes uint8 images
        raise RuntimeError("JPEG encoding failed")
    flag = cv2.IMREAD_COLOR if img.ndim == 3 else cv2.IMREAD_GRAYSCALE
    out = cv2.imdecode(buf, flag)
    if out is None:  # pragma: no cover
        raise RuntimeError("JPEG decoding failed")
    return np.asarray(out, np.uint8)


def lut(img: np.ndarray, curve: np.ndarray) -> np.ndarray:
    table = np.clip(np.rint(curve), 0, 255).astype(np.uint8)
    return cv2.LUT(img, table)


def _borders(img: np.ndarray, keep_out: np.ndarray, mm: float, rng: np.random.Generator) -> None:
    """Dark or grey bands 0-8 mm wide on one or two edges, never reaching ``keep_out``."""
    h, w = img.shape[:2]
    x0, y0 = keep_out.min(axis=0)
    x1, y1 = keep_out.max(axis=0)
    room = {"top": y0, "bottom": h - 1 - y1, "left": x0, "right": w - 1 - x1}
    for edge in rng.choice(list(room), size=int(rng.integers(1, 3)), replace=False):
        width = int(min(rng.uniform(0, 8) * mm, max(0.0, room[str(edge)] - 1.5 * mm)))
        if width <= 0:
            continue
        tone = rng.uniform(0, 40) if rng.random() < 0.6 else rng.uniform(90, 160)
        if edge == "top":
            img[:width] = tone
        elif edge == "bottom":
            img[h - width :] = tone
        elif edge == "left":
            img[:, :width] = tone
        else:
            img[:, w - width :] = tone


def office(
    img: np.ndarray,
    dpi: float,
    keep: np.ndarray,
    rng: np.random.Generator,
    *,
    scan_dpi: tuple[float, float] = (150.0, 300.0),
    quarter_turns: int = 0,
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """A flatbed or sheet-fed office scan. Returns (image, sheet->image matrix, parameters)."""
    d = float(rng.uniform(*scan_dpi))
    mm = d / MM_PER_INCH
    small, m_resize = resize_exact(img, d / dpi, area=True)
    h, w = small.shape[:2]
    angle = float(rng.uniform(-3, 3))
    shear = np.eye(3)
    if rng.random() < 0.2:
        shear[0, 1] = rng.uniform(-0.012, 0.012)
        shear[1, 0] = rng.uniform(-0.006, 0.006)
    cw, ch = (h, w) if quarter_turns % 2 else (w, h)
    shift = rng.uniform(-3, 3, size=2) * mm
    centre = np.array([(w - 1) / 2, (h - 1) / 2])
    m = _rot(angle + 90 * quarter_turns) @ shear @ _tr(-centre[0], -centre[1])
    pts = _apply(m @ m_resize, keep)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    canvas = np.array([cw, ch], np.float64)
    # place the page centre at canvas centre + shift, then pull the marks back inside
    offset = (canvas - 1) / 2 + shift
    offset = np.minimum(np.maximum(offset, 1 - lo), canvas - 2 - hi)
    grow = np.maximum(0.0, (hi - lo + 3) - canvas)
    canvas += np.ceil(grow)
    offset = np.where(grow > 0, (canvas - 1) / 2 - (lo + hi) / 2, offset)
    m = _tr(*offset) @ m
    lid = float(rng.uniform(225, 255))
    out = cv2.warpAffine(
        small,
        m[:2],
        (int(canvas[0]), int(canvas[1])),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(lid, lid, lid),
    )
    transform = m @ m_resize
    _borders(out, _apply(transform, keep), mm, rng)
    sigma = float(rng.uniform(0, 1.0))
    if sigma > 0.25:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    gain, bias = rng.uniform(0.85, 1.12), rng.uniform(-15, 8)
    x = np.arange(256, dtype=np.float64)
    out = lut(out, (x - 128) * gain + 128 + bias)
    params = {"scan_dpi": d, "angle": angle, "blur": sigma, "noise": float(rng.uniform(1.5, 4.5))}
    return out, transform, params


def finish_scan(img: np.ndarray, params: dict[str, float], rng: np.random.Generator) -> np.ndarray:
    """Sensor noise, then JPEG 55-90 (encoded and decoded in memory)."""
    out = add_noise(img, params["noise"], rng)
    quality = int(rng.integers(55, 91))
    params["jpeg_quality"] = float(quality)
    return jpeg(out, quality)


def darken(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An under-exposed scan: gamma 1.8-2.6 and a lower gain; still readable by eye."""
    x = np.arange(256, dtype=np.float64) / 255.0
    return lut(img, 255 * rng.uniform(0.6, 0.85) * x ** rng.uniform(1.8, 2.6))


def wash_out(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An over-exposed scan: paper 245+, contrast about halved, marks lighter."""
    paper = float(np.percentile(img[::8, ::8], 75))
    paper_out = rng.uniform(246, 252)
    x = np.arange(256, dtype=np.float64)
    above = paper_out + (x - paper) * (255 - paper_out) / max(1.0, 255 - paper)
    curve = np.where(x < paper, paper_out - (paper - x) * rng.uniform(0.4, 0.6), above)
    return lut(img, curve)


def _low_noise(shape: tuple[int, int], cells: int, rng: np.random.Generator) -> np.ndarray:
    gh, gw = cells, max(2, round(cells * shape[1] / shape[0]))
    small = rng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def _background(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A desk, a dark cloth or a plain table, built at 1/8 size and scaled up (BGR)."""
    lw, lh = max(8, w // 8), max(8, h // 8)
    kind = rng.choice(["wood", "cloth", "table"])
    ys, xs = np.mgrid[0:lh, 0:lw].astype(np.float32)
    if kind == "wood":
        base = np.array([rng.uniform(40, 80), rng.uniform(80, 120), rng.uniform(130, 185)])
        warp = _low_noise((lh, lw), 6, rng) * rng.uniform(4, 10)
        axis = xs if rng.random() < 0.5 else ys
        grain = np.sin(2 * np.pi * (axis + warp) / rng.uniform(3, 9))
        shade = 1 + 0.12 * grain + 0.06 * _low_noise((lh, lw), 4, rng)
    elif kind == "cloth":
        base = np.array([rng.uniform(25, 70), rng.uniform(20, 55), rng.uniform(15, 50)])
        shade = 1 + 0.25 * _low_noise((lh, lw), 5, rng) + rng.normal(0, 0.08, (lh, lw))
    else:
        base = np.full(3, rng.uniform(140, 205)) * rng.uniform(0.9, 1.05, 3)
        shade = 1 + 0.08 * _low_noise((lh, lw), 3, rng)
    small = np.clip(shade[:, :, None].astype(np.float32) * base.astype(np.float32), 0, 255)
    return cv2.resize(small.astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)


def _lighting(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A multiplicative light field: gradient, vignette and sometimes a soft shadow."""
    lw, lh = max(8, w // 8), max(8, h // 8)
    ys, xs = np.mgrid[0:lh, 0:lw].astype(np.float32)
    u, v = xs / (lw - 1), ys / (lh - 1)
    ang = rng.uniform(0, 2 * np.pi)
    proj = (u - 0.5) * np.cos(ang) + (v - 0.5) * np.sin(ang)
    field = 1.0 - rng.uniform(0.1, 0.3) * (proj - proj.min()) / max(1e-6, np.ptp(proj))
    r2 = ((u - 0.5) ** 2 + (v - 0.5) ** 2) / 0.5
    field *= 1.0 - rng.uniform(0.1, 0.3) * r2
    if rng.random() < 0.6:
        mask: np.ndarray = np.zeros((lh, lw), np.float32)
        cx, cy = rng.uniform(-0.2, 1.2) * lw, rng.choice([-0.1, 1.1]) * lh
        axes = (int(rng.uniform(0.3, 0.7) * lw), int(rng.uniform(0.2, 0.5) * lh))
        cv2.ellipse(mask, (int(cx), int(cy)), axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
        mask = cv2.GaussianBlur(mask, (0, 0), max(1.0, lw / 12))
        field *= 1.0 - rng.uniform(0.2, 0.45) * mask
    return cv2.resize(field.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def phone(
    img: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """A phone photo of the page (BGR in, BGR out) on a desk, with perspective and uneven light."""
    long_side = int(rng.integers(1500, 3001))
    ch, cw = long_side, round(long_side * 0.75)
    h, w = img.shape[:2]
    page_h = rng.uniform(0.72, 0.88) * ch
    page_w = page_h * w / h
    scale = page_h / h
    small, m_resize = resize_exact(img, scale, area=True) if scale < 0.9 else (img, np.eye(3))
    sh, sw = small.shape[:2]
    src = np.array([[-0.5, -0.5], [sw - 0.5, -0.5], [sw - 0.5, sh - 0.5], [-0.5, sh - 0.5]])
    centre = np.array(
        [cw / 2 + rng.uniform(-0.04, 0.04) * cw, ch / 2 + rng.uniform(-0.03, 0.03) * ch]
    )
    base = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * (page_w / 2, page_h / 2)
    base = _apply(_rot(rng.uniform(-4, 4)), base)
    moves = rng.uniform(0.03, 0.08, (4, 2)) * rng.choice([-1, 1], (4, 2)) * (page_w, page_h)
    dst = centre + base + moves
    lo, hi = dst.min(axis=0), dst.max(axis=0)
    fit = min(1.0, float(np.min((np.array([cw, ch]) - 6) / (hi - lo))))
    mid = (lo + hi) / 2
    dst = (dst - mid) * fit + np.clip(
        mid, (hi - lo) * fit / 2 + 3, np.array([cw, ch]) - (hi - lo) * fit / 2 - 3
    )
    m = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    out = _background(cw, ch, rng)
    cv2.warpPerspective(
        small, m, (cw, ch), dst=out, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT
    )
    light = _lighting(cw, ch, rng)
    gains = np.array([rng.uniform(0.82, 0.95), rng.uniform(0.92, 1.0), 1.0], np.float32)
    lit = out.astype(np.float32) * light[:, :, None] * (gains * rng.uniform(0.9, 1.05))
    out = np.clip(lit, 0, 255).astype(np.uint8)
    blur = float(rng.uniform(0.8, 1.8))
    out = cv2.GaussianBlur(out, (0, 0), blur)
    out = add_noise(out, rng.uniform(2.0, 5.0), rng)
    quality = int(rng.integers(70, 91))
    params = {"long_side": float(long_side), "blur": blur, "jpeg_quality": float(quality)}
    return jpeg(out, quality), m.astype(np.float64) @ m_resize, params
