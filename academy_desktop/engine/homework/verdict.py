"""Verdicts of the homework analysis: ``wrote``, ``little_writing``, ``no_writing`` or
``unreadable``, each with a confidence in 0..1 and a bilingual reason ("한국어 / English").

**Videos** (:func:`video_verdict`), in this order:

1. ``unreadable`` when the clip is dark (median frame grey < ``DARK_MEAN``: ``TOO_DARK``),
   blurred (median edge sharpness of the frames showing a page < ``BLUR_EDGE``:
   ``BLUR_OR_SHAKE``), too short (fewer than the limit's frames, 30 by default), or the
   page is hidden in more than 70% of the samples (not found, or more than half of it
   under a hand: a writer's hand on part of the page does not hide it);
2. ``no_writing`` when the video is frozen (a still picture filmed, or a frozen stream);
3. otherwise by the ink gained over the video, summed over its pages (each page: the
   median ink of its last 3-5 usable samples minus that of its first 3-5):
   ``wrote`` from :data:`WROTE_GAIN` (about five handwritten words on an A4 page),
   ``little_writing`` from :data:`LITTLE_GAIN` (about one word), else ``no_writing``.
   The confidence grows with the distance from the threshold, shrinks with the share of
   samples where the page was hidden, and is cut by 40% when the video repeats itself
   (``looped``).

**Photos and scans** (:func:`image_verdict`): a page's score is the mean of its calibrated
``writing_score`` and ``calculation_score`` (a blank printed worksheet ~0.05, a worked one
~0.9); the best page counts: ``wrote`` from :data:`IMAGE_WROTE` (about three quarters of a
typically worked page), ``little_writing`` from :data:`IMAGE_LITTLE` (about half),
else ``no_writing``; ``unreadable`` when every page was rejected (the first page's
rejection code and message). A photo cannot show *when* the work was done; a densely
printed page (a reading text) scores like writing, so photos get lower confidences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from academy_desktop.engine.rejections import Code, Rejection

VERDICTS = ("wrote", "little_writing", "no_writing", "unreadable")
WROTE_GAIN = 0.01  # ink gained (share of a page, summed over pages) for "wrote"
# (was 0.006 = three words; a page's noise with a hand and flickering light is < 0.001)
LITTLE_GAIN = 0.0015  # ... for "little_writing"
MIN_USABLE_SHARE = 0.3  # below this share of usable samples: the page is hidden
IMAGE_WROTE = 0.6  # best page score for "wrote" (photos)
IMAGE_LITTLE = 0.25  # ... for "little_writing"
TOO_SHORT_MESSAGE = "영상이 너무 짧아 판단할 수 없습니다. / The video is too short to judge."


@dataclass(frozen=True)
class Verdict:
    verdict: str
    confidence: float
    reason: str
    rejection_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "confidence": self.confidence,
            "reason": self.reason,
            "rejection_code": self.rejection_code,
        }


def rejected(rejection: Rejection, confidence: float = 0.9) -> Verdict:
    """``unreadable`` for a :class:`Rejection`, with its code and bilingual message."""
    return Verdict("unreadable", confidence, rejection.message, str(rejection.code))


@dataclass(frozen=True)
class VideoFacts:
    """What :func:`video_verdict` decides on (see :mod:`.video` for how it is measured)."""

    dark: bool
    blurred: bool
    too_short: bool
    samples: int  # sampled frames
    usable: int  # samples where the page is seen (found, not dark, no hand over it)
    frozen: bool
    looped: bool
    gain: float  # ink gained, summed over pages
    pages: int  # pages with usable samples


def video_verdict(f: VideoFacts) -> Verdict:
    """The verdict of a video (rules: module docstring)."""
    if f.dark:
        return rejected(Rejection(Code.TOO_DARK), 0.9)
    if f.blurred:
        return rejected(Rejection(Code.BLUR_OR_SHAKE), 0.8)
    if f.too_short:
        return Verdict("unreadable", 0.8, TOO_SHORT_MESSAGE)
    if f.usable < max(3, MIN_USABLE_SHARE * f.samples):
        return Verdict(
            "unreadable",
            0.7,
            "종이가 잘 보이지 않습니다(손에 가려졌거나 화면 밖). / "
            "The page is hidden (by a hand or out of frame) in most of the video.",
        )
    coverage = f.usable / f.samples
    if f.frozen:
        return Verdict(
            "no_writing",
            round(0.6 + 0.3 * coverage, 2),
            "영상이 정지 화면입니다(사진을 찍은 영상). 쓰는 과정이 없습니다. / "
            "The video is a still picture (a photo filmed); nothing was written in it.",
        )
    gain = f.gain
    if gain >= WROTE_GAIN:
        verdict = "wrote"
        conf = 0.6 + 0.4 * min(1.0, gain / (3 * WROTE_GAIN))
        reason = (
            f"{f.pages}쪽에서 글씨가 늘어났습니다. / Ink grew on {f.pages} page(s) "
            f"(gain {gain:.3f})."
        )
    elif gain >= LITTLE_GAIN:
        verdict = "little_writing"
        conf = 0.6
        reason = f"글씨가 조금만 늘어났습니다. / Only a little ink was added (gain {gain:.4f})."
    else:
        verdict = "no_writing"
        conf = 0.6 + 0.4 * min(1.0, (LITTLE_GAIN - gain) / LITTLE_GAIN)
        reason = (
            f"쓰는 과정이 보이지 않습니다. / No ink was added during the video (gain {gain:.4f})."
        )
    conf *= 0.5 + 0.5 * coverage
    if f.looped:
        conf *= 0.6
        reason += " 영상이 반복됩니다. / The video repeats itself."
    return Verdict(verdict, round(min(0.95, conf), 2), reason)


def page_score(page: dict[str, Any]) -> float | None:
    """A photo page's score for the verdict (None for a rejected page)."""
    if "writing_score" not in page:
        return None
    return (float(page["writing_score"]) + float(page.get("calculation_score", 0.0))) / 2.0


