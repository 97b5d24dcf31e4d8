"""Review decisions: a person settles an answer (or the student), with an audit trail.

Every change appends a :class:`ReviewDecision` (field, old value, new value, who,
when, reason); rows are never edited or deleted. Undo is a decision too: it adds a
row whose ``reason`` is ``"undo #<id>"`` and whose ``new_value`` is the undone
row's ``old_value``, so no schema column is needed to know what was undone.

* A decision is *in effect* unless an undo row in effect names it; an undo of an
  undo therefore puts the first decision back in effect (a redo).
* :func:`undo_last` reverts the newest decision in effect, whichever it is, an undo
  row included: calling it twice in a row undoes, then redoes.
* An answer counts as reviewed while some ordinary decision on it is in effect.
* Decisions on the field ``"alignment"`` (:data:`ALIGNMENT_FIELD`, written by
  :func:`academy_desktop.store.realign.regrade_with_points` when staff re-grade a
  page from clicked corners) are audit only: :func:`undo_last` skips them, since the
  answers read before cannot be brought back by a value. A new manual alignment, or
  review decisions on the answers, are how such a page is corrected.

After each change the submission is re-graded with the exam's current key, and its
``review_state`` becomes ``done`` once no flagged answer is left unreviewed.

**Homework** submissions (``homework_id`` set) go through the same calls: the field
``"verdict"`` (:data:`VERDICT_FIELD`) takes a :class:`HomeworkVerdict` value, and
setting it to the engine's own verdict is how staff confirm it. A homework is in
review (``needed``) while its verdict is the engine's and the engine was unsure
(:func:`homework_doubtful`); a person's verdict in effect makes it ``done``.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.engine.result import FLAGGED
from academy_desktop.engine.scoring import can_form
from academy_desktop.store.exams import StoreError, current_key, exam_template
from academy_desktop.store.keys import rescore
from academy_desktop.store.models import (
    HomeworkVerdict,
    ReviewDecision,
    ReviewState,
    Student,
    Submission,
    SubmissionAnswer,
    SubmissionStatus,
)

__all__ = [
    "ALIGNMENT_FIELD",
    "REVIEW_CONFIDENCE",
    "STUDENT_FIELD",
    "VERDICT_FIELD",
    "get_submission",
    "history",
    "homework_doubtful",
    "in_effect",
    "reviewer_name",
    "set_value",
    "settle",
    "settled_fields",
    "undo_last",
]

STUDENT_FIELD = "student"
VERDICT_FIELD = "verdict"  # a homework's verdict (HomeworkVerdict)
# the server's status_resolver: below 0.8 a result is a review candidate (CONTRACT.md)
REVIEW_CONFIDENCE = 0.8
ALIGNMENT_FIELD = "alignment"  # a manual re-alignment: audited, never undone
_UNDO = re.compile(r"undo #(\d+)")


def _undo_target(decision: ReviewDecision) -> int | None:
    m = _UNDO.fullmatch(decision.reason or "")
    return int(m.group(1)) if m else None


def history(session: Session, submission_id: int) -> list[ReviewDecision]:
    """Every decision on the submission, oldest first."""
    return list(
        session.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.submission_id == submission_id)
            .order_by(ReviewDecision.id)
        )
    )


def in_effect(decisions: list[ReviewDecision]) -> dict[int, bool]:
    """Decision id -> whether it is in effect (not undone by an undo in effect)."""
    undoers: dict[int, list[int]] = {}
    for d in decisions:
        target = _undo_target(d)
        if target is not None:
            undoers.setdefault(target, []).append(d.id)
    active: dict[int, bool] = {}
    for d in sorted(decisions, key=lambda r: r.id, reverse=True):  # undo rows come later
        active[d.id] = not any(active.get(u, False) for u in undoers.get(d.id, []))
    return active


def settled_fields(decisions: list[ReviewDecision]) -> set[str]:
    """Fields (question labels, ``"student"``, ``"alignment"``) with an ordinary
    decision in effect: what a person has settled."""
    active = in_effect(decisions)
    return {d.field for d in decisions if active[d.id] and _undo_target(d) is None}


def get_submission(session: Session, submission_id: int) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise StoreError(
            f"답안지를 찾을 수 없습니다: #{submission_id} / No such submission: #{submission_id}"
        )
    return sub


def reviewer_name(decided_by: str) -> str:
    who = (decided_by or "").strip()
    if not who:
        raise StoreError(
            "검토자 이름이 필요합니다 (설정에서 입력) / "
            "A reviewer name is required (set it in the settings)."
        )
    return who


def _answer(sub: Submission, label: str) -> SubmissionAnswer:
    for a in sub.answers:
        if a.label == label:
            return a
    raise StoreError(
        f"답안지 #{sub.id}에 '{label}' 문항이 없습니다 / "
        f"submission #{sub.id} has no question '{label}'"
    )


def homework_doubtful(payload: dict[str, Any] | None) -> bool:
    """Whether a homework analysis needs a person: no analysis, an ``unreadable``
    verdict, or a confidence below :data:`REVIEW_CONFIDENCE`."""
    if not payload:
        return True
    confidence = payload.get("confidence")
    return (
        payload.get("verdict") not in set(HomeworkVerdict) - {HomeworkVerdict.UNREADABLE}
        or not isinstance(confidence, int | float)
        or confidence < REVIEW_CONFIDENCE
    )


def _check_verdict(value: str) -> None:
    if value not in set(HomeworkVerdict):
        allowed = ", ".join(v.value for v in HomeworkVerdict)
        raise StoreError(
            f"판정은 {allowed} 중 하나여야 합니다: {value!r} / "
            f"A verdict is one of {allowed}: {value!r}"
        )


def _check_value(sub: Submission, label: str, value: str) -> None:
    template = exam_template(sub.sheet_exam)
    if label in template.joins:
        parts = [template.field_map[p] for p in template.joins[label] if p in template.field_map]
    elif label in template.field_map:
        parts = [template.field_map[label]]
    else:
        parts = []
    if parts and can_form(value, parts):
        return
    choices = ", ".join(parts[0].values) if len(parts) == 1 else ""
    raise StoreError(
        f"'{label}'에 '{value}'은(는) 넣을 수 없는 값입니다 (선택지: {choices}; 빈칸은 \"\") / "
        f"'{value}' is not a possible value for '{label}' (choices: {choices}; blank is \"\")"
    )


def _student(session: Session, number: str) -> Student | None:
    if not number:
        return None
    student = session.scalars(select(Student).where(Student.number == number)).first()
    if student is None:
        raise StoreError(
            f"명단에 학번 {number}인 학생이 없습니다 / No student numbered {number} in the roster"
        )
    return student


def _apply(session: Session, sub: Submission, field: str, value: str) -> None:
    if field == VERDICT_FIELD and sub.homework_id is not None:
        sub.verdict = value or None
    elif field == STUDENT_FIELD:
        student = _student(session, value)
        sub.student_id = student.id if student is not None else None
        sub.student = student
        sub.enrollment_id = student.enrollment_id if student is not None else None
    else:
        _answer(sub, field).current_value = value


def _old_value(sub: Submission, field: str) -> str:
    if field == VERDICT_FIELD and sub.homework_id is not None:
        return sub.verdict or ""
    if field == STUDENT_FIELD:
        return sub.student.number if sub.student is not None else ""
    return _answer(sub, field).current_value


def settle(session: Session, sub: Submission) -> None:
    """Reviewed flags from the decisions in effect, the score, the open flags
    (``flags_open``) and the review state."""
    reviewed = settled_fields(history(session, sub.id))
    if sub.homework_id is not None:
        if VERDICT_FIELD in reviewed:
            sub.review_state = ReviewState.DONE
        elif homework_doubtful(sub.engine_payload):
            sub.review_state = ReviewState.NEEDED
        else:
            sub.review_state = ReviewState.NONE
        return
    for a in sub.answers:
        a.reviewed = a.label in reviewed
    rescore(sub, current_key(sub.sheet_exam))  # counts sub.flags_open too
    if sub.status == SubmissionStatus.FAILED:
        return  # a rejected page stays in review until it is graded again
    if sub.flags_open:
        sub.review_state = ReviewState.NEEDED
    elif reviewed:
        sub.review_state = ReviewState.DONE
    else:
        flagged = any(a.meta.get("omr", {}).get("status") in FLAGGED for a in sub.answers)
        sub.review_state = ReviewState.NEEDED if flagged else ReviewState.NONE


def set_value(
    session: Session,
    submission_id: int,
    field_label: str,
    new_value: str,
    *,
    decided_by: str,
    reason: str | None = None,
) -> ReviewDecision:
    """Set one answer's value (``"3"``, ``"24"`` for a double mark, ``""`` for blank), or the
    student (``field_label="student"``, by student number; ``""`` clears it), or a
    homework's verdict (``field_label="verdict"``; the engine's own value confirms it)."""
    who = reviewer_name(decided_by)
    if reason is not None and _UNDO.fullmatch(reason.strip()):
        raise StoreError(
            "'undo #…' 사유는 되돌리기 전용입니다 / reasons 'undo #…' are kept for undo"
        )
    sub = get_submission(session, submission_id)
    field = field_label.strip()
    value = "" if new_value is None else str(new_value).strip()
    if field == STUDENT_FIELD:
        _student(session, value)  # must be in the roster
    elif sub.homework_id is not None:
        if field != VERDICT_FIELD:
            raise StoreError(
                f"숙제에는 '{field}' 항목이 없습니다 (verdict, student) / "
                f"A homework has no field '{field}' (verdict, student)"
            )
        _check_verdict(value)
    else:
        _answer(sub, field)
        _check_value(sub, field, value)
    old = _old_value(sub, field)
    _apply(session, sub, field, value)
    decision = ReviewDecision(
        submission_id=sub.id,
        field=field,
        old_value=old,
        new_value=value,
        decided_by=who,
        reason=reason or None,
    )
    session.add(decision)
    session.flush()
    settle(session, sub)
    session.flush()
    return decision


def undo_last(session: Session, submission_id: int, *, decided_by: str) -> ReviewDecision | None:
    """Revert the newest decision in effect by adding a row; ``None`` when there is none.

    Manual re-alignments (``field == "alignment"``) are skipped: they stay in effect."""
    who = reviewer_name(decided_by)
    sub = get_submission(session, submission_id)
    decisions = history(session, sub.id)
    active = in_effect(decisions)
    target = next(
        (d for d in reversed(decisions) if active[d.id] and d.field != ALIGNMENT_FIELD), None
    )
    if target is None:
        return None
    value = target.old_value or ""
    old = _old_value(sub, target.field)
    _apply(session, sub, target.field, value)
    decision = ReviewDecision(
        submission_id=sub.id,
        field=target.field,
        old_value=old,
        new_value=value,
        decided_by=who,
        reason=f"undo #{target.id}",
    )
    session.add(decision)
    session.flush()
    settle(session, sub)
    session.flush()
    return decision
