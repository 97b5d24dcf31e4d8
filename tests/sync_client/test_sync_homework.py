"""Homework videos and photos through the outbox, against the loopback test server:
the fields and the file as the seed's serializer takes them, hold reasons, exactly once
under faults, a big video streamed in flat memory, and ``main.py sync --homework``."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from academy_desktop.cli.main import main
from academy_desktop.engine.progress import TaskState
from academy_desktop.store import Workspace
from academy_desktop.store.homework import create_homework
from academy_desktop.store.homework_batch import prepare, run
from academy_desktop.store.models import OutboxItem, OutboxState, Student, Submission
from academy_desktop.store.review import STUDENT_FIELD, VERDICT_FIELD, set_value
from academy_desktop.store.scans import sha256_file
from academy_desktop.sync import homework_payload, mapping, outbox
from academy_desktop.sync.auth import AuthState, Credentials
from academy_desktop.sync.config import SyncConfig
from academy_desktop.sync.runner import SyncRunner

HOMEWORK = "3단원 풀이"
HW_TARGET = 900
STAFF = "김선생"
STUDENTS = [
    ("20250001", "김하나", 7001),
    ("20250002", "이두리", 7002),
    ("20250003", "박세나", 7003),
    ("20250004", "최네오", 7004),
    ("20250005", "정다섯", None),  # no enrollment_id
]
CLIENT_KEYS = {"app", "version", "submission_uuid", "file_sha256", "analysed_at"}


def _config(url: str, **kw: Any) -> SyncConfig:
    base: dict[str, Any] = {"timeout_s": 1.0, "backoff_scale": 0.02, "max_attempts": 10}
    base.update(kw)
    return SyncConfig(url, **base)


def _auth(config: SyncConfig) -> AuthState:
    return AuthState(config, Credentials(access="static-token-1"))


# ------------------------------------------------------------------ the workspace


def video_bytes(tag: str, size: int = 48_000, brand: bytes = b"mp42") -> bytes:
    """Something that starts like an MP4 (or, with ``brand=b"qt  "``, a QuickTime) file."""
    head = b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00" + brand + b"isom"
    filler = hashlib.sha256(tag.encode()).digest() * (size // 32 + 1)
    return (head + tag.encode() + filler)[:size]


def jpeg_bytes(seed: int, size: tuple[int, int] = (900, 1200)) -> bytes:
    rng = np.random.default_rng(seed)
    image = rng.integers(200, 255, size=(size[1], size[0], 3), dtype=np.uint8)
    cv2.putText(image, f"page {seed}", (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 3.0, (0, 0, 0), 6)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return bytes(data.tobytes())


def pdf_bytes(pages: int, size: tuple[int, int] = (1240, 1754)) -> bytes:
    import io

    from PIL import Image

    images = []
    for i in range(pages):
        im = np.full((size[1], size[0]), 250, np.uint8)
        cv2.putText(im, f"PDF page {i + 1}", (80, 200), cv2.FONT_HERSHEY_SIMPLEX, 4.0, 0, 8)
        cv2.rectangle(im, (80, 400 + i * 50), (1100, 900 + i * 50), 30, 6)
        images.append(Image.fromarray(im))
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=150.0, save_all=True, append_images=images[1:])
    return buf.getvalue()


def _video_result(verdict: str, confidence: float) -> dict[str, Any]:
    png = cv2.imencode(".png", np.full((20, 30), 200, np.uint8))[1].tobytes()
    return {
        "source": "homework_video",
        "file": "0f3a9c.mp4",  # the analysis ran on the workspace copy
        "total_frames": 900,
        "sampled_frames": 60,
        "avg_writing_score": 0.061,
        "filled_ratio": 0.72,
        "frames": [
            {"index": i * 15, "time_s": i * 0.5, "writing_score": 0.01 * i, "has_writing": i > 4}
            for i in range(8)
        ],
        "too_short": False,
        "pages": 1,
        "page_turns": 0,
        "ink_gain": 0.05,
        "frozen": False,
        "looped": False,
        "duration_s": 30.0,
        "timeline": [{"page": 0, "start_s": 0.0, "end_s": 30.0, "ink_gain": 0.05}],
        "key_frames": [
            {"page": 0, "which": "first", "index": 0, "time_s": 0.0, "png": png},
            {"page": 0, "which": "last", "index": 885, "time_s": 29.5, "png": png},
        ],
        "rejection_code": None,
        "verdict": verdict,
        "confidence": confidence,
        "reason": "쓰는 과정이 보입니다 / Writing appears over time",
    }


def _image_result(verdict: str, confidence: float) -> dict[str, Any]:
    png = cv2.imencode(".png", np.full((20, 30), 200, np.uint8))[1].tobytes()
    return {
        "source": "homework_image",
        "pages": [
            {
                "index": 0,
                "writing_score": 0.81,
                "calculation_score": 0.77,
                "ocr": {"text": "3 + 4 = 7", "confidence": 88.0},
                "questions": [[10, 10, 200, 80]],
                "thumbnail_png": png,
            }
        ],
        "verdict": verdict,
        "confidence": confidence,
        "reason": "풀이가 적혀 있습니다 / The page is worked",
        "rejection_code": None,
    }


class HomeworkSpace:
    """A workspace with a roster and one homework; files are added, analysed by a
    stand-in analysis that gives each file the verdict it was added with."""

    def __init__(self, folder: Path, *, target_id: int | None = HW_TARGET) -> None:
        self.folder = folder
        self.inbox = folder.parent / (folder.name + "-in")
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.ws = Workspace.open(folder, staff=STAFF)
        self.verdicts: dict[str, tuple[str, float]] = {}
        with self.ws.write() as s:
            s.add_all(Student(number=n, name=name, enrollment_id=e) for n, name, e in STUDENTS)
            self.homework_id = create_homework(s, HOMEWORK, target_id=target_id).id

    def close(self) -> None:
        self.ws.close()

    def file(self, name: str, data: bytes, verdict: str = "wrote", confidence: float = 0.9) -> Path:
        path = self.inbox / name
        path.write_bytes(data)
        self.verdicts[hashlib.sha256(data).hexdigest()] = (verdict, confidence)
        return path

    def big_file(self, name: str, size: int, verdict: str = "wrote") -> Path:
        path = self.inbox / name
        with path.open("wb") as f:
            f.write(video_bytes(name, 4096))
            f.truncate(size)  # sparse: no need to write 50 MB
        self.verdicts[sha256_file(path)] = (verdict, 0.9)
        return path

    def _analyse(self, path: Path, *, task: TaskState | None = None, **_: Any) -> dict[str, Any]:
        verdict, confidence = self.verdicts[sha256_file(path)]
        with path.open("rb") as f:
            is_video = f.read(12)[4:8] == b"ftyp"
        make = _video_result if is_video else _image_result
        return make(verdict, confidence)

    def add(self, *paths: Path, analyse: bool = True) -> list[int]:
        batch = prepare(self.ws, self.homework_id, list(paths))
        assert not batch.refused, batch.refused
        if analyse:
            list(run(self.ws, batch, analyse=self._analyse))
        return [item.submission_id for item in batch.items]

    def mark(self) -> outbox.MarkSummary:
        with self.ws.write() as s:
            return outbox.mark_homework_ready(s, self.homework_id)

    def items(self) -> dict[int, OutboxItem]:
        with self.ws.read() as s:
            items = {it.submission_id: it for it in s.scalars(select(OutboxItem))}
            for it in items.values():
                s.expunge(it)
            return items

    def runner(self, url: str, **kw: Any) -> SyncRunner:
        config = _config(url, **kw)
        return SyncRunner(self.ws, config, _auth(config))


@pytest.fixture
def space(tmp_path: Path) -> Iterator[HomeworkSpace]:
    hs = HomeworkSpace(tmp_path / "ws")
    try:
        yield hs
    finally:
        hs.close()


def _by_uuid(srv: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for sub in srv.state.submissions:
        uuid = sub["payload"]["client"]["submission_uuid"]
        assert uuid not in out, f"duplicate submission for {uuid}"
        out[uuid] = sub
    return out


def _check_exactly_once(srv: Any, space: HomeworkSpace, expect: int) -> dict[str, dict[str, Any]]:
    """One server submission per sent item, each with its student, homework and file."""
    on_server = _by_uuid(srv)
    items = space.items()
    sent = {it.idempotency_key: it for it in items.values() if it.state == OutboxState.DONE}
    assert len(on_server) == len(sent) == expect
    assert set(on_server) == set(sent)
    with space.ws.read() as s:
        for uuid, got in on_server.items():
            sub = s.get(Submission, sent[uuid].submission_id)
            assert sub is not None and sub.student is not None
            assert got["enrollment_id"] == sub.student.enrollment_id
            assert (got["target_type"], got["target_id"]) == ("homework", HW_TARGET)
            assert got["source"] == sub.source
            assert got["file_sha256"] == got["payload"]["client"]["file_sha256"]
            assert got["file_sha256"] == sent[uuid].file_sha256
    return on_server


# ------------------------------------------------------------------ what is sent


def test_a_video_and_photos_go_up_with_the_seed_fields(space: HomeworkSpace, server: Any) -> None:
    video = space.file("20250001_숙제.mp4", video_bytes("v1"), "wrote", 0.93)
    movie = space.file("20250002.mov", video_bytes("v2", brand=b"qt  "), "no_writing", 0.88)
    photo = space.file("20250003_page.jpg", jpeg_bytes(3), "wrote", 0.91)
    doubtful = space.file("20250004.jpg", jpeg_bytes(4), "little_writing", 0.55)
    ids = space.add(video, movie, photo, doubtful)
    # a person settles the doubtful verdict with another one
    with space.ws.write() as s:
        set_value(s, ids[3], VERDICT_FIELD, "wrote", decided_by=STAFF, reason="풀이 확인")
    marked = space.mark()
    assert (marked.added, marked.held) == (4, 0)

    summary = space.runner(server.url).run(until_idle=True)
    assert summary.posted == 4
    on_server = _check_exactly_once(server, space, 4)
    by_name = {sub["file_name"]: sub for sub in on_server.values()}
    assert set(by_name) == {
        "20250001_숙제.mp4",
        "20250002.mov",
        "20250003_page.jpg",
        "20250004.jpg",
    }

    v = by_name["20250001_숙제.mp4"]
    assert (v["source"], v["file_type"], v["enrollment_id"]) == (
        "homework_video",
        "video/mp4",
        7001,
    )
    assert v["file_sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()
    assert v["file_size"] == video.stat().st_size
    payload = v["payload"]
    assert list(payload)[:6] == list(homework_payload.SEED_KEYS)  # the seed's keys first
    assert payload["total_frames"] == 900 and payload["too_short"] is False
    assert payload["file"] == "20250001_숙제.mp4"  # the name staff know, not the copy's
    assert payload["frames"][5] == {
        "index": 75,
        "time_s": 2.5,
        "writing_score": 0.05,
        "has_writing": True,
    }
    for key in ("pages", "page_turns", "frozen", "looped", "timeline", "key_frames"):
        assert key in payload  # the new keys too
    assert all("png" not in k for k in payload["key_frames"])  # pictures stay home
    assert payload["key_frames"][1]["time_s"] == 29.5
    assert (payload["verdict"], payload["engine_verdict"]) == ("wrote", "wrote")
    assert (payload["confidence"], payload["review"]) == (0.93, None)
    assert payload["reason"].startswith("쓰는 과정")
    assert set(payload["client"]) == CLIENT_KEYS
    assert payload["client"]["app"] == "academy-desktop"
    assert list(payload)[-6:] == [
        "verdict",
        "engine_verdict",
        "confidence",
        "reason",
        "review",
        "client",
    ]

    m = by_name["20250002.mov"]
    assert (m["file_type"], m["payload"]["verdict"]) == ("video/quicktime", "no_writing")

    p = by_name["20250003_page.jpg"]
    assert (p["source"], p["file_type"]) == ("homework_image", "image/jpeg")
    assert p["file_sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert p["payload"]["pages"][0]["ocr"] == {"text": "3 + 4 = 7", "confidence": 88.0}
    assert "thumbnail_png" not in p["payload"]["pages"][0]

    d = by_name["20250004.jpg"]["payload"]
    assert (d["verdict"], d["engine_verdict"], d["confidence"]) == ("wrote", "little_writing", 0.55)
    assert d["review"]["decided_by"] == STAFF and d["review"]["original"] == "little_writing"
    assert d["review"]["decided_at"].endswith("+00:00")
    assert set(d["review"]) == {"decided_by", "decided_at", "original"}
    for sub in on_server.values():
        assert "png" not in json.dumps(sub["payload"])


def test_a_pdf_goes_as_one_png_of_its_pages_the_same_every_time(
    space: HomeworkSpace, server: Any
) -> None:
    pdf = space.file("20250001_worksheet.pdf", pdf_bytes(3))
    [sid] = space.add(pdf)
    space.mark()
    item_id = space.items()[sid].id
    runner = space.runner(server.url)
    first = runner._prepare(item_id)
    again = runner._prepare(item_id)
    assert first is not None and not isinstance(first, list)
    assert again is not None and not isinstance(again, list)
    assert first.upload.path == again.upload.path and first.file_sha256 == again.file_sha256
    assert first.upload.path.is_relative_to(space.folder / "outbox")
    assert (first.upload.name, first.upload.content_type) == ("20250001_worksheet.png", "image/png")
    image = cv2.imread(str(first.upload.path), cv2.IMREAD_UNCHANGED)
    assert image is not None and image.ndim == 2  # grayscale, as analysed
    assert image.shape[1] == homework_payload.STACK_WIDTH  # the pages at ~1600 px wide
    page_h = image.shape[0] / 3
    assert abs(page_h / image.shape[1] - 1754 / 1240) < 0.02  # three pages, stacked
    assert first.upload.path.stat().st_size < homework_payload.MAX_PHOTO_BYTES

    assert runner.run(until_idle=True).posted == 1
    [got] = server.state.submissions
    assert got["file_sha256"] == hashlib.sha256(first.upload.path.read_bytes()).hexdigest()
    assert (got["file_type"], got["source"]) == ("image/png", "homework_image")


def test_many_pages_stack_narrower_within_the_pixel_budget() -> None:
    a4 = (1240, 1754)
    assert homework_payload.stack_width([a4]) == 1240  # never wider than the pages
    assert homework_payload.stack_width([(3000, 4000)] * 2) == homework_payload.STACK_WIDTH
    many = [(2480, 3508)] * 40
    width = homework_payload.stack_width(many)
    assert width < homework_payload.STACK_WIDTH
    assert sum(width * h / w * width for w, h in many) <= homework_payload.STACK_MAX_PIXELS


# ------------------------------------------------------------------ held, not sent


def _held(space: HomeworkSpace) -> dict[int, str]:
    return {
        sid: it.held_reason or ""
        for sid, it in space.items().items()
        if it.state == OutboxState.HELD
    }


def test_hold_reasons_and_what_releases_each(tmp_path: Path, server: Any) -> None:
    space = HomeworkSpace(tmp_path / "ws", target_id=None)
    try:
        ok = space.add(space.file("20250001.mp4", video_bytes("a")))[0]
        nobody = space.add(space.file("누구.mp4", video_bytes("b")))[0]
        no_enrol = space.add(space.file("20250005.jpg", jpeg_bytes(5)))[0]
        doubt = space.add(space.file("20250002.mp4", video_bytes("c"), "wrote", 0.5))[0]
        unread = space.add(space.file("20250003.mp4", video_bytes("d"), "unreadable", 0.9))[0]
        waiting = space.add(space.file("20250004.mp4", video_bytes("e")), analyse=False)[0]
        marked = space.mark()
        assert (marked.added, marked.held) == (5, 5)  # the one not analysed is not marked
        with space.ws.write() as s:
            assert outbox.mark_ready(s, [waiting]).held == 1  # ... unless asked for
        held = _held(space)
        assert set(held) == {ok, nobody, no_enrol, doubt, unread, waiting}
        for reasons in held.values():
            assert "'3단원 풀이'의 서버 숙제 ID(target_id)가 없습니다" in reasons
            assert "has no server homework id (target_id)" in reasons
            assert all(" / " in line for line in reasons.splitlines())  # Korean / English
        assert "'누구.mp4' is not matched to a roster student" in held[nobody]
        assert "Student 정다섯 (20250005) has no enrollment_id" in held[no_enrol]
        assert "The verdict (wrote, confidence 0.50) waits for a person" in held[doubt]
        assert "The verdict (unreadable, confidence 0.90)" in held[unread]
        assert "'20250004.mp4' has not been analysed yet" in held[waiting]
        assert len(held[ok].splitlines()) == 1

        runner = space.runner(server.url)
        assert runner.run(until_idle=True).posted == 0
        assert server.state.submissions == []
        with space.ws.read() as s:
            assert outbox.counts(s, homework_id=space.homework_id).held == 6
            listed = outbox.attention_list(s, include_held=True, homework_id=space.homework_id)
        assert {a.submission_id for a in listed} == set(held)
        assert {(a.exam_title, a.target_type, a.exam_id) for a in listed} == {
            (HOMEWORK, "homework", None)
        }

        # the server id releases the one that only lacked it
        with space.ws.write() as s:
            assert mapping.set_homework_target(s, space.homework_id, HW_TARGET) == 1
            sub = s.get(Submission, ok)
            assert sub is not None and sub.target_id == HW_TARGET
        # a person settles the verdicts; the student is picked; the enrollment id typed
        with space.ws.write() as s:
            set_value(s, doubt, VERDICT_FIELD, "wrote", decided_by=STAFF)
            set_value(s, unread, VERDICT_FIELD, "unreadable", decided_by=STAFF)
            set_value(s, nobody, STUDENT_FIELD, "20250004", decided_by=STAFF)
            assert outbox.recheck_held(s, submission_ids=[doubt, unread, nobody]) == 3
            mapping.set_enrollment_ids(s, {"20250005": 7005})
        assert _held(space) == {waiting: _held(space)[waiting]}
        # the analysis finishing releases the last one
        from academy_desktop.store.homework_batch import resume

        list(run(space.ws, resume(space.ws, space.homework_id), analyse=space._analyse))
        summary = runner.run(until_idle=True)
        assert summary.posted == 6 and _held(space) == {}
        on_server = _check_exactly_once(server, space, 6)
        verdicts = sorted(
            (sub["payload"]["verdict"], sub["payload"]["review"] is not None)
            for sub in on_server.values()
        )
        assert verdicts == [
            ("unreadable", True),
            ("wrote", False),
            ("wrote", False),
            ("wrote", False),
            ("wrote", False),
            ("wrote", True),
        ]
    finally:
        space.close()


def test_the_runner_releases_a_settled_verdict_without_a_wake(
    space: HomeworkSpace, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from academy_desktop.sync import runner as runner_mod

    monkeypatch.setattr(runner_mod, "HELD_RECHECK_S", 0.1)
    [doubt] = space.add(space.file("20250001.mp4", video_bytes("x"), "little_writing", 0.6))
    space.mark()
    runner = space.runner(server.url)
    state = TaskState()
    thread = threading.Thread(target=lambda: runner.run(state))
    thread.start()
    try:
        time.sleep(0.3)
        assert server.state.submissions == []
        with space.ws.write() as s:  # what the window does: no runner.wake()
            set_value(s, doubt, VERDICT_FIELD, "little_writing", decided_by=STAFF)
        deadline = time.monotonic() + 10
        while not server.state.submissions:
            assert time.monotonic() < deadline, "the settled file was not sent"
            time.sleep(0.05)
    finally:
        state.cancel()
        thread.join(20)
    [got] = server.state.submissions
    assert got["payload"]["review"]["original"] == "little_writing"


def test_auto_send_takes_analysed_homework_that_has_a_server_id(tmp_path: Path) -> None:
    space = HomeworkSpace(tmp_path / "ws")
    try:
        [a] = space.add(space.file("20250001.mp4", video_bytes("a")))
        space.add(space.file("20250002.mp4", video_bytes("b")), analyse=False)
        with space.ws.write() as s:
            other = create_homework(s, "서버 ID 없는 숙제").id
        batch = prepare(space.ws, other, [space.file("20250003.mp4", video_bytes("c"))])
        list(run(space.ws, batch, analyse=space._analyse))
        with space.ws.write() as s:
            assert outbox.enqueue_new_graded(s) == 1
            assert outbox.enqueue_new_graded(s) == 0
        assert set(space.items()) == {a}
    finally:
        space.close()


# ------------------------------------------------------------------ faults


def test_faults_are_reconciled_exactly_once(space: HomeworkSpace) -> None:
    from syncserver import start_server

    paths = [
        space.file(f"{number}_hw.mp4", video_bytes(number, 20_000 + i * 1000))
        for i, (number, _, _) in enumerate(STUDENTS[:4])
    ]
    paths.append(space.file("20250001_photo.jpg", jpeg_bytes(11)))
    space.add(*paths)
    space.mark()
    with start_server(page_size=2, status_step_s=0.05, static_tokens={"static-token-1"}) as srv:
        srv.faults.configure(timeout_s=1.5)  # longer than the client's 0.5 s
        routes = "submissions_create"
        srv.faults.queue("drop_after_commit", 1, routes=routes)
        srv.faults.queue("error_500", 1, routes=routes)
        srv.faults.queue("timeout", 1, routes=routes)
        srv.faults.queue("error_503_retry_after", 1, routes=routes)
        srv.faults.queue("drop_before_commit", 1, routes=routes)
        runner = space.runner(srv.url, timeout_s=0.5)
        summary = runner.run(until_idle=True, wait_for_status=True)
        assert srv.faults.pending == 0
        assert summary.found == 2 and summary.posted == 3  # the two committed: found
        on_server = _check_exactly_once(srv, space, 5)
        assert {sub["status"] for sub in srv.state.submissions} == {"done"}
        assert srv.errors == []
    items = space.items()
    assert {it.server_status for it in items.values()} == {"done"}
    assert {it.server_submission_id for it in items.values()} == {
        sub["id"] for sub in on_server.values()
    }


def test_a_refused_homework_file_can_be_sent_again(space: HomeworkSpace, server: Any) -> None:
    [sid] = space.add(space.file("20250001.mp4", video_bytes("r")))
    space.mark()
    server.faults.configure(bad_request_body={"file": ["file required"]})
    server.faults.queue("bad_request", 1, routes="submissions_create")
    runner = space.runner(server.url)
    assert runner.run(until_idle=True).rejected == 1
    with space.ws.read() as s:
        [attention] = outbox.attention_list(s)
    assert (attention.submission_id, attention.kind, attention.exam_title) == (
        sid,
        "rejected",
        HOMEWORK,
    )
    assert attention.server_errors == {"file": ["file required"]}
    with space.ws.write() as s:
        assert outbox.send_now(s, [sid]) == 1
    assert runner.run(until_idle=True).posted == 1
    _check_exactly_once(server, space, 1)


def test_a_post_cut_off_by_a_crash_and_a_failure_on_the_server(
    space: HomeworkSpace, server: Any
) -> None:
    from academy_desktop.store.models import utcnow
    from academy_desktop.sync.client import ServerClient
    from academy_desktop.sync.runner import retry_on_server

    [first, second] = space.add(
        space.file("20250001.mp4", video_bytes("k1")), space.file("20250002.jpg", jpeg_bytes(7))
    )
    space.mark()
    runner = space.runner(server.url)
    item_id = space.items()[first].id
    prepared = runner._prepare(item_id)
    assert prepared is not None and not isinstance(prepared, list)
    # the POST reached the server, then the process died
    with space.ws.write() as s:
        item = s.get(OutboxItem, item_id)
        assert item is not None
        outbox.begin_attempt(s, item, utcnow(), 0)
        item.file_sha256 = prepared.file_sha256  # as the runner leases it
    with ServerClient(runner.config, runner.auth) as client:
        client.create_submission(prepared.fields, prepared.upload)
    summary = runner.run(until_idle=True)
    assert (summary.found, summary.posted) == (1, 1)
    on_server = _check_exactly_once(server, space, 2)

    # the server's processing fails: listed, retried on the server, polled to done
    sid = next(sub["id"] for sub in on_server.values() if sub["source"] == "homework_image")
    server.fail_submission(sid, "AI worker failed")
    runner.run(until_idle=True, wait_for_status=True)
    with space.ws.read() as s:
        [failed] = outbox.attention_list(s)
    assert (failed.submission_id, failed.kind, failed.can_retry_on_server) == (
        second,
        "server_failed",
        True,
    )
    assert "AI worker failed" in failed.reason and failed.exam_title == HOMEWORK
    retry_on_server(space.ws, runner.config, runner.auth, second)
    runner.run(until_idle=True, wait_for_status=True)
    assert {it.server_status for it in space.items().values()} == {"done"}
    assert len(server.state.submissions) == 2


# ------------------------------------------------------------------ a big video


def test_a_50_mb_video_streams_in_flat_memory(space: HomeworkSpace, server: Any) -> None:
    import tracemalloc

    size = 50 << 20
    big = space.big_file("20250001_long.mp4", size)
    space.add(big)
    space.mark()
    runner = space.runner(server.url, timeout_s=60.0)
    tracemalloc.start()
    try:
        summary = runner.run(until_idle=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.posted == 1
    [got] = server.state.submissions
    assert (got["file_size"], got["file_sha256"]) == (size, sha256_file(big))
    assert got["file_type"] == "video/mp4"
    assert peak < 8 << 20  # the runner, its database and the test server: far below 50 MB


# ------------------------------------------------------------------ command line


def test_cli_sync_homework_and_list(
    space: HomeworkSpace,
    server: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    space.add(space.file("20250001.mp4", video_bytes("1")))
    space.add(space.file("20250002.jpg", jpeg_bytes(2), "little_writing", 0.4))
    space.add(space.file("20250005.mp4", video_bytes("5")))  # no enrollment_id
    space.close()  # one program per workspace
    monkeypatch.setenv("ACADEMY_TOKEN", "static-token-1")
    ws = ["--workspace", str(space.folder)]
    code = main(["sync", *ws, "--homework", HOMEWORK, "--server", server.url, "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Marked ready: 3 new, 0 already in the outbox, 2 held" in out
    assert "Sent: 1" in out and "held 2" in out
    assert main(["sync", *ws, "--list"]) == 0
    listed = capsys.readouterr().out
    assert listed.count(f"숙제 / homework '{HOMEWORK}'") == 2
    assert "[held]" in listed and "20250005 정다섯" in listed
    assert "has no enrollment_id" in listed and "waits for a person" in listed
    assert main(["sync", *ws, "--homework", "없는 숙제", "--list"]) == 2
    assert "No such homework" in capsys.readouterr().err
    [got] = server.state.submissions
    assert (got["target_type"], got["source"], got["enrollment_id"]) == (
        "homework",
        "homework_video",
        7001,
    )
    space.ws = Workspace.open(space.folder, staff=STAFF)  # for the fixture's close
