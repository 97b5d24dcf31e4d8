"""PDF pages for :mod:`academy_desktop.engine.inputs`: rendered with pypdfium2 at the
batch's resolution, or, for an office scanner's page (one full-page JPEG), decoded as
scanned. Every pypdfium2 call holds :data:`PDFIUM_LOCK` (pdfium is not thread-safe).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from academy_desktop.engine.input_decode import (
    COMMON_PDF_DPIS,
    MAX_PIXELS,
    PDF_DPI_RANGE,
    PDFIUM_LOCK,
    SCAN_DPI_TOLERANCE,
    LoadedPage,
    PageRef,
    _check_file,
    _check_page,
    _decode_jpeg,
    _detail,
    _jpeg_layout,
    _Kind,
    default_max_pixels,
)
from academy_desktop.engine.rejections import Code, Rejection

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