def image_verdict(pages: Sequence[dict[str, Any]]) -> Verdict:
    """The verdict of a photo, scan or PDF from :func:`.image.analyse_image`'s pages."""
    scores = [s for s in (page_score(p) for p in pages) if s is not None]
    if not scores:
        first = next((p["rejected"] for p in pages if "rejected" in p), None)
        if first is None:
            return Verdict(
                "unreadable",
                0.9,
                "분석할 쪽이 없습니다. / The file has no page to analyse.",
                str(Code.FILE_UNREADABLE),
            )
        return Verdict("unreadable", 0.9, str(first["message"]), str(first["code"]))
    best = max(scores)
    n, k = len(pages), sum(s >= IMAGE_WROTE for s in scores)
    if best >= IMAGE_WROTE:
        verdict, distance = "wrote", best - IMAGE_WROTE
        reason = (
            f"{n}쪽 중 {k}쪽에 풀이가 보입니다(점수 {best:.2f}). / "
            f"Handwriting on {k} of {n} page(s) (best score {best:.2f})."
        )
    elif best >= IMAGE_LITTLE:
        verdict = "little_writing"
        distance = min(best - IMAGE_LITTLE, IMAGE_WROTE - best)
        reason = (
            f"풀이가 조금만 보입니다(점수 {best:.2f}). / "
            f"Only a little handwriting (best score {best:.2f})."
        )
    else:
        verdict, distance = "no_writing", IMAGE_LITTLE - best
        reason = (
            f"풀이가 거의 보이지 않습니다(점수 {best:.2f}). / "
            f"Hardly any handwriting on the page(s) (best score {best:.2f})."
        )
    conf = 0.55 + 0.35 * min(1.0, distance / 0.2)
    accepted = len(scores) / n
    if accepted < 1.0:
        conf *= 0.7 + 0.3 * accepted
        bad = n - len(scores)
        reason += f" {bad}쪽은 읽지 못했습니다. / {bad} page(s) could not be read."
    return Verdict(verdict, round(min(0.9, conf), 2), reason)


__all__ = [
    "IMAGE_LITTLE",
    "IMAGE_WROTE",
    "LITTLE_GAIN",
    "VERDICTS",
    "WROTE_GAIN",
    "Verdict",
    "VideoFacts",
    "image_verdict",
    "page_score",
    "rejected",
    "video_verdict",
]
