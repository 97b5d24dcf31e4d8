"""Homework assignments and their submissions: create, list, match students, cards.

A :class:`Homework` holds the title, due date, class and the server's ``target_id``.
Each video or photo dropped on it becomes a :class:`Submission` with
``target_type="homework"``, ``source`` ``homework_video`` or ``homework_image``,
the file as its :class:`Scan`, and the analysis (``engine.homework``) in
``engine_payload`` with its pictures in :class:`HomeworkFrame` rows.

Staff confirm or change a verdict, and pick the student, through
:func:`academy_desktop.store.review.set_value` (fields ``"verdict"`` and
``"student"``): the same audited decisions as OMR review, with undo.

Files are matched to students by name (see :func:`match_file`): a student number
that stands alone in the file name, else a roster name found in it, else a
pattern with ``(?P<number>…)`` or ``(?P<name>…)``; a file two students could
claim is left unmatched for a person to pick.

Batches (copy in, analyse, record) are in :mod:`academy_desktop.store.homework_batch`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from academy_desktop.store.exams import StoreError
from academy_desktop.store.models import (
    Homework,
    HomeworkFrame,
    ReviewDecision,
    ReviewState,
    Submission,
    SubmissionStatus,
)
from academy_desktop.store.review import (
    VERDICT_FIELD,
    in_effect,
)
from academy_desktop.store.roster_search import RosterEntry

__all__ = [
    "HOMEWORK_TARGET",
    "HomeworkCard",
    "HomeworkSummary",
    "MatchResult",
    "card",
    "cards",
    "compile_pattern",
    "create_homework",
    "find_homework",
    "frames",
    "get_homework",
    "homework_summary",
    "list_homeworks",
    "match_file",
    "pattern_problem",
    "update_homework",
]

HOMEWORK_TARGET = "homework"
SOURCE_VIDEO = "homework_video"
SOURCE_IMAGE = "homework_image"
_UNSET: Any = object()


# ------------------------------------------------------------------ assignments


@dataclass(frozen=True)
class HomeworkSummary:
    id: int
    title: str
    due_date: date | None
    group_name: str | None
    target_id: int | None
    files: int  # submissions (one per file)
    pending: int  # not analysed yet (a batch cut short)
    needs_review: int  # verdicts a person still has to look at
    unmatched: int  # no student
    verdicts: dict[str, int] = field(default_factory=dict)  # verdict in effect -> count


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise StoreError("숙제 이름을 입력해 주세요 / The homework needs a title.")
    return title


def _duplicate(title: str) -> StoreError:
    return StoreError(
        f"같은 이름의 숙제가 이미 있습니다: {title} / A homework named '{title}' already exists."
    )


def find_homework(session: Session, title: str) -> Homework | None:
    return session.scalars(select(Homework).where(Homework.title == title.strip())).first()


def get_homework(session: Session, ref: str | int) -> Homework:
    """A homework by id, or by title."""
    hw = session.get(Homework, ref) if isinstance(ref, int) else find_homework(session, ref)
    if hw is None:
        raise StoreError(f"숙제를 찾을 수 없습니다: {ref} / No such homework: {ref}")
    return hw


def create_homework(
    session: Session,
    title: str,
    *,
    due_date: date | None = None,
    group_name: str | None = None,
    target_id: int | None = None,
) -> Homework:
    title = _title(title)
    if find_homework(session, title) is not None:
        raise _duplicate(title)
    hw = Homework(
        title=title,
        due_date=due_date,
        group_name=(group_name or "").strip() or None,
        target_id=_target(target_id),
    )
    session.add(hw)
    session.flush()
    return hw


def _target(value: int | None) -> int | None:
    if value is not None and int(value) <= 0:
        raise StoreError(
            f"서버 숙제 ID는 양수여야 합니다: {value} / The server homework id must be positive"
        )
    return None if value is None else int(value)


def update_homework(
    session: Session,
    homework_id: int,
    *,
    title: str = _UNSET,
    due_date: date | None = _UNSET,
    group_name: str | None = _UNSET,
    target_id: int | None = _UNSET,
) -> Homework:
    """Change what is given; the server id also goes to submissions not sent yet."""
    hw = get_homework(session, homework_id)
    if title is not _UNSET:
        new = _title(title)
        other = find_homework(session, new)
        if other is not None and other.id != hw.id:
            raise _duplicate(new)
        hw.title = new
    if due_date is not _UNSET:
        hw.due_date = due_date
    if group_name is not _UNSET:
        hw.group_name = (group_name or "").strip() or None
    if target_id is not _UNSET:
        hw.target_id = _target(target_id)
        for sub in session.scalars(select(Submission).where(Submission.homework_id == hw.id)):
            sub.target_id = hw.target_id
    session.flush()
    return hw


def _summaries(session: Session, homework_ids: Iterable[int] | None) -> list[HomeworkSummary]:
    query = select(Homework).order_by(Homework.due_date.desc().nulls_last(), Homework.title)
    if homework_ids is not None:
        query = query.where(Homework.id.in_(list(homework_ids)))
    rows = list(session.scalars(query))
    ids = [h.id for h in rows]
    counts: dict[int, tuple[int, int, int, int]] = {}
    for hid, files, pending, review, unmatched in session.execute(
        select(
            Submission.homework_id,
            func.count(),
            func.sum(case((Submission.status == SubmissionStatus.SUBMITTED, 1), else_=0)),
            func.sum(case((Submission.review_state == ReviewState.NEEDED, 1), else_=0)),
            func.sum(case((Submission.student_id.is_(None), 1), else_=0)),
        )
        .where(Submission.homework_id.in_(ids))
        .group_by(Submission.homework_id)
    ):
        counts[hid] = (files, pending or 0, review or 0, unmatched or 0)
    verdicts: dict[int, dict[str, int]] = {}
    for hid, verdict, n in session.execute(
        select(Submission.homework_id, Submission.verdict, func.count())
        .where(Submission.homework_id.in_(ids), Submission.verdict.is_not(None))
        .group_by(Submission.homework_id, Submission.verdict)
    ):
        verdicts.setdefault(hid, {})[verdict] = n
    return [
        HomeworkSummary(
            h.id,
            h.title,
            h.due_date,
            h.group_name,
            h.target_id,
            *counts.get(h.id, (0, 0, 0, 0)),
            verdicts=verdicts.get(h.id, {}),
        )
        for h in rows
    ]


def list_homeworks(session: Session) -> list[HomeworkSummary]:
    """Every homework with its counts, the latest due first (two queries)."""
    return _summaries(session, None)


def homework_summary(session: Session, homework_id: int) -> HomeworkSummary:
    found = _summaries(session, [homework_id])
    if not found:
        raise StoreError(
            f"숙제를 찾을 수 없습니다: #{homework_id} / No such homework: #{homework_id}"
        )
    return found[0]


# --------------------------------------------------------------------- matching


@dataclass(frozen=True)
class MatchResult:
    """Who a file stands for: ``student`` when exactly one roster entry fits."""

    student: RosterEntry | None
    how: Literal["pattern", "number", "name"] | None = None
    candidates: tuple[RosterEntry, ...] = ()  # more than one fitted: a person picks

    @property
    def ambiguous(self) -> bool:
        return self.student is None and len(self.candidates) > 1


def _nfc(text: str) -> str:
    # macOS and some phones write Hangul file names decomposed (NFD)
    return unicodedata.normalize("NFC", text)


def _unique(found: list[RosterEntry], how: Literal["pattern", "number", "name"]) -> MatchResult:
    distinct = tuple({e.id: e for e in found}.values())
    if len(distinct) == 1:
        return MatchResult(distinct[0], how)
    return MatchResult(None, None, distinct)


def pattern_problem(pattern: str) -> Literal["invalid", "group"] | None:
    """What is wrong with a file-name pattern: ``"invalid"`` (not a regular expression),
    ``"group"`` (no ``number`` or ``name`` group), or None."""
    try:
        rx = re.compile(pattern)
    except re.error:
        return "invalid"
    return None if {"number", "name"} & set(rx.groupindex) else "group"


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A file-name pattern for :func:`match_file`, or a bilingual :class:`StoreError`."""
    problem = pattern_problem(pattern)
    if problem == "invalid":
        raise StoreError(
            f"파일 이름 규칙이 올바른 정규식이 아닙니다: {pattern} / "
            f"The file-name pattern is not a valid regular expression: {pattern}"
        )
    if problem == "group":
        raise StoreError(
            "파일 이름 규칙에 (?P<number>…) 또는 (?P<name>…) 묶음이 필요합니다 / "
            "A file-name pattern needs a group (?P<number>…) or (?P<name>…)"
        )
    return re.compile(pattern)


