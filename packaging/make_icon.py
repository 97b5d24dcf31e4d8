"""Draw the app icon (an answer sheet with filled bubbles) with Pillow.

    python packaging/make_icon.py

Writes ``packaging/icon/academy-desktop.ico`` (16-256 px, for the .exe, the
installer and the shortcuts) and ``packaging/icon/academy-desktop.png`` (256 px).
The drawing is this project's own work, made by this script from shapes only (no
font, no third-party artwork), so the output is the same on every machine; both
files are checked in and only need regenerating when the drawing changes.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "icon"
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]

BLUE = (37, 99, 235, 255)  # the window's accent colour (#2563eb)
PAPER = (248, 250, 252, 255)
INK = (30, 41, 59, 255)
LINE = (148, 163, 184, 255)
GREEN = (22, 163, 74, 255)


def draw(size: int = 1024) -> Image.Image:
    """The icon at ``size`` px (drawn large, then scaled down for smooth edges)."""
    s = size / 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([8 * s, 8 * s, 248 * s, 248 * s], radius=44 * s, fill=BLUE)
    # the sheet
    d.rounded_rectangle([52 * s, 36 * s, 204 * s, 220 * s], radius=12 * s, fill=PAPER)
    d.rectangle([68 * s, 52 * s, 188 * s, 62 * s], fill=LINE)  # a title bar
    # four rows of five bubbles, one filled per row
    filled = [1, 3, 0, 2]
    for row, choice in enumerate(filled):
        y = 88 + row * 32
        for col in range(5):
            x = 78 + col * 25
            box = [(x - 9) * s, (y - 9) * s, (x + 9) * s, (y + 9) * s]
            if col == choice:
                d.ellipse(box, fill=INK)
            else:
                d.ellipse(box, outline=LINE, width=max(1, round(3 * s)))
    # a check mark badge: graded
    d.ellipse([168 * s, 168 * s, 240 * s, 240 * s], fill=GREEN, outline=PAPER, width=round(6 * s))
    d.line(
        [(186 * s, 205 * s), (200 * s, 219 * s), (224 * s, 189 * s)],
        fill=PAPER,
        width=round(10 * s),
        joint="curve",
    )
    return img


def main() -> None:
    OUT_DIR.mkdir(exist_ok=True)
    big = draw()
    icon = big.resize((256, 256), Image.Resampling.LANCZOS)
    icon.save(OUT_DIR / "academy-desktop.png", optimize=True)
    icon.save(OUT_DIR / "academy-desktop.ico", sizes=ICO_SIZES)
    print(f"wrote {OUT_DIR / 'academy-desktop.ico'} and {OUT_DIR / 'academy-desktop.png'}")


if __name__ == "__main__":
    main()
