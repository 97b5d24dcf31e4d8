"""What a blank sheet looks like, rendered once per template and scale and cached."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from academy_desktop.engine.template.model import Template

_lock = threading.Lock()


def frame_size(t: Template, scale: float) -> tuple[int, int]:
    """(width, height) in pixels of the template page at ``scale`` px per unit."""
    w, h = t.page_size
    return max(1, round(w * scale)), max(1, round(h * scale))


_cache: dict[tuple[int, float, tuple[int, int]], tuple[Template, np.ndarray]] = {}
_CACHE_MAX = 16


def _render(t: Template, scale: float, size: tuple[int, int]) -> np.ndarray:
    from academy_desktop.engine.render import render_sheet, template_to_px

    per_unit_at_100 = template_to_px(t, 100.0) / 100.0  # px per unit per dpi
    img = render_sheet(t, dpi=scale / per_unit_at_100, color=False, title=True)
    if (img.shape[1], img.shape[0]) != size:
        img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    img.setflags(write=False)
    return img


def reference(t: Template, scale: float) -> np.ndarray:
    """The blank sheet, grayscale, exactly ``frame_size(t, scale)`` (read-only, shared)."""
    # the size is part of the key: the rounded scale can round the frame differently
    # (1500 units at 0.195016 -> 293 px, at 0.195 -> 292)
    size = frame_size(t, scale)
    key = (id(t), round(scale, 4), size)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is t:
            return hit[1]
        img = _render(t, key[1], size)
        if len(_cache) >= _CACHE_MAX:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (t, img)
        return img


def ncc(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation of two equally sized images (-1..1)."""
    fa = a.astype(np.float32).ravel()
    fb = b.astype(np.float32).ravel()
    fa -= fa.mean()
    fb -= fb.mean()
    den = float(np.sqrt((fa * fa).sum() * (fb * fb).sum()))
    return float((fa * fb).sum() / den) if den > 0 else 0.0


# Two quarter turns whose pages match the drawn bubbles this closely are a tie. Measured:
# the right way up wins by 0.07-0.53 on real and synthetic pages; an exactly symmetric
# grid by < 0.01 (scores ~0.74 both ways); a coarse, badly fitting scan (70 dpi, 0.07
# against 0.035) by less than the margin but twice over, so the share counts too.
ORIENTATION_MARGIN = 0.05
ORIENTATION_SHARE = 1.5
MIN_MARGIN = 0.02


def turn_is_clear(best: float, second: float) -> bool:
    """Whether the best turn's match with the drawn bubbles beats the next one clearly."""
    margin = best - second
    if margin >= ORIENTATION_MARGIN:
        return True
    return margin >= MIN_MARGIN and best >= ORIENTATION_SHARE * max(second, 0.0)