def match_file(
    file_name: str, roster: list[RosterEntry], pattern: str | None = None
) -> MatchResult:
    """The roster entry a homework file is named after.

    ``pattern``: a regular expression searched in the file name (without folder and
    extension), with a group ``number`` (student number) or ``name``; for example
    ``^(?P<number>\\d+)_`` for ``20240101_숙제3.mp4``. Without one: a student number
    that stands alone (not inside a longer run of digits), then a roster name found in
    the name (the longest names first, so 김민수 wins over 민수). Nothing is guessed:
    two students fitting equally gives no student and both as candidates.
    """
    stem = _nfc(Path(file_name).stem)
    if pattern:
        m = compile_pattern(pattern).search(stem)
        if m is None:
            return MatchResult(None)
        groups = m.groupdict()
        if groups.get("number"):
            value = groups["number"].strip()
            return _unique([e for e in roster if e.number == value], "pattern")
        if groups.get("name"):
            value = _nfc(groups["name"].strip())
            return _unique([e for e in roster if _nfc(e.name) == value], "pattern")
        return MatchResult(None)
    digits = set(re.findall(r"(?<!\d)\d+(?!\d)", stem))
    by_number = [e for e in roster if e.number in digits]
    if by_number:
        return _unique(by_number, "number")
    found: list[RosterEntry] = []
    best = 0
    for e in roster:
        name = _nfc(e.name).strip()
        if len(name) >= 2 and name in stem:
            if len(name) > best:
                found, best = [e], len(name)
            elif len(name) == best:
                found.append(e)
    if found:
        return _unique(found, "name")
    return MatchResult(None)


