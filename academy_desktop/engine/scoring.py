"""Grade read fields against an answer key, and check a key against a sheet layout.

Rules (the same as OMRChecker's): a blank field scores the section's
``unmarked``; a detected answer (the field's ``value``, e.g. ``"BC"`` for two
marks) that is one of the accepted answers scores that answer's own points or
the section's ``correct``; anything else scores ``incorrect``. Answers are
compared without regard to surrounding spaces or letter case. A question read
from a flagged field is graded *provisionally*: a person must confirm it.

Points are added as :class:`fractions.Fraction` so ``"1/3"`` three times is
exactly 1; the reported numbers are rounded to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from academy_desktop.engine.result import FieldResult, QuestionGrade
from academy_desktop.engine.template.model import Field, Template

if TYPE_CHECKING:
    from academy_desktop.engine.answerkey import AnswerKey, KeyItem

DECIMALS = 4


def exact(value: float) -> Fraction:
    """The fraction a score float stands for (``1/3`` back from ``0.333...``)."""
    return Fraction(value).limit_denominator(1_000_000)


def _same(a: str) -> str:
    return a.strip().casefold()


def _item_scores(
    key: AnswerKey, item: KeyItem
) -> tuple[list[tuple[str, Fraction]], Fraction, Fraction]:
    marking = key.marking(item)
    correct = exact(marking.correct)
    accepted = [(_same(a), correct if s is None else exact(s)) for a, s in item.accepted]
    return accepted, exact(marking.incorrect), exact(marking.unmarked)


def max_points(key: AnswerKey, item: KeyItem) -> Fraction:
    """The best score the question can give."""
    accepted, incorrect, unmarked = _item_scores(key, item)
    return max([s for _, s in accepted] + [incorrect, unmarked])


def _round(x: Fraction) -> float:
    return round(float(x), DECIMALS)


def grade_fields(
    fields: Mapping[str, FieldResult], key: AnswerKey
) -> tuple[dict[str, QuestionGrade], float, float]:
    """Per-question grades (in key order), the total score and the maximum score."""
    grades: dict[str, QuestionGrade] = {}
    total, best = Fraction(0), Fraction(0)
    for label, item in key.items.items():
        accepted, incorrect, unmarked = _item_scores(key, item)
        top = max([s for _, s in accepted] + [incorrect, unmarked])
        result = fields.get(label)
        correct: bool | None
        if result is None:  # not on the sheet: check_key_against reports it
            correct, points, provisional = None, Fraction(0), True
        elif result.marking == "blank":
            correct, points, provisional = False, unmarked, result.flagged
        else:
            answer = _same(result.value or "".join(result.detected))
            hit = next((s for a, s in accepted if a == answer), None)
            correct = hit is not None
            points = hit if hit is not None else incorrect
            provisional = result.flagged
        grades[label] = QuestionGrade(
            correct=correct,
            points=_round(points),
            max_points=_round(top),
            provisional=provisional,
        )
        total += points
        best += top
    return grades, _round(total), _round(best)


def _ends(field: Field, answer: str, start: int) -> set[int]:
    """Positions in ``answer`` after reading ``field`` from ``start``: nothing, its empty
    value, or one or more of its values in bubble order (a multi-mark)."""
    ends = {start}
    empty = _same(field.empty_value)
    if empty and answer.startswith(empty, start):
        ends.add(start + len(empty))
    values = [_same(v) for v in field.values]
    frontier = [(start, 0)]
    while frontier:
        pos, first = frontier.pop()
        for j in range(first, len(values)):
            if values[j] and answer.startswith(values[j], pos):
                ends.add(pos + len(values[j]))
                frontier.append((pos + len(values[j]), j + 1))
    return ends


def can_form(answer: str, parts: Sequence[Field]) -> bool:
    """Whether reading ``parts`` in order can give exactly ``answer``."""
    target = _same(answer)
    positions = {0}
    for field in parts:
        positions = {end for pos in positions for end in _ends(field, target, pos)}
    return len(target) in positions


def check_key_against(key: AnswerKey, template: Template) -> list[str]:
    """Problems that make the key unusable with ``template`` (empty when they fit)."""
    problems: list[str] = []
    for label, item in key.items.items():
        if label in template.student_id_labels:
            problems.append(
                f"'{label}'은(는) 학생 번호 칸이라 채점할 수 없습니다 / "
                f"'{label}' is the student number, not a question"
            )
            continue
        if label in template.joins:
            parts = [
                template.field_map[p] for p in template.joins[label] if p in template.field_map
            ]
        elif label in template.field_map:
            parts = [template.field_map[label]]
        else:
            problems.append(
                f"'{label}' 문항이 답안지 양식 '{template.name}'에 없습니다 / "
                f"question '{label}' is not on the sheet layout '{template.name}'"
            )
            continue
        choices = ", ".join(parts[0].values) if len(parts) == 1 else ""
        for answer, _ in item.accepted:
            if not can_form(answer, parts):
                hint_ko = f" (선택지: {choices})" if choices else ""
                hint_en = f" (choices: {choices})" if choices else ""
                problems.append(
                    f"'{label}'의 정답 '{answer}'은(는) 답안지에서 나올 수 없는 값입니다"
                    f"{hint_ko} / "
                    f"the answer '{answer}' for '{label}' cannot be read from the sheet{hint_en}"
                )
    return problems
