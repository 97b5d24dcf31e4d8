"""What the engine reports for each page, in the server's v1 OMR vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Marking = Literal["blank", "single", "multi"]
FieldStatus = Literal["ok", "blank", "ambiguous", "low_confidence", "error"]
PageStatus = Literal["ok", "rejected", "error"]

OMR_VERSION = "v1"
FLAGGED: frozenset[str] = frozenset({"ambiguous", "low_confidence", "error"})


@dataclass
class FieldResult:
    """One field read from a sheet (v1 contract: detected, marking, confidence, status)."""

    label: str
    detected: list[str]
    marking: Marking
    confidence: float
    status: FieldStatus
    raw: dict[str, Any] = field(default_factory=dict)
    value: str = ""  # detected values joined (empty value when blank), as OMRChecker reports

    @property
    def flagged(self) -> bool:
        return self.status in FLAGGED

    def to_json(self) -> dict[str, Any]:
        return {
            "version": OMR_VERSION,
            "detected": list(self.detected),
            "marking": self.marking,
            "confidence": round(float(self.confidence), 4),
            "status": self.status,
            "value": self.value,
            "raw": self.raw,
        }


@dataclass
class QuestionGrade:
    correct: bool | None  # None: the key has no answer for this question
    points: float
    max_points: float
    provisional: bool  # graded from a flagged field: a person must confirm it

    def to_json(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "points": self.points,
            "max_points": self.max_points,
            "provisional": self.provisional,
        }


@dataclass
class PageResult:
    source: str
    page: int  # 1-based
    status: PageStatus
    template: str = ""
    rejection_code: str | None = None
    message: str | None = None
    alignment: dict[str, Any] | None = None
    student_id: str | None = None
    fields: dict[str, FieldResult] = field(default_factory=dict)
    grades: dict[str, QuestionGrade] = field(default_factory=dict)
    score: float | None = None
    max_score: float | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def flagged_labels(self) -> list[str]:
        return [label for label, f in self.fields.items() if f.flagged]

    @property
    def review_required(self) -> bool:
        return self.status != "ok" or bool(self.flagged_labels)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "page": self.page,
            "status": self.status,
            "rejection_code": self.rejection_code,
            "message": self.message,
            "template": self.template,
            "alignment": self.alignment,
            "student_id": self.student_id,
            "fields": {k: v.to_json() for k, v in self.fields.items()},
            "grades": {k: v.to_json() for k, v in self.grades.items()},
            "score": self.score,
            "max_score": self.max_score,
            "review_required": self.review_required,
            "flagged": self.flagged_labels,
        }
