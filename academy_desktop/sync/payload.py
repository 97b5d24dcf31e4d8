"""What is sent for one graded sheet: the form fields, the payload JSON and the file.
(A homework video or photo: :mod:`academy_desktop.sync.homework_payload`.)

``POST /api/v1/submissions/`` (multipart) gets ``enrollment_id``, ``target_type``
(``exam``), ``target_id``, ``source`` (``omr_scan``), ``file`` and ``payload``::

    {"sheet_id": 45,
     "answers": [{"exam_question_id": 9001, "number": 1, "answer": "3",
                  "meta": {"omr": {"version": "v1", "detected": ["3"], "marking": "single",
                                   "confidence": 0.97, "status": "ok"},
                           "review": null}}, ...],
     "score": 85.0, "max_score": 100.0,
     "client": {"app": "academy-desktop", "version": "0.1.0",
                "submission_uuid": "…", "file_sha256": "…", "graded_at": "…"}}

``answer`` is the value after review; ``meta.review`` is ``{decided_by, decided_at,
original}`` for an answer a person settled (``original``: what the reader saw), else
``null``. The exact example the client sends is in ``docs/sync.md``.

**Held, not sent.** :func:`hold_reasons` lists what keeps a sheet from being sent,
each in Korean and English: no server exam id or sheet id, a question without its
``exam_question_id`` ("문항 7의 exam_question_id가 없습니다"), no roster student or
no ``enrollment_id``, open review flags, a page that was not graded.

**The file** is the page image as graded: a single-page JPEG, PNG or WebP scan is
sent as it is (its SHA-256 is the workspace's content address); a PDF page, a TIFF
frame or a BMP is rendered as the grader read it and sent as PNG, cached under
``<workspace>/outbox/`` so that every attempt sends the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from academy_desktop import __version__
from academy_desktop.store.models import (
    Exam,
    QuestionMapping,
    ReviewDecision,
    Student,
    Submission,
    SubmissionStatus,
)
from academy_desktop.store.realign import graded_image_size
from academy_desktop.store.review import in_effect

APP_NAME = "academy-desktop"
TARGET_TYPE = "exam"
SOURCE = "omr_scan"
RENDER_DIR = "outbox"
OMR_META_KEYS = ("version", "detected", "marking", "confidence", "status")
_LISTED_NUMBERS = 10  # questions named in a hold reason before "and N more"

_DIRECT_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def iso_utc(value: datetime) -> str:
    """A stored time (SQLite gives it back without a zone: it is UTC) as ISO 8601."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _question_name(q: QuestionMapping) -> str:
    return str(q.number) if q.number is not None else q.label


def hold_reasons(
    sub: Submission, exam: Exam, questions: list[QuestionMapping], student: Student | None
) -> list[str]:
    """Why ``sub`` cannot be sent yet (empty: it can); each reason "한국어 / English".
    ``student``: the roster entry the sheet stands for (matched, or by the number read)."""
    reasons: list[str] = []
    if sub.status != SubmissionStatus.DONE:
        code = sub.rejection_code or "-"
        reasons.append(f"채점되지 않은 페이지입니다 ({code}) / The page was not graded ({code})")
    if exam.target_id is None:
        reasons.append(
            f"시험 '{exam.title}'의 서버 시험 ID(target_id)가 없습니다 / "
            f"The exam '{exam.title}' has no server exam id (target_id)"
        )
    if exam.sheet_id is None:
        reasons.append(
            f"시험 '{exam.title}'의 sheet_id가 없습니다 / The exam '{exam.title}' has no sheet_id"
        )
    missing = [_question_name(q) for q in questions if q.exam_question_id is None]
    if missing:
        shown = ", ".join(missing[:_LISTED_NUMBERS])
        if len(missing) > _LISTED_NUMBERS:
            more = len(missing) - _LISTED_NUMBERS
            shown_ko, shown_en = f"{shown} 외 {more}개", f"{shown} and {more} more"
        else:
            shown_ko = shown_en = shown
        word_en = "Question" if len(missing) == 1 else "Questions"
        verb_en = "has" if len(missing) == 1 else "have"
        reasons.append(
            f"문항 {shown_ko}의 exam_question_id가 없습니다 / "
            f"{word_en} {shown_en} {verb_en} no exam_question_id"
        )
    if student is None:
        read = sub.student_number_read or "-"
        reasons.append(
            f"답안지가 명단의 학생과 연결되지 않았습니다 (읽은 번호 {read}) / "
            f"The sheet is not matched to a roster student (number read: {read})"
        )
    elif student.enrollment_id is None:
        reasons.append(
            f"학생 {student.name}({student.number})의 enrollment_id가 없습니다 / "
            f"Student {student.name} ({student.number}) has no enrollment_id"
        )
    if sub.flags_open:
        reasons.append(
            f"검토할 문항이 {sub.flags_open}개 남아 있습니다 / "
            f"{sub.flags_open} flagged answers wait for review"
        )
    return reasons


def review_meta(
    label: str, original: str, decisions: list[ReviewDecision], active: dict[int, bool]
) -> dict[str, Any] | None:
    last = None
    for d in decisions:
        if d.field == label and active.get(d.id, False):
            last = d
    if last is None:
        return None
    return {
        "decided_by": last.decided_by,
        "decided_at": iso_utc(last.decided_at),
        "original": original,
    }


