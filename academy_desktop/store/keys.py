"""Answer keys in the store: native JSON both ways, and grading from reviewed values.

An exam's key versions are stored as native ``academy-answer-key`` JSON
(``docs/answer-keys.md``) whatever file they were read from. A submission is
graded from each answer's *current* value: as the engine read it until a person
settles it, then as the person decided (no longer provisional).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from academy_desktop.engine.answerkey import DEFAULT_SECTION, KEY_FORMAT, KEY_VERSION, AnswerKey
from academy_desktop.engine.answerkey_formats import parse_key_json
from academy_desktop.engine.result import FLAGGED, FieldResult
from academy_desktop.engine.scoring import exact, grade_fields
from academy_desktop.store.models import Submission, SubmissionAnswer

__all__ = ["count_open_flags", "field_result", "key_from_native", "key_to_native", "rescore"]


def _score_json(value: float) -> int | float | str:
    f = exact(value)
    if f.denominator == 1:
        return int(f)
    if float(f) == value and f.denominator & (f.denominator - 1) == 0:
        return float(value)  # 0.5, 0.25: exact as a number
    return f"{f.numerator}/{f.denominator}"  # 1/3 stays exact


def key_to_native(key: AnswerKey) -> dict[str, Any]:
    """``key`` as native ``academy-answer-key`` JSON; :func:`key_from_native` reads it back."""
    sections: dict[str, Any] = {}
    for name, m in key.sections.items():
        sections[name] = {
            "correct": _score_json(m.correct),
            "incorrect": _score_json(m.incorrect),
            "unmarked": _score_json(m.unmarked),
        }
    if DEFAULT_SECTION not in sections:
        sections[DEFAULT_SECTION] = {"correct": 1, "incorrect": 0, "unmarked": 0}
    answers: dict[str, Any] = {}
    for label, item in key.items.items():
        accept: list[Any] = [a if s is None else [a, _score_json(s)] for a, s in item.accepted]
        obj: dict[str, Any] = {"accept": accept}
        if item.section != DEFAULT_SECTION:
            obj["section"] = item.section
        if item.incorrect is not None:
            obj["incorrect"] = _score_json(item.incorrect)
        if item.unmarked is not None:
            obj["unmarked"] = _score_json(item.unmarked)
        answers[label] = obj
    out: dict[str, Any] = {"format": KEY_FORMAT, "version": KEY_VERSION}
    if key.source:
        out["description"] = f"imported from {Path(key.source).name}"
    out["sections"] = sections
    out["answers"] = answers
    return out


def key_from_native(data: Mapping[str, Any], *, source: str = "") -> AnswerKey:
    """Parse native answer-key JSON (raises the engine's ``AnswerKeyError``)."""
    return parse_key_json(data, source=source)


def field_result(
    label: str, omr: Mapping[str, Any], answer: str, current: str, reviewed: bool
) -> FieldResult:
    """The engine field for one stored answer: as read, or as a person settled it."""
    if not reviewed and current == answer:
        status = omr.get("status", "ok")
        return FieldResult(
            label,
            list(omr.get("detected", [])),
            omr.get("marking", "blank" if not answer else "single"),
            float(omr.get("confidence", 0.0)),
            status if status in (*FLAGGED, "ok", "blank") else "error",
            dict(omr.get("raw", {})),
            str(omr.get("value", answer)),
        )
    if current == answer and omr.get("marking") in ("single", "multi"):
        marking = omr["marking"]
    else:
        marking = "single" if current else "blank"
    return FieldResult(
        label,
        list(omr.get("detected", [])) if current == answer else ([current] if current else []),
        marking,
        1.0,
        "ok" if current else "blank",
        {"reviewed": True},
        current,
    )


def count_open_flags(answers: Iterable[SubmissionAnswer]) -> int:
    """Answers the engine flagged (``meta.omr.status``) that no one has reviewed yet."""
    return sum(
        1 for a in answers if not a.reviewed and a.meta.get("omr", {}).get("status") in FLAGGED
    )


def rescore(submission: Submission, key: AnswerKey | None) -> None:
    """Grade ``submission`` from its current values and count its open flags
    (``flags_open``); a rejected page is left as it is."""
    submission.flags_open = count_open_flags(submission.answers)
    if not submission.answers:
        return
    if key is None:
        submission.score = submission.max_score = None
        grades: dict[str, Any] = {}
    else:
        fields = {
            a.label: field_result(
                a.label, a.meta.get("omr", {}), a.answer, a.current_value, a.reviewed
            )
            for a in submission.answers
        }
        graded, score, best = grade_fields(fields, key)
        submission.score, submission.max_score = score, best
        grades = {label: g.to_json() for label, g in graded.items()}
    submission.engine_payload = {**(submission.engine_payload or {}), "grades": grades}
