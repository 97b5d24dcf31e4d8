"""The synthetic scan generator: its ground truth must agree with its pixels."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
from synth import CATEGORIES, MARK_KINDS, OFFICE_MIX, SheetTruth, make_sheet

from academy_desktop.engine.render import template_to_px
from academy_desktop.engine.template.model import Bubble, Template

TEMPLATES = Path(__file__).resolve().parents[1] / "resources" / "templates"
UNIFORM = dict.fromkeys(MARK_KINDS, 1.0)


def load(name: str) -> Template:
    native = pytest.importorskip(
        "academy_desktop.engine.template.native", reason="the native template loader is missing"
    )
    t: Template = native.load_native(TEMPLATES / f"{name}.json")
    return t


@pytest.fixture(scope="module")
def t20() -> Template:
    return load("kr-20q-5c-id8")


@pytest.fixture(scope="module")
def t45() -> Template:
    return load("kr-45q-5c-id8")


def grey(img: np.ndarray) -> np.ndarray:
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def to_image(truth: SheetTruth, t: Template, x: float, y: float) -> np.ndarray:
    """Template units -> output image pixels through the truth's transform."""
    k = template_to_px(t, truth.dpi)
    pt = np.array([[[x * k, y * k]]], np.float64)
    return cv2.perspectiveTransform(pt, truth.transform)[0, 0]


def interior_mean(img: np.ndarray, t: Template, truth: SheetTruth, b: Bubble) -> float:
    """Mean grey of the middle of a bubble (clean category: the image is the sheet)."""
    k = template_to_px(t, truth.dpi)
    x0, x1 = round((b.x + 0.25 * b.w) * k), round((b.x + 0.75 * b.w) * k)
    y0, y1 = round((b.y + 0.25 * b.h) * k), round((b.y + 0.75 * b.h) * k)
    return float(img[y0:y1, x0:x1].mean())


def mark_centroid_error(img: np.ndarray, t: Template, truth: SheetTruth) -> float:
    """Worst distance between a registration mark's predicted and measured centre, in px."""
    g = grey(img).astype(np.float64)
    worst = 0.0
    for m in t.alignment.markers:
        p = to_image(truth, t, m.cx, m.cy)
        scale = float(np.linalg.norm(to_image(truth, t, m.cx + 1, m.cy) - p))  # px per mm
        r = round(scale * (m.size / 2 + 1.5))
        x0, y0 = round(p[0]) - r, round(p[1]) - r
        assert x0 >= 0 and y0 >= 0 and x0 + 2 * r < g.shape[1] and y0 + 2 * r < g.shape[0]
        win = g[y0 : y0 + 2 * r + 1, x0 : x0 + 2 * r + 1]
        dark = win < (win.max() + win.min()) / 2
        assert dark.sum() == pytest.approx((m.size * scale) ** 2, rel=0.25)
        ys, xs = np.nonzero(dark)
        worst = max(worst, float(np.hypot(xs.mean() + x0 - p[0], ys.mean() + y0 - p[1])))
    return worst


def test_same_seed_same_sheet_and_other_seed_differs(t20: Template) -> None:
    a, ta = make_sheet(t20, 11, "office")
    b, tb = make_sheet(t20, 11, "office")
    c, tc = make_sheet(t20, 12, "office")
    assert np.array_equal(a, b)
    assert ta.answers == tb.answers and ta.student_id == tb.student_id
    assert np.allclose(ta.transform, tb.transform)
    assert a.shape != c.shape or not np.array_equal(a, c)
    assert ta.answers != tc.answers


@pytest.mark.parametrize("seed", range(3))
def test_clean_pixels_match_the_truth(t45: Template, seed: int) -> None:
    img, truth = make_sheet(t45, seed, "clean", mix=UNIFORM)
    assert img.ndim == 2 and np.allclose(truth.transform, np.eye(3))
    for f in t45.fields:
        kind = truth.kinds[f.label]
        wanted = set(truth.answers[f.label])
        means = {b.value: interior_mean(img, t45, truth, b) for b in f.bubbles}
        if kind in ("full", "double", "erased", "stray"):
            assert all(means[v] < 110 for v in wanted), (f.label, kind, means)
        if kind == "light_pencil":
            (v,) = wanted
            assert 90 < means[v] < 215, (f.label, means)
        if kind == "blank":
            assert wanted == set()
            assert min(means.values()) > 200, (f.label, means)
        if kind in ("check", "x"):
            (v,) = wanted
            b = f.bubbles[f.values.index(v)]
            k = template_to_px(t45, truth.dpi)
            box = img[
                round(b.y * k) : round((b.y + b.h) * k), round(b.x * k) : round((b.x + b.w) * k)
            ]
            assert box.min() < 100 and np.mean(box < 100) < 0.4  # strokes, not a fill
        if kind == "erased":
            smudged = [v for v, m in means.items() if v not in wanted and m < 225]
            assert smudged, "the erased bubble keeps a light smudge"
            assert all(means[v] > 140 for v in smudged)
        if kind == "partial":
            (v,) = wanted
            assert means[v] < 225
        untouched = [v for v in f.values if v not in wanted]
        if kind in ("full", "double", "partial", "light_pencil", "blank"):
            assert all(means[v] > 200 for v in untouched), (f.label, kind, means)


