"""Analyse homework videos and photos into a workspace: resumable, one file at a time.

:func:`prepare` copies the files in (content-addressed, so the source folder may go
away), matches each to a student and creates its submission, not yet analysed
(``status="submitted"``). :func:`run` analyses them one by one with
:func:`academy_desktop.engine.homework.analyse.analyse_file` and commits each result
in its own short write transaction, so a batch cut short (cancel, crash, ``kill -9``)
keeps what was finished, and :func:`resume` (or dropping the same files again) goes
on with the rest. A file already analysed for the homework is never analysed twice.

A file that is not a video or a picture, or is larger than the server accepts, is
refused before it is copied, with a message saying what to do; the rest go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.engine.homework.analyse import expand_inputs, homework_kind
from academy_desktop.engine.homework.video import VIDEO_EXTENSIONS as VIDEO_SUFFIXES
from academy_desktop.engine.input_files import SUPPORTED_SUFFIXES as IMAGE_SUFFIXES
from academy_desktop.engine.progress import Cancelled, SubTask, TaskState
from academy_desktop.store.database import Workspace
from academy_desktop.store.homework import (
    HOMEWORK_TARGET,
    SOURCE_IMAGE,
    SOURCE_VIDEO,
    compile_pattern,
    get_homework,
    match_file,
)
from academy_desktop.store.models import (
    HomeworkFrame,
    Scan,
    Submission,
    SubmissionStatus,
)
from academy_desktop.store.review import VERDICT_FIELD, history, settle, settled_fields
from academy_desktop.store.roster_search import load_roster
from academy_desktop.store.scans import copy_in, register_scans, sha256_file

__all__ = [
    "IMAGE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "HomeworkBatch",
    "HomeworkItem",
    "HomeworkOutcome",
    "expand_inputs",
    "prepare",
    "record_analysis",
    "resume",
    "run",
    "source_for",
    "unfinished",
]

# the server's limits (CONTRACT.md): homework photo 20 MB, homework video 500 MB
MAX_BYTES = {SOURCE_VIDEO: 500 * 1024 * 1024, SOURCE_IMAGE: 20 * 1024 * 1024}

Analyse = Callable[..., dict[str, Any]]


def source_for(path: Path) -> str | None:
    """``homework_video`` or ``homework_image`` (see the engine's ``homework_kind``),
    else None: not a homework file."""
    return homework_kind(path)


@dataclass(frozen=True)
class HomeworkItem:
    submission_id: int
    path: Path  # the copy in the workspace
    original_name: str
    source: str


@dataclass
class HomeworkBatch:
    homework_id: int
    title: str
    items: list[HomeworkItem]
    already: list[Path] = field(default_factory=list)  # analysed before: left alone
    refused: list[tuple[Path, str]] = field(default_factory=list)  # (file, "한국어 / English")


@dataclass(frozen=True)
class HomeworkOutcome:
    submission_id: int
    original_name: str
    verdict: str
    confidence: float | None
    doubtful: bool
    seconds: float


def _refusal(path: Path) -> str | None:
    source = source_for(path)
    if not path.is_file():
        return f"파일을 찾을 수 없습니다: {path} / File not found: {path}"
    if source is None:
        return (
            f"동영상(mp4, mov)이나 사진(jpg, png, pdf)이 아닙니다: {path.name} / "
            f"Not a homework video (mp4, mov) or picture (jpg, png, pdf): {path.name}"
        )
    size = path.stat().st_size
    limit = MAX_BYTES[source]
    if size > limit:
        mb = limit // (1024 * 1024)
        return (
            f"파일이 너무 큽니다({size / 1e6:.0f} MB, 최대 {mb} MB). 더 짧게 또는 낮은 화질로 "
            f"다시 찍어 주세요: {path.name} / The file is too large ({size / 1e6:.0f} MB, "
            f"at most {mb} MB): record it shorter or at a lower quality: {path.name}"
        )
    if size == 0:
        return f"빈 파일입니다: {path.name} / The file is empty: {path.name}"
    return None


def _item(ws: Workspace, sub: Submission) -> HomeworkItem:
    return HomeworkItem(
        sub.id, ws.folder / sub.scan.stored_path, sub.scan.original_name, sub.source
    )


def prepare(
    ws: Workspace,
    homework_id: int,
    inputs: Sequence[Path],
    *,
    pattern: str | None = None,
    state: TaskState | None = None,
) -> HomeworkBatch:
    """Copy the files in and create their submissions; leave out files analysed before.

    ``pattern``: see :func:`academy_desktop.store.homework.match_file`. Copying is
    the slow part (videos are large): it runs outside any transaction, with progress.
    """
    if pattern:
        compile_pattern(pattern)  # a bad pattern stops the batch before anything is copied
    with ws.read() as s:
        hw = get_homework(s, homework_id)
        title = hw.title
    batch = HomeworkBatch(homework_id, title, [])
    files: list[tuple[Path, int, str, str]] = []
    accepted = expand_inputs(inputs)
    for i, path in enumerate(accepted):
        if state is not None:
            state.check()
            state.report(i / max(1, len(accepted)), path.name)
        reason = _refusal(path)
        if reason is not None:
            batch.refused.append((path, reason))
            continue
        try:
            digest = sha256_file(path)
            files.append((path, 1, digest, copy_in(ws.folder, path, digest)))
        except OSError as exc:
            batch.refused.append(
                (path, f"파일을 읽을 수 없습니다: {exc} / The file cannot be read: {exc}")
            )
    with ws.write() as s:
        hw = get_homework(s, homework_id)
        scans = register_scans(s, ws.folder, files)
        existing = {
            sub.scan_id: sub
            for sub in s.scalars(
                select(Submission).where(
                    Submission.homework_id == hw.id,
                    Submission.scan_id.in_([scan.id for scan in scans.values()]),
                )
            )
        }
        roster = load_roster(s)
        seen: set[int] = set()
        for path, scan in scans.items():
            if scan.id in seen:  # the same content twice in one drop
                batch.already.append(path)
                continue
            seen.add(scan.id)
            sub = existing.get(scan.id)
            if sub is not None and sub.status != SubmissionStatus.SUBMITTED:
                batch.already.append(path)
                continue
            if sub is None:
                sub = _new_submission(s, hw.id, hw.target_id, scan, path, roster, pattern)
            batch.items.append(_item(ws, sub))
    if state is not None:
        state.report(1.0, "")
    return batch


def _new_submission(
    session: Session,
    homework_id: int,
    target_id: int | None,
    scan: Scan,
    path: Path,
    roster: Any,
    pattern: str | None,
) -> Submission:
    match = match_file(path.name, roster, pattern)
    student_id = match.student.id if match.student is not None else None
    sub = Submission(
        homework_id=homework_id,
        scan=scan,
        page=1,
        target_type=HOMEWORK_TARGET,
        target_id=target_id,
        source=source_for(path),
        status=SubmissionStatus.SUBMITTED,
        student_id=student_id,
    )
    session.add(sub)
    session.flush()
    if sub.student is not None:
        sub.enrollment_id = sub.student.enrollment_id
    return sub


def unfinished(ws: Workspace, homework_id: int) -> list[HomeworkItem]:
    """Files of the homework not analysed yet (a batch cut short)."""
    with ws.read() as s:
        subs = s.scalars(
            select(Submission)
            .where(
                Submission.homework_id == homework_id,
                Submission.status == SubmissionStatus.SUBMITTED,
            )
            .order_by(Submission.id)
        )
        return [_item(ws, sub) for sub in subs]


def resume(ws: Workspace, homework_id: int) -> HomeworkBatch:
    with ws.read() as s:
        title = get_homework(s, homework_id).title
    return HomeworkBatch(homework_id, title, unfinished(ws, homework_id))


# ------------------------------------------------------------------- recording


def _png_entries(result: dict[str, Any]) -> tuple[dict[str, Any], list[HomeworkFrame]]:
    """The payload without picture bytes, and the pictures as frame rows."""
    payload = dict(result)
    pictures: list[HomeworkFrame] = []
    key_frames = []
    for k in result.get("key_frames") or []:
        entry = {key: value for key, value in k.items() if key != "png"}
        if isinstance(k.get("png"), bytes | bytearray):
            entry["frame"] = len(pictures)
            pictures.append(
                HomeworkFrame(
                    position=len(pictures),
                    page=int(k.get("page", 0)),
                    which=str(k.get("which", "first")),
                    time_s=float(k["time_s"]) if k.get("time_s") is not None else None,
                    png=bytes(k["png"]),
                )
            )
        key_frames.append(entry)
    if "key_frames" in result:
        payload["key_frames"] = key_frames
    pages = result.get("pages")
    if isinstance(pages, list):
        out_pages = []
        for i, p in enumerate(pages):
            entry = {key: value for key, value in p.items() if key != "thumbnail_png"}
            png = p.get("thumbnail_png")
            if isinstance(png, bytes | bytearray):
                entry["frame"] = len(pictures)
                pictures.append(
                    HomeworkFrame(
                        position=len(pictures),
                        page=int(p.get("index", i)),
                        which="page",
                        time_s=None,
                        png=bytes(png),
                    )
                )
            out_pages.append(entry)
        payload["pages"] = out_pages
    return payload, pictures


def record_analysis(session: Session, submission_id: int, result: dict[str, Any]) -> Submission:
    """Store an analysis: the payload (pictures as :class:`HomeworkFrame` rows), the
    verdict (unless a person's verdict is in effect: it stays), and the review state."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.homework_id is None:
        raise ValueError(f"no homework submission #{submission_id}")
    payload, pictures = _png_entries(result)
    payload["analysed_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    for old in session.scalars(select(HomeworkFrame).where(HomeworkFrame.submission_id == sub.id)):
        session.delete(old)
    session.flush()
    for picture in pictures:
        picture.submission_id = sub.id
        session.add(picture)
    sub.engine_payload = payload
    if VERDICT_FIELD not in settled_fields(history(session, sub.id)):
        sub.verdict = payload.get("verdict")
    sub.rejection_code = payload.get("rejection_code")
    sub.error_message = payload.get("reason") if payload.get("verdict") == "unreadable" else None
    sub.status = SubmissionStatus.DONE
    session.flush()
    settle(session, sub)
    session.flush()
    return sub


def _internal_error(exc: Exception, source: str) -> dict[str, Any]:
    message = (
        f"분석 중 오류가 났습니다: {type(exc).__name__}: {exc} / "
        f"The analysis failed: {type(exc).__name__}: {exc}"
    )
    return {
        "source": source,
        "verdict": "unreadable",
        "confidence": 0.0,
        "reason": message,
        "rejection_code": "INTERNAL_ERROR",
    }


def _default_analyse() -> Analyse:
    from academy_desktop.engine.homework.analyse import analyse_file

    return analyse_file


def run(
    ws: Workspace,
    batch: HomeworkBatch,
    *,
    state: TaskState | None = None,
    analyse: Analyse | None = None,
    options: dict[str, Any] | None = None,
    clock: Callable[[], float] | None = None,
) -> Iterator[HomeworkOutcome]:
    """Analyse the batch's files one by one, committing each; yields each outcome.

    ``options`` go to the analysis (``ocr``, ``segmentation``, ``model_path``,
    ``sample_fps``). A failure inside the analysis of one file is stored as an
    ``unreadable`` verdict with ``INTERNAL_ERROR`` and the batch goes on; a cancel
    stops after the current file's frame (:class:`Cancelled` propagates).
    """
    import time

    fn = analyse or _default_analyse()
    tick = clock or time.monotonic
    state = state or TaskState()
    n = len(batch.items)
    for i, item in enumerate(batch.items):
        state.check()
        part = SubTask(state, i / n, (i + 1) / n, f"{i + 1}/{n} {item.original_name}: ")
        start = tick()
        try:
            result = fn(item.path, task=part, **(options or {}))
        except Cancelled:
            raise
        except Exception as exc:  # one bad file must not stop the batch
            result = _internal_error(exc, item.source)
        with ws.write() as s:
            sub = record_analysis(s, item.submission_id, result)
            outcome = HomeworkOutcome(
                sub.id,
                item.original_name,
                sub.verdict or "unreadable",
                result.get("confidence"),
                sub.review_state == "needed",
                tick() - start,
            )
        yield outcome
    state.report(1.0, "")
