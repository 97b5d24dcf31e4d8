"""Where the decorations of a rendered mm sheet go (frames, header, info panel, footer).

Pure geometry in template units (mm). Every decoration is placed only where it
touches no bubble block and no registration mark, so any hand-made layout gets
the decorations it has room for and nothing overlaps its bubbles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from academy_desktop.engine.template.model import Block, Template

Box = tuple[float, float, float, float]  # x0, y0, x1, y1

LINE = 0.22  # mm, outline width of bubbles and frames
NUMBER_EM = 3.4  # mm, question numbers
NUMBER_COLUMN = 8.5  # mm left of a row's first bubble kept for its number
_PAD = 2.5  # frame padding around bubbles
_HEADER = 6.0  # header strip of a frame
_CELLS = 8.0  # write-in row above a digit grid
_STUDENT_ID = "수험번호 / Student ID"


@dataclass(frozen=True)
class Frame:
    kind: str
    box: Box  # the whole frame, header included
    header: Box | None = None
    caption: str = ""
    split: float | None = None  # x of the number/answer divider in an MCQ header
    cells: tuple[Box, ...] = ()  # write-in boxes above a digit grid
    separators: tuple[float, ...] = ()  # y of thin lines every 5 rows


@dataclass(frozen=True)
class Panel:
    fields: tuple[tuple[Box, str], ...]  # write-in boxes with their captions
    notes: Box  # marking instructions
    label_width: float


@dataclass(frozen=True)
class Plan:
    frames: tuple[Frame, ...] = ()
    header: Box | None = None
    panel: Panel | None = None
    footer: Box | None = None
    occupied: list[Box] = field(default_factory=list)


def _hits(a: Box, b: Box, margin: float = 0.0) -> bool:
    return not (
        a[2] + margin <= b[0]
        or b[2] + margin <= a[0]
        or a[3] + margin <= b[1]
        or b[3] + margin <= a[1]
    )


def _free(box: Box, others: list[Box], page: tuple[float, float], margin: float = 1.0) -> bool:
    if box[0] < 0 or box[1] < 0 or box[2] > page[0] or box[3] > page[1]:
        return False
    return not any(_hits(box, o, margin) for o in others)


def _core(block: Block) -> Box:
    x, y, w, h = block.bounds()
    if block.direction == "horizontal":
        return (x - NUMBER_COLUMN, y, x + w, y + h)
    if block.kind != "digit":
        return (x, y - NUMBER_EM - 1.5, x + w, y + h)
    return (x, y, x + w, y + h)


def _separators(block: Block) -> tuple[float, ...]:
    bh = block.bubble_size[1]
    if block.direction != "horizontal" or len(block.labels) < 10:
        return ()
    if block.labels_gap < bh + 1.0:
        return ()
    half = (block.labels_gap - bh) / 2
    oy = block.origin[1]
    return tuple(oy + i * block.labels_gap - half for i in range(5, len(block.labels), 5))


def _frame_options(t: Template, block: Block) -> list[Frame]:
    c = _core(block)
    if block.kind == "digit" and block.direction == "vertical":
        x0, y0, x1, y1 = c[0] - 3, c[1] - 3, c[2] + 3, c[3] + 3
        ids = t.student_id_labels
        caption = _STUDENT_ID if ids and set(block.labels) <= ids else block.name
        gap = block.labels_gap
        top = y0 - _CELLS - _HEADER
        cells = tuple(
            (f.bubbles[0].cx - gap / 2, top + _HEADER + 0.8, f.bubbles[0].cx + gap / 2, y0 - 0.2)
            for f in block.fields()
        )
        return [
            Frame("digit", (x0, top, x1, y1), (x0, top, x1, top + _HEADER), caption, None, cells),
            Frame("digit", (x0, y0 - _HEADER, x1, y1), (x0, y0 - _HEADER, x1, y0), caption),
            Frame("digit", (x0, y0, x1, y1)),
        ]
    x0, y0, x1, y1 = c[0] - 1.5, c[1] - _PAD, c[2] + _PAD, c[3] + _PAD
    seps = _separators(block)
    out = [Frame(block.kind, (x0, y0, x1, y1), separators=seps)]
    if block.direction == "horizontal":
        split = block.origin[0] - 1.0
        head = (x0, y0 - _HEADER, x1, y0)
        out.insert(0, Frame(block.kind, (x0, y0 - _HEADER, x1, y1), head, "", split, (), seps))
    return out


def _marks(t: Template) -> list[Box]:
    if t.alignment.method != "markers":
        return []
    return [
        (m.cx - m.size / 2, m.cy - m.size / 2, m.cx + m.size / 2, m.cy + m.size / 2)
        for m in t.alignment.markers
    ]


def _between_marks(t: Template, top: bool) -> tuple[float, float]:
    """The x range between the marks of the top (or bottom) edge."""
    w, h = t.page_size
    left, right = 10.0, w - 10.0
    for x0, y0, x1, y1 in _marks(t):
        upper = (y0 + y1) / 2 < h / 2
        if upper == top:
            if (x0 + x1) / 2 < w / 2:
                left = max(left, x1 + 3.0)
            else:
                right = min(right, x0 - 3.0)
    return left, right


def plan(t: Template, *, title: bool = True) -> Plan:
    page = t.page_size
    marks = _marks(t)
    cores = [_core(b) for b in t.blocks]
    frames: list[Frame] = []
    taken: list[Box] = list(marks)
    for i, block in enumerate(t.blocks):
        others = marks + [c for j, c in enumerate(cores) if j != i] + [f.box for f in frames]
        for option in _frame_options(t, block):
            if _free(option.box, others, page):
                frames.append(option)
                break
    framed = [f.box for f in frames]
    taken += framed + [c for c in cores if not any(_hits(c, f) for f in framed)]
    header = _header(t, taken) if title else None
    if header is not None:
        taken.append(header)
    panel = _panel(t, frames, taken)
    if panel is not None:
        taken.append(_panel_box(panel))
    footer = _footer(t, taken)
    return Plan(tuple(frames), header, panel, footer, taken)


def _header(t: Template, taken: list[Box]) -> Box | None:
    left, right = _between_marks(t, top=True)
    top = 6.0
    bottom = min([b[1] for b in taken if b[1] > top + 2] + [t.page_size[1] / 3]) - 2.5
    bottom = min(bottom, top + 26.0)
    box = (left, top, right, bottom)
    if bottom - top < 5 or right - left < 40:
        return None
    return box if _free(box, taken, t.page_size, margin=0.5) else None


def _panel_box(p: Panel) -> Box:
    boxes = [b for b, _ in p.fields] + [p.notes]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _panel(t: Template, frames: list[Frame], taken: list[Box]) -> Panel | None:
    digit = [f for f in frames if f.kind == "digit" and f.caption == _STUDENT_ID]
    digit = digit or [f for f in frames if f.kind == "digit"]
    if not digit:
        return None
    x0, y0, x1, y1 = digit[0].box
    w = t.page_size[0]
    for cand in ((x1 + 6.0, y0, w - x0, y1), (w - x1, y0, x0 - 6.0, y1)):
        if cand[2] - cand[0] < 55 or cand[3] - cand[1] < 40:
            continue
        if not _free(cand, taken, t.page_size):
            continue
        cx0, cy0, cx1, cy1 = cand
        row = min(11.0, (cy1 - cy0) * 0.14)
        name = (cx0, cy0, cx1, cy0 + row)
        klass = (cx0, name[3] + 3.0, cx1, name[3] + 3.0 + row)
        notes = (cx0, klass[3] + 4.0, cx1, cy1)
        return Panel(
            ((name, "성명 / Name"), (klass, "반 / Class")),
            notes,
            min(30.0, (cx1 - cx0) * 0.3),
        )
    return None


def _footer(t: Template, taken: list[Box]) -> Box | None:
    left, right = _between_marks(t, top=False)
    h = t.page_size[1]
    bottom_marks = [m for m in _marks(t) if (m[1] + m[3]) / 2 > h / 2]
    cy = sum((m[1] + m[3]) / 2 for m in bottom_marks) / len(bottom_marks) if bottom_marks else h - 8
    box = (left, cy - 2.0, right, cy + 2.0)
    if right - left < 60:
        return None
    return box if _free(box, taken, t.page_size) else None
