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
5. **Verdict**: ``wrote`` / ``little_writing`` / ``no_writing`` / ``unreadable`` with a
   confidence in 0..1 and a bilingual reason.

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
from numpy.typing import NDArray

from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.rejections import Code, Rejection

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".qt"})
HAS_WRITING_INK = 0.005  # ink share of the page for a frame to "have writing"
WORK_LONG_SIDE = 640  # frames are analysed at this size
PAGE_SIZE = (320, 452)  # warped page (w, h) for a portrait page; swapped for landscape
DARK_MEAN = 50.0  # mean grey below which a frame is dark
BLUR_EDGE = 15.0  # edge sharpness (see _edge_sharpness) below which a frame is blurred
FROZEN_STEP = 0.1  # mean |Δgrey| of 32x32 thumbnails below which two samples are identical
HAND_SHARE = 0.06  # share of the page that is skin for a frame to be "hand covered"
WROTE_GAIN = 0.006  # ink gained (share of a page, summed over pages) for "wrote"
LITTLE_GAIN = 0.0015  # ... for "little_writing"

Array = NDArray[Any]


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


def prevalidate_video(path: str | os.PathLike[str], limits: VideoLimits | None = None) -> VideoInfo:
    """Check a video against the limits before any frame is analysed; raise :class:`Rejection`."""
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
    if p.suffix.lower() not in VIDEO_EXTENSIONS:
        raise Rejection(Code.INVALID_FORMAT, f"{p.suffix or 'no extension'} is not mp4/mov")
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


# ---------------------------------------------------------------- page finding and ink


def _order_corners(pts: Array) -> Array:
    pts = pts.reshape(4, 2).astype(np.float32)
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def find_page(gray: Array) -> Array | None:
    """Corners (tl, tr, br, bl) of the largest bright quadrilateral, or None."""
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    _, mask = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c)
    if area < 0.15 * gray.shape[0] * gray.shape[1]:
        return None
    hull = cv2.convexHull(c)
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) != 4:
        approx = cv2.boxPoints(cv2.minAreaRect(c))
    return _order_corners(np.asarray(approx))


def warp_page(frame: Array, corners: Array | None) -> Array:
    """The page flattened to :data:`PAGE_SIZE` (the whole frame when no page was found)."""
    if corners is None:
        h, w = frame.shape[:2]
        corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    top = np.linalg.norm(corners[1] - corners[0])
    side = np.linalg.norm(corners[3] - corners[0])
    pw, ph = PAGE_SIZE if side >= top else PAGE_SIZE[::-1]
    dst = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], np.float32)
    m = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    return cv2.warpPerspective(frame, m, (pw, ph), flags=cv2.INTER_AREA)


def skin_mask(page_bgr: Array) -> Array:
    """Skin-coloured pixels (a hand or an arm) as a boolean mask."""
    ycc = cv2.cvtColor(page_bgr, cv2.COLOR_BGR2YCrCb)
    m = cv2.inRange(ycc, (60, 135, 85), (255, 180, 135))
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    return m > 0