def build_payload(
    sub: Submission,
    exam: Exam,
    questions: list[QuestionMapping],
    decisions: list[ReviewDecision],
    *,
    submission_uuid: str,
    file_sha256: str,
) -> dict[str, Any]:
    """The ``payload`` JSON object for ``sub`` (its hold reasons must be empty)."""
    active = in_effect(decisions)
    answers_by_label = {a.label: a for a in sub.answers}
    answers = []
    for q in questions:
        a = answers_by_label.get(q.label)
        if a is None:
            continue
        omr = a.meta.get("omr", {}) if isinstance(a.meta, dict) else {}
        review = review_meta(a.label, a.answer, decisions, active) if a.reviewed else None
        answers.append(
            {
                "exam_question_id": q.exam_question_id,
                "number": q.number,
                "answer": a.current_value,
                "meta": {"omr": {k: omr.get(k) for k in OMR_META_KEYS}, "review": review},
            }
        )
    return {
        "sheet_id": exam.sheet_id,
        "answers": answers,
        "score": sub.score,
        "max_score": sub.max_score,
        "client": {
            "app": APP_NAME,
            "version": __version__,
            "submission_uuid": submission_uuid,
            "file_sha256": file_sha256,
            "graded_at": iso_utc(sub.created_at),
        },
    }


def form_fields(
    enrollment_id: int,
    target_id: int,
    payload: dict[str, Any],
    *,
    target_type: str = TARGET_TYPE,
    source: str = SOURCE,
) -> dict[str, str]:
    """The multipart text fields, in the order the server's serializer lists them
    (an OMR sheet by default; homework: ``target_type="homework"`` and its source)."""
    return {
        "enrollment_id": str(int(enrollment_id)),
        "target_type": target_type,
        "target_id": str(int(target_id)),
        "source": source,
        "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
    }


# ------------------------------------------------------------------------- the file


@dataclass(frozen=True)
class SheetSource:
    """Where a submission's page is in the workspace (read in a session, used outside)."""

    submission_id: int
    stored_path: str  # relative to the workspace folder
    scan_sha256: str
    original_name: str
    page: int  # 1-based
    page_count: int
    image_size: tuple[int, int] | None  # the size it was graded at, when stored

    @classmethod
    def of(cls, sub: Submission) -> SheetSource:
        scan = sub.scan
        return cls(
            submission_id=sub.id,
            stored_path=scan.stored_path,
            scan_sha256=scan.sha256,
            original_name=scan.original_name,
            page=sub.page,
            page_count=scan.page_count,
            image_size=graded_image_size(sub),
        )


@dataclass(frozen=True)
class SheetFile:
    path: Path
    name: str
    content_type: str
    sha256: str
    size: int


class SheetFileError(Exception):
    """The page's file cannot be prepared (missing, unreadable); bilingual message."""


def direct_type(path: Path) -> tuple[str, str] | None:
    with path.open("rb") as f:
        head = f.read(16)
    for magic, content_type, suffix in _DIRECT_TYPES:
        if head.startswith(magic):
            return content_type, suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _upload_name(source: SheetSource, suffix: str) -> str:
    stem = Path(source.original_name).stem or "sheet"
    if source.page_count > 1:
        stem = f"{stem}-p{source.page}"
    return stem + suffix


def sheet_file(workspace_folder: Path, source: SheetSource) -> SheetFile:
    """The file to upload for ``source`` (rendering it first when needed; may be slow:
    call it outside a write transaction). Raises :class:`SheetFileError`."""
    scan_path = Path(workspace_folder) / source.stored_path
    if not scan_path.is_file():
        raise SheetFileError(
            f"작업 공간에 스캔 파일이 없습니다: {source.stored_path} / "
            f"The scan file is missing from the workspace: {source.stored_path}"
        )
    direct = direct_type(scan_path) if source.page_count == 1 and source.page == 1 else None
    if direct is not None:
        content_type, suffix = direct
        return SheetFile(
            scan_path,
            _upload_name(source, suffix),
            content_type,
            source.scan_sha256,  # content-addressed: the stored file's SHA-256
            scan_path.stat().st_size,
        )
    size = source.image_size
    tag = f"{size[0]}x{size[1]}" if size else "default"
    target = (
        Path(workspace_folder)
        / RENDER_DIR
        / source.scan_sha256[:2]
        / f"{source.scan_sha256}-p{source.page}-{tag}.png"
    )
    if not target.is_file():
        _render_png(scan_path, source, target)
    return SheetFile(
        target, _upload_name(source, ".png"), "image/png", sha256_of(target), target.stat().st_size
    )


def _render_png(scan_path: Path, source: SheetSource, target: Path) -> None:
    import cv2

    from academy_desktop.engine.manual import load_sheet_gray
    from academy_desktop.engine.rejections import Rejection

    try:
        gray = load_sheet_gray(scan_path, source.page, image_size=source.image_size)
    except (Rejection, ValueError) as exc:
        raise SheetFileError(
            f"페이지를 그림으로 만들 수 없습니다 ({exc}) / The page could not be rendered ({exc})"
        ) from exc
    ok, encoded = cv2.imencode(".png", gray)
    if not ok:
        raise SheetFileError("PNG 인코딩 실패 / PNG encoding failed")
    write_atomic(target, encoded.tobytes())


def write_atomic(target: Path, data: bytes) -> None:
    """Write a cached rendering whole or not at all (a crash leaves no half file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


__all__ = [
    "APP_NAME",
    "OMR_META_KEYS",
    "RENDER_DIR",
    "SOURCE",
    "TARGET_TYPE",
    "SheetFile",
    "SheetFileError",
    "SheetSource",
    "build_payload",
    "direct_type",
    "form_fields",
    "hold_reasons",
    "iso_utc",
    "review_meta",
    "sha256_of",
    "sheet_file",
    "write_atomic",
]
