"""Homework video analysis on small synthetic videos written with OpenCV (mp4v)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from synth import homework_media as media

from academy_desktop.engine.homework.video import (
    VideoLimits,
    analyze_video,
    prevalidate_video,
    to_jsonable,
)
from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.engine.rejections import Code, Rejection

Make = Callable[[str], Path]


@pytest.fixture
def out(tmp_path: Path) -> Make:
    return lambda name: tmp_path / name


def test_strokes_appearing_on_a_moving_page_is_wrote(out: Make) -> None:
    seen: list[float] = []
    task = TaskState(lambda f, _m: seen.append(f))
    r = analyze_video(media.writing_video(out("w.mp4")), task=task)
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
    r = analyze_video(media.blank_video(out("n.mp4")))
    assert r["verdict"] == "no_writing", r["reason"]
    assert r["ink_gain"] < 0.0015
    assert not r["frozen"]


def test_static_photo_filmed_is_no_writing_and_frozen(out: Make) -> None:
    # a photo filmed for a full minute (2 fps keeps the file small)
    r = analyze_video(media.static_photo_video(out("s.mp4"), seconds=60, fps=2))
    assert r["duration_s"] >= 59
    assert r["frozen"]
    assert r["verdict"] == "no_writing"
    assert r["avg_writing_score"] > 0.01  # the page is written, just not during the video


def test_page_turn_starts_a_new_page(out: Make) -> None:
    r = analyze_video(media.page_turn_video(out("p.mp4")), frame_stride=2)
    assert r["verdict"] == "wrote", r["reason"]
    assert r["pages"] == 2 and r["page_turns"] == 1
    assert [t["page"] for t in r["timeline"]] == [0, 1]
    assert all(t["ink_gain"] > 0.005 for t in r["timeline"])
    assert len(r["key_frames"]) == 4


def test_hand_covering_the_page_is_flagged_and_ignored(out: Make) -> None:
    r = analyze_video(media.hand_covering_video(out("h.mp4"), every=3), frame_stride=1)
    hands = [f["hand_covered"] for f in r["frames"]]
    assert hands[0] and hands[3] and not hands[1]
    assert r["verdict"] == "wrote"
    assert r["pages"] == 1


def test_dark_video_is_unreadable_too_dark(out: Make) -> None:
    r = analyze_video(media.dark_video(out("d.mp4")))
    assert r["verdict"] == "unreadable"
    assert r["rejection_code"] == Code.TOO_DARK


def test_too_short_video_is_unreadable(out: Make) -> None:
    r = analyze_video(media.short_video(out("t.mp4"), frames=10))
    assert r["too_short"] and r["total_frames"] == 10
    assert r["verdict"] == "unreadable"


def test_corrupt_and_truncated_files_are_handled(out: Make) -> None:
    r = analyze_video(media.corrupt_video(out("junk.mp4")))
    assert r["verdict"] == "unreadable" and r["rejection_code"] == Code.INVALID_FORMAT
    # never raises: either unopenable or analysed as far as it goes
    r = analyze_video(media.truncated_video(out("cut.mp4")))
    assert r["verdict"] in {"unreadable", "wrote", "little_writing", "no_writing"}
    empty = out("empty.mp4")
    empty.write_bytes(b"")
    assert analyze_video(empty)["rejection_code"] == Code.FILE_UNREADABLE


def test_prevalidation_limits(out: Make) -> None:
    small = media.write_video(out("small.mp4"), [np.full((240, 320, 3), 200, np.uint8)] * 5)
    with pytest.raises(Rejection) as e:
        prevalidate_video(small)
    assert e.value.code == Code.RESOLUTION_TOO_LOW
    video = media.writing_video(out("v.mp4"), seconds=4)
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
        analyze_video(media.writing_video(out("c.mp4"), seconds=3), task=task)


def test_looped_clip_is_flagged_and_less_certain(out: Make) -> None:
    once = analyze_video(media.looped_video(out("once.mp4"), seconds=4, repeats=1))
    looped = analyze_video(media.looped_video(out("loop.mp4"), seconds=4, repeats=3))
    assert not once["looped"] and looped["looped"]
    assert looped["confidence"] < once["confidence"]
    assert "repeats" in looped["reason"]


def test_blurred_video_is_unreadable_blur_or_shake(out: Make) -> None:
    r = analyze_video(media.blurred_video(out("b.mp4")))
    assert r["verdict"] == "unreadable"
    assert r["rejection_code"] == Code.BLUR_OR_SHAKE
    blank = analyze_video(media.blank_video(out("blank.mp4"), seconds=4, printed=False))
    assert blank["rejection_code"] is None  # a clean blank page is sharp, not blurred
    assert blank["verdict"] == "no_writing"
