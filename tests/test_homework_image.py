"""Homework photo analysis on rendered worksheets: checks, deskew, handwriting scores,
question boxes and OCR (Korean + English)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from synth import homework_media as media

from academy_desktop.engine.homework import image as hw_image
from academy_desktop.engine.homework import ocr as hw_ocr
from academy_desktop.engine.homework.segment import segment_opencv, segment_questions
from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.engine.rejections import Code, Rejection
from academy_desktop.tesseract import find_tesseract

FONT = media.FONT
W, H = media.SHEET  # A4 at 150 dpi
QUESTION_Y = media.QUESTION_Y


def _font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT.is_file():
        pytest.skip(f"Nanum font not installed ({FONT})")
    return ImageFont.truetype(str(FONT), size)


def worksheet(*, worked: bool, seed: int = 0) -> np.ndarray:
    """The shared worksheet (synth.homework_media); the calibration is asserted on the
    Korean one, so these tests need the Nanum font."""
    _font(34)
    return media.worksheet(worked=worked, seed=seed)


def _rotate(gray: np.ndarray, degrees: float) -> np.ndarray:
    h, w = gray.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(gray, rot, (w, h), borderValue=255)


# ---------------------------------------------------------------- handwriting scores


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blank_worksheet_scores_low_and_worked_one_high(seed):
    blank = hw_image.handwriting_scores(worksheet(worked=False))
    worked = hw_image.handwriting_scores(worksheet(worked=True, seed=seed))
    assert blank["writing_score"] < 0.3 and blank["calculation_score"] < 0.3
    assert worked["writing_score"] > 0.7 and worked["calculation_score"] > 0.7
    assert 0.0 <= blank["writing_score"] <= 1.0 and 0.0 <= worked["calculation_score"] <= 1.0


def test_scores_do_not_depend_on_resolution():
    worked = worksheet(worked=True)
    half = cv2.resize(worked, (W // 2 + 100, H // 2 + 141), interpolation=cv2.INTER_AREA)
    full, small = hw_image.handwriting_scores(worked), hw_image.handwriting_scores(half)
    assert small["writing_score"] > 0.7 and small["calculation_score"] > 0.7
    assert abs(full["writing_score"] - small["writing_score"]) < 0.2


def test_empty_paper_scores_zero():
    scores = hw_image.handwriting_scores(np.full((H, W), 240, np.uint8))
    assert scores["writing_score"] < 0.05 and scores["calculation_score"] < 0.05


# ---------------------------------------------------------------------- segmentation


def test_opencv_segmentation_finds_each_question_top_to_bottom():
    blank = segment_opencv(worksheet(worked=False))
    worked = segment_opencv(worksheet(worked=True))
    assert len(blank) == len(worked) == 5  # the title and four questions
    for boxes in (blank, worked):
        assert boxes == sorted(boxes, key=lambda b: (b[1], b[0]))
        for (_, y, _, h), top in zip(boxes[1:], QUESTION_Y, strict=True):
            assert y <= top + 15 and y + h >= top + 25  # each box holds its question line
    # a worked question's box takes in the working written under it
    for b, w in zip(blank[1:], worked[1:], strict=True):
        assert w[3] > 4 * b[3]
        assert w[1] + w[3] < b[1] + 360  # and stops before the next question


def test_segmentation_of_an_empty_page_is_empty_and_auto_falls_back(tmp_path):
    paper = np.full((H, W), 250, np.uint8)
    assert segment_opencv(paper) == []
    boxes, used = segment_questions(worksheet(worked=False), "auto", model_path=tmp_path / "no")
    assert used == "opencv" and len(boxes) == 5
    with pytest.raises(ValueError):
        segment_questions(paper, "magic")  # type: ignore[arg-type]


# ---------------------------------------------------------------- checks and geometry


def test_prevalidation_codes():
    page = worksheet(worked=True)
    hw_image.prevalidate(page)  # a good page passes
    cases = [
        (cv2.resize(page, (500, 700)), Code.RESOLUTION_TOO_LOW),
        ((page.astype(np.float32) * 0.15).astype(np.uint8), Code.TOO_DARK),
        (cv2.GaussianBlur(page, (0, 0), 8), Code.BLUR_OR_SHAKE),
    ]
    for gray, code in cases:
        with pytest.raises(Rejection) as info:
            hw_image.prevalidate(gray)
        assert info.value.code is code
    # the size before reduction on loading counts, not the decoded size
    with pytest.raises(Rejection):
        hw_image.prevalidate(page, original_size=(590, 800))


def test_file_over_20_mb_is_refused(tmp_path):
    big = tmp_path / "big.png"
    with big.open("wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.truncate(hw_image.MAX_FILE_BYTES + 1)
    with pytest.raises(Rejection) as info:
        hw_image.analyse_image(big)
    assert info.value.code is Code.FILE_TOO_LARGE


def test_unsupported_file_is_invalid_format(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not an image " * 20)
    with pytest.raises(Rejection) as info:
        hw_image.analyse_image(text)
    assert info.value.code is Code.INVALID_FORMAT


@pytest.mark.parametrize("degrees", [-6.0, 3.0, 8.0])
def test_deskew_straightens_a_rotated_page(degrees):
    turned = _rotate(worksheet(worked=False), degrees)
    assert hw_image.skew_angle(turned) == pytest.approx(degrees, abs=0.5)
    straight, angle = hw_image.deskew(turned)
    assert angle == pytest.approx(degrees, abs=0.5)
    assert abs(hw_image.skew_angle(straight)) <= 0.5


def test_page_on_a_dark_table_is_found_and_flattened():
    sheet = worksheet(worked=True)
    sheet = cv2.resize(sheet, (620, 877), interpolation=cv2.INTER_AREA)
    photo = np.full((1200, 1000), 60, np.uint8)
    src = np.array([[0, 0], [619, 0], [619, 876], [0, 876]], np.float32)
    dst = np.array([[210, 150], [820, 190], [800, 1080], [170, 1040]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    cv2.warpPerspective(sheet, matrix, (1000, 1200), dst=photo, borderMode=cv2.BORDER_TRANSPARENT)
    corners = hw_image.find_page(photo)
    assert corners is not None
    assert np.abs(corners - dst).max() < 15
    page, info = hw_image.prepare_page(photo)
    assert info["page_found"] is True
    assert 0.6 < page.shape[1] / page.shape[0] < 0.8  # portrait A4-like after flattening
    table = np.abs(page.astype(np.int16) - 60) < 8
    assert table.mean() < 0.01  # the table is cut away
    assert float(np.median(page)) > 200  # mostly paper
    # a scan (the page fills the image) is left alone
    assert hw_image.find_page(worksheet(worked=False)) is None


# -------------------------------------------------------------------- whole files


def test_analyse_png_and_pdf_pages(tmp_path):
    png = tmp_path / "worked.png"
    cv2.imwrite(str(png), worksheet(worked=True))
    result = hw_image.analyse_image(png, ocr=False)
    assert result["source"] == "homework_image"
    (page,) = result["pages"]
    assert page["writing_score"] > 0.7 and len(page["questions"]) == 5
    assert page["segmentation"] == "opencv" and "ocr" not in page

    pdf = tmp_path / "pages.pdf"
    images = [Image.fromarray(worksheet(worked=w)) for w in (False, True)]
    dark = Image.fromarray((worksheet(worked=True) * 0.1).astype(np.uint8))
    images[0].save(pdf, save_all=True, append_images=[images[1], dark], resolution=150)
    progress: list[float] = []
    state = TaskState(lambda f, _m: progress.append(f))
    result = hw_image.analyse_image(pdf, ocr=False, state=state)
    blank, worked, rejected = result["pages"]
    assert [p["index"] for p in result["pages"]] == [0, 1, 2]
    assert blank["writing_score"] < 0.3 < 0.7 < worked["writing_score"]
    assert rejected["rejected"]["code"] == "TOO_DARK"
    assert "너무 어둡습니다" in rejected["rejected"]["message"]
    assert progress[-1] == 1.0

    state = TaskState()
    state.cancel()
    with pytest.raises(Cancelled):
        hw_image.analyse_image(pdf, ocr=False, state=state)


# ----------------------------------------------------------------------------- OCR


def _tesseract_with_korean():
    found = find_tesseract()
    if found is None or not {"kor", "eng"} <= set(found.languages()):
        pytest.skip("tesseract with kor+eng language data is not installed")
    return found


def test_ocr_reads_rendered_korean_and_english():
    engine = _tesseract_with_korean()
    im = Image.new("L", (1400, 360), 255)
    draw = ImageDraw.Draw(im)
    draw.text((40, 40), "다음 문제를 풀어 보세요", font=_font(48), fill=0)
    draw.text((40, 140), "Homework answers", font=_font(48), fill=0)
    draw.text((40, 240), "사과 Apple 42", font=_font(48), fill=0)
    result = hw_ocr.ocr(np.array(im), tesseract=engine)
    assert result["error"] is None
    squashed = "".join(result["text"].split())
    for expected in ("다음문제를풀어보세요", "Homework", "answers", "사과", "Apple", "42"):
        assert expected in squashed
    assert 0.6 < result["confidence"] <= 1.0
    assert result["words"] >= 5


def test_ocr_of_a_blank_image_is_empty_with_zero_confidence():
    engine = _tesseract_with_korean()
    result = hw_ocr.ocr(np.full((400, 800), 255, np.uint8), tesseract=engine)
    assert result == {"text": "", "confidence": 0.0, "words": 0, "error": None}


def test_missing_tesseract_gives_a_message_and_the_page_is_still_analysed(monkeypatch):
    monkeypatch.setattr(hw_ocr, "find_tesseract", lambda: None)
    result = hw_ocr.ocr(np.full((100, 100), 255, np.uint8))
    assert result["text"] == "" and result["confidence"] == 0.0
    assert result["error"] == hw_ocr.MISSING_MESSAGE
    assert "Tesseract" in result["error"] and "/" in result["error"]
    page = hw_image.analyse_page(worksheet(worked=True))
    assert page["ocr"]["error"] == hw_ocr.MISSING_MESSAGE
    assert page["writing_score"] > 0.7 and len(page["questions"]) == 5


def test_broken_tesseract_is_reported_not_raised(tmp_path):
    from academy_desktop.tesseract import Tesseract

    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    result = hw_ocr.ocr(np.full((100, 100), 255, np.uint8), tesseract=Tesseract(fake, "env"))
    assert result["text"] == "" and result["error"].startswith(hw_ocr.FAILED_MESSAGE)


def test_an_unexpected_error_on_one_page_is_reported_for_that_page(tmp_path, monkeypatch):
    png = tmp_path / "page.png"
    cv2.imwrite(str(png), worksheet(worked=True))

    def broken(_gray):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(hw_image, "handwriting_scores", broken)
    (page,) = hw_image.analyse_image(png, ocr=False)["pages"]
    assert page["rejected"]["code"] == "INTERNAL_ERROR"
    assert "boom" in page["rejected"]["message"]
