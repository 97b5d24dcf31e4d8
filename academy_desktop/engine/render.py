"""Draw a template as a blank printed answer sheet (no Qt).

The picture serves three purposes: the printable PDF staff hand out, the
reference the aligner correlates a scan with (at a low dpi), and the paper the
synthetic scan generator fills in.

Design of a native (``unit == "mm"``) sheet, in the style of a Korean academy
OMR card: solid black registration squares; bubbles as thin outlines in a light
"drop-out" red with their value printed small inside (grey ~150-160 once the
page is grey, well above pencil and pen marks); question numbers in black left
of each row; a header with the bilingual title; boxes for 성명/Name and 반/Class
and marking instructions beside the student-ID grid when there is room; a small
footer. Decorations are only drawn where they do not touch a bubble block or a
registration mark, so hand-made layouts render sensibly too.

Coordinates: template point ``(u, v)`` lands on image pixel coordinates
``(u * s, v * s)`` with ``s = template_to_px(t, dpi)``, where the *centre* of
pixel ``(i, j)`` is at ``(i, j)`` (OpenCV's convention).

Pixel templates (``unit == "px"``, OMRChecker imports) have no physical size; a
template pixel is taken as a CSS pixel (1/96 inch), so ``dpi=96`` - or
``dpi=None`` - renders them at scale 1.0. Only their bubbles (and square marks,
if any) are drawn: enough for a reference picture.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from academy_desktop.engine import render_layout as lay
from academy_desktop.engine.render_canvas import DROP_OUT, INK, TINT, Canvas, find_font
from academy_desktop.engine.template.model import Block, Template

__all__ = [
    "DROP_OUT",
    "find_font",
    "render_sheet",
    "save_printable_pdf",
    "template_to_px",
]

MM_PER_INCH = 25.4
CSS_DPI = 96.0  # a px-unit template pixel is a CSS pixel
DEFAULT_DPI = 200.0


def template_to_px(t: Template, dpi: float | None) -> float:
    """Image pixels per template unit at ``dpi`` (mm: dpi/25.4; px: dpi/96, ``None`` -> 1.0)."""
    if t.unit == "px":
        return 1.0 if dpi is None else float(dpi) / CSS_DPI
    return (DEFAULT_DPI if dpi is None else float(dpi)) / MM_PER_INCH


_TRAILING_NUMBER = re.compile(r".*?(\d+)$")


def _row_label(label: str) -> str:
    m = _TRAILING_NUMBER.fullmatch(label)
    return m.group(1) if m else label


def _draw_bubbles(c: Canvas, block: Block, line_mm: float, values: bool = True) -> None:
    for f in block.fields():
        for b in f.bubbles:
            box = (b.x, b.y, b.x + b.w, b.y + b.h)
            if block.shape == "rect":
                c.rect(box, DROP_OUT, line_mm)
            else:
                c.ellipse(box, DROP_OUT, line_mm)
            if values and b.value:
                size = c.fit(b.value, min(b.w * 0.85, b.h * 0.6), b.w * 0.7)
                c.text(b.cx, b.cy, b.value, size, DROP_OUT)


def render_sheet(
    t: Template, dpi: float | None = DEFAULT_DPI, *, color: bool = False, title: bool = True
) -> np.ndarray:
    """A blank printed sheet: uint8 grey ``(H, W)``, or BGR ``(H, W, 3)`` when ``color``.

    ``title=False`` leaves out the header (title, subtitle and rule) only.
    """
    scale = template_to_px(t, dpi)
    c = Canvas(t.page_size, scale)
    if t.alignment.method == "markers":
        for m in t.alignment.markers:
            c.square(m.cx, m.cy, m.size)
    if t.unit == "mm":
        plan = lay.plan(t, title=title)
        _draw_plan(c, t, plan)
    else:
        line = max(1.0, 0.2 / MM_PER_INCH * CSS_DPI)
        for block in t.blocks:
            _draw_bubbles(c, block, line)
    rgb = c.finish()
    code = cv2.COLOR_RGB2BGR if color else cv2.COLOR_RGB2GRAY
    return cv2.cvtColor(rgb, code)


def _draw_plan(c: Canvas, t: Template, plan: lay.Plan) -> None:
    for frame in plan.frames:
        _draw_frame(c, frame)
    for block in t.blocks:
        _draw_bubbles(c, block, lay.LINE)
        if block.direction == "horizontal":
            for f in block.fields():
                b = f.bubbles[0]
                text = _row_label(f.label)
                size = c.fit(text, lay.NUMBER_EM, lay.NUMBER_COLUMN - 1.5, bold=True)
                c.text(b.x - 1.8, b.cy, text, size, INK, "rm", bold=True)
        else:
            for f in block.fields():
                b = f.bubbles[0]
                text = _row_label(f.label)
                size = c.fit(text, lay.NUMBER_EM * 0.8, max(b.w * 1.6, 3.0), bold=True)
                if block.kind != "digit":
                    c.text(b.cx, b.y - 1.5, text, size, INK, "mb", bold=True)
    if plan.header is not None:
        _draw_header(c, t, plan.header)
    if plan.panel is not None:
        _draw_panel(c, plan.panel)
    if plan.footer is not None:
        x0, y0, x1, y1 = plan.footer
        text = f"Academy Desktop · {t.name} · 100% 크기로 인쇄하세요 / Print at 100% scale"
        size = c.fit(text, min(2.6, (y1 - y0) * 0.8), x1 - x0)
        c.text((x0 + x1) / 2, (y0 + y1) / 2, text, size, INK)


def _draw_frame(c: Canvas, frame: lay.Frame) -> None:
    x0, _, x1, _ = frame.box
    c.rect(frame.box, DROP_OUT, lay.LINE)
    if frame.header is not None:
        hx0, hy0, hx1, hy1 = frame.header
        c.rect(frame.header, TINT, 0, fill=True)
        c.rect(frame.header, DROP_OUT, lay.LINE)
        em = min(3.0, (hy1 - hy0) * 0.55)
        if frame.kind == "digit":
            text = frame.caption
            c.text(
                (hx0 + hx1) / 2,
                (hy0 + hy1) / 2,
                text,
                c.fit(text, em, hx1 - hx0 - 2),
                INK,
                bold=True,
            )
        else:
            split = frame.split if frame.split is not None else hx0
            if split > hx0:
                c.line((split, hy0), (split, hy1), DROP_OUT, lay.LINE)
                c.text(
                    (hx0 + split) / 2,
                    (hy0 + hy1) / 2,
                    "번호",
                    c.fit("번호", em, split - hx0 - 1),
                    INK,
                    bold=True,
                )
            text = "답 란 / Answer"
            c.text(
                (split + hx1) / 2,
                (hy0 + hy1) / 2,
                text,
                c.fit(text, em, hx1 - split - 2),
                INK,
                bold=True,
            )
    for box in frame.cells:
        c.rect(box, DROP_OUT, lay.LINE)
    for yy in frame.separators:
        c.line((x0, yy), (x1, yy), DROP_OUT, lay.LINE * 0.8)


def _draw_header(c: Canvas, t: Template, header: lay.Box) -> None:
    x0, y0, x1, y1 = header
    h = y1 - y0
    ko = t.title.get("ko") or t.title.get("en") or t.name
    en = t.title.get("en", "") if t.title.get("ko") else ""
    cx = (x0 + x1) / 2
    if h >= 12 and en:
        big = c.fit(ko, min(7.0, h * 0.3), x1 - x0, bold=True)
        small = c.fit(en, min(4.0, h * 0.17), x1 - x0)
        c.text(cx, y0 + h * 0.08, ko, big, INK, "mt", bold=True)
        sub = y0 + h * 0.08 + big * 1.25
        c.text(cx, sub, en, small, INK, "mt")
        rule = min(y1 - 0.6, sub + small * 1.3 + 2.5)
    else:
        c.text(cx, y0 + h * 0.45, ko, c.fit(ko, h * 0.6, x1 - x0, bold=True), INK, bold=True)
        rule = y1 - 0.6
    c.line((x0, rule), (x1, rule), INK, 0.5)


def _draw_panel(c: Canvas, panel: lay.Panel) -> None:
    for box, caption in panel.fields:
        x0, y0, x1, y1 = box
        label = (x0, y0, x0 + panel.label_width, y1)
        c.rect(label, TINT, 0, fill=True)
        c.rect(box, DROP_OUT, lay.LINE)
        c.line((label[2], y0), (label[2], y1), DROP_OUT, lay.LINE)
        em = c.fit(caption, min(3.2, (y1 - y0) * 0.4), panel.label_width - 2, bold=True)
        c.text((x0 + label[2]) / 2, (y0 + y1) / 2, caption, em, INK, bold=True)
    x0, y0, x1, y1 = panel.notes
    c.rect(panel.notes, DROP_OUT, lay.LINE)
    width = x1 - x0 - 6
    em = min(3.0, (y1 - y0) / 11)
    y = y0 + em * 1.3
    head = "표기 방법 / How to mark"
    c.text(x0 + 3, y, head, c.fit(head, em * 1.1, width, bold=True), INK, "lm", bold=True)
    y += em * 2.0
    lead, tail = "컴퓨터용 사인펜으로 ", " 처럼 완전히 칠하세요."
    bw, bh = em * 0.9, em * 1.25
    size = c.fit(lead + "MM" + tail, em, width)
    x = x0 + 3
    c.text(x, y, lead, size, INK, "lm")
    x += c.text_width(lead, size) + em * 0.25
    c.ellipse((x, y - bh / 2, x + bw, y + bh / 2), INK, 0, fill=True)
    c.text(x + bw + em * 0.25, y, tail, size, INK, "lm")
    y += em * 1.6
    line = "Fill the bubble completely with a black sign pen."
    c.text(x0 + 3, y, line, c.fit(line, em, width), INK, "lm")
    y += em * 2.2
    _draw_examples(c, x0 + 3, y, em, width)
    y += em * 2.4
    for line in _NOTES:
        if line and y + em * 1.3 <= y1:
            c.text(x0 + 3, y, line, c.fit(line, em, width), INK, "lm")
        y += em * (1.6 if line else 0.8)


_NOTES = (
    "고칠 때는 수정테이프를 쓰세요.",
    "Use correction tape to change an answer.",
    "",
    "답안지를 접거나 구기지 마세요.",
    "Do not fold or crease the sheet.",
    "",
    "수험번호는 칸에 숫자를 쓰고 아래에 마킹하세요.",
    "Write your student ID in the boxes, then mark each digit.",
)


def _draw_examples(c: Canvas, x: float, y: float, em: float, width: float) -> None:
    bw, bh = em * 1.1, em * 1.5
    label = "바른 표기 / Right"
    size = c.fit(label, em * 0.95, width * 0.3)
    c.text(x, y, label, size, INK, "lm")
    x += c.text_width(label, size) + em * 0.6
    c.ellipse((x, y - bh / 2, x + bw, y + bh / 2), INK, 0, fill=True)
    x += bw + em * 1.6
    label = "틀린 표기 / Wrong"
    c.text(x, y, label, size, INK, "lm")
    x += c.text_width(label, size) + em * 0.6
    for kind in ("check", "x", "half", "dot"):
        box = (x, y - bh / 2, x + bw, y + bh / 2)
        c.ellipse(box, DROP_OUT, lay.LINE)
        if kind == "check":
            c.line((x + bw * 0.15, y), (x + bw * 0.45, y + bh * 0.35), INK, 0.3)
            c.line((x + bw * 0.45, y + bh * 0.35), (x + bw * 0.95, y - bh * 0.45), INK, 0.3)
        elif kind == "x":
            c.line((x + bw * 0.1, y - bh * 0.4), (x + bw * 0.9, y + bh * 0.4), INK, 0.3)
            c.line((x + bw * 0.9, y - bh * 0.4), (x + bw * 0.1, y + bh * 0.4), INK, 0.3)
        elif kind == "half":
            c.ellipse((x + bw * 0.1, y, x + bw * 0.9, y + bh * 0.45), INK, 0, fill=True)
        else:
            c.ellipse(
                (x + bw * 0.35, y - bw * 0.15, x + bw * 0.65, y + bw * 0.15), INK, 0, fill=True
            )
        x += bw + em * 0.7


def save_printable_pdf(t: Template, path: Path, dpi: int = 300) -> None:
    """Write a one-page colour PDF of the blank sheet, to print at 100% scale."""
    bgr = render_sheet(t, dpi, color=True)
    image = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if t.unit == "mm":
        # exact page size in points, whatever the rounding of the pixel size
        res = (image.width * 72.0) / (t.page_size[0] / MM_PER_INCH * 72.0)
    else:
        res = float(dpi)
    stamp = _pdf_date()
    image.save(
        path,
        "PDF",
        resolution=res,
        quality=88,
        title=t.title.get("ko") or t.name,
        creationDate=stamp,
        modDate=stamp,
    )


def _pdf_date() -> time.struct_time:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        return time.gmtime(int(epoch)) if epoch else time.gmtime()
    except (ValueError, OverflowError, OSError):
        return time.gmtime()
