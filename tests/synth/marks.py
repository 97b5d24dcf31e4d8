"""Hand-made marks drawn into a rendered sheet: sign-pen fills, pencil, ticks, erasures.

Every function draws into ``img`` (grey ``(H, W)`` or BGR ``(H, W, 3)``, uint8) in
place, inside a small patch around one bubble, so a whole sheet takes a few
milliseconds. Ink is blended multiplicatively (``out = img * (1 - a * (1 - tone/255))``)
so a mark over the printed red outline ends up darker than either, as on paper.

A bubble is given as ``box = (x0, y0, x1, y1)`` in image pixel coordinates
(pixel centres on integers); ``mm`` is the number of pixels per millimetre.
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[float, float, float, float]
_SHIFT = 4
_ONE = 1 << _SHIFT


class _Patch:
    """A float alpha mask over a rectangle of the image, in image pixel coordinates."""

    def __init__(self, img: np.ndarray, box: Box, margin: float) -> None:
        h, w = img.shape[:2]
        self.x0 = max(0, int(np.floor(box[0] - margin)))
        self.y0 = max(0, int(np.floor(box[1] - margin)))
        self.x1 = min(w, int(np.ceil(box[2] + margin)) + 1)
        self.y1 = min(h, int(np.ceil(box[3] + margin)) + 1)
        self.shape = (max(0, self.y1 - self.y0), max(0, self.x1 - self.x0))

    @property
    def empty(self) -> bool:
        return self.shape[0] == 0 or self.shape[1] == 0

    def pts(self, xy: np.ndarray) -> np.ndarray:
        local = (np.asarray(xy, np.float64) - (self.x0, self.y0)) * _ONE
        return np.rint(local).astype(np.int32).reshape(-1, 1, 2)

    def polygon(self, xy: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.shape, np.uint8)
        cv2.fillPoly(mask, [self.pts(xy)], 255, cv2.LINE_AA, _SHIFT)
        return mask.astype(np.float32) / 255.0

    def stroke(self, xy: np.ndarray, width: float) -> np.ndarray:
        mask = np.zeros(self.shape, np.uint8)
        cv2.polylines(mask, [self.pts(xy)], False, 255, max(1, round(width)), cv2.LINE_AA, _SHIFT)
        return mask.astype(np.float32) / 255.0

    def coords(self) -> tuple[np.ndarray, np.ndarray]:
        ys, xs = np.mgrid[self.y0 : self.y1, self.x0 : self.x1]
        return xs.astype(np.float32), ys.astype(np.float32)

    def blend(self, img: np.ndarray, alpha: np.ndarray, tone: float | np.ndarray) -> None:
        if self.empty:
            return
        roi = img[self.y0 : self.y1, self.x0 : self.x1]
        a = np.clip(alpha, 0.0, 1.0)
        if isinstance(tone, np.ndarray):
            tone = np.clip(tone, 0.0, 255.0)
        keep = 1.0 - a * (1.0 - np.asarray(tone, np.float32) / 255.0)
        if roi.ndim == 3:
            keep = keep[:, :, None]
        roi[...] = np.clip(roi.astype(np.float32) * keep + 0.5, 0, 255).astype(np.uint8)


def _centre(box: Box) -> tuple[float, float, float, float]:
    return (
        (box[0] + box[2]) / 2,
        (box[1] + box[3]) / 2,
        (box[2] - box[0]) / 2,
        (box[3] - box[1]) / 2,
    )


def blob_outline(
    cx: float, cy: float, rx: float, ry: float, rng: np.random.Generator, wobble: float = 0.05
) -> np.ndarray:
    """An irregular, hand-filled ellipse: radii perturbed by a few low harmonics."""
    th = np.linspace(0.0, 2 * np.pi, 40, endpoint=False)
    r = np.ones_like(th)
    for k in range(2, 6):
        r += rng.uniform(0, wobble) / np.sqrt(k - 1) * np.cos(k * th + rng.uniform(0, 2 * np.pi))
    tilt = rng.normal(0, 0.08)
    x, y = rx * r * np.cos(th), ry * r * np.sin(th)
    c, s = np.cos(tilt), np.sin(tilt)
    return np.stack([cx + c * x - s * y, cy + s * x + c * y], axis=1)


def _smooth_noise(shape: tuple[int, int], rng: np.random.Generator, cell: float) -> np.ndarray:
    """Low-frequency noise in about -1..1, features ~``cell`` pixels wide."""
    gh, gw = max(2, int(shape[0] / cell) + 2), max(2, int(shape[1] / cell) + 2)
    small = rng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC) * 0.6


def fill(
    img: np.ndarray,
    box: Box,
    rng: np.random.Generator,
    mm: float,
    *,
    coverage: float | None = None,
    tone: float | None = None,
) -> None:
    """A sign-pen fill: dark, slightly irregular, 85-105% of the bubble, sometimes overflowing."""
    cx, cy, rx, ry = _centre(box)
    if coverage is None:
        coverage = rng.uniform(1.08, 1.25) if rng.random() < 0.12 else rng.uniform(0.85, 1.05)
    tone = rng.uniform(20, 60) if tone is None else tone
    k = np.sqrt(coverage)
    dx, dy = rng.normal(0, 0.05 * rx), rng.normal(0, 0.05 * ry)
    patch = _Patch(img, box, margin=max(rx, ry) * 0.5 + 2)
    if patch.empty:
        return
    alpha = patch.polygon(blob_outline(cx + dx, cy + dy, rx * k, ry * k, rng))
    streaks = _smooth_noise(patch.shape, rng, cell=max(2.0, 0.6 * mm))
    alpha *= np.clip(0.93 + 0.07 * streaks, 0.8, 1.0)
    patch.blend(img, alpha, tone)


def partial(img: np.ndarray, box: Box, rng: np.random.Generator, mm: float) -> None:
    """A hurried fill covering 50-75% of the bubble: a small blob or a cut-off fill."""
    cx, cy, rx, ry = _centre(box)
    frac = rng.uniform(0.5, 0.75)
    tone = rng.uniform(25, 70)
    patch = _Patch(img, box, margin=max(rx, ry) * 0.3 + 2)
    if patch.empty:
        return
    if rng.random() < 0.5:
        k = np.sqrt(frac)
        room = (1 - k) * 0.8
        ox, oy = rng.uniform(-room, room) * rx, rng.uniform(-room, room) * ry
        alpha = patch.polygon(blob_outline(cx + ox, cy + oy, rx * k, ry * k, rng))
    else:
        alpha = patch.polygon(blob_outline(cx, cy, rx * 0.97, ry * 0.97, rng, wobble=0.03))
        xs, ys = patch.coords()
        ang = rng.uniform(0, 2 * np.pi)
        d = (xs - cx) * np.cos(ang) + (ys - cy) * np.sin(ang)
        inside = alpha > 0.5
        if inside.any():
            cut = float(np.quantile(d[inside], frac))
            alpha *= np.clip(cut - d + 0.5, 0.0, 1.0)
    patch.blend(img, alpha, tone)


def pencil(
    img: np.ndarray,
    box: Box,
    rng: np.random.Generator,
    mm: float,
    *,
    tone: tuple[float, float] = (120, 160),
    cover: float = 0.7,
    wobble: float = 0.07,
    grain: float = 0.12,
    hatch: float = 0.14,
) -> None:
    """A pencil fill: grey ``tone``, hatched graphite texture (``hatch`` of the depth,
    ``grain`` noise), covering ``cover``-100 % of the bubble. The defaults are a light
    pencil fill; (150, 185), 0.75, 0.08, 0.15, 0.2 a faint one."""
    cx, cy, rx, ry = _centre(box)
    k = np.sqrt(rng.uniform(cover, 1.0))
    patch = _Patch(img, box, margin=max(rx, ry) * 0.3 + 2)
    if patch.empty:
        return
    alpha = patch.polygon(blob_outline(cx, cy, rx * k, ry * k, rng, wobble=wobble))
    xs, ys = patch.coords()
    ang = rng.uniform(np.pi / 6, np.pi / 3)
    period = max(2.0, rng.uniform(0.3, 0.5) * mm)
    wave = 0.5 + 0.5 * np.sin(2 * np.pi * (xs * np.cos(ang) + ys * np.sin(ang)) / period)
    noise = rng.normal(0, grain, patch.shape).astype(np.float32)
    alpha *= np.clip(1.0 - hatch + hatch * wave + noise, 0.0, 1.0)
    patch.blend(img, alpha, rng.uniform(*tone))


def tick(img: np.ndarray, box: Box, rng: np.random.Generator, mm: float, kind: str) -> None:
    """A check mark (``kind="check"``) or a cross (``"x"``) drawn with 2-3 px pen strokes."""
    cx, cy, rx, ry = _centre(box)
    j = 0.12 * rx
    width = max(2.0, rng.uniform(0.25, 0.4) * mm)
    patch = _Patch(img, box, margin=max(rx, ry) * 0.6 + width)
    if patch.empty:
        return

    def jit(x: float, y: float) -> tuple[float, float]:
        return x + rng.normal(0, j), y + rng.normal(0, j)

    if kind == "check":
        strokes = [
            np.array(
                [
                    jit(cx - 0.8 * rx, cy),
                    jit(cx - 0.1 * rx, cy + 0.8 * ry),
                    jit(cx + 1.15 * rx, cy - 1.1 * ry),
                ]
            )
        ]
    else:
        strokes = [
            np.array([jit(cx - 0.8 * rx, cy - 0.8 * ry), jit(cx + 0.8 * rx, cy + 0.8 * ry)]),
            np.array([jit(cx + 0.8 * rx, cy - 0.8 * ry), jit(cx - 0.8 * rx, cy + 0.8 * ry)]),
        ]
    alpha = np.zeros(patch.shape, np.float32)
    for s in strokes:
        alpha = np.maximum(alpha, patch.stroke(s, width))
    patch.blend(img, alpha, rng.uniform(25, 70))


def erased(img: np.ndarray, box: Box, rng: np.random.Generator, mm: float) -> None:
    """What an eraser leaves: a light grey smudge (170-215) with a few faint remnants."""
    cx, cy, rx, ry = _centre(box)
    k = np.sqrt(rng.uniform(0.8, 1.15))
    patch = _Patch(img, box, margin=max(rx, ry) * 0.4 + 2)
    if patch.empty:
        return
    alpha = patch.polygon(blob_outline(cx, cy, rx * k * 1.1, ry * k, rng, wobble=0.1))
    alpha *= np.clip(0.8 + 0.3 * _smooth_noise(patch.shape, rng, cell=max(2.0, 0.8 * mm)), 0, 1)
    patch.blend(img, alpha, rng.uniform(170, 215))
    specks = np.zeros(patch.shape, np.uint8)
    for _ in range(int(rng.integers(3, 9))):
        px = cx + rng.uniform(-0.7, 0.7) * rx - patch.x0
        py = cy + rng.uniform(-0.7, 0.7) * ry - patch.y0
        r = max(1.0, rng.uniform(0.05, 0.2) * mm)
        cv2.circle(
            specks,
            (round(px * _ONE), round(py * _ONE)),
            round(r * _ONE),
            255,
            -1,
            cv2.LINE_AA,
            _SHIFT,
        )
    patch.blend(img, specks.astype(np.float32) / 255.0, rng.uniform(140, 190))


def stray(img: np.ndarray, at: tuple[float, float], rng: np.random.Generator, mm: float) -> None:
    """A stray dot or short line of 0.5-1 mm centred at ``at``."""
    x, y = at
    size = rng.uniform(0.5, 1.0) * mm
    box = (x - size, y - size, x + size, y + size)
    patch = _Patch(img, box, margin=2)
    if patch.empty:
        return
    if rng.random() < 0.5:
        alpha = patch.polygon(blob_outline(x, y, size / 2, size / 2, rng, wobble=0.15))
    else:
        ang = rng.uniform(0, np.pi)
        d = np.array([np.cos(ang), np.sin(ang)]) * size / 2
        alpha = patch.stroke(
            np.array([(x - d[0], y - d[1]), (x + d[0], y + d[1])]),
            max(1.5, rng.uniform(0.2, 0.3) * mm),
        )
    patch.blend(img, alpha, rng.uniform(30, 80))