def ink_mask(page_gray: Array) -> Array:
    """Pixels clearly darker than the paper around them (pencil/pen strokes), borders ignored."""
    paper = cv2.dilate(page_gray, np.ones((15, 15), np.uint8))
    paper = cv2.blur(paper, (15, 15))
    diff = paper.astype(np.int16) - page_gray.astype(np.int16)
    ink = diff > 40
    h, w = ink.shape
    my, mx = max(2, h // 25), max(2, w // 25)
    ink[:my] = False
    ink[-my:] = False
    ink[:, :mx] = False
    ink[:, -mx:] = False
    return ink


@dataclass
class _Sample:
    index: int
    time_s: float
    mean: float
    sharp: float
    page_found: bool
    ink: float
    hand: float
    grid: Array  # coarse ink map (bool) for page tracking
    thumb: Array  # 32x32 grey thumbnail of the whole frame, float32
    page_png: bytes
    page: int = 0

    @property
    def usable(self) -> bool:
        return self.page_found and self.hand < HAND_SHARE and self.mean >= DARK_MEAN


def _edge_sharpness(gray: Array) -> float:
    """The 99.9th percentile of |Laplacian|: the contrast of the sharpest edges (page border,
    strokes). Unlike the Laplacian variance it does not fall for a clean blank page."""
    lap = np.abs(cv2.Laplacian(gray, cv2.CV_16S)).ravel()
    k = int(lap.size * 0.999)
    return float(np.partition(lap, k)[k])


def _analyse_frame(frame: Array, index: int, time_s: float) -> _Sample:
    h, w = frame.shape[:2]
    scale = WORK_LONG_SIDE / max(h, w)
    if scale < 1.0:
        frame = cv2.resize(
            frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA
        )
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    corners = find_page(gray)
    page = warp_page(frame, corners)
    page_gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    hand = skin_mask(page)
    ink = ink_mask(page_gray)
    if hand.any():
        ink &= ~cv2.dilate(hand.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    ink_share = float(ink.mean())
    grid = cv2.resize(ink.astype(np.float32), (24, 34), interpolation=cv2.INTER_AREA) > 0.02
    thumb = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    ok, png = cv2.imencode(".png", cv2.resize(page, (page.shape[1] // 2, page.shape[0] // 2)))
    return _Sample(
        index=index,
        time_s=time_s,
        mean=float(gray.mean()),
        sharp=_edge_sharpness(gray),
        page_found=corners is not None,
        ink=ink_share,
        hand=float(hand.mean()),
        grid=grid,
        thumb=thumb,
        page_png=png.tobytes() if ok else b"",
    )


# ---------------------------------------------------------------- over time


def _assign_pages(samples: list[_Sample]) -> int:
    """Number pages; a new page starts when the current page's ink vanishes for 2 samples."""
    page = 0
    ref: Array | None = None
    pending: list[_Sample] = []
    kernel = np.ones((3, 3), np.uint8)
    for s in samples:
        s.page = page
        if not s.usable:
            continue
        if ref is not None and int(ref.sum()) >= 8:
            cur = cv2.dilate(s.grid.astype(np.uint8), kernel).astype(bool)
            same = cur.shape == ref.shape
            overlap = float((ref & cur).sum()) / float(ref.sum()) if same else 0.0
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
        if ref is None or s.grid.sum() >= 0.8 * ref.sum():
            ref = s.grid
    return page + 1


def _repeat_flags(samples: list[_Sample]) -> tuple[float, float]:
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
    part = values[:3] if first else values[-3:]
    return float(np.median(part)) if part else 0.0


def analyze_video(
    path: str | os.PathLike[str],
    *,
    limits: VideoLimits | None = None,
    sample_fps: float = 2.0,
    max_samples: int = 600,
    frame_stride: int | None = None,
    task: TaskState | None = None,
) -> dict[str, Any]:
    """Analyse a homework video; never raises for a bad video (verdict ``unreadable``).

    ``frame_stride`` forces the seed's fixed stride; otherwise the stride gives about
    ``sample_fps`` samples per second and at most ``max_samples`` samples.
    :class:`~academy_desktop.engine.progress.Cancelled` propagates.
    """
    limits = limits or VideoLimits()
    task = task or TaskState()
    try:
        info = prevalidate_video(path, limits)
    except Rejection as rej:
        return _unreadable(rej.message, rej.code, total_frames=0)
    if frame_stride is None:
        stride = max(1, round(info.fps / sample_fps))
        if info.frame_count > 0:
            stride = max(stride, -(-info.frame_count // max_samples))
    else:
        stride = max(1, frame_stride)
    samples: list[_Sample] = []
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
                samples.append(_analyse_frame(frame, total, total / info.fps))
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
        return _unreadable(bad.message, bad.code, total_frames=total)
    result = _summarise(samples, total, info, limits)
    task.report(1.0, "video analysed")
    return result


def _unreadable(reason: str, code: Code | None, total_frames: int) -> dict[str, Any]:
    return {
        "total_frames": total_frames,
        "sampled_frames": 0,
        "avg_writing_score": 0.0,
        "filled_ratio": 0.0,
        "frames": [],
        "too_short": True,
        "verdict": "unreadable",
        "confidence": 0.9,
        "reason": reason,
        "rejection_code": str(code) if code else None,
        "pages": 0,
        "page_turns": 0,
        "ink_gain": 0.0,
        "frozen": False,
        "looped": False,
        "timeline": [],
        "key_frames": [],
    }


def _summarise(
    samples: list[_Sample], total: int, info: VideoInfo, limits: VideoLimits
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
    if dark:
        rej = Rejection(Code.TOO_DARK)
        return {
            **base,
            "verdict": "unreadable",
            "confidence": 0.9,
            "reason": rej.message,
            "rejection_code": str(rej.code),
        }
    if blurred:
        rej = Rejection(Code.BLUR_OR_SHAKE)
        return {
            **base,
            "verdict": "unreadable",
            "confidence": 0.8,
            "reason": rej.message,
            "rejection_code": str(rej.code),
        }
    if too_short:
        return {
            **base,
            "verdict": "unreadable",
            "confidence": 0.8,
            "reason": "영상이 너무 짧아 판단할 수 없습니다. / The video is too short to judge.",
        }
    if len(usable) < max(3, 0.3 * len(samples)):
        return {
            **base,
            "verdict": "unreadable",
            "confidence": 0.7,
            "reason": "종이가 잘 보이지 않습니다(손에 가려졌거나 화면 밖). / "
            "The page is hidden (by a hand or out of frame) in most of the video.",
        }
    coverage = len(usable) / len(samples)
    if frozen:
        return {
            **base,
            "verdict": "no_writing",
            "confidence": round(0.6 + 0.3 * coverage, 2),
            "reason": "영상이 정지 화면입니다(사진을 찍은 영상). 쓰는 과정이 없습니다. / "
            "The video is a still picture (a photo filmed); nothing was written in it.",
        }
    if gain >= WROTE_GAIN:
        verdict = "wrote"
        conf = 0.6 + 0.4 * min(1.0, gain / (3 * WROTE_GAIN))
        reason = (
            f"{len(timeline)}쪽에서 글씨가 늘어났습니다. / Ink grew on "
            f"{len(timeline)} page(s) (gain {gain:.3f})."
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
    if looped:
        conf *= 0.6
        reason += " 영상이 반복됩니다. / The video repeats itself."
    return {**base, "verdict": verdict, "confidence": round(min(0.95, conf), 2), "reason": reason}


def to_jsonable(result: dict[str, Any]) -> dict[str, Any]:
    """A copy of an :func:`analyze_video` result that ``json.dumps`` accepts (PNGs as base64)."""
    out = dict(result)
    out["key_frames"] = [
        {**k, "png": base64.b64encode(k["png"]).decode("ascii")} for k in result["key_frames"]
    ]
    return out
