"""Alignment: find the sheet in any orientation and resolution, and refuse what does not fit."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from synth import make_sheet

from academy_desktop.engine.align.aligner import align
from academy_desktop.engine.align.geometry import transform_points
from academy_desktop.engine.grade import grade_aligned, grade_image
from academy_desktop.engine.render import template_to_px
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Template


@pytest.fixture(scope="module")
def t45() -> Template:
    return load_template("kr-45q-5c-id8")


@pytest.fixture(scope="module")
def t20() -> Template:
    return load_template("kr-20q-5c-id8")


def _bubble_centres(t: Template) -> np.ndarray:
    return np.array([[b.cx, b.cy] for f in t.fields for b in f.bubbles])


def _error_px(t: Template, image: np.ndarray, truth_h: np.ndarray, dpi: float) -> float:
    """Worst distance (image px) between where we put the bubbles and where they are."""
    found = align(image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), t)
    pts = _bubble_centres(t)
    ours = transform_points(found.h, pts)
    theirs = transform_points(truth_h, pts * template_to_px(t, dpi))
    return float(np.max(np.linalg.norm(ours - theirs, axis=1)))


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_any_quarter_turn_is_found_and_read(t45: Template, turns: int) -> None:
    img, truth = make_sheet(t45, 11, "clean")
    h, w = img.shape
    rot = np.rot90(img, -turns).copy()  # clockwise quarter turns
    # the homography that np.rot90 applied, composed with the generator's own
    m = {
        0: np.eye(3),
        1: np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], float),
        2: np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float),
        3: np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], float),
    }[turns]
    assert _error_px(t45, rot, m @ truth.transform, truth.dpi) < 2.0
    result = grade_image(rot, t45)
    assert result.status == "ok"
    assert result.student_id == truth.student_id
    assert result.alignment is not None and result.alignment["rotation"] in (0, 90, 180, 270)


@pytest.mark.parametrize("dpi", [100, 300, 600])
def test_scans_from_100_to_600_dpi_align(t20: Template, dpi: int) -> None:
    img, truth = make_sheet(t20, 5, "office", scan_dpi=dpi)
    err = _error_px(t20, img, truth.transform, truth.dpi)
    assert err < max(1.5, 0.01 * dpi), f"misaligned by {err:.2f} px at {dpi} dpi"


@pytest.mark.parametrize("category", ["office", "upside_down", "phone"])
def test_degraded_scans_align_within_a_tenth_of_a_bubble(t45: Template, category: str) -> None:
    for seed in (21, 22, 23):
        img, truth = make_sheet(t45, seed, category)
        err = _error_px(t45, img, truth.transform, truth.dpi)
        bubble_px = t45.bubble_size * template_to_px(t45, truth.dpi)
        assert err < 0.25 * bubble_px, f"{category} seed {seed}: off by {err:.1f} px"


def test_another_sheets_layout_is_refused_not_read(t45: Template, t20: Template) -> None:
    """Marks that line up but a grid that does not: never read marks from the wrong grid."""
    img, _ = make_sheet(t45, 3, "office")
    result = grade_image(img, t20)
    assert result.status == "rejected"
    assert result.rejection_code == "WRONG_TEMPLATE"
    assert result.fields == {}


def test_a_page_without_registration_marks_is_not_a_sheet(t20: Template) -> None:
    rng = np.random.default_rng(4)
    page = np.full((2339, 1654), 245, np.uint8)
    for _ in range(300):  # lines of "text"
        x, y = int(rng.integers(100, 1400)), int(rng.integers(100, 2200))
        cv2.rectangle(page, (x, y), (x + int(rng.integers(20, 200)), y + 12), 30, -1)
    result = grade_image(page, t20)
    assert result.status == "rejected"
    assert result.rejection_code in ("NOT_A_SHEET", "WRONG_TEMPLATE", "ALIGNMENT_FAILED")


def test_a_covered_corner_mark_is_rejected_or_read_right(t20: Template) -> None:
    img, truth = make_sheet(t20, 8, "clean")
    k = template_to_px(t20, truth.dpi)
    m = t20.alignment.markers[1]
    x, y = transform_points(truth.transform, np.array([[m.cx * k, m.cy * k]]))[0]
    r = int(m.size * k)
    cv2.rectangle(img, (int(x) - r, int(y) - r), (int(x) + r, int(y) + r), 255, -1)
    result = grade_image(img, t20)
    if result.status == "ok":  # found another way (page outline): then it must read right
        wrong = [
            lab
            for lab, want in truth.answers.items()
            if sorted(result.fields[lab].detected) != sorted(want)
            and not result.fields[lab].flagged
        ]
        assert wrong == []
    else:
        assert result.rejection_code in ("NOT_A_SHEET", "ALIGNMENT_FAILED")


def test_blank_paper_is_a_blank_page(t20: Template) -> None:
    result = grade_image(np.full((2339, 1654), 250, np.uint8), t20)
    assert (result.status, result.rejection_code) == ("rejected", "BLANK_PAGE")


def test_a_tiny_thumbnail_is_too_low_resolution(t20: Template) -> None:
    img, _ = make_sheet(t20, 2, "clean")
    thumb = cv2.resize(img, (200, 300), interpolation=cv2.INTER_AREA)
    result = grade_image(thumb, t20)
    assert result.status == "rejected"
    assert result.rejection_code in ("RESOLUTION_TOO_LOW", "NOT_A_SHEET")


def test_without_its_marks_a_scan_is_found_by_its_print(t20: Template) -> None:
    """All four marks cut off (a trimmed copy): the printed sheet itself is matched."""
    img, truth = make_sheet(t20, 9, "clean")
    k = template_to_px(t20, truth.dpi)
    for m in t20.alignment.markers:
        x, y = transform_points(truth.transform, np.array([[m.cx * k, m.cy * k]]))[0]
        r = int(m.size * k)
        cv2.rectangle(img, (int(x) - r, int(y) - r), (int(x) + r, int(y) + r), 255, -1)
    result = grade_image(np.rot90(img).copy(), t20)
    assert result.status == "ok", result.message
    assert result.alignment is not None and result.alignment["method"] == "features"
    assert result.student_id == truth.student_id
    wrong = [
        lab
        for lab, want in truth.answers.items()
        if sorted(result.fields[lab].detected) != sorted(want) and not result.fields[lab].flagged
    ]
    assert wrong == []


@pytest.mark.parametrize("axis", ["row", "column"])
def test_a_grid_one_step_off_is_flagged_never_read(axis: str) -> None:
    """A page-wide mapping one whole row (or bubble) off - a bad corner click, or
    markers found one step over - puts every bubble on its neighbour's place, and the
    local fit cannot see further than half a step: the block must be flagged."""
    t = load_template("kr-20q-5c-id8")
    img, truth = make_sheet(t, 7, "clean")
    aligned = align(img, t)
    block = next(b for b in t.blocks if b.direction == "horizontal" and len(b.labels) > 3)
    step = block.labels_gap if axis == "row" else block.bubbles_gap
    dx, dy = (0.0, step) if axis == "row" else (step, 0.0)
    shift = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])
    aligned.h = aligned.h @ shift
    r = grade_aligned(img, t, aligned)
    assert r.status == "ok"
    assert r.alignment is not None and r.alignment["blocks"][block.name].get("snapped")
    for f in block.fields():
        got = r.fields[f.label]
        assert got.flagged, (f.label, got.value, truth.answers[f.label])
        assert got.confidence < 0.5


@pytest.mark.parametrize(
    ("best", "second", "clear"),
    [
        (0.74, 0.739, False),  # an exactly symmetric grid: both ways up fit alike
        (0.31, -0.01, True),  # a clean scan the right way up
        (0.069, 0.035, True),  # a coarse, badly fitting scan that still prefers one way twice
        (0.05, 0.04, False),  # a small lead on a poor fit is no evidence
        (0.30, 0.26, False),
    ],
)
def test_a_turn_is_clear_only_with_a_real_lead(best: float, second: float, clear: bool) -> None:
    from academy_desktop.engine.align.reference import turn_is_clear

    assert turn_is_clear(best, second) is clear
