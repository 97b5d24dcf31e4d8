"""OMRChecker's CropOnMarkers: marker pictures found at any scale, in perspective, on a
cluttered background and at every quarter turn; a quad that is not the template's is
refused; the real CropOnMarkers samples grade through the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from synth import layouts, photo

from academy_desktop.cli.main import main
from academy_desktop.engine.align import marker_geometry, marker_image
from academy_desktop.engine.align.aligner import align
from academy_desktop.engine.align.geometry import (
    clockwise_order,
    downscale,
    page_corners,
    transform_points,
)
from academy_desktop.engine.align.marker_model import MarkerQuad
from academy_desktop.engine.grade import grade_image
from academy_desktop.engine.rejections import Code, Rejection
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Template

Layout = tuple[Path, Template]


@pytest.fixture(scope="module")
def circles(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    path = layouts.make_layout("omr_circles", tmp_path_factory.mktemp("circles"), seed=0)
    return path, load_template(path)


@pytest.fixture(scope="module")
def symmetric(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    path = layouts.make_layout("grid_symmetric", tmp_path_factory.mktemp("symmetric"), seed=0)
    return path, load_template(path)


def _page(layout: Layout, dpi: int, seed: int = 1) -> tuple[np.ndarray, dict[str, str]]:
    answers = layouts.random_answers(layout[0], seed=seed, double=0.0, blank=0.0)
    page = layouts.render_sheet(layout[0], answers, dpi=dpi, seed=seed, marks="pen")
    return cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), answers


def _locate(gray: np.ndarray, t: Template) -> MarkerQuad:
    small, f = downscale(gray, 1000)
    return marker_image.locate(gray, t, small, f)


def _photo(
    page: np.ndarray, h: np.ndarray, size: tuple[int, int], seed: int, shadow: bool = True
) -> np.ndarray:
    """``page`` warped by ``h`` onto a textured background, with uneven light."""
    rng = np.random.default_rng(seed)
    w, hh = size
    bg = cv2.cvtColor(photo.background(w, hh, rng, "carpet"), cv2.COLOR_BGR2GRAY)
    out = bg.copy()
    cv2.warpPerspective(page, h, size, dst=out, borderMode=cv2.BORDER_TRANSPARENT)
    if shadow:  # a soft cast shadow over a third of the picture and a light gradient
        yy, xx = np.mgrid[0:hh, 0:w].astype(np.float32)
        light = 0.75 + 0.25 * xx / w
        light *= 1.0 - 0.35 / (1.0 + np.exp((yy - 0.35 * hh - 0.3 * xx) / (0.02 * hh)))
        out = np.clip(out * light, 0, 255).astype(np.uint8)
    return out


def _answers_read(result_fields: dict, answers: dict[str, str]) -> list[str]:
    """Labels read wrongly without a flag."""
    wrong = []
    for label, want in answers.items():
        got = result_fields[label]
        if not got.flagged and sorted(got.detected) != sorted(want):
            wrong.append(label)
    return wrong


@pytest.mark.parametrize("dpi", [100, 200, 300, 600])
def test_markers_are_found_at_any_scale_with_sub_pixel_centres(circles: Layout, dpi: int) -> None:
    gray, _ = _page(circles, dpi)
    fit = _locate(gray, circles[1])
    truth = layouts.marker_centres_px(circles[0], dpi)
    assert fit.found == 4
    assert fit.score > 0.8
    assert np.abs(fit.corners - truth).max() < 0.5 * max(1.0, dpi / 300)


def test_markers_in_a_small_phone_picture_with_perspective_shadow_and_clutter(
    circles: Layout,
) -> None:
    gray, answers = _page(circles, 200, seed=4)
    ph, pw = gray.shape
    # the sheet covers about half of a 1200 x 1600 picture, tilted towards the camera
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    dst = np.array([[330, 300], [930, 260], [1010, 1250], [250, 1330]], np.float32)
    h = cv2.getPerspectiveTransform(src, dst)
    picture = _photo(gray, h, (1200, 1600), seed=4)
    fit = _locate(picture, circles[1])
    truth = transform_points(h, layouts.marker_centres_px(circles[0], 200))
    assert np.abs(fit.corners - truth).max() < 1.5
    result = grade_image(picture, circles[1])
    assert result.status == "ok"
    assert _answers_read(result.fields, answers) == []


def test_strong_perspective_squeezes_the_far_markers_into_ellipses(circles: Layout) -> None:
    gray, _ = _page(circles, 150, seed=5)
    ph, pw = gray.shape
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    # the top edge 60 % of the bottom one: the top markers are small and flattened
    dst = np.array([[380, 150], [1020, 190], [1180, 1560], [170, 1500]], np.float32)
    h = cv2.getPerspectiveTransform(src, dst)
    picture = _photo(gray, h, (1350, 1700), seed=5, shadow=False)
    fit = _locate(picture, circles[1])
    truth = transform_points(h, layouts.marker_centres_px(circles[0], 150))
    assert fit.found == 4
    assert np.abs(fit.corners - truth).max() < 1.5


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_every_quarter_turn_is_found_and_read(circles: Layout, turns: int) -> None:
    gray, answers = _page(circles, 200, seed=6 + turns)
    turned = np.ascontiguousarray(np.rot90(gray, -turns))  # clockwise
    result = grade_image(turned, circles[1])
    assert result.status == "ok"
    assert result.alignment is not None
    # as for native sheets: the turn that brings the page upright, counter-clockwise
    assert result.alignment["rotation"] == (360 - 90 * turns) % 360
    assert result.alignment["orientation_margin"] > 0.1
    assert "orientation_undecided" not in result.alignment
    assert _answers_read(result.fields, answers) == []


def test_a_half_turn_symmetric_layout_leaves_both_turns_to_decide(symmetric: Layout) -> None:
    gray, _ = _page(symmetric, 150)
    found = align(np.ascontiguousarray(np.rot90(gray, 2)), symmetric[1])
    assert found.details["orientation_undecided"] is True
    candidates = found.details["orientation_candidates"]
    assert sorted(candidates) == ["0", "180"]
    corners = {
        k: transform_points(np.array(h), page_corners(symmetric[1])) for k, h in candidates.items()
    }
    # the same four markers, labelled half a turn apart
    assert np.allclose(corners["0"], np.roll(corners["180"], 2, axis=0), atol=0.05)


def test_markers_that_show_their_own_turn_settle_a_symmetric_layout(
    tmp_path: Path,
) -> None:
    path = layouts.make_layout("grid_symmetric", tmp_path, seed=0)
    spec = layouts.load_spec(path)
    n = 90  # an "F": no symmetry at all, so each marker shows which way the page lies
    pic = np.full((n, n), 255, np.uint8)
    pic[12:78, 14:32] = 0
    pic[12:30, 14:76] = 0
    pic[38:54, 14:62] = 0
    cv2.imwrite(str(tmp_path / spec.marker_file), pic)
    layout = (path, load_template(path))
    gray, _ = _page(layout, 150)
    for turns in (0, 2, 3):
        found = align(np.ascontiguousarray(np.rot90(gray, -turns)), layout[1])
        assert found.rotation == (360 - 90 * turns) % 360
        assert found.details["marker_rotation"] == found.rotation
        assert found.details["orientation_method"] == "markers"  # the content ties
        assert "orientation_undecided" not in found.details


def test_three_markers_predict_the_fourth(circles: Layout) -> None:
    gray, answers = _page(circles, 200, seed=9)
    truth = layouts.marker_centres_px(circles[0], 200)
    spec = layouts.load_spec(circles[0])
    r = round(spec.marker_mm * layouts.px_per_mm(200) * 0.6)
    x, y = (round(v) for v in truth[2])
    gray[y - r : y + r, x - r : x + r] = 255  # the bottom-right marker is torn off
    fit = _locate(gray, circles[1])
    assert fit.found == 3
    assert np.abs(fit.corners[[0, 1, 3]] - truth[[0, 1, 3]]).max() < 0.5
    assert np.abs(fit.corners[2] - truth[2]).max() < 3.0  # a parallelogram's guess
    result = grade_image(gray, circles[1])
    assert result.status == "ok"
    assert result.alignment is not None and result.alignment["markers_found"] == 3
    assert _answers_read(result.fields, answers) == []


def test_no_markers_or_another_sheet_is_refused_never_read(
    circles: Layout, symmetric: Layout
) -> None:
    gray, _ = _page(circles, 150, seed=10)
    truth = layouts.marker_centres_px(circles[0], 150)
    spec = layouts.load_spec(circles[0])
    r = round(spec.marker_mm * layouts.px_per_mm(150) * 0.6)
    for i in (1, 2):  # two markers gone: no four, no right-angled three
        x, y = (round(v) for v in truth[i])
        gray[y - r : y + r, x - r : x + r] = 255
    with pytest.raises(Rejection) as err:
        align(gray, circles[1])
    assert err.value.code is Code.ALIGNMENT_FAILED
    # a sheet of another layout (square markers) is never read as this one
    other, _ = _page(symmetric, 150)
    result = grade_image(other, circles[1])
    assert result.status == "rejected"


def test_the_geometry_check_refuses_quads_unlike_the_template() -> None:
    aspect, ratio = 0.7, 17.0
    good = np.array([[[100, 100], [800, 100], [800, 1100], [100, 1100]]], float)
    sizes = np.full((1, 4), 45.0)  # ~ 800 px paper / 17
    err, upright = marker_geometry.quad_geometry(good, sizes, aspect, ratio)
    assert np.isfinite(err[0]) and upright[0]
    turned = good[:, :, ::-1]  # the same page a quarter turn away: still fine, not upright
    err, upright = marker_geometry.quad_geometry(markers_clockwise(turned), sizes, aspect, ratio)
    assert np.isfinite(err[0]) and not upright[0]
    bad = {
        "not convex": [[100, 100], [800, 100], [300, 300], [100, 1100]],
        "square, not 0.7": [[100, 100], [1000, 100], [1000, 1000], [100, 1000]],
        "a kite": [[450, 100], [800, 600], [450, 1100], [100, 600]],
        "too strong a perspective": [[350, 100], [550, 100], [800, 1100], [100, 1100]],
    }
    for name, quad in bad.items():
        err, _ = marker_geometry.quad_geometry(np.array([quad], float), sizes, aspect, ratio)
        assert not np.isfinite(err[0]), name
    # markers far too small or too big for a quad this size (bubbles, blots)
    for size in (15.0, 120.0):
        err, _ = marker_geometry.quad_geometry(good, np.full((1, 4), size), aspect, ratio)
        assert not np.isfinite(err[0]), size


def markers_clockwise(quads: np.ndarray) -> np.ndarray:
    order = clockwise_order(quads)
    return np.take_along_axis(quads, order[..., None], axis=1)


# ------------------------------------------------------------------------ real samples


def _grade_folder(folder: Path, out: Path) -> list[dict]:
    assert main(["grade", str(folder), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    lines = (out / "results.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_real_crop_on_markers_samples_grade_at_every_quarter_turn(tmp_path: Path) -> None:
    from conftest import require_samples

    sample5 = require_samples("sample5")
    sample1 = require_samples("sample1")
    upright = {
        Path(r["source"]).name: r
        for folder in (sample1, sample5)
        for r in _grade_folder(folder, tmp_path / folder.name)
    }
    assert set(upright) == {"sheet1.jpg", "camscanner-1.jpg", "camscanner-2.jpg"}
    for r in upright.values():
        assert r["status"] == "ok", r
        assert r["alignment"]["method"] == "marker_image"
        assert r["alignment"]["rotation"] == 0
        assert r["alignment"]["marker_score"] > 0.6  # sample1: a marker scribbled over
    # the CamScanner page turned each way, in a folder of its own with the template
    turned = tmp_path / "turned"
    turned.mkdir()
    for name in ("template.json", "config.json", "evaluation.json", "omr_marker.jpg"):
        shutil.copy2(sample5 / name, turned / name)
    page = cv2.imread(str(sample5 / "ScanBatch2" / "camscanner-2.jpg"), cv2.IMREAD_GRAYSCALE)
    assert page is not None
    for turns in (1, 2, 3):
        cv2.imwrite(str(turned / f"turn{turns}.png"), np.rot90(page, -turns))
    want = upright["camscanner-2.jpg"]["fields"]
    for r in _grade_folder(turned, tmp_path / "turned-out"):
        turns = int(Path(r["source"]).stem[-1])
        assert r["status"] == "ok", r
        assert r["alignment"]["rotation"] == (360 - 90 * turns) % 360
        # the same reading wherever both are sure (resampling may move a doubt)
        sure = [k for k, v in r["fields"].items() if not _flagged(v) and not _flagged(want[k])]
        assert len(sure) > 0.5 * len(want)
        assert {k: r["fields"][k]["detected"] for k in sure} == {
            k: want[k]["detected"] for k in sure
        }


def _flagged(field: dict) -> bool:
    return field["status"] in ("ambiguous", "low_confidence", "error")
