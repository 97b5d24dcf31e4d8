"""Turn bubble fills into answers, with an honest confidence.

The rule that matters most: a wrong answer must never come out ``ok``. Every
bubble is compared with a threshold fitted to this sheet (where its empty
bubbles and its marks lie) and nudged for this question (a row that is darker
overall, e.g. under a shadow, needs more ink). A bubble whose fill lies within
the doubt band around the threshold makes its question ``ambiguous`` or
``low_confidence`` so that a person looks at it; everything else is decided.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from academy_desktop.engine.fill import FieldFills
from academy_desktop.engine.result import FieldResult, FieldStatus, Marking
from academy_desktop.engine.template.model import Template

# Calibrated on synthetic office scans (tests/synth): empty bubbles fill <= 0.03,
# erasure smudges <= 0.21, ticks and crosses >= 0.28, full marks ~1.0. The
# threshold sits 30 % of the way from the sheet's empty level to its mark level,
# and everything within the band around it goes to a person.
THRESHOLD_AT = 0.30
MIN_THRESHOLD = 0.20
MAX_THRESHOLD = 0.62
DEFAULT_THRESHOLD = 0.30
BAND = 0.10
MIN_BAND = 0.08
FAINT_LONE_MARK = 0.10  # in a blank question, a bubble this far above the others is doubtful
FAINT_LONE_DARK = 0.08  # ... or this much darker on average (empty rows differ by < 0.04)
COARSE_BUBBLE_PX = 20.0  # bubbles narrower than this in the scan get a wider doubt band
OK_CONFIDENCE = 0.8  # the server treats anything below this as a review candidate


@dataclass(frozen=True)
class SheetLevels:
    empty: float  # typical fill of an empty bubble on this sheet
    marked: float | None  # typical fill of a clear mark, None when the sheet has none
    threshold: float
    band: float  # doubt above the threshold
    band_below: float = 0.0  # doubt below it (wider on coarse scans); 0 means ``band``

    @property
    def below(self) -> float:
        return self.band_below or self.band

    def to_json(self) -> dict[str, float | None]:
        return {
            "empty": round(self.empty, 4),
            "marked": None if self.marked is None else round(self.marked, 4),
            "threshold": round(self.threshold, 4),
            "band": round(self.band, 4),
            "band_below": round(self.below, 4),
        }


def sheet_levels(fills: list[FieldFills], bubble_px: float | None = None) -> SheetLevels:
    """Where this sheet's empty bubbles and clear marks lie, and the threshold between.

    ``bubble_px`` (the bubble width in the scan) widens the doubt below the
    threshold on coarse scans: at ~100 dpi a blurred tick and a pale erasure
    fill a bubble alike, so both go to a person rather than being guessed.
    """
    levels = _levels(fills)
    if bubble_px is not None and bubble_px < COARSE_BUBBLE_PX:
        widen = min(1.6, COARSE_BUBBLE_PX / bubble_px)
        levels = SheetLevels(
            levels.empty, levels.marked, levels.threshold, levels.band, levels.band * widen
        )
    return levels


def _levels(fills: list[FieldFills]) -> SheetLevels:
    allf = np.concatenate([ff.fill[np.isfinite(ff.fill)] for ff in fills] or [np.zeros(0)])
    if allf.size == 0:
        return SheetLevels(0.0, None, DEFAULT_THRESHOLD, MIN_BAND)
    empty = float(np.median(allf))
    tops = np.array([np.nanmax(ff.fill) for ff in fills if np.isfinite(ff.fill).any()])
    clear = tops[tops > empty + 0.35]
    if clear.size == 0:
        return SheetLevels(empty, None, max(DEFAULT_THRESHOLD, empty + 0.3), BAND)
    marked = float(np.median(clear))
    threshold = float(
        np.clip(empty + THRESHOLD_AT * (marked - empty), MIN_THRESHOLD, MAX_THRESHOLD)
    )
    band = max(MIN_BAND, BAND * (marked - empty))
    return SheetLevels(empty, marked, threshold, band)


def _status(
    marked: np.ndarray, doubtful: np.ndarray, multiple: bool
) -> tuple[Marking, FieldStatus]:
    n = int(marked.sum())
    marking: Marking = "blank" if n == 0 else "single" if n == 1 else "multi"
    if not doubtful.any():
        if n == 0:
            return marking, "blank"
        if n == 1 or multiple:
            return marking, "ok"
        return marking, "ambiguous"  # a clear double mark: the student must be asked
    if int((marked | doubtful).sum()) >= 2 and not (
        multiple and n >= 1 and not doubtful[~marked].any()
    ):
        return marking, "ambiguous"
    return marking, "low_confidence"


def _confidence(
    fills: np.ndarray,
    margin: np.ndarray,
    marked: np.ndarray,
    doubtful: np.ndarray,
    lone: np.ndarray,
    threshold: float,
    status: FieldStatus,
) -> float:
    """How likely the reading is right, 0..1; >= 0.8 exactly when nothing is doubtful.

    Sorting flagged fields by this puts the real doubts first (review is least sure
    first): a bubble right at the threshold is a coin toss (~0.5), a clear double
    mark is read right and only needs the student asked (0.75), a faint lone mark is
    as doubtful as it is dark (a bubble half as dark as a mark: ~0.6).
    """
    if status in ("ok", "blank"):
        return float(np.clip(0.5 + 0.3 * margin.min(), OK_CONFIDENCE, 1.0))
    band_doubt = doubtful & ~lone
    parts = []
    if band_doubt.any():
        # how far the closest doubtful bubble is from the threshold, in band units
        parts.append(0.5 + 0.28 * float(np.clip(margin[band_doubt].min(), 0.0, 1.0)))
    if lone.any():
        # the darker the lone mark (as a share of the threshold), the likelier a tick
        share = float(np.clip(fills[lone].max() / max(threshold, 1e-6), 0.0, 1.0))
        parts.append(0.78 - 0.25 * share)
    if not parts:  # a clear double mark (or more): read right, the student must be asked
        parts.append(0.75)
    return float(min(parts))


def decide_field(ff: FieldFills, levels: SheetLevels) -> FieldResult:
    f = ff.field
    values = list(f.values)
    raw_marks = [
        {"choice": v, "fill": _r(x), "dark": _r(d)}
        for v, x, d in zip(values, ff.fill, ff.dark, strict=True)
    ]
    if not np.isfinite(ff.fill).all():
        return FieldResult(
            f.label,
            [],
            "blank",
            0.0,
            "error",
            {"marks": raw_marks, "error": "bubble outside the scanned area"},
            "",
        )
    fills = ff.fill
    # the question's own empty level: its lightest bubbles (a shadowed row reads darker)
    row_empty = float(np.sort(fills)[: max(1, len(fills) // 2)].mean()) if len(fills) > 2 else 0.0
    shift = max(0.0, row_empty - levels.empty - 0.05)
    threshold = min(0.9, levels.threshold + shift)
    marked = fills >= threshold
    # distance from the threshold in units of the doubt band on that side (< 1: doubtful)
    margin = np.where(marked, (fills - threshold) / levels.band, (threshold - fills) / levels.below)
    doubtful = margin < 1.0
    lone = np.zeros(len(fills), dtype=bool)
    if not marked.any() and len(fills) > 1:
        # A question left blank but for one faint mark: on its own it is more likely a
        # light tick than an erasure (students erase next to the answer they keep), so
        # it goes to a person instead of being called blank.
        top = int(np.argmax(fills))
        rest = np.delete(fills, top)
        lone |= fills >= float(np.median(rest)) + FAINT_LONE_MARK
        # a thin tick on a coarse photo barely registers as ink, but it still darkens
        # its bubble against the row's others
        darks = ff.dark
        if np.isfinite(darks).all():
            others = np.delete(darks, int(np.argmax(darks)))
            lone |= darks >= float(np.median(others)) + FAINT_LONE_DARK
        doubtful |= lone
    marking, status = _status(marked, doubtful, f.multiple)
    confidence = _confidence(fills, margin, marked, doubtful, lone, threshold, status)
    detected = [v for v, m in zip(values, marked, strict=False) if m]
    order = np.argsort(-fills)
    gap = float(fills[order[0]] - fills[order[1]]) if len(fills) > 1 else float(fills[0])
    raw = {"marks": raw_marks, "threshold": _r(threshold), "gap": _r(gap)}
    value = "".join(detected) if detected else f.empty_value
    return FieldResult(f.label, detected, marking, round(confidence, 4), status, raw, value)


_SEVERITY: dict[str, int] = {"ok": 0, "blank": 1, "low_confidence": 2, "ambiguous": 3, "error": 4}


def join_fields(label: str, parts: list[FieldResult]) -> FieldResult:
    """Concatenate fields into one value, as OMRChecker's custom labels do."""
    value = "".join(p.value for p in parts)
    flagged = [p for p in parts if p.flagged]
    if flagged:
        status: FieldStatus = max((p.status for p in flagged), key=lambda s: _SEVERITY[s])
    elif any(p.status == "ok" for p in parts):
        status = "ok"
    else:
        status = "blank"
    markings = {p.marking for p in parts}
    marking: Marking = (
        "multi" if "multi" in markings else "blank" if markings == {"blank"} else "single"
    )
    confidence = min((p.confidence for p in parts), default=0.0)
    raw = {"parts": [p.label for p in parts], "statuses": [p.status for p in parts]}
    return FieldResult(label, [value] if value else [], marking, confidence, status, raw, value)


def decide(
    fills: list[FieldFills], t: Template, bubble_px: float | None = None
) -> tuple[dict[str, FieldResult], SheetLevels]:
    levels = sheet_levels(fills, bubble_px)
    results = {ff.field.label: decide_field(ff, levels) for ff in fills}
    for label, members in t.joins.items():
        parts = [results[m] for m in members if m in results]
        if parts:
            results[label] = join_fields(label, parts)
    return results, levels


def _r(x: float) -> float | None:
    return round(float(x), 4) if np.isfinite(x) else None