# ------------------------------------------------------------------------ cards


@dataclass(frozen=True)
class HomeworkCard:
    """What the window shows for one submission (and ``homework list`` prints)."""

    submission_id: int
    homework_id: int
    original_name: str
    source: str
    status: str  # SubmissionStatus: submitted = not analysed yet
    student_id: int | None
    student_number: str | None
    student_name: str | None
    verdict: str | None  # in effect
    engine_verdict: str | None
    confidence: float | None
    reason: str | None
    rejection_code: str | None
    review_state: str
    decided_by: str | None  # who settled the verdict, when it was settled
    timeline: list[tuple[float, float]]  # (time s, ink) per sampled frame (videos)
    pages: list[dict[str, Any]]  # timeline per page (videos) or per page scores (photos)
    ocr_text: str  # photos: the pages' OCR text, joined
    frame_ids: list[int]
    payload: dict[str, Any] | None

    @property
    def doubtful(self) -> bool:
        return self.review_state == ReviewState.NEEDED


def _timeline(payload: dict[str, Any]) -> list[tuple[float, float]]:
    out = []
    for f in payload.get("frames") or []:
        if isinstance(f, dict) and "time_s" in f and "writing_score" in f:
            out.append((float(f["time_s"]), float(f["writing_score"])))
    return out


def _ocr_text(payload: dict[str, Any]) -> str:
    texts = []
    pages = payload.get("pages")
    for page in pages if isinstance(pages, list) else []:
        ocr = page.get("ocr") if isinstance(page, dict) else None
        if isinstance(ocr, dict) and ocr.get("text"):
            texts.append(str(ocr["text"]).strip())
    return "\n\n".join(t for t in texts if t)


