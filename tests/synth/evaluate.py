"""Grade synthetic sheets and compare with their ground truth (accuracy tests and bench)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import cv2

from academy_desktop.engine.grade import grade_image
from academy_desktop.engine.template.model import Template

from .sheets import make_sheet


@dataclass
class Accuracy:
    """Per-category counts. A *silent error* is a field read wrongly without a flag."""

    category: str
    sheets: int = 0
    rejected: int = 0
    fields: int = 0
    auto_correct: int = 0  # read right and not flagged
    flagged: int = 0  # sent to a person (right or wrong)
    silent: int = 0  # read wrong and NOT flagged: the failure that must not happen
    ids_right: int = 0
    rejections: Counter[str] = field(default_factory=Counter)
    silent_kinds: Counter[str] = field(default_factory=Counter)
    flagged_kinds: Counter[str] = field(default_factory=Counter)

    @property
    def graded(self) -> int:
        return self.sheets - self.rejected

    @property
    def review_rate(self) -> float:
        return self.flagged / self.fields if self.fields else 0.0

    @property
    def auto_rate(self) -> float:
        return self.auto_correct / self.fields if self.fields else 0.0

    def row(self) -> str:
        return (
            f"| {self.category} | {self.sheets} | {self.rejected} | {self.fields} | "
            f"{self.auto_rate:.2%} | {self.review_rate:.2%} | {self.silent} | "
            f"{self.ids_right}/{self.graded} |"
        )


HEADER = (
    "| category | sheets | rejected | fields | auto-correct | review rate | silent errors "
    "| student IDs right |\n|---|---|---|---|---|---|---|---|"
)


def evaluate(t: Template, category: str, seeds: Iterable[int]) -> Accuracy:
    acc = Accuracy(category)
    for seed in seeds:
        img, truth = make_sheet(t, seed, category)
        if img.ndim == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        result = grade_image(img, t, source=f"{category}-{seed}")
        acc.sheets += 1
        if result.status != "ok":
            acc.rejected += 1
            acc.rejections[str(result.rejection_code)] += 1
            continue
        acc.ids_right += int(result.student_id == truth.student_id)
        for label, wanted in truth.answers.items():
            got = result.fields[label]
            kind = truth.kinds.get(label, "?")
            right = sorted(got.detected) == sorted(wanted)
            acc.fields += 1
            if got.flagged:
                acc.flagged += 1
                acc.flagged_kinds[kind] += 1
            elif right:
                acc.auto_correct += 1
            else:
                acc.silent += 1
                acc.silent_kinds[kind] += 1
    return acc
