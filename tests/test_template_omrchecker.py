"""OMRChecker folders: template.json import, folder inheritance, evaluation.json keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from academy_desktop.engine.answerkey import check_key_against, load_key
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.native import dump_native, parse_native
from academy_desktop.engine.template.omrchecker import (
    find_setup,
    parse_omrchecker,
    template_resources,
)
from academy_desktop.engine.template.validation import TemplateError

SAMPLES = (
    Path(__file__).resolve().parents[1].parent / "shared" / "omr-samples"
).resolve()  # find_setup answers resolved paths (the folder may be a link)
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"OMRChecker samples not found at {SAMPLES}"
)

# hand-counted from each template.json
FIELD_COUNTS = {
    "sample1/template.json": 35,
    "sample2/template.json": 5,
    "sample3/colored-thick-sheet/template.json": 100,
    "sample3/xeroxed-thin-sheet/template.json": 100,
    "sample4/template.json": 11,
    "sample5/template.json": 37,
    "sample6/template.json": 10,
    "sample6/template_fb_align.json": 10,
    "sample6/template_no_fb_align.json": 10,
    "answer-key/using-csv/template.json": 5,
    "answer-key/weighted-answers/template.json": 5,
    "community/Antibodyy/template.json": 6,
    "community/DomBrzezinski/template.json": 17,
    "community/EricSoOSU/template.json": 7,
    "community/Sandeep-1507/template.json": 207,
    "community/Shamanth/template.json": 8,
    "community/ibrahimkilic/template.json": 5,
}


def sample_templates() -> list[str]:
    if not SAMPLES.is_dir():
        return []
    return sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("template*.json"))


@needs_samples
@pytest.mark.parametrize("rel", sample_templates())
def test_every_sample_template_imports(rel: str) -> None:
    t = load_template(SAMPLES / rel)
    assert t.source == "omrchecker" and t.unit == "px"
    if rel in FIELD_COUNTS:
        assert len(t.fields) == FIELD_COUNTS[rel]
    width, height = t.page_size
    for f in t.fields:
        for b in f.bubbles:
            assert b.x >= 0 and b.x + b.w <= width
            assert b.y >= 0 and b.y + b.h <= height
    # an imported layout can be saved in the native format without loss
    again = parse_native(dump_native(t), path=t.path)
    assert again.fields == t.fields and again.joins == t.joins
    assert again.alignment == t.alignment and again.preprocess == t.preprocess


@needs_samples
def test_sample1_geometry_and_markers() -> None:
    t = load_template(SAMPLES / "sample1")
    seven = next(b for b in t.field_map["roll1"].bubbles if b.value == "7")
    assert (seven.x, seven.y, seven.w, seven.h) == (225, 282 + 7 * 46, 40, 40)
    assert t.field_map["roll3"].bubbles[0].x == 225 + 2 * 58
    q2 = t.field_map["q2"]
    assert q2.values == ("A", "B", "C", "D") and q2.bubbles[3].x == 121 + 3 * 59
    assert q2.bubbles[0].y == 860 + 50
    medium = t.field_map["Medium"]
    assert medium.values == ("E", "H") and medium.bubbles[1].y == 282 + 41
    # CropPage then CropOnMarkers: markers give the mapping, the page is cropped first
    a = t.alignment
    assert a.method == "marker_image" and a.crop_page_first and a.marker_width_ratio == 17
    assert a.marker_image == SAMPLES / "sample1" / "omr_marker.jpg"
    assert template_resources(t) == {(SAMPLES / "sample1" / "omr_marker.jpg").resolve()}
    assert t.joins["Roll"] == ("Medium", *(f"roll{n}" for n in range(1, 10)))


@needs_samples
def test_sample5_custom_labels_and_markers_without_crop_page() -> None:
    t = load_template(SAMPLES / "sample5")
    assert t.joins["q6"] == ("q6_1", "q6_2")
    assert "q6_1" not in t.question_labels and "q1" in t.question_labels
    assert t.alignment.method == "marker_image" and not t.alignment.crop_page_first
    roll = t.field_map["roll2"]
    assert roll.bubbles[2].y == pytest.approx(210 + 2 * 46.5)  # float gaps kept


@needs_samples
def test_right_to_left_values_are_reversed() -> None:
    t = load_template(SAMPLES / "community" / "EricSoOSU")
    q1 = t.field_map["q1"]
    assert q1.values == ("D", "C", "B", "A")
    assert q1.bubbles[0].x == 50 and q1.bubbles[0].value == "D"
    assert t.field_map["q6"].values == tuple("GFEDCBA")
    assert t.alignment.method == "none"


@needs_samples
def test_features_alignment_filters_and_empty_values() -> None:
    t = load_template(SAMPLES / "sample6" / "template_fb_align.json")
    assert t.alignment.method == "features"
    assert t.alignment.reference_image == SAMPLES / "sample6" / "reference.png"
    assert [p.name for p in t.preprocess] == ["Levels", "GaussianBlur"]
    assert t.preprocess[0].options == {"low": 0.7, "high": 0.8}
    yes_no = load_template(SAMPLES / "community" / "ibrahimkilic")
    assert yes_no.field_map["q3"].empty_value == "no" and yes_no.field_map["q3"].values == ("yes",)
    survey = load_template(SAMPLES / "community" / "DomBrzezinski")
    assert survey.fields[0].label.startswith("Overall, how friendly")
    assert survey.alignment.method == "page"


@needs_samples
def test_inheritance_finds_the_parent_template() -> None:
    setup = find_setup(SAMPLES / "sample2" / "AdrianSample", SAMPLES)
    assert setup.template_path == SAMPLES / "sample2" / "template.json"
    assert setup.config_path == SAMPLES / "sample2" / "config.json"
    assert setup.evaluation_path is None
    images = SAMPLES / "answer-key" / "weighted-answers" / "images"
    assert find_setup(images, SAMPLES).evaluation_path == images.parent / "evaluation.json"
    # grading a sub-folder or one image: walk up past the given root to the template
    single = SAMPLES / "sample1" / "MobileCamera" / "sheet1.jpg"
    setup = find_setup(single, single)
    assert setup.template_path == SAMPLES / "sample1" / "template.json"
    assert setup.config_path == SAMPLES / "sample1" / "config.json"


@needs_samples
def test_csv_answer_key_is_used() -> None:
    folder = SAMPLES / "answer-key" / "using-csv"
    setup = find_setup(folder, SAMPLES)
    assert setup.evaluation_path == folder / "evaluation.json"
    key = load_key(setup.evaluation_path)
    assert [i.accepted[0][0] for i in key.items.values()] == ["C", "E", "A", "B", "B"]


def sample_evaluations() -> list[str]:
    if not SAMPLES.is_dir():
        return []
    return sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("evaluation.json"))


@needs_samples
@pytest.mark.parametrize("rel", sample_evaluations())
def test_every_evaluation_loads_and_fits_its_template(rel: str) -> None:
    path = SAMPLES / rel
    key = load_key(path)
    setup = find_setup(path.parent, SAMPLES)
    assert setup.template_path is not None
    template = load_template(setup.template_path)
    assert key.items
    assert check_key_against(key, template) == []


def minimal(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "pageDimensions": [300, 400],
        "bubbleDimensions": [20, 20],
        "fieldBlocks": {
            "MCQ": {
                "fieldType": "QTYPE_MCQ4",
                "origin": [50, 50],
                "bubblesGap": 30,
                "labelsGap": 30,
                "fieldLabels": ["q1..5"],
            }
        },
        "preProcessors": [],
    }
    data.update(extra)
    return data


def test_unknown_preprocessor_and_field_type_are_named() -> None:
    data = minimal(preProcessors=[{"name": "ReadBarcode", "options": {}}])
    data["fieldBlocks"]["MCQ"]["fieldType"] = "QTYPE_MCQ9"
    with pytest.raises(TemplateError) as info:
        parse_omrchecker(data)
    text = str(info.value)
    assert "ReadBarcode" in text and "QTYPE_MCQ9" in text
    assert set(info.value.paths) == {"preProcessors[0].name", "fieldBlocks.MCQ.fieldType"}


def test_omrchecker_layout_errors_use_omrchecker_names() -> None:
    data = minimal()
    data["fieldBlocks"]["MCQ"]["origin"] = [270, 50]  # runs off the 300 px page
    data["fieldBlocks"]["MCQ"]["bubblesGap"] = 10  # narrower than the 20 px bubble
    data["customLabels"] = {"all": ["q1..6"]}
    with pytest.raises(TemplateError) as info:
        parse_omrchecker(data)
    assert {
        "fieldBlocks.MCQ.origin",
        "fieldBlocks.MCQ.bubblesGap",
        "customLabels.all",
    } <= set(info.value.paths)


def test_no_preprocessor_int_from_1_and_variable_gaps() -> None:
    data = minimal()
    data["fieldBlocks"]["ID"] = {
        "fieldType": "QTYPE_INT_FROM_1",
        "origin": [200, 50],
        "bubblesGap": 25,
        "labelsGap": [25, 30],
        "fieldLabels": ["id1..3"],
        "bubbleDimensions": [15, 15],
    }
    t = parse_omrchecker(data)
    assert t.alignment.method == "none"
    assert t.field_map["id1"].values == ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
    assert [t.field_map[f"id{n}"].bubbles[0].x for n in (1, 2, 3)] == [200, 225, 255]
    assert t.field_map["id2"].bubbles[0].w == 15
    # the split blocks keep distinct names, so the template survives a native round trip
    again = parse_native(dump_native(t))
    assert again.fields == t.fields and again.alignment == t.alignment


def test_deeper_files_replace_parent_files(tmp_path: Path) -> None:
    sub = tmp_path / "batch" / "day1"
    sub.mkdir(parents=True)
    (tmp_path / "template.json").write_text(json.dumps(minimal()), encoding="utf-8")
    (tmp_path / "evaluation.json").write_text("{}", encoding="utf-8")
    (tmp_path / "batch" / "template.json").write_text(json.dumps(minimal()), encoding="utf-8")
    setup = find_setup(sub, tmp_path)
    assert setup.template_path == tmp_path / "batch" / "template.json"
    assert setup.evaluation_path == tmp_path / "evaluation.json"
    assert setup.config_path is None
    (sub / "evaluation.json").write_text("{}", encoding="utf-8")
    assert find_setup(sub, tmp_path).evaluation_path == sub / "evaluation.json"
    # the root given by the user is the top for evaluation/config when it has a template
    assert find_setup(sub, tmp_path / "batch").evaluation_path == sub / "evaluation.json"
    (sub / "evaluation.json").unlink()
    assert find_setup(sub, tmp_path / "batch").evaluation_path is None


def test_unknown_keys_are_ignored_with_a_warning() -> None:
    data = minimal(bubbleCount=4, templateVersion=2)
    data["fieldBlocks"]["MCQ"]["bubbleCount"] = 4  # older and newer OMRChecker keys
    t = parse_omrchecker(data)
    assert t.field_map["q1"].values == ("A", "B", "C", "D")
    assert len(t.warnings) == 3
    text = "\n".join(t.warnings)
    assert "fieldBlocks.MCQ.bubbleCount" in text and "templateVersion" in text
    assert "무시" in text and "ignored" in text  # Korean and English
    assert t == parse_omrchecker(minimal())  # the warnings are not part of the layout


def test_unknown_keys_do_not_hide_real_errors() -> None:
    data = minimal(bubbleCount=4)
    data["fieldBlocks"]["MCQ"]["fieldType"] = "QTYPE_MCQ9"
    with pytest.raises(TemplateError) as info:
        parse_omrchecker(data)
    assert info.value.paths == ["fieldBlocks.MCQ.fieldType"]
