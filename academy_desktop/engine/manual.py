"""Manual alignment: grade a page from the four points a person clicked on it.

When the automatic alignment fails (``NOT_A_SHEET``, ``ALIGNMENT_FAILED``: marks torn
off, painted over, the paper folded), staff click the page's four corners, or the
four corner marks, on the original image. :func:`grade_with_points` maps the
template onto those points and reads the sheet exactly as
:func:`~academy_desktop.engine.grade.grade_image` does after its own alignment
(the same :func:`~academy_desktop.engine.grade.grade_aligned`).

The clicks may come in any order: they are sorted clockwise from the top-left on
screen. A page scanned upside down or sideways is handled like the automatic
aligner does: of the corner labellings that fit the sheet's proportions, the one
whose page looks most like the blank sheet wins (``alignment["rotation"]``).

:func:`load_sheet_gray` reloads the very image the batch graded (same decoder, same
size reduction, and given the stored ``alignment["image_size"]`` the same PDF
resolution), so a stored ``alignment["homography"]`` applies to it and clicked
points are in its pixels.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from academy_desktop.engine.align.aligner import SMALL_SIDE, Aligned, _best_rotation
from academy_desktop.engine.align.geometry import (
    downscale,
    is_convex_quad,
    mean_scale,
    order_clockwise,
    page_corners,
    quad_area,
)
from academy_desktop.engine.grade import error_result, grade_aligned
from academy_desktop.engine.inputs import MAX_PIXELS, load_page, pdf_dpi_for_size, plan_pages
from academy_desktop.engine.rejections import Code, Rejection
from academy_desktop.engine.result import PageResult
from academy_desktop.engine.template.model import Template

if TYPE_CHECKING:
    from academy_desktop.engine.answerkey import AnswerKey

__all__ = ["PointKind", "grade_with_points", "load_sheet_gray", "template_corner_points"]

PointKind = Literal["page", "markers"]
POINT_KINDS: tuple[PointKind, ...] = ("page", "markers")
MIN_AREA_SHARE = 0.01  # the clicked quad must cover at least 1 % of the image
SQUARE_ASPECT = 0.08  # closer to square than this: try all four orientations


def load_sheet_gray(
    path: Path, page: int, *, image_size: tuple[int, int] | None = None
) -> np.ndarray:
    """The grayscale image the grading pipeline reads for ``page`` (1-based) of ``path``.

    Same page planning and decoding as :func:`academy_desktop.engine.pipeline.grade_item`
    (``plan_pages`` then ``load_page`` with its default size limit), so the
    ``homography`` stored with a result maps template units onto this image's
    pixels.

    ``image_size`` is the ``(width, height)`` the page was graded at (a result's
    ``alignment["image_size"]``). Give it whenever it is known: a PDF page is then
    rendered at the resolution that reproduces that size (a page graded at 300 dpi
    comes back at 300 dpi, whatever the setting is now), and an image that still
    differs in size (any format) is scaled to it, so the stored homography applies.
    Without it, PDF pages come at the default 200 dpi.

    Raises :class:`Rejection` when the file or page cannot be read, ValueError for an
    ``image_size`` that is not two positive whole numbers within the pixel limit.
    """
    size = None if image_size is None else _checked_size(image_size)
    refs = plan_pages(Path(path))
    if not 1 <= page <= len(refs):
        raise Rejection(Code.FILE_UNREADABLE, f"page {page} not found ({len(refs)} pages)")
    ref = refs[page - 1]
    if size is not None:
        dpi = pdf_dpi_for_size(ref, size)
        if dpi is not None:
            ref = replace(ref, pdf_dpi=dpi)
    gray = load_page(ref).image
    if size is not None and (gray.shape[1], gray.shape[0]) != size:
        shrink = size[0] * size[1] < gray.shape[0] * gray.shape[1]
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return gray


def _checked_size(image_size: Sequence[int]) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in image_size)
        whole = (width, height) == tuple(image_size)
    except (TypeError, ValueError, OverflowError):
        whole = False
    if not whole or width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise ValueError(f"image_size must be (width, height) in pixels, not {image_size!r}")
    return width, height


def template_corner_points(template: Template, kind: PointKind) -> list[tuple[float, float]]:
    """The template points the clicks stand for, in template units, clockwise from the
    top-left: the page corners (``"page"``) or the corner marks' centres (``"markers"``).

    A template aligned by a marker picture (OMRChecker ``CropOnMarkers``) spans the
    markers' centres, so its markers are its page corners. Raises ``ValueError`` for
    ``"markers"`` on a template without corner marks.
    """
    if kind not in POINT_KINDS:
        raise ValueError(f"kind must be 'page' or 'markers', not {kind!r}")
    if kind == "page":
        pts = page_corners(template)
    elif len(template.alignment.markers) == 4:
        marks = [(m.cx, m.cy) for m in template.alignment.markers]
        pts = order_clockwise(np.array(marks, dtype=np.float32))
    elif template.alignment.method == "marker_image":
        pts = page_corners(template)
    else:
        raise ValueError(
            "이 양식에는 모서리 표시가 없습니다. 종이의 네 모서리를 눌러 주세요 / "
            "This sheet layout has no corner marks: click the four page corners."
        )
    return [(float(x), float(y)) for x, y in np.asarray(pts, dtype=np.float64)]


def _clicked(points: Sequence[Sequence[float]]) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64)
    if pts.shape != (4, 2):
        raise ValueError(f"4 points (x, y) are needed, got an array of shape {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ValueError("the points must be finite numbers")
    return pts


def _aspect(pts: np.ndarray) -> float:
    w = float(np.linalg.norm(pts[1] - pts[0]) + np.linalg.norm(pts[2] - pts[3]))
    h = float(np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1]))
    return w / h if h else 1.0


def _orientations(src: np.ndarray, quad: np.ndarray) -> tuple[int, ...]:
    """The corner labellings whose proportions fit: upright or upside down when the
    clicked quad has the template's shape, a quarter turn either way when it is turned."""
    want = _aspect(src)
    if abs(want - 1.0) < SQUARE_ASPECT:
        return (0, 1, 2, 3)
    got = _aspect(quad)
    return (0, 2) if abs(got - want) <= abs(1.0 / got - want) else (1, 3)


