"""Accuracy on synthetic scans with exact ground truth (tests/synth).

The rule that matters most: a wrong answer is never reported without a flag.
On office scans the review rate must also stay at or below 3 %.
"""

from __future__ import annotations

import pytest
from synth.evaluate import evaluate

from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Template

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template("kr-45q-5c-id8")


def test_office_scans_no_silent_errors_and_review_at_most_3_percent(template: Template) -> None:
    acc = evaluate(template, "office", range(100, 140))
    assert acc.rejected == 0, acc.rejections
    assert acc.silent == 0, f"wrong answers reported ok: {dict(acc.silent_kinds)}"
    assert acc.review_rate <= 0.03, f"review rate {acc.review_rate:.2%}: {dict(acc.flagged_kinds)}"
    assert acc.ids_right == acc.graded
    # the engine must actually decide most fields, not flag its way to safety
    assert acc.auto_rate >= 0.96


@pytest.mark.parametrize("category", ["clean", "upside_down", "dark", "light", "low_res"])
def test_scan_categories_never_err_silently(template: Template, category: str) -> None:
    acc = evaluate(template, category, range(200, 212))
    assert acc.rejected == 0, acc.rejections
    assert acc.silent == 0, f"wrong answers reported ok: {dict(acc.silent_kinds)}"
    assert acc.review_rate <= 0.06


def test_phone_photos_are_read_or_rejected_never_misread(template: Template) -> None:
    acc = evaluate(template, "phone", range(300, 312))
    assert acc.graded >= 9, acc.rejections
    assert acc.silent <= 1, f"wrong answers reported ok: {dict(acc.silent_kinds)}"
