"""Symmetric answer sheets scanned at any quarter turn, for the orientation tests and bench.

    from synth.orientation_pages import form, scanned, candidates
    page = form("portrait", seed=3)                 # upright, grey uint8, frame size
    scan = scanned(page, turns=2, seed=3)           # the sheet scanned upside down
    cands, upright = candidates(scan, "portrait", turns=2, seed=3)

The layouts are what the geometry cannot orient: four identical solid corner squares
and a bubble grid that is symmetric under a half turn (``"portrait"``, 3 blocks of
17 x 5 bubbles) or under every quarter turn (``"square"``, 3 x 3 blocks of 5 x 5).
Only the printed text tells the top: a Korean and English header (Nanum, drawn with
PIL), the choice numbers above each block and the question numbers left of each row
(Hershey digits, ``cv2.putText``). ``text=False`` leaves the text out; ``marks=False``
gives the blank form (a reference picture). ``variant="other"`` is a different form of
the same frame size (another header, 4 blocks of 4 choices) whose reference must not
decide anything.

``scanned`` turns the page by ``turns`` quarter turns counter-clockwise (``np.rot90``)
at a random resolution, with blur, uneven lighting and noise. ``candidates`` warps the
scan back onto the frame under each rotation the geometry allows (a half turn apart
for a portrait layout, all four for a square one), each with a small random error as
a real marker fit has, and gives the index of the upright one. Everything is driven by
``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/nanum")
FONT = FONT_DIR / "NanumGothic.ttf"
FONT_BOLD = FONT_DIR / "NanumGothicBold.ttf"

FRAMES: dict[str, tuple[int, int]] = {"portrait": (850, 1100), "square": (1000, 1000)}
SS = 2  # forms are drawn at twice the frame size, then scanned down

HEADERS = {
    "form": ("2024학년도 2학기 기말고사 수학 OMR 답안지", "이름 __________  반 ____  번호 ____"),
    "other": ("English Vocabulary Test - Answer Card", "Name: ______________   Class: _____"),
}


def fonts_available() -> bool:
    return FONT.is_file() and FONT_BOLD.is_file()


@lru_cache(maxsize=8)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT), size)


def _layout(shape: str, variant: str) -> dict[str, float]:
    """Bubble grid geometry in frame px: blocks, rows, choices, pitch, block pitch."""
    if variant == "other":
        return {"blocks_x": 4, "blocks_y": 1, "rows": 20, "choices": 4, "pitch": 28.0, "gap": 70}
    if shape == "square":
        return {"blocks_x": 3, "blocks_y": 3, "rows": 5, "choices": 5, "pitch": 30.0, "gap": 60}
    return {"blocks_x": 3, "blocks_y": 1, "rows": 17, "choices": 5, "pitch": 30.0, "gap": 60}


def bubble_centres(shape: str, variant: str = "form") -> list[tuple[float, float, int, int]]:
    """(x, y, question, choice) of every bubble, in frame px; the grid is centred on the
    page, so it maps onto itself under a half turn (a quarter turn for ``square``)."""
    w, h = FRAMES[shape]
    g = _layout(shape, variant)
    p, n, rows = g["pitch"], int(g["choices"]), int(g["rows"])
    block_w = (n - 1) * p
    block_h = (rows - 1) * p * (1.27 if shape == "portrait" else 1.0)
    row_pitch = block_h / (rows - 1)
    step_x = block_w + p + g["gap"]
    step_y = block_h + row_pitch + g["gap"]
    bx, by = int(g["blocks_x"]), int(g["blocks_y"])
    x0 = w / 2 - ((bx - 1) * step_x + block_w) / 2
    y0 = h / 2 - ((by - 1) * step_y + block_h) / 2
    out = []
    q = 0
    for j in range(by):
        for i in range(bx):
            for r in range(rows):
                q += 1
                for c in range(n):
                    out.append((x0 + i * step_x + c * p, y0 + j * step_y + r * row_pitch, q, c))
    return out


def form(
    shape: str = "portrait",
    *,
    seed: int = 0,
    text: bool = True,
    marks: bool = True,
    variant: str = "form",
    numbers: bool = True,
    choices: bool = True,
) -> np.ndarray:
    """The sheet upright on its frame (grey uint8, ``FRAMES[shape]``), drawn at ``SS``x.

    ``text=False`` leaves out all printed text; ``numbers`` / ``choices`` only the
    question numbers / the choice labels above the blocks (the header stays)."""
    rng = np.random.default_rng(seed)
    w, h = FRAMES[shape]
    canvas = np.full((h * SS, w * SS), 255, np.uint8)
    side, inset = 34 * SS, 28 * SS
    for x in (inset, w * SS - inset - side):
        for y in (inset, h * SS - inset - side):
            canvas[y : y + side, x : x + side] = 0
    bubbles = bubble_centres(shape, variant)
    radius = 9 * SS
    for bx, by, _, _ in bubbles:
        cv2.circle(canvas, (round(bx * SS), round(by * SS)), radius, 110, SS, cv2.LINE_AA)
    if text:
        canvas = _draw_text(canvas, shape, variant, bubbles, numbers, choices)
    if marks:
        _draw_marks(canvas, bubbles, rng)
    return cv2.resize(canvas, (w, h), interpolation=cv2.INTER_AREA)


def _draw_text(
    canvas: np.ndarray,
    shape: str,
    variant: str,
    bubbles: list[tuple[float, float, int, int]],
    numbers: bool,
    choices: bool,
) -> np.ndarray:
    w = canvas.shape[1] // SS
    title, line2 = HEADERS[variant]
    first_row = min(y for _, y, _, _ in bubbles)
    im = Image.fromarray(canvas)
    draw = ImageDraw.Draw(im)
    big, small = _font(True, 26 * SS), _font(False, 17 * SS)
    if variant == "other":
        draw.text((110 * SS, 95 * SS), title, font=big, fill=0)
        draw.text((110 * SS, 140 * SS), line2, font=small, fill=0)
    else:
        tw = draw.textlength(title, font=big)
        draw.text(((w * SS - tw) / 2, (first_row - 150) * SS), title, font=big, fill=0)
        tw2 = draw.textlength(line2, font=small)
        draw.text(((w * SS - tw2) / 2, (first_row - 95) * SS), line2, font=small, fill=0)
    canvas = np.array(im)
    hershey = cv2.FONT_HERSHEY_SIMPLEX
    seen: set[int] = set()
    for x, y, q, c in bubbles:
        if numbers and c == 0 and q not in seen:
            seen.add(q)
            label = str(q)
            (tw, th), _ = cv2.getTextSize(label, hershey, 0.5 * SS, SS)
            org = (round((x - 16) * SS - tw), round(y * SS + th / 2))
            cv2.putText(canvas, label, org, hershey, 0.5 * SS, 0, SS + 1, cv2.LINE_AA)
        if choices and (y == first_row or (shape == "square" and (q - 1) % 5 == 0)):
            label = "ABCDE"[c] if variant == "other" else str(c + 1)
            (tw, th), _ = cv2.getTextSize(label, hershey, 0.38 * SS, SS)
            org = (round(x * SS - tw / 2), round((y - 16) * SS))
            cv2.putText(canvas, label, org, hershey, 0.38 * SS, 60, SS, cv2.LINE_AA)
    return canvas


def _draw_marks(
    canvas: np.ndarray, bubbles: list[tuple[float, float, int, int]], rng: np.random.Generator
) -> None:
    by_q: dict[int, list[tuple[float, float]]] = {}
    for x, y, q, _ in bubbles:
        by_q.setdefault(q, []).append((x, y))
    for row in by_q.values():
        u = rng.random()
        if u < 0.1:
            continue  # left blank
        picks = [int(rng.integers(len(row)))]
        if u > 0.95:
            picks.append(int(rng.integers(len(row))))  # a double mark
        for k in picks:
            x, y = row[k]
            ink = int(rng.integers(20, 90))
            cx = round((x + rng.normal(0, 1.0)) * SS)
            cy = round((y + rng.normal(0, 1.0)) * SS)
            r = round(rng.uniform(7.0, 10.5) * SS)
            if rng.random() < 0.12:  # a tick instead of a fill
                pts = np.array([[cx - r, cy], [cx - r // 3, cy + r], [cx + r, cy - r]], np.int32)
                cv2.polylines(canvas, [pts], False, ink, 2 * SS, cv2.LINE_AA)
            else:
                cv2.ellipse(canvas, (cx, cy), (r, round(r * 0.9)), 0, 0, 360, ink, -1)


def scanned(page: np.ndarray, turns: int, *, seed: int = 0) -> np.ndarray:
    """The page scanned ``turns`` quarter turns counter-clockwise, at 1.2-1.8x, degraded."""
    rng = np.random.default_rng(seed + 7919)
    f = rng.uniform(1.2, 1.8)
    img = cv2.resize(page, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    h, w = img.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / w + np.sin(angle) * yy / h) * rng.uniform(0, 45)
    img = img * rng.uniform(0.8, 0.97) - ramp + rng.uniform(0, 20)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 1.3))
    img += rng.normal(0, rng.uniform(2, 6), img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.rot90(out, turns))


def rotations_for(shape: str, turns: int) -> tuple[int, ...]:
    """The candidate rotations the geometry leaves for a page scanned at ``turns``."""
    if shape == "square":
        return (0, 1, 2, 3)
    return (0, 2) if turns % 2 == 0 else (1, 3)


def candidates(
    scan: np.ndarray,
    shape: str,
    turns: int,
    *,
    seed: int = 0,
    jitter: float = 1.0,
    side: int | None = None,
) -> tuple[list[np.ndarray], int]:
    """The scan warped onto the frame under each candidate rotation, and the upright index.

    Each warp has its own small error (up to ~3 frame px shift, 0.4 degrees, 1 % scale at
    ``jitter=1``), as four marker centres found in a real scan give. ``side`` scales the
    frame to that long side (the aligner looks at 1400 px).
    """
    rng = np.random.default_rng(seed + 104729)
    w, h = FRAMES[shape]
    f = 1.0 if side is None else side / max(w, h)
    w, h = round(w * f), round(h * f)
    rots = rotations_for(shape, turns)
    out = []
    for r in rots:
        back = cv2.resize(np.rot90(scan, -r), (w, h), interpolation=cv2.INTER_AREA)
        a = np.deg2rad(rng.uniform(-0.4, 0.4) * jitter)
        s = 1 + rng.uniform(-0.01, 0.01) * jitter
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(np.rad2deg(a)), s)
        m[:, 2] = m[:, 2] + rng.uniform(-3, 3, 2) * jitter * f
        out.append(
            cv2.warpAffine(
                back,
                m,
                (w, h),
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=255,
            )
        )
    return out, rots.index(turns % 4)


__all__ = [
    "FRAMES",
    "bubble_centres",
    "candidates",
    "fonts_available",
    "form",
    "rotations_for",
    "scanned",
]
