"""analyse_file (one entry point for homework videos and pictures), the photo verdict,
the video engine with a writer's hand on the page, and contact sheets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from synth import homework_media as media

from academy_desktop.engine.homework import verdict as hw_verdict
from academy_desktop.engine.homework.analyse import analyse_file, source_of, to_jsonable
from academy_desktop.engine.homework.contact_sheet import (
    GAP,
    caption,
    contact_sheet,
    image_tiles,
    page_thumbnail,
    sheet_size,
)
from academy_desktop.engine.progress import Cancelled, TaskState

COMMON_KEYS = {"source", "file", "verdict", "confidence", "reason", "rejection_code"}
SEED_VIDEO_KEYS = {
    "total_frames",
    "sampled_frames",
    "avg_writing_score",
    "filled_ratio",
    "frames",
    "too_short",
}


def _png(data: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert img is not None
    return img


# ---------------------------------------------------------------------------- videos


def test_writing_video_is_wrote_with_every_key(tmp_path: Path) -> None:
    seen: list[float] = []
    r = analyse_file(
        media.writing_video(tmp_path / "w.mp4"), task=TaskState(lambda f, _m: seen.append(f))
    )
    assert set(r) >= COMMON_KEYS | SEED_VIDEO_KEYS
    assert (r["source"], r["file"], r["verdict"]) == ("homework_video", "w.mp4", "wrote")
    assert r["rejection_code"] is None and 0.7 <= r["confidence"] <= 1.0
    assert " / " in r["reason"]
    assert [k["which"] for k in r["key_frames"]] == ["first", "last"]
    assert all(isinstance(k["png"], bytes) for k in r["key_frames"])
    assert seen[-1] == 1.0
    json.dumps(to_jsonable(r))
    light = analyse_file(tmp_path / "w.mp4", thumbnails=False)
    assert light["verdict"] == "wrote"
    assert light["key_frames"] and all("png" not in k for k in light["key_frames"])
    json.dumps(light)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (media.little_writing_video, "little_writing"),
        (media.blank_video, "no_writing"),
        (media.static_photo_video, "no_writing"),
    ],
)
def test_video_verdicts(tmp_path: Path, make, expected: str) -> None:
    r = analyse_file(make(tmp_path / "v.mp4", seconds=6))
    assert r["verdict"] == expected, r["reason"]


def test_a_writers_hand_on_the_page_does_not_hide_the_writing(tmp_path: Path) -> None:
    """The writing hand is on the page in 4 frames of 5: the page is still found (the arm
    does not join it), the frames count, and a hand alone adds no ink."""
    wrote = analyse_file(
        media.writing_video(tmp_path / "hw.mp4", 8, size=(1280, 720), writing_hand=True)
    )
    assert wrote["verdict"] == "wrote", wrote["reason"]
    assert sum(f["hand_covered"] for f in wrote["frames"]) >= 0.4 * wrote["sampled_frames"]
    assert all(f["page_found"] for f in wrote["frames"])
    assert wrote["timeline"][0]["samples"] == wrote["sampled_frames"]  # hand frames count
    assert wrote["page_turns"] == 0
    little = analyse_file(media.little_writing_video(tmp_path / "lh.mp4", 8, writing_hand=True))
    assert little["verdict"] == "little_writing", little["reason"]
    blank = analyse_file(media.blank_video(tmp_path / "bh.mp4", 8, writing_hand=True, flicker=0.15))
    assert blank["verdict"] == "no_writing", blank["reason"]
    assert blank["ink_gain"] < hw_verdict.LITTLE_GAIN


def test_page_turns_with_a_writing_hand(tmp_path: Path) -> None:
    r = analyse_file(media.page_turn_video(tmp_path / "pt.mp4", 12, pages=3, writing_hand=True))
    assert r["verdict"] == "wrote"
    assert r["page_turns"] == 2 and len(r["key_frames"]) == 6


def test_bad_videos_are_unreadable_never_raised(tmp_path: Path) -> None:
    corrupt = analyse_file(media.corrupt_video(tmp_path / "c.mp4"))
    assert corrupt["verdict"] == "unreadable" and corrupt["rejection_code"] == "INVALID_FORMAT"
    assert corrupt["source"] == "homework_video" and corrupt["key_frames"] == []
    dark = analyse_file(media.dark_video(tmp_path / "d.mp4"))
    assert (dark["verdict"], dark["rejection_code"]) == ("unreadable", "TOO_DARK")
    short = analyse_file(media.short_video(tmp_path / "s.mp4"))
    assert short["verdict"] == "unreadable" and short["too_short"]
    missing = analyse_file(tmp_path / "gone.mp4")
    assert missing["rejection_code"] == "FILE_UNREADABLE"
    cut = analyse_file(media.truncated_video(tmp_path / "cut.mp4"))
    assert cut["verdict"] in hw_verdict.VERDICTS


def test_a_video_without_its_extension_is_found_by_its_content(tmp_path: Path) -> None:
    video = media.writing_video(tmp_path / "w.mp4", seconds=4)
    bare = tmp_path / "KakaoTalk_video"
    bare.write_bytes(video.read_bytes())
    assert source_of(bare) == "homework_video"
    assert analyse_file(bare)["verdict"] == "wrote"
    assert source_of(tmp_path / "photo.JPG") == "homework_image"
    assert source_of(tmp_path / "clip.MOV") == "homework_video"
    assert source_of(tmp_path / "clip.webm") == "homework_video"


def test_cancel_propagates(tmp_path: Path) -> None:
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        analyse_file(media.writing_video(tmp_path / "w.mp4", seconds=3), task=task)
    with pytest.raises(Cancelled):
        analyse_file(media.blank_worksheet_photo(tmp_path / "b.png"), task=task, ocr=False)


# ---------------------------------------------------------------------------- photos


def test_worked_and_blank_photos(tmp_path: Path) -> None:
    worked = analyse_file(media.worked_photo(tmp_path / "w.jpg", table=True), ocr=False)
    assert set(worked) >= COMMON_KEYS
    assert (worked["source"], worked["verdict"]) == ("homework_image", "wrote")
    assert worked["writing_score"] > 0.7 and worked["page_count"] == 1
    assert worked["ocr"] is None  # no OCR asked
    thumb = _png(worked["pages"][0]["thumbnail_png"])
    assert thumb.shape[1] <= 480 and thumb.shape[0] > thumb.shape[1]  # the flattened page
    json.dumps(to_jsonable(worked))
    blank = analyse_file(media.blank_worksheet_photo(tmp_path / "b.png"), ocr=False)
    assert blank["verdict"] == "no_writing" and blank["writing_score"] < 0.3
    assert blank["confidence"] >= 0.7
    bare = analyse_file(tmp_path / "b.png", ocr=False, thumbnails=False)
    assert "thumbnail_png" not in bare["pages"][0]


@pytest.mark.parametrize(
    ("answered", "expected"), [(0, "no_writing"), (2, "little_writing"), (4, "wrote")]
)
def test_photo_verdict_follows_how_much_was_answered(
    tmp_path: Path, answered: int, expected: str
) -> None:
    """Working under 0, 2 or 4 of the 4 questions. (One question of four still reads
    as no_writing: a single photo cannot tell it from a more densely printed sheet.)"""
    r = analyse_file(media.worked_photo(tmp_path / "p.png", answered=answered), ocr=False)
    assert r["verdict"] == expected, r["reason"]
    assert r["confidence"] >= 0.7


def test_photo_verdict_thresholds() -> None:
    def pages(*scores: float) -> list[dict[str, float]]:
        return [{"writing_score": s, "calculation_score": s} for s in scores]

    assert hw_verdict.image_verdict(pages(0.05)).verdict == "no_writing"
    assert hw_verdict.image_verdict(pages(0.4)).verdict == "little_writing"
    assert hw_verdict.image_verdict(pages(0.05, 0.9)).verdict == "wrote"  # the best page
    sure = hw_verdict.image_verdict(pages(0.95)).confidence
    close = hw_verdict.image_verdict(pages(0.62)).confidence
    assert sure > close
    rejected = {"rejected": {"code": "TOO_DARK", "message": "어둡습니다 / Too dark"}}
    part = hw_verdict.image_verdict([*pages(0.95), rejected])
    assert part.verdict == "wrote" and part.confidence < sure
    assert "1 page(s) could not be read" in part.reason
    none = hw_verdict.image_verdict([rejected])
    assert (none.verdict, none.rejection_code, none.reason) == (
        "unreadable",
        "TOO_DARK",
        "어둡습니다 / Too dark",
    )
    assert hw_verdict.image_verdict([]).rejection_code == "FILE_UNREADABLE"


def test_pdf_with_a_dark_page_and_refused_files(tmp_path: Path) -> None:
    pdf = tmp_path / "pages.pdf"
    worked = Image.fromarray(media.worksheet(worked=True))
    dark = Image.fromarray((media.worksheet(worked=True) * 0.1).astype(np.uint8))
    worked.save(pdf, save_all=True, append_images=[dark], resolution=150)
    r = analyse_file(pdf, ocr=False)
    assert r["verdict"] == "wrote" and r["page_count"] == 2
    assert r["pages"][1]["rejected"]["code"] == "TOO_DARK"
    assert _png(r["pages"][1]["thumbnail_png"]).size  # staff see the dark page too
    tiles = image_tiles(r)
    assert [t["caption"] for t in tiles] == ["p1", "p2 TOO_DARK"]
    only_dark = tmp_path / "dark.png"
    dark.save(only_dark)
    d = analyse_file(only_dark, ocr=False)
    assert (d["verdict"], d["rejection_code"]) == ("unreadable", "TOO_DARK")
    assert d["writing_score"] is None
    text = tmp_path / "notes.txt"
    text.write_text("not a picture " * 50)
    t = analyse_file(text)
    assert (t["source"], t["verdict"], t["rejection_code"]) == (
        "homework_image",
        "unreadable",
        "INVALID_FORMAT",
    )
    assert t["pages"] == [] and " / " in t["reason"]
    json.dumps(to_jsonable(r))


def test_ocr_summary_over_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from academy_desktop.engine.homework import image as hw_image

    calls = iter(
        [
            {"text": "사과 Apple", "confidence": 0.9, "words": 2, "error": None},
            {"text": "", "confidence": 0.0, "words": 0, "error": None},
        ]
    )
    monkeypatch.setattr(hw_image, "run_ocr", lambda _page: next(calls))
    pdf = tmp_path / "two.pdf"
    sheet = Image.fromarray(media.worksheet(worked=True))
    sheet.save(pdf, save_all=True, append_images=[sheet], resolution=150)
    r = analyse_file(pdf)
    assert r["ocr"] == {"text": "사과 Apple", "confidence": 0.9, "error": None}


# ---------------------------------------------------------------------- contact sheets


def test_contact_sheet_grid_and_captions(tmp_path: Path) -> None:
    r = analyse_file(media.page_turn_video(tmp_path / "p.mp4", 12, pages=3))
    frames = r["key_frames"]
    assert len(frames) == 6
    sheet = _png(contact_sheet(frames, columns=4, thumb_width=200, title="p.mp4"))
    assert (sheet.shape[1], sheet.shape[0]) == sheet_size(6, columns=4, thumb_width=200, title=True)
    no_title = _png(contact_sheet(frames, columns=4, thumb_width=200))
    assert no_title.shape[1] == 4 * 200 + 5 * GAP
    assert no_title.shape[0] < sheet.shape[0]
    one_row = _png(contact_sheet(frames, columns=6, thumb_width=100))
    two_rows = _png(contact_sheet(frames, columns=3, thumb_width=100))
    assert one_row.shape[1] == 6 * 100 + 7 * GAP and two_rows.shape[1] == 3 * 100 + 4 * GAP
    assert two_rows.shape[0] - GAP == 2 * (one_row.shape[0] - GAP)
    # the first tile shows the page (bright paper), not the grey of an empty tile
    tile = sheet[sheet.shape[0] // 2 - 40 : sheet.shape[0] // 2, GAP + 20 : GAP + 180]
    assert float(tile.mean()) > 200
    assert re.fullmatch(r"p1 last 0:0\d", caption(frames[1]))
    assert re.fullmatch(r"p3 first 0:\d\d", caption(frames[4]))
    assert caption({"page": 2, "which": "first", "time_s": 754.4}) == "p3 first 12:34"
    assert caption({"page": 0, "which": "page", "time_s": None}) == "p1"
    assert caption({"caption": "p1 숙제"}) == "p1 ??"


def test_contact_sheet_of_nothing_and_of_broken_pictures() -> None:
    empty = _png(contact_sheet([]))
    assert (empty.shape[1], empty.shape[0]) == sheet_size(1)
    broken = _png(contact_sheet([{"page": 0, "which": "first", "png": b"nope"}], thumb_width=64))
    assert (broken.shape[1], broken.shape[0]) == sheet_size(1, thumb_width=64)
    with pytest.raises(ValueError):
        contact_sheet([], columns=0)


def test_page_thumbnail_is_scaled_down_only() -> None:
    page = np.full((1000, 800), 240, np.uint8)
    assert _png(page_thumbnail(page, 400)).shape == (500, 400)
    assert _png(page_thumbnail(page[:100, :200], 400)).shape == (100, 200)
