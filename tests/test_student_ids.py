"""Student numbers of imported layouts (issue 12): an OMRChecker ``customLabels`` join
of ID digits is the sheet's student number - in results.jsonl, the workspace, roster
matching and every export - and neither it nor its digits is ever a question.

Synthetic OMRChecker folders (``student_id_sheets``) test everything without
``../shared``; the real samples (sample6's roll-number grids, real-scans' ID grids)
are checked when they are there and skipped with a reason when not.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, require_samples
from openpyxl import load_workbook
from sqlalchemy import select
from student_id_sheets import template_json, write_folder

from academy_desktop.cli.main import main
from academy_desktop.engine.answerkey import AnswerKey, check_key_against, load_key
from academy_desktop.engine.answerkey_formats import parse_key_json
from academy_desktop.engine.answerkey_text import key_labels
from academy_desktop.engine.pipeline import plan, run
from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import guess_student_id
from academy_desktop.engine.template.native import dump_native, parse_native
from academy_desktop.engine.template.omrchecker import parse_omrchecker
from academy_desktop.output.stats import BatchStats
from academy_desktop.store import Workspace, exams, grading, roster
from academy_desktop.store.export import export_exam
from academy_desktop.store.models import Submission

QUESTIONS = [f"q{n}" for n in range(1, 46)]


def answer_key(answers: dict[str, str]) -> AnswerKey:
    return parse_key_json({"format": "academy-answer-key", "version": 1, "answers": answers})


ID_DIGITS = {f"id{n}" for n in range(1, 9)}
REAL_SCANS = REPO_ROOT.parent / "shared" / "real-scans"


def omr(custom: dict[str, list[str]] | None = None, **blocks: dict[str, Any]) -> dict[str, Any]:
    """The 45-question template with ``customLabels`` = ``custom`` and extra blocks."""
    data = template_json()
    data["customLabels"] = custom if custom is not None else data["customLabels"]
    data["fieldBlocks"].update(blocks)
    return data


def digit_block(labels: str, x: float) -> dict[str, Any]:
    return {
        "fieldType": "QTYPE_INT",
        "origin": [x, 60],
        "bubblesGap": 34,
        "labelsGap": 34,
        "fieldLabels": [labels],
    }


MEDIUM: dict[str, Any] = {
    "bubbleValues": ["E", "H"],
    "direction": "vertical",
    "origin": [400, 60],
    "bubblesGap": 34,
    "labelsGap": 34,
    "fieldLabels": ["Medium"],
}


# ---------------------------------------------------------------- which join is the ID


def test_the_customlabel_is_the_student_number_and_never_a_question() -> None:
    t = parse_omrchecker(omr())
    assert t.student_id == "student_id"
    assert t.student_id_labels == ID_DIGITS | {"student_id"}
    assert t.question_labels == QUESTIONS  # 45, not 46
    assert not any(t.is_question(lab) for lab in t.student_id_labels)
    assert all(t.is_question(q) for q in QUESTIONS)
    # every list of questions is this one
    assert exams.graded_labels(t) == key_labels(t) == QUESTIONS


@pytest.mark.parametrize(
    "name", ["student_id", "Roll", "roll", "id", "ID", "수험번호", "학번", "Student ID", "roll-no"]
)
def test_names_used_for_student_numbers(name: str) -> None:
    t = parse_omrchecker(omr({name: ["id1..8"]}))
    assert t.student_id == name
    assert t.question_labels == QUESTIONS


def test_an_unnamed_join_of_digit_grids_is_the_id_when_it_is_the_only_one() -> None:
    t = parse_omrchecker(omr({"cand": ["id1..8"]}))
    assert t.student_id == "cand" and t.question_labels == QUESTIONS


def test_a_named_id_may_join_other_fields_and_numeric_answers_stay_questions() -> None:
    """OMRChecker's sample1/sample5: Roll = the medium letter + the roll digits, and
    q5 = two digit grids (a two-digit numeric answer graded by the key)."""
    data = omr(
        {"Roll": ["Medium", "id1..8"], "q46": ["a1", "a2"]},
        Medium=MEDIUM,
        Answer46=digit_block("a1..2", 480),
    )
    t = parse_omrchecker(data)
    assert t.student_id == "Roll"
    assert t.question_labels == [*QUESTIONS, "q46"]
    assert not t.is_question("Medium") and not t.is_question("a1")
    key = answer_key({"q1": "A", "q46": "17"})
    assert check_key_against(key, t) == []


def test_ambiguous_or_numbered_digit_joins_are_not_guessed() -> None:
    two = parse_omrchecker(omr({"a": ["id1..4"], "b": ["id5..8"]}))
    assert two.student_id is None
    assert two.question_labels == [*QUESTIONS, "a", "b"]  # nothing hidden: both read
    numbered = parse_omrchecker(omr({"q46": ["id1..8"]}))
    assert numbered.student_id is None and numbered.question_labels == [*QUESTIONS, "q46"]
    # two named labels: the one made of digit grids
    named = parse_omrchecker(omr({"id": ["id1..8"], "Roll": ["Medium", "id1"]}, Medium=MEDIUM))
    assert named.student_id == "id"
    assert guess_student_id({}, {}) is None


def test_native_templates_say_it_themselves_and_a_stored_layout_finds_it() -> None:
    bundled = load_template("kr-45q-5c-id8")
    assert bundled.student_id == "student_id" and len(bundled.question_labels) == 45
    t = parse_omrchecker(omr())
    stored = dump_native(t)
    assert stored["student_id"] == "student_id"
    assert parse_native(stored).student_id == "student_id"
    # a workspace stored before the ID was found: the native JSON has no student_id,
    # and only the stored source (omrchecker) brings it back
    del stored["student_id"]
    native = parse_native(stored)
    assert native.student_id is None and "student_id" in native.question_labels
    again = dataclasses.replace(native, source="omrchecker")
    assert again.student_id == "student_id" and again.question_labels == QUESTIONS


def test_a_key_cannot_grade_the_student_number() -> None:
    t = parse_omrchecker(omr())
    key = answer_key({"q1": "A", "student_id": "20250001", "id3": "2"})
    problems = check_key_against(key, t)
    assert len(problems) == 2
    assert all("student number" in p for p in problems)


def test_batch_statistics_count_only_questions() -> None:
    def fr(label: str, value: str) -> FieldResult:
        return FieldResult(label, [value], "single", 1.0, "ok", {}, value)

    fields = {lab: fr(lab, "1") for lab in ID_DIGITS} | {"student_id": fr("student_id", "1" * 8)}
    fields |= {"q1": fr("q1", "A")}
    stats = BatchStats(question_labels=["q1"])
    stats.add(PageResult("a.jpg", 1, "ok", "t", student_id="1" * 8, fields=fields))
    assert list(stats.questions) == ["q1"]


# ---------------------------------------------------------------- results.jsonl and xlsx

NUMBERS = ["20250001", "20250002", "99990000"]


def test_grade_writes_the_joined_number_and_only_questions(tmp_path: Path) -> None:
    folder = tmp_path / "omr"
    write_folder(folder, NUMBERS)
    out = tmp_path / "out"
    assert main(["grade", str(folder), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text("utf-8").splitlines()]
    assert [r["student_id"] for r in lines] == NUMBERS
    assert lines[0]["score"] == 45 and lines[0]["max_score"] == 45
    assert set(lines[0]["grades"]) == set(QUESTIONS)
    # the raw record keeps every field read (the digits can be checked)
    assert lines[0]["fields"]["student_id"]["value"] == NUMBERS[0]

    wb = load_workbook(out / "results.xlsx", read_only=True)
    rows = list(wb["결과 - Results"].iter_rows(values_only=True))
    summary = list(wb["요약 - Summary"].iter_rows(values_only=True))
    wb.close()
    head = list(rows[0])
    assert [r[head.index("학생 번호 / Student ID")] for r in rows[1:]] == NUMBERS
    assert head[-45:] == QUESTIONS and "student_id" not in head and "id1" not in head
    start = next(i for i, r in enumerate(summary) if r and r[0] == "문항 / Question")
    listed = [r[0] for r in summary[start + 1 :] if r and r[0]]
    assert listed == QUESTIONS


# ---------------------------------------------------------------- the workspace


@pytest.fixture
def graded_workspace(tmp_path: Path) -> tuple[Workspace, int, list[int]]:
    folder = tmp_path / "omr"
    write_folder(folder, [*NUMBERS, NUMBERS[0]])  # the last sheet repeats a number
    ws = Workspace.open(tmp_path / "ws", staff="검토자")
    names = tmp_path / "roster.csv"
    names.write_text("이름,학번,반\n김하늘,20250001,A반\n이바다,20250002,A반\n", "utf-8")
    with ws.write() as s:
        roster.import_roster(s, roster.parse_roster(names))
    batch = grading.prepare(ws, "OMR 45", sorted(folder.glob("*.jpg")))
    subs = [sub_id for _r, sub_id in grading.run(ws, batch, jobs=1)]
    return ws, batch.exam_id, subs


def test_the_workspace_matches_students_and_exports_only_questions(
    graded_workspace: tuple[Workspace, int, list[int]], tmp_path: Path
) -> None:
    ws, exam_id, subs = graded_workspace
    try:
        with ws.read() as s:
            exam = exams.get_exam_by_id(s, exam_id)
            assert sorted(q.label for q in exam.questions) == sorted(QUESTIONS)
            assert exams.exam_template(exam).student_id == "student_id"
            read = {
                sub.id: (sub.student_number_read, sub.student.name if sub.student else None)
                for sub in s.scalars(select(Submission).where(Submission.id.in_(subs)))
            }
        assert [read[i] for i in subs] == [
            ("20250001", "김하늘"),
            ("20250002", "이바다"),
            ("99990000", None),  # not on the roster: kept as read
            ("20250001", "김하늘"),
        ]

        with ws.read() as s:
            export_exam(s, exam_id, "xlsx", tmp_path / "e.xlsx")
            export_exam(s, exam_id, "csv", tmp_path / "e.csv")
        wb = load_workbook(tmp_path / "e.xlsx", read_only=True)
        results = list(wb["결과 - Results"].iter_rows(values_only=True))
        questions = list(wb["문항 통계 - Questions"].iter_rows(values_only=True))
        wb.close()
        head = list(results[0])
        assert head[9:] == QUESTIONS
        numbers = [r[head.index("학생 번호 / Student number")] for r in results[1:]]
        assert sorted(numbers) == sorted([*NUMBERS, NUMBERS[0]])
        assert [r[0] for r in questions[1:]] == QUESTIONS
        # the choice columns are the sheet's choices, never one per student number
        assert [c for c in questions[0][9:]] == ["A", "B", "C", "D", "E"]
        with (tmp_path / "e.csv").open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        assert header[9:] == QUESTIONS
    finally:
        ws.close()


# ---------------------------------------------------------------- real samples


def test_sample6_roll_numbers(tmp_path: Path) -> None:
    """OMRChecker's sample6: Roll joins a letter column, seven roll digits and two
    check letters; it is the student number and the sheet has no questions."""
    folder = require_samples("sample6")
    truth = json.loads((REPO_ROOT / "tests" / "data" / "real_truth.json").read_text("utf-8"))
    job = plan([folder / "doc-scans"])
    t = next(iter(job.templates.values()))
    assert t.student_id == "Roll" and t.question_labels == [] and job.question_labels == []
    results = list(run(job, jobs=1))
    assert len(results) == 3
    for r in results:
        assert r.status == "ok" and r.student_id == r.fields["Roll"].value
        marks = truth[f"sample6/doc-scans/{Path(r.source).name}"]["fields"]
        wanted = "".join("".join(marks[p]) for p in t.joins["Roll"])
        # the roll digits are right; a doubtful letter is flagged, never silently wrong
        assert r.student_id[1:8] == wanted[1:8]
        assert r.student_id == wanted or "Roll" in r.flagged_labels
    stats = BatchStats(question_labels=job.question_labels)
    for r in results:
        stats.add(r)
    assert stats.questions == {}


def require_real_scans() -> Path:
    if not (REAL_SCANS / "truth.jsonl").is_file():
        pytest.skip(
            f"real scans not found at {REAL_SCANS}: clone the shared samples beside the "
            "repository to run this test"
        )
    return REAL_SCANS


def test_real_scans_templates_join_their_ids_as_student_numbers() -> None:
    root = require_real_scans()
    for path in sorted(root.glob("*/template.json")):
        t = load_template(path)
        data = json.loads(path.read_text("utf-8"))
        if "student_id" in data.get("customLabels", {}):
            assert t.student_id == "student_id", path
            assert not set(t.question_labels) & t.student_id_labels, path
        else:
            assert t.student_id is None, path
        fields = {f.label for f in t.fields}
        joined = {m for ms in t.joins.values() for m in ms}
        assert set(t.question_labels) == (fields - joined) | (set(t.joins) - {t.student_id})


@pytest.mark.slow
def test_real_scans_student_numbers_match_the_truth() -> None:
    root = require_real_scans()
    truth = [json.loads(x) for x in (root / "truth.jsonl").read_text("utf-8").splitlines()]
    wanted = {t["file"]: t.get("student_id") for t in truth}
    results = {
        Path(r.source).resolve().relative_to(root.resolve()).as_posix(): r
        for r in run(plan([root]), jobs=2)
    }
    with_id = {f: n for f, n in wanted.items() if n}
    assert len(with_id) == 14
    for file, number in with_id.items():
        r = results[file]
        assert r.student_id == number or "student_id" in r.flagged_labels, file
    assert all(results[f].student_id is None for f, n in wanted.items() if not n)


def test_evaluation_files_never_grade_an_id() -> None:
    """Every OMRChecker answer key of the samples fits its template with the ID left out."""
    root = require_samples()
    for name in ("sample5",):
        t = load_template(root / name / "template.json")
        key = load_key(root / name / "evaluation.json")
        assert check_key_against(key, t) == []
        assert set(key.items) <= set(t.question_labels)
