"""Homework in the workspace: assignments, file matching, batches, verdict review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.store import Workspace
from academy_desktop.store.exams import StoreError
from academy_desktop.store.homework import (
    card,
    cards,
    create_homework,
    frames,
    homework_summary,
    list_homeworks,
    match_file,
    update_homework,
)
from academy_desktop.store.homework_batch import prepare, resume, run, source_for
from academy_desktop.store.models import HomeworkFrame, ReviewDecision, Student, Submission
from academy_desktop.store.review import set_value, undo_last
from academy_desktop.store.roster_search import RosterEntry

ROSTER = [
    RosterEntry(1, "20240101", "김민수"),
    RosterEntry(2, "20240102", "민수"),
    RosterEntry(3, "20240103", "이서연"),
    RosterEntry(4, "20240104", "이서연"),  # two students share a name
]


def _png() -> bytes:
    ok, buf = cv2.imencode(".png", np.full((20, 30, 3), 200, np.uint8))
    assert ok
    return buf.tobytes()


def fake_analyse(verdicts: dict[str, tuple[str, float]]) -> Any:
    """An analysis stand-in: the verdict by file stem, two key frames for videos."""

    def analyse(path: Path, *, task: TaskState | None = None, **_: Any) -> dict[str, Any]:
        # the workspace copy is named by its hash: the test files hold their own name
        text = path.read_bytes().decode() if path.is_file() else path.name
        stem = next(k for k in verdicts if k in text)
        verdict, confidence = verdicts[stem]
        if task is not None:
            task.check()
            task.report(0.5, "half")
        if verdict == "boom":
            raise RuntimeError("decoder exploded")
        return {
            "source": "homework_video",
            "verdict": verdict,
            "confidence": confidence,
            "reason": "테스트 / test",
            "frames": [{"index": 0, "time_s": 0.0, "writing_score": 0.01}],
            "timeline": [{"page": 0, "ink_gain": 0.02}],
            "key_frames": [
                {"page": 0, "which": "first", "time_s": 0.0, "png": _png()},
                {"page": 0, "which": "last", "time_s": 9.5, "png": _png()},
            ],
            "rejection_code": "TOO_DARK" if verdict == "unreadable" else None,
        }

    return analyse


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "ws", staff="선생님") as w:
        with w.write() as s:
            s.add_all(
                [
                    Student(number="20240101", name="김민수", enrollment_id=501),
                    Student(number="20240103", name="이서연", enrollment_id=503),
                ]
            )
        yield w


def _files(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, name in enumerate(names):
        p = folder / name
        p.write_bytes(f"video {i} {name}".encode() * 10)
        out.append(p)
    return out


def test_match_file_by_number_name_and_pattern() -> None:
    assert match_file("20240103_숙제.mp4", ROSTER).student == ROSTER[2]
    assert match_file("숙제_김민수.mov", ROSTER).student == ROSTER[0]  # longest name wins
    assert match_file("민수 3단원.jpg", ROSTER).student == ROSTER[1]
    both = match_file("이서연.mp4", ROSTER)
    assert both.student is None and both.ambiguous and len(both.candidates) == 2
    # a number inside a longer run of digits is not a student number
    assert match_file("IMG_202401019.jpg", ROSTER).student is None
    by_pattern = match_file("hw-20240104-x.mp4", ROSTER, r"hw-(?P<number>\d+)")
    assert by_pattern.student == ROSTER[3] and by_pattern.how == "pattern"
    # NFD names (macOS, phones) match too
    import unicodedata

    assert match_file(unicodedata.normalize("NFD", "김민수.mp4"), ROSTER).student == ROSTER[0]
    with pytest.raises(StoreError):
        match_file("x.mp4", ROSTER, "(?P<number")


def test_create_update_and_list_homework(ws: Workspace) -> None:
    with ws.write() as s:
        hw = create_homework(s, " 3단원 풀이 ", due_date=date(2026, 12, 1), group_name="중2A")
        with pytest.raises(StoreError, match="already exists"):
            create_homework(s, "3단원 풀이")
        with pytest.raises(StoreError):
            create_homework(s, "  ")
        update_homework(s, hw.id, target_id=77)
        with pytest.raises(StoreError):
            update_homework(s, hw.id, target_id=-1)
    with ws.read() as s:
        [summary] = list_homeworks(s)
    assert (summary.title, summary.target_id, summary.group_name) == ("3단원 풀이", 77, "중2A")
    assert summary.files == 0


def test_batch_matches_analyses_records_and_never_repeats(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        hw_id = create_homework(s, "숙제 1", target_id=900).id
    paths = _files(tmp_path / "in", ["20240101_a.mp4", "이서연_b.mp4", "nobody_c.mp4"])
    (tmp_path / "in" / "notes.txt").write_text("x")
    batch = prepare(ws, hw_id, [*paths, tmp_path / "in" / "notes.txt"])
    assert [p.name for p, _ in batch.refused] == ["notes.txt"]
    assert "Not a homework video" in batch.refused[0][1]
    analyse = fake_analyse(
        {"_a": ("wrote", 0.9), "_b": ("little_writing", 0.6), "_c": ("unreadable", 0.9)}
    )
    progress: list[float] = []
    out = list(run(ws, batch, analyse=analyse, state=TaskState(lambda f, m: progress.append(f))))
    assert [o.verdict for o in out] == ["wrote", "little_writing", "unreadable"]
    assert [o.doubtful for o in out] == [False, True, True]
    assert progress == sorted(progress) and progress[-1] == 1.0
    with ws.read() as s:
        got = cards(s, hw_id)
        summary = homework_summary(s, hw_id)
        first = s.get_one(Submission, got[0].submission_id)
        assert (first.target_type, first.target_id, first.enrollment_id) == ("homework", 900, 501)
        assert len(frames(s, first.id)) == 2
        assert first.engine_payload is not None
        assert all("png" not in k for k in first.engine_payload["key_frames"])
    assert [c.student_name for c in got] == ["김민수", "이서연", None]
    assert got[2].rejection_code == "TOO_DARK" and got[2].doubtful
    assert (summary.files, summary.needs_review, summary.unmatched) == (3, 2, 1)
    assert summary.verdicts == {"wrote": 1, "little_writing": 1, "unreadable": 1}
    # dropping the same files again (another folder) analyses nothing
    again = prepare(ws, hw_id, _files(tmp_path / "again", ["20240101_a.mp4"]))
    assert again.items == [] and len(again.already) == 1


def test_a_failing_file_is_recorded_and_the_batch_goes_on(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        hw_id = create_homework(s, "숙제 2").id
    batch = prepare(ws, hw_id, _files(tmp_path, ["x_boom.mp4", "y_ok.jpg"]))
    out = list(run(ws, batch, analyse=fake_analyse({"boom": ("boom", 0), "ok": ("wrote", 0.9)})))
    assert [o.verdict for o in out] == ["unreadable", "wrote"]
    with ws.read() as s:
        c = card(s, out[0].submission_id)
    assert c.rejection_code == "INTERNAL_ERROR" and "decoder exploded" in (c.reason or "")
    assert source_for(Path("a.JPG")) == "homework_image"


def test_cancel_keeps_finished_files_and_resume_goes_on(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        hw_id = create_homework(s, "숙제 3").id
    batch = prepare(ws, hw_id, _files(tmp_path, ["a_1.mp4", "a_2.mp4", "a_3.mp4"]))
    state = TaskState()
    analyse = fake_analyse({"_1": ("wrote", 0.9), "_2": ("wrote", 0.9), "_3": ("wrote", 0.9)})
    with pytest.raises(Cancelled):
        for _ in run(ws, batch, analyse=analyse, state=state):
            state.cancel()
    rest = resume(ws, hw_id)
    assert [i.original_name for i in rest.items] == ["a_2.mp4", "a_3.mp4"]
    assert len(list(run(ws, rest, analyse=analyse))) == 2
    assert resume(ws, hw_id).items == []


def test_verdict_review_is_audited_with_undo(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        hw_id = create_homework(s, "숙제 4").id
    batch = prepare(ws, hw_id, _files(tmp_path, ["nobody_q.mp4"]))
    [out] = run(ws, batch, analyse=fake_analyse({"_q": ("little_writing", 0.6)}))
    sid = out.submission_id
    with ws.write() as s:
        with pytest.raises(StoreError):
            set_value(s, sid, "verdict", "maybe", decided_by="선생님")
        with pytest.raises(StoreError):
            set_value(s, sid, "q1", "3", decided_by="선생님")
        set_value(s, sid, "verdict", "no_writing", decided_by="선생님", reason="빈 페이지")
        set_value(s, sid, "student", "20240103", decided_by="선생님")
    with ws.read() as s:
        c = card(s, sid)
        assert (c.verdict, c.engine_verdict) == ("no_writing", "little_writing")
        assert c.review_state == "done"
        assert (c.student_name, c.decided_by) == ("이서연", "선생님")
        assert s.get_one(Submission, sid).enrollment_id == 503
    with ws.write() as s:
        undo_last(s, sid, decided_by="선생님")  # the newest: the student
    with ws.read() as s:
        c = card(s, sid)
    assert (c.verdict, c.student_id) == ("no_writing", None)
    with ws.write() as s:
        set_value(s, sid, "student", "20240103", decided_by="선생님")
        set_value(s, sid, "verdict", "no_writing", decided_by="원장")  # confirms: same value
        undo_last(s, sid, decided_by="선생님")  # the confirmation
        undo_last(s, sid, decided_by="선생님")  # redo of it
        undo_last(s, sid, decided_by="선생님")  # undo again
    with ws.read() as s:
        c = card(s, sid)
        rows = [
            r.field
            for r in s.scalars(select(ReviewDecision).where(ReviewDecision.submission_id == sid))
        ]
    # the first verdict decision is still in effect: done, by the first reviewer
    assert (c.verdict, c.review_state, c.decided_by) == ("no_writing", "done", "선생님")
    assert rows == ["verdict", "student", "student", "student"] + ["verdict"] * 4


def test_reanalysis_keeps_a_persons_verdict(ws: Workspace, tmp_path: Path) -> None:
    from academy_desktop.store.homework_batch import record_analysis

    with ws.write() as s:
        hw_id = create_homework(s, "숙제 5").id
    batch = prepare(ws, hw_id, _files(tmp_path, ["z_1.mp4"]))
    [out] = run(ws, batch, analyse=fake_analyse({"_1": ("wrote", 0.9)}))
    with ws.write() as s:
        set_value(s, out.submission_id, "verdict", "little_writing", decided_by="선생님")
        record_analysis(
            s,
            out.submission_id,
            fake_analyse({"_1": ("no_writing", 0.95)})(Path("z_1.mp4")),
        )
    with ws.read() as s:
        c = card(s, out.submission_id)
        n_frames = len(s.scalars(select(HomeworkFrame)).all())
    assert (c.verdict, c.engine_verdict, c.review_state) == ("little_writing", "no_writing", "done")
    assert n_frames == 2  # the old pictures were replaced, not added to


def test_export_lists_the_class_with_who_did_not_hand_in(ws: Workspace, tmp_path: Path) -> None:
    import csv

    from openpyxl import load_workbook

    from academy_desktop.store.homework_export import export_homework

    with ws.write() as s:
        s.add(Student(number="20240105", name="박지훈", class_name="중2A"))
        for st in s.scalars(select(Student)):
            st.class_name = "중2A"
        hw_id = create_homework(s, "숙제 6", group_name="중2A").id
    batch = prepare(ws, hw_id, _files(tmp_path, ["20240101_a.mp4", "20240103_b.mp4", "x_c.mp4"]))
    list(
        run(
            ws,
            batch,
            analyse=fake_analyse(
                {"_a": ("wrote", 0.9), "_b": ("no_writing", 0.6), "_c": ("wrote", 0.9)}
            ),
        )
    )
    with ws.read() as s:
        n = export_homework(s, hw_id, "csv", tmp_path / "hw.csv")
        export_homework(s, hw_id, "xlsx", tmp_path / "hw.xlsx")
    with (tmp_path / "hw.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert n == 4 and len(rows) == 5
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["김민수"][3] == "했음 / wrote"
    assert (
        by_name["이서연"][3] == "안 함 / no writing"
        and by_name["이서연"][4] == "확인 필요 / to check"
    )
    assert by_name["박지훈"][3] == "미제출 / not submitted"
    assert rows[-1][0] == "" and rows[-1][8] == "x_c.mp4"  # the file no student was matched to
    book = load_workbook(tmp_path / "hw.xlsx")
    sheet = book.active
    assert sheet is not None
    cells = {sheet.cell(r, 2).value: sheet.cell(r, 4) for r in range(3, sheet.max_row + 1)}
    assert cells["박지훈"].fill.fgColor.rgb.endswith("F8D0D0")  # not submitted: light red
    assert cells["이서연"].fill.fgColor.rgb.endswith("FFF2A8")  # to check: yellow
    book.close()
