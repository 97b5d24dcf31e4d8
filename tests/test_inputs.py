"""Page discovery, loading and format rejections (academy_desktop.engine.inputs)."""

from __future__ import annotations

import io
import pickle
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from inputs_fixtures import synthetic_sheet, write_big_png, write_encrypted_pdf
from PIL import Image

from academy_desktop.engine.inputs import (
    MAX_FILE_BYTES,
    LoadedPage,
    PageRef,
    discover,
    list_pages,
    load_page,
)
from academy_desktop.engine.rejections import Code, Rejection

# ------------------------------------------------------------------------------- helpers


def marked(width: int, height: int) -> np.ndarray:
    """White page with a black square in the top-left corner (shows orientation)."""
    page = np.full((height, width), 255, np.uint8)
    page[: height // 5, : width // 5] = 0
    return page


def dark_corner(image: np.ndarray) -> str:
    h, w = image.shape
    corners = {
        "top-left": image[: h // 10, : w // 10],
        "top-right": image[: h // 10, -(w // 10) :],
        "bottom-left": image[-(h // 10) :, : w // 10],
        "bottom-right": image[-(h // 10) :, -(w // 10) :],
    }
    darkest = min(corners, key=lambda k: float(corners[k].mean()))
    assert float(corners[darkest].mean()) < 60, "no dark corner found"
    return darkest


def jpeg_bytes(image: np.ndarray, **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=92, **save)
    return buffer.getvalue()


def rejection(action: Callable[[], object]) -> Rejection:
    with pytest.raises(Rejection) as caught:
        action()
    assert "Traceback" not in caught.value.detail and len(caught.value.detail) <= 200
    return caught.value


def load_only_page(path: Path, **kwargs: int) -> LoadedPage:
    refs = list_pages(path)
    assert len(refs) == 1
    return load_page(refs[0], **kwargs)


# ----------------------------------------------------------------------------- discover


def test_discover_orders_naturally_folder_by_folder_and_skips_hidden(tmp_path: Path) -> None:
    root = tmp_path / "batch"
    (root / "sub 2").mkdir(parents=True)
    (root / "sub 10").mkdir()
    (root / ".cache").mkdir()
    names = ["page10.jpg", "page2.JPG", "page1.png", "notes.txt", ".hidden.jpg", "scan.PDF"]
    for name in names:
        (root / name).write_bytes(b"x")
    (root / "sub 10" / "a.tif").write_bytes(b"x")
    (root / "sub 2" / "b.webp").write_bytes(b"x")
    (root / ".cache" / "thumb.jpg").write_bytes(b"x")
    marker = root / "marker.jpg"
    marker.write_bytes(b"x")
    explicit_txt = tmp_path / "readme.txt"
    explicit_txt.write_text("not an image")
    missing = tmp_path / "gone.jpg"

    found = discover(
        [root / "sub 10", explicit_txt, root, root / "page2.JPG", missing],
        exclude=[marker.resolve()],
    )

    relative = [p.relative_to(tmp_path).as_posix() for p in found]
    assert relative == [
        "gone.jpg",
        "readme.txt",
        "batch/page1.png",
        "batch/page2.JPG",
        "batch/page10.jpg",
        "batch/scan.PDF",
        "batch/sub 2/b.webp",
        "batch/sub 10/a.tif",
    ]
    assert all(p.is_absolute() for p in found)
    # the order does not depend on the order things were dropped in
    assert discover([missing, root, explicit_txt], exclude=[marker.resolve()]) == found


def test_discover_handles_hangul_names(tmp_path: Path) -> None:
    folder = tmp_path / "수학 모의고사"
    folder.mkdir()
    for name in ("3반_답안지10.jpg", "3반_답안지9.jpg"):
        (folder / name).write_bytes(b"x")
    assert [p.name for p in discover([folder])] == ["3반_답안지9.jpg", "3반_답안지10.jpg"]


# ------------------------------------------------------------------ file-level rejections


def _zero(path: Path) -> Path:
    path = path / "empty.jpg"
    path.touch()
    return path


def _text_as_jpeg(path: Path) -> Path:
    path = path / "답안.jpg"
    path.write_text("이것은 이미지가 아닙니다 / this is not an image\n", encoding="utf-8")
    return path


def _gif(path: Path) -> Path:
    path = path / "sheet.png"
    Image.new("L", (300, 300), 255).save(path, "GIF")
    return path


def _random_bytes(path: Path) -> Path:
    path = path / "noise.tif"
    path.write_bytes(b"\x13\x37" + np.random.default_rng(7).bytes(4000))
    return path


def _docx(path: Path) -> Path:
    path = path / "answers.jpg"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200)
    return path


def _mp4(path: Path) -> Path:
    path = path / "video.png"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    return path


def _too_big(path: Path) -> Path:
    path = path / "huge.jpg"
    with path.open("wb") as f:
        f.write(jpeg_bytes(marked(200, 200)))
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no 50 MB written
    return path


def _broken_pdf(path: Path) -> Path:
    path = path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + np.random.default_rng(3).bytes(3000))
    return path


def _encrypted_pdf(path: Path) -> Path:
    path = path / "locked.pdf"
    write_encrypted_pdf(path, user_password="secret")
    return path


def _over_100_mp(path: Path) -> Path:
    path = path / "bomb.png"
    write_big_png(path, 10_001, 10_001)
    return path


def _jpeg_stub(path: Path) -> Path:
    path = path / "stub.jpg"
    path.write_bytes(b"\xff\xd8")
    return path


def _folder(path: Path) -> Path:
    path = path / "folder.jpg"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (_zero, Code.FILE_UNREADABLE),
        (_text_as_jpeg, Code.INVALID_FORMAT),
        (_gif, Code.INVALID_FORMAT),
        (_random_bytes, Code.INVALID_FORMAT),
        (_docx, Code.INVALID_FORMAT),
        (_mp4, Code.INVALID_FORMAT),
        (_too_big, Code.FILE_TOO_LARGE),
        (_broken_pdf, Code.FILE_UNREADABLE),
        (_encrypted_pdf, Code.PDF_ENCRYPTED),
        (_over_100_mp, Code.IMAGE_TOO_LARGE),
        (_jpeg_stub, Code.FILE_UNREADABLE),
        (_folder, Code.FILE_UNREADABLE),
    ],
)
def test_bad_files_are_rejected_with_a_code(
    tmp_path: Path, make: Callable[[Path], Path], code: Code
) -> None:
    path = make(tmp_path)
    assert rejection(lambda: list_pages(path)).code == code
    # load_page re-checks the file on its own (a worker may get a file that changed since)
    assert rejection(lambda: load_page(PageRef(path, 0, 1))).code == code


@pytest.mark.parametrize("side", [10_001, 15_000])  # Pillow warns, then raises (> 2x limit)
@pytest.mark.parametrize("bomb_warnings", ["error", "ignore"])
def test_pixel_limit_is_ours_whatever_the_warning_filter(
    tmp_path: Path, side: int, bomb_warnings: str
) -> None:
    path = tmp_path / "bomb.png"
    write_big_png(path, side, side)
    with warnings.catch_warnings():
        warnings.simplefilter(bomb_warnings, Image.DecompressionBombWarning)  # type: ignore[arg-type]
        assert rejection(lambda: list_pages(path)).code == Code.IMAGE_TOO_LARGE


def test_95_megapixels_is_still_allowed(tmp_path: Path) -> None:
    """Pillow's default limit (89 MP) is raised to ours, so this opens without a warning."""
    path = tmp_path / "big-but-legal.png"
    write_big_png(path, 9_747, 9_747)
    assert list_pages(path) == [PageRef(path, 0, 1)]


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    assert rejection(lambda: list_pages(tmp_path / "nope.pdf")).code == Code.FILE_UNREADABLE


def test_the_test_encrypted_pdf_is_genuine(tmp_path: Path) -> None:
    """The hand-made PDF opens with its password, so PDF_ENCRYPTED is not a parse failure."""
    path = _encrypted_pdf(tmp_path)
    doc = pdfium.PdfDocument(path, password="secret")
    try:
        assert len(doc) == 1
    finally:
        doc.close()


def test_pdf_with_only_owner_password_opens(tmp_path: Path) -> None:
    path = tmp_path / "permissions-only.pdf"
    write_encrypted_pdf(path, user_password="")
    page = load_only_page(path)
    assert page.original_size == (round(595 * 200 / 72), round(842 * 200 / 72))
    assert page.image.min() > 200  # an empty, white page


# ---------------------------------------------------------------------------------- JPEG


def test_truncated_jpeg_is_rejected_not_grey_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = jpeg_bytes(synthetic_sheet(800, 1131))
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: int(len(data) * 0.6)])
    refs = list_pages(path)  # the header is intact
    assert rejection(lambda: load_page(refs[0])).code == Code.FILE_UNREADABLE

    # Some decoder builds fill the missing part with grey instead of failing: the
    # structural check must catch truncation whatever the decoder does.
    def lenient(buffer: np.ndarray, flags: int) -> np.ndarray:
        return np.full((1131, 800), 128, np.uint8)

    monkeypatch.setattr(cv2, "imdecode", lenient)
    assert rejection(lambda: load_page(refs[0])).code == Code.FILE_UNREADABLE
    path.write_bytes(data)  # the same file, complete, goes through the patched decoder
    assert load_page(refs[0]).image.shape == (1131, 800)


def test_jpeg_with_trailing_data_still_loads(tmp_path: Path) -> None:
    """Phone 'motion photos' append data after the end-of-image marker."""
    sheet = synthetic_sheet(600, 848)
    path = tmp_path / "motion.jpg"
    path.write_bytes(jpeg_bytes(sheet) + b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    page = load_only_page(path)
    assert page.image.shape == sheet.shape
    assert np.abs(page.image.astype(int) - sheet).mean() < 3


def test_a4_200dpi_jpeg_stays_full_size(tmp_path: Path) -> None:
    sheet = synthetic_sheet()
    path = tmp_path / "scan.jpeg"
    Image.fromarray(np.dstack([sheet] * 3)).save(path, "JPEG", quality=90, dpi=(200, 200))
    page = load_only_page(path)
    assert page.image.shape == (2339, 1654) and page.image.dtype == np.uint8
    assert page.scale == 1.0 and page.dpi == pytest.approx(200)
    assert page.original_size == (1654, 2339)
    assert np.abs(page.image.astype(int) - sheet).mean() < 3


@pytest.mark.parametrize(("max_pixels", "factor"), [(1_000_000, 2), (400_000, 4), (30_000, 8)])
def test_large_jpeg_is_decoded_reduced(tmp_path: Path, max_pixels: int, factor: int) -> None:
    path = tmp_path / "photo.jpg"
    Image.fromarray(marked(1600, 1200)).save(path, "JPEG", dpi=(300, 300))
    page = load_only_page(path, max_pixels=max_pixels)
    assert page.image.shape == (1200 // factor, 1600 // factor)
    assert page.image.size <= max_pixels and page.image.size > max_pixels / 4
    assert page.scale == pytest.approx(1 / factor)
    assert page.dpi == pytest.approx(300 / factor)
    assert page.original_size == (1600, 1200)
    assert dark_corner(page.image) == "top-left"


@pytest.mark.parametrize(
    ("orientation", "corner", "size"),
    [
        (1, "top-left", (400, 200)),
        (3, "bottom-right", (400, 200)),
        (6, "top-right", (200, 400)),
        (8, "bottom-left", (200, 400)),
    ],
)
@pytest.mark.parametrize("max_pixels", [4_200_000, 30_000])
def test_exif_orientation_is_applied(
    tmp_path: Path, orientation: int, corner: str, size: tuple[int, int], max_pixels: int
) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "phone.jpg"
    path.write_bytes(jpeg_bytes(marked(400, 200), exif=exif))
    page = load_only_page(path, max_pixels=max_pixels)
    assert page.original_size == size
    factor = 1 if max_pixels > 80_000 else 2
    assert page.image.shape == (size[1] // factor, size[0] // factor)
    assert dark_corner(page.image) == corner


def test_hangul_paths_load(tmp_path: Path) -> None:
    folder = tmp_path / "학원 스캔"
    folder.mkdir()
    sheet = synthetic_sheet(500, 707)
    jpg = folder / "김민준_답안지.jpg"
    jpg.write_bytes(jpeg_bytes(sheet))
    pdf = folder / "3반 답안지.pdf"
    Image.fromarray(sheet).save(pdf, "PDF", resolution=100)
    assert np.abs(load_only_page(jpg).image.astype(int) - sheet).mean() < 3
    rendered = load_only_page(pdf)  # 100 dpi source rendered at 200 dpi
    assert rendered.image.shape[1] == 1000 and abs(rendered.image.shape[0] - 1414) <= 1
    assert rendered.original_size == (rendered.image.shape[1], rendered.image.shape[0])


def test_real_content_wins_over_the_suffix(tmp_path: Path) -> None:
    path = tmp_path / "actually_png.jpg"
    Image.fromarray(marked(300, 200)).save(path, "PNG")
    page = load_only_page(path)
    assert page.image.shape == (200, 300) and dark_corner(page.image) == "top-left"


def test_tiny_page_is_resolution_too_low(tmp_path: Path) -> None:
    path = tmp_path / "thumb.png"
    Image.fromarray(marked(160, 90)).save(path)
    assert rejection(lambda: load_only_page(path)).code == Code.RESOLUTION_TOO_LOW


# ------------------------------------------------------------------- other raster formats


def test_colour_uses_standard_luminance(tmp_path: Path) -> None:
    rgb = np.zeros((120, 360, 3), np.uint8)
    rgb[:, :120, 0] = 255
    rgb[:, 120:240, 1] = 255
    rgb[:, 240:, 2] = 255
    for suffix in (".png", ".bmp", ".webp", ".jpg"):
        path = tmp_path / f"rgb{suffix}"
        Image.fromarray(rgb).save(path, lossless=True, quality=98)  # each format takes its own
        image = load_only_page(path).image
        assert [int(image[60, x]) for x in (60, 180, 300)] == pytest.approx([76, 150, 29], abs=2)


def test_webp_and_bmp_decode_exactly(tmp_path: Path) -> None:
    sheet = synthetic_sheet(400, 566)
    for name, lossless in (("a.webp", True), ("a.bmp", False)):
        path = tmp_path / name
        Image.fromarray(sheet).save(path, lossless=lossless)
        assert np.array_equal(load_only_page(path).image, sheet)


@pytest.mark.parametrize(("name", "dtype"), [("deep.png", "<u2"), ("deep-big-endian.tif", ">u2")])
def test_sixteen_bit_is_scaled_not_clipped(tmp_path: Path, name: str, dtype: str) -> None:
    ramp = np.tile(np.linspace(0, 65535, 256), (120, 1)).astype(dtype)
    path = tmp_path / name
    Image.fromarray(ramp).save(path)
    with Image.open(path) as im:
        assert im.mode.startswith("I;16")
    image = load_only_page(path).image
    expected = np.rint(ramp / 257).astype(np.uint8)
    assert np.abs(image.astype(int) - expected).max() <= 1
    assert image[0, 128] == pytest.approx(128, abs=1)  # clipping would give 255


def test_transparent_background_becomes_paper(tmp_path: Path) -> None:
    rgba = np.zeros((150, 150, 4), np.uint8)  # transparent black
    rgba[50:100, 50:100] = (0, 0, 0, 255)  # an opaque black square
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba).save(path)
    image = load_only_page(path).image
    assert image[10, 10] == 255 and image[75, 75] == 0


def test_multipage_tiff_modes(tmp_path: Path) -> None:
    gray = marked(300, 200)
    frames = [
        Image.fromarray(gray),
        Image.fromarray(gray).point(lambda v: 255 - v).convert("1"),  # 1-bit, inverted
        Image.fromarray(gray).convert("P"),
        Image.fromarray(gray.astype(np.uint16) * 257),  # 16-bit
    ]
    path = tmp_path / "batch.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(150, 150))
    refs = list_pages(path)
    assert [(r.index, r.count) for r in refs] == [(0, 4), (1, 4), (2, 4), (3, 4)]
    pages = [load_page(r) for r in refs]
    assert np.array_equal(pages[0].image, gray)
    assert np.array_equal(pages[1].image, 255 - gray)
    assert np.array_equal(pages[2].image, gray)
    assert np.array_equal(pages[3].image, gray)
    assert pages[0].dpi == pytest.approx(150)
    assert rejection(lambda: load_page(PageRef(path, 4, 4))).code == Code.FILE_UNREADABLE


def test_truncated_png_is_rejected(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(synthetic_sheet(400, 566)).save(buffer, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    assert rejection(lambda: load_only_page(path)).code == Code.FILE_UNREADABLE


# ----------------------------------------------------------------------------------- PDF


def _three_page_pdf(path: Path) -> list[np.ndarray]:
    pages = [marked(400, 566), np.rot90(marked(566, 400)).copy(), marked(500, 500)]
    images = [Image.fromarray(p) for p in pages]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=100)
    return pages


def test_multipage_pdf_renders_each_page_at_200_dpi(tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    pages = _three_page_pdf(path)
    refs = list_pages(path)
    assert [(r.index, r.count) for r in refs] == [(0, 3), (1, 3), (2, 3)]
    for ref, source in zip(refs, pages, strict=True):
        page = load_page(ref)
        h, w = source.shape
        assert page.image.shape == (2 * h, 2 * w)  # 100 dpi source rendered at 200 dpi
        assert page.dpi == pytest.approx(200) and page.scale == 1.0
        assert page.original_size == (page.image.shape[1], page.image.shape[0])
        small = cv2.resize(page.image, (w, h), interpolation=cv2.INTER_AREA)
        assert np.abs(small.astype(int) - source).mean() < 4
    assert rejection(lambda: load_page(PageRef(path, 3, 3))).code == Code.FILE_UNREADABLE


def test_pdf_respects_max_pixels(tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    _three_page_pdf(path)
    page = load_page(list_pages(path)[0], max_pixels=200_000)
    assert 150_000 < page.image.size <= 200_000
    assert page.scale < 1 and page.dpi == pytest.approx(200 * page.scale)
    assert page.original_size == (800, 1132)
    assert dark_corner(page.image) == "top-left"


def test_pdf_page_over_100_mp_at_200_dpi(tmp_path: Path) -> None:
    doc = pdfium.PdfDocument.new()
    try:
        doc.new_page(595, 842).close()
        doc.new_page(5000, 5000).close()  # 69 inches square: 193 MP at 200 dpi
        path = tmp_path / "poster.pdf"
        doc.save(path)
    finally:
        doc.close()
    first, second = list_pages(path)
    assert load_page(first).original_size == (1653, 2339)
    assert rejection(lambda: load_page(second)).code == Code.IMAGE_TOO_LARGE


def test_pdf_pages_load_from_several_threads(tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    _three_page_pdf(path)
    refs = list_pages(path)
    expected = [load_page(r).image for r in refs]
    results: list[list[np.ndarray]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append([load_page(r).image for r in refs * 3])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for images in results:
        assert all(np.array_equal(a, b) for a, b in zip(images, expected * 3, strict=True))


def test_page_refs_pickle(tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    _three_page_pdf(path)
    refs = list_pages(path)
    assert pickle.loads(pickle.dumps(refs)) == refs


def test_planning_counts_pages_without_decoding_single_images(tmp_path: Path) -> None:
    from academy_desktop.engine.inputs import plan_pages

    bomb = tmp_path / "bomb.png"
    write_big_png(bomb, 10_001, 10_001)
    assert plan_pages(bomb) == [PageRef(bomb, 0, 1)]  # one page; the header waits for loading
    assert rejection(lambda: load_page(plan_pages(bomb)[0])).code == Code.IMAGE_TOO_LARGE
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    assert rejection(lambda: plan_pages(text)).code == Code.INVALID_FORMAT


def test_a_scanners_200_dpi_jpeg_page_is_read_without_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pypdfium2 as pdfium

    rng = np.random.default_rng(3)
    gray = np.full((566, 400), 235, np.uint8)
    for _ in range(40):
        x, y = int(rng.integers(0, 360)), int(rng.integers(0, 520))
        gray[y : y + 30, x : x + 30] = 20
    path = tmp_path / "scan.pdf"
    Image.fromarray(gray).save(path, resolution=200.0)  # one DCTDecode image per page
    with monkeypatch.context() as m:

        def no_render(*args: object, **kwargs: object) -> None:
            raise AssertionError("the page was rendered")

        m.setattr(pdfium.PdfPage, "render", no_render)
        page = load_page(list_pages(path)[0])
    assert page.image.shape == (566, 400) and page.dpi is not None and abs(page.dpi - 200) < 1
    doc = pdfium.PdfDocument(str(path))
    try:
        rendered = doc[0].render(scale=200 / 72, grayscale=True).to_numpy()[:566, :400]
    finally:
        doc.close()
    # the same picture pdfium would have drawn, up to JPEG decoder rounding
    assert float(np.abs(page.image.astype(int) - rendered.astype(int)).mean()) < 3.0
