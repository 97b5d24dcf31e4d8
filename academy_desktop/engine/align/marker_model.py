"""The data of the ``CropOnMarkers`` search (:mod:`academy_desktop.engine.align.markers`):
the marker picture prepared for matching, a candidate marker, and the four found."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from academy_desktop.engine.align.reference import ncc


@dataclass
class MarkerModel:
    """A marker picture prepared for matching."""

    picture: np.ndarray  # grey, contrast stretched, slightly blurred
    turns: tuple[int, ...]  # distinct clockwise quarter turns to look for (0 only if symmetric)
    aspect: float  # height / width of the picture
    _sized: dict[tuple[int, int, int, float], np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def from_picture(cls, gray: np.ndarray) -> MarkerModel:
        pic = cv2.GaussianBlur(gray, (3, 3), 0)
        pic = cv2.normalize(pic, np.empty_like(pic), 0, 255, cv2.NORM_MINMAX)
        h, w = pic.shape[:2]
        turns = [0]
        small = cv2.resize(pic, (32, max(4, round(32 * h / w))), interpolation=cv2.INTER_AREA)
        for k in (2, 1, 3):
            rot = np.rot90(small, -k)
            if rot.shape != small.shape:
                turns.append(k)
                continue
            if ncc(rot, small) < 0.85:
                turns.append(k)
        if 2 not in turns:  # symmetric under a half turn: odd turns look alike
            turns = [t for t in turns if t != 3]
        pic.setflags(write=False)
        return cls(pic, tuple(sorted(turns)), h / w)

    def template(self, width: float, turn: int, blur: float = 0.0) -> np.ndarray:
        """The picture ``width`` px wide (its own width, before turning), turned clockwise,
        optionally blurred (float32 then)."""
        w = max(3, round(width))
        h = max(3, round(width * self.aspect))
        key = (w, h, turn, blur)
        img = self._sized.get(key)
        if img is None:
            img = cv2.resize(self.picture, (w, h), interpolation=cv2.INTER_AREA)
            img = np.ascontiguousarray(np.rot90(img, -turn))
            if blur > 0:
                img = cv2.GaussianBlur(
                    img.astype(np.float32), (0, 0), blur, borderType=cv2.BORDER_REPLICATE
                )
            if len(self._sized) > 256:
                self._sized.clear()
            self._sized[key] = img
        return img


@dataclass(frozen=True)
class Hit:
    """A candidate marker: centre and width in image pixels, correlation, turn."""

    x: float
    y: float
    size: float
    score: float
    turn: int = 0
    rel: float = 0.0  # width x ratio / the quad's width there, when measured rectified


@dataclass(frozen=True)
class MarkerQuad:
    """Four markers that fit the template, clockwise from the picture's top-left."""

    corners: np.ndarray  # 4x2 float64 image px
    hits: tuple[Hit, ...]
    score: float  # weakest refined marker correlation
    geometry: float  # geometry error 0 (perfect) .. 1 (at the limits)
    found: int  # 4, or 3 when the fourth corner was predicted
    candidates: int  # candidates found by the coarse search
    runner_up: float | None  # combined score of the best other combination, if any
    combined: float  # combined score of this one
    # the page's quarter turn (as geometry.rotate_corners counts) that markers with no
    # half-turn symmetry show, all four found the same way round; else None
    turn: int | None = None
