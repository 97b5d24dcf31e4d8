"""What every orientation cue returns (:mod:`academy_desktop.engine.align.orientation`):
the vote, its confidence from the winner's lead, and the grey input all cues start from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np


@dataclass(frozen=True)
class OrientationVote:
    """Which candidate is upright, according to the page's content."""

    rotation: int | None  # index into the candidates; None: undecided
    confidence: float  # 0..1; 0 when undecided
    method: str  # "reference", "text", "undecided" ("geometry": one candidate, no choice)
    scores: list[float]  # per candidate, in the deciding (or last tried) method's units
    details: dict[str, Any] = field(default_factory=dict, compare=False)


def lead_confidence(margin: float, threshold: float) -> float:
    """0.5 at the decision threshold, rising towards 1 (0.875 at three times it)."""
    return round(float(1.0 - 0.5 ** (max(margin, 0.0) / threshold)), 4)


def grey(img: np.ndarray) -> np.ndarray:
    """A candidate as grey uint8 (colour converted, other depths clipped)."""
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    return img


__all__ = ["OrientationVote", "grey", "lead_confidence"]
