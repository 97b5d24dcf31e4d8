"""The review queue and the sheet data the review screen draws (Qt-free)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.engine.template.model import Bubble, Field
from academy_desktop.store import exams, review
from academy_desktop.store.models import Exam, Scan, Student, Submission
from academy_desktop.store.review_queue import progress, review_queue, update_items
from academy_desktop.store.review_sheet import load_sheet, toggle_value, value_choices
from academy_desktop.store.submissions import record_result

BUNDLED = "kr-20q-5c-id8"
STAFF = "검토자"


def _field(label: str, value: str, status: str = "ok", confidence: float = 0.99) -> FieldResult:
    marking = "blank" if not value else ("multi" if len(value) > 1 else "single")
    return FieldResult(label, list(value), marking, confidence, status, {}, value)  # type: ignore[arg-type]


def _id_fields(number: str, unclear: str | None = None) -> dict[str, FieldResult]:
    out = {}
    for i, digit in enumerate(number, start=1):
        label = f"id{i}"
        status = "low_confidence" if label == unclear else "ok"
        out[label] = _field(label, digit, status, 0.5 if label == unclear else 0.99)
    out["student_id"] = _field("student_id", number)
    out["student_id"].marking = "single"
    return out


class Sheets:
    """An exam with five pages: see :func:`sheets`."""

    def __init__(self, session: Session, exam: Exam) -> None:
        self.session = session
        self.exam = exam
        self.ids: dict[str, int] = {}
        self._n = 0

    def add(
        self,
        name: str,
        number: str,
        fields: dict[str, FieldResult],
        *,
        status: str = "ok",
        unclear: str | None = None,
    ) -> int:
        self._n += 1
        scan = Scan(
            sha256=f"{self._n:064x}",
            original_name=f"{name}.jpg",
            stored_path=f"scans/{name}.jpg",
            size=1,
            page_count=1,
        )
        self.session.add(scan)
        self.session.flush()
        all_fields = {**_id_fields(number, unclear), **fields} if status == "ok" else {}
        result = PageResult(
            f"{name}.jpg",
            1,
            status,  # type: ignore[arg-type]
            BUNDLED,
            rejection_code=None if status == "ok" else "BLUR_OR_SHAKE",
            student_id=number if status == "ok" else None,
            fields=all_fields,
        )
        sub, _ = record_result(self.session, self.exam, scan, result)
        self.ids[name] = sub.id
        return sub.id


@pytest.fixture
def sheets(session: Session, tmp_path: Path) -> Sheets:
    key = tmp_path / "key.csv"
    key.write_text("문항,정답\n1,3\n2,4\n3,5\n", encoding="utf-8")
    exam = exams.create_exam(session, "단원평가", BUNDLED, key=key)
    session.add_all(
        [
            Student(number="20250001", name="김하늘"),
            Student(number="20250002", name="이바다"),
            Student(number="20250003", name="박구름"),
            Student(number="20250004", name="최나무"),
        ]
    )
    session.flush()
    data = Sheets(session, exam)
    # a: known student; q2 a double mark, q3 a faint one
    data.add(
        "a",
        "20250001",
        {
            "q1": _field("q1", "3"),
            "q2": _field("q2", "24", "ambiguous", 0.6),
            "q3": _field("q3", "", "low_confidence", 0.4),
        },
    )
    # b: a number that is not in the roster; q1 could not be read
    data.add("b", "20250009", {"q1": _field("q1", "", "error", 0.0), "q2": _field("q2", "4")})
    # c and d: the same student twice; c's ID grid has an unclear digit
    data.add("c", "20250002", {"q1": _field("q1", "3", "ambiguous", 0.7)}, unclear="id3")
    data.add("d", "20250002", {"q1": _field("q1", "1")})
    # e: a rejected page is not reviewed here
    data.add("e", "", {}, status="rejected")
    exams.regrade_exam(session, exam)
    return data


def keys(items: list) -> list[tuple[str, str, str]]:
    return [(i.label, i.kind, i.status) for i in items]


def test_queue_lists_students_first_then_answers_least_confident_first(sheets: Sheets) -> None:
    s, ids = sheets.session, sheets.ids
    items = review_queue(s, sheets.exam.id)
    by_sub = {v: k for k, v in ids.items()}
    got = [(by_sub[i.submission_id], i.label, i.status) for i in items]
    assert got == [
        ("b", "student", "unknown"),
        ("c", "student", "duplicate"),
        ("d", "student", "duplicate"),
        ("b", "q1", "error"),  # confidence 0.0
        ("a", "q3", "low_confidence"),  # 0.4
        ("a", "q2", "ambiguous"),  # 0.6
        ("c", "q1", "ambiguous"),  # 0.7
    ]
    assert not any(i.settled for i in items)
    assert progress(items) == (7, 7)
    assert items[0].who == "20250009"  # no roster name: the number read
    assert items[4].who == "김하늘"
    # the unclear ID digit is part of the student item, not an answer of its own
    assert "id3" not in [i.label for i in items]


def test_a_batch_is_a_subset_and_an_empty_one_is_empty(sheets: Sheets) -> None:
    s, ids = sheets.session, sheets.ids
    items = review_queue(s, sheets.exam.id, [ids["a"], ids["e"]])
    assert [(i.label, i.submission_id) for i in items] == [("q3", ids["a"]), ("q2", ids["a"])]
    assert review_queue(s, sheets.exam.id, []) == []
    assert review_queue(s, 9999) == []


def test_settled_items_stay_in_the_queue_and_count_as_done(sheets: Sheets) -> None:
    s, ids = sheets.session, sheets.ids
    review.set_value(s, ids["a"], "q3", "5", decided_by=STAFF)
    items = review_queue(s, sheets.exam.id)
    q3 = next(i for i in items if i.key == (ids["a"], "q3"))
    assert q3.settled and q3.status == "low_confidence"
    assert progress(items) == (6, 7)
    review.undo_last(s, ids["a"], decided_by=STAFF)
    assert progress(review_queue(s, sheets.exam.id)) == (7, 7)


def test_student_items_settle_when_resolved_and_confirmed(sheets: Sheets) -> None:
    s, ids, exam_id = sheets.session, sheets.ids, sheets.exam.id

    def student(name: str) -> tuple[str, bool] | None:
        for i in review_queue(s, exam_id):
            if i.kind == "student" and i.submission_id == ids[name]:
                return i.status, i.settled
        return None

    review.set_value(s, ids["b"], "student", "20250003", decided_by=STAFF)
    assert student("b") == ("confirmed", True)  # stays listed, settled
    review.set_value(s, ids["d"], "student", "20250004", decided_by=STAFF)
    assert student("d") == ("confirmed", True)
    # c is no longer shared, but its ID grid was unclear: a person must confirm it
    assert student("c") == ("unclear", False)
    review.set_value(s, ids["c"], "student", "20250002", decided_by=STAFF)
    assert student("c") == ("unclear", True)
    review.undo_last(s, ids["c"], decided_by=STAFF)
    assert student("c") == ("unclear", False)


def test_unknown_students_are_only_queued_when_there_is_a_roster(
    sheets: Sheets,
) -> None:
    s = sheets.session
    for sub in s.query(Submission).all():
        sub.student_id = None
    for st in s.query(Student).all():
        s.delete(st)
    s.flush()
    items = review_queue(s, sheets.exam.id)
    assert [i for i in items if i.status == "unknown"] == []
    assert all(i.kind == "answer" for i in items)


def test_load_sheet_has_what_the_view_draws(sheets: Sheets, tmp_path: Path) -> None:
    s, ids = sheets.session, sheets.ids
    sub = s.get(Submission, ids["a"])
    assert sub is not None
    sub.engine_payload = {
        **(sub.engine_payload or {}),
        "alignment": {
            "homography": [[2, 0, 10], [0, 2, 20], [0, 0, 1]],
            "image_size": [420, 594],
            "rotation": 180,
            "blocks": {"q1-10": {"dx": 0.25, "dy": -0.5, "score": 0.9}},
        },
    }
    s.flush()
    sheet = load_sheet(s, ids["a"], tmp_path)
    assert sheet.exam_title == "단원평가" and sheet.template.name == BUNDLED
    assert sheet.student_name == "김하늘" and sheet.student_number == "20250001"
    assert sheet.student_reason is None and sheet.student_settled
    q1, q2, q3 = (sheet.fields[k] for k in ("q1", "q2", "q3"))
    assert (q1.correct, q1.key_answers, q1.display_status) == (True, ("3",), "ok")
    assert (q2.correct, q2.display_status, q2.detected) == (False, "multi", ("2", "4"))
    assert q2.provisional and q2.flagged
    assert (q3.display_status, q3.key_answers) == ("low_confidence", ("5",))
    assert sheet.score == 1.0 and sheet.max_score == 3.0
    assert sheet.homography == ((2.0, 0.0, 10.0), (0.0, 2.0, 20.0), (0.0, 0.0, 1.0))
    assert sheet.image_size == (420, 594) and sheet.rotation == 180
    assert sheet.shift("q1-10") == (0.25, -0.5) and sheet.shift("q11-20") == (0.0, 0.0)
    assert sheet.image_path == tmp_path / "scans" / "a.jpg"
    assert sheet.history == ()

    review.set_value(s, ids["a"], "q3", "5", decided_by=STAFF)
    after = load_sheet(s, ids["a"])
    q3 = after.fields["q3"]
    assert (q3.current_value, q3.reviewed, q3.correct, q3.display_status) == (
        "5",
        True,
        True,
        "reviewed",
    )
    assert after.score == 2.0
    assert [(h.field, h.old_value, h.new_value, h.decided_by) for h in after.history] == [
        ("q3", "", "5", STAFF)
    ]
    assert after.field_history("q3")[0].in_effect and after.field_history("q1") == []
    assert after.image_path == Path("scans/a.jpg")  # relative without a folder

    items = review_queue(s, sheets.exam.id)
    stale = [dataclasses.replace(i, settled=False) for i in items]
    fresh = update_items(stale, after)
    q3_item = next(i for i in fresh if i.key == (ids["a"], "q3"))
    assert q3_item.settled
    assert not next(i for i in fresh if i.key == (ids["a"], "q2")).settled


def test_sheet_flags_duplicates_unclear_ids_and_rejected_pages(sheets: Sheets) -> None:
    s, ids = sheets.session, sheets.ids
    c = load_sheet(s, ids["c"])
    assert c.student_duplicate and c.id_unclear and c.student_reason == "duplicate"
    assert not c.student_settled
    b = load_sheet(s, ids["b"])
    assert b.student_id is None and b.student_number_read == "20250009"
    assert b.student_reason == "unknown" and b.roster_size == 4
    e = load_sheet(s, ids["e"])
    assert not e.graded and e.fields == {} and e.student_reason is None
    assert c.template.student_id_labels == frozenset(
        {"student_id", *(f"id{i}" for i in range(1, 9))}
    )


def test_values_and_bubbles() -> None:
    mcq = Field("q1", "mcq", "b", tuple(Bubble(v, 0, 0, 1, 1) for v in "12345"))
    assert value_choices(mcq, "24") == ("2", "4")
    assert value_choices(mcq, "") == ()
    assert value_choices(mcq, "42") == ()  # not in bubble order
    assert value_choices(mcq, "7") == ()
    assert toggle_value(mcq, "2", "4") == "24"
    assert toggle_value(mcq, "24", "2") == "4"
    assert toggle_value(mcq, "", "3") == "3"
    assert toggle_value(mcq, "3", "3") == ""
    wide = Field("c1", "custom", "b", tuple(Bubble(v, 0, 0, 1, 1) for v in ("1", "10", "A")))
    assert value_choices(wide, "10a") == ("10", "A")  # several characters per bubble
