"""Exams: stored templates, versioned answer keys with re-grading, and the server mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from academy_desktop.engine.answerkey import load_key
from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.native import dump_native
from academy_desktop.store import exams
from academy_desktop.store.keys import key_from_native, key_to_native
from academy_desktop.store.models import Exam, Scan, Submission, Template
from academy_desktop.store.submissions import record_result

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "omr-samples"
BUNDLED = "kr-20q-5c-id8"


def write_key(path: Path, answers: dict[int, str]) -> Path:
    path.write_text(
        "문항,정답\n" + "".join(f"{q},{a}\n" for q, a in answers.items()), encoding="utf-8"
    )
    return path


def page(page_no: int, values: dict[str, str], flagged: tuple[str, ...] = ()) -> PageResult:
    fields = {}
    for label, value in values.items():
        status = "ambiguous" if label in flagged else ("ok" if value else "blank")
        marking = "blank" if not value else ("multi" if len(value) > 1 else "single")
        fields[label] = FieldResult(label, list(value), marking, 0.9, status, {}, value)  # type: ignore[arg-type]
    return PageResult("a.pdf", page_no, "ok", BUNDLED, student_id=None, fields=fields)


def add_scan(session: Session, name: str = "a") -> Scan:
    scan = Scan(
        sha256=name * 64, original_name=f"{name}.pdf", stored_path=name, size=1, page_count=9
    )
    session.add(scan)
    session.flush()
    return scan


def test_an_exam_on_a_bundled_template(session: Session, tmp_path: Path) -> None:
    key = write_key(tmp_path / "key.csv", {1: "3", 2: "2"})
    exam = exams.create_exam(session, "3월 모의고사", BUNDLED, key=key, group_name="중2A")
    assert exam.template.source == "bundled" and exam.template.origin == BUNDLED
    labels = [q.label for q in exam.questions]
    original = load_template(BUNDLED)
    assert labels == original.question_labels and "id1" not in labels
    assert {q.label: q.number for q in exam.questions}["q17"] == 17
    back = exams.exam_template(exam)
    assert [f.label for f in back.fields] == [f.label for f in original.fields]
    assert back.field_map["q3"].values == original.field_map["q3"].values
    assert [k.version for k in exams.key_history(exam)] == [1]
    current = exams.current_key(exam)
    assert current is not None and current.items["q2"].accepted == (("2", None),)
    summary = exams.list_exams(session)
    assert [(s.title, s.group_name, s.template_name, s.key_version) for s in summary] == [
        ("3월 모의고사", "중2A", original.name, 1)
    ]


def test_an_exam_on_an_omrchecker_template(session: Session) -> None:
    spec = SAMPLES / "sample4" / "template.json"
    if not spec.is_file():
        pytest.skip(f"OMRChecker samples not found at {SAMPLES}")
    exam = exams.create_exam(session, "sample4", spec)
    assert exam.template.source == "omrchecker"
    assert exam.template.origin == str(spec.resolve())
    assert [q.label for q in exam.questions] == [f"q{i}" for i in range(1, 12)]
    assert exams.exam_template(exam).field_map["q1"].values == ("A", "B", "C", "D")
    assert exams.current_key(exam) is None


def test_the_same_template_is_stored_once(session: Session, tmp_path: Path) -> None:
    copy = tmp_path / "same.json"
    copy.write_text(json.dumps(dump_native(load_template(BUNDLED))), encoding="utf-8")
    a = exams.create_exam(session, "A", BUNDLED)
    b = exams.create_exam(session, "B", BUNDLED)
    c = exams.create_exam(session, "C", copy)  # same layout from a native file
    assert a.template_id == b.template_id == c.template_id
    assert session.scalar(select(func.count()).select_from(Template)) == 1


def test_a_duplicate_title_is_refused(session: Session) -> None:
    exams.create_exam(session, "중간고사", BUNDLED)
    with pytest.raises(exams.StoreError, match=r"이미 있습니다.*already exists"):
        exams.create_exam(session, " 중간고사 ", BUNDLED)
    with pytest.raises(exams.StoreError, match=r"찾을 수 없습니다.*No such exam"):
        exams.get_exam(session, "기말고사")


def test_a_bad_template_names_the_key(session: Session, tmp_path: Path) -> None:
    data = dump_native(load_template(BUNDLED))
    data["blocks"][1]["bubbles_gap"] = "wide"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(exams.StoreError, match=r"blocks\[1\]\.bubbles_gap"):
        exams.create_exam(session, "X", bad)
    assert session.scalar(select(func.count()).select_from(Exam)) == 0


def test_a_key_that_does_not_fit_the_sheet_is_refused(session: Session, tmp_path: Path) -> None:
    key = write_key(tmp_path / "key.csv", {1: "6"})
    with pytest.raises(exams.StoreError, match="q1"):
        exams.create_exam(session, "X", BUNDLED, key=key)


def test_native_key_json_round_trips(tmp_path: Path) -> None:
    src = tmp_path / "key.json"
    src.write_text(
        json.dumps(
            {
                "format": "academy-answer-key",
                "version": 1,
                "sections": {
                    "DEFAULT": {"correct": 1, "incorrect": 0, "unmarked": 0},
                    "수학": {"questions": ["q3..4"], "correct": 2, "incorrect": "-1/3"},
                },
                "answers": {
                    "q1": "3",
                    "q2": ["2", "4"],
                    "q3": {"accept": [["2", 2.5], ["3", "1/3"]], "unmarked": -1},
                    "q4": "5",
                },
            }
        ),
        encoding="utf-8",
    )
    key = load_key(src)
    native = key_to_native(key)
    back = key_from_native(json.loads(json.dumps(native)))
    assert back.items == key.items and back.sections == key.sections
    assert native["answers"]["q3"]["accept"][1] == ["3", "1/3"]


def test_a_new_key_version_regrades_with_reviewed_values(session: Session, tmp_path: Path) -> None:
    v1 = write_key(tmp_path / "v1.csv", {1: "3", 2: "2", 3: "5"})
    exam = exams.create_exam(session, "퀴즈", BUNDLED, key=v1, created_by="김선생")
    scan = add_scan(session)
    sub, _ = record_result(session, exam, scan, page(1, {"q1": "3", "q2": "24", "q3": "1"}))
    exams.regrade_exam(session, exam)
    assert (sub.score, sub.max_score) == (1.0, 3.0)
    q2 = next(a for a in sub.answers if a.label == "q2")
    q2.current_value, q2.reviewed = "4", True  # a person's decision
    v2 = write_key(tmp_path / "v2.csv", {1: "1", 2: "4", 3: "1"})
    version = exams.set_key(session, exam, v2, created_by="이선생")
    assert version.version == 2 and version.created_by == "이선생"
    assert (sub.score, sub.max_score) == (2.0, 3.0)  # q2 graded from the reviewed "4"
    grades = (sub.engine_payload or {})["grades"]
    assert grades["q2"]["correct"] is True and grades["q2"]["provisional"] is False
    assert grades["q1"]["correct"] is False
    assert q2.current_value == "4" and q2.answer == "24"
    history = exams.key_history(exam)
    assert [k.version for k in history] == [1, 2]
    assert history[0].content["answers"]["q1"] == {"accept": ["3"]}
    assert history[1].content["answers"]["q1"] == {"accept": ["1"]}


def test_the_server_mapping(session: Session) -> None:
    exam = exams.create_exam(session, "매핑", BUNDLED)
    scan = add_scan(session)
    sub, _ = record_result(session, exam, scan, page(1, {"q1": "3"}))
    assert sub.target_id is None
    exams.set_mapping(session, exam, target_id=77, sheet_id=5, question_ids={"q1": 901, "2": 902})
    ids = {q.label: q.exam_question_id for q in exam.questions}
    assert ids["q1"] == 901 and ids["q2"] == 902 and ids["q3"] is None
    assert (exam.target_id, exam.sheet_id) == (77, 5)
    session.expire_all()
    assert session.get_one(Submission, sub.id).target_id == 77
    with pytest.raises(exams.StoreError, match=r"q99.*question 'q99'"):
        exams.set_mapping(session, exam, question_ids={"q99": 1})
    with pytest.raises(exams.StoreError, match="target_id"):
        exams.set_mapping(session, exam, target_id=-3)
