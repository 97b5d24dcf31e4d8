"""Homework video analysis on small synthetic videos written with OpenCV (mp4v)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from academy_desktop.engine.homework.video import (
    VideoLimits,
    analyze_video,
    prevalidate_video,
    to_jsonable,
)
from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.engine.rejections import Code, Rejection

FRAME = (800, 600)  # w, h: the short side is the seed's 600 px minimum
PAGE = (400, 566)
INK = (90, 40, 20)  # dark blue pen (BGR)


def _strokes(seed: int, count: int) -> list[np.ndarray]:
    """Handwriting-like scribbles in page coordinates, in writing order."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        row, col = divmod(k, 4)
        x0, y0 = 40 + col * 85, 60 + row * 45
        xs = x0 + np.linspace(0, 70, 12)
        ys = y0 + rng.integers(-12, 12, 12)
        out.append(np.stack([xs, ys], axis=1).astype(np.int32))
    return out


def _page(strokes: list[np.ndarray], printed: bool = False) -> np.ndarray:
    page = np.full((PAGE[1], PAGE[0], 3), 235, np.uint8)
    if printed:  # a worksheet's printed lines: ink that is there from the start
        for y in range(80, 540, 60):
            cv2.line(page, (30, y), (370, y), (120, 120, 120), 1)
    for s in strokes:
        cv2.polylines(page, [s], False, INK, 2, cv2.LINE_AA)
    return page


def _frame(page: np.ndarray, t: int, jitter: bool = True, seed: int = 0) -> np.ndarray:
    w, h = FRAME
    frame = np.full((h, w, 3), (70, 95, 120), np.uint8)  # a wooden desk
    dx, dy = (3 * np.sin(t / 3.0), 3 * np.cos(t / 4.0)) if jitter else (0.0, 0.0)
    src = np.array([[0, 0], [PAGE[0], 0], [PAGE[0], PAGE[1]], [0, PAGE[1]]], np.float32)
    dst = np.array([[220, 30], [590, 40], [600, 570], [205, 560]], np.float32) + np.array(
        [dx, dy], np.float32
    )
    m = cv2.getPerspectiveTransform(src, dst)
    cv2.warpPerspective(page, m, (w, h), frame, borderMode=cv2.BORDER_TRANSPARENT)
    if jitter:  # sensor noise
        rng = np.random.default_rng(seed + t)
        noise = rng.normal(0, 2.0, frame.shape)
        frame = np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return frame


def _write(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def _writing_video(path: Path, n: int = 60) -> Path:
    strokes = _strokes(1, 32)
    frames = [_frame(_page(strokes[: int(len(strokes) * t / n)], True), t) for t in range(n)]
    return _write(path, frames)


Make = Callable[[str], Path]


@pytest.fixture
def out(tmp_path: Path) -> Make:
    return lambda name: tmp_path / name


def test_strokes_appearing_on_a_moving_page_is_wrote(out: Make) -> None:
    seen: list[float] = []
    task = TaskState(lambda f, _m: seen.append(f))
    r = analyze_video(_writing_video(out("w.mp4")), task=task)
    assert r["verdict"] == "wrote", r["reason"]
    assert r["confidence"] >= 0.7
    assert r["pages"] == 1 and r["page_turns"] == 0
    assert not r["frozen"] and not r["looped"] and not r["too_short"]
    assert r["total_frames"] == 60 and r["sampled_frames"] >= 10
    for key in ("avg_writing_score", "filled_ratio", "frames", "timeline", "key_frames"):
        assert key in r
    inks = [f["writing_score"] for f in r["frames"]]
    assert inks[-1] > inks[0] + 0.01
    assert all(f["page_found"] for f in r["frames"])
    first, last = r["key_frames"][0], r["key_frames"][-1]
    assert (first["which"], last["which"]) == ("first", "last")
    img = cv2.imdecode(np.frombuffer(last["png"], np.uint8), cv2.IMREAD_COLOR)
    assert img is not None and img.shape[0] > img.shape[1]  # the portrait page, flattened
    assert seen and seen[-1] == 1.0
    json.loads(json.dumps(to_jsonable(r)))


def test_blank_worksheet_without_writing_is_no_writing(out: Make) -> None:
    page = _page([], printed=True)
    r = analyze_video(_write(out("n.mp4"), [_frame(page, t) for t in range(60)]))
    assert r["verdict"] == "no_writing", r["reason"]
    assert r["ink_gain"] < 0.0015
    assert not r["frozen"]


def test_static_photo_filmed_is_no_writing_and_frozen(out: Make) -> None:
    frame = _frame(_page(_strokes(2, 32), True), 0, jitter=False)
    r = analyze_video(_write(out("s.mp4"), [frame] * 60))
    assert r["frozen"]
    assert r["verdict"] == "no_writing"
    assert r["avg_writing_score"] > 0.01  # the page is written, just not during the video


def test_page_turn_starts_a_new_page(out: Make) -> None:
    a, b = _strokes(3, 28), _strokes(4, 28)
    frames = [_frame(_page(a[: t + 1]), t) for t in range(0, 28, 1)]
    frames += [_frame(_page(b[: t + 1]), 30 + t) for t in range(0, 28, 1)]
    frames += [frames[-1]] * 4
    r = analyze_video(_write(out("p.mp4"), frames), frame_stride=2)
    assert r["verdict"] == "wrote", r["reason"]
    assert r["pages"] == 2 and r["page_turns"] == 1
    assert [t["page"] for t in r["timeline"]] == [0, 1]
    assert all(t["ink_gain"] > 0.005 for t in r["timeline"])
    assert len(r["key_frames"]) == 4


def test_hand_covering_the_page_is_flagged_and_ignored(out: Make) -> None:
    strokes = _strokes(5, 32)
    frames = []
    for t in range(60):
        f = _frame(_page(strokes[: int(32 * t / 60)]), t)
        if t % 3 == 0:  # a hand over the lower half of the page
            cv2.ellipse(f, (420, 420), (150, 90), 10, 0, 360, (120, 150, 215), -1)
        frames.append(f)
    r = analyze_video(_write(out("h.mp4"), frames), frame_stride=1)
    hands = [f["hand_covered"] for f in r["frames"]]
    assert hands[0] and hands[3] and not hands[1]
    assert r["verdict"] == "wrote"
    assert r["pages"] == 1


def test_dark_video_is_unreadable_too_dark(out: Make) -> None:
    frames = [(_frame(_page(_strokes(6, t)), t) * 0.12).astype(np.uint8) for t in range(40)]
    r = analyze_video(_write(out("d.mp4"), frames))
    assert r["verdict"] == "unreadable"
    assert r["rejection_code"] == Code.TOO_DARK


def test_too_short_video_is_unreadable(out: Make) -> None:
    frames = [_frame(_page(_strokes(7, t)), t) for t in range(10)]
    r = analyze_video(_write(out("t.mp4"), frames))
    assert r["too_short"] and r["total_frames"] == 10
    assert r["verdict"] == "unreadable"


def test_corrupt_and_truncated_files_are_handled(out: Make) -> None:
    junk = out("junk.mp4")
    junk.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, np.uint8).tobytes())
    r = analyze_video(junk)
    assert r["verdict"] == "unreadable" and r["rejection_code"] == Code.INVALID_FORMAT
    good = _writing_video(out("good.mp4"))
    cut = out("cut.mp4")
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    r = analyze_video(cut)  # never raises; either unopenable or analysed as far as it goes
    assert r["verdict"] in {"unreadable", "wrote", "little_writing", "no_writing"}
    empty = out("empty.mp4")
    empty.write_bytes(b"")
    assert analyze_video(empty)["rejection_code"] == Code.FILE_UNREADABLE


