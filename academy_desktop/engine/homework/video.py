"""Homework video analysis: did the student write during the recording?

Pipeline (all Qt-free, OpenCV + numpy):

1. **Pre-validation** (:func:`prevalidate_video`) with the seed limits and codes: file size
   ≤ 500 MB (``FILE_TOO_LARGE``), length ≤ 600 s (``VIDEO_TOO_LONG``), short side ≥ 600 px
   (``RESOLUTION_TOO_LOW``), a file OpenCV cannot open or an unknown extension
   (``INVALID_FORMAT``), a file that opens but yields no frame (``FILE_UNREADABLE``).
2. **Sampling**: about ``sample_fps`` frames per second (at most ``max_samples``). Skipped frames
   are only *grabbed* (demuxed/decoded, never converted to BGR); only sampled frames are
   retrieved. A truncated file stops the loop cleanly and keeps what was read.
3. **Per sample**: the page is found (largest bright quadrilateral) and warped flat, so a
   slightly moving page is tracked; ink is the share of page pixels clearly darker than the
   local paper; skin-coloured pixels (a hand) are masked out and a frame mostly covered by a
   hand is left out of the ink curve.
4. **Over time**: page turns (the ink of the current page disappears and stays gone), ink
   gain per page, frozen (a still picture filmed or a frozen stream) and looped (the same
   frames come back) detection, darkness and blur over the whole clip.
5. **Verdict** (:mod:`.verdict`): ``wrote`` / ``little_writing`` / ``no_writing`` /
   ``unreadable`` with a confidence in 0..1 and a bilingual reason.

The per-frame measures (page finding, ink, hand, sharpness) are in :mod:`.frames`.

The output keeps the seed's keys (``total_frames``, ``sampled_frames``, ``avg_writing_score``,
``filled_ratio``, ``frames``, ``too_short``); a frame's ``writing_score`` here is the ink share
of the *page* (not the seed's share of pixels darker than grey 220), and ``has_writing`` means
at least :data:`HAS_WRITING_INK` of it. Key frames are PNG bytes (not JSON-serialisable; drop
``key_frames`` or base64 them before writing JSON).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from academy_desktop.engine.homework.frames import (
    DARK_MEAN,
    HAND_SHARE,
    HAS_WRITING_INK,
    Array,
    Sample,
    analyse_frame,
)
from academy_desktop.engine.homework.verdict import VideoFacts, rejected, video_verdict
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.rejections import Code, Rejection

VIDEO_EXTENSIONS = frozenset(
    {".mp4", ".mov", ".m4v", ".qt", ".avi", ".mkv", ".webm", ".wmv", ".3gp"}
)
BLUR_EDGE = 15.0  # edge sharpness (see frames.edge_sharpness) below which a frame is blurred
FROZEN_STEP = 0.1  # mean |Δgrey| of 32x32 thumbnails below which two samples are identical


@dataclass(frozen=True)
class VideoLimits:
    """Seed limits (contract "Input rejection"); tests and callers may relax them."""

    max_bytes: int = 500 * 1024 * 1024
    max_seconds: float = 600.0
    min_short_side: int = 600
    min_frame_count: int = 30


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    width: int
    height: int
    fps: float
    frame_count: int  # as the container reports it (may be approximate)
    duration_s: float
    size_bytes: int


def _open(path: Path) -> cv2.VideoCapture:
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        cap.release()
        raise Rejection(Code.INVALID_FORMAT, f"OpenCV cannot open {path.name}")
    return cap


def looks_like_video(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts like a video container (MP4/MOV/3GP, AVI, Matroska/WebM,
    WMV), whatever its name: phones and messengers sometimes drop the extension."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return (
        head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
        or head[:4] == b"\x1a\x45\xdf\xa3"
        or head[:8] == b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"
    )


def prevalidate_video(
    path: str | os.PathLike[str],
    limits: VideoLimits | None = None,
    *,
    trust_content: bool = False,
) -> VideoInfo:
    """Check a video against the limits before any frame is analysed; raise :class:`Rejection`.

    A file whose extension is not in :data:`VIDEO_EXTENSIONS` is refused
    (``INVALID_FORMAT``) unless ``trust_content`` and :func:`looks_like_video`.
    """
    limits = limits or VideoLimits()
    p = Path(path)
    if not p.is_file():
        raise Rejection(Code.FILE_UNREADABLE, f"{p.name} does not exist")
    size = p.stat().st_size
    if size == 0:
        raise Rejection(Code.FILE_UNREADABLE, f"{p.name} is empty")
    if size > limits.max_bytes:
        raise Rejection(
            Code.FILE_TOO_LARGE, f"{size / 1e6:.0f} MB > {limits.max_bytes / 1e6:.0f} MB"
        )
    if p.suffix.lower() not in VIDEO_EXTENSIONS and not (trust_content and looks_like_video(p)):
        kind = p.suffix or "no extension"
        raise Rejection(Code.INVALID_FORMAT, f"{kind} is not a video (mp4, mov, ...)")
    cap = _open(p)
    try:
        width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fps = float(cap.get(cv2.CAP_PROP_FPS))
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    finally:
        cap.release()
    if width <= 0 or height <= 0:
        raise Rejection(Code.INVALID_FORMAT, "no video stream")
    if not (0.5 <= fps <= 1000.0):
        fps = 30.0  # unknown frame rate: assume a phone's
    count = max(count, 0)
    duration = count / fps
    if duration > limits.max_seconds:
        raise Rejection(Code.VIDEO_TOO_LONG, f"{duration:.0f} s > {limits.max_seconds:.0f} s")
    if min(width, height) < limits.min_short_side:
        raise Rejection(
            Code.RESOLUTION_TOO_LOW,
            f"{width}x{height}: short side < {limits.min_short_side} px",
        )
    return VideoInfo(p, width, height, fps, count, duration, size)


# ---------------------------------------------------------------- over time


def _assign_pages(samples: list[Sample]) -> int:
    """Number pages; a new page starts when the current page's ink vanishes for 2 samples.

    Only the grid cells not under a hand are compared; the reference keeps the last ink
    seen in each cell (a hand moving over the page does not look like a new page).
    """
    page = 0
    ref: Array | None = None
    pending: list[Sample] = []
    kernel = np.ones((3, 3), np.uint8)
    for s in samples:
        s.page = page
        if not s.usable:
            continue
        if ref is not None and int(ref.sum()) >= 8:
            watched = ref & s.seen
            if int(watched.sum()) < 8:
                continue  # the writing is hidden: nothing to compare
            cur = cv2.dilate(s.grid.astype(np.uint8), kernel).astype(bool)
            overlap = float((watched & cur).sum()) / float(watched.sum())
            if overlap < 0.4:
                pending.append(s)
                if len(pending) < 2:
                    continue
                page += 1
                for q in pending:
                    q.page = page
                pending = []
                ref = s.grid
                continue
        pending = []
        updated = s.grid if ref is None else np.where(s.seen, s.grid, ref)
        if ref is None or updated.sum() >= 0.8 * ref.sum():
            ref = updated
    return page + 1


def _repeat_flags(samples: list[Sample]) -> tuple[float, float]:
    """(share of consecutive identical samples, share of samples repeating an earlier one)."""
    n = len(samples)
    if n < 3:
        return 0.0, 0.0
    t = np.stack([s.thumb.ravel() for s in samples])
    step = np.abs(np.diff(t, axis=0)).mean(axis=1)
    frozen = float((step < FROZEN_STEP).mean())
    sq = (t * t).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (t @ t.T), 0.0) / t.shape[1]
    close = d2 < 0.5
    repeats = 0
    for i in range(2, n):
        earlier = np.nonzero(close[i, : i - 1])[0]
        for j in earlier:
            # a real repeat: something different happened in between
            if (d2[j, j + 1 : i] > 25.0).any():
                repeats += 1
                break
    return frozen, repeats / n


def _robust(values: list[float], first: bool) -> float:
    """The median of the first (or last) few values: 3, up to 5 for a long page."""
    k = max(3, min(5, len(values) // 4))
    part = values[:k] if first else values[-k:]
    return float(np.median(part)) if part else 0.0


def analyze_video(
    path: str | os.PathLike[str],
    *,
    limits: VideoLimits | None = None,
    sample_fps: float = 2.0,
    max_samples: int = 600,
    frame_stride: int | None = None,
    task: TaskState | None = None,
    trust_content: bool = False,
) -> dict[str, Any]:
    """Analyse a homework video; never raises for a bad video (verdict ``unreadable``).

    ``frame_stride`` forces the seed's fixed stride; otherwise the stride gives about
    ``sample_fps`` samples per second and at most ``max_samples`` samples.
    ``trust_content``: see :func:`prevalidate_video`.
    :class:`~academy_desktop.engine.progress.Cancelled` propagates.
    """
    limits = limits or VideoLimits()
    task = task or TaskState()
    try:
        info = prevalidate_video(path, limits, trust_content=trust_content)
    except Rejection as rej:
        return _unreadable(rej, total_frames=0)
    if frame_stride is None:
        stride = max(1, round(info.fps / sample_fps))
        if info.frame_count > 0:
            stride = max(stride, -(-info.frame_count // max_samples))
    else:
        stride = max(1, frame_stride)
    samples: list[Sample] = []
    cap = _open(info.path)
    total = 0
    try:
        while True:
            if total % stride == 0:
                task.check()
                ok, frame = cap.read()
                if not ok or frame is None:
                    break
                if frame.ndim == 2:
                    frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
                samples.append(analyse_frame(frame, total, total / info.fps))
                if info.frame_count > 0:
                    task.report(min(0.99, total / info.frame_count), "analysing video")
            elif not cap.grab():
                break
            total += 1
    except cv2.error:
        pass  # a decoder error part-way (a truncated file): keep the frames read so far
    finally:
        cap.release()
    if not samples:
        bad = Rejection(Code.FILE_UNREADABLE, "no frame could be decoded")
        return _unreadable(bad, total_frames=total)
    result = _summarise(samples, total, info, limits)
    task.report(1.0, "video analysed")
    return result


def _unreadable(rejection: Rejection, total_frames: int) -> dict[str, Any]:
    return {
        "total_frames": total_frames,
        "sampled_frames": 0,
        "avg_writing_score": 0.0,
        "filled_ratio": 0.0,
        "frames": [],
        "too_short": True,
        **rejected(rejection).as_dict(),
        "duration_s": 0.0,
        "pages": 0,
        "page_turns": 0,
        "ink_gain": 0.0,
        "frozen": False,
        "looped": False,
        "timeline": [],
        "key_frames": [],
    }


def _summarise(
    samples: list[Sample], total: int, info: VideoInfo, limits: VideoLimits
) -> dict[str, Any]:
    n_pages = _assign_pages(samples)
    frozen_share, repeat_share = _repeat_flags(samples)
    frozen = len(samples) >= 3 and frozen_share >= 0.9
    looped = not frozen and repeat_share >= 0.2
    usable = [s for s in samples if s.usable]
    too_short = total < limits.min_frame_count
    frames = [
        {
            "index": s.index,
            "time_s": round(s.time_s, 2),
            "writing_score": round(s.ink, 5),
            "has_writing": s.ink >= HAS_WRITING_INK,
            "page": s.page,
            "page_found": s.page_found,
            "hand_covered": s.hand >= HAND_SHARE,
        }
        for s in samples
    ]
    timeline: list[dict[str, Any]] = []
    key_frames: list[dict[str, Any]] = []
    gain = 0.0
    for p in range(n_pages):
        ps = [s for s in usable if s.page == p]
        if not ps:
            continue
        inks = [s.ink for s in ps]
        start, end = _robust(inks, True), _robust(inks, False)
        page_gain = max(0.0, end - start)
        gain += page_gain
        timeline.append(
            {
                "page": p,
                "start_s": round(ps[0].time_s, 2),
                "end_s": round(ps[-1].time_s, 2),
                "ink_start": round(start, 5),
                "ink_end": round(end, 5),
                "ink_gain": round(page_gain, 5),
                "samples": len(ps),
            }
        )
        for which, s in (("first", ps[0]), ("last", ps[-1])):
            key_frames.append(
                {"page": p, "which": which, "index": s.index, "time_s": s.time_s, "png": s.page_png}
            )
    base: dict[str, Any] = {
        "total_frames": total,
        "sampled_frames": len(samples),
        "avg_writing_score": round(float(np.mean([s.ink for s in samples])), 5),
        "filled_ratio": round(float(np.mean([f["has_writing"] for f in frames])), 4),
        "frames": frames,
        "too_short": too_short,
        "pages": len(timeline),
        "page_turns": max(0, len(timeline) - 1),
        "ink_gain": round(gain, 5),
        "frozen": frozen,
        "looped": looped,
        "duration_s": round(total / info.fps, 2),
        "timeline": timeline,
        "key_frames": key_frames,
        "rejection_code": None,
    }
    dark = float(np.median([s.mean for s in samples])) < DARK_MEAN
    visible = [s for s in samples if s.page_found and s.mean >= DARK_MEAN]
    blurred = bool(visible) and float(np.median([s.sharp for s in visible])) < BLUR_EDGE
    facts = VideoFacts(
        dark=dark,
        blurred=blurred,
        too_short=too_short,
        samples=len(samples),
        usable=len(usable),
        frozen=frozen,
        looped=looped,
        gain=gain,
        pages=len(timeline),
    )
    return {**base, **video_verdict(facts).as_dict()}


def to_jsonable(result: dict[str, Any]) -> dict[str, Any]:
    """A copy of an :func:`analyze_video` result that ``json.dumps`` accepts (PNGs as base64)."""
    out = dict(result)
    out["key_frames"] = [
        {**k, "png": base64.b64encode(k["png"]).decode("ascii")} for k in result["key_frames"]
    ]
    return out