def grade_with_points(
    gray: np.ndarray,
    template: Template,
    key: AnswerKey | None,
    points: Sequence[Sequence[float]],
    *,
    kind: PointKind,
    source: str = "",
    page: int = 1,
    template_name: str | None = None,
) -> PageResult:
    """Grade ``gray`` with the template mapped onto four clicked ``points`` (image px).

    ``kind="page"``: the points are the paper's corners; ``"markers"``: the centres
    of the four corner marks (see :func:`template_corner_points`). Any click order is
    accepted. The result is what :func:`~academy_desktop.engine.grade.grade_image`
    returns, with ``alignment["method"] == "manual"``, ``alignment["manual_kind"]``
    and the sorted points in ``alignment["points"]``. Points that do not form a
    convex quadrilateral, or a mapping under which the bubble blocks do not match the
    sheet, give a ``rejected`` result (``ALIGNMENT_FAILED``); never raises for a bad
    page. Raises ``ValueError`` for a wrong number of points or an unknown ``kind``.
    """
    name = template_name or template.name
    t0 = time.perf_counter()
    src = np.asarray(template_corner_points(template, kind), dtype=np.float32)
    clicked = _clicked(points)
    try:
        quad = order_clockwise(clicked)
        area = quad_area(quad)
        if not is_convex_quad(quad) or area < MIN_AREA_SHARE * gray.shape[0] * gray.shape[1]:
            raise Rejection(
                Code.ALIGNMENT_FAILED, "the four points do not enclose the sheet (not convex)"
            )
        small, f = downscale(gray, SMALL_SIDE)
        h, k, score, _ = _best_rotation(small, f, template, src, quad * f, _orientations(src, quad))
        if not math.isfinite(score):
            score = 0.0
        aligned = Aligned(
            h,
            "manual",
            k * 90,
            float(score),
            mean_scale(h, template),
            {
                "manual_kind": kind,
                "points": [[round(float(x), 2), round(float(y), 2)] for x, y in quad],
            },
        )
    except Rejection as r:
        return PageResult(source, page, "rejected", name, r.code.value, r.message)
    except Exception as exc:  # a bug must cost this page only
        return error_result(exc, source, page, name)
    return grade_aligned(
        gray, template, aligned, key, source=source, page=page, template_name=name, started=t0
    )
