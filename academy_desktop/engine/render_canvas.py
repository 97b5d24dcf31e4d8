"""Drawing primitives for the sheet renderer: fonts, colours and an RGB canvas.

Geometry is given in template units and scaled by ``s`` pixels per unit; a
template point ``(u, v)`` lands on pixel coordinates ``(u * s, v * s)`` with pixel
centres on integers (OpenCV's convention). Shapes are drawn by OpenCV with
anti-aliasing and sub-pixel precision; texts are queued and drawn by Pillow in
one pass at the end.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in template units
RGB = tuple[int, int, int]
INK: RGB = (0, 0, 0)
DROP_OUT: RGB = (236, 118, 122)  # bubbles and frames; grey ~154 after conversion
TINT: RGB = (253, 236, 236)  # header cells
_SHIFT = 4  # OpenCV sub-pixel bits
_ONE = 1 << _SHIFT

_FONT_NAMES = {
    False: ("NanumGothic.ttf", "malgun.ttf", "AppleSDGothicNeo.ttc", "NotoSansCJK-Regular.ttc"),
    True: ("NanumGothicBold.ttf", "malgunbd.ttf", "AppleSDGothicNeo.ttc", "NotoSansCJK-Bold.ttc"),
}
_FONT_DIRS = (
    "/usr/share/fonts/truetype/nanum",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    os.path.join(os.environ.get("WINDIR", "C:/Windows"), "Fonts"),
    "/System/Library/Fonts",
    "/Library/Fonts",
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _bundled_font(name: str) -> Path | None:
    try:
        from academy_desktop.resources import resource_path
    except ImportError:
        return None
    try:
        path = Path(resource_path("fonts", name))
    except (OSError, LookupError, ValueError):
        return None
    return path if path.is_file() else None


@lru_cache(maxsize=2)
def find_font(bold: bool = False) -> Path | None:
    """A font file with Hangul: bundled ``resources/fonts``, then the system; ``None`` if none."""
    for name in _FONT_NAMES[bold]:
        bundled = _bundled_font(name)
        if bundled is not None:
            return bundled
        for folder in _FONT_DIRS:
            path = Path(folder) / name
            if path.is_file():
                return path
    return find_font(False) if bold else None


@lru_cache(maxsize=512)
def font(size_px: int, bold: bool) -> Font:
    """A cached font of ``size_px`` pixels: Hangul-capable if one is found, else Pillow's."""
    size_px = max(4, size_px)
    path = find_font(bold)
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size_px)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size_px)
    except (OSError, TypeError):  # Pillow without FreeType
        return ImageFont.load_default()


class Canvas:
    """An RGB image plus a queue of texts; geometry given in template units."""

    def __init__(self, page_size: tuple[float, float], scale: float) -> None:
        self.s = scale
        w, h = page_size
        self.img = np.full((max(1, round(h * scale)), max(1, round(w * scale)), 3), 255, np.uint8)
        self.texts: list[tuple[float, float, str, float, RGB, str, bool]] = []

    def _p(self, x: float, y: float) -> tuple[int, int]:
        return round(x * self.s * _ONE), round(y * self.s * _ONE)

    def thick(self, mm: float) -> int:
        return max(1, round(mm * self.s))

    def ellipse(self, box: Box, color: RGB, width: float, fill: bool = False) -> None:
        x0, y0, x1, y1 = box
        t = -1 if fill else self.thick(width)
        inset = 0.0 if fill else t / (2.0 * self.s)
        axes = (
            round(max(0.1, (x1 - x0) / 2 - inset) * self.s * _ONE),
            round(max(0.1, (y1 - y0) / 2 - inset) * self.s * _ONE),
        )
        centre = self._p((x0 + x1) / 2, (y0 + y1) / 2)
        cv2.ellipse(self.img, centre, axes, 0, 0, 360, color, t, cv2.LINE_AA, _SHIFT)

    def rect(self, box: Box, color: RGB, width: float, fill: bool = False) -> None:
        x0, y0, x1, y1 = box
        if fill:
            pts = np.array([self._p(x0, y0), self._p(x1, y0), self._p(x1, y1), self._p(x0, y1)])
            cv2.fillConvexPoly(self.img, pts, color, cv2.LINE_AA, _SHIFT)
            return
        t = self.thick(width)
        inset = t / (2.0 * self.s)
        cv2.rectangle(
            self.img,
            self._p(x0 + inset, y0 + inset),
            self._p(x1 - inset, y1 - inset),
            color,
            t,
            cv2.LINE_AA,
            _SHIFT,
        )

    def line(
        self, a: tuple[float, float], b: tuple[float, float], color: RGB, width: float
    ) -> None:
        cv2.line(self.img, self._p(*a), self._p(*b), color, self.thick(width), cv2.LINE_AA, _SHIFT)

    def square(self, cx: float, cy: float, size: float) -> None:
        """A solid black square with exact, anti-aliased edges (pixel area coverage)."""
        h, w = self.img.shape[:2]
        a0, a1 = (cx - size / 2) * self.s, (cx + size / 2) * self.s
        b0, b1 = (cy - size / 2) * self.s, (cy + size / 2) * self.s
        i0, i1 = max(0, int(np.floor(a0))), min(w, int(np.ceil(a1)) + 1)
        j0, j1 = max(0, int(np.floor(b0))), min(h, int(np.ceil(b1)) + 1)
        if i0 >= i1 or j0 >= j1:
            return
        ix = np.arange(i0, i1, dtype=np.float64)
        jy = np.arange(j0, j1, dtype=np.float64)
        cov_x = np.clip(np.minimum(ix + 0.5, a1) - np.maximum(ix - 0.5, a0), 0.0, 1.0)
        cov_y = np.clip(np.minimum(jy + 0.5, b1) - np.maximum(jy - 0.5, b0), 0.0, 1.0)
        keep = 1.0 - np.outer(cov_y, cov_x)
        roi = self.img[j0:j1, i0:i1].astype(np.float64)
        self.img[j0:j1, i0:i1] = np.rint(roi * keep[:, :, None]).astype(np.uint8)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        color: RGB = INK,
        anchor: str = "mm",
        bold: bool = False,
    ) -> None:
        self.texts.append((x, y, text, size, color, anchor, bold))

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        """Width in template units of ``text`` at em ``size`` (template units)."""
        px = max(4, round(size * self.s))
        return float(font(px, bold).getlength(text)) / self.s * (size * self.s / px)

    def fit(self, text: str, size: float, max_width: float, bold: bool = False) -> float:
        """The largest em size <= ``size`` at which ``text`` fits ``max_width``."""
        width = self.text_width(text, size, bold)
        return size if width <= max_width or width <= 0 else size * max_width / width

    def finish(self) -> np.ndarray:
        if not self.texts:
            return self.img
        pil = Image.fromarray(self.img)
        draw = ImageDraw.Draw(pil)
        for x, y, text, size, color, anchor, bold in self.texts:
            face = font(max(4, round(size * self.s)), bold)
            draw.text((x * self.s, y * self.s), text, fill=color, font=face, anchor=anchor)
        return np.asarray(pil)
