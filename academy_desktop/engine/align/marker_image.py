"""Marker and reference pictures of OMRChecker templates (``CropOnMarkers``,
``FeatureBasedAlignment``): read once, prepared once per batch.

The search for the markers themselves is in :mod:`academy_desktop.engine.align.markers`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from academy_desktop.engine.align import markers, page
from academy_desktop.engine.align.geometry import quad_sides
from academy_desktop.engine.align.marker_model import MarkerModel, MarkerQuad
from academy_desktop.engine.align.reference import turn_is_clear
from academy_desktop.engine.rejections import Code, Rejection
from academy_desktop.engine.template.model import Template


def load_marker(path: Path) -> np.ndarray:
    data = np.fromfile(str(path), dtype=np.uint8) if path.is_file() else np.zeros(0, np.uint8)
    marker = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
    if marker is None:
        raise Rejection(Code.ALIGNMENT_FAILED, f"marker image not readable: {path.name}")
    return marker


@functools.lru_cache(maxsize=8)
def _model(path: Path, stamp: tuple[int, int]) -> MarkerModel:
    return MarkerModel.from_picture(load_marker(path))


def marker_model(path: Path) -> MarkerModel:
    """The marker picture at ``path`` prepared for matching (cached while the file is
    unchanged: every page of a batch uses the same one)."""
    path = Path(path)
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    return _model(path, stamp)


# How much better the chosen quarter turn must match the sheet than the next best is
# reference.turn_is_clear, as for the other aligners; measured margins: CropOnMarkers
# samples 0.31-0.49, synthetic omr_circles 0.56, red drop-out cards 0.46, the
# half-turn-symmetric grid 0.000-0.004.
# a page whose best turn matches the template's drawn bubbles worse than this is not
# the template's sheet (the markers were something else)
MIN_PAGE_MATCH = 0.05


def locate(gray: np.ndarray, t: Template, small: np.ndarray, f: float) -> MarkerQuad:
    """The template's four markers in ``gray`` (``small`` is ``gray`` reduced by ``f``
    with ``geometry.downscale``), clockwise from the picture's top-left; raises
    ``ALIGNMENT_FAILED`` when no four (or three and a predicted fourth) fit the
    template."""
    a = t.alignment
    if a.marker_image is None:
        raise Rejection(Code.ALIGNMENT_FAILED, "template names no marker image")
    model = marker_model(a.marker_image)
    paper = None
    if a.crop_page_first:  # OMRChecker's CropPage first: the paper's size sets the scale
        found = page.find_page(small)
        if found is not None:
            sides = quad_sides(found[0]) / f
            paper = (float(sides.min()), float(sides.max()))
    w, h = t.page_size
    ratio = a.marker_width_ratio or 17.0
    fit = markers.find_quad(gray, model, w / h, ratio, paper, reduced=(small, f))
    if fit is None:
        raise Rejection(Code.ALIGNMENT_FAILED, "corner markers not found")
    return fit


def turns(fit: MarkerQuad, t: Template) -> tuple[int, ...]:
    """The quarter turns the markers' quad allows (see :func:`markers.expected_turns`)."""
    w, h = t.page_size
    return markers.expected_turns(fit.corners, w / h)


def describe(
    fit: MarkerQuad, scores: dict[int, float], hs: dict[int, np.ndarray]
) -> tuple[int, dict[str, Any]]:
    """The quarter turn to read the page at and the ``Aligned.details`` of a marker
    alignment: the markers, and how sure the turn is (``scores``: page match per turn,
    ``hs``: homography per turn).

    The turn whose page looks most like the template wins. When it does not win clearly
    (``reference.turn_is_clear``), markers that are not symmetric under a half turn (all
    four found the same way round) decide; failing that the page is left
    ``orientation_undecided`` with the two best turns' homographies, for its content to
    settle. Raises ``ALIGNMENT_FAILED`` when no turn makes the page look like the
    template."""
    ranked = sorted(scores, key=lambda k: -scores[k])
    best = scores[ranked[0]]
    if best < MIN_PAGE_MATCH:
        raise Rejection(
            Code.ALIGNMENT_FAILED,
            f"the markers were found but the page does not match the template ({best:.2f})",
        )
    second = scores[ranked[1]] if len(ranked) > 1 else -1.0
    margin = best - second if len(ranked) > 1 else 1.0
    details: dict[str, Any] = {
        "marker_score": round(fit.score, 4),
        "markers_found": fit.found,
        "marker_geometry": round(fit.geometry, 4),
        "marker_candidates": fit.candidates,
        "orientation_margin": round(margin, 4),
    }
    k = ranked[0]
    if fit.turn is not None and fit.turn in scores:
        details["marker_rotation"] = fit.turn * 90
    if not turn_is_clear(best, second):
        if fit.turn is not None and fit.turn in scores:
            k = fit.turn
            details["orientation_method"] = "markers"
        else:
            details["orientation_undecided"] = True
            details["orientation_candidates"] = {
                str(kk * 90): [[float(f"{v:.6g}") for v in row] for row in hs[kk]]
                for kk in ranked[:2]
            }
    return k, details
