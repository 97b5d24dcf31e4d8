"""Answer keys typed as a string ("31452 24135"): parsing, checks against the sheet,
keeping points and sections, writing a key back; the CLI's ``exam set-key --digits``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.cli.main import main
from academy_desktop.engine.answerkey import DEFAULT_SECTION, AnswerKey, KeyItem, Marking, load_key
from academy_desktop.engine.answerkey_text import (
    apply_answers,
    format_digit_key,
    key_labels,
    parse_answer_cell,
    parse_digit_key,
)
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Template
from academy_desktop.store.models import Submission

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "resources" / "samples"


def require_samples(*parts: str) -> Path:
    """The OMRChecker samples beside the clone (as conftest.py finds them), or skip."""
    path = REPO_ROOT.parent.joinpath("shared", "omr-samples", *parts)
    if not path.exists():
        pytest.skip(f"OMR sample scans not found at {path}")
    return path


@pytest.fixture(scope="module")
def sheet() -> Template:
    return load_template("kr-20q-5c-id8")


def test_digits_in_question_order_ignoring_spaces_and_commas(sheet: Template) -> None:
    parsed = parse_digit_key("31452 24135\n3,1;4 5 2  24135", sheet)
    assert parsed.ok and parsed.typed == 20 and parsed.missing == []
    answers = parsed.answers()
    assert list(answers) == [f"q{n}" for n in range(1, 21)]
    assert answers["q1"] == ("3",) and answers["q10"] == ("5",) and answers["q20"] == ("5",)
    assert "id1" not in answers  # the student ID is never part of the key


def test_several_answers_exact_multi_marks_any_and_skip(sheet: Template) -> None:
    parsed = parse_digit_key("(24) 2/4 [24] * ? (3[24]) ③３", sheet)
    assert parsed.ok, parsed.errors
    a = parsed.answers()
    assert a["q1"] == ("2", "4") and a["q2"] == ("2", "4")
    assert a["q3"] == ("24",)  # 2 and 4 both marked
    assert a["q4"] == ("1", "2", "3", "4", "5")  # every choice
    assert "q5" not in a and parsed.skipped == ["q5"]
    assert a["q6"] == ("3", "24")
    assert a["q7"] == ("3",) and a["q8"] == ("3",)  # circled and full-width digits
    assert parsed.missing == [f"q{n}" for n in range(9, 21)]


def test_problems_name_the_question_in_both_languages(sheet: Template) -> None:
    parsed = parse_digit_key("31462 " + "1" * 15, sheet)
    assert not parsed.ok
    assert parsed.invalid == ["q4"]
    assert any(e.startswith("q4: '6'") and "(choices: 1, 2, 3, 4, 5)" in e for e in parsed.errors)
    assert any("선택지" in e for e in parsed.errors)
    too_many = parse_digit_key("1" * 21, sheet)
    assert any("21 answers typed but the sheet has 20 questions" in e for e in too_many.errors)
    assert not parse_digit_key("3(24", sheet).ok
    unclosed = parse_digit_key("3(24", sheet).errors[0]
    assert "character 2" in unclosed and "never closed" in unclosed
    assert not parse_digit_key("3-1", sheet).ok  # "-" is not a separator: it could mean blank
    assert not parse_digit_key("()", sheet).ok


def test_typed_tokens_are_kept_per_question_for_the_check_grid(sheet: Template) -> None:
    parsed = parse_digit_key("3 (24) 9", sheet)
    assert parsed.tokens == {"q1": "3", "q2": "(24)", "q3": "9"}
    assert parsed.invalid == ["q3"]


def test_letters_match_the_sheet_spelling() -> None:
    t = load_template(require_samples("sample4", "template.json"))
    labels = key_labels(t)
    parsed = parse_digit_key("bcad", t, labels)
    assert parsed.ok, parsed.errors
    values = t.field_map[labels[0]].values
    assert parsed.answers()[labels[0]] == (next(v for v in values if v.lower() == "b"),)


def test_apply_answers_keeps_points_sections_and_overrides() -> None:
    base = AnswerKey(
        items={
            "q1": KeyItem("q1", (("3", 2.0),), "수학", incorrect=-0.5),
            "q2": KeyItem("q2", (("1", None),)),
            "q3": KeyItem("q3", (("2", 3.0), ("4", 1.0))),
        },
        sections={DEFAULT_SECTION: Marking(), "수학": Marking(2.0, -0.5, 0.0)},
    )
    key = apply_answers(base, {"q1": ("4",), "q3": ("4", "5"), "q4": ("1",)})
    assert list(key.items) == ["q1", "q3", "q4"]  # q2 not typed: not in the key
    assert key.items["q1"] == KeyItem("q1", (("4", 2.0),), "수학", incorrect=-0.5)
    # q3 answers had different points: a kept answer keeps its own, a new one gets none
    assert key.items["q3"].accepted == (("4", 1.0), ("5", None))
    assert key.items["q4"] == KeyItem("q4", (("1", None),))
    assert key.sections == base.sections


def test_format_round_trips_through_parse(sheet: Template) -> None:
    text = "(24)1[24]*? 3"
    key = apply_answers(None, parse_digit_key(text, sheet).answers())
    written = format_digit_key(key, sheet)
    assert written == "(24)1[24]*? 3"
    assert parse_digit_key(written, sheet).answers() == parse_digit_key(text, sheet).answers()
    sample = load_key(SAMPLES / "kr-20q-key.json")
    assert format_digit_key(sample, sheet) == "13434 51432 35334 35453"


def test_answer_cell_lists_alternatives() -> None:
    assert parse_answer_cell("2, 4") == ("2", "4")
    assert parse_answer_cell("2/4|5") == ("2", "4", "5")
    assert parse_answer_cell(" 24 ") == ("24",)
    assert parse_answer_cell("") == ()


def test_cli_sets_the_key_from_digits_lists_and_restores_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--workspace", str(tmp_path / "ws"), "--staff", "김선생"]
    exam = "3월"
    key = str(SAMPLES / "kr-20q-key.json")
    assert main(["exam", "create", *common, "--name", exam, "--template", "kr-20q-5c-id8",
                 "--key", key, "--date", "2026-03-02"]) == 0  # fmt: skip
    scan = str(SAMPLES / "kr-20q-sample-1.jpg")
    assert main(["grade", *common, "--exam", exam, "--jobs", "1", "--quiet", scan]) == 0
    capsys.readouterr()
    # the student's own answers (q13 double-marked 1 and 3) as the key: full marks
    assert main(["exam", "set-key", *common, exam, "--digits", "53451 51442 35[13]31 35144"]) == 0
    assert "version 2" in capsys.readouterr().out
    out = tmp_path / "r.jsonl"
    assert main(["export", *common, "--exam", exam, "--format", "jsonl", "--out", str(out)]) == 0
    assert json.loads(out.read_text("utf-8").splitlines()[0])["score"] == 20.0
    capsys.readouterr()

    assert main(["exam", "keys", *common, exam]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["v1", "v2"]
    assert lines[0].split("\t")[2] == "김선생"
    assert lines[1].endswith("53451 51442 35[13]31 35144")

    assert main(["exam", "set-key", *common, exam, "--from-version", "1"]) == 0
    capsys.readouterr()
    assert main(["exam", "keys", *common, exam, "--version", "3"]) == 0
    restored = json.loads(capsys.readouterr().out)
    assert restored["answers"]["q1"] == {"accept": ["1"]}
    assert main(["export", *common, "--exam", exam, "--format", "jsonl", "--out", str(out)]) == 0
    assert json.loads(out.read_text("utf-8").splitlines()[0])["score"] == 11.0

    assert main(["exam", "set-key", *common, exam, "--digits", "5345x"]) == 2
    assert "q5: 'x'" in capsys.readouterr().err
    assert main(["exam", "keys", *common, exam, "--version", "9"]) == 2
    assert "no answer key version 9" in capsys.readouterr().err

    from datetime import date

    from academy_desktop.store import Workspace, exams

    with Workspace.open(tmp_path / "ws") as ws, ws.read() as s:
        assert exams.get_exam(s, exam).exam_date == date(2026, 3, 2)


def test_set_key_object_checks_reports_progress_and_cancels_cleanly(session: Session) -> None:
    from academy_desktop.engine.progress import Cancelled, TaskState
    from academy_desktop.engine.result import FieldResult, PageResult
    from academy_desktop.store import exams
    from academy_desktop.store.models import Scan
    from academy_desktop.store.submissions import record_result

    sheet = load_template("kr-20q-5c-id8")
    exam = exams.create_exam(session, "시험", "kr-20q-5c-id8")
    for n in range(3):
        scan = Scan(
            sha256=f"{n}" * 64, original_name="a.jpg", stored_path=f"{n}", size=1, page_count=1
        )
        session.add(scan)
        session.flush()
        fields = {"q1": FieldResult("q1", ["3"], "single", 1.0, "ok", {}, "3")}
        record_result(session, exam, scan, PageResult(f"{n}.jpg", 1, "ok", "kr", fields=fields))
    with pytest.raises(exams.StoreError, match="no answers"):
        exams.set_key_object(session, exam, apply_answers(None, {}), created_by="a")
    with pytest.raises(exams.StoreError, match="cannot be read from the sheet"):
        exams.set_key_object(session, exam, apply_answers(None, {"q1": ("6",)}), created_by="a")
    seen: list[float] = []
    state = TaskState(lambda f, _m: seen.append(f))
    key = apply_answers(None, parse_digit_key("3", sheet).answers())
    version = exams.set_key_object(session, exam, key, created_by="김선생", state=state)
    assert version.version == 1 and version.created_by == "김선생"
    assert seen[0] == 0.0 and seen[-1] == 1.0 and len(seen) == 4
    assert exams.submission_count(session, exam.id) == 3
    assert all(s.score == 1.0 for s in session.scalars(select(Submission)))
    session.commit()

    cancelled = TaskState()
    cancelled.cancel()
    with pytest.raises(Cancelled):
        exams.set_key_object(session, exam, apply_answers(None, {"q1": ("2",)}), created_by="b",
                             state=cancelled)  # fmt: skip
    session.rollback()
    assert [k.version for k in exams.key_history(exam)] == [1]
    assert all(s.score == 1.0 for s in session.scalars(select(Submission)))
