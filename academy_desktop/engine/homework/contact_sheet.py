"""Contact sheets: the key frames of a homework video (or the pages of a photo) in one
PNG, laid out in a grid with a caption under each picture.

Every tile is ``thumb_width`` wide and ``thumb_width * TILE_ASPECT`` high (an A4 portrait
page); a picture is scaled to fit inside its tile and centred on white. The sheet is::

    width  = cols * thumb_width + (cols + 1) * GAP
    height = title_h + rows * (tile_h + caption_h + GAP) + GAP

with ``cols = min(columns, n)``, ``rows = ceil(n / cols)``, ``caption_h`` and ``title_h``
from :func:`sheet_size` (``title_h`` is 0 without a title). Captions are ASCII: OpenCV's
Hershey font has no Hangul, so other characters are drawn as ``?``.

Pure numpy/OpenCV.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]

GAP = 8  # px between tiles and around the sheet
TILE_ASPECT = math.sqrt(2.0)  # tile height / width (A4 portrait)
BACKGROUND = (235, 235, 235)
FONT = cv2.FONT_HERSHEY_SIMPLEX
THUMB_WIDTH = 360


def _ascii(text: str) -> str:
    return "".join(c if 32 <= ord(c) < 127 else "?" for c in text)


def _font_scale(thumb_width: int) -> float:
    return max(0.35, thumb_width / 600.0)


def _bar_height(thumb_width: int, scale: float = 1.0) -> int:
    return round(34 * _font_scale(thumb_width) / 0.6 * scale)


def sheet_size(
    count: int, *, columns: int = 4, thumb_width: int = THUMB_WIDTH, title: bool = False
) -> tuple[int, int]:
    """(width, height) in px of the contact sheet of ``count`` pictures."""
    cols = max(1, min(columns, count))
    rows = max(1, math.ceil(count / cols))
    tile_h = round(thumb_width * TILE_ASPECT)
    caption_h = _bar_height(thumb_width)
    title_h = _bar_height(thumb_width, 1.4) if title else 0
    width = cols * thumb_width + (cols + 1) * GAP
    height = title_h + rows * (tile_h + caption_h + GAP) + GAP
    return width, height


def format_time(seconds: float | None) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour), or an empty string for None."""
    if seconds is None:
        return ""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def caption(frame: Mapping[str, Any]) -> str:
    """A tile's caption: ``frame["caption"]`` when given, else ``"p1 first 0:12"`` from
    the 0-based ``page``, ``which`` (``first``/``last``; ``page`` for a photo's page is
    left out) and ``time_s``."""
    if frame.get("caption"):
        return _ascii(str(frame["caption"]))
    parts = [f"p{int(frame.get('page', 0)) + 1}"]
    which = frame.get("which")
    if which and which != "page":
        parts.append(str(which))
    when = format_time(frame.get("time_s"))
    if when:
        parts.append(when)
    return _ascii(" ".join(parts))


def _decode(png: Any) -> Array | None:
    if not isinstance(png, bytes | bytearray | memoryview) or not png:
        return None
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    return img if img is not None and img.size else None


