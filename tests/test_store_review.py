"""Review decisions: values checked against the sheet, re-scoring, and an append-only audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.store import exams, review
from academy_desktop.store.models import (
    ReviewDecision,
    ReviewState,
    Scan,
    Student,
    Submission,
)
from academy_desktop.store.submissions import record_result

BUNDLED = "kr-20q-5c-id8"


def _field(label: str, value: str, status: str) -> FieldResult:
    marking = "blank" if not value else ("multi" if len(value) > 1 else "single")
    return FieldResult(label, list(value), marking, 0.7, status, {}, value)  # type: ignore[arg-type]


@pytest.fixture
def sub(session: Session, tmp_path: Path) -> Submission:
    key = tmp_path / "key.csv"
    key.write_text("문항,정답\n1,3\n2,4\n3,5\n", encoding="utf-8")
    exam = exams.create_exam(session, "단원평가", BUNDLED, key=key)
    session.add_all(
        [
            Student(number="20250001", name="김하늘", enrollment_id=501),
            Student(number="20250002", name="이바다", enrollment_id=502),
        ]
    )
    scan = Scan(sha256="a" * 64, original_name="a.pdf", stored_path="a", size=1, page_count=1)
    session.add(scan)
    session.flush()
    fields = {
        "q1": _field("q1", "3", "ok"),
        "q2": _field("q2", "24", "ambiguous"),
        "q3": _field("q3", "", "low_confidence"),
    }
    result = PageResult("a.pdf", 1, "ok", BUNDLED, student_id="20250001", fields=fields)
    s, _ = record_result(session, exam, scan, result)
    exams.regrade_exam(session, exam)
    return s


def _answer(sub: Submission, label: str) -> tuple[str, bool]:
    a = next(a for a in sub.answers if a.label == label)
    return a.current_value, a.reviewed


def _rows(session: Session) -> list[tuple[object, ...]]:
    return [
        (d.id, d.field, d.old_value, d.new_value, d.decided_by, d.reason)
        for d in session.scalars(select(ReviewDecision).order_by(ReviewDecision.id))
    ]


def test_a_decision_is_audited_rescored_and_settles_the_review(
    session: Session, sub: Submission
) -> None:
    assert (sub.score, sub.review_state) == (1.0, ReviewState.NEEDED)
    d = review.set_value(session, sub.id, "q2", "4", decided_by="김선생", reason="지운 자국")
    assert (d.field, d.old_value, d.new_value, d.decided_by, d.reason) == (
        "q2",
        "24",
        "4",
        "김선생",
        "지운 자국",
    )
    assert d.decided_at is not None
    assert _answer(sub, "q2") == ("4", True) and sub.answers[1].answer == "24"
    assert sub.score == 2.0
    assert (sub.engine_payload or {})["grades"]["q2"]["provisional"] is False
    assert sub.review_state == ReviewState.NEEDED  # q3 is still flagged
    review.set_value(session, sub.id, "q3", "", decided_by="김선생")  # confirmed blank
    assert sub.review_state == ReviewState.DONE and sub.score == 2.0
    assert [h.field for h in review.history(session, sub.id)] == ["q2", "q3"]


def test_values_are_checked_against_the_sheet(session: Session, sub: Submission) -> None:
    with pytest.raises(exams.StoreError, match=r"'6'.*선택지: 1, 2, 3, 4, 5.*not a possible"):
        review.set_value(session, sub.id, "q1", "6", decided_by="김선생")
    with pytest.raises(exams.StoreError, match="q42"):
        review.set_value(session, sub.id, "q42", "1", decided_by="김선생")
    with pytest.raises(exams.StoreError, match=r"Reviewer|reviewer"):
        review.set_value(session, sub.id, "q1", "1", decided_by=" ")
    with pytest.raises(exams.StoreError, match="#999"):
        review.set_value(session, 999, "q1", "1", decided_by="김선생")
    review.set_value(session, sub.id, "q1", "25", decided_by="김선생")  # a double mark
    assert _answer(sub, "q1") == ("25", True)
    assert len(review.history(session, sub.id)) == 1  # refused values left no row


def test_undo_adds_a_row_and_restores(session: Session, sub: Submission) -> None:
    first = review.set_value(session, sub.id, "q2", "4", decided_by="김선생")
    review.set_value(session, sub.id, "q3", "5", decided_by="김선생")
    assert (sub.score, sub.review_state) == (3.0, ReviewState.DONE)
    undo = review.undo_last(session, sub.id, decided_by="박선생")
    assert undo is not None and undo.field == "q3" and (undo.reason or "").startswith("undo #")
    assert (undo.old_value, undo.new_value, undo.decided_by) == ("5", "", "박선생")
    assert _answer(sub, "q3") == ("", False)
    assert (sub.score, sub.review_state) == (2.0, ReviewState.NEEDED)
    redo = review.undo_last(session, sub.id, decided_by="박선생")  # undo of the undo
    assert redo is not None and redo.reason == f"undo #{undo.id}"
    assert _answer(sub, "q3") == ("5", True)
    assert (sub.score, sub.review_state) == (3.0, ReviewState.DONE)
    assert _answer(sub, "q2") == ("4", True)
    assert len(review.history(session, sub.id)) == 4
    effect = review.in_effect(review.history(session, sub.id))
    assert effect[first.id] and not effect[undo.id] and effect[redo.id]


def test_rows_are_only_ever_added(session: Session, sub: Submission) -> None:
    assert review.undo_last(session, sub.id, decided_by="김선생") is None
    seen: list[tuple[object, ...]] = []
    steps = [
        lambda: review.set_value(session, sub.id, "q1", "1", decided_by="a"),
        lambda: review.set_value(session, sub.id, "q1", "2", decided_by="b"),
        lambda: review.undo_last(session, sub.id, decided_by="c"),
        lambda: review.undo_last(session, sub.id, decided_by="c"),
        lambda: review.undo_last(session, sub.id, decided_by="c"),
        lambda: review.undo_last(session, sub.id, decided_by="c"),
    ]
    for step in steps:
        step()
        rows = _rows(session)
        assert rows[: len(seen)] == seen and len(rows) == len(seen) + 1
        seen = rows
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 6
    assert _answer(sub, "q1") == ("2", True)  # undo, redo, undo, redo: back to "2"
    with pytest.raises(exams.StoreError, match="undo"):
        review.set_value(session, sub.id, "q1", "3", decided_by="a", reason="undo #1")


def test_the_student_can_be_changed_and_undone(session: Session, sub: Submission) -> None:
    assert sub.enrollment_id == 501
    d = review.set_value(session, sub.id, "student", "20250002", decided_by="김선생")
    assert (d.old_value, d.new_value) == ("20250001", "20250002")
    assert sub.student is not None and sub.student.name == "이바다" and sub.enrollment_id == 502
    with pytest.raises(exams.StoreError, match="20259999"):
        review.set_value(session, sub.id, "student", "20259999", decided_by="김선생")
    review.undo_last(session, sub.id, decided_by="김선생")
    assert sub.student is not None and sub.student.number == "20250001"
    assert sub.enrollment_id == 501 and sub.review_state == ReviewState.NEEDED
