"""Re-grade a stored page from the four points a person clicked on it (manual alignment).

A page the aligner could not place (``NOT_A_SHEET``, ``ALIGNMENT_FAILED``, ...) is
stored as a failed submission. Staff click its four page corners or corner marks on
the original scan; :func:`regrade_with_points` reloads that page from the
workspace's copy of the scan, grades it with the points and the exam's current key
(:func:`academy_desktop.engine.manual.grade_with_points`) and replaces the
submission's reading in place: answers, status, rejection fields, score and payload,
exactly as :func:`~academy_desktop.store.submissions.record_result` would have stored
them. The submission keeps its id, so its audit trail and outbox entry stay attached.

* An ``"alignment"`` :class:`ReviewDecision` records it: ``old_value`` is the
  previous alignment method (or the rejection code), ``new_value`` is ``"manual"``
  and ``reason`` lists the points. :func:`academy_desktop.store.review.undo_last`
  never undoes it.
* Review decisions already in effect are kept: an answer a person settled keeps the
  value they chose, and a student they picked stays picked.
* Points that do not fit the sheet change nothing and raise :class:`StoreError`
  with the engine's reason.
* The page is reloaded at the size it was graded at (``alignment["image_size"]``,
  when stored: a PDF graded at 300 dpi comes back at 300 dpi), the picture the
  review screen shows; a rejected page has none and comes at the default size,
  the picture the rejected-pages screen shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from academy_desktop.engine.manual import PointKind, grade_with_points, load_sheet_gray
from academy_desktop.engine.rejections import Rejection
from academy_desktop.store.exams import StoreError, current_key, exam_template
from academy_desktop.store.models import ReviewDecision, Submission, SubmissionStatus
from academy_desktop.store.review import (
    ALIGNMENT_FIELD,
    STUDENT_FIELD,
    get_submission,
    history,
    reviewer_name,
    settle,
    settled_fields,
)
from academy_desktop.store.submissions import apply_result, insert_answers, match_student

__all__ = ["format_points", "graded_image_size", "parse_points", "regrade_with_points"]


def format_points(points: Sequence[Sequence[float]]) -> str:
    """``x1,y1,x2,y2,...`` with at most one decimal, as the audit reason shows them."""
    return ",".join(f"{float(v):.1f}".removesuffix(".0") for p in points for v in p)


def parse_points(text: str) -> list[tuple[float, float]]:
    """``"x1,y1,x2,y2,x3,y3,x4,y4"`` -> four ``(x, y)`` pairs; raises :class:`StoreError`."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 8 or any(v != v for v in values):
        raise StoreError(
            f"네 점의 좌표 8개가 필요합니다 (x1,y1,...,x4,y4): {text!r} / "
            f"8 numbers are needed for four points (x1,y1,...,x4,y4): {text!r}"
        )
    return [(values[i], values[i + 1]) for i in range(0, 8, 2)]


def _previous_alignment(sub: Submission) -> str:
    if sub.status == SubmissionStatus.FAILED:
        return sub.rejection_code or "failed"
    alignment = (sub.engine_payload or {}).get("alignment") or {}
    return str(alignment.get("method") or "")


def graded_image_size(sub: Submission) -> tuple[int, int] | None:
    """The ``(width, height)`` the submission's page was graded at, when stored."""
    alignment = (sub.engine_payload or {}).get("alignment") or {}
    size = alignment.get("image_size") if isinstance(alignment, dict) else None
    if (
        isinstance(size, list | tuple)
        and len(size) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in size)
    ):
        return int(size[0]), int(size[1])
    return None


def regrade_with_points(
    session: Session,
    workspace_folder: Path,
    submission_id: int,
    points: Sequence[Sequence[float]],
    *,
    kind: PointKind,
    decided_by: str,
) -> Submission:
    """Grade the submission's page again with the template mapped onto ``points``
    (pixels of :func:`~academy_desktop.engine.manual.load_sheet_gray`'s image at
    :func:`graded_image_size`) and store the new reading in place; returns the
    submission (flushed, not committed)."""
    who = reviewer_name(decided_by)
    sub = get_submission(session, submission_id)
    if kind not in ("page", "markers"):
        raise StoreError(f"kind는 page 또는 markers 입니다 / kind must be page or markers: {kind}")
    path = Path(workspace_folder) / sub.scan.stored_path
    if not path.is_file():
        raise StoreError(
            f"작업 공간에 스캔 파일이 없습니다: {path} / The scan is missing from the workspace: "
            f"{path}"
        )
    try:
        gray = load_sheet_gray(path, sub.page, image_size=graded_image_size(sub))
    except Rejection as r:
        raise StoreError(f"{r.message} ({path.name})") from r
    except ValueError as exc:  # a stored size beyond the pixel limit
        raise StoreError(
            f"저장된 이미지 크기가 잘못되었습니다 / The stored image size is wrong: {exc} "
            f"({path.name})"
        ) from exc
    try:  # the exam's template and current key, as a batch grades with them
        result = grade_with_points(
            gray,
            exam_template(sub.sheet_exam),
            current_key(sub.sheet_exam),
            points,
            kind=kind,
            source=str(path),
            page=sub.page,
        )
    except ValueError as exc:  # not four points, or no corner marks on this sheet
        raise StoreError(str(exc)) from exc
    if result.status != "ok":
        raise StoreError(result.message or result.rejection_code or result.status)

    settled = settled_fields(history(session, sub.id))
    kept = {a.label: a.current_value for a in sub.answers if a.label in settled}
    old = _previous_alignment(sub)
    student = sub.student if STUDENT_FIELD in settled else match_student(session, result)
    sub.answers.clear()  # delete-orphan: the old reading goes ...
    session.flush()
    apply_result(sub, sub.sheet_exam, result, student)
    insert_answers(session, sub.id, result)  # ... and the new one comes in
    session.flush()
    session.expire(sub, ["answers", "student"])
    for a in sub.answers:
        if a.label in kept:
            a.current_value = kept[a.label]
    what = "corners" if kind == "page" else "markers"
    session.add(
        ReviewDecision(
            submission_id=sub.id,
            field=ALIGNMENT_FIELD,
            old_value=old,
            new_value="manual",
            decided_by=who,
            reason=f"manual {what}: {format_points(points)}",
        )
    )
    session.flush()
    settle(session, sub)  # reviewed flags, score from the kept values, review state
    session.flush()
    return sub
