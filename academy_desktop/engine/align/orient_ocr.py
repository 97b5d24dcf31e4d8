"""Orientation cue 2b: which candidate's text Tesseract reads with confidence.

(How the cues combine: :mod:`academy_desktop.engine.align.orientation`; it asks only when
the labels do not decide.) The widest text lines of every candidate still in the running
(6 lines of <= 30 glyph heights, cut from the :class:`~.orient_labels.InkPage` the label
cue analysed) are read in one ``kor+eng`` LSTM run (one thread, no inverted-text pass).
Text the right way up reads with high confidence, upside-down text as low-confidence
garbage; the best mean word confidence must reach 60 and lead by 20. Tesseract's
orientation detection (OSD, ``--psm 0``, osd.traineddata) is *not* used: on answer
sheets, mostly bubbles and digits, its orientation confidence stayed under 1.5 and it was
wrong on 7 of 32 synthetic text-only pages and on half of the full pages.

The program is the one :func:`academy_desktop.tesseract.find_tesseract` finds, run
through :meth:`academy_desktop.tesseract.Tesseract.run`. Without Tesseract (or with a
broken one, or one with neither Korean nor English data) the votes are None; nothing
raises.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from academy_desktop.engine.align.orient_labels import (
    InkPage,
    allowed_by_direction,
    analyse,
    page_layout,
)
from academy_desktop.engine.align.orient_vote import OrientationVote, lead_confidence
from academy_desktop.tesseract import Tesseract, TesseractError, find_tesseract

OCR_LINES = 6  # text lines read per candidate (the widest) ...
OCR_LINE_LENGTH = 30  # ... each cut to this many glyph heights (~ 40 characters)
OCR_MIN_WORDS = 3
OCR_MIN_CONF = 60.0  # the winner's mean word confidence (0..100)
OCR_MARGIN = 20.0  # ... over the next candidate's
OCR_TIMEOUT = 30.0


def _text_lines(page: InkPage, limit: int) -> list[np.ndarray]:
    """Crops of the widest printed lines of two or more glyphs (flat-fielded, nothing but
    the glyphs), top to bottom."""
    keep = page.glyphs
    if keep.sum() < 2:
        return []
    text = np.concatenate([[False], keep])
    on = text[page.labels]
    only = np.where(on, page.flat, 255).astype(np.uint8)
    h = page.boxes[:, 3] - page.boxes[:, 1]
    glyph = float(np.median(h[keep]))
    smear = cv2.dilate(
        on.astype(np.uint8),
        cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(glyph * 1.2)), 1)),
    )
    m, line_of, lstats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    cx = ((page.boxes[keep, 0] + page.boxes[keep, 2]) / 2).astype(int)
    cy = ((page.boxes[keep, 1] + page.boxes[keep, 3]) / 2).astype(int)
    count = np.bincount(line_of[cy, cx], minlength=m)
    lines = [
        lstats[i]
        for i in range(1, m)
        if count[i] >= 2 and lstats[i][2] >= 1.5 * lstats[i][3] and lstats[i][3] >= 0.6 * glyph
    ]
    lines = sorted(lines, key=lambda st: -int(st[2]))[:limit]
    pad = max(2, round(glyph * 0.4))
    crops = []
    for x, y, lw, lh, _ in sorted(lines, key=lambda st: (int(st[1]), int(st[0]))):
        y0, x0 = max(0, y - pad), max(0, x - pad)
        x1 = min(x + lw + pad, x0 + round(OCR_LINE_LENGTH * glyph))
        crops.append(only[y0 : y + lh + pad, x0:x1])
    return crops


@lru_cache(maxsize=8)
def _languages(engine: Tesseract) -> str | None:
    """``kor+eng``, or whichever of the two ``engine`` has; None: neither, or it fails."""
    try:
        have = set(engine.languages())
    except TesseractError:
        return None
    wanted = [lang for lang in ("kor", "eng") if lang in have]
    return "+".join(wanted) if wanted else None


def _tsv_words(engine: Tesseract, image: np.ndarray, lang: str) -> list[tuple[float, float, str]]:
    """(centre y, confidence, text) of every word Tesseract reads in ``image``."""
    with tempfile.TemporaryDirectory(prefix="academy-orient-") as tmp:
        path = Path(tmp) / "lines.png"
        cv2.imwrite(str(path), image)
        # no second pass on inverted lines (upside-down text would be read twice)
        args = [str(path), "stdout", "-l", lang, "--psm", "6", "-c", "tessedit_do_invert=0"]
        if engine.tessdata is not None:
            args += ["--tessdata-dir", str(engine.tessdata)]
        # one thread: OpenMP threads only slow a few lines down, and a busy machine a lot
        tsv = engine.run([*args, "tsv"], timeout=OCR_TIMEOUT, env={"OMP_THREAD_LIMIT": "1"})
    words = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        try:
            top, height, conf = float(cols[7]), float(cols[9]), float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            words.append((top + height / 2, conf, cols[11].strip()))
    return words


def _ocr_scores(
    pages: Sequence[InkPage | None], engine: Tesseract
) -> tuple[list[float], list[int]] | None:
    """(mean word confidence, words read) per page (None: not read) in one Tesseract run;
    None when Tesseract cannot run or has neither Korean nor English data."""
    lang = _languages(engine)
    if lang is None:
        return None
    strips: list[np.ndarray] = []
    spans: list[tuple[int, int] | None] = []
    y = 20
    for page in pages:
        crops = _text_lines(page, OCR_LINES) if page is not None else []
        if not crops:
            spans.append(None)
            continue
        width = max(c.shape[1] for c in crops)
        pieces = []
        for c in crops:
            piece = np.full((c.shape[0] + 12, width), 255, np.uint8)
            piece[6 : 6 + c.shape[0], : c.shape[1]] = c
            pieces.append(piece)
        strip = np.vstack(pieces)
        spans.append((y, y + strip.shape[0]))
        strips.append(strip)
        y += strip.shape[0] + 60  # blank space between the candidates
    if not strips:
        return [0.0] * len(pages), [0] * len(pages)
    sheet = np.full((y, max(s.shape[1] for s in strips) + 40), 255, np.uint8)
    placed = [span for span in spans if span is not None]
    for strip, (top, bottom) in zip(strips, placed, strict=True):
        sheet[top:bottom, 20 : 20 + strip.shape[1]] = strip
    try:
        words = _tsv_words(engine, sheet, lang)
    except TesseractError:
        return None
    scores, counts = [], []
    for span in spans:
        confs = [] if span is None else [c for yc, c, _ in words if span[0] <= yc < span[1]]
        scores.append(float(np.mean(confs)) if confs else 0.0)
        counts.append(len(confs))
    return scores, counts


def ocr_scores(
    candidates: Sequence[np.ndarray], engine: Tesseract, allowed: Sequence[bool] | None = None
) -> tuple[list[float], list[int]] | None:
    """Mean Tesseract word confidence (0..100) of each candidate's widest text lines, and
    the words read (0 for a candidate not ``allowed``); one Tesseract run for all.
    None when Tesseract cannot run or has neither Korean nor English data."""
    ok = list(allowed) if allowed is not None else [True] * len(candidates)
    return _ocr_scores(
        [analyse(c) if a else None for c, a in zip(candidates, ok, strict=True)], engine
    )


def ocr_vote_pages(pages: Sequence[InkPage | None], engine: Tesseract) -> OrientationVote | None:
    """:func:`ocr_vote` of candidates already analysed (None: a candidate ruled out)."""
    found = _ocr_scores(pages, engine)
    if found is None:
        return None
    scores, counts = found
    order = np.argsort(scores)[::-1]
    i, best = int(order[0]), float(scores[order[0]])
    margin = best - float(scores[order[1]])
    details: dict[str, Any] = {
        "ocr_conf": round(best, 2),
        "ocr_margin": round(margin, 2),
        "ocr_words": counts,
    }
    if best < OCR_MIN_CONF or margin < OCR_MARGIN or counts[i] < OCR_MIN_WORDS:
        return OrientationVote(None, 0.0, "undecided", scores, details)
    details["cue"] = "ocr"
    return OrientationVote(i, lead_confidence(margin, OCR_MARGIN), "text", scores, details)


def ocr_vote(
    candidates: Sequence[np.ndarray],
    tesseract: Tesseract | None = None,
    allowed: Sequence[bool] | None = None,
) -> OrientationVote | None:
    """Cue 2b alone: the candidate whose text Tesseract reads clearly best, if any.

    ``allowed`` limits the candidates read (default: all, as far as their reading
    direction allows). None when there is no Tesseract (``tesseract``, else
    :func:`find_tesseract`) or it cannot run.
    """
    engine = tesseract or find_tesseract()
    if engine is None:
        return None
    if allowed is None:
        pages = [analyse(c) for c in candidates]
        allowed = allowed_by_direction([page_layout(p) for p in pages])
        chosen = [p if a else None for p, a in zip(pages, allowed, strict=True)]
    else:  # only the candidates read are analysed
        chosen = [analyse(c) if a else None for c, a in zip(candidates, allowed, strict=True)]
    return ocr_vote_pages(chosen, engine)


__all__ = [
    "OCR_MARGIN",
    "OCR_MIN_CONF",
    "ocr_scores",
    "ocr_vote",
    "ocr_vote_pages",
]
