"""Server question layouts (region_meta bboxes and the v1 engine's ROIs) as templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Alignment
from academy_desktop.engine.template.server import (
    INSET,
    load_server_layout,
    parse_server_layout,
)
from academy_desktop.engine.template.validation import TemplateError


def server_payload() -> dict[str, Any]:
    return {
        "sheet_id": 45,
        "questions": [
            {
                "exam_question_id": 17,
                "number": 1,
                "region_meta": {"bbox": {"x": 100, "y": 200, "w": 500, "h": 40}},
            },
            {
                "exam_question_id": 18,
                "number": 2,
                "region_meta": {
                    "bbox": [100, 250, 400, 40],
                    "choices": ["A", "B", "C", "D"],
                    "axis": "x",
                    "page_size": [1000, 1400],
                },
            },
            {
                "exam_question_id": 19,
                "number": 3,
                "region_meta": {"x": 700, "y": 200, "w": 40, "h": 400, "axis": "y"},
            },
        ],
    }


def test_server_questions_become_rect_bubbles_in_equal_cells() -> None:
    layout = parse_server_layout(server_payload())
    t = layout.template
    assert layout.sheet_id == 45
    assert layout.exam_question_ids == {"q1": 17, "q2": 18, "q3": 19}
    assert t.unit == "px" and t.source == "server" and t.alignment.method == "none"
    assert t.page_size == (1000, 1400)  # region_meta.page_size
    q1 = t.field_map["q1"]
    assert q1.values == ("1", "2", "3", "4", "5")  # default choices
    cell = 500 / 5
    second = q1.bubbles[1]
    assert second.x == pytest.approx(100 + cell + INSET * cell)
    assert second.w == pytest.approx(cell * (1 - 2 * INSET))
    assert second.y == pytest.approx(200 + INSET * 40)
    assert t.blocks[0].shape == "rect"
    q2 = t.field_map["q2"]
    assert q2.values == ("A", "B", "C", "D") and q2.bubbles[3].x == pytest.approx(100 + 300 + 10)
    q3 = t.field_map["q3"]  # axis y: cells stacked downwards
    assert q3.bubbles[4].x == q3.bubbles[0].x
    assert q3.bubbles[4].y == pytest.approx(200 + 4 * 80 + INSET * 80)


def test_v1_engine_roi_list_and_page_from_bounds() -> None:
    rois = [
        {"question_id": 7, "roi": {"x": 10, "y": 20, "w": 200, "h": 30}, "axis": "x"},
        {"question_id": 8, "roi": {"x": 10, "y": 60, "w": 200, "h": 30}, "choices": ["O", "X"]},
    ]
    layout = parse_server_layout(rois)
    t = layout.template
    assert layout.exam_question_ids == {"q7": 7, "q8": 8} and layout.sheet_id is None
    assert t.field_map["q7"].values == ("A", "B", "C", "D", "E")
    assert t.field_map["q8"].values == ("O", "X")
    width, height = t.page_size
    assert width > 210 and height > 90  # ROIs plus a margin


def test_alignment_keyword_and_file_loading(tmp_path: Path) -> None:
    path = tmp_path / "sheet.json"
    path.write_text(json.dumps(server_payload()), encoding="utf-8")
    layout = load_server_layout(path, alignment=Alignment(method="page"))
    assert layout.template.alignment.method == "page"
    assert load_template(path).field_map["q3"].values == ("1", "2", "3", "4", "5")


def test_bad_questions_are_all_reported() -> None:
    data = server_payload()
    data["questions"][0]["region_meta"] = None
    del data["questions"][1]["exam_question_id"]
    data["questions"][2]["region_meta"] = {"bbox": {"x": 1}, "axis": "z"}
    with pytest.raises(TemplateError) as info:
        parse_server_layout(data)
    assert set(info.value.paths) == {
        "questions[0].region_meta",
        "questions[1].exam_question_id",
        "questions[2].region_meta.bbox",
        "questions[2].region_meta.axis",
    }


def test_duplicate_numbers_and_empty_list() -> None:
    data = server_payload()
    data["questions"][1]["number"] = 1
    with pytest.raises(TemplateError, match="q1"):
        parse_server_layout(data)
    with pytest.raises(TemplateError):
        parse_server_layout({"questions": []})
