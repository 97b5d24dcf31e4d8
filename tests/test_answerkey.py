"""Answer keys (native JSON, CSV, XLSX, OMRChecker evaluation.json) and scoring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from academy_desktop.engine.answerkey import (
    AnswerKey,
    AnswerKeyError,
    KeyItem,
    Marking,
    check_key_against,
    grade_fields,
    load_key,
)
from academy_desktop.engine.result import FieldResult, FieldStatus
from academy_desktop.engine.template.model import Block, Template


def read(value: str, status: FieldStatus = "ok") -> FieldResult:
    marking = "blank" if not value else ("multi" if len(value) > 1 else "single")
    return FieldResult(
        label="",
        detected=list(value),
        marking=marking,  # type: ignore[arg-type]
        confidence=0.9,
        status="blank" if not value else status,
        value=value,
    )


def write_json(tmp_path: Path, data: Any, name: str = "key.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


NATIVE = {
    "format": "academy-answer-key",
    "version": 1,
    "sections": {
        "DEFAULT": {"correct": 1, "incorrect": 0, "unmarked": 0},
        "수학": {"questions": ["q11..12"], "correct": 2, "incorrect": -0.5, "unmarked": 0},
    },
    "answers": {
        "q1": "3",
        "q2": ["2", "4"],
        "q3": {"accept": ["1", "5"], "points": 2},
        "q4": {"accept": [["2", 2], ["3", 1]]},
        "q11": 4,
        "q12": "1",
    },
}


def test_native_json_single_multiple_weighted_and_sections(tmp_path: Path) -> None:
    key = load_key(write_json(tmp_path, NATIVE))
    assert key.items["q11"].section == "수학" and key.items["q1"].section == "DEFAULT"
    assert key.items["q11"].accepted == (("4", None),)
    fields = {
        "q1": read("3"),  # correct: 1
        "q2": read("4"),  # any of several: 1
        "q3": read("5"),  # points 2
        "q4": read("3"),  # weighted: 1 of 2
        "q11": read("2"),  # wrong in 수학: -0.5
        "q12": read(""),  # blank: 0
    }
    grades, score, max_score = grade_fields(fields, key)
    assert [grades[q].points for q in fields] == [1, 1, 2, 1, -0.5, 0]
    assert [grades[q].correct for q in fields] == [True, True, True, True, False, False]
    assert grades["q4"].max_points == 2 and grades["q11"].max_points == 2
    assert score == 4.5 and max_score == 1 + 1 + 2 + 2 + 2 + 2


def test_multi_mark_must_match_exactly_and_provisional_flag() -> None:
    key = AnswerKey(
        items={
            "q7": KeyItem("q7", (("B", None), ("C", None), ("BC", None))),
            "q8": KeyItem("q8", (("A", None),)),
            "q9": KeyItem("q9", (("D", None),)),
        },
        sections={"DEFAULT": Marking(3, -1, 0)},
    )
    fields = {"q7": read("BC"), "q8": read("AB"), "q9": read("d", status="ambiguous")}
    grades, score, _ = grade_fields(fields, key)
    assert grades["q7"].points == 3 and grades["q8"].points == -1
    assert grades["q9"].correct and grades["q9"].provisional  # case-insensitive, flagged
    assert not grades["q7"].provisional
    assert score == 5


def test_fractions_add_up_exactly(tmp_path: Path) -> None:
    data = {
        "format": "academy-answer-key",
        "version": 1,
        "sections": {"DEFAULT": {"correct": "1/3", "incorrect": "-1/6", "unmarked": 0}},
        "answers": {f"q{n}": "A" for n in range(1, 7)},
    }
    key = load_key(write_json(tmp_path, data))
    fields = {f"q{n}": read("A") for n in range(1, 4)}
    fields |= {"q4": read("B"), "q5": read("B"), "q6": read("")}
    _, score, max_score = grade_fields(fields, key)
    assert score == 0.6667  # 3 * 1/3 - 2 * 1/6 = 2/3
    assert max_score == 2.0  # six times 1/3, exactly


def test_missing_field_is_provisional_and_unknown() -> None:
    key = AnswerKey(items={"q1": KeyItem("q1", (("A", 2),))}, sections={"DEFAULT": Marking()})
    grades, score, max_score = grade_fields({}, key)
    assert grades["q1"].correct is None and grades["q1"].provisional
    assert (score, max_score) == (0, 2)


def test_native_json_errors_are_collected(tmp_path: Path) -> None:
    data = json.loads(json.dumps(NATIVE))
    data["sections"]["수학"]["correct"] = "two"
    data["answers"]["q5"] = {"accept": ["1"], "section": "영어"}
    data["answers"]["q12"] = {"accept": [], "points": 1}
    data["sections"]["extra"] = {"questions": ["q1", "q40"]}
    data["sections"]["more"] = {"questions": ["q1"]}
    with pytest.raises(AnswerKeyError) as info:
        load_key(write_json(tmp_path, data))
    paths = set(info.value.paths)
    assert "sections.수학.correct" in paths and "answers.q12.accept" in paths
    with pytest.raises(AnswerKeyError) as info:
        del data["sections"]["수학"]["correct"]
        data["answers"]["q12"] = "1"
        load_key(write_json(tmp_path, data))
    text = str(info.value)
    assert "'영어'" in text and "q40" in text and "already in the section 'extra'" in text


def test_newer_key_version_refused(tmp_path: Path) -> None:
    with pytest.raises(AnswerKeyError, match="newer Academy Desktop"):
        load_key(write_json(tmp_path, {**NATIVE, "version": 3}))


def test_csv_with_korean_headers_cp949_and_several_answers(tmp_path: Path) -> None:
    text = '문항,정답,배점,영역,오답\n1,3,,,\nq2,"2,4",2,수학,-1\nq3,1|5,,,\n'
    path = tmp_path / "key.csv"
    path.write_bytes(text.encode("cp949"))  # what Korean Excel saves
    key = load_key(path)
    assert key.items["q1"].accepted == (("3", None),)
    assert key.items["q2"].accepted == (("2", 2), ("4", 2))
    assert key.items["q2"].section == "수학" and key.items["q2"].incorrect == -1
    assert key.items["q3"].accepted == (("1", None), ("5", None))
    grades, score, max_score = grade_fields(
        {"q1": read("3"), "q2": read("1"), "q3": read("5")}, key
    )
    assert grades["q2"].points == -1 and score == 1 and max_score == 4


def test_csv_row_errors_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "key.csv"
    path.write_text("question,answer,points\nq1,A,x\nq2,,1\n,B,1\nq1,C,1\n", encoding="utf-8")
    with pytest.raises(AnswerKeyError) as info:
        load_key(path)
    paths = info.value.paths
    assert "2행/row 2, points" in paths
    assert "3행/row 3, answer" in paths
    assert "4행/row 4, question" in paths
    assert "5행/row 5, question" in paths  # q1 twice


def test_xlsx_numbers_and_korean_headers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["문항", "정답", "배점", "영역"])
    ws.append([1, 3, None, None])
    ws.append([2, 4.0, 2, "국어"])
    ws.append(["q3", "1|2", 1.5, None])
    path = tmp_path / "key.xlsx"
    wb.save(path)
    key = load_key(path)
    assert key.items["q1"].accepted == (("3", None),)
    assert key.items["q2"].accepted == (("4", 2),) and key.items["q2"].section == "국어"
    assert key.items["q3"].accepted == (("1", 1.5), ("2", 1.5))
    _, score, max_score = grade_fields({"q1": read("3"), "q2": read("4"), "q3": read("2")}, key)
    assert (score, max_score) == (4.5, 4.5)


def test_xlsx_row_error(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["question", "answer", "points"])
    ws.append(["q1", "A", "lots"])
    path = tmp_path / "key.xlsx"
    wb.save(path)
    with pytest.raises(AnswerKeyError) as info:
        load_key(path)
    assert info.value.paths == ["2행/row 2, points"]


def test_omrchecker_csv_without_header(tmp_path: Path) -> None:
    path = tmp_path / "answer_key.csv"
    path.write_text("q1,C\nq7,\"['B','C']\"\nq8,B,C\nq9,\"[['A',2],['B','1/2']]\"\n")
    key = load_key(path)
    assert key.items["q7"].accepted == (("B", None), ("C", None))
    assert key.items["q8"].accepted == (("B", None), ("C", None))
    assert key.items["q9"].accepted == (("A", 2), ("B", 0.5))


def test_omrchecker_evaluation_weighted_and_sections(tmp_path: Path) -> None:
    data = {
        "source_type": "custom",
        "options": {
            "questions_in_order": ["q1..4"],
            "answers_in_order": ["C", ["A", "C"], [["B", 2], ["C", "3/2"]], "D"],
            "should_explain_scoring": True,
        },
        "marking_schemes": {
            "DEFAULT": {"correct": "3", "incorrect": "-1", "unmarked": "0"},
            "BONUS": {
                "questions": ["q4"],
                "marking": {"correct": 5, "incorrect": 5, "unmarked": 5},
            },
        },
    }
    key = load_key(write_json(tmp_path, data, "evaluation.json"))
    fields = {"q1": read("C"), "q2": read("B"), "q3": read("C"), "q4": read("")}
    grades, score, max_score = grade_fields(fields, key)
    assert [grades[q].points for q in fields] == [3, -1, 1.5, 5]
    assert score == 8.5 and max_score == 3 + 3 + 2 + 5


def test_omrchecker_evaluation_errors(tmp_path: Path) -> None:
    data = {
        "source_type": "custom",
        "options": {"questions_in_order": ["q1..3"], "answers_in_order": ["A", "B"]},
        "marking_schemes": {"DEFAULT": {"correct": "1", "incorrect": "x", "unmarked": "0"}},
    }
    with pytest.raises(AnswerKeyError) as info:
        load_key(write_json(tmp_path, data, "evaluation.json"))
    assert set(info.value.paths) == {
        "options.answers_in_order",
        "marking_schemes.DEFAULT.incorrect",
    }
    data = {"source_type": "csv", "options": {"answer_key_csv_path": "missing.csv"}}
    with pytest.raises(AnswerKeyError, match=r"missing\.csv"):
        load_key(write_json(tmp_path, data, "evaluation.json"))


def test_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(AnswerKeyError):
        load_key(write_json(tmp_path, {"hello": 1}))
    other = tmp_path / "key.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(AnswerKeyError):
        load_key(other)


def template() -> Template:
    mcq = Block(
        name="mcq",
        kind="mcq",
        labels=("q1", "q2"),
        values=("1", "2", "3", "4", "5"),
        direction="horizontal",
        origin=(10, 10),
        bubble_size=(4, 4),
        bubbles_gap=6,
        labels_gap=6,
    )
    digits = Block(
        name="two",
        kind="digit",
        labels=("q3_1", "q3_2"),
        values=tuple("0123456789"),
        direction="vertical",
        origin=(60, 10),
        bubble_size=(4, 4),
        bubbles_gap=6,
        labels_gap=6,
    )
    return Template(
        name="t", page_size=(100, 100), blocks=(mcq, digits), joins={"q3": ("q3_1", "q3_2")}
    )


def test_check_key_against_template() -> None:
    key = AnswerKey(
        items={
            "q1": KeyItem("q1", (("3", None), ("24", None))),
            "q2": KeyItem("q2", (("6", None), ("42", None))),
            "q3": KeyItem("q3", (("1", None), ("01", None), ("1A", None))),
            "q9": KeyItem("q9", (("1", None),)),
        },
        sections={"DEFAULT": Marking()},
    )
    problems = check_key_against(key, template())
    assert len(problems) == 4
    joined = "\n".join(problems)
    assert "'6'" in joined and "'42'" in joined and "'1A'" in joined and "'q9'" in joined
    assert "'24'" not in joined and "'01'" not in joined


def test_damaged_spreadsheet_is_an_answer_key_error(tmp_path: Path) -> None:
    path = tmp_path / "key.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(AnswerKeyError, match="cannot read the file"):
        load_key(path)
