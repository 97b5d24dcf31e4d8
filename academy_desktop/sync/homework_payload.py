"""What is sent for one homework video or photo: hold reasons, the payload, the file.

``POST /api/v1/submissions/`` (multipart) gets ``enrollment_id``, ``target_type``
(``homework``), ``target_id`` (the homework's server id), ``source``
(``homework_video`` or ``homework_image``), ``payload`` and ``file``. The payload is
the analysis as stored (the seed worker's keys ``total_frames``, ``sampled_frames``,
``avg_writing_score``, ``filled_ratio``, ``frames``, ``too_short`` first, then the new
ones; pictures are never in it, and ``file`` is the name the file was dropped with),
then::

    "verdict": "wrote",                 # in effect: the engine's, or a person's
    "engine_verdict": "little_writing", # what the analysis said
    "confidence": 0.74, "reason": "…",  # the analysis' confidence and reason
    "review": {"decided_by": "김선생", "decided_at": "…", "original": "little_writing"},
    "client": {"app": "academy-desktop", "version": "0.1.0", "submission_uuid": "…",
               "file_sha256": "…", "analysed_at": "…"}

``review`` is ``null`` unless a person settled the verdict (``original``: the engine's
verdict). The exact example is in ``docs/sync.md``.

**Held, not sent** (:func:`hold_reasons`, each "한국어 / English"): the homework has no
server id, the file is not matched to a student or the student has no
``enrollment_id``, the file is not analysed yet, or a doubtful verdict waits for a
person (``review_state`` ``needed``).

**The file** is the original: a video as it is (mp4, mov, or whatever was dropped),
a JPEG, PNG or WebP photo as it is. A PDF or another picture format (TIFF, BMP) is
rendered to one grayscale PNG, its pages stacked top to bottom at a width of
:data:`STACK_WIDTH` px (narrower for many pages, so it stays under the server's 20 MB
photo limit), cached under ``<workspace>/outbox/`` so that every attempt sends the
same bytes.
"""

from __future__ import annotations

import math
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from academy_desktop import __version__
from academy_desktop.store.homework import HOMEWORK_TARGET, SOURCE_IMAGE, SOURCE_VIDEO
from academy_desktop.store.models import (
    Homework,
    ReviewDecision,
    ReviewState,
    Student,
    Submission,
    SubmissionStatus,
)
from academy_desktop.store.review import VERDICT_FIELD, in_effect, settled_fields
from academy_desktop.sync.payload import (
    APP_NAME,
    RENDER_DIR,
    SheetFile,
    SheetFileError,
    direct_type,
    iso_utc,
    review_meta,
    sha256_of,
    write_atomic,
)

TARGET_TYPE = HOMEWORK_TARGET
SOURCES = (SOURCE_VIDEO, SOURCE_IMAGE)
SEED_KEYS = (  # the seed worker's homework_video_analyzer output, in its order
    "total_frames",
    "sampled_frames",
    "avg_writing_score",
    "filled_ratio",
    "frames",
    "too_short",
)
# set by the payload itself, after the analysis' own keys
OWN_KEYS = ("verdict", "engine_verdict", "confidence", "reason", "review", "client")
PICTURE_KEYS = frozenset({"png", "thumbnail_png"})
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # the server's homework photo limit (CONTRACT.md)
STACK_WIDTH = 1600  # px: a rendered PDF's pages, stacked
STACK_MAX_PIXELS = 24_000_000  # more pages than fit at STACK_WIDTH: narrower
_MIN_WIDTH = 200


# ------------------------------------------------------------------ hold reasons


def hold_reasons(sub: Submission, homework: Homework, student: Student | None) -> list[str]:
    """Why the homework file ``sub`` cannot be sent yet (empty: it can)."""
    reasons: list[str] = []
    name = sub.scan.original_name if sub.scan is not None else f"#{sub.id}"
    if homework.target_id is None:
        reasons.append(
            f"숙제 '{homework.title}'의 서버 숙제 ID(target_id)가 없습니다 / "
            f"The homework '{homework.title}' has no server homework id (target_id)"
        )
    if student is None:
        reasons.append(
            f"파일 '{name}'이(가) 명단의 학생과 연결되지 않았습니다 / "
            f"The file '{name}' is not matched to a roster student"
        )
    elif student.enrollment_id is None:
        reasons.append(
            f"학생 {student.name}({student.number})의 enrollment_id가 없습니다 / "
            f"Student {student.name} ({student.number}) has no enrollment_id"
        )
    if sub.status != SubmissionStatus.DONE:
        reasons.append(
            f"파일 '{name}'이(가) 아직 분석되지 않았습니다 / "
            f"The file '{name}' has not been analysed yet"
        )
    elif sub.review_state == ReviewState.NEEDED:
        payload = sub.engine_payload or {}
        verdict = payload.get("verdict") or "-"
        confidence = payload.get("confidence")
        conf = f"{confidence:.2f}" if isinstance(confidence, int | float) else "-"
        reasons.append(
            f"판정({verdict}, 확신도 {conf})을 사람이 확인해야 합니다 / "
            f"The verdict ({verdict}, confidence {conf}) waits for a person to check it"
        )
    return reasons


# ------------------------------------------------------------------------ payload


def _without_pictures(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_pictures(v)
            for k, v in value.items()
            if k not in PICTURE_KEYS and not isinstance(v, bytes | bytearray)
        }
    if isinstance(value, list):
        return [_without_pictures(v) for v in value if not isinstance(v, bytes | bytearray)]
    return value


