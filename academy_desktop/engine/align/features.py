"""Feature-based alignment against a reference picture (ORB + RANSAC homography)."""

from __future__ import annotations

import cv2
import numpy as np


def match_reference(
    image: np.ndarray, reference: np.ndarray, max_features: int = 1500
) -> tuple[np.ndarray, float] | None:
    """Homography mapping ``reference`` pixels onto ``image`` pixels, and the inlier ratio.

    Returns None when too few features agree to trust a mapping.
    """
    orb = cv2.ORB.create(nfeatures=max_features)
    k1, d1 = orb.detectAndCompute(reference, None)
    k2, d2 = orb.detectAndCompute(image, None)
    if d1 is None or d2 is None or len(k1) < 12 or len(k2) < 12:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(d1, d2, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.75 * p[1].distance]
    if len(good) < 12:
        return None
    src = np.array([k1[m.queryIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
    dst = np.array([k2[m.trainIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
    h, inliers = cv2.findHomography(src, dst, cv2.RANSAC, 5.0)
    if h is None or inliers is None:
        return None
    n_in = int(inliers.sum())
    if n_in < 12:
        return None
    return h.astype(np.float64), n_in / float(len(good))
