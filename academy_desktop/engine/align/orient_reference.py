"""Orientation cue 1: the candidate that looks like the reference picture of the blank form.

The reference is OMRChecker's ``FeatureBasedAlignment`` picture, or one built from other
pages of the batch (see :mod:`academy_desktop.engine.align.orientation` for how the cues
combine). Candidates and reference are flat-fielded at 600 px and reduced to their printed
*structure* (edge strength, blurred 1.5 px). Each candidate is first lined up with the
reference by a small affine map (ECC; at most 3 % shift, 4 % scale/shear), so a warp a
few pixels or a degree off is judged on what it shows. The score is the local normalised
correlation in windows of ~5 % of the page, weighted by the reference's structure: only
the same print in the same place correlates. The grid is symmetric, so it (and the marks
filled in it) scores alike in every candidate; the text decides. The best candidate must
score >= 0.35 and lead by >= 0.15. On synthetic pages the right form leads by >= 0.34;
another form scores <= 0.20, and the same grid without its text leads by <= 0.07 even
with warps 8 px and 1 degree off. The reference may have any size.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import normalise
from academy_desktop.engine.align.orient_vote import OrientationVote, grey, lead_confidence

REF_SIDE = 600  # long side the structure is compared at
REF_WINDOW = 31  # px at REF_SIDE: the windows of the local correlation (~5 % of the page)
REF_ECC_FACTOR = 2  # the small alignment onto the reference runs at half of REF_SIDE ...
REF_ECC_STEPS = 40  # ... with at most this many iterations
REF_MAX_SHIFT = 0.03  # of the long side: a larger correction is not a small warp error
REF_MIN = 0.35  # the best candidate must look at least this much like the reference
REF_MARGIN = 0.15  # ... and beat every other candidate by this much


def _structure(gray: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Printed structure at ``size`` (w, h): flat-fielded edge strength, blurred 1.5 px so
    that a warp a few pixels off still lines up."""
    small = cv2.resize(grey(gray), size, interpolation=cv2.INTER_AREA)
    flat = normalise(small, max(15, round(max(size) / 20)))
    ink = cv2.GaussianBlur(255.0 - flat.astype(np.float32), (0, 0), 0.8)
    edges = cv2.magnitude(
        cv2.Sobel(ink, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(ink, cv2.CV_32F, 0, 1, ksize=3)
    )
    # the corner marks' and the filled bubbles' strong edges must not drown the text
    edges = np.minimum(edges, float(np.percentile(edges, 99.5)) + 1e-3)
    return cv2.GaussianBlur(edges, (0, 0), 1.5)


def _ref_size(shape: tuple[int, ...]) -> tuple[int, int]:
    h, w = shape[:2]
    f = REF_SIDE / max(h, w)
    return max(REF_WINDOW, round(w * f)), max(REF_WINDOW, round(h * f))


def _local_moments(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = (REF_WINDOW, REF_WINDOW)
    mean = cv2.blur(a, k)
    return mean, np.maximum(cv2.blur(a * a, k) - mean * mean, 0.0)


def _ecc_size(shape: tuple[int, ...]) -> tuple[int, int]:
    """(w, h) the small alignment runs at."""
    return round(shape[1] / REF_ECC_FACTOR), round(shape[0] / REF_ECC_FACTOR)


def _register(a: np.ndarray, small_ref: np.ndarray) -> np.ndarray:
    """``a`` moved by the small affine map that best lines it up with the reference
    (``small_ref``: its structure at :func:`_ecc_size`, ECC at half size), so that a warp
    a few pixels or a degree off is judged on what it shows, not on how well it happened
    to land. Maps that are not small are not applied. (At a third of the size the grid's
    pitch is ~6 px and ECC often settles off by a fraction of it.)"""
    f = REF_ECC_FACTOR
    small_a = cv2.resize(a, _ecc_size(a.shape), interpolation=cv2.INTER_AREA)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, REF_ECC_STEPS, 1e-3)
    try:
        _, found = cv2.findTransformECC(
            small_ref, small_a, np.eye(2, 3, dtype=np.float32), cv2.MOTION_AFFINE, criteria, None
        )
    except cv2.error:  # did not converge: keep the warp as it came
        return a
    m = np.asarray(found, dtype=np.float32)
    lin, shift = m[:, :2], m[:, 2] * f
    if np.abs(lin - np.eye(2)).max() > 0.04 or np.abs(shift).max() > REF_MAX_SHIFT * max(a.shape):
        return a
    m = np.hstack([lin, shift[:, None]]).astype(np.float32)
    return cv2.warpAffine(
        a, m, (a.shape[1], a.shape[0]), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    )


def reference_scores(candidates: Sequence[np.ndarray], reference: np.ndarray) -> list[float]:
    """How much each candidate looks like the blank form, -1..1.

    Local normalised correlation of the printed structure in windows of ~5 % of the page,
    averaged with the reference's structure in each window as the weight: a window of the
    form's text counts as much as one of its grid, and only the same text in the same
    place correlates (another form's header in the same place does not, nor does its grid
    if the bubbles sit elsewhere).
    """
    size = _ref_size(candidates[0].shape)
    ref = _structure(reference, size)
    mr, vr = _local_moments(ref)
    weight = np.sqrt(vr)
    total = float(weight.sum())
    if total <= 0:
        return [0.0] * len(candidates)
    small_ref = cv2.resize(ref, _ecc_size(ref.shape), interpolation=cv2.INTER_AREA)
    k = (REF_WINDOW, REF_WINDOW)
    scores = []
    for cand in candidates:
        a = _register(_structure(cand, size), small_ref)
        ma, va = _local_moments(a)
        local = (cv2.blur(a * ref, k) - ma * mr) / np.sqrt(va * vr + 1e-3)
        scores.append(float((local * weight).sum() / total))
    return scores


def reference_vote(candidates: Sequence[np.ndarray], reference: np.ndarray) -> OrientationVote:
    """Cue 1 alone: the candidate that clearly looks most like the blank form, if any."""
    scores = reference_scores(candidates, reference)
    order = np.argsort(scores)[::-1]
    best = float(scores[order[0]])
    margin = best - float(scores[order[1]])
    details = {"reference_best": round(best, 4), "reference_margin": round(margin, 4)}
    if best < REF_MIN or margin < REF_MARGIN:
        return OrientationVote(None, 0.0, "undecided", scores, details)
    return OrientationVote(
        int(order[0]), lead_confidence(margin, REF_MARGIN), "reference", scores, details
    )


__all__ = ["REF_MARGIN", "REF_MIN", "reference_scores", "reference_vote"]
