"""The mark decision: thresholds fitted per sheet and per question, and honest statuses."""

from __future__ import annotations

import numpy as np
import pytest

from academy_desktop.engine.decide import OK_CONFIDENCE, decide, join_fields, sheet_levels
from academy_desktop.engine.fill import FieldFills
from academy_desktop.engine.template.model import Block, Template


def _template(rows: int, multiple: bool = False) -> Template:
    block = Block(
        name="q",
        kind="mcq",
        labels=tuple(f"q{i + 1}" for i in range(rows)),
        values=("1", "2", "3", "4", "5"),
        direction="horizontal",
        origin=(10, 10),
        bubble_size=(4, 5),
        bubbles_gap=6,
        labels_gap=8,
        multiple=multiple,
    )
    return Template(name="t", page_size=(210, 297), blocks=(block,))


def _fills(t: Template, rows: list[list[float]]) -> list[FieldFills]:
    out = []
    for f, row in zip(t.fields, rows, strict=False):
        arr = np.array(row, dtype=float)
        out.append(FieldFills(f, arr.copy(), arr.copy(), np.zeros((len(row), 1))))
    return out


def _sheet(special: list[list[float]], n: int = 20) -> tuple[Template, dict]:
    """A sheet of n questions: clear single marks, then the rows under test."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(n - len(special)):
        row = list(rng.uniform(0.0, 0.06, 5))
        row[i % 5] = rng.uniform(0.9, 1.0)
        rows.append(row)
    rows += special
    t = _template(n)
    results, _ = decide(_fills(t, rows), t)
    return t, results


def test_clear_marks_are_ok_with_high_confidence() -> None:
    _, results = _sheet([])
    assert all(r.status == "ok" and r.marking == "single" for r in results.values())
    assert all(r.confidence >= OK_CONFIDENCE for r in results.values())
    assert results["q1"].detected == ["1"] and results["q2"].detected == ["2"]


def test_blank_question_is_blank_not_ok() -> None:
    _, results = _sheet([[0.02, 0.01, 0.03, 0.0, 0.02]])
    r = results["q20"]
    assert (r.detected, r.marking, r.status) == ([], "blank", "blank")


def test_double_mark_is_detected_and_flagged() -> None:
    _, results = _sheet([[0.95, 0.02, 0.97, 0.01, 0.0]])
    r = results["q20"]
    assert r.detected == ["1", "3"] and r.marking == "multi"
    assert r.status == "ambiguous" and r.confidence < OK_CONFIDENCE


def test_double_mark_is_ok_where_several_answers_are_allowed() -> None:
    t = _template(3, multiple=True)
    rows = [[0.95, 0.02, 0.97, 0.01, 0.0], [0.9, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.96]]
    results, _ = decide(_fills(t, rows), t)
    assert results["q1"].detected == ["1", "3"] and results["q1"].status == "ok"


@pytest.mark.parametrize("offset", [-0.6, -0.2, 0.0, 0.3, 0.6])
def test_a_mark_near_the_threshold_is_never_ok(offset: float) -> None:
    """A mark near the sheet's threshold must go to a person, whatever side it falls on."""
    t, _clear = _sheet([])
    levels = sheet_levels(_fills(t, [[0.0] * 5] * 19 + [[1.0, 0, 0, 0, 0]]))
    fill = levels.threshold + offset * levels.band
    _, results = _sheet([[0.02, fill, 0.03, 0.0, 0.02]])
    assert results["q20"].status in ("low_confidence", "ambiguous")
    assert results["q20"].confidence < OK_CONFIDENCE


def test_erased_smudge_next_to_a_clear_mark_is_ignored() -> None:
    _, results = _sheet([[0.12, 0.96, 0.03, 0.0, 0.02]])
    assert results["q20"].detected == ["2"] and results["q20"].status == "ok"


def test_competing_marks_are_ambiguous() -> None:
    _, results = _sheet([[0.02, 0.9, 0.5, 0.0, 0.02]])
    assert results["q20"].status == "ambiguous"


def test_threshold_follows_a_light_pencil_sheet() -> None:
    """On a sheet marked in light pencil every clear mark fills ~0.5: still read as marks."""
    rng = np.random.default_rng(1)
    rows = []
    for i in range(20):
        row = list(rng.uniform(0.0, 0.04, 5))
        row[i % 5] = rng.uniform(0.48, 0.55)
        rows.append(row)
    t = _template(20)
    fills = _fills(t, rows)
    levels = sheet_levels(fills)
    assert levels.threshold < 0.35
    results, _ = decide(fills, t)
    assert [results[f"q{i + 1}"].detected for i in range(5)] == [["1"], ["2"], ["3"], ["4"], ["5"]]


def test_a_shadowed_row_needs_more_ink() -> None:
    """A question whose empty bubbles all read darker (a shadow) raises its own threshold."""
    _, results = _sheet([[0.38, 0.4, 0.93, 0.36, 0.39]])
    assert results["q20"].detected == ["3"]


def test_bubble_outside_the_scan_is_an_error() -> None:
    t = _template(2)
    rows = [[0.9, 0.0, 0.0, 0.0, 0.0], [float("nan"), 0.0, 0.0, 0.0, 0.0]]
    results, _ = decide(_fills(t, rows), t)
    assert results["q2"].status == "error" and results["q2"].detected == []


def test_join_concatenates_digits_and_keeps_the_worst_status() -> None:
    t = _template(3)
    rows = [[0.0, 0.95, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.97, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]
    levels = sheet_levels(_fills(t, rows))
    rows[2][2] = levels.threshold + 0.2 * levels.band  # just over: read, but in doubt
    results, _ = decide(_fills(t, rows), t)
    joined = join_fields("id", [results["q1"], results["q2"], results["q3"]])
    assert joined.value == "243"
    assert joined.status in ("low_confidence", "ambiguous")
    assert joined.confidence == min(r.confidence for r in results.values())


def test_a_lone_faint_mark_in_a_blank_question_is_flagged_not_called_blank() -> None:
    """A light tick alone in its row may be the answer; beside a real mark it is an erasure."""
    _, results = _sheet([[0.01, 0.19, 0.01, 0.0, 0.02], [0.19, 0.96, 0.01, 0.0, 0.02]])
    lone, erased = results["q19"], results["q20"]
    assert lone.status == "low_confidence" and lone.detected == []
    assert erased.status == "ok" and erased.detected == ["2"]
