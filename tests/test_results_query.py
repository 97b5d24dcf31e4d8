"""Results-table queries: filters, sorts, pages, badges, open flags kept right
(recording, review, re-keying, migration backfill), and ``main.py results``."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from conftest import REPO_ROOT
from sqlalchemy.orm import Session

from academy_desktop.cli.main import main
from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.store import Workspace, exams, review
from academy_desktop.store.database import create_sqlite_engine
from academy_desktop.store.migrate import alembic_config
from academy_desktop.store.models import Exam, Scan, Student, Submission
from academy_desktop.store.results import (
    ResultFilter,
    ResultSort,
    count_results,
    exam_counts,
    list_results,
)
from academy_desktop.store.submissions import record_result

T20 = "kr-20q-5c-id8"
SAMPLES = REPO_ROOT / "resources" / "samples"


def _field(label: str, value: str, status: str = "ok") -> FieldResult:
    marking = "blank" if not value else ("multi" if len(value) > 1 else "single")
    return FieldResult(label, list(value), marking, 0.6, status, {}, value)  # type: ignore[arg-type]


def _page(
    page: int,
    student: str | None,
    flagged: int = 0,
    *,
    score: float | None = None,
    rejected: str | None = None,
) -> PageResult:
    if rejected:
        return PageResult(f"s{page}.jpg", page, "rejected", T20, rejected, "사유 / reason")
    fields = {f"q{q}": _field(f"q{q}", "3", "ambiguous" if q <= flagged else "ok")
              for q in range(1, 4)}  # fmt: skip
    return PageResult(f"s{page}.jpg", page, "ok", T20, student_id=student, fields=fields,
                      score=score, max_score=3.0)  # fmt: skip


# page -> (student number read, open flags, score, rejection)
SHEETS: dict[int, tuple[str | None, int, float | None, str | None]] = {
    1: ("20250001", 0, 3.0, None),  # 김하늘
    2: ("20250002", 2, 1.0, None),  # 이바다, two flags
    3: (None, 0, None, "NOT_A_SHEET"),  # rejected
    4: ("99999999", 1, 2.0, None),  # not in the roster
    5: ("20250001", 0, 2.0, None),  # 김하늘 again: a duplicate of 1
    6: ("99999999", 0, 0.0, None),  # the same unknown number as 4: duplicates
    7: ("20250003", 0, 3.0, None),  # 박구름
    8: ("", 0, 1.0, None),  # no number read: unknown, never a duplicate
}


@pytest.fixture
def exam(session: Session) -> Exam:
    e = exams.create_exam(session, "단원평가", T20)
    session.add_all(
        [
            Student(number="20250001", name="김하늘"),
            Student(number="20250002", name="이바다"),
            Student(number="20250003", name="박구름"),
        ]
    )
    scan = Scan(sha256="a" * 64, original_name="반1.pdf", stored_path="a", size=1, page_count=8)
    session.add(scan)
    session.flush()
    for page, (number, flags, score, rejected) in SHEETS.items():
        record_result(session, e, scan, _page(page, number, flags, score=score, rejected=rejected))
    session.flush()
    return e


def _pages(session: Session, exam: Exam, **kw: object) -> list[int]:
    return [r.page for r in list_results(session, exam.id, limit=100, **kw)]  # type: ignore[arg-type]


def test_filters_and_badges(session: Session, exam: Exam) -> None:
    want = {
        ResultFilter.ALL: [1, 2, 3, 4, 5, 6, 7, 8],
        ResultFilter.FLAGGED: [2, 3, 4],  # open flags, or waiting for review (rejected)
        ResultFilter.REJECTED: [3],
        ResultFilter.UNKNOWN_STUDENT: [4, 6, 8],
        ResultFilter.DUPLICATE_STUDENT: [1, 4, 5, 6],
    }
    for kind, pages in want.items():
        assert _pages(session, exam, filter=kind) == pages, kind
        assert count_results(session, exam.id, kind) == len(pages)
    assert exam_counts(session, exam.id) == {k: len(v) for k, v in want.items()}
    # the per-row flag (probed row by row) agrees with the filter (set-based)
    rows = list_results(session, exam.id)
    assert [r.page for r in rows if r.duplicate] == want[ResultFilter.DUPLICATE_STUDENT]
    assert count_results(session, exam.id) == 8
    assert count_results(session, exam.id + 1) == 0


def test_rows_carry_flags_rejection_and_duplicates(session: Session, exam: Exam) -> None:
    rows = {r.page: r for r in list_results(session, exam.id)}
    assert (rows[1].student_name, rows[1].student_number, rows[1].duplicate) == (
        "김하늘", "20250001", True
    )  # fmt: skip
    assert (rows[2].flagged, rows[2].review_state, rows[2].duplicate) == (2, "needed", False)
    assert (rows[3].status, rows[3].rejection_code, rows[3].score) == (
        "failed", "NOT_A_SHEET", None
    )  # fmt: skip
    assert (rows[4].student_name, rows[4].student_number, rows[4].duplicate) == (
        None, "99999999", True
    )  # fmt: skip
    assert not rows[3].duplicate and not rows[7].duplicate and not rows[8].duplicate
    assert rows[1].file == "반1.pdf" and rows[1].rejection_code is None


def test_sorts_both_ways_with_ties_in_grading_order(session: Session, exam: Exam) -> None:
    # names in Hangul order, then numbers; unknown students last in either direction
    # (among them, no number read comes lowest)
    assert _pages(session, exam, sort=ResultSort.STUDENT) == [1, 5, 7, 2, 3, 8, 4, 6]
    assert _pages(session, exam, sort=ResultSort.STUDENT, descending=True) == [
        2, 7, 5, 1, 6, 4, 8, 3
    ]  # fmt: skip
    # no score (the rejected page) counts lowest
    assert _pages(session, exam, sort=ResultSort.SCORE) == [3, 6, 2, 8, 4, 5, 1, 7]
    assert _pages(session, exam, sort=ResultSort.SCORE, descending=True) == [
        7, 1, 5, 4, 8, 2, 6, 3
    ]  # fmt: skip
    assert _pages(session, exam, sort=ResultSort.FLAGGED, descending=True)[:2] == [2, 4]
    assert _pages(session, exam, sort=ResultSort.STATUS) == [1, 2, 4, 5, 6, 7, 8, 3]
    assert _pages(session, exam, sort=ResultSort.ORDER, descending=True) == [8, 7, 6, 5, 4, 3, 2, 1]
    # combined with a filter
    assert _pages(session, exam, filter=ResultFilter.DUPLICATE_STUDENT, sort=ResultSort.SCORE,
                  descending=True) == [1, 5, 4, 6]  # fmt: skip


@pytest.mark.parametrize("sort", list(ResultSort))
def test_pages_tile_the_whole_list(session: Session, exam: Exam, sort: ResultSort) -> None:
    full = _pages(session, exam, sort=sort, descending=True)
    paged: list[int] = []
    for offset in range(0, 8, 3):
        rows = list_results(session, exam.id, offset=offset, limit=3, sort=sort, descending=True)
        paged += [r.page for r in rows]
    assert paged == full
    assert list_results(session, exam.id, offset=8) == []
    assert list_results(session, exam.id, limit=0) == []


def test_filter_and_sort_accept_their_string_values(session: Session, exam: Exam) -> None:
    rows = list_results(session, exam.id, filter="rejected", sort="score")  # type: ignore[arg-type]
    assert [r.page for r in rows] == [3]
    assert count_results(session, exam.id, "duplicate-student") == 4  # type: ignore[arg-type]


def test_open_flags_follow_review_and_rekeying(
    session: Session, exam: Exam, tmp_path: Path
) -> None:
    sub = next(s for s in exam_subs(session, exam) if s.page == 2)
    assert sub.flags_open == 2
    review.set_value(session, sub.id, "q1", "3", decided_by="김선생")
    assert sub.flags_open == 1 and sub.review_state == "needed"
    review.set_value(session, sub.id, "q2", "", decided_by="김선생")
    assert sub.flags_open == 0 and sub.review_state == "done"
    assert sub.page not in _pages(session, exam, filter=ResultFilter.FLAGGED)
    review.undo_last(session, sub.id, decided_by="김선생")
    assert sub.flags_open == 1 and sub.page in _pages(session, exam, filter=ResultFilter.FLAGGED)
    # a new key re-grades every sheet and keeps the counts
    key = tmp_path / "key.csv"
    key.write_text("문항,정답\n1,3\n2,4\n3,5\n", encoding="utf-8")
    exams.set_key(session, exam, key, created_by="김선생")
    assert [s.flags_open for s in exam_subs(session, exam)] == [0, 1, 0, 1, 0, 0, 0, 0]
    # a student picked by hand ends the duplicate
    assert 5 in _pages(session, exam, filter=ResultFilter.DUPLICATE_STUDENT)
    fifth = next(s for s in exam_subs(session, exam) if s.page == 5)
    review.set_value(session, fifth.id, "student", "20250003", decided_by="김선생")
    dups = _pages(session, exam, filter=ResultFilter.DUPLICATE_STUDENT)
    assert dups == [4, 5, 6, 7]  # now 5 and 7 share 박구름; 1 is alone again
    assert [r.page for r in list_results(session, exam.id) if r.duplicate] == dups


def exam_subs(session: Session, exam: Exam) -> list[Submission]:
    return sorted(
        session.query(Submission).filter(Submission.exam_id == exam.id), key=lambda s: s.page
    )


def test_a_read_number_matches_a_student_added_to_the_roster_later(
    session: Session, exam: Exam
) -> None:
    # sheet 4 and 6 read 99999999 before the roster had it; sheet 9 is matched to it
    late = Student(number="99999999", name="최늦음")
    session.add(late)
    session.flush()
    scan = session.query(Scan).one()
    record_result(session, exam, scan, _page(9, "99999999", score=1.0))
    rows = {r.page: r for r in list_results(session, exam.id)}
    assert rows[9].student_name == "최늦음" and rows[9].duplicate
    assert rows[4].duplicate and rows[4].student_name is None
    assert _pages(session, exam, filter=ResultFilter.DUPLICATE_STUDENT) == [1, 4, 5, 6, 9]
    assert [r.page for r in rows.values() if r.duplicate] == [1, 4, 5, 6, 9]


def test_migration_0003_backfills_open_flags(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    db = folder / "workspace.sqlite3"
    engine = create_sqlite_engine(db, pooled=False)
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "0002")
    engine.dispose()
    now = "2026-01-01 00:00:00"
    omr = '{{"omr": {{"status": "{}"}}}}'
    with closing(sqlite3.connect(db)) as raw, raw:
        raw.execute(
            "INSERT INTO template (id, name, source, content, sha256, created_at) "
            "VALUES (1, 't', 'bundled', '{}', 'aa', ?)",
            (now,),
        )
        raw.execute("INSERT INTO exam (id, title, template_id, created_at) VALUES (1, 'e', 1, ?)",
                     (now,))  # fmt: skip
        raw.execute(
            "INSERT INTO scan (id, sha256, original_name, stored_path, size, page_count, "
            "created_at) VALUES (1, 'bb', 'a.pdf', 'scans/bb.pdf', 10, 2, ?)",
            (now,),
        )
        for sid, state in ((1, "needed"), (2, "none")):
            raw.execute(
                "INSERT INTO submission (id, exam_id, scan_id, page, target_type, source, "
                "status, review_state, created_at, updated_at) "
                "VALUES (?, 1, 1, ?, 'exam', 'omr_scan', 'done', ?, ?, ?)",
                (sid, sid, state, now, now),
            )
        answers = [
            (1, "q1", "ambiguous", 0),
            (1, "q2", "low_confidence", 0),
            (1, "q3", "error", 1),  # reviewed: no longer open
            (1, "q4", "ok", 0),
            (1, "q5", "blank", 0),
            (2, "q1", "ok", 0),
        ]
        raw.executemany(
            "INSERT INTO submission_answer (submission_id, label, answer, meta, current_value, "
            "reviewed) VALUES (?, ?, '', ?, '', ?)",
            [(s, label, omr.format(status), r) for s, label, status, r in answers],
        )
    with Workspace.open(folder) as ws, ws.read() as s:
        assert [(x.id, x.flags_open) for x in s.query(Submission).order_by(Submission.id)] == [
            (1, 2),
            (2, 0),
        ]
        assert exam_counts(s, 1)[ResultFilter.FLAGGED] == 1


def test_cli_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(tmp_path / "ws")
    common = ["--workspace", ws, "--staff", "김선생"]
    exam = "3월 모의고사"
    assert main(["exam", "create", *common, "--name", exam, "--template", T20,
                 "--key", str(SAMPLES / "kr-20q-key.json")]) == 0  # fmt: skip
    assert main(["roster", "import", str(SAMPLES / "roster.csv"), *common]) == 0
    scans = [str(p) for p in sorted(SAMPLES.glob("kr-20q-sample-*.jpg"))]
    assert main(["grade", *common, "--exam", exam, "--jobs", "1", "--quiet", *scans]) == 0
    capsys.readouterr()

    assert main(["results", exam, *common, "--sort", "score", "--desc", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["ID", "파일/File", "쪽/Page"]
    assert [line.split()[5] for line in lines[1:3]] == ["17/20", "17/20"]
    assert lines[-1].startswith("2 / 6 ")
    assert main(["results", exam, *common, "--sort", "student"]) == 0
    body = capsys.readouterr().out.splitlines()[1:-1]
    names = [line.split()[4] for line in body]
    assert names == sorted(names) and len(names) == 6
    assert main(["results", exam, *common, "--filter", "flagged", "--sort", "flagged",
                 "--desc"]) == 0  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    flags = [int(line.split()[8]) for line in out[1:-1]]
    assert flags == sorted(flags, reverse=True) and flags and flags[-1] >= 0
    assert main(["results", exam, *common, "--filter", "duplicate-student"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("0 / 0 ")

    assert main(["results", "없는 시험", *common]) == 2
    assert "No such exam" in capsys.readouterr().err
    assert main(["results", exam, *common, "--filter", "bogus"]) == 2
    assert "usage error" in capsys.readouterr().err
