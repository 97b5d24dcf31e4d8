"""Scans copied into the workspace by content, and page results stored idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.store.models import (
    Exam,
    ReviewState,
    Student,
    Submission,
    SubmissionAnswer,
    SubmissionStatus,
    Template,
)
from academy_desktop.store.scans import scan_relpath, sha256_file, store_scan
from academy_desktop.store.submissions import graded_pages, record_result


@pytest.fixture
def exam(session: Session) -> Exam:
    t = Template(name="kr-20q", source="bundled", origin=None, content={}, sha256="0" * 64)
    e = Exam(title="3월 모의고사", template=t, target_id=77)
    session.add(e)
    session.add(Student(number="20250001", name="김하늘", enrollment_id=501))
    session.flush()
    return e


def _result(page: int, student: str | None = "20250001", status: str = "ok") -> PageResult:
    fields = {
        "q1": FieldResult("q1", ["3"], "single", 0.97, "ok", {"marks": []}, "3"),
        "q2": FieldResult("q2", ["2", "4"], "multi", 0.79, "ambiguous", {"marks": []}, "24"),
    }
    if status != "ok":
        return PageResult("a.pdf", page, "rejected", "kr-20q", "TOO_DARK", "너무 어둡습니다 / dark")
    return PageResult("a.pdf", page, "ok", "kr-20q", student_id=student, fields=fields, score=1.0)


def test_a_scan_is_stored_once_by_content(tmp_path: Path, session: Session) -> None:
    src = tmp_path / "in" / "Scan 01.PDF"
    src.parent.mkdir()
    src.write_bytes(b"%PDF-1.4 fake scan bytes")
    ws = tmp_path / "ws"
    scan, created = store_scan(session, ws, src, page_count=2)
    assert created and scan.stored_path == scan_relpath(sha256_file(src), ".pdf")
    assert (ws / scan.stored_path).read_bytes() == src.read_bytes()
    copy = tmp_path / "elsewhere.pdf"
    copy.write_bytes(src.read_bytes())
    again, created_again = store_scan(session, ws, copy, page_count=2)
    assert again.id == scan.id and not created_again
    src.unlink()  # deleting the source loses nothing
    assert (ws / scan.stored_path).is_file()
    assert not list(ws.rglob("*.partial"))


def test_a_missing_workspace_copy_is_restored(tmp_path: Path, session: Session) -> None:
    src = tmp_path / "a.jpg"
    src.write_bytes(b"\xff\xd8 jpeg-ish")
    scan, _ = store_scan(session, tmp_path / "ws", src, page_count=1)
    (tmp_path / "ws" / scan.stored_path).unlink()
    store_scan(session, tmp_path / "ws", src, page_count=1)
    assert (tmp_path / "ws" / scan.stored_path).is_file()


def test_results_become_submissions_in_the_servers_shape(
    tmp_path: Path, session: Session, exam: Exam
) -> None:
    src = tmp_path / "a.pdf"
    src.write_bytes(b"%PDF two pages")
    scan, _ = store_scan(session, tmp_path / "ws", src, page_count=2)
    sub, created = record_result(session, exam, scan, _result(1))
    rejected, _ = record_result(session, exam, scan, _result(2, status="rejected"))
    assert created
    assert (sub.target_type, sub.target_id, sub.source) == ("exam", 77, "omr_scan")
    assert sub.student is not None and sub.student.name == "김하늘" and sub.enrollment_id == 501
    assert sub.status == SubmissionStatus.DONE and sub.review_state == ReviewState.NEEDED
    answers = {a.label: a for a in sub.answers}
    assert answers["q2"].answer == "24" and answers["q2"].meta["omr"]["status"] == "ambiguous"
    assert answers["q1"].meta["omr"]["version"] == "v1"
    assert rejected.status == SubmissionStatus.FAILED and rejected.rejection_code == "TOO_DARK"
    assert rejected.error_message and "/" in rejected.error_message
    assert graded_pages(session, exam, scan) == {1, 2}


def test_recording_a_page_twice_changes_nothing(
    tmp_path: Path, session: Session, exam: Exam
) -> None:
    src = tmp_path / "a.jpg"
    src.write_bytes(b"\xff\xd8 page")
    scan, _ = store_scan(session, tmp_path / "ws", src, page_count=1)
    first, _ = record_result(session, exam, scan, _result(1))
    first.answers[0].current_value = "5"  # a person's review
    second, created = record_result(session, exam, scan, _result(1))
    assert second.id == first.id and not created
    assert session.scalar(select(func.count()).select_from(Submission)) == 1
    assert session.scalar(select(func.count()).select_from(SubmissionAnswer)) == 2
    assert first.answers[0].current_value == "5"


def test_an_unknown_student_number_is_kept_for_matching_later(
    tmp_path: Path, session: Session, exam: Exam
) -> None:
    src = tmp_path / "b.jpg"
    src.write_bytes(b"\xff\xd8 other")
    scan, _ = store_scan(session, tmp_path / "ws", src, page_count=1)
    sub, _ = record_result(session, exam, scan, _result(1, student="99999999"))
    assert sub.student_id is None and sub.enrollment_id is None
    assert sub.student_number_read == "99999999"
