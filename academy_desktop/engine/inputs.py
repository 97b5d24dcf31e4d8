"""Finding, opening and decoding the pages staff feed the grader.

Every page of every file is one sheet. Nothing here stops a batch: a file or page
that cannot be used raises :class:`~academy_desktop.engine.rejections.Rejection`
with a stable code, and the caller records it and moves on.

* :func:`discover` (from :mod:`~academy_desktop.engine.input_files`) turns dropped
  files and folders into an ordered file list.
* :func:`list_pages` reads headers only and yields one picklable :class:`PageRef`
  per page (PDF page, TIFF frame, or single image).
* :func:`load_page` decodes one page to 8-bit grayscale.

PDF pages have no pixels of their own: they are rendered at the resolution the batch
asks for (``pdf_dpi``, :data:`PDF_DPI` = 200 unless the user's setting says 150 or
300), carried by each :class:`PageRef`. The page is reduced to the pixel limit of
:func:`load_page` (which grows with the square of the resolution above 200 dpi, so
that 300 dpi really gives an A4 page 300 dpi). An office scanner's page (one
full-page JPEG) is decoded as it is, without rendering, when the JPEG's own
resolution is within :data:`SCAN_DPI_TOLERANCE` of the requested one (190-215 dpi
for 200); otherwise it is rendered at the requested resolution, so the picture
always has the resolution asked for. :func:`pdf_dpi_for_size` finds the resolution
that gives a page an earlier image size back (reloading a graded page).

The real format is sniffed from the first bytes; the suffix is never trusted.

Pixel-count guard: Pillow's own decompression-bomb limit is aligned with
:data:`MAX_PIXELS` below (its default of ~89 MP would otherwise warn on legitimate
90-100 MP scans). Pillow warns above the limit and raises above twice the limit;
both the error and the warning (which becomes an exception under an "error"
warnings filter, as in the tests) are mapped to ``IMAGE_TOO_LARGE``, and the header
size is checked explicitly right after Pillow's lazy open, before any decoding.
"""

from __future__ import annotations

import math
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFile

from academy_desktop.engine.input_files import SUPPORTED_SUFFIXES, discover
from academy_desktop.engine.rejections import Code, Rejection

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "MIN_SHORT_SIDE",
    "PDFIUM_LOCK",
    "PDF_DPI",
    "PDF_DPI_RANGE",
    "SUPPORTED_SUFFIXES",
    "LoadedPage",
    "PageRef",
    "check_pdf_dpi",
    "default_max_pixels",
    "discover",
    "list_pages",
    "load_page",
    "pdf_dpi_for_size",
    "plan_pages",
]

MAX_FILE_BYTES = 50 * 1024 * 1024  # the seed server's OMR upload limit
MAX_PIXELS = 100_000_000  # decompression-bomb guard (checked from headers)
PDF_DPI = 200  # default render resolution of PDF pages
PDF_DPI_RANGE = (72, 600)  # render resolutions a batch may ask for
MAX_PAGE_PIXELS = 4_200_000  # load_page's default size limit (at 200 dpi for PDFs)
# an embedded scan is read as it is when its dpi / the requested dpi is in this range
# (190-215 dpi for 200 dpi; see _scanned_jpeg)
SCAN_DPI_TOLERANCE = (0.95, 1.075)
# resolutions pdf_dpi_for_size tries besides the one the image size suggests
COMMON_PDF_DPIS = (200, 150, 300, 100, 240, 400, 600)
MIN_SHORT_SIDE = 100  # absolute floor; the template-relative check comes later

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # deliberate: see the module docstring

# pdfium is not thread-safe: every pypdfium2 call (open, render, close) holds this lock;
# any other engine code that uses pypdfium2 must take the same one.
PDFIUM_LOCK = threading.Lock()


class _Kind(StrEnum):
    """Real file formats, named as Pillow names its plugins."""

    PDF = "PDF"
    JPEG = "JPEG"
    PNG = "PNG"
    BMP = "BMP"
    WEBP = "WEBP"
    TIFF = "TIFF"


_MAGIC: tuple[tuple[bytes, _Kind], ...] = (
    (b"\xff\xd8\xff", _Kind.JPEG),
    (b"\x89PNG\r\n\x1a\n", _Kind.PNG),
    (b"II*\x00", _Kind.TIFF),
    (b"MM\x00*", _Kind.TIFF),
    (b"%PDF-", _Kind.PDF),
)
_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})


