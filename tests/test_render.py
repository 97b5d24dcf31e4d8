"""The blank-sheet renderer, the bundled templates and their printable PDFs."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from academy_desktop.engine import render_canvas, render_layout
from academy_desktop.engine.render import (
    find_font,
    render_sheet,
    save_printable_pdf,
    template_to_px,
)
from academy_desktop.engine.template.model import Alignment, Block, Marker, Template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "resources" / "templates"
PRINTABLE = ROOT / "resources" / "printable"
BUNDLED = ("kr-20q-5c-id8", "kr-45q-5c-id8")
A4_PT = (595.2756, 841.8898)


def load(name: str) -> Template:
    native = pytest.importorskip(
        "academy_desktop.engine.template.native", reason="the native template loader is missing"
    )
    t: Template = native.load_native(TEMPLATES / f"{name}.json")
    return t


@pytest.fixture(scope="module", params=BUNDLED)
def bundled(request: pytest.FixtureRequest) -> Template:
    return load(request.param)


@pytest.fixture(scope="module")
def sheet20() -> tuple[Template, np.ndarray]:
    t = load("kr-20q-5c-id8")
    return t, render_sheet(t, 200)


def _px_template() -> Template:
    block = Block(
        "q", "mcq", ("q1", "q2"), ("A", "B", "C"), "horizontal", (100, 50), (30, 30), 50, 60
    )
    return Template("omr", (400, 300), (block,), unit="px", alignment=Alignment("none"))


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_template_loads_with_the_native_loader(name: str) -> None:
    t = load(name)
    assert t.name == name and t.unit == "mm" and t.page_size == (210, 297)
    assert t.student_id == "student_id" and len(t.joins["student_id"]) == 8
    assert all(f.values == ("1", "2", "3", "4", "5") for f in t.fields if f.kind == "mcq")
    assert len(t.question_labels) == int(name.split("-")[1][:-1])
    assert t.title["ko"] and t.title["en"]
    assert t.alignment.method == "markers" and len(t.alignment.markers) == 4


def test_template_to_px_conventions() -> None:
    t = load("kr-20q-5c-id8")
    assert template_to_px(t, 254) == pytest.approx(10.0)
    px = _px_template()
    assert template_to_px(px, None) == 1.0
    assert template_to_px(px, 192) == pytest.approx(2.0)
    img = render_sheet(px, None)
    assert img.shape == (300, 400)
    assert img[65, 98:104].min() < 200  # the left edge of q1's first bubble, at scale 1
    assert img[:, :95].min() == 255  # nothing but bubbles: no numbers, no header
    assert render_sheet(px, 48).shape == (150, 200)


def test_registration_marks_are_solid_black_squares_of_the_right_size(
    sheet20: tuple[Template, np.ndarray],
) -> None:
    t, img = sheet20
    k = template_to_px(t, 200)
    assert img.shape == (round(297 * k), round(210 * k))
    for m in t.alignment.markers:
        cx, cy, half = m.cx * k, m.cy * k, m.size / 2 * k
        assert img[round(cy), round(cx)] == 0
        inside, outside = half - 0.5 * k, half + 0.6 * k
        for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            assert img[round(cy + dy * inside), round(cx + dx * inside)] < 20
            assert img[round(cy + dy * outside), round(cx + dx * outside)] > 240
        win = img[
            round(cy - 2 * half) : round(cy + 2 * half), round(cx - 2 * half) : round(cx + 2 * half)
        ]
        ink = float((255 - win.astype(np.float64)).sum() / 255)  # dark area in pixels
        assert ink == pytest.approx((m.size * k) ** 2, rel=0.02)


def test_bubbles_are_light_outlines_with_a_printed_value(
    sheet20: tuple[Template, np.ndarray],
) -> None:
    t, img = sheet20
    k = template_to_px(t, 200)
    for f in t.fields:
        for b in f.bubbles:
            x0, y0 = round(b.x * k), round(b.y * k)
            x1, y1 = round((b.x + b.w) * k), round((b.y + b.h) * k)
            box = img[y0 - 1 : y1 + 2, x0 - 1 : x1 + 2]
            assert box.min() > 120, f"{f.label}={b.value} is too dark for drop-out ink"
            # the outline is there: the left and right ends of the ellipse are grey
            row = img[round(b.cy * k), x0 - 1 : x1 + 2]
            assert row[: len(row) // 4].min() < 200 and row[-len(row) // 4 :].min() < 200
            inner = img[
                round((b.y + 0.12 * b.h) * k) : round((b.y + 0.88 * b.h) * k),
                round((b.x + 0.22 * b.w) * k) : round((b.x + 0.78 * b.w) * k),
            ]
            assert np.mean(inner > 235) > 0.55, "a bubble's inside must be mostly white"
            assert inner.min() < 215, "the value is printed inside the bubble"


def test_colour_rendering_prints_bubbles_in_drop_out_red() -> None:
    t = load("kr-20q-5c-id8")
    bgr = render_sheet(t, 200, color=True)
    assert bgr.shape[2] == 3
    k = template_to_px(t, 200)
    b = t.field_map["q1"].bubbles[0]
    row = bgr[round(b.cy * k), round(b.x * k) - 1 : round(b.x * k) + 4].astype(int)
    edge = row[np.argmin(row.sum(axis=1))]
    assert edge[2] > 200 and edge[2] - edge[1] > 60  # red, not grey
    m = t.alignment.markers[0]
    assert bgr[round(m.cy * k), round(m.cx * k)].max() == 0


def test_header_makes_the_top_different_from_the_bottom(bundled: Template) -> None:
    img = render_sheet(bundled, 100)
    k = template_to_px(bundled, 100)
    top = img[round(5 * k) : round(30 * k), round(25 * k) : round(185 * k)]
    bottom = img[-round(30 * k) : -round(5 * k), round(25 * k) : round(185 * k)]
    assert (top < 100).sum() > 4 * max(1, (bottom < 100).sum())
    flipped = cv2.rotate(img, cv2.ROTATE_180)
    corr = np.corrcoef(img.ravel().astype(np.float64), flipped.ravel().astype(np.float64))[0, 1]
    assert corr < 0.8
    no_title = render_sheet(bundled, 100, title=False)
    assert (no_title[round(5 * k) : round(30 * k), round(25 * k) : round(185 * k)] < 100).sum() == 0


def test_hangul_title_renders_when_a_korean_font_exists() -> None:
    if find_font() is None:
        pytest.skip("no Korean font (NanumGothic / Malgun Gothic) on this machine")
    font = render_canvas.font(40, False)
    assert font.getmask("한").getbbox() is not None
    t = replace(load("kr-20q-5c-id8"), title={"ko": "가나다라마바사아자차카타파하"})
    img = render_sheet(t, 150)
    k = template_to_px(t, 150)
    band = img[round(6 * k) : round(18 * k), round(40 * k) : round(170 * k)]
    assert (band < 80).sum() > 500
    blank = replace(t, title={"ko": " "})
    assert (
        render_sheet(blank, 150)[round(6 * k) : round(18 * k), round(40 * k) : round(170 * k)] < 80
    ).sum() < 50


def test_low_dpi_reference_keeps_marks_and_is_fast() -> None:
    t = load("kr-45q-5c-id8")
    small = render_sheet(t, 50, title=True)
    assert small.shape == (round(297 * 50 / 25.4), round(210 * 50 / 25.4))
    k = template_to_px(t, 50)
    for m in t.alignment.markers:
        assert small[round(m.cy * k), round(m.cx * k)] < 10
    start = time.perf_counter()
    render_sheet(t, 200)
    assert time.perf_counter() - start < 1.0  # typically ~0.08 s


def test_decorations_never_cover_bubbles_of_a_crowded_layout() -> None:
    base = load("kr-20q-5c-id8")
    top = Block(
        "top",
        "mcq",
        ("t1",),
        ("1", "2", "3", "4", "5"),
        "horizontal",
        (40, 4),
        (4.0, 5.5),
        6.0,
        8.0,
    )
    t = replace(
        base,
        blocks=(*base.blocks, top),
        alignment=Alignment(
            "markers",
            tuple(Marker(x, y, 7) for x, y in ((11, 30), (199, 30), (199, 286), (11, 286))),
        ),
    )
    plan = render_layout.plan(t)
    assert plan.header is None  # no room above the new block
    cores = [b.bounds() for b in t.blocks]
    decorations = [f.box for f in plan.frames]
    if plan.panel is not None:
        decorations.append(plan.panel.notes)
    for x, y, w, h in cores:
        for d in decorations:
            inside = d[0] <= x and d[1] <= y and d[2] >= x + w and d[3] >= y + h
            apart = d[2] <= x or x + w <= d[0] or d[3] <= y or y + h <= d[1]
            assert inside or apart


def test_printable_pdf_is_one_a4_page(tmp_path: Path) -> None:
    t = load("kr-20q-5c-id8")
    out = tmp_path / "sheet.pdf"
    save_printable_pdf(t, out, dpi=100)
    pdf = pdfium.PdfDocument(out)
    try:
        assert len(pdf) == 1
        w, h = pdf[0].get_size()
        assert w == pytest.approx(A4_PT[0], abs=1.0) and h == pytest.approx(A4_PT[1], abs=1.0)
        page = pdf[0].render(scale=100 / 72, rev_byteorder=True).to_numpy()  # RGB
        gray = cv2.cvtColor(page[:, :, :3], cv2.COLOR_RGB2GRAY)
        b = t.field_map["q1"].bubbles[0]
        scale = page.shape[1] / 210
        edge = page[round(b.cy * scale), round(b.x * scale) - 1 : round(b.x * scale) + 3]
        red = edge[np.argmin(edge.astype(int).sum(axis=1))].astype(int)
        assert red[0] > 200 and red[0] - red[1] > 50, "bubbles print in drop-out red"
        k = gray.shape[1] / 210
        for m in t.alignment.markers:
            assert gray[round(m.cy * k), round(m.cx * k)] < 40
    finally:
        pdf.close()


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_printable_pdf_exists_and_is_small(name: str) -> None:
    path = PRINTABLE / f"{name}.pdf"
    assert path.is_file(), "run bench/make_resources.py"
    assert path.stat().st_size < 1.5 * 1024 * 1024
    pdf = pdfium.PdfDocument(path)
    try:
        assert len(pdf) == 1
        w, h = pdf[0].get_size()
        assert w == pytest.approx(A4_PT[0], abs=1.0) and h == pytest.approx(A4_PT[1], abs=1.0)
    finally:
        pdf.close()


def test_rendering_survives_without_a_korean_font(monkeypatch: pytest.MonkeyPatch) -> None:
    t = load("kr-20q-5c-id8")
    render_canvas.font.cache_clear()
    monkeypatch.setattr(render_canvas, "find_font", lambda bold=False: None)
    try:
        img = render_sheet(t, 100)
    finally:
        render_canvas.font.cache_clear()
    k = template_to_px(t, 100)
    assert img.shape == (round(297 * k), round(210 * k))
    m = t.alignment.markers[2]
    assert img[round(m.cy * k), round(m.cx * k)] == 0
    assert (img[round(6 * k) : round(30 * k)] < 100).sum() > 0  # Latin text still printed
