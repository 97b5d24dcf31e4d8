"""Homework photo and scan analysis: checks, page detection and deskew, handwriting
scores, OCR and question boxes.

Files are decoded with :mod:`academy_desktop.engine.inputs` (JPEG, PNG, WebP, BMP,
TIFF and PDF pages), with the homework photo limit of 20 MB. Each page is checked
(:data:`MIN_SHORT_SIDE`, too dark, blurred), the paper is found and flattened when it
is a photo of a page on a background, small rotations are straightened, then the page
is measured.

Handwriting scores are calibrated on a normalised copy of the page (fixed width, paper
brightness divided out), so they do not depend on resolution or lighting:

- ``writing_score``: the share of the page covered by ink, mapped so that the ink of a
  typical printed worksheet (questions only, up to ~3% of the page) scores below 0.3 and
  a worked page (answers and working written in, 6% or more) scores above 0.7;
- ``calculation_score``: the density of small ink marks (digits, operators, working)
  per page area, mapped the same way.

Both are in 0..1. :func:`analyse_image` returns one dict per page.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from academy_desktop.engine import inputs
from academy_desktop.engine.homework.contact_sheet import page_thumbnail
from academy_desktop.engine.homework.ocr import ocr as run_ocr
from academy_desktop.engine.homework.segment import Method, segment_questions
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.quality import assess
from academy_desktop.engine.rejections import Code, Rejection

MAX_FILE_BYTES = 20 * 1024 * 1024  # the seed's homework photo limit
MIN_SHORT_SIDE = 600  # px, the seed's limit
DARK_PAPER = 60  # the brightest 1% darker than this grey: too dark
MIN_SHARPNESS = 0.18  # quality.assess edge sharpness below this: blurred or shaken
MAX_SKEW = 15.0  # degrees corrected by deskew
WORK_WIDTH = 1200  # width of the normalised copy the scores are measured on
THUMB_WIDTH = 480  # width of a page's thumbnail_png
INK_LEVEL = 0.72  # a pixel is ink below this share of the local paper brightness
# calibration (see the module docstring): (score 0.5 point, width of the ramp)
WRITING_CAL = (0.035, 0.008)
CALC_CAL = (130.0, 30.0)  # small marks per megapixel of the normalised page


# ------------------------------------------------------------------------ loading, checks


def check_file_size(path: Path) -> None:
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise Rejection(Code.FILE_UNREADABLE, str(exc)) from None
    if size > MAX_FILE_BYTES:
        mb = size / (1024 * 1024)
        raise Rejection(Code.FILE_TOO_LARGE, f"{mb:.1f} MB > {MAX_FILE_BYTES >> 20} MB")


def load_pages(path: Path | str) -> list[inputs.LoadedPage]:
    """Every page of an image or PDF, grayscale; raises :class:`Rejection`."""
    path = Path(path)
    check_file_size(path)
    return [inputs.load_page(ref) for ref in inputs.list_pages(path)]


def prevalidate(gray: np.ndarray, original_size: tuple[int, int] | None = None) -> None:
    """Raise :class:`Rejection` (RESOLUTION_TOO_LOW, TOO_DARK, BLUR_OR_SHAKE) for an
    unusable page. ``original_size`` (width, height) before any reduction on loading."""
    width, height = original_size or (gray.shape[1], gray.shape[0])
    if min(width, height) < MIN_SHORT_SIDE:
        raise Rejection(
            Code.RESOLUTION_TOO_LOW, f"{width}x{height} px, short side < {MIN_SHORT_SIDE} px"
        )
    paper = float(np.percentile(gray, 99))
    if paper < DARK_PAPER:
        raise Rejection(Code.TOO_DARK, f"brightest 1% of pixels below grey {paper:.0f}")
    sharpness = assess(gray).sharpness
    if sharpness < MIN_SHARPNESS:  # nan (too few edges to judge) passes
        raise Rejection(Code.BLUR_OR_SHAKE, f"edge sharpness {sharpness:.3f}")


# ------------------------------------------------------------------- page and deskew


def _order_corners(pts: np.ndarray) -> np.ndarray:
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def find_page(gray: np.ndarray) -> np.ndarray | None:
    """The four corners (TL, TR, BR, BL) of a bright paper sheet on a darker background,
    or None when the page fills the image (a scan) or no sheet is clear."""
    h, w = gray.shape
    scale = min(1.0, 800 / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(largest) / float(small.shape[0] * small.shape[1])
    if not 0.2 <= area <= 0.95:
        return None
    approx = cv2.approxPolyDP(largest, 0.02 * cv2.arcLength(largest, True), True)
    if len(approx) != 4 or not cv2.isContourConvex(approx):
        return None
    return _order_corners(approx.reshape(4, 2).astype(np.float32) / scale)


def flatten_page(gray: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The sheet inside ``corners`` warped to an upright rectangle."""
    tl, tr, br, bl = corners
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def _ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink (True) relative to the local paper brightness."""
    k = max(15, (min(gray.shape) // 30) | 1)
    paper = cv2.morphologyEx(
        gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    ratio = gray.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    return ratio < INK_LEVEL


def skew_angle(gray: np.ndarray) -> float:
    """The text rotation in degrees (positive: counter-clockwise) within ±MAX_SKEW, found
    as the angle whose horizontal ink profile is most peaked (text lines are sharpest)."""
    scale = min(1.0, 600 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = _ink_mask(small).astype(np.uint8) * 255
    if np.count_nonzero(ink) < 50:
        return 0.0
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def score(angle: float) -> float:
        rot = cv2.getRotationMatrix2D(centre, -angle, 1.0)
        turned = cv2.warpAffine(ink, rot, (w, h), flags=cv2.INTER_NEAREST)
        profile = turned.sum(axis=1, dtype=np.float64)
        return float(np.var(profile))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0), key=score)
    fine = np.arange(best - 1.0, best + 1.01, 0.1)
    return round(float(max(fine, key=score)), 2)


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """(the page rotated upright, the angle corrected in degrees)."""
    angle = skew_angle(gray)
    if abs(angle) < 0.2:
        return gray, 0.0
    h, w = gray.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
    new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
    rot[0, 2] += new_w / 2 - w / 2
    rot[1, 2] += new_h / 2 - h / 2
    straight = cv2.warpAffine(
        gray, rot, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=int(np.percentile(gray, 95))
    )
    return straight, angle


def prepare_page(gray: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """(flattened, deskewed page, {page_found, skew_degrees})."""
    corners = find_page(gray)
    page = flatten_page(gray, corners) if corners is not None else gray
    straight, angle = deskew(page)
    return straight, {"page_found": corners is not None, "skew_degrees": angle}


# ------------------------------------------------------------------------ handwriting


def _ramp(value: float, calibration: tuple[float, float]) -> float:
    centre, width = calibration
    return 1.0 / (1.0 + math.exp(-(value - centre) / width))


def handwriting_scores(gray: np.ndarray) -> dict[str, float]:
    """``{writing_score, calculation_score}`` in 0..1 (calibration: module docstring),
    plus the raw measures ``ink_fraction`` and ``marks_per_mpx``."""
    h, w = gray.shape
    factor = WORK_WIDTH / w
    work = cv2.resize(
        gray,
        (WORK_WIDTH, max(1, round(h * factor))),
        interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR,
    )
    ink = _ink_mask(work)
    # ignore a thin border: shadows and page edges are not writing
    margin = WORK_WIDTH // 50
    ink[:margin, :] = ink[-margin:, :] = False
    ink[:, :margin] = ink[:, -margin:] = False
    ink_fraction = float(np.count_nonzero(ink)) / ink.size
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    # marks the size of a digit or symbol: not specks, not lines or blocks
    marks = int(np.count_nonzero((areas >= 8) & (heights >= 4) & (heights <= 80)))
    marks_per_mpx = marks / (ink.size / 1e6)
    return {
        "writing_score": round(_ramp(ink_fraction, WRITING_CAL), 4),
        "calculation_score": round(_ramp(marks_per_mpx, CALC_CAL), 4),
        "ink_fraction": round(ink_fraction, 5),
        "marks_per_mpx": round(marks_per_mpx, 1),
    }


# ---------------------------------------------------------------------------- analysis


def analyse_page(
    gray: np.ndarray,
    *,
    original_size: tuple[int, int] | None = None,
    ocr: bool = True,
    segmentation: Method = "auto",
    model_path: Path | str | None = None,
    thumbnail: bool = False,
) -> dict[str, Any]:
    """Checks, prepares and measures one grey page; raises :class:`Rejection`.
    ``thumbnail`` adds ``thumbnail_png``: the flattened, deskewed page as PNG bytes."""
    prevalidate(gray, original_size)
    page, geometry = prepare_page(gray)
    boxes, used = segment_questions(page, segmentation, model_path=model_path)
    result: dict[str, Any] = {
        **geometry,
        "width": int(page.shape[1]),
        "height": int(page.shape[0]),
        **handwriting_scores(page),
        "questions": [list(b) for b in boxes],
        "segmentation": used,
    }
    if ocr:
        result["ocr"] = run_ocr(page)
    if thumbnail:
        result["thumbnail_png"] = page_thumbnail(page, THUMB_WIDTH)
    return result


def analyse_image(
    path: Path | str,
    *,
    ocr: bool = True,
    segmentation: Method = "auto",
    model_path: Path | str | None = None,
    state: TaskState | None = None,
    thumbnails: bool = False,
) -> dict[str, Any]:
    """``{source, pages: [...]}`` for a photo, scan or PDF.

    The file itself failing (too large, unreadable, wrong format) raises
    :class:`Rejection`; a page that fails its checks is reported in its entry as
    ``{index, rejected: {code, message}}`` and the other pages are still analysed.
    ``thumbnails`` adds ``thumbnail_png`` (PNG bytes, :data:`THUMB_WIDTH` px wide) to
    every page: the flattened, deskewed page, or the page as loaded when it was rejected
    (so staff see why). :func:`to_jsonable` makes the result JSON-serialisable.
    """
    pages = load_pages(path)
    out: list[dict[str, Any]] = []
    for i, loaded in enumerate(pages):
        if state is not None:
            state.check()
            state.report(i / len(pages), f"page {i + 1}/{len(pages)}")
        size = loaded.original_size
        try:
            entry = analyse_page(
                loaded.image,
                original_size=size,
                ocr=ocr,
                segmentation=segmentation,
                model_path=model_path,
                thumbnail=thumbnails,
            )
        except Rejection as rej:
            entry = {"rejected": {"code": str(rej.code), "message": rej.message}}
        except Exception as exc:  # one bad page must not lose the others
            internal = Rejection(Code.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
            entry = {"rejected": {"code": str(internal.code), "message": internal.message}}
        if thumbnails and "thumbnail_png" not in entry:
            entry["thumbnail_png"] = page_thumbnail(loaded.image, THUMB_WIDTH)
        out.append({"index": i, **entry})
    if state is not None:
        state.report(1.0, "done")
    return {"source": "homework_image", "pages": out}


def to_jsonable(result: dict[str, Any]) -> dict[str, Any]:
    """A copy of an :func:`analyse_image` result that ``json.dumps`` accepts (each page's
    ``thumbnail_png`` as base64 text)."""
    out = dict(result)
    out["pages"] = [
        {
            **p,
            **(
                {"thumbnail_png": base64.b64encode(p["thumbnail_png"]).decode("ascii")}
                if isinstance(p.get("thumbnail_png"), bytes | bytearray)
                else {}
            ),
        }
        for p in result.get("pages", [])
    ]
    return out


__all__ = [
    "MAX_FILE_BYTES",
    "MIN_SHORT_SIDE",
    "analyse_image",
    "analyse_page",
    "deskew",
    "find_page",
    "flatten_page",
    "handwriting_scores",
    "load_pages",
    "prepare_page",
    "prevalidate",
    "skew_angle",
    "to_jsonable",
]
