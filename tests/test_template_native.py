"""The native template format: loading, validation messages, round trip, discovery."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from academy_desktop.engine.template.discovery import bundled_names, detect_kind, load_template
from academy_desktop.engine.template.labels import compress_labels, expand_labels
from academy_desktop.engine.template.native import dump_native, load_native, parse_native
from academy_desktop.engine.template.validation import TemplateError, template_schema


def example() -> dict[str, Any]:
    return {
        "format": "academy-omr-template",
        "version": 1,
        "name": "kr-20q-5c-id8",
        "title": {"ko": "20문항 5지선다", "en": "20 questions"},
        "unit": "mm",
        "page": {"width": 210, "height": 297},
        "bubble": {"width": 4.0, "height": 6.0, "shape": "ellipse"},
        "registration": {
            "type": "squares",
            "size": 7,
            "marks": [[12, 12], [198, 12], [198, 285], [12, 285]],
        },
        "blocks": [
            {
                "name": "student_id",
                "type": "digits",
                "labels": ["id1..8"],
                "origin": [20, 60],
                "bubbles_gap": 7.5,
                "labels_gap": 6.0,
            },
            {
                "name": "q1-20",
                "type": "mcq",
                "labels": ["q1..20"],
                "values": ["1", "2", "3", "4", "5"],
                "direction": "horizontal",
                "origin": [90, 60],
                "bubbles_gap": 6.0,
                "labels_gap": 9.0,
            },
        ],
        "joins": {"student_id": ["id1..8"]},
        "student_id": "student_id",
        "preprocess": [{"name": "GaussianBlur", "options": {"kSize": [3, 3], "sigmaX": 0}}],
    }


def errors_of(data: Any) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        parse_native(data)
    return info.value


def test_valid_template_expands_fields_and_geometry() -> None:
    t = parse_native(example())
    assert [f.label for f in t.fields][:3] == ["id1", "id2", "id3"]
    assert len(t.fields) == 28
    digit = t.field_map["id3"]
    assert digit.kind == "digit" and digit.values == tuple(str(n) for n in range(10))
    seven = digit.bubbles[7]  # digits run down the column, columns 6 mm apart
    assert (seven.x, seven.y, seven.w, seven.h) == (20 + 2 * 6.0, 60 + 7 * 7.5, 4.0, 6.0)
    q3 = t.field_map["q3"]
    assert q3.bubbles[2].value == "3"
    assert (q3.bubbles[2].x, q3.bubbles[2].y) == (90 + 2 * 6.0, 60 + 2 * 9.0)
    assert t.joins == {"student_id": tuple(f"id{n}" for n in range(1, 9))}
    assert t.alignment.method == "markers" and len(t.alignment.markers) == 4
    assert t.alignment.markers[2].cx == 198 and t.alignment.markers[2].size == 7
    assert t.preprocess[0].name == "GaussianBlur" and t.preprocess[0].options["kSize"] == [3, 3]
    assert t.question_labels == [f"q{n}" for n in range(1, 21)]


def test_defaults_for_mcq_block_and_unit() -> None:
    data = example()
    del data["unit"]
    block = data["blocks"][1]
    for key in ("values", "direction", "type"):
        del block[key]
    t = parse_native(data)
    assert t.unit == "mm"
    assert t.field_map["q1"].values == ("1", "2", "3", "4", "5")
    assert t.field_map["q1"].bubbles[1].y == t.field_map["q1"].bubbles[0].y  # horizontal


def test_schema_errors_name_every_bad_key_at_once() -> None:
    data = example()
    data["unit"] = "cm"
    data["blocks"][1]["bubbles_gap"] = "6"
    data["blocks"][1]["colour"] = "red"
    del data["page"]["width"]
    data["blocks"][0]["origin"] = [20]
    err = errors_of(data)
    assert {
        "unit",
        "blocks[1].bubbles_gap",
        "blocks[1].colour",
        "page.width",
        "blocks[0].origin",
    } <= set(err.paths)
    text = str(err)
    assert "이어야 합니다" in text and "must be a number" in text  # Korean and English
    assert "unknown key" in text


def test_layout_errors_are_collected_and_explained() -> None:
    data = example()
    data["blocks"][1]["bubbles_gap"] = 3.0  # narrower than the 4 mm bubble
    data["blocks"][0]["origin"] = [-5, 60]  # off the page
    data["blocks"][1]["labels"] = ["q1..20", "id2"]  # duplicate across blocks
    data["joins"]["extra"] = ["zz1"]
    data["student_id"] = "nobody"
    data["registration"]["marks"].pop()
    err = errors_of(data)
    by_path = {i.path: i for i in err.issues}
    gap = by_path["blocks[1].bubbles_gap"]
    assert "3 is smaller than the bubble width 4" in gap.en and "겹칩니다" in gap.ko
    assert "blocks[0].origin" in by_path and "outside the page" in by_path["blocks[0].origin"].en
    assert "'id2'" in by_path["blocks[1].labels"].en
    assert "zz1" in by_path["joins.extra"].en
    assert "student_id" in by_path
    assert "exactly 4" in by_path["registration.marks"].en


def test_fields_overlapping_across_labels_and_mark_order() -> None:
    data = example()
    data["blocks"][1]["labels_gap"] = 5.0  # rows 5 mm apart, bubbles 6 mm tall
    data["registration"]["marks"] = [[198, 12], [12, 12], [198, 285], [12, 285]]
    err = errors_of(data)
    assert "blocks[1].labels_gap" in err.paths
    assert any("order" in i.en for i in err.issues if i.path == "registration.marks")


def test_reversed_range_and_custom_block_without_values() -> None:
    data = example()
    data["blocks"][1]["labels"] = ["q20..1"]
    data["blocks"].append(
        {"type": "custom", "labels": ["c1"], "origin": [150, 200], "bubbles_gap": 6}
    )
    with pytest.raises(TemplateError) as info:
        parse_native(data)
    assert "blocks[2].values" in info.value.paths  # schema pass stops before layout
    del data["blocks"][2]
    err = errors_of(data)
    assert "blocks[1].labels[0]" in err.paths


def test_newer_version_is_refused_clearly() -> None:
    data = example()
    data["version"] = 2
    err = errors_of(data)
    assert err.paths == ["version"]
    assert "newer Academy Desktop" in str(err) and "업데이트" in str(err)


def test_not_an_object_and_wrong_format() -> None:
    assert errors_of([1, 2]).issues
    data = example()
    data["format"] = "something-else"
    assert "format" in errors_of(data).paths


def test_round_trip_keeps_fields_and_geometry(tmp_path: Path) -> None:
    data = example()
    data["blocks"][1]["bubble"] = {"width": 5, "height": 5, "shape": "rect"}
    data["blocks"][1]["multiple"] = True
    data["blocks"][1]["empty_value"] = "-"
    t = parse_native(data)
    again = parse_native(json.loads(json.dumps(dump_native(t))))
    assert again == t
    assert again.fields == t.fields
    # file round trip keeps relative resources relative to the template file
    (tmp_path / "marker.png").write_bytes(b"x")
    data["registration"] = {
        "type": "marker_image",
        "image": "marker.png",
        "sheet_to_marker_width_ratio": 17,
        "crop_page_first": True,
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_native(path)
    assert loaded.alignment.marker_image == tmp_path / "marker.png"
    assert loaded.alignment.crop_page_first
    dumped = dump_native(loaded)
    assert dumped["registration"]["image"] == "marker.png"
    assert parse_native(dumped, path=path) == loaded


def test_missing_marker_image_is_reported(tmp_path: Path) -> None:
    data = example()
    data["registration"] = {"type": "marker_image", "image": "nope.png"}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_native(path)
    assert info.value.paths == ["registration.image"]


def test_json_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": "academy-omr-template",\n  "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_native(path)
    assert "line 3" in str(info.value) and "3행" in str(info.value)


def test_label_ranges() -> None:
    assert expand_labels(["q1..3", "x", "roll8...10"]) == [
        "q1",
        "q2",
        "q3",
        "x",
        "roll8",
        "roll9",
        "roll10",
    ]
    sentence = "How likely are you to stay again?"
    assert expand_labels([sentence]) == [sentence]
    labels = ["q1", "q2", "q3", "q4", "x", "q07", "q08", "q09", "a1", "a2"]
    assert expand_labels(compress_labels(labels)) == labels
    assert compress_labels(labels)[0] == "q1..4"


def test_schema_file_is_valid_draft_2020_12() -> None:
    from jsonschema import Draft202012Validator

    schema = template_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")


def test_bundled_templates_load_by_name() -> None:
    names = bundled_names()
    if not names:
        pytest.skip("no bundled templates in resources/templates yet")
    for name in names:
        t = load_template(name)
        assert t.source == "bundled" and t.fields
        assert detect_kind(dump_native(t)) == "native"


def test_unknown_template_name_lists_bundled() -> None:
    with pytest.raises(TemplateError) as info:
        load_template("no-such-template")
    assert "no-such-template" in str(info.value)


def test_load_template_by_path_and_copy(tmp_path: Path) -> None:
    data = example()
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8-sig")  # BOM from Notepad
    t = load_template(path)
    assert t.source == "native" and t.path == path
    bad = copy.deepcopy(data)
    bad["page"]["height"] = 100  # blocks no longer fit
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(TemplateError):
        load_template(path)
