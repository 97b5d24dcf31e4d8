"""The PDF resolution chosen per batch (the user's "PDF resolution" setting): pages
rendered at it, the scanner-JPEG fast path, the same answers at 150/200/300 dpi,
reloading a graded page at the size it was graded at, the store and the CLI."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from conftest import REPO_ROOT
from PIL import Image

from academy_desktop.cli.main import main
from academy_desktop.engine import pipeline
from academy_desktop.engine.align.geometry import transform_points
from academy_desktop.engine.grade import grade_image
from academy_desktop.engine.inputs import (
    MAX_PAGE_PIXELS,
    PageRef,
    default_max_pixels,
    list_pages,
    load_page,
    pdf_dpi_for_size,
    plan_pages,
)
from academy_desktop.engine.manual import load_sheet_gray, template_corner_points
from academy_desktop.engine.result import PageResult
from academy_desktop.store import Workspace, grading
from academy_desktop.store.models import Submission
from academy_desktop.store.realign import graded_image_size, regrade_with_points

SAMPLES = REPO_ROOT / "resources" / "samples"
PDF45 = SAMPLES / "kr-45q-samples.pdf"  # three 120-dpi JPEG pages: always rendered
T45 = "kr-45q-5c-id8"
KEY45 = SAMPLES / "kr-45q-key.json"
JPG20 = SAMPLES / "kr-20q-sample-2.jpg"


def _pdf_of(tmp_path: Path, gray: np.ndarray, dpi: float, name: str = "scan.pdf") -> Path:
    """A PDF whose page is ``gray`` as one full-page JPEG of ``dpi`` (a scanner's PDF)."""
    path = tmp_path / name
    Image.fromarray(gray).save(path, resolution=float(dpi))
    return path


def _sheet(width: int, height: int) -> np.ndarray:
    rng = np.random.default_rng(5)
    gray = np.full((height, width), 235, np.uint8)
    for _ in range(60):
        x, y = int(rng.integers(0, width - 30)), int(rng.integers(0, height - 30))
        gray[y : y + 30, x : x + 30] = 20
    gray[:40, :40] = 0  # top-left marker: shows the orientation
    return gray


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Records the scale of every pdfium render (and still renders)."""
    scales: list[float] = []
    original = pdfium.PdfPage.render

    def render(self: pdfium.PdfPage, *args: object, **kwargs: object) -> object:
        scales.append(float(kwargs.get("scale", 1.0)))  # type: ignore[arg-type]
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pdfium.PdfPage, "render", render)
    return scales


# ------------------------------------------------------------------------- inputs


def test_page_refs_carry_the_resolution(tmp_path: Path) -> None:
    pdf = _pdf_of(tmp_path, _sheet(400, 566), 100)
    assert plan_pages(pdf) == list_pages(pdf) == [PageRef(pdf, 0, 1, 200)]
    refs = plan_pages(pdf, pdf_dpi=300)
    assert [r.pdf_dpi for r in refs] == [300]
    assert pickle.loads(pickle.dumps(refs)) == refs
    assert plan_pages(JPG20, pdf_dpi=150) == [PageRef(JPG20, 0, 1, 150)]
    for bad in (0, 71, 601, 200.5, "200", True, float("nan")):
        with pytest.raises(ValueError, match="dpi"):
            plan_pages(pdf, pdf_dpi=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_a_pdf_page_is_rendered_at_the_requested_resolution(tmp_path: Path, dpi: int) -> None:
    gray = _sheet(400, 566)
    pdf = _pdf_of(tmp_path, gray, 100)  # 4 x 5.66 inches
    page = load_page(plan_pages(pdf, pdf_dpi=dpi)[0])
    w, h = round(4 * dpi), round(5.66 * dpi)
    assert abs(page.image.shape[1] - w) <= 1 and abs(page.image.shape[0] - h) <= 1
    assert page.dpi == pytest.approx(dpi) and page.scale == 1.0
    small = np.asarray(Image.fromarray(page.image).resize((400, 566), Image.Resampling.BOX))
    assert np.abs(small.astype(int) - gray).mean() < 6
    assert page.image[:10, :10].mean() < 60  # the right way up


def test_the_pixel_limit_grows_above_200_dpi(tmp_path: Path) -> None:
    assert default_max_pixels(150) == default_max_pixels(200) == MAX_PAGE_PIXELS
    assert default_max_pixels(300) == round(MAX_PAGE_PIXELS * 2.25)
    doc = pdfium.PdfDocument.new()
    try:
        doc.new_page(595, 842).close()  # A4
        path = tmp_path / "a4.pdf"
        doc.save(path)
    finally:
        doc.close()
    # an A4 page at 300 dpi is not reduced back to about 200 dpi
    page = load_page(plan_pages(path, pdf_dpi=300)[0])
    assert page.image.shape == (3509, 2480) and page.scale == 1.0
    assert load_page(plan_pages(path)[0]).image.shape == (2339, 1653)
    # an explicit limit still wins
    reduced = load_page(plan_pages(path, pdf_dpi=300)[0], max_pixels=MAX_PAGE_PIXELS)
    assert reduced.image.size <= MAX_PAGE_PIXELS and reduced.scale < 1


def test_a_scanners_jpeg_is_read_as_it_is_only_near_the_requested_resolution(
    tmp_path: Path, renders: list[float]
) -> None:
    gray = _sheet(800, 1132)  # 4 x 5.66 inches at 200 dpi
    pdf = _pdf_of(tmp_path, gray, 200)
    page = load_page(plan_pages(pdf)[0])  # 200 dpi asked: the JPEG as it is
    assert renders == [] and page.image.shape == (1132, 800)
    assert page.dpi == pytest.approx(200, abs=1)
    for dpi, shape in ((150, (849, 600)), (300, (1698, 1200))):
        page = load_page(plan_pages(pdf, pdf_dpi=dpi)[0])  # rendered at what was asked
        assert renders[-1] == pytest.approx(dpi / 72)
        assert page.image.shape == shape and page.dpi == pytest.approx(dpi)
    # a 300-dpi scan asked for at 300 dpi is read as it is, at 200 dpi it is rendered
    renders.clear()
    scan300 = _pdf_of(tmp_path, _sheet(1200, 1698), 300, "scan300.pdf")
    page = load_page(plan_pages(scan300, pdf_dpi=300)[0])
    assert renders == [] and page.image.shape == (1698, 1200)
    page = load_page(plan_pages(scan300)[0])
    assert len(renders) == 1 and page.image.shape == (1132, 800)


def test_the_resolution_that_gives_a_size_back(tmp_path: Path) -> None:
    pdfs = [
        _pdf_of(tmp_path, _sheet(400, 566), 100, "rendered.pdf"),
        _pdf_of(tmp_path, _sheet(800, 1132), 200, "scan200.pdf"),
        _pdf_of(tmp_path, _sheet(1200, 1698), 300, "scan300.pdf"),
    ]
    big = pdfium.PdfDocument.new()
    try:
        big.new_page(842, 1191).close()  # A3: reduced to the pixel limit at every choice
        big.save(tmp_path / "a3.pdf")
    finally:
        big.close()
    pdfs.append(tmp_path / "a3.pdf")
    for pdf in pdfs:
        for dpi in (150, 200, 300):
            ref = plan_pages(pdf, pdf_dpi=dpi)[0]
            image = load_page(ref).image
            size = (image.shape[1], image.shape[0])
            found = pdf_dpi_for_size(plan_pages(pdf)[0], size)
            assert found is not None
            again = load_page(plan_pages(pdf, pdf_dpi=found)[0]).image
            assert again.shape == image.shape, (pdf.name, dpi, found)
            assert np.abs(again.astype(int) - image.astype(int)).mean() < 1.0
    assert pdf_dpi_for_size(plan_pages(JPG20)[0], (100, 100)) is None


# ------------------------------------------------------------------- load_sheet_gray


def test_load_sheet_gray_reloads_a_pdf_page_at_the_size_it_was_graded_at(tmp_path: Path) -> None:
    pdf = _pdf_of(tmp_path, _sheet(400, 566), 100)
    for dpi in (150, 300):
        graded = load_page(plan_pages(pdf, pdf_dpi=dpi)[0]).image
        size = (graded.shape[1], graded.shape[0])
        again = load_sheet_gray(pdf, 1, image_size=size)
        assert np.array_equal(again, graded)  # rendered again at that resolution, not scaled
    assert load_sheet_gray(pdf, 1).shape == (1132, 800)  # without a size: 200 dpi


def test_load_sheet_gray_scales_an_image_of_another_size(tmp_path: Path) -> None:
    plain = load_sheet_gray(JPG20, 1)
    h, w = plain.shape
    for size in ((w // 2, h // 2), (w + 7, h + 11)):
        image = load_sheet_gray(JPG20, 1, image_size=size)
        assert (image.shape[1], image.shape[0]) == size
    assert np.array_equal(load_sheet_gray(JPG20, 1, image_size=(w, h)), plain)
    # a PDF size no resolution gives exactly: rendered near it, then scaled to it
    pdf = _pdf_of(tmp_path, _sheet(400, 566), 100)
    image = load_sheet_gray(pdf, 1, image_size=(1001, 1399))
    assert image.shape == (1399, 1001)
    for bad in ((0, 10), (10,), (20_000, 20_000), (10.5, 10)):
        with pytest.raises(ValueError, match="image_size"):
            load_sheet_gray(JPG20, 1, image_size=bad)  # type: ignore[arg-type]


# ------------------------------------------------------------------------ pipeline


def _answers(r: PageResult) -> dict[str, str]:
    return {label: f.value for label, f in r.fields.items()}


@pytest.fixture(scope="module")
def graded_200() -> list[PageResult]:
    return list(pipeline.run(pipeline.plan([PDF45], template=T45, key=str(KEY45))))


@pytest.mark.parametrize("dpi", [150, 300])
def test_a_pdf_graded_at_150_or_300_dpi_reads_the_same(
    dpi: int, graded_200: list[PageResult]
) -> None:
    job = pipeline.plan([PDF45], template=T45, key=str(KEY45), pdf_dpi=dpi)
    results = list(pipeline.run(job))
    assert [r.status for r in results] == ["ok"] * 3
    for r, base in zip(results, graded_200, strict=True):
        assert r.alignment is not None and base.alignment is not None
        assert _answers(r) == _answers(base)
        assert (r.student_id, r.score) == (base.student_id, base.score)
        size = r.alignment["image_size"]
        # the picture really has the resolution asked for (the page is 8.27 in wide)
        assert size[0] == pytest.approx(base.alignment["image_size"][0] * dpi / 200, abs=2)
        gray = load_sheet_gray(PDF45, r.page, image_size=(size[0], size[1]))
        assert [gray.shape[1], gray.shape[0]] == size
        # the very pixels it was graded on: the same mapping again
        again = grade_image(gray, job.templates["fixed"])
        assert again.alignment is not None
        assert again.alignment["homography"] == r.alignment["homography"]


def test_plan_refuses_a_resolution_out_of_range() -> None:
    with pytest.raises(pipeline.UsageError, match="dpi"):
        pipeline.plan([PDF45], template=T45, pdf_dpi=1000)
    job = pipeline.plan([PDF45, JPG20], template=T45, pdf_dpi=150)
    assert {item.ref.pdf_dpi for item in job.items if item.ref} == {150}


# --------------------------------------------------------------------------- store


def test_prepare_grades_at_the_resolution_and_realign_reloads_at_the_stored_size(
    tmp_path: Path,
) -> None:
    with Workspace.open(tmp_path / "ws", staff="김선생") as ws:
        with pytest.raises(pipeline.UsageError):
            grading.prepare(ws, "모의고사", [PDF45], template=T45, pdf_dpi=50)
        batch = grading.prepare(ws, "모의고사", [PDF45], template=T45, key=str(KEY45), pdf_dpi=300)
        ids = [sub_id for _r, sub_id in grading.run(ws, batch)]
        with ws.read() as s:
            sub = s.get_one(Submission, ids[0])
            size = graded_image_size(sub)
            assert size is not None and size[0] > 2400  # 300 dpi, not 200
            alignment = (sub.engine_payload or {})["alignment"]
            h = np.array(alignment["homography"], dtype=np.float64)
            template = batch.job.templates["fixed"]
            before = {a.label: a.current_value for a in sub.answers}
        # the true corner marks in the 300-dpi picture the review screen shows
        clicks = transform_points(h, np.array(template_corner_points(template, "markers")))
        with ws.write() as s:
            sub = regrade_with_points(s, ws.folder, ids[0], clicks.tolist(),
                                      kind="markers", decided_by="김선생")  # fmt: skip
            assert sub.status == "done"
            payload = sub.engine_payload or {}
            assert payload["alignment"]["method"] == "manual"
            assert tuple(payload["alignment"]["image_size"]) == size
            assert {a.label: a.current_value for a in sub.answers} == before


def test_graded_image_size_ignores_what_is_not_a_size() -> None:
    for payload, expected in (
        (None, None),
        ({"alignment": None}, None),
        ({"alignment": {"image_size": [1654, 2339]}}, (1654, 2339)),
        ({"alignment": {"image_size": [0, 2339]}}, None),
        ({"alignment": {"image_size": "1654x2339"}}, None),
        ({"alignment": {"image_size": [1.5, 2.0]}}, None),
    ):
        assert graded_image_size(Submission(engine_payload=payload)) == expected


# ----------------------------------------------------------------------------- CLI


def _jsonl_sizes(out: Path) -> list[list[int]]:
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]
    return [r["alignment"]["image_size"] for r in rows]


def test_cli_grade_pdf_dpi(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--template", T45, "--jobs", "1", "--quiet", str(PDF45)]
    assert main(["grade", "--out", str(tmp_path / "a"), *common]) == 0
    assert main(["grade", "--out", str(tmp_path / "b"), "--pdf-dpi", "150", *common]) == 0
    default, low = _jsonl_sizes(tmp_path / "a"), _jsonl_sizes(tmp_path / "b")
    assert [s[0] for s in low] == [pytest.approx(s[0] * 0.75, abs=2) for s in default]
    capsys.readouterr()
    assert main(["grade", "--out", str(tmp_path / "c"), "--pdf-dpi", "250", *common]) == 2
    assert "--pdf-dpi" in capsys.readouterr().err


def test_cli_grade_into_a_workspace_at_300_dpi(tmp_path: Path) -> None:
    ws_dir = tmp_path / "ws"
    args = ["grade", "--workspace", str(ws_dir), "--staff", "김선생", "--exam", "모의고사",
            "--template", T45, "--jobs", "1", "--quiet", "--pdf-dpi", "300",
            str(PDF45)]  # fmt: skip
    assert main(args) == 0
    with Workspace.open(ws_dir, staff="김선생") as ws, ws.read() as s:
        sizes = [graded_image_size(sub) for sub in s.query(Submission).order_by(Submission.page)]
    assert len(sizes) == 3 and all(size is not None and size[0] > 2400 for size in sizes)
