"""Printed OMRChecker-format layouts beyond the app's own sheet, filled with exact truth.

>>> path = make_layout("omr_circles", Path("out"), seed=0)      # template.json + marker
>>> answers = random_answers(path, seed=3)                     # {"q1": "B", "q2": "", ...}
>>> page = render_sheet(path, answers, dpi=300, seed=3)        # filled A4 page, BGR uint8

Kinds (:data:`KINDS`), all A4 portrait and aligned with OMRChecker's ``CropOnMarkers``
(the template page spans the four markers' centres):

``omr_circles``
    An OMRChecker-style sheet: concentric-circle corner markers, a header, an 8-digit
    roll-number grid (``id1..8`` joined as ``customLabels["student_id"]``), three blocks
    of A-E (even seeds) or A-D (odd seeds) questions with printed numbers, and the
    choice letters printed inside the black bubble outlines.
``grid_symmetric``
    100 A-D questions in 4 columns and four identical solid squares: the bubbles and the
    markers are symmetric under a half turn, only the question numbers tell up from down.
``dropout_red``
    A 수능-style card: ovals, digits, numbers and header in red drop-out ink with pink
    tints, black corner squares and black timing marks along the right edge, an 8-digit
    수험번호 grid and 45 questions with choices 1-5 in groups of five.

Beside ``template.json`` :func:`make_layout` writes the marker picture, a ``config.json``
(OMRChecker's processing size = the template page) and ``synth_layout.json``: what is
printed where, in mm on the paper. :func:`render_sheet` reads only that file and the
marker picture, never the engine's importer, so tests can check the importer against it.

Coordinates: paper mm ``(x, y)`` lands on page pixel ``(x * k - 0.5, y * k - 0.5)`` with
``k = dpi / 25.4`` (pixel centres on integers, as in ``marks``); template px ``(u, v)``
is paper mm ``frame[:2] + (u, v) / px_per_mm``.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import marks as mk

KINDS = ("omr_circles", "grid_symmetric", "dropout_red")
MARK_STYLES = ("pen", "pencil", "partial", "light")
# per answered field, in "mixed" mode: sign pen, a pencil with graphite texture, a hurried
# fill covering 60-80 % of the bubble, a faint pencil fill (tone 150-185)
MIXED: dict[str, float] = {"pen": 0.70, "pencil": 0.16, "partial": 0.08, "light": 0.06}
# the `hard` annotation of real-scans/truth.jsonl for each style (multi marks: "multi")
HARD = {"partial": "partial", "light": "light"}
SPEC_FILE = "synth_layout.json"
TEMPLATE_FILE = "template.json"
A4 = (210.0, 297.0)
MM_PER_INCH = 25.4

BLACK = (30, 30, 30)
GREY = (120, 120, 120)
RED = (95, 70, 225)  # BGR: drop-out red, luma ~120
PINK = (222, 212, 250)  # BGR: the tint behind red printing
Color = tuple[int, int, int]
_SHIFT = 4
_ONE = 1 << _SHIFT


# ------------------------------------------------------------------------ the layout spec
@dataclass
class BlockSpec:
    """One OMRChecker field block, in template px (what template.json says)."""

    name: str
    pattern: list[str]  # fieldLabels as written, e.g. ["q1..20"]
    labels: list[str]  # expanded
    values: list[str]
    field_type: str | None  # QTYPE_* or None (then bubbleValues + direction are written)
    direction: str  # horizontal: a row of choices; vertical: a digit column
    origin: list[float]
    bubble: list[float]  # w, h
    bubbles_gap: float
    labels_gap: float
    numbers: bool = True  # print each field's number left of its row

    def bubbles(self) -> list[tuple[str, list[tuple[str, float, float, float, float]]]]:
        """``[(label, [(value, x, y, w, h), ...]), ...]`` in template px, in bubble order."""
        out = []
        for i, label in enumerate(self.labels):
            row = []
            for j, value in enumerate(self.values):
                if self.direction == "horizontal":
                    x = self.origin[0] + j * self.bubbles_gap
                    y = self.origin[1] + i * self.labels_gap
                else:
                    x = self.origin[0] + i * self.labels_gap
                    y = self.origin[1] + j * self.bubbles_gap
                row.append((value, x, y, self.bubble[0], self.bubble[1]))
            out.append((label, row))
        return out


@dataclass
class Spec:
    """Everything printed on the paper (mm) and the template it implies."""

    kind: str
    seed: int
    frame: list[float]  # mm: TL marker centre x, y, BR marker centre x, y = the template page
    px_per_mm: float  # template px per paper mm
    marker_file: str
    marker_mm: float  # printed width of the marker picture
    marker_centres: list[list[float]]  # mm, TL TR BR BL
    bubble_ink: list[int]  # BGR
    value_ink: list[int] | None  # BGR of the value printed inside a bubble (None: not printed)
    number_ink: list[int]
    line_mm: float
    blocks: list[BlockSpec]
    texts: list[dict[str, Any]]  # text, x, y (mm), size (mm), anchor, color, bold
    rects: list[dict[str, Any]]  # box (mm), color, width (mm; 0 = filled)
    id_labels: list[str]
    paper: list[float] | None = None

    def __post_init__(self) -> None:
        self.paper = list(A4) if self.paper is None else self.paper
        self.blocks = [b if isinstance(b, BlockSpec) else BlockSpec(**b) for b in self.blocks]

    @property
    def page_px(self) -> tuple[float, float]:
        """pageDimensions: the frame in template px."""
        return (
            round((self.frame[2] - self.frame[0]) * self.px_per_mm, 3),
            round((self.frame[3] - self.frame[1]) * self.px_per_mm, 3),
        )

    def to_mm(self, u: float, v: float) -> tuple[float, float]:
        return self.frame[0] + u / self.px_per_mm, self.frame[1] + v / self.px_per_mm

    def fields(self) -> dict[str, list[tuple[str, float, float, float, float]]]:
        """label -> [(value, x0, y0, x1, y1) in paper mm], in bubble order."""
        out: dict[str, list[tuple[str, float, float, float, float]]] = {}
        for b in self.blocks:
            for label, row in b.bubbles():
                boxes = []
                for value, x, y, w, h in row:
                    x0, y0 = self.to_mm(x, y)
                    x1, y1 = self.to_mm(x + w, y + h)
                    boxes.append((value, x0, y0, x1, y1))
                out[label] = boxes
        return out


def _expand(pattern: list[str]) -> list[str]:
    out: list[str] = []
    for item in pattern:
        m = re.fullmatch(r"(\D*?)(\d+)\.\.(\d+)", item)
        if m:
            out += [f"{m.group(1)}{i}" for i in range(int(m.group(2)), int(m.group(3)) + 1)]
        else:
            out.append(item)
    return out


class _Builder:
    """Collects a layout in paper mm; blocks are rounded to 0.1 template px when added."""

    def __init__(self, kind: str, seed: int, frame: tuple[float, float, float, float], s: float):
        self.kind, self.seed, self.frame, self.s = kind, seed, frame, s
        self.blocks: list[BlockSpec] = []
        self.texts: list[dict[str, Any]] = []
        self.rects: list[dict[str, Any]] = []

    def px(self, x_mm: float, y_mm: float) -> list[float]:
        return [
            round((x_mm - self.frame[0]) * self.s, 1),
            round((y_mm - self.frame[1]) * self.s, 1),
        ]

    def block(
        self,
        name: str,
        pattern: list[str],
        values: list[str],
        field_type: str | None,
        direction: str,
        origin_mm: tuple[float, float],
        bubble_mm: tuple[float, float],
        gap_mm: float,
        labels_gap_mm: float,
        numbers: bool = True,
    ) -> BlockSpec:
        b = BlockSpec(
            name=name,
            pattern=pattern,
            labels=_expand(pattern),
            values=values,
            field_type=field_type,
            direction=direction,
            origin=self.px(*origin_mm),
            bubble=[round(bubble_mm[0] * self.s, 1), round(bubble_mm[1] * self.s, 1)],
            bubbles_gap=round(gap_mm * self.s, 2),
            labels_gap=round(labels_gap_mm * self.s, 2),
            numbers=numbers,
        )
        self.blocks.append(b)
        return b

    def text(
        self,
        text: str,
        x: float,
        y: float,
        size: float,
        color: Color = BLACK,
        anchor: str = "mm",
        bold: bool = False,
    ) -> None:
        self.texts.append(
            {"text": text, "x": x, "y": y, "size": size, "anchor": anchor,
             "color": list(color), "bold": bold}
        )  # fmt: skip

    def rect(self, box: tuple[float, float, float, float], color: Color, width: float) -> None:
        self.rects.append({"box": [round(v, 3) for v in box], "color": list(color), "width": width})

    def numbers(self, b: BlockSpec, color: Color, size: float, gap_mm: float = 1.6) -> None:
        """Print each row's number (the label's trailing digits) left of its first bubble."""
        for label, row in b.bubbles():
            _, x, y, _, h = row[0]
            xm = self.frame[0] + x / self.s
            ym = self.frame[1] + (y + h / 2) / self.s
            num = re.sub(r"^\D*", "", label) or label
            self.text(num, xm - gap_mm, ym, size, color, "rm", bold=True)

    def spec(self, **kw: Any) -> Spec:
        return Spec(
            kind=self.kind,
            seed=self.seed,
            frame=list(self.frame),
            px_per_mm=self.s,
            blocks=self.blocks,
            texts=self.texts,
            rects=self.rects,
            **kw,
        )


def _corners(frame: tuple[float, float, float, float]) -> list[list[float]]:
    x0, y0, x1, y1 = frame
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def _omr_circles(seed: int) -> Spec:
    rng = np.random.default_rng(seed)
    frame = (14.0, 14.0, 196.0, 283.0)  # 182 x 269 mm -> 1092 x 1614 template px
    bld = _Builder("omr_circles", seed, frame, 6.0)
    choices = list("ABCDE") if seed % 2 == 0 else list("ABCD")
    rows = 20 if seed == 0 else int(rng.integers(15, 21))
    titles = ["MOCK TEST  ·  ANSWER SHEET", "UNIT TEST  ·  OMR SHEET", "WEEKLY QUIZ  ·  ANSWERS"]
    bld.text(titles[seed % len(titles)], 105, 22, 5.2, BLACK, bold=True)
    bld.text("모의고사 답안지  ·  반드시 검은색 펜으로 칠하세요", 105, 30, 3.4, GREY)
    bld.rect((24, 36, 186, 37.2), BLACK, 0)
    # roll number: 8 digit columns with write-in boxes
    x_id, y_id = 24.0 + rng.uniform(0, 3), 52.0
    bld.text("ROLL NUMBER / 수험번호", x_id, 41.5, 3.0, BLACK, "lm", bold=True)
    idb = bld.block(
        "roll", ["id1..8"], [str(d) for d in range(10)], "QTYPE_INT", "vertical",
        (x_id, y_id), (4.2, 4.2), 5.2, 6.0, numbers=False,
    )  # fmt: skip
    for i in range(8):
        x = x_id + i * 6.0
        bld.rect((x - 0.5, 45.0, x + 4.7, 50.5), BLACK, 0.25)
    bld.rect((x_id - 2, 43.5, x_id + 7 * 6.0 + 6.2, y_id + 9 * 5.2 + 6.2), BLACK, 0.3)
    # name, class and instructions right of the ID grid
    bx = x_id + 58
    for j, (ko, en) in enumerate([("이름", "Name"), ("반", "Class"), ("날짜", "Date")]):
        y = 48 + j * 11
        bld.text(f"{en} / {ko}", bx, y, 3.2, BLACK, "lm")
        bld.rect((bx + 28, y - 4, 186, y + 4), BLACK, 0.25)
    bld.text("Fill the bubble completely. Do not fold the sheet.", bx, 88, 2.8, GREY, "lm")
    bld.text("예시: 바르게 칠한 것 ●  잘못 칠한 것 ⊗ ⊙", bx, 94, 2.8, GREY, "lm")
    # three blocks of questions
    gap = 6.5 if len(choices) == 5 else 7.5
    y_q = 122.0
    for c in range(3):
        x = 30.0 + c * 62.0 + rng.uniform(-1.5, 1.5)
        first = c * rows + 1
        b = bld.block(
            f"q{first}_{first + rows - 1}", [f"q{first}..{first + rows - 1}"], choices,
            "QTYPE_MCQ5" if len(choices) == 5 else "QTYPE_MCQ4", "horizontal",
            (x, y_q), (5.0, 5.0), gap, 7.5,
        )  # fmt: skip
        bld.numbers(b, BLACK, 3.4)
    bld.rect((20, 116, 190, y_q + rows * 7.5 + 2), BLACK, 0.3)
    return bld.spec(
        marker_file="omr_marker.jpg",
        marker_mm=12.0,
        marker_centres=_corners(frame),
        bubble_ink=list(BLACK),
        value_ink=list(GREY),
        number_ink=list(BLACK),
        line_mm=0.3,
        id_labels=idb.labels,
    )


def _grid_symmetric(seed: int) -> Spec:
    frame = (12.0, 12.0, 198.0, 285.0)  # symmetric about the paper centre (105, 148.5)
    bld = _Builder("grid_symmetric", seed, frame, 5.0)
    rows, pitch, row_gap, gap, bubble = 25, 44.0, 9.5, 7.0, 5.0
    width = 3 * gap + bubble
    x0 = 105.0 - (3 * pitch + width) / 2
    y0 = 148.5 - ((rows - 1) * row_gap + bubble) / 2
    for c in range(4):
        first = c * rows + 1
        b = bld.block(
            f"col{c + 1}", [f"q{first}..{first + rows - 1}"], list("ABCD"), "QTYPE_MCQ4",
            "horizontal", (x0 + c * pitch, y0), (bubble, bubble), gap, row_gap,
        )  # fmt: skip
        bld.numbers(b, BLACK, 3.2)
    return bld.spec(
        marker_file="square_marker.png",
        marker_mm=10.0,
        marker_centres=_corners(frame),
        bubble_ink=list(BLACK),
        value_ink=None,
        number_ink=list(BLACK),
        line_mm=0.3,
        id_labels=[],
    )


def _dropout_red(seed: int) -> Spec:
    frame = (10.0, 10.0, 200.0, 287.0)  # 190 x 277 mm -> 950 x 1385 template px
    bld = _Builder("dropout_red", seed, frame, 5.0)
    subjects = ["국어 영역", "수학 영역", "영어 영역"]
    bld.rect((20, 16, 190, 40), PINK, 0)
    bld.text("2026학년도 대학수학능력시험 모의평가 답안지", 105, 23, 5.0, RED, bold=True)
    bld.text(subjects[seed % len(subjects)], 105, 33, 4.2, RED, bold=True)
    for j, label in enumerate(["성명", "교시"]):
        bx = 20.0 + j * 45
        bld.rect((bx, 44, bx + 40, 52), RED, 0.3)
        bld.text(label, bx + 2, 48, 3.2, RED, "lm", bold=True)
    bld.text("컴퓨터용 사인펜만 사용", 150, 48, 3.0, RED, "mm")
    # 수험번호: 8 digit columns, write-in boxes above, red ovals 0-9
    x_id, y_id = 22.0, 70.0
    bld.rect((18, 56, 22 + 7 * 5.6 + 7.6, 130), RED, 0.35)
    bld.text("수 험 번 호", 22 + 3.5 * 5.6 + 1.8, 59.5, 3.2, RED, bold=True)
    for i in range(8):
        x = x_id + i * 5.6
        bld.rect((x - 0.8, 62.5, x + 4.4, 68.5), RED, 0.25)
    idb = bld.block(
        "sn", ["id1..8"], [str(d) for d in range(10)], "QTYPE_INT", "vertical",
        (x_id, y_id), (3.6, 4.6), 5.8, 5.6, numbers=False,
    )  # fmt: skip
    # answers: 3 columns x 3 groups of 5 questions, choices 1-5, a number cell per row
    values = [str(v) for v in range(1, 6)]
    for c in range(3):
        x = 82.0 + c * 40.0
        bld.rect((x - 9.5, 56, x + 29.5, 216), RED, 0.35)
        bld.rect((x - 9.5, 56, x - 1.5, 216), PINK, 0)
        bld.text("번호", x - 5.5, 60, 2.6, RED, bold=True)
        bld.text("답  란", x + 12.0, 60, 2.6, RED, bold=True)
        for g in range(3):
            first = c * 15 + g * 5 + 1
            y = 66.0 + g * 50.0
            b = bld.block(
                f"q{first}_{first + 4}", [f"q{first}..{first + 4}"], values, None, "horizontal",
                (x, y), (3.6, 5.0), 5.5, 9.0,
            )  # fmt: skip
            bld.numbers(b, RED, 3.0, gap_mm=2.2)
            if g:
                bld.rect((x - 9.5, y - 4.5, x + 29.5, y - 4.2), RED, 0)
            if c == 0:  # timing marks on the right edge, one per answer row
                for r in range(5):
                    yc = y + r * 9.0 + 2.5
                    bld.rect((194.0, yc - 1.0, 200.5, yc + 1.0), BLACK, 0)
    bld.text("※ 답란은 컴퓨터용 사인펜으로 ● 와 같이 완전하게 칠하십시오.", 105, 226, 3.0, RED)
    bld.rect((20, 234, 190, 262), RED, 0.3)
    bld.text("감독관 확인", 30, 248, 3.2, RED, "lm", bold=True)
    return bld.spec(
        marker_file="corner_marker.png",
        marker_mm=9.0,
        marker_centres=_corners(frame),
        bubble_ink=list(RED),
        value_ink=list(RED),
        number_ink=list(RED),
        line_mm=0.3,
        id_labels=idb.labels,
    )


_BUILDERS = {"omr_circles": _omr_circles, "grid_symmetric": _grid_symmetric,
             "dropout_red": _dropout_red}  # fmt: skip


# ------------------------------------------------------------------------ files
def marker_picture(kind: str) -> np.ndarray:
    """The marker picture (grey uint8, square, white margin so template matching has contrast)."""
    if kind == "omr_circles":
        n = 120
        img = np.full((n, n), 255, np.uint8)
        c = (n - 1) / 2
        for r, tone in ((0.46, 0), (0.36, 255), (0.27, 0), (0.18, 255), (0.09, 0)):
            cv2.circle(img, (round(c * _ONE), round(c * _ONE)), round(r * n * _ONE), tone, -1,
                       cv2.LINE_AA, _SHIFT)  # fmt: skip
        return img
    n = 90
    img = np.full((n, n), 255, np.uint8)
    inner = 0.7 if kind == "grid_symmetric" else 0.66
    a, b = round(n * (1 - inner) / 2), round(n * (1 + inner) / 2)
    img[a:b, a:b] = 0
    return img


def template_json(spec: Spec) -> dict[str, Any]:
    """The OMRChecker ``template.json`` a spec implies."""
    bubble = spec.blocks[-1].bubble
    blocks: dict[str, Any] = {}
    for b in spec.blocks:
        raw: dict[str, Any] = {}
        if b.field_type:
            raw["fieldType"] = b.field_type
        else:
            raw["bubbleValues"] = list(b.values)
            raw["direction"] = b.direction
        raw.update(
            {"fieldLabels": list(b.pattern), "origin": list(b.origin),
             "bubblesGap": b.bubbles_gap, "labelsGap": b.labels_gap}
        )  # fmt: skip
        if list(b.bubble) != list(bubble):
            raw["bubbleDimensions"] = list(b.bubble)
        blocks[b.name] = raw
    paper_w = (spec.paper or A4)[0]
    out: dict[str, Any] = {
        "pageDimensions": list(spec.page_px),
        "bubbleDimensions": list(bubble),
        "preProcessors": [
            {
                "name": "CropOnMarkers",
                "options": {
                    "relativePath": spec.marker_file,
                    "sheetToMarkerWidthRatio": round(paper_w / spec.marker_mm, 2),
                },
            }
        ],
    }
    if spec.id_labels:
        pattern = next(b.pattern for b in spec.blocks if b.labels == spec.id_labels)
        out["customLabels"] = {"student_id": list(pattern)}
    out["fieldBlocks"] = blocks
    return out


def make_layout(kind: str, out_dir: Path, *, seed: int = 0) -> Path:
    """Write ``template.json``, its marker picture, ``config.json`` and ``synth_layout.json``
    for ``kind`` into ``out_dir``; return the template's path."""
    if kind not in _BUILDERS:
        raise ValueError(f"unknown layout kind {kind!r}; expected one of {KINDS}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = _BUILDERS[kind](seed)
    pic = marker_picture(kind)
    suffix = Path(spec.marker_file).suffix
    params = [cv2.IMWRITE_JPEG_QUALITY, 95] if suffix == ".jpg" else []
    ok, data = cv2.imencode(suffix, pic, params)
    if not ok:  # pragma: no cover
        raise RuntimeError("marker encoding failed")
    (out_dir / spec.marker_file).write_bytes(data.tobytes())
    w, h = spec.page_px
    config = {"dimensions": {"processing_width": round(w), "processing_height": round(h)}}
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (out_dir / SPEC_FILE).write_text(json.dumps(asdict(spec), ensure_ascii=False) + "\n",
                                     encoding="utf-8")  # fmt: skip
    path = out_dir / TEMPLATE_FILE
    path.write_text(json.dumps(template_json(spec), indent=2) + "\n", encoding="utf-8")
    return path


_SPECS: OrderedDict[tuple[str, int], Spec] = OrderedDict()


def load_spec(template_path: Path) -> Spec:
    """The ``synth_layout.json`` beside ``template_path`` (cached by path and mtime)."""
    file = Path(template_path).resolve().parent / SPEC_FILE
    key = (str(file), file.stat().st_mtime_ns)
    hit = _SPECS.get(key)
    if hit is None:
        hit = Spec(**json.loads(file.read_text(encoding="utf-8")))
        _SPECS[key] = hit
        while len(_SPECS) > 16:
            _SPECS.popitem(last=False)
    return hit


# ------------------------------------------------------------------------ geometry
def px_per_mm(dpi: float) -> float:
    return float(dpi) / MM_PER_INCH


def page_size_px(dpi: float) -> tuple[int, int]:
    """(width, height) of an A4 page rendered at ``dpi``."""
    k = px_per_mm(dpi)
    return round(A4[0] * k), round(A4[1] * k)


def template_to_page(template_path: Path, dpi: float) -> np.ndarray:
    """3x3 matrix: template px -> page px of :func:`render_sheet` at ``dpi``."""
    spec = load_spec(template_path)
    k, s = px_per_mm(dpi), spec.px_per_mm
    return np.array(
        [[k / s, 0, spec.frame[0] * k - 0.5], [0, k / s, spec.frame[1] * k - 0.5], [0, 0, 1]]
    )


def bubble_boxes(template_path: Path, dpi: float) -> dict[str, list[tuple[str, mk.Box]]]:
    """label -> [(value, (x0, y0, x1, y1) page px)], in bubble order."""
    k = px_per_mm(dpi)
    return {
        label: [(v, (x0 * k - 0.5, y0 * k - 0.5, x1 * k - 0.5, y1 * k - 0.5))
                for v, x0, y0, x1, y1 in row]
        for label, row in load_spec(template_path).fields().items()
    }  # fmt: skip


def marker_centres_px(template_path: Path, dpi: float) -> np.ndarray:
    """The four marker centres (TL, TR, BR, BL) in page px at ``dpi``."""
    k = px_per_mm(dpi)
    return np.array(load_spec(template_path).marker_centres, np.float64) * k - 0.5


def keep_points(template_path: Path, dpi: float, margin_mm: float = 2.0) -> np.ndarray:
    """Page px points a capture must keep in the picture: the markers' corners plus a margin."""
    spec = load_spec(template_path)
    k = px_per_mm(dpi)
    half = (spec.marker_mm / 2 + margin_mm) * k
    pts = []
    for cx, cy in marker_centres_px(template_path, dpi):
        pts += [(cx - half, cy - half), (cx + half, cy - half),
                (cx + half, cy + half), (cx - half, cy + half)]  # fmt: skip
    return np.array(pts, np.float64)


# ------------------------------------------------------------------------ drawing the blank
@lru_cache(maxsize=64)
def _font(size_px: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from academy_desktop.engine.render import find_font

    path = find_font(bold)
    if path is not None:
        try:
            return ImageFont.truetype(str(path), max(4, size_px))
        except OSError:
            pass
    return ImageFont.load_default(max(4, size_px))


def _pt(x: float, y: float, k: float) -> tuple[int, int]:
    return round((x * k - 0.5) * _ONE), round((y * k - 0.5) * _ONE)


def _draw_rects(img: np.ndarray, spec: Spec, k: float, filled: bool) -> None:
    for r in spec.rects:
        x0, y0, x1, y1 = r["box"]
        color = tuple(int(c) for c in r["color"])
        if (r["width"] <= 0) != filled:
            continue
        if filled:
            pts = np.array([_pt(x0, y0, k), _pt(x1, y0, k), _pt(x1, y1, k), _pt(x0, y1, k)])
            cv2.fillConvexPoly(img, pts, color, cv2.LINE_AA, _SHIFT)
        else:
            t = max(1, round(r["width"] * k))
            cv2.rectangle(img, _pt(x0, y0, k), _pt(x1, y1, k), color, t, cv2.LINE_AA, _SHIFT)


def _draw_texts(img: np.ndarray, spec: Spec, k: float) -> np.ndarray:
    items = list(spec.texts)
    if spec.value_ink is not None:
        ink = list(spec.value_ink)
        for row in spec.fields().values():
            for v, x0, y0, x1, y1 in row:
                size = min(x1 - x0, y1 - y0) * 0.62
                items.append({"text": v, "x": (x0 + x1) / 2, "y": (y0 + y1) / 2, "size": size,
                              "anchor": "mm", "color": ink, "bold": False})  # fmt: skip
    pil = Image.fromarray(img[:, :, ::-1])
    draw = ImageDraw.Draw(pil)
    for t in items:
        face = _font(round(t["size"] * k), bool(t["bold"]))
        b, g, r = (int(c) for c in t["color"])
        xy = (t["x"] * k - 0.5, t["y"] * k - 0.5)
        draw.text(xy, t["text"], fill=(r, g, b), font=face, anchor=t["anchor"])
    return np.ascontiguousarray(np.asarray(pil)[:, :, ::-1])


def _draw_bubbles(img: np.ndarray, spec: Spec, k: float) -> None:
    color = tuple(int(c) for c in spec.bubble_ink)
    t = max(1, round(spec.line_mm * k))
    for row in spec.fields().values():
        for _, x0, y0, x1, y1 in row:
            axes = (round(((x1 - x0) * k - t) / 2 * _ONE), round(((y1 - y0) * k - t) / 2 * _ONE))
            centre = _pt((x0 + x1) / 2, (y0 + y1) / 2, k)
            cv2.ellipse(img, centre, axes, 0, 0, 360, color, t, cv2.LINE_AA, _SHIFT)


def _draw_markers(img: np.ndarray, spec: Spec, pic: np.ndarray, k: float) -> None:
    size = spec.marker_mm * k  # printed width in page px
    n = max(8, round(size))
    interp = cv2.INTER_AREA if n < pic.shape[0] else cv2.INTER_CUBIC
    src = cv2.resize(pic, (n, n), interpolation=interp)
    g = size / n
    h, w = img.shape[:2]
    for cx, cy in spec.marker_centres:
        px, py = cx * k - 0.5, cy * k - 0.5
        half = size / 2 + 2
        x0, y0 = max(0, int(px - half)), max(0, int(py - half))
        x1, y1 = min(w, int(np.ceil(px + half)) + 1), min(h, int(np.ceil(py + half)) + 1)
        # picture px i -> page px: px + (i - (n - 1) / 2) * g, shifted into the patch
        m = np.array([[g, 0, px - (n - 1) / 2 * g - x0], [0, g, py - (n - 1) / 2 * g - y0]])
        patch = cv2.warpAffine(src, m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)  # fmt: skip
        roi = img[y0:y1, x0:x1]
        np.minimum(roi, patch[:, :, None], out=roi)


_BLANKS: OrderedDict[tuple[str, int, float], np.ndarray] = OrderedDict()


def render_blank(template_path: Path, dpi: float = 300) -> np.ndarray:
    """The printed, empty A4 page (BGR uint8), cached; returns a fresh copy."""
    file = Path(template_path).resolve().parent / SPEC_FILE
    key = (str(file), file.stat().st_mtime_ns, float(dpi))
    hit = _BLANKS.get(key)
    if hit is None:
        spec = load_spec(template_path)
        k = px_per_mm(dpi)
        w, h = page_size_px(dpi)
        img = np.full((h, w, 3), 255, np.uint8)
        _draw_rects(img, spec, k, filled=True)
        img = _draw_texts(img, spec, k)
        _draw_rects(img, spec, k, filled=False)
        _draw_bubbles(img, spec, k)
        pic = cv2.imread(str(file.parent / spec.marker_file), cv2.IMREAD_GRAYSCALE)
        if pic is None:
            raise FileNotFoundError(file.parent / spec.marker_file)
        _draw_markers(img, spec, pic, k)
        img.setflags(write=False)
        hit = _BLANKS[key] = img
        while len(_BLANKS) > 6:
            _BLANKS.popitem(last=False)
    _BLANKS.move_to_end(key)
    return hit.copy()


# ------------------------------------------------------------------------ filling it in
def _partial(img: np.ndarray, box: mk.Box, rng: np.random.Generator, mm: float) -> None:
    """A hurried fill covering 60-80 % of the bubble: a smaller blob or a cut-off fill."""
    if rng.random() < 0.5:
        mk.fill(img, box, rng, mm, coverage=float(rng.uniform(0.6, 0.8)))
        return
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    rx, ry = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    patch = mk._Patch(img, box, margin=max(rx, ry) * 0.3 + 2)
    if patch.empty:
        return
    alpha = patch.polygon(mk.blob_outline(cx, cy, rx * 0.97, ry * 0.97, rng, wobble=0.03))
    xs, ys = patch.coords()
    ang = rng.uniform(0, 2 * np.pi)
    d = (xs - cx) * np.cos(ang) + (ys - cy) * np.sin(ang)
    inside = alpha > 0.5
    if inside.any():
        cut = float(np.quantile(d[inside], rng.uniform(0.6, 0.8)))
        alpha *= np.clip(cut - d + 0.5, 0.0, 1.0)
    patch.blend(img, alpha, rng.uniform(20, 60))


def _light(img: np.ndarray, box: mk.Box, rng: np.random.Generator, mm: float) -> None:
    """A faint pencil fill: grey 150-185 with graphite texture, 75-100 % of the bubble."""
    mk.pencil(img, box, rng, mm, tone=(150, 185), cover=0.75, wobble=0.08, grain=0.15, hatch=0.2)


def draw_mark(img: np.ndarray, box: mk.Box, style: str, rng: np.random.Generator,
              mm: float) -> None:  # fmt: skip
    """One mark of ``style`` (:data:`MARK_STYLES`) in ``box`` (page px)."""
    if style == "pen":
        mk.fill(img, box, rng, mm)
    elif style == "pencil":
        mk.pencil(img, box, rng, mm)
    elif style == "partial":
        _partial(img, box, rng, mm)
    elif style == "light":
        _light(img, box, rng, mm)
    else:
        raise ValueError(f"unknown mark style {style!r}; expected one of {MARK_STYLES}")


def random_answers(
    template_path: Path,
    seed: int = 0,
    *,
    blank: float = 0.04,
    double: float = 0.02,
    student_id: str | None = None,
) -> dict[str, str]:
    """What a student marks: one value per question, a few blanks and double marks;
    every ID digit exactly once (``student_id`` fixes them)."""
    spec = load_spec(template_path)
    rng = np.random.default_rng([seed, 0xA5])
    ids = list(spec.id_labels)
    if student_id is not None and len(student_id) != len(ids):
        raise ValueError(f"student_id needs {len(ids)} digits, got {student_id!r}")
    out: dict[str, str] = {}
    for label, row in spec.fields().items():
        values = [v for v, *_ in row]
        if label in ids:
            i = ids.index(label)
            out[label] = student_id[i] if student_id else str(rng.choice(values))
            continue
        r = rng.random()
        if r < blank:
            out[label] = ""
        elif r < blank + double:
            pick = sorted(rng.choice(len(values), 2, replace=False))
            out[label] = "".join(values[int(j)] for j in pick)
        else:
            out[label] = str(rng.choice(values))
    return out


def _styles(labels: list[str], ids: set[str], marks_mode: str, rng: np.random.Generator
            ) -> dict[str, str]:  # fmt: skip
    if marks_mode != "mixed":
        if marks_mode not in MARK_STYLES:
            raise ValueError(f"unknown marks {marks_mode!r}; expected 'mixed' or {MARK_STYLES}")
        return dict.fromkeys(labels, marks_mode)
    names = list(MIXED)
    p = np.array([MIXED[n] for n in names])
    id_style = "pencil" if rng.random() < 0.2 else "pen"
    return {
        lab: id_style if lab in ids else str(rng.choice(names, p=p / p.sum())) for lab in labels
    }


def render_marked(
    template_path: Path,
    answers: dict[str, str],
    *,
    dpi: int = 300,
    seed: int = 0,
    marks: str = "mixed",
) -> tuple[np.ndarray, dict[str, str]]:
    """:func:`render_sheet` plus the style drawn for each answered field."""
    spec = load_spec(template_path)
    boxes = bubble_boxes(template_path, dpi)
    unknown = set(answers) - set(boxes)
    if unknown:
        raise ValueError(f"no such fields in {template_path}: {sorted(unknown)[:5]}")
    rng = np.random.default_rng(seed)
    img = render_blank(template_path, dpi)
    mm = px_per_mm(dpi)
    labels = list(boxes)
    styles = _styles(labels, set(spec.id_labels), marks, rng)
    drawn: dict[str, str] = {}
    for label in labels:
        value = answers.get(label, "")
        row = dict(boxes[label])
        bad = [c for c in value if c not in row]
        if bad or len(set(value)) != len(value):
            raise ValueError(f"{label}: {value!r} is not a set of its values {list(row)}")
        style = styles[label] if len(value) < 2 else ("pencil" if styles[label] != "pen" else "pen")
        for c in value:
            draw_mark(img, row[c], style, rng, mm)
        if value:
            drawn[label] = style
    return img, drawn


def render_sheet(
    template_path: Path,
    answers: dict[str, str],
    *,
    dpi: int = 300,
    seed: int = 0,
    marks: str = "mixed",
) -> np.ndarray:
    """A filled A4 page (BGR uint8) of the layout at ``template_path``.

    ``answers`` maps a field label to the values marked, one character per marked
    bubble ("" or a missing label: blank; "BC": a double mark). ``marks`` is ``"mixed"``
    (:data:`MIXED`; ID digits all pen or all pencil) or one of :data:`MARK_STYLES`.
    """
    return render_marked(template_path, answers, dpi=dpi, seed=seed, marks=marks)[0]


def hard_kind(value: str, style: str | None) -> str | None:
    """The truth file's ``hard`` annotation for a field: multi, light, partial or None."""
    if len(value) > 1:
        return "multi"
    return HARD.get(style or "") if value else None
