"""Page checks, format sniffing and raster decoding for :mod:`academy_desktop.engine.inputs`.

The limits and the two page types (:class:`PageRef`, :class:`LoadedPage`) live here,
with the checks every loader applies (file size, real format from the first bytes,
pixel count, short side) and the JPEG and Pillow decoders. PDF pages are in
:mod:`academy_desktop.engine.input_pdf`; callers use :mod:`~academy_desktop.engine.inputs`.
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
from PIL import Image, ImageFile

from academy_desktop.engine.rejections import Code, Rejection

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


# ------------------------------------------------------------------------ resolutions


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