def _fit(img: Array, width: int, height: int) -> Array:
    """``img`` scaled to fit a white ``width`` x ``height`` tile, centred."""
    tile = np.full((height, width, 3), 255, np.uint8)
    h, w = img.shape[:2]
    scale = min(width / w, height / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(img, (nw, nh), interpolation=interp)
    y, x = (height - nh) // 2, (width - nw) // 2
    tile[y : y + nh, x : x + nw] = small
    # a thin frame, so white paper stands out from the white tile
    cv2.rectangle(tile, (x, y), (x + nw - 1, y + nh - 1), (180, 180, 180), 1)
    return tile


def _text(canvas: Array, text: str, x: int, y: int, w: int, h: int, scale: float) -> None:
    """``text`` left-aligned, vertically centred in the box, shrunk to fit its width."""
    thickness = max(1, round(scale * 2))
    (tw, th), _ = cv2.getTextSize(text, FONT, scale, thickness)
    if tw > w - 8:
        scale *= (w - 8) / tw
        thickness = max(1, round(scale * 2))
        (tw, th), _ = cv2.getTextSize(text, FONT, scale, thickness)
    org = (x + 4, y + (h + th) // 2)
    cv2.putText(canvas, text, org, FONT, scale, (30, 30, 30), thickness, cv2.LINE_AA)


def contact_sheet(
    key_frames: Sequence[Mapping[str, Any]],
    *,
    columns: int = 4,
    thumb_width: int = THUMB_WIDTH,
    title: str | None = None,
) -> bytes:
    """A PNG of ``key_frames`` (``{page, which, time_s, png}`` as in the video analysis,
    or :func:`image_tiles` for a photo) in a grid of ``columns``; a picture that cannot
    be decoded shows as a grey tile. With no key frame, one empty tile. The size is
    :func:`sheet_size`."""
    if columns < 1 or thumb_width < 16:
        raise ValueError("columns must be >= 1 and thumb_width >= 16")
    frames = list(key_frames)
    count = max(1, len(frames))
    width, height = sheet_size(
        count, columns=columns, thumb_width=thumb_width, title=title is not None
    )
    cols = max(1, min(columns, count))
    tile_h = round(thumb_width * TILE_ASPECT)
    caption_h = _bar_height(thumb_width)
    title_h = _bar_height(thumb_width, 1.4) if title is not None else 0
    scale = _font_scale(thumb_width)
    sheet = np.full((height, width, 3), BACKGROUND, np.uint8)
    if title is not None:
        _text(sheet, _ascii(title), GAP, 0, width - 2 * GAP, title_h, scale * 1.3)
    for i in range(count):
        row, col = divmod(i, cols)
        x = GAP + col * (thumb_width + GAP)
        y = title_h + GAP + row * (tile_h + caption_h + GAP)
        frame = frames[i] if frames else {"caption": "no pictures"}
        img = _decode(frame.get("png"))
        if img is None:
            tile = np.full((tile_h, thumb_width, 3), 200, np.uint8)
        else:
            tile = _fit(img, thumb_width, tile_h)
        sheet[y : y + tile_h, x : x + thumb_width] = tile
        _text(sheet, caption(frame), x, y + tile_h, thumb_width, caption_h, scale)
    ok, png = cv2.imencode(".png", sheet)
    if not ok:  # pragma: no cover - encoding a uint8 BGR array does not fail
        raise RuntimeError("PNG encoding failed")
    return png.tobytes()


def page_thumbnail(gray: Array, width: int = 480) -> bytes:
    """A PNG of a page (grey or BGR) scaled to ``width`` px wide (never enlarged)."""
    h, w = gray.shape[:2]
    if w > width:
        gray = cv2.resize(gray, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    ok, png = cv2.imencode(".png", gray)
    if not ok:  # pragma: no cover
        raise RuntimeError("PNG encoding failed")
    return png.tobytes()


def image_tiles(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Contact-sheet tiles of an image analysis: each page's ``thumbnail_png`` with
    ``p1`` (``p2 TOO_DARK`` for a rejected page) as its caption."""
    tiles = []
    for i, page in enumerate(result.get("pages") or []):
        index = int(page.get("index", i))
        label = f"p{index + 1}"
        if "rejected" in page:
            label += f" {page['rejected'].get('code', 'rejected')}"
        tiles.append(
            {
                "page": index,
                "which": "page",
                "time_s": None,
                "png": page.get("thumbnail_png"),
                "caption": label,
            }
        )
    return tiles


__all__ = [
    "GAP",
    "THUMB_WIDTH",
    "TILE_ASPECT",
    "caption",
    "contact_sheet",
    "format_time",
    "image_tiles",
    "page_thumbnail",
    "sheet_size",
]