def test_prevalidation_limits(out: Make) -> None:
    small = _write(out("small.mp4"), [np.full((240, 320, 3), 200, np.uint8)] * 5)
    with pytest.raises(Rejection) as e:
        prevalidate_video(small)
    assert e.value.code == Code.RESOLUTION_TOO_LOW
    video = _writing_video(out("v.mp4"), 40)
    with pytest.raises(Rejection) as e:
        prevalidate_video(video, VideoLimits(max_seconds=2.0))
    assert e.value.code == Code.VIDEO_TOO_LONG
    assert "동영상 길이 제한을 초과했습니다." in e.value.message
    with pytest.raises(Rejection) as e:
        prevalidate_video(video, VideoLimits(max_bytes=1000))
    assert e.value.code == Code.FILE_TOO_LARGE
    other = out("v.txt")
    other.write_bytes(video.read_bytes())
    with pytest.raises(Rejection) as e:
        prevalidate_video(other)
    assert e.value.code == Code.INVALID_FORMAT
    info = prevalidate_video(video)
    assert (info.width, info.height, info.frame_count) == (800, 600, 40)
    assert info.duration_s == pytest.approx(4.0)


def test_cancel_stops_the_analysis(out: Make) -> None:
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        analyze_video(_writing_video(out("c.mp4"), 30), task=task)


def test_looped_clip_is_flagged_and_less_certain(out: Make) -> None:
    strokes, n = _strokes(8, 32), 40
    clip = [_frame(_page(strokes[: int(32 * t / n)], True), t) for t in range(n)]
    once = analyze_video(_write(out("once.mp4"), clip))
    looped = analyze_video(_write(out("loop.mp4"), clip * 3))
    assert not once["looped"] and looped["looped"]
    assert looped["confidence"] < once["confidence"]
    assert "repeats" in looped["reason"]


def test_blurred_video_is_unreadable_blur_or_shake(out: Make) -> None:
    strokes = _strokes(9, 32)
    frames = [
        cv2.GaussianBlur(_frame(_page(strokes[: int(32 * t / 40)]), t), (31, 31), 0)
        for t in range(40)
    ]
    r = analyze_video(_write(out("b.mp4"), frames))
    assert r["verdict"] == "unreadable"
    assert r["rejection_code"] == Code.BLUR_OR_SHAKE
    blank = analyze_video(_write(out("blank.mp4"), [_frame(_page([]), t) for t in range(40)]))
    assert blank["rejection_code"] is None  # a clean blank page is sharp, not blurred
    assert blank["verdict"] == "no_writing"
