"""Settle which way up a page lies when its layout cannot tell (a symmetric grid).

The aligners leave ``orientation_undecided`` (with the homography of every candidate
turn) when the outline, the markers and the drawn bubbles fit equally well more than
one way up. Then the page's own content decides (``orientation.choose_orientation``:
the template's reference picture if it has one, else the printed text). When nothing
decides, the page is read as it lies and every answer on it is flagged: a page is
never read upright by default without a person seeing it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from academy_desktop.engine.align import orientation
from academy_desktop.engine.align.aligner import Aligned, warp
from academy_desktop.engine.align.geometry import mean_scale
from academy_desktop.engine.result import FieldResult
from academy_desktop.engine.template.model import Template

LOOK_SIDE = 1400  # long side of the page pictures the content is compared at
UNDECIDED_CONFIDENCE = 0.45


def _reference_picture(t: Template, size: tuple[int, int]) -> np.ndarray | None:
    path = t.alignment.reference_image
    if path is None:
        return None
    import cv2

    from academy_desktop.engine.align.marker_image import load_marker

    try:
        ref = load_marker(path)
    except Exception:  # an unreadable reference only loses this cue
        return None
    return cv2.resize(ref, size, interpolation=cv2.INTER_AREA)


def settle(gray: np.ndarray, aligned: Aligned, t: Template) -> Aligned:
    """``aligned``, turned the way the page's content says, or marked undecided."""
    cands = aligned.details.get("orientation_candidates")
    if not aligned.details.get("orientation_undecided") or not cands:
        return aligned
    turns = sorted(cands, key=int)
    hs = [np.asarray(cands[k], dtype=np.float64) for k in turns]
    scale = LOOK_SIDE / max(t.page_size)
    pages = [warp(gray, h, t, scale) for h in hs]
    size = (pages[0].shape[1], pages[0].shape[0])
    vote = orientation.choose_orientation(pages, reference=_reference_picture(t, size))
    details = {k: v for k, v in aligned.details.items() if k != "orientation_candidates"}
    details["orientation_method"] = vote.method
    details["orientation_confidence"] = round(float(vote.confidence), 4)
    if vote.rotation is None:
        # nothing tells: read it as it lies (a person checks every answer anyway)
        pick = turns.index("0") if "0" in turns else None
        if pick is None:
            return replace(aligned, details=details)
        details["orientation_guess"] = 0
        h = hs[pick]
        return replace(aligned, h=h, rotation=0, px_per_unit=mean_scale(h, t), details=details)
    details.pop("orientation_undecided", None)
    h = hs[vote.rotation]
    return replace(
        aligned,
        h=h,
        rotation=int(turns[vote.rotation]),
        px_per_unit=mean_scale(h, t),
        details=details,
    )


def flag_undecided(results: dict[str, FieldResult], aligned: Aligned) -> None:
    """Every answer of a page whose orientation nothing settled goes to a person."""
    if not aligned.details.get("orientation_undecided"):
        return
    for r in results.values():
        if r.status in ("ok", "blank"):
            r.status = "low_confidence"
        r.raw["orientation_doubt"] = True
        r.confidence = min(r.confidence, UNDECIDED_CONFIDENCE)
