"""The outbox in the workspace: marking ready, holding with reasons, payload, file, counts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.store import Workspace
from academy_desktop.store import exams as exam_service
from academy_desktop.store.models import (
    OutboxItem,
    OutboxState,
    QuestionMapping,
    Student,
    Submission,
    utcnow,
)
from academy_desktop.store.review import history, set_value
from academy_desktop.sync import mapping, outbox
from academy_desktop.sync.errors import Retryable, ServerRejected
from academy_desktop.sync.payload import (
    OMR_META_KEYS,
    SheetSource,
    build_payload,
    form_fields,
    hold_reasons,
    sheet_file,
)
from sync_client.support import (
    ENROLLMENT_BASE,
    QID_BASE,
    SHEET_ID,
    TARGET_ID,
    Built,
    answer_of,
)

Make = Callable[..., Built]


def _item(s: Session, submission_id: int) -> OutboxItem:
    return s.scalars(select(OutboxItem).where(OutboxItem.submission_id == submission_id)).one()


def test_marking_ready_creates_one_item_per_graded_sheet(make_workspace: Make) -> None:
    built = make_workspace(5)
    with Workspace.open(built.workspace) as ws:
        with ws.write() as s:
            first = outbox.mark_exam_ready(s, built.exam_id)
            again = outbox.mark_ready(s, built.submission_ids)
        with ws.read() as s:
            items = [(it.state, it.idempotency_key) for it in s.scalars(select(OutboxItem))]
            counts = outbox.counts(s)
    assert (first.added, first.held, again.added, again.already) == (5, 0, 0, 5)
    assert {state for state, _ in items} == {OutboxState.PENDING}
    assert len({key for _, key in items}) == 5  # one submission_uuid each
    assert (counts.pending, counts.total, counts.needs_attention) == (5, 5, 0)


def test_incomplete_mapping_holds_with_korean_reasons_and_others_proceed(
    make_workspace: Make,
) -> None:
    built = make_workspace(3)
    with Workspace.open(built.workspace) as ws:
        with ws.write() as s:
            q7 = s.scalars(select(QuestionMapping).where(QuestionMapping.label == "q7")).one()
            q7.exam_question_id = None
            second = s.get(Student, 2)
            assert second is not None
            second.enrollment_id = None
            outbox.mark_exam_ready(s, built.exam_id)
        with ws.read() as s:
            reasons = {it.submission_id: it.held_reason for it in s.scalars(select(OutboxItem))}
    assert all("문항 7의 exam_question_id가 없습니다" in r for r in reasons.values() if r)
    assert all(r and "Question 7 has no exam_question_id" in r for r in reasons.values())
    reason = reasons[built.submission_ids[1]]
    assert reason is not None and "enrollment_id가 없습니다" in reason

    # mapping question 7 releases the sheets whose only problem it was
    with Workspace.open(built.workspace) as ws:
        with ws.write() as s:
            exam = exam_service.get_exam_by_id(s, built.exam_id)
            status = mapping.set_exam_mapping(s, exam, question_ids={"7": QID_BASE + 7})
        with ws.read() as s:
            states = {it.submission_id: it.state for it in s.scalars(select(OutboxItem))}
            held = _item(s, built.submission_ids[1]).held_reason
    assert status.complete and status.released == 2
    assert status.sheets_without_enrollment == 1
    assert states == {
        built.submission_ids[0]: OutboxState.PENDING,
        built.submission_ids[1]: OutboxState.HELD,
        built.submission_ids[2]: OutboxState.PENDING,
    }
    assert held is not None and "exam_question_id" not in held

    with Workspace.open(built.workspace) as ws, ws.write() as s:
        assert mapping.set_enrollment_ids(s, {"20250001": 777}) == 1
        assert _item(s, built.submission_ids[1]).state == OutboxState.PENDING


def test_many_missing_questions_are_summarised(make_workspace: Make) -> None:
    built = make_workspace(1, mapped=False)
    with Workspace.open(built.workspace) as ws, ws.write() as s:
        outbox.mark_exam_ready(s, built.exam_id)
        reason = _item(s, built.submission_ids[0]).held_reason or ""
    assert "target_id" in reason and "sheet_id" in reason
    assert "문항 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 외 10개의 exam_question_id가 없습니다" in reason
    assert "Questions 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 10 more have no" in reason


def test_open_review_flags_hold_until_reviewed(make_workspace: Make) -> None:
    built = make_workspace(1, flagged={0: {3}})
    sid = built.submission_ids[0]
    with Workspace.open(built.workspace) as ws:
        with ws.write() as s:
            outbox.mark_ready(s, [sid])
            assert "검토할 문항이 1개" in (_item(s, sid).held_reason or "")
        with ws.write() as s:
            set_value(s, sid, "q3", "4", decided_by="박선생")
            assert outbox.recheck_held(s) == 1
            assert _item(s, sid).state == OutboxState.PENDING


def test_rejected_pages_are_never_marked(make_workspace: Make) -> None:
    built = make_workspace(2)
    with Workspace.open(built.workspace) as ws, ws.write() as s:
        rejected = s.get(Submission, built.submission_ids[0])
        assert rejected is not None
        rejected.status = "failed"
        summary = outbox.mark_ready(s, built.submission_ids)
    assert (summary.added, summary.skipped) == (1, 1)


def test_payload_is_exactly_the_issues_shape(make_workspace: Make) -> None:
    built = make_workspace(1)
    sid = built.submission_ids[0]
    with Workspace.open(built.workspace, staff="박선생") as ws:
        with ws.write() as s:
            set_value(s, sid, "q2", "5", decided_by="박선생", reason="학생 확인")
            outbox.mark_ready(s, [sid])
        with ws.read() as s:
            sub = s.get(Submission, sid)
            assert sub is not None
            item = _item(s, sid)
            questions = list(s.scalars(select(QuestionMapping).order_by(QuestionMapping.id)))
            assert hold_reasons(sub, sub.sheet_exam, questions, sub.student) == []
            payload = build_payload(
                sub,
                sub.sheet_exam,
                questions,
                history(s, sid),
                submission_uuid=item.idempotency_key,
                file_sha256=sub.scan.sha256,
            )
            source = SheetSource.of(sub)
            uuid = item.idempotency_key
        f = sheet_file(ws.folder, source)
    assert set(payload) == {"sheet_id", "answers", "score", "max_score", "client"}
    assert payload["sheet_id"] == SHEET_ID
    assert [a["exam_question_id"] for a in payload["answers"]] == [
        QID_BASE + q for q in range(1, 21)
    ]
    a1, a2 = payload["answers"][:2]
    assert a1 == {
        "exam_question_id": QID_BASE + 1,
        "number": 1,
        "answer": answer_of(0, 1),
        "meta": {
            "omr": {
                "version": "v1",
                "detected": [answer_of(0, 1)],
                "marking": "single",
                "confidence": 0.97,
                "status": "ok",
            },
            "review": None,
        },
    }
    assert a2["answer"] == "5"
    review = a2["meta"]["review"]
    assert review["decided_by"] == "박선생" and review["original"] == answer_of(0, 2)
    assert review["decided_at"].endswith("+00:00")
    client = payload["client"]
    assert set(client) == {"app", "version", "submission_uuid", "file_sha256", "graded_at"}
    assert client["app"] == "academy-desktop" and client["submission_uuid"] == uuid
    # the file is the stored JPEG itself; its SHA-256 is the workspace's content address
    assert f.content_type == "image/jpeg" and f.sha256 == source.scan_sha256
    assert f.name == "scan_0000.jpg"
    fields = form_fields(ENROLLMENT_BASE, TARGET_ID, payload)
    assert list(fields) == ["enrollment_id", "target_type", "target_id", "source", "payload"]
    assert (fields["enrollment_id"], fields["target_type"], fields["target_id"]) == (
        str(ENROLLMENT_BASE),
        "exam",
        str(TARGET_ID),
    )
    assert fields["source"] == "omr_scan" and json.loads(fields["payload"]) == payload


def test_a_pdf_page_is_sent_as_the_png_it_was_graded_from(tmp_path: Path, repo_root: Path) -> None:
    from academy_desktop.engine.manual import load_sheet_gray

    pdf = repo_root / "resources" / "samples" / "kr-45q-samples.pdf"
    source = SheetSource(
        submission_id=1,
        stored_path="scans/x.pdf",
        scan_sha256="ab" * 32,
        original_name="kr-45q-samples.pdf",
        page=2,
        page_count=3,
        image_size=None,
    )
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "x.pdf").write_bytes(pdf.read_bytes())
    f = sheet_file(tmp_path, source)
    again = sheet_file(tmp_path, source)  # cached: the same bytes every attempt
    assert f.content_type == "image/png" and f.name == "kr-45q-samples-p2.png"
    assert f.path.is_relative_to(tmp_path / "outbox") and again.sha256 == f.sha256
    import cv2

    png = cv2.imread(str(f.path), cv2.IMREAD_UNCHANGED)
    graded = load_sheet_gray(pdf, 2)
    assert png is not None and png.shape == graded.shape
    assert bool((png == graded).all())


def test_retry_backoff_attention_and_requeue(make_workspace: Make) -> None:
    built = make_workspace(2)
    a, b = built.submission_ids
    now = utcnow()
    with Workspace.open(built.workspace) as ws:
        with ws.write() as s:
            outbox.mark_ready(s, [a, b])
            item = _item(s, a)
            for attempt in range(1, 4):
                outbox.begin_attempt(s, item, now, 0)
                outbox.record_retry(
                    s,
                    item,
                    Retryable("503", status=503, retry_after=None, maybe_sent=False),
                    now=now,
                    max_attempts=3,
                    scale=1.0,
                )
                if attempt < 3:
                    assert item.state == OutboxState.PENDING
                    wait = item.next_run_at - now
                    assert wait == timedelta(seconds=2 * 2 ** (attempt - 1))
            assert item.state == OutboxState.NEEDS_ATTENTION
            assert "3번 시도" in (item.attention_reason or "")
            # Retry-After longer than the backoff wins
            other = _item(s, b)
            outbox.begin_attempt(s, other, now, 0)
            outbox.record_retry(
                s, other, Retryable("429", status=429, retry_after=30.0, maybe_sent=False),
                now=now, max_attempts=3, scale=1.0,
            )  # fmt: skip
            assert other.next_run_at - now == timedelta(seconds=30)
            outbox.record_rejected(s, other, ServerRejected(400, {"file": ["file required"]}))
        with ws.read() as s:
            listed = outbox.attention_list(s)
            counts = outbox.counts(s)
        assert counts.attention == 2 and counts.needs_attention == 2
        kinds = {x.submission_id: x for x in listed}
        assert kinds[a].kind == "attempts" and kinds[a].can_requeue
        assert kinds[b].kind == "rejected" and kinds[b].server_errors == {"file": ["file required"]}
        assert "file: file required" in kinds[b].reason
        with ws.write() as s:
            assert outbox.requeue(s, [a]) == 1
            item = _item(s, a)
            assert (item.state, item.attempt_count, item.attention_reason) == (
                OutboxState.PENDING,
                0,
                None,
            )
            states = outbox.sheet_states(s, [a, b, 999])
    assert set(states) == {a, b}
    assert states[b].label == "확인 필요 / Needs attention"
    assert states[a].label == "보낼 예정 / Waiting to send"


def test_a_crash_mid_post_leaves_an_item_that_is_looked_up(make_workspace: Make) -> None:
    built = make_workspace(1)
    sid = built.submission_ids[0]
    with Workspace.open(built.workspace) as ws:
        with ws.write() as s:
            outbox.mark_ready(s, [sid])
            outbox.begin_attempt(s, _item(s, sid), utcnow(), 41)
        # ... kill -9 here ...
        with ws.write() as s:
            assert outbox.reset_in_flight(s) == 1
            item = _item(s, sid)
            assert (item.state, item.post_uncertain, item.id_floor) == (
                OutboxState.PENDING,
                True,
                41,
            )


def test_send_now_skips_the_backoff(make_workspace: Make) -> None:
    built = make_workspace(2)
    later = utcnow() + timedelta(hours=1)
    with Workspace.open(built.workspace) as ws:
        with ws.write() as s:
            outbox.mark_ready(s, built.submission_ids[:1])
            _item(s, built.submission_ids[0]).next_run_at = later
        with ws.write() as s:
            assert outbox.send_now(s, built.submission_ids) == 2  # the second is marked too
        with ws.read() as s:
            due = {it.submission_id for it in outbox.due_items(s, utcnow(), 10)}
    assert due == set(built.submission_ids)


def test_auto_send_takes_graded_sheets_of_mapped_exams_only(make_workspace: Make) -> None:
    mapped = make_workspace(2)
    unmapped = make_workspace(2, mapped=False)
    with Workspace.open(mapped.workspace) as ws, ws.write() as s:
        assert outbox.enqueue_new_graded(s) == 2
        assert outbox.enqueue_new_graded(s) == 0
    with Workspace.open(unmapped.workspace) as ws, ws.write() as s:
        assert outbox.enqueue_new_graded(s) == 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_question_ids_from_a_server_export(tmp_path: Path, suffix: str) -> None:
    rows: list[list[object]] = [["문항 번호", "exam_question_id", "sheet_id"]]
    rows += [[q, 100 + q, 45] for q in (1, 2, 3)]
    path = tmp_path / f"map{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        for r in [["서버에서 내보냄"], *rows]:  # a title row above the header
            ws.append(r)
        wb.save(path)
    table = mapping.read_question_ids(path)
    assert table.question_ids == {"1": 101, "2": 102, "3": 103}
    assert (table.target_id, table.sheet_id) == (None, 45)


def test_headerless_mapping_and_bad_rows(tmp_path: Path) -> None:
    good = tmp_path / "plain.csv"
    good.write_text("1,9001\n2,9002\n", encoding="utf-8")
    assert mapping.read_question_ids(good).question_ids == {"1": 9001, "2": 9002}
    bad = tmp_path / "bad.csv"
    bad.write_text("number,exam_question_id\n1,9001\n2,abc\n3,9001\n1,9009\n", "utf-8")
    with pytest.raises(mapping.MappingError) as info:
        mapping.read_question_ids(bad)
    text = str(info.value)
    assert "3행" in text and "row 3" in text  # abc
    assert "exam_question_id 9001" in text  # given to two questions
    assert "row 5" in text  # question 1 twice with different ids


def test_swapping_enrollment_ids(make_workspace: Make) -> None:
    built = make_workspace(2)
    with Workspace.open(built.workspace) as ws, ws.write() as s:
        n = mapping.set_enrollment_ids(
            s, {"20250000": ENROLLMENT_BASE + 1, "20250001": ENROLLMENT_BASE}
        )
        assert n == 2
        with pytest.raises(mapping.MappingError, match="already belongs"):
            mapping.set_enrollment_ids(s, {"20250000": ENROLLMENT_BASE})
        with pytest.raises(mapping.MappingError, match="not in the roster"):
            mapping.set_enrollment_ids(s, {"nobody": 1})


def test_the_documented_example_has_the_payloads_shape(repo_root: Path) -> None:
    """docs/sync.md shows the exact payload; it must keep the builder's shape."""
    import re

    text = (repo_root / "docs" / "sync.md").read_text(encoding="utf-8")
    section = text.split("## What is sent", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block is not None
    doc = json.loads(block.group(1))
    assert list(doc) == ["sheet_id", "answers", "score", "max_score", "client"]
    assert list(doc["client"]) == ["app", "version", "submission_uuid", "file_sha256", "graded_at"]
    for answer in doc["answers"]:
        assert list(answer) == ["exam_question_id", "number", "answer", "meta"]
        assert list(answer["meta"]) == ["omr", "review"]
        assert list(answer["meta"]["omr"]) == list(OMR_META_KEYS)
        review = answer["meta"]["review"]
        assert review is None or list(review) == ["decided_by", "decided_at", "original"]
    assert any(a["meta"]["review"] for a in doc["answers"])
