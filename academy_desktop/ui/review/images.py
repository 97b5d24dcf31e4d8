"""The pictures behind the review overlays, made off the UI thread.

:func:`load_sheet_image` runs on a worker thread (the ``"work"`` lane): it decodes
the page exactly as it was graded, takes the homography the grader stored (or finds
it again for workspaces graded before it was stored), and warps the page onto the
template frame at :func:`display_scale`. QImages may be built off the UI thread;
the UI thread only turns them into pixmaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtGui import QImage

from academy_desktop.engine.align.aligner import align, warp
from academy_desktop.engine.manual import load_sheet_gray
from academy_desktop.engine.template.model import Template
from academy_desktop.store.review_sheet import SheetData

DISPLAY_WIDTH = 1600.0  # scene units across the template page (about 200 dpi on A4)


def display_scale(t: Template) -> float:
    """Scene units per template unit for a template (the aligned picture's px per unit)."""
    return DISPLAY_WIDTH / max(t.page_size[0], 1e-6)


@dataclass
class SheetImage:
    """A sheet's pictures: aligned to the template, and as scanned (grayscale)."""

    submission_id: int
    aligned: QImage  # the template page at display_scale px per unit
    original: QImage  # the page as graded
    h: np.ndarray  # 3x3: template units -> pixels of ``original``
    aligned_half: QImage | None = None  # half size: drawn when zoomed out (faster)
    original_half: QImage | None = None


def _to_qimage(gray: np.ndarray) -> QImage:
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    h, w = gray.shape[:2]
    return QImage(gray.data, w, h, gray.strides[0], QImage.Format.Format_Grayscale8).copy()


def load_gray(path: Path, page: int, image_size: tuple[int, int] | None = None) -> np.ndarray:
    """The page (1-based) as the grader saw it, 8-bit grayscale, at the size it was
    graded at (a PDF graded at 300 dpi is rendered at 300 dpi again)."""
    return np.asarray(load_sheet_gray(Path(path), page, image_size=image_size))


def sheet_homography(sheet: SheetData, gray: np.ndarray) -> np.ndarray:
    """The stored homography when it fits this image, else the template found again."""
    size = (int(gray.shape[1]), int(gray.shape[0]))
    if sheet.homography is not None and sheet.image_size in (None, size):
        return np.array(sheet.homography, dtype=np.float64)
    return align(gray, sheet.template).h


def load_sheet_image(sheet: SheetData) -> SheetImage:
    """Decode, place and warp one sheet (worker thread; raises the engine's errors)."""
    if sheet.image_path is None:
        raise FileNotFoundError(str(sheet.image_path))
    gray = load_gray(sheet.image_path, sheet.page, sheet.image_size)
    h = sheet_homography(sheet, gray)
    frame = warp(gray, h, sheet.template, display_scale(sheet.template))
    return SheetImage(
        sheet.submission_id,
        _to_qimage(frame),
        _to_qimage(gray),
        h,
        _to_qimage(_half(frame)),
        _to_qimage(_half(gray)),
    )


def _half(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape[:2]
    return cv2.resize(gray, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
