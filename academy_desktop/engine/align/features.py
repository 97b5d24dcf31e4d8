"""Feature-based alignment against a reference picture (OMRChecker's FeatureBasedAlignment).

SIFT keypoints (scale and rotation invariant, so a phone photo taken from further
away or a scan lying sideways still matches) are matched with Lowe's ratio test and
a robust homography (MAGSAC) is fitted. Answer sheets are full of identical bubbles,
which makes many matches ambiguous; the ratio test drops those, and the printed
text, logos and block corners carry the match. Every mapping is checked for being
a plausible picture of a sheet (no mirror, convex, a sane size and shape) before it
is used: a degenerate homography must never reach the reader. ORB is kept as a
second detector for pictures where SIFT finds too little.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

from academy_desktop.engine.align.geometry import is_convex_quad, quad_area, transform_points

MIN_INLIERS = 20
RATIO = 0.8


@dataclass(frozen=True)
class _Keys:
    points: np.ndarray  # (n, 2) float32
    desc: np.ndarray


_cache: dict[tuple[int, tuple[int, ...], str], tuple[np.ndarray, _Keys]] = {}
_lock = threading.Lock()


def _prepare(img: np.ndarray) -> np.ndarray:
    """Flat-field the picture so shadows and uneven light do not make or hide features."""
    k = max(15, (max(img.shape[:2]) // 25) | 1)
    bg = cv2.dilate(img, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.GaussianBlur(bg, (k, k), 0)
    out = cv2.divide(img, np.maximum(bg, 1), scale=255)
    return out


def _detect(img: np.ndarray, kind: str, n: int) -> _Keys | None:
    det: cv2.Feature2D = cv2.SIFT.create(nfeatures=n) if kind == "sift" else cv2.ORB.create(n)
    kps, desc = det.detectAndCompute(img, None)
    if desc is None or len(kps) < MIN_INLIERS:
        return None
    return _Keys(np.array([k.pt for k in kps], np.float32), desc)


def _reference_keys(reference: np.ndarray, kind: str, n: int) -> _Keys | None:
    # the same reference picture is matched against every page of a batch: detect once
    key = (id(reference), reference.shape, kind)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is reference:
            return hit[1]
    keys = _detect(_prepare(reference), kind, n)
    if keys is not None:
        with _lock:
            if len(_cache) > 8:
                _cache.pop(next(iter(_cache)))
            _cache[key] = (reference, keys)
    return keys


def plausible(h: np.ndarray, ref_w: int, ref_h: int, img_w: int, img_h: int) -> bool:
    """Whether ``h`` (reference px -> image px) could be a picture of the sheet."""
    if not np.all(np.isfinite(h)) or abs(h[2, 2]) < 1e-12:
        return False
    corners = np.array([[0, 0], [ref_w, 0], [ref_w, ref_h], [0, ref_h]], np.float64)
    q = transform_points(h, corners)
    if not is_convex_quad(q):
        return False
    # orientation of the quad: a mirror image reverses it
    u, v = q[1] - q[0], q[3] - q[0]
    if u[0] * v[1] - u[1] * v[0] <= 0:
        return False
    area = quad_area(q)
    if area < 0.04 * img_w * img_h or area > 6.0 * img_w * img_h:
        return False
    sides = [float(np.linalg.norm(q[(i + 1) % 4] - q[i])) for i in range(4)]
    if min(sides) <= 0:
        return False
    # opposite sides of a photographed sheet differ by perspective, not by a factor 2
    if max(sides[0], sides[2]) / min(sides[0], sides[2]) > 1.8:
        return False
    if max(sides[1], sides[3]) / min(sides[1], sides[3]) > 1.8:
        return False
    # the sheet's shape is kept within perspective's reach (either way round: quarter turns)
    aspect = ref_w / ref_h
    seen = (sides[0] + sides[2]) / (sides[1] + sides[3])
    return 0.55 < seen / aspect < 1.8


def match_reference(
    image: np.ndarray, reference: np.ndarray, max_features: int = 4000
) -> tuple[np.ndarray, float] | None:
    """Homography mapping ``reference`` pixels onto ``image`` pixels, and the inlier ratio.

    Returns None when too few features agree, or when the mapping they agree on is
    not a plausible picture of the sheet.
    """
    rh, rw = reference.shape[:2]
    ih, iw = image.shape[:2]
    prepared = _prepare(image)
    for kind in ("sift", "orb"):
        found = _match(prepared, reference, kind, max_features)
        if found is not None and plausible(found[0], rw, rh, iw, ih):
            return found
    return None


def _match(
    image: np.ndarray, reference: np.ndarray, kind: str, n: int
) -> tuple[np.ndarray, float] | None:
    ref_keys = _reference_keys(reference, kind, n)
    img_keys = _detect(image, kind, n)
    if ref_keys is None or img_keys is None:
        return None
    norm = cv2.NORM_L2 if kind == "sift" else cv2.NORM_HAMMING
    matcher = cv2.BFMatcher(norm)
    pairs = matcher.knnMatch(ref_keys.desc, img_keys.desc, k=2)
    # Mutual best matches only: on a sheet of identical bubbles one picture feature can
    # be the nearest of hundreds of reference features, and such a pile-up makes RANSAC
    # settle on a degenerate (collapsed) mapping.
    back = {m.queryIdx: m.trainIdx for m in matcher.match(img_keys.desc, ref_keys.desc)}
    good = [
        p[0]
        for p in pairs
        if len(p) == 2
        and p[0].distance < RATIO * p[1].distance
        and back.get(p[0].trainIdx) == p[0].queryIdx
    ]
    if len(good) < MIN_INLIERS:
        return None
    src = ref_keys.points[[m.queryIdx for m in good]].reshape(-1, 1, 2)
    dst = img_keys.points[[m.trainIdx for m in good]].reshape(-1, 1, 2)
    thresh = max(3.0, 0.004 * max(image.shape[:2]))
    h, inliers = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, thresh, maxIters=5000)
    if h is None or inliers is None:
        return None
    n_in = int(inliers.sum())
    if n_in < MIN_INLIERS:
        return None
    return h.astype(np.float64), n_in / float(len(good))