def build_payload(
    sub: Submission,
    decisions: list[ReviewDecision],
    *,
    submission_uuid: str,
    file_sha256: str,
) -> dict[str, Any]:
    """The ``payload`` JSON object for the homework file ``sub`` (see the module doc)."""
    analysis = _without_pictures(dict(sub.engine_payload or {}))
    engine_verdict = analysis.get("verdict")
    analysed_at = analysis.pop("analysed_at", None)
    payload: dict[str, Any] = {k: analysis[k] for k in SEED_KEYS if k in analysis}
    payload.update((k, v) for k, v in analysis.items() if k not in payload and k not in OWN_KEYS)
    if "file" in payload and sub.scan is not None:  # not the workspace copy's hash name
        payload["file"] = sub.scan.original_name
    review = None
    if VERDICT_FIELD in settled_fields(decisions):
        review = review_meta(VERDICT_FIELD, engine_verdict or "", decisions, in_effect(decisions))
    payload.update(
        verdict=sub.verdict,
        engine_verdict=engine_verdict,
        confidence=analysis.get("confidence"),
        reason=analysis.get("reason"),
        review=review,
        client={
            "app": APP_NAME,
            "version": __version__,
            "submission_uuid": submission_uuid,
            "file_sha256": file_sha256,
            "analysed_at": analysed_at if isinstance(analysed_at, str) else iso_utc(sub.created_at),
        },
    )
    return payload


# --------------------------------------------------------------------------- file


@dataclass(frozen=True)
class HomeworkSource:
    """Where a homework file is in the workspace (read in a session, used outside)."""

    submission_id: int
    stored_path: str  # relative to the workspace folder
    sha256: str
    original_name: str
    source: str  # homework_video or homework_image

    @classmethod
    def of(cls, sub: Submission) -> HomeworkSource:
        return cls(
            sub.id, sub.scan.stored_path, sub.scan.sha256, sub.scan.original_name, sub.source
        )


def _video_type(path: Path, original_name: str) -> str:
    with path.open("rb") as f:
        head = f.read(12)
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    guessed, _ = mimetypes.guess_type(original_name)
    return guessed or "application/octet-stream"


def homework_file(workspace_folder: Path, source: HomeworkSource) -> SheetFile:
    """The file to upload for a homework submission (rendering a PDF first: may be
    slow, call it outside a write transaction). Raises :class:`SheetFileError`."""
    path = Path(workspace_folder) / source.stored_path
    if not path.is_file():
        raise SheetFileError(
            f"작업 공간에 숙제 파일이 없습니다: {source.stored_path} / "
            f"The homework file is missing from the workspace: {source.stored_path}"
        )
    name = Path(source.original_name).name or "homework"
    if source.source == SOURCE_VIDEO:
        content_type = _video_type(path, name)
        return SheetFile(path, name, content_type, source.sha256, path.stat().st_size)
    direct = direct_type(path)
    stem = Path(name).stem or "homework"
    if direct is not None:
        content_type, suffix = direct
        keep = name if Path(name).suffix.lower() in _suffixes(suffix) else stem + suffix
        return SheetFile(path, keep, content_type, source.sha256, path.stat().st_size)
    target = (
        Path(workspace_folder)
        / RENDER_DIR
        / source.sha256[:2]
        / f"{source.sha256}-hw{STACK_WIDTH}.png"
    )
    if not target.is_file():
        _render_stack(path, target)
    return SheetFile(target, stem + ".png", "image/png", sha256_of(target), target.stat().st_size)


def _suffixes(suffix: str) -> tuple[str, ...]:
    return (".jpg", ".jpeg") if suffix == ".jpg" else (suffix,)


def stack_width(sizes: list[tuple[int, int]], max_pixels: int = STACK_MAX_PIXELS) -> int:
    """The common width of pages ``(width, height)`` stacked top to bottom: at most
    :data:`STACK_WIDTH` and the widest page, and small enough that the stack has at
    most ``max_pixels`` pixels."""
    tall = sum(h / w for w, h in sizes if w > 0)
    width = min(STACK_WIDTH, max((w for w, _ in sizes), default=STACK_WIDTH))
    if tall > 0:
        width = min(width, int(math.sqrt(max_pixels / tall)))
    return max(_MIN_WIDTH, width)


def _render_stack(path: Path, target: Path) -> None:
    import cv2
    import numpy as np

    from academy_desktop.engine import inputs
    from academy_desktop.engine.rejections import Rejection

    try:
        refs = inputs.list_pages(path)
        per_page = max(10_000, STACK_MAX_PIXELS // max(1, len(refs)))
        pages = [inputs.load_page(ref, max_pixels=per_page).image for ref in refs]
    except (Rejection, ValueError, OSError) as exc:
        raise SheetFileError(
            f"파일을 그림으로 만들 수 없습니다 ({exc}) / The file could not be rendered ({exc})"
        ) from exc
    width = stack_width([(p.shape[1], p.shape[0]) for p in pages])
    while True:
        rows = [
            cv2.resize(
                p,
                (width, max(1, round(p.shape[0] * width / p.shape[1]))),
                interpolation=cv2.INTER_AREA if p.shape[1] >= width else cv2.INTER_CUBIC,
            )
            for p in pages
        ]
        ok, encoded = cv2.imencode(".png", np.vstack(rows))
        if not ok:
            raise SheetFileError("PNG 인코딩 실패 / PNG encoding failed")
        if encoded.size <= MAX_PHOTO_BYTES or width <= _MIN_WIDTH:
            break
        width = max(_MIN_WIDTH, int(width * 0.75))
    write_atomic(target, encoded.tobytes())


__all__ = [
    "MAX_PHOTO_BYTES",
    "SEED_KEYS",
    "SOURCES",
    "STACK_WIDTH",
    "TARGET_TYPE",
    "HomeworkSource",
    "build_payload",
    "hold_reasons",
    "homework_file",
    "stack_width",
]