@dataclass(frozen=True)
class PageRef:
    """One page of one file: a unit of work that can be pickled to a worker process."""

    path: Path
    index: int  # 0-based page/frame index within the file
    count: int  # pages in the file (1 for single images)
    pdf_dpi: int = PDF_DPI  # render resolution of a PDF page (images ignore it)


@dataclass
class LoadedPage:
    """A decoded page.

    ``dpi`` comes from the render resolution (PDF) or from file metadata (JFIF density,
    TIFF/PNG/BMP resolution) multiplied by ``scale``. Phone cameras often claim 72 dpi,
    so treat it as a hint, never as a measurement.
    """

    image: np.ndarray  # grayscale uint8, 2-D
    scale: float  # image pixels per original pixel (<1 when decoded reduced)
    dpi: float | None  # effective dpi of ``image`` when known
    original_size: tuple[int, int]  # (width, height) before any reduction, as displayed


# -------------------------------------------------------------------- checks and sniffing


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "no detail"
    return f"{type(exc).__name__}: {text}"[:200]


def _sniff(head: bytes) -> _Kind:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _Kind.WEBP
    if head[:2] == b"BM" and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return _Kind.BMP
    if b"%PDF-" in head[:1024]:  # PDF readers accept junk before the header
        return _Kind.PDF
    if len(head) < 12 and any(magic.startswith(head) for magic, _ in _MAGIC):
        raise Rejection(Code.FILE_UNREADABLE, f"file is only {len(head)} bytes long")
    raise Rejection(Code.INVALID_FORMAT, f"unrecognised content starting {head[:8]!r}")


