"""Grade one page: align, measure, decide, score. A pure function of its inputs."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import cv2
import numpy as np

from academy_desktop.engine import damage, quality
from academy_desktop.engine.align import upright
from academy_desktop.engine.align.aligner import Aligned, align, warp
from academy_desktop.engine.align.refine import BlockFit, fit_blocks
from academy_desktop.engine.decide import decide
from academy_desktop.engine.fill import DEFAULT_INK, ink_darkness, measure, remove_printing
from academy_desktop.engine.rejections import Code, Rejection
from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.engine.template.model import Preprocess, Template

if TYPE_CHECKING:
    from academy_desktop.engine.answerkey import AnswerKey

log = logging.getLogger(__name__)

TARGET_BUBBLE_PX = 22.0  # bubbles are read at about this width
MAX_FRAME_PIXELS = 3_000_000
MIN_BUBBLE_PX = 7.0  # below this a bubble cannot be read reliably: RESOLUTION_TOO_LOW
# A block matching the blank sheet worse than the first number is misaligned and
# the page is rejected; below the second its answers are only provisional. A
# native sheet is compared with its exact rendering; an imported (px) layout only
# with drawn bubble outlines, which real printed sheets match less closely.
# Measured on synthetic scans of the bundled sheets: right layout >= 0.35 (phone
# photos, 1st percentile 0.333) and ~0.5 (scans); another sheet's layout <= 0.23.
# Imported layouts: real sheets that a person reads easily score 0.07-0.11 in a
# photo (drawn outlines vs printed bubbles, letters inside), so there a low score
# only flags the block; it is refused below 0.04 (nothing bubble-like there at all).
BLOCK_LIMITS = {"mm": (0.28, 0.31), "px": (0.04, 0.12)}


def processing_scale(t: Template) -> float:
    """Pixels per template unit for reading: bubbles ~22 px wide, the frame <= 3 MP."""
    w, h = t.page_size
    s = TARGET_BUBBLE_PX / max(t.bubble_size, 1e-6)
    return float(min(s, np.sqrt(MAX_FRAME_PIXELS / (w * h))))


def _preprocess(frame: np.ndarray, ops: tuple[Preprocess, ...], scale: float) -> np.ndarray:
    for op in ops:
        if op.name == "GaussianBlur":
            kw, kh = (int(v) for v in op.options.get("kSize", (3, 3)))
            kw, kh = max(1, kw | 1), max(1, kh | 1)
            frame = cv2.GaussianBlur(frame, (kw, kh), float(op.options.get("sigmaX", 0)))
        elif op.name == "Levels":
            low = float(op.options.get("low", 0.0)) * 255.0
            high = float(op.options.get("high", 1.0)) * 255.0
            gamma = float(op.options.get("gamma", 1.0))
            x = np.arange(256, dtype=np.float32)
            lut = np.clip((x - low) / max(high - low, 1.0), 0.0, 1.0) ** (1.0 / gamma) * 255.0
            frame = cv2.LUT(frame, lut.astype(np.uint8))
    return frame


def _check_blocks(fits: dict[str, BlockFit], unit: str) -> list[str]:
    """Blocks whose fit is only fair; raises when one is clearly off."""
    reject, doubt = BLOCK_LIMITS.get(unit, BLOCK_LIMITS["px"])
    failing = [n for n, bf in fits.items() if bf.score < reject]
    if len(fits) > 1 and 2 * len(failing) >= len(fits):
        raise Rejection(Code.WRONG_TEMPLATE, f"blocks {', '.join(failing)} do not match")
    doubtful = []
    for name, bf in fits.items():
        if bf.score < reject:
            raise Rejection(
                Code.ALIGNMENT_FAILED, f"block '{name}' does not match (score {bf.score:.2f})"
            )
        # the grid may sit further off than searched, or a whole row or column off
        if bf.score < doubt or bf.at_edge or bf.snapped:
            doubtful.append(name)
    return doubtful


def _downgrade(
    results: dict[str, FieldResult], t: Template, blocks: list[str], fits: dict[str, BlockFit]
) -> None:
    """Answers read in a doubtfully aligned block are provisional: flag them, the worse
    the block fits, the lower their confidence (so review takes them first)."""
    if not blocks:
        return
    reject, doubt = BLOCK_LIMITS.get(t.unit, BLOCK_LIMITS["px"])
    for f in t.fields:
        if f.block not in blocks:
            continue
        r = results[f.label]
        bf = fits[f.block]
        fit = float(np.clip((bf.score - reject) / max(doubt - reject, 1e-6), 0.0, 1.0))
        cap = 0.4 if bf.snapped else 0.6 if bf.at_edge else 0.55 + 0.24 * fit
        if r.status in ("ok", "blank"):
            r.status = "low_confidence"
            r.raw["alignment_doubt"] = True
        r.confidence = min(r.confidence, round(cap, 4))


def grade_image(
    gray: np.ndarray,
    t: Template,
    key: AnswerKey | None = None,
    *,
    source: str = "",
    page: int = 1,
    template_name: str | None = None,
) -> PageResult:
    """Grade one page image (grayscale uint8). Never raises for a bad page."""
    name = template_name or t.name
    t0 = time.perf_counter()
    try:
        bad = quality.check(gray)
        if bad is not None:
            raise bad
        aligned = upright.settle(gray, align(gray, t), t)
    except Rejection as r:
        return PageResult(source, page, "rejected", name, r.code.value, r.message)
    except Exception as exc:  # a bug must cost one page, never the batch
        return error_result(exc, source, page, name)
    return grade_aligned(
        gray, t, aligned, key, source=source, page=page, template_name=name, started=t0
    )


def error_result(exc: Exception, source: str, page: int, name: str) -> PageResult:
    """The ``error`` result of a page whose grading hit a bug (logged with its traceback)."""
    log.exception("grading %s page %d failed", source, page)
    err = Rejection(Code.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
    return PageResult(source, page, "error", name, err.code.value, err.message)


def _sig(value: float, digits: int = 6) -> float:
    return float(f"{float(value):.{digits}g}")


def grade_aligned(
    gray: np.ndarray,
    t: Template,
    aligned: Aligned,
    key: AnswerKey | None = None,
    *,
    source: str = "",
    page: int = 1,
    template_name: str | None = None,
    started: float | None = None,
) -> PageResult:
    """Read and grade ``gray`` once the template's place in it is known (``aligned``).

    What :func:`grade_image` does after the automatic alignment, and what manual
    alignment (:mod:`academy_desktop.engine.manual`) does with clicked points. The
    ``alignment`` diagnostics hold ``homography`` (``aligned.h``: template units ->
    pixels of ``gray``, rounded to 6 significant digits) and ``image_size``
    (``[width, height]`` of ``gray``), so a viewer can draw the bubbles over the page.
    Never raises for a bad page.
    """
    name = template_name or t.name
    t0 = time.perf_counter() if started is None else started
    timings: dict[str, float] = {"align": (time.perf_counter() - t0) * 1000}
    try:
        bubble_px = t.bubble_size * aligned.px_per_unit
        if bubble_px < MIN_BUBBLE_PX:
            raise Rejection(
                Code.RESOLUTION_TOO_LOW,
                f"bubbles are {bubble_px:.1f} px wide, need {MIN_BUBBLE_PX}",
            )
        scale = processing_scale(t)
        frame = _preprocess(warp(gray, aligned.h, t, scale), t.preprocess, scale)
        fits = fit_blocks(frame, t, scale)
        doubtful = _check_blocks(fits, t.unit)
        # our own sheets print their bubbles in drop-out ink: dark strokes are marks
        fills = measure(frame, t, scale, fits, strokes=t.source in ("native", "bundled"))
        ink = ink_darkness(fills)
        for ff in fills:
            ff.apply_ink(DEFAULT_INK if ink is None else ink)
        printed = remove_printing(fills)
        results, levels = decide(fills, t, bubble_px)
        _downgrade(results, t, doubtful, fits)
        upright.flag_undecided(results, aligned)
        damage.mark_lost(results, gray, aligned.h, t)  # nothing read from lost picture data
        timings["read"] = (time.perf_counter() - t0) * 1000
    except Rejection as r:
        return PageResult(source, page, "rejected", name, r.code.value, r.message)
    except Exception as exc:  # a bug must cost one page, never the batch
        return error_result(exc, source, page, name)
    scores = [bf.score for bf in fits.values()]
    if aligned.method in ("markers", "page", "manual"):
        scores.append(aligned.ncc)
    quality_score = min(scores, default=0.0)
    alignment = {
        "method": aligned.method,
        "rotation": aligned.rotation,
        "quality": round(max(0.0, float(quality_score)), 4),
        "page_match": round(float(aligned.ncc), 4),
        "bubble_px": round(float(bubble_px), 1),
        "blocks": {
            n: {
                "dx": round(b.dx / scale, 3),
                "dy": round(b.dy / scale, 3),
                "score": round(b.score, 4),
                **({"snapped": True} if b.snapped else {}),
            }
            for n, b in fits.items()
        },
        "levels": levels.to_json(),
        "ink": None if ink is None else round(ink, 4),
        **({"printed": printed} if printed else {}),
        **{k: v for k, v in aligned.details.items()},
        "homography": [[_sig(v) for v in row] for row in np.asarray(aligned.h, dtype=float)],
        "image_size": [int(gray.shape[1]), int(gray.shape[0])],
    }
    sid = results.get(t.student_id) if t.student_id else None
    out = PageResult(
        source,
        page,
        "ok",
        name,
        alignment=alignment,
        student_id=sid.value if sid is not None and sid.value else None,
        fields=results,
        timings_ms=timings,
    )
    if key is not None:
        from academy_desktop.engine.answerkey import grade_fields

        out.grades, score, max_score = grade_fields(results, key)
        out.score, out.max_score = score, max_score
    return out
