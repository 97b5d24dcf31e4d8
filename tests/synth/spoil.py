"""Pages the aligner cannot place, for manual-alignment tests: a real page with its
corner marks painted over and scribbles in the empty bottom margin."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import transform_points
from academy_desktop.engine.answerkey import AnswerKey
from academy_desktop.engine.grade import grade_image
from academy_desktop.engine.manual import PointKind, load_sheet_gray, template_corner_points
from academy_desktop.engine.result import PageResult
from academy_desktop.engine.template.model import Template


def true_clicks(r: PageResult, t: Template, kind: PointKind) -> np.ndarray:
    """Where the template's corner points fall in the graded image (the true clicks)."""
    assert r.alignment is not None
    h = np.array(r.alignment["homography"], dtype=np.float64)
    return transform_points(h, np.array(template_corner_points(t, kind)))


def spoil(gray: np.ndarray, r: PageResult, t: Template) -> np.ndarray:
    """The page with its corner marks painted over and scribbles in the empty bottom
    margin: the aligner no longer finds the sheet, the bubbles are untouched."""
    assert r.alignment is not None
    h = np.array(r.alignment["homography"], dtype=np.float64)
    out = gray.copy()
    for m in t.alignment.markers:
        pts = transform_points(h, np.array([[m.cx - m.size, m.cy - m.size],
                                            [m.cx + m.size, m.cy + m.size]]))  # fmt: skip
        (x0, y0), (x1, y1) = pts.astype(int)
        cv2.rectangle(out, (x0, y0), (x1, y1), 235, -1)
    rng = np.random.default_rng(8)
    for _ in range(8):
        ends = np.column_stack([rng.uniform(5, 205, 2), rng.uniform(240, 292, 2)])
        a, b = transform_points(h, ends).astype(int)
        cv2.line(out, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), 50, 9)
    return out


def spoiled_scan(source: Path, t: Template, key: AnswerKey, out: Path) -> tuple[Path, np.ndarray]:
    """Write a spoiled JPEG of ``source`` to ``out``; returns it and the true marker centres."""
    gray = load_sheet_gray(source, 1)
    auto = grade_image(gray, t, key)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".jpg", spoil(gray, auto, t), [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    out.write_bytes(data.tobytes())
    return out, true_clicks(auto, t, "markers")