def _check_file(path: Path) -> _Kind:
    """Size and real-format checks shared by :func:`list_pages` and :func:`load_page`."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise Rejection(Code.FILE_UNREADABLE, "not a regular file")
        if st.st_size == 0:
            raise Rejection(Code.FILE_UNREADABLE, "empty file (0 bytes)")
        if st.st_size > MAX_FILE_BYTES:
            mb = st.st_size / (1024 * 1024)
            raise Rejection(Code.FILE_TOO_LARGE, f"{mb:.1f} MB > {MAX_FILE_BYTES >> 20} MB")
        with path.open("rb") as f:
            head = f.read(1024)
    except OSError as exc:
        raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
    return _sniff(head)


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise Rejection(
            Code.IMAGE_TOO_LARGE, f"{width}x{height} = {width * height:,} pixels > {MAX_PIXELS:,}"
        )


def _check_page(width: int, height: int) -> None:
    _check_pixels(width, height)
    if min(width, height) < MIN_SHORT_SIDE:
        raise Rejection(
            Code.RESOLUTION_TOO_LOW, f"{width}x{height} px, short side < {MIN_SHORT_SIDE} px"
        )


def _reduction(width: int, height: int, max_pixels: int) -> int:
    """Smallest power of two r with (w/r)*(h/r) <= max_pixels (so never more than 4x below)."""
    r = 1
    while (width / r) * (height / r) > max_pixels:
        r *= 2
    return r


# ---------------------------------------------------------------------------- public API


def check_pdf_dpi(dpi: int) -> int:
    """``dpi`` as an int when it is a whole number in :data:`PDF_DPI_RANGE`, else ValueError."""
    low, high = PDF_DPI_RANGE
    try:
        value = int(dpi)
    except (TypeError, ValueError, OverflowError):
        value = 0
    if isinstance(dpi, bool) or value != dpi or not low <= value <= high:
        raise ValueError(f"PDF resolution must be a whole number {low}-{high} dpi, not {dpi!r}")
    return value


def default_max_pixels(pdf_dpi: int = PDF_DPI) -> int:
    """:func:`load_page`'s default size limit for a PDF page rendered at ``pdf_dpi``.

    :data:`MAX_PAGE_PIXELS` up to 200 dpi (an A4 page at 200 dpi fits), growing with
    the square of the resolution above it (A4 at 300 dpi fits too). Images always get
    :data:`MAX_PAGE_PIXELS`.
    """
    return round(MAX_PAGE_PIXELS * max(1.0, pdf_dpi / PDF_DPI) ** 2)


def list_pages(path: Path, *, pdf_dpi: int = PDF_DPI) -> list[PageRef]:
    """One :class:`PageRef` per page, reading headers only; raises :class:`Rejection`.

    ``pdf_dpi`` is the resolution PDF pages will be rendered at (see :func:`load_page`);
    ValueError when it is outside :data:`PDF_DPI_RANGE`.
    """
    pdf_dpi = check_pdf_dpi(pdf_dpi)
    path = Path(path)
    kind = _check_file(path)
    if kind is _Kind.PDF:
        with PDFIUM_LOCK, _pdf_document(path) as doc:
            count = len(doc)
    else:
        with _open_image(path, kind) as im:
            try:
                count = int(getattr(im, "n_frames", 1)) if kind is _Kind.TIFF else 1
            except Exception as exc:  # damaged frame directory
                raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
            if count == 1:
                _check_pixels(*im.size)
    return [PageRef(path, i, count, pdf_dpi) for i in range(count)]


def plan_pages(path: Path, *, pdf_dpi: int = PDF_DPI) -> list[PageRef]:
    """Like :func:`list_pages`, but cheaper for single-page formats, for batch planning.

    Only the size and the real format (the first bytes) are checked here; a JPEG,
    PNG, BMP or WebP is one page, and its header is checked when it is loaded. PDFs
    and TIFFs are opened to count their pages. Planning 2,000 scans this way takes a
    tenth of the time, so the first page is graded sooner. ``pdf_dpi``: as for
    :func:`list_pages`.
    """
    pdf_dpi = check_pdf_dpi(pdf_dpi)
    kind = _check_file(Path(path))
    if kind in (_Kind.PDF, _Kind.TIFF):
        return list_pages(path, pdf_dpi=pdf_dpi)
    return [PageRef(Path(path), 0, 1, pdf_dpi)]


def load_page(ref: PageRef, max_pixels: int | None = None) -> LoadedPage:
    """Decode one page to grayscale, reduced to at most ``max_pixels``; raises Rejection.

    A PDF page is rendered at ``ref.pdf_dpi``. ``max_pixels`` defaults to
    :func:`default_max_pixels` of that resolution for PDF pages, and to
    :data:`MAX_PAGE_PIXELS` for images.
    """
    kind = _check_file(ref.path)
    if max_pixels is None:
        max_pixels = default_max_pixels(ref.pdf_dpi) if kind is _Kind.PDF else MAX_PAGE_PIXELS
    if kind is _Kind.PDF:
        page = _load_pdf_page(ref, max_pixels)
    elif kind is _Kind.JPEG and ref.index == 0:
        page = _load_jpeg(ref.path, max_pixels)
    else:
        page = _load_with_pillow(ref, kind, max_pixels)
    if page.image.size > max_pixels:  # only when max_pixels is tiny (beyond 8x for JPEG)
        factor = math.sqrt(max_pixels / page.image.size)
        page = _shrink(page, factor)
    return page


def _shrink(page: LoadedPage, factor: float) -> LoadedPage:
    h, w = page.image.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    image = cv2.resize(page.image, size, interpolation=cv2.INTER_AREA)
    dpi = None if page.dpi is None else page.dpi * factor
    return LoadedPage(image, page.scale * factor, dpi, page.original_size)


# --------------------------------------------------------------------------------- JPEG


def _jpeg_layout(data: bytes) -> tuple[int, int, float | None]:
    """Walk the JPEG markers: (width, height, JFIF dpi); reject truncated files.

    Decoders tolerate truncation (a grey bottom), so completeness is checked here: after
    the first scan starts, the end-of-image marker FF D9 must follow (it cannot occur
    inside entropy-coded data). Bytes after it (phone "motion photo" trailers) are ignored.
    """
    pos, n = 2, len(data)
    size: tuple[int, int] | None = None
    dpi: float | None = None
    while True:
        if pos + 4 > n:
            raise Rejection(Code.FILE_UNREADABLE, "JPEG header is truncated")
        if data[pos] != 0xFF:
            raise Rejection(Code.FILE_UNREADABLE, f"JPEG marker expected at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        body = data[pos + 4 : pos + 2 + length]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            if len(body) >= 5:
                size = int.from_bytes(body[3:5], "big"), int.from_bytes(body[1:3], "big")
        elif marker == 0xE0 and body[:5] == b"JFIF\x00" and len(body) >= 12:
            units, density = body[7], int.from_bytes(body[8:10], "big")
            if density > 0 and units in (1, 2):
                dpi = float(density) if units == 1 else density * 2.54
        elif marker == 0xDA:
            break
        pos += 2 + length
    if size is None or min(size) == 0:
        raise Rejection(Code.FILE_UNREADABLE, "JPEG has no usable frame header")
    if data.find(b"\xff\xd9", pos + 2) < 0:
        raise Rejection(Code.FILE_UNREADABLE, "JPEG is truncated (no end-of-image marker)")
    return size[0], size[1], dpi


_REDUCED_FLAGS = {
    1: cv2.IMREAD_GRAYSCALE,
    2: cv2.IMREAD_REDUCED_GRAYSCALE_2,
    4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
    8: cv2.IMREAD_REDUCED_GRAYSCALE_8,
}


def _load_jpeg(path: Path, max_pixels: int) -> LoadedPage:
    """OpenCV decode straight to (reduced) grayscale; it applies EXIF orientation itself.

    The bytes are read by Python and passed to ``cv2.imdecode``: ``cv2.imread`` cannot
    open non-ASCII (e.g. Hangul) paths on Windows.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
    return _decode_jpeg(data, max_pixels)


