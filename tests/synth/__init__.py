"""Synthetic answer-sheet scans with exact ground truth, for accuracy tests and benchmarks.

>>> img, truth = make_sheet(template, seed=7, category="office")
>>> truth.answers["q1"], truth.student_id, truth.transform

See ``sheets`` for the mark kinds and categories, ``marks`` for how marks are drawn
and ``degrade`` for the scan and photo models.

The package only uses relative imports, so it works both as ``tests.synth`` (repository
root on ``sys.path``) and as ``synth`` (``tests/`` on ``sys.path``, which is what plain
``pytest`` does for this conftest-rooted, ``__init__``-less test folder).
"""

from .sheets import (
    CATEGORIES,
    MARK_KINDS,
    OFFICE_MIX,
    SheetTruth,
    blank_sheet,
    make_sheet,
)

__all__ = ["CATEGORIES", "MARK_KINDS", "OFFICE_MIX", "SheetTruth", "blank_sheet", "make_sheet"]
