"""Pre-alignment quality checks (academy_desktop.engine.quality)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from inputs_fixtures import SAMPLES, phone_photo, sample_images, synthetic_sheet

from academy_desktop.engine.inputs import list_pages, load_page
from academy_desktop.engine.quality import assess, check
from academy_desktop.engine.rejections import Code

SHEET = synthetic_sheet()  # 1654x2339, an A4 page at 200 dpi


def motion_blur(image: np.ndarray, length: int, angle: float) -> np.ndarray:
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    rotation = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), angle, 1.0)
    rotated = cv2.warpAffine(kernel, rotation, (length, length))
    return cv2.filter2D(image, -1, rotated / rotated.sum())


# ------------------------------------------------------------------------ real samples


@pytest.mark.skipif(
    not sample_images(),
    reason=f"OMR sample scans not found at {SAMPLES}: clone the shared samples beside the repo",
)
@pytest.mark.parametrize("path", sample_images(), ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_every_real_sample_passes(path: Path) -> None:
    """Loaded exactly as the pipeline loads them (reduced decode included)."""
    page = load_page(list_pages(path)[0])
    assert check(page.image) is None, assess(page.image)


# ------------------------------------------------------------------ usable pages pass


@pytest.mark.parametrize(
    "name",
    [
        "office scan",
        "dark but readable",
        "light scan",
        "phone photo",
        "100 dpi",
        "300 dpi",
        "slightly soft (sigma 2)",
        "small shake (8 px)",
    ],
)
def test_usable_pages_pass(name: str) -> None:
    image = {
        "office scan": lambda: SHEET,
        "dark but readable": lambda: (SHEET * 0.4).astype(np.uint8),
        "light scan": lambda: (160 + SHEET * 0.37).astype(np.uint8),
        "phone photo": lambda: phone_photo(SHEET),
        "100 dpi": lambda: cv2.resize(SHEET, (827, 1170), interpolation=cv2.INTER_AREA),
        "300 dpi": lambda: cv2.resize(SHEET, (2481, 3508), interpolation=cv2.INTER_CUBIC),
        "slightly soft (sigma 2)": lambda: cv2.GaussianBlur(SHEET, (0, 0), 2),
        "small shake (8 px)": lambda: motion_blur(SHEET, 8, 30),
    }[name]()
    assert check(image) is None, assess(image)


# ----------------------------------------------------------------- unusable pages fail


def test_blank_pages() -> None:
    rng = np.random.default_rng(5)
    white = np.full((2339, 1654), 250, np.uint8)
    grey = np.full((900, 700), 128, np.uint8)
    noisy = np.clip(rng.normal(232, 5, (2339, 1654)), 0, 255).astype(np.uint8)
    for image in (white, grey, noisy):
        found = check(image)
        assert found is not None and found.code == Code.BLANK_PAGE, assess(image)


def test_nearly_black_photo_is_too_dark() -> None:
    rng = np.random.default_rng(6)
    dim = (phone_photo(SHEET) * 0.18).astype(np.uint8)  # the sheet is there, but in the dark
    black = np.clip(rng.normal(12, 5, (1800, 2400)), 0, 255).astype(np.uint8)
    for image in (dim, black):
        found = check(image)
        assert found is not None and found.code == Code.TOO_DARK, assess(image)


@pytest.mark.parametrize("sigma", [6, 9, 14])
def test_heavy_blur_is_rejected(sigma: float) -> None:
    image = cv2.GaussianBlur(SHEET, (0, 0), sigma)
    found = check(image)
    assert found is not None and found.code == Code.BLUR_OR_SHAKE, assess(image)


@pytest.mark.parametrize("angle", [0, 45, 90, 135])
def test_strong_motion_blur_is_rejected_in_any_direction(angle: float) -> None:
    image = motion_blur(SHEET, 35, angle)
    found = check(image)
    assert found is not None and found.code == Code.BLUR_OR_SHAKE, assess(image)


def test_blurred_phone_photo_is_rejected() -> None:
    image = cv2.GaussianBlur(phone_photo(SHEET), (0, 0), 7)
    found = check(image)
    assert found is not None and found.code == Code.BLUR_OR_SHAKE, assess(image)


# ------------------------------------------------------------------------- measures


def test_measures_follow_the_image() -> None:
    sharpness = [assess(cv2.GaussianBlur(SHEET, (0, 0), s)).sharpness for s in (0.5, 2, 4, 6)]
    assert sharpness == sorted(sharpness, reverse=True) and sharpness[0] > 2 * sharpness[-1]
    report = assess(SHEET)
    assert report.brightness == pytest.approx(245, abs=1)  # the paper level of the sheet
    assert report.contrast > 180
    assert 0.02 < report.ink_fraction < 0.2
    darker = assess((SHEET * 0.5).astype(np.uint8))
    assert darker.brightness == pytest.approx(122, abs=2)
    assert darker.contrast == pytest.approx(report.contrast / 2, abs=3)


def test_uniform_page_has_no_edges_to_judge() -> None:
    report = assess(np.full((500, 400), 200, np.uint8))
    assert np.isnan(report.sharpness) and report.ink_fraction == 0 and report.contrast == 0


def test_rejects_non_grayscale_input() -> None:
    with pytest.raises(ValueError, match="grayscale"):
        assess(np.zeros((100, 100, 3), np.uint8))


def test_check_is_fast_on_an_a4_page() -> None:
    """< 5 ms is the target on one core (reported by the author: about 3 ms)."""
    check(SHEET)
    times = []
    for _ in range(15):
        start = time.perf_counter()
        check(SHEET)
        times.append(time.perf_counter() - start)
    # generous bound so a busy CI machine does not flake; a regression shows as >> 15 ms
    assert statistics.median(times) < 0.015