def _decode_jpeg(data: bytes, max_pixels: int) -> LoadedPage:
    width, height, dpi = _jpeg_layout(data)
    _check_page(width, height)
    r = min(8, _reduction(width, height, max_pixels))
    image = cv2.imdecode(np.frombuffer(data, np.uint8), _REDUCED_FLAGS[r])
    if image is None or image.ndim != 2:
        raise Rejection(Code.FILE_UNREADABLE, "OpenCV could not decode the JPEG")
    # EXIF rotations of 90/270 degrees swap the sides (libjpeg rounds reduced sizes up).
    expected = (-(-width // r), -(-height // r))
    swapped = (image.shape[1], image.shape[0]) != expected
    original = (height, width) if swapped else (width, height)
    return LoadedPage(image, 1.0 / r, None if dpi is None else dpi / r, original)


# ---------------------------------------------------------------- PNG, BMP, WebP, TIFF


@contextmanager
def _open_image(path: Path, kind: _Kind) -> Iterator[Image.Image]:
    """Pillow's lazy open (header only), restricted to the sniffed format."""
    try:
        im = Image.open(path, formats=[kind.value])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Rejection(Code.IMAGE_TOO_LARGE, _detail(exc)) from None
    except Exception as exc:  # any decoder failure on untrusted bytes
        raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
    with im:
        yield im


def _load_with_pillow(ref: PageRef, kind: _Kind, max_pixels: int) -> LoadedPage:
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone switched off Pillow's truncation errors
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    with _open_image(ref.path, kind) as im:
        try:
            if ref.index:
                im.seek(ref.index)
            width, height = im.size
            _check_page(width, height)
            im.load()
            gray = _to_gray(im)
        except Rejection:
            raise
        except EOFError:
            raise Rejection(Code.FILE_UNREADABLE, f"page {ref.index + 1} not found") from None
        except Exception as exc:  # truncated or damaged data
            raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
        dpi = _pillow_dpi(im)
    r = _reduction(width, height, max_pixels)
    if r > 1:
        size = (-(-width // r), -(-height // r))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    return LoadedPage(gray, 1.0 / r, None if dpi is None else dpi / r, (width, height))


def _pillow_dpi(im: Image.Image) -> float | None:
    value = im.info.get("dpi")
    try:
        dpi = float(value[0]) if isinstance(value, tuple) else None
    except (TypeError, ValueError):
        return None
    return dpi if dpi is not None and math.isfinite(dpi) and dpi > 0 else None


def _to_gray(im: Image.Image) -> np.ndarray:
    """8-bit grayscale with ITU-R 601 luma; 16-bit scaled (not clipped), alpha over white."""
    mode = im.mode
    if mode.startswith("I;16") or mode in ("I", "F"):  # 16/32-bit integer or float grey
        values = np.asarray(im)
        peak = float(values.max()) if values.size else 0.0
        if mode == "F" and peak <= 1.0:
            alpha = 255.0
        elif mode.startswith("I;16") or 255.0 < peak <= 65535.0:
            alpha = 1 / 257  # 65535 -> 255
        else:
            alpha = 255.0 / peak if peak > 255.0 else 1.0
        if not values.dtype.isnative:  # e.g. big-endian 16-bit TIFF
            values = values.astype(values.dtype.newbyteorder("="))
        if values.dtype.kind != "u":
            values = np.maximum(values, 0)
        # one pass to uint8 (saturating, rounded) without big float temporaries
        return cv2.convertScaleAbs(values, alpha=alpha)
    if mode in ("LA", "La", "PA", "RGBa") or (mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
    elif mode not in ("1", "L", "RGB", "RGBA"):
        im = im.convert("RGB")  # palette, CMYK, YCbCr, LAB, ...
    if im.mode == "RGBA":  # transparent areas are paper, not ink
        im = Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), im)
    return np.array(im.convert("L"), dtype=np.uint8)


# ---------------------------------------------------------------------------------- PDF


@contextmanager
def _pdf_document(path: Path) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF through a Python file object (safe for non-ASCII paths on Windows).

    Callers must hold ``PDFIUM_LOCK``; the document is closed before the file.
    """
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
    with stream:
        try:
            doc = pdfium.PdfDocument(stream)
        except pdfium.PdfiumError as exc:
            encrypted = exc.err_code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY)
            code = Code.PDF_ENCRYPTED if encrypted else Code.FILE_UNREADABLE
            raise Rejection(code, _detail(exc)) from None
        except Exception as exc:
            raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
        try:
            yield doc
        finally:
            doc.close()


def _pdf_factor(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> float:
    """The reduction (<= 1) that brings a page rendered at ``dpi`` within ``max_pixels``."""
    full = _render_size(width_pt, 1.0, dpi) * _render_size(height_pt, 1.0, dpi)
    factor = min(1.0, math.sqrt(max_pixels / full))
    while factor < 1 and (
        _render_size(width_pt, factor, dpi) * _render_size(height_pt, factor, dpi) > max_pixels
    ):
        factor *= 0.998  # pypdfium2's rounding up must not push it over max_pixels
    return factor


def _open_pdf_page(doc: pdfium.PdfDocument, index: int) -> tuple[pdfium.PdfPage, float, float]:
    """The page and its size in points (after /Rotate); raises Rejection."""
    if not 0 <= index < len(doc):
        raise Rejection(Code.FILE_UNREADABLE, f"page {index + 1} not found")
    try:
        width_pt, height_pt = doc.get_page_size(index)
        page = doc[index]
    except Exception as exc:
        raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
    return page, width_pt, height_pt


def _load_pdf_page(ref: PageRef, max_pixels: int) -> LoadedPage:
    dpi = ref.pdf_dpi
    with PDFIUM_LOCK, _pdf_document(ref.path) as doc:
        page, width_pt, height_pt = _open_pdf_page(doc, ref.index)
        try:
            # pypdfium2 sizes its bitmap as ceil(points * scale): the same sum gives the same size
            full = (_render_size(width_pt, 1.0, dpi), _render_size(height_pt, 1.0, dpi))
            _check_page(*full)
            factor = _pdf_factor(width_pt, height_pt, dpi, max_pixels)
            scan = _scanned_jpeg(page, width_pt, height_pt, max_pixels, dpi)
            if scan is None:
                try:
                    bitmap = page.render(scale=dpi / 72 * factor, grayscale=True)  # 601 luma
                    try:
                        image = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
                    finally:
                        bitmap.close()
                except Exception as exc:
                    raise Rejection(Code.FILE_UNREADABLE, _detail(exc)) from None
        finally:
            page.close()
    if scan is not None:  # an office scanner's page: the JPEG as scanned, no rendering
        loaded = _decode_jpeg(scan, max_pixels)
        scan_dpi = loaded.original_size[0] / (width_pt / 72) * loaded.scale
        return LoadedPage(loaded.image, loaded.scale, scan_dpi, loaded.original_size)
    return LoadedPage(image, factor, dpi * factor, full)


def pdf_dpi_for_size(
    ref: PageRef, size: tuple[int, int], candidates: tuple[int, ...] = COMMON_PDF_DPIS
) -> int | None:
    """The render resolution at which :func:`load_page` (default size limit) gives
    ``ref``'s page an image of ``size`` (width, height) pixels; None for images.

    For reloading a page graded earlier at a resolution nobody wrote down: the one the
    width suggests is tried first, then ``candidates`` (a page reduced to the pixel
    limit is smaller than its resolution says). When none gives exactly ``size``, the
    suggested one is returned (the caller scales the small difference away). Reads the
    page's size and objects only, renders nothing; raises :class:`Rejection`.
    """
    if _check_file(ref.path) is not _Kind.PDF:
        return None
    target = int(size[0]), int(size[1])
    low, high = PDF_DPI_RANGE
    with PDFIUM_LOCK, _pdf_document(ref.path) as doc:
        page, width_pt, height_pt = _open_pdf_page(doc, ref.index)
        guess = min(high, max(low, round(target[0] * 72 / max(width_pt, 1e-6))))
        try:
            for dpi in dict.fromkeys((guess, *candidates)):
                if low <= dpi <= high and _pdf_image_size(page, width_pt, height_pt, dpi) == target:
                    return dpi
        finally:
            page.close()
    return guess


def _pdf_image_size(
    page: pdfium.PdfPage, width_pt: float, height_pt: float, dpi: int
) -> tuple[int, int] | None:
    """The size of the image :func:`_load_pdf_page` makes at ``dpi`` (default limit)."""
    max_pixels = default_max_pixels(dpi)
    full = (_render_size(width_pt, 1.0, dpi), _render_size(height_pt, 1.0, dpi))
    if full[0] * full[1] > MAX_PIXELS:
        return None
    scan = _scanned_jpeg(page, width_pt, height_pt, max_pixels, dpi)
    if scan is not None:  # decoded as it is (it fits max_pixels: no reduction)
        try:
            px_w, px_h, _ = _jpeg_layout(scan)
        except Rejection:
            return None
        return px_w, px_h
    factor = _pdf_factor(width_pt, height_pt, dpi, max_pixels)
    return _render_size(width_pt, factor, dpi), _render_size(height_pt, factor, dpi)


def _scanned_jpeg(
    page: pdfium.PdfPage, width_pt: float, height_pt: float, max_pixels: int, dpi: int
) -> bytes | None:
    """The JPEG stream of a page that is one upright full-page JPEG of about ``dpi``.

    Office scanners write PDFs like that. Decoding the stream directly is about six
    times faster than rendering the page and gives the same picture. "About" is
    :data:`SCAN_DPI_TOLERANCE` of ``dpi`` (190-215 dpi at 200): close enough that
    rendering would only resample by a few percent. Anything else (text, several
    images, a rotated or cropped image, another codec, a scan of another resolution,
    which rendering brings to ``dpi``) returns None and the page is rendered.
    """
    try:
        if page.get_rotation() != 0:
            return None
        objects = list(page.get_objects(max_depth=1))
        if len(objects) != 1 or objects[0].type != pdfium.raw.FPDF_PAGEOBJ_IMAGE:
            return None
        image = objects[0]
        assert isinstance(image, pdfium.PdfImage)
        if image.get_filters() != ["DCTDecode"]:
            return None
        m = image.get_matrix()
        if abs(m.b) > 1e-6 or abs(m.c) > 1e-6 or m.a <= 0 or m.d <= 0:
            return None
        left, bottom, right, top = image.get_bounds()
        if left > 1 or bottom > 1 or right < width_pt - 1 or top < height_pt - 1:
            return None
        px_w, px_h = image.get_px_size()
        ratio = px_w / (width_pt / 72) / dpi
        if not SCAN_DPI_TOLERANCE[0] <= ratio <= SCAN_DPI_TOLERANCE[1] or px_w * px_h > max_pixels:
            return None
        data = bytes(image.get_data(decode_simple=False))
    except Exception:  # an odd object tree: rendering is the safe way
        return None
    return data if data[:2] == b"\xff\xd8" else None


def _render_size(points: float, factor: float, dpi: int) -> int:
    """Pixels pypdfium2 renders for a page side: it rounds ``points * scale`` up."""
    return math.ceil(points * (dpi / 72 * factor))