def test_student_id_is_one_full_mark_per_digit_column(t20: Template) -> None:
    _img, truth = make_sheet(t20, 5, "clean")
    labels = t20.joins["student_id"]
    assert len(truth.student_id) == 8 and truth.student_id.isdigit()
    assert truth.student_id == "".join(truth.answers[lab][0] for lab in labels)
    assert all(truth.kinds[lab] == "full" for lab in labels)
    _img, fixed = make_sheet(t20, 5, "clean", student_id="20250042")
    assert fixed.student_id == "20250042"


def test_answer_key_steers_the_intended_answers(t45: Template) -> None:
    key = {lab: "3" for lab in t45.question_labels}
    _img, truth = make_sheet(t45, 8, "clean", mix={"full": 1.0}, key=key, key_rate=1.0)
    assert all(truth.answers[lab] == ["3"] for lab in key)


def test_mark_mix_frequencies(t45: Template) -> None:
    def counts(mix: dict[str, float] | None, sheets: int) -> Counter[str]:
        c: Counter[str] = Counter()
        for seed in range(sheets):
            _img, truth = make_sheet(t45, 100 + seed, "clean", mix=mix)
            for lab in t45.question_labels:
                c[truth.kinds[lab]] += 1
                n = len(truth.answers[lab])
                assert n == {"blank": 0, "double": 2}.get(truth.kinds[lab], 1)
        return c

    office = counts(None, 5)  # 225 answer fields
    total = sum(office.values())
    assert total >= 200
    assert office["full"] / total == pytest.approx(OFFICE_MIX["full"], abs=0.1)
    assert sum(office[k] for k in MARK_KINDS if k != "full") / total < 0.32
    uniform = counts(UNIFORM, 5)
    for kind in MARK_KINDS:
        assert 0.04 < uniform[kind] / total < 0.2, (kind, uniform)
    only_blank = counts({"blank": 1.0}, 1)
    assert set(only_blank) == {"blank"}


def test_bad_arguments_are_refused(t20: Template) -> None:
    with pytest.raises(ValueError, match="category"):
        make_sheet(t20, 0, "fax")
    with pytest.raises(ValueError, match="unknown mark kinds"):
        make_sheet(t20, 0, "clean", mix={"smudge": 1.0})
    with pytest.raises(ValueError, match="digits"):
        make_sheet(t20, 0, "clean", student_id="123")


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_gives_a_valid_image_with_an_exact_transform(
    t20: Template, category: str
) -> None:
    for seed in (1, 2):
        img, truth = make_sheet(t20, seed, category)
        assert img.dtype == np.uint8
        assert img.ndim == (3 if category == "phone" else 2)
        assert min(img.shape[:2]) >= 600 or category == "low_res"
        assert truth.category == category
        assert mark_centroid_error(img, t20, truth) < 1.2
        centre = to_image(truth, t20, 105, 148.5)
        assert 0 < centre[0] < img.shape[1] and 0 < centre[1] < img.shape[0]


def test_scan_resolution_follows_the_category(t20: Template) -> None:
    for category, lo, hi in (("office", 150, 300), ("low_res", 90, 110)):
        for seed in range(3):
            _img, truth = make_sheet(t20, seed, category)
            k = np.linalg.norm(to_image(truth, t20, 200, 0) - to_image(truth, t20, 10, 0)) / 190
            assert lo * 0.99 <= k * 25.4 <= hi * 1.01
    img, truth = make_sheet(t20, 0, "office", scan_dpi=200)
    assert truth.params["scan_dpi"] == 200
    assert img.shape[0] >= round(297 / 25.4 * 200)


def test_upside_down_turns_the_page(t20: Template) -> None:
    turns: Counter[str] = Counter()
    for seed in range(12):
        img, truth = make_sheet(t20, seed, "upside_down")
        tl = to_image(truth, t20, 11, 11)
        h, w = img.shape
        if tl[0] > w / 2 and tl[1] > h / 2:
            turns["180"] += 1
        else:
            turns["90/270"] += 1
            assert w > h  # a quarter turn gives a landscape image
    assert turns["180"] >= 6 and turns["90/270"] >= 1


def test_dark_and_light_change_the_paper(t20: Template) -> None:
    office, _ = make_sheet(t20, 4, "office")
    dark, _ = make_sheet(t20, 4, "dark")
    light, truth = make_sheet(t20, 4, "light")
    assert np.median(dark) < np.median(office) - 30
    assert np.median(light) >= 245
    # washed out, but the filled marks stay darker than the paper
    f = t20.field_map["id1"]
    (v,) = truth.answers["id1"]
    b = f.bubbles[f.values.index(v)]
    x, y = to_image(truth, t20, b.cx, b.cy)
    assert light[round(y), round(x)] < 215


def test_office_sheet_is_fast(t20: Template) -> None:
    make_sheet(t20, 0, "office", scan_dpi=200)  # warm the blank-sheet cache
    start = time.perf_counter()
    for seed in range(3):
        make_sheet(t20, seed, "office", scan_dpi=200)
    assert (time.perf_counter() - start) / 3 < 0.5  # typically ~0.06 s
