"""Builders for test inputs, made on the fly in ``tmp_path`` (no binary fixtures in the repo).

Helpers shared by ``test_inputs.py`` and ``test_quality.py``.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "omr-samples"
SAMPLE_SUFFIXES = (".jpg", ".jpeg", ".png")


def sample_images() -> list[Path]:
    """Every real OMR sample image beside the clone (empty when the folder is absent)."""
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.rglob("*") if p.suffix.lower() in SAMPLE_SUFFIXES)


def synthetic_sheet(width: int = 1654, height: int = 2339, seed: int = 0) -> np.ndarray:
    """A grayscale answer sheet at roughly 200 dpi: corner marks, text, bubbles, some filled."""
    rng = np.random.default_rng(seed)
    s = width / 1654
    page = np.full((height, width), 245, np.uint8)
    mark = round(60 * s)
    for x, y in (
        (80, 80),
        (width - 80 - mark, 80),
        (80, height - 80 - mark),
        (width - 80 - mark, height - 80 - mark),
    ):
        page[y : y + mark, x : x + mark] = 15
    # a title and text lines: short dark strokes like printed characters
    for row in range(6):
        y = round((200 + row * 45) * s)
        x = round(200 * s)
        while x < width - 250 * s:
            w = int(rng.integers(8, 22) * s) + 1
            page[y : y + round(22 * s), x : x + w] = 40
            x += w + int(rng.integers(4, 14) * s) + 1
    cv2.line(
        page,
        (round(150 * s), round(480 * s)),
        (round(width - 150 * s), round(480 * s)),
        30,
        max(1, round(3 * s)),
    )
    # 30 questions x 5 bubbles, one filled per question
    r = round(16 * s)
    for q in range(30):
        col, row = divmod(q, 15)
        y = round((560 + row * 110) * s)
        choice = int(rng.integers(0, 5))
        for c in range(5):
            x = round((300 + col * 650 + c * 90) * s)
            cv2.circle(page, (x, y), r, 60, max(1, round(2 * s)), cv2.LINE_AA)
            if c == choice:
                cv2.circle(page, (x, y), r - 3, 25, -1, cv2.LINE_AA)
        page[
            y - round(10 * s) : y + round(10 * s),
            round((220 + col * 650) * s) : round((245 + col * 650) * s),
        ] = 40
    return page


def write_big_png(path: Path, width: int, height: int) -> None:
    """A valid all-white 1-bit PNG of any size, streamed so that it needs little memory."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter byte + packed pixels
    packer = zlib.compressobj(9)
    chunks: list[bytes] = []
    block = row * 1000
    for start in range(0, height, 1000):
        chunks.append(packer.compress(block if height - start >= 1000 else row * (height - start)))
    chunks.append(packer.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(chunks))
        + chunk(b"IEND", b"")
    )


# PDF standard security handler, revision 2 (40-bit RC4), PDF 1.7 spec section 7.6.3.
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def write_encrypted_pdf(path: Path, user_password: str, owner_password: str = "owner") -> None:
    """A one-page PDF protected by the standard security handler (RC4, revision 2).

    With a non-empty ``user_password`` a reader must ask for it; with an empty one the
    file opens freely and only carries permission flags.
    """
    user = (user_password.encode("latin-1") + _PAD)[:32]
    owner = (owner_password.encode("latin-1") + _PAD)[:32]
    o_entry = _rc4(hashlib.md5(owner).digest()[:5], user)
    permissions = -44
    file_id = hashlib.md5(b"academy-desktop test").digest()
    key = hashlib.md5(user + o_entry + struct.pack("<i", permissions) + file_id).digest()[:5]
    u_entry = _rc4(key, _PAD)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + o_entry.hex().encode()
        + b"> /U <"
        + u_entry.hex().encode()
        + b"> /P "
        + str(permissions).encode()
        + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        file_id.hex().encode(),
        file_id.hex().encode(),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(out))


def phone_photo(sheet: np.ndarray, seed: int = 1) -> np.ndarray:
    """The sheet photographed on a dark desk: tilted, unevenly lit, noisy (2400x1800)."""
    rng = np.random.default_rng(seed)
    h, w = sheet.shape
    width, height = 2400, 1800
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    placed = np.array([[660, 180], [1770, 250], [1830, 1650], [570, 1590]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners, placed)
    photo = cv2.warpPerspective(sheet, matrix, (width, height), borderValue=70).astype(np.float32)
    xx = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    yy = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    photo *= 0.65 + 0.35 * xx * (1 - 0.3 * yy)
    photo += rng.normal(0.0, 4.0, size=(height, width)).astype(np.float32)
    return np.clip(photo, 0, 255).astype(np.uint8)
