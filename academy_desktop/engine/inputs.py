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
from pathlib import Path

import cv2

from academy_desktop.engine.input_decode import (
    MAX_FILE_BYTES,
    MAX_PAGE_PIXELS,
    MAX_PIXELS,
    MIN_SHORT_SIDE,
    PDF_DPI,
    PDF_DPI_RANGE,
    PDFIUM_LOCK,
    LoadedPage,
    PageRef,
    _check_file,
    _check_pixels,
    _detail,
    _Kind,
    _load_jpeg,
    _load_with_pillow,
    _open_image,
    check_pdf_dpi,
    default_max_pixels,
)
from academy_desktop.engine.input_files import SUPPORTED_SUFFIXES, discover
from academy_desktop.engine.input_pdf import _load_pdf_page, _pdf_document, pdf_dpi_for_size
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