def _page_rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A video's timeline per page, or a photo's page entries (``pages`` is a count
    for videos and a list for photos)."""
    if isinstance(payload.get("timeline"), list):
        return list(payload["timeline"])
    pages = payload.get("pages")
    return list(pages) if isinstance(pages, list) else []


def _card(sub: Submission, frame_ids: list[int], decided_by: str | None) -> HomeworkCard:
    payload = sub.engine_payload or {}
    student = sub.student
    confidence = payload.get("confidence")
    assert sub.homework_id is not None
    return HomeworkCard(
        submission_id=sub.id,
        homework_id=sub.homework_id,
        original_name=sub.scan.original_name,
        source=sub.source,
        status=sub.status,
        student_id=sub.student_id,
        student_number=student.number if student else None,
        student_name=student.name if student else None,
        verdict=sub.verdict,
        engine_verdict=payload.get("verdict"),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        reason=payload.get("reason"),
        rejection_code=sub.rejection_code,
        review_state=sub.review_state,
        decided_by=decided_by,
        timeline=_timeline(payload),
        pages=_page_rows(payload),
        ocr_text=_ocr_text(payload),
        frame_ids=frame_ids,
        payload=sub.engine_payload,
    )


def _settled_by(session: Session, submission_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    rows = list(
        session.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.submission_id.in_(submission_ids))
            .order_by(ReviewDecision.id)
        )
    )
    by_sub: dict[int, list[ReviewDecision]] = {}
    for d in rows:
        by_sub.setdefault(d.submission_id, []).append(d)
    for sid, decisions in by_sub.items():
        active = in_effect(decisions)
        for d in reversed(decisions):
            if d.field == VERDICT_FIELD and active[d.id]:
                out[sid] = d.decided_by
                break
    return out


CardFilter = Literal[
    "all", "review", "unmatched", "wrote", "little_writing", "no_writing", "unreadable"
]


def cards(session: Session, homework_id: int, filter: CardFilter = "all") -> list[HomeworkCard]:
    """The homework's cards: students by number, then unmatched files by name."""
    query = (
        select(Submission)
        .where(Submission.homework_id == homework_id)
        .options(selectinload(Submission.student), selectinload(Submission.scan))
    )
    if filter == "review":
        query = query.where(Submission.review_state == ReviewState.NEEDED)
    elif filter == "unmatched":
        query = query.where(Submission.student_id.is_(None))
    elif filter != "all":
        query = query.where(Submission.verdict == filter)
    subs = list(session.scalars(query))
    ids = [s.id for s in subs]
    frames_of: dict[int, list[int]] = {}
    for fid, sid in session.execute(
        select(HomeworkFrame.id, HomeworkFrame.submission_id)
        .where(HomeworkFrame.submission_id.in_(ids))
        .order_by(HomeworkFrame.submission_id, HomeworkFrame.position)
    ):
        frames_of.setdefault(sid, []).append(fid)
    settled = _settled_by(session, ids)
    subs.sort(
        key=lambda s: (
            s.student is None,
            s.student.number if s.student else "",
            s.scan.original_name,
            s.id,
        )
    )
    return [_card(s, frames_of.get(s.id, []), settled.get(s.id)) for s in subs]


def card(session: Session, submission_id: int) -> HomeworkCard:
    sub = session.get(Submission, submission_id)
    if sub is None or sub.homework_id is None:
        raise StoreError(
            f"숙제 제출물을 찾을 수 없습니다: #{submission_id} / "
            f"No such homework submission: #{submission_id}"
        )
    frame_ids = list(
        session.scalars(
            select(HomeworkFrame.id)
            .where(HomeworkFrame.submission_id == sub.id)
            .order_by(HomeworkFrame.position)
        )
    )
    return _card(sub, frame_ids, _settled_by(session, [sub.id]).get(sub.id))


def frames(session: Session, submission_id: int) -> list[HomeworkFrame]:
    """The submission's pictures (PNG), in card order."""
    return list(
        session.scalars(
            select(HomeworkFrame)
            .where(HomeworkFrame.submission_id == submission_id)
            .order_by(HomeworkFrame.position)
        )
    )
