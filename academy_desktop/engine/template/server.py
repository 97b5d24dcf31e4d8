"""Import the question layouts the academy server (and its v1 OMR engine) use.

Two shapes are accepted (see ``CONTRACT.md``):

1. What the server sends its OMR worker::

       {"sheet_id": 45, "questions": [{"exam_question_id": 17, "number": 1,
         "region_meta": {"bbox": {"x": .., "y": .., "w": .., "h": ..},
                         "choices": ["1", .. "5"], "axis": "x", "page_size": [w, h]}}]}

   ``bbox`` may also be ``[x, y, w, h]`` or x/y/w/h keys directly in
   ``region_meta``; choices default to ``1..5`` and the axis to ``x``.
2. The v1 engine's list ``[{"question_id": 17, "roi": {x, y, w, h},
   "choices": ["A".."E"], "axis": "x"}]``.

Each question's box is its whole row of choices: it is split into
``len(choices)`` equal cells along the axis and each cell becomes a rectangular
bubble inset by :data:`INSET` of the cell on every side. Units are pixels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from academy_desktop.engine.template.model import Alignment, Block, Direction, Template
from academy_desktop.engine.template.native import read_json
from academy_desktop.engine.template.validation import (
    Issue,
    Naming,
    TemplateError,
    layout_issues,
)

INSET = 0.10  # share of a cell left empty on each side of its bubble
SERVER_CHOICES = tuple(str(n) for n in range(1, 6))
V1_CHOICES = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class ServerLayout:
    template: Template
    exam_question_ids: dict[str, int]  # field label -> ExamQuestion.id (v1: question_id)
    sheet_id: int | None = None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _box(meta: Mapping[str, Any], where: str, issues: list[Issue]) -> tuple[float, ...] | None:
    raw: Any = next((meta[k] for k in ("bbox", "roi", "rect") if k in meta), meta)
    key = next((k for k in ("bbox", "roi", "rect") if k in meta), None)
    where = f"{where}.{key}" if key else where
    if isinstance(raw, list | tuple):
        values = list(raw)
    elif isinstance(raw, Mapping):
        values = [
            raw.get("x"),
            raw.get("y"),
            raw.get("w", raw.get("width")),
            raw.get("h", raw.get("height")),
        ]
    else:
        values = []
    box = [_number(v) for v in values]
    if len(box) != 4 or any(v is None for v in box):
        issues.append(
            Issue(
                where,
                "문항 영역(bbox)은 {x, y, w, h} 또는 [x, y, w, h] 숫자여야 합니다",
                "the question box (bbox) must be {x, y, w, h} or [x, y, w, h] numbers",
            )
        )
        return None
    x, y, w, h = (float(v) for v in box if v is not None)
    if w <= 0 or h <= 0:
        issues.append(
            Issue(where, "너비와 높이는 0보다 커야 합니다", "width and height must be above 0")
        )
        return None
    return x, y, w, h


def _page_size(value: Any) -> tuple[float, float] | None:
    if isinstance(value, Mapping):
        value = [value.get("w", value.get("width")), value.get("h", value.get("height"))]
    if isinstance(value, list | tuple) and len(value) == 2:
        w, h = _number(value[0]), _number(value[1])
        if w is not None and h is not None and w > 0 and h > 0:
            return w, h
    return None


def _question_block(
    label: str, box: tuple[float, ...], choices: tuple[str, ...], axis: str
) -> Block:
    x, y, w, h = box
    n = len(choices)
    direction: Direction = "vertical" if axis == "y" else "horizontal"
    cell_w, cell_h = (w / n, h) if direction == "horizontal" else (w, h / n)
    step = cell_w if direction == "horizontal" else cell_h
    return Block(
        name=label,
        kind="mcq",
        labels=(label,),
        values=choices,
        direction=direction,
        origin=(x + INSET * cell_w, y + INSET * cell_h),
        bubble_size=(cell_w * (1 - 2 * INSET), cell_h * (1 - 2 * INSET)),
        bubbles_gap=step,
        labels_gap=0.0,
        shape="rect",
    )


def _choices(
    raw: Any, default: tuple[str, ...], where: str, issues: list[Issue]
) -> tuple[str, ...]:
    if raw is None or raw == []:
        return default
    if isinstance(raw, list) and all(isinstance(c, str | int) for c in raw):
        values = tuple(str(c) for c in raw)
        if len(set(values)) == len(values):
            return values
    issues.append(
        Issue(
            f"{where}.choices",
            "선택지는 서로 다른 글자나 숫자의 목록이어야 합니다",
            "choices must be a list of distinct strings or numbers",
        )
    )
    return default


def _axis(raw: Any, where: str, issues: list[Issue]) -> str:
    axis = str(raw or "x").lower()
    if axis not in ("x", "y"):
        issues.append(
            Issue(f"{where}.axis", 'axis는 "x" 또는 "y"여야 합니다', 'axis must be "x" or "y"')
        )
        return "x"
    return axis


def _int_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def parse_server_layout(
    data: Any,
    *,
    path: Path | None = None,
    alignment: Alignment | None = None,
    name: str | None = None,
) -> ServerLayout:
    """Build a pixel template from a server question list or a v1 engine ROI list."""
    issues: list[Issue] = []
    v1 = isinstance(data, list)
    questions: Any = data if v1 else (data.get("questions") if isinstance(data, dict) else None)
    if not isinstance(questions, list) or not questions:
        raise TemplateError(
            Issue("questions", "문항 목록이 비어 있거나 없습니다", "no list of questions"),
            source=path,
        )
    sheet_id = None
    page: tuple[float, float] | None = None
    if isinstance(data, dict):
        omr: Any = data.get("omr")
        omr = omr if isinstance(omr, dict) else {}
        sheet_id = _int_id(data.get("sheet_id", omr.get("sheet_id")))
        page = _page_size(data.get("page_size"))
    blocks: list[Block] = []
    ids: dict[str, int] = {}
    for i, q in enumerate(questions):
        where = f"[{i}]" if v1 else f"questions[{i}]"
        if not isinstance(q, dict):
            issues.append(Issue(where, "객체여야 합니다", "must be an object {...}"))
            continue
        id_key = "question_id" if v1 else "exam_question_id"
        qid = _int_id(q.get(id_key))
        if qid is None:
            issues.append(Issue(f"{where}.{id_key}", "정수 ID가 없습니다", "no integer id"))
            continue
        meta: Any = q if v1 else q.get("region_meta")
        meta_where = where if v1 else f"{where}.region_meta"
        if not isinstance(meta, dict):
            issues.append(
                Issue(meta_where, "문항 위치 정보가 없습니다", "no position for this question")
            )
            continue
        if v1:
            label = f"q{qid}"
        else:
            number = _int_id(q.get("number"))
            if number is None:
                issues.append(
                    Issue(f"{where}.number", "문항 번호가 없습니다", "no question number")
                )
                continue
            label = f"q{number}"
        page = page or _page_size(meta.get("page_size"))
        box = _box(meta, meta_where, issues)
        default = V1_CHOICES if v1 else SERVER_CHOICES
        choices = _choices(meta.get("choices"), default, meta_where, issues)
        axis = _axis(meta.get("axis"), meta_where, issues)
        if box is None:
            continue
        blocks.append(_question_block(label, box, choices, axis))
        ids[label] = qid
    if issues:
        raise TemplateError(issues, source=path)
    if page is None:
        x1 = max(b.bounds()[0] + b.bounds()[2] for b in blocks)
        y1 = max(b.bounds()[1] + b.bounds()[3] for b in blocks)
        margin = max(10.0, 0.05 * max(x1, y1))
        page = (x1 + margin, y1 + margin)
    default_name = f"server-sheet-{sheet_id}" if sheet_id is not None else "server-layout"
    template = Template(
        name=name or (path.stem if path is not None else default_name),
        page_size=page,
        blocks=tuple(blocks),
        unit="px",
        alignment=alignment or Alignment(method="none"),
        source="server",
        path=path,
    )
    naming = Naming(blocks="questions", blocks_by_name=True)
    issues.extend(layout_issues(template, naming))
    if issues:
        raise TemplateError(issues, source=path)
    return ServerLayout(template=template, exam_question_ids=ids, sheet_id=sheet_id)


def load_server_layout(path: Path, *, alignment: Alignment | None = None) -> ServerLayout:
    """Read a server layout JSON file (either shape)."""
    path = Path(path)
    return parse_server_layout(read_json(path), path=path, alignment=alignment)
