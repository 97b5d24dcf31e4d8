"""Which way up is a page whose layout cannot tell? Ask the page's own content.

A sheet with four identical corner marks and a plain bubble grid looks the same at 0
and 180 degrees (at every quarter turn when it is square). The aligner then warps the
page onto the template frame once per candidate turn and asks
:func:`choose_orientation` which candidate is upright. The answer comes, in order, from

1. **the reference picture** of the blank form (OMRChecker's ``FeatureBasedAlignment``
   reference, or one built from other pages of the batch): the candidate whose printed
   structure correlates with it, place by place (``orient_reference.py``);
2. **the printed text**:

   * *labels*: a question number sits just before its row, a choice label just above
     its column; a sign test on the runs labelled at the start only and at the end only
     decides (``orient_labels.py``);
   * *reading direction*: glyphs touch their neighbours left and right, not above and
     below; a candidate whose text runs top-down is ruled out when another reads left to
     right (``orient_labels.py``);
   * *Tesseract*, only when the labels do not decide: the widest text lines of every
     candidate still in the running, read in one ``kor+eng`` run; the right way up reads
     with high confidence, upside down as low-confidence garbage (``orient_ocr.py``);
3. otherwise **undecided** (``rotation=None``): the caller flags the page.

Every cue returns an :class:`~academy_desktop.engine.align.orient_vote.OrientationVote`.

Measured (``bench/orientation_bench.py``, 80 synthetic pages at 1400 px): reference and
labels 80/80 right, Tesseract 79/80 (1 undecided), 0 wrong, and no decision at all from
another form's reference or on pages without text. On the 40 upright real sheets of
``../shared`` (OMRChecker samples, real-scans) turned both ways: the labels decide 3,
Tesseract 27, none wrong (``tests/test_orientation.py``).

Without Tesseract (or with a broken one) the Tesseract step is skipped and noted in
``details["tesseract"]``; nothing raises. Pure computation (numpy, OpenCV, an optional
Tesseract subprocess): no Qt, no store. The text cues need the candidates at about
100 dpi or more (a long side of 1100-1600 px for an A4 page; larger ones are halved
down to <= 1600 px); the reference may have any size and is compared at 600 px.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from academy_desktop.engine.align.orient_labels import (
    allowed_by_direction,
    analyse,
    label_vote,
    page_layout,
)
from academy_desktop.engine.align.orient_ocr import ocr_vote_pages
from academy_desktop.engine.align.orient_reference import reference_vote
from academy_desktop.engine.align.orient_vote import OrientationVote
from academy_desktop.tesseract import Tesseract, find_tesseract


def choose_orientation(
    candidates: Sequence[np.ndarray],
    *,
    reference: np.ndarray | None = None,
    text: bool = True,
    ocr: bool = True,
    tesseract: Tesseract | None = None,
) -> OrientationVote:
    """Which of ``candidates`` (the page warped onto the template frame under each turn the
    geometry allows: grey uint8, all the same size) is upright.

    ``reference`` is a picture of the blank form, upright, on the same frame (any size:
    it is resized). ``text=False`` skips the text cues, ``ocr=False`` only the Tesseract
    step; ``tesseract`` is the program to use (default: :func:`find_tesseract`; without
    one the step is skipped). Nothing raises for want of text or Tesseract: the vote is
    then ``undecided``.
    """
    if len(candidates) == 0:
        return OrientationVote(None, 0.0, "undecided", [])
    if len(candidates) == 1:
        return OrientationVote(0, 1.0, "geometry", [1.0])
    scores = [0.0] * len(candidates)
    details: dict[str, Any] = {}
    if reference is not None:
        vote = reference_vote(candidates, reference)
        if vote.rotation is not None:
            return vote
        scores = vote.scores
        details.update(vote.details)
    if text:
        pages = [analyse(c) for c in candidates]
        layouts = [page_layout(p) for p in pages]
        vote = label_vote(candidates, layouts)
        details.update(vote.details)
        if vote.rotation is not None:
            return replace(vote, details=details)
        scores = vote.scores
        engine = (tesseract or find_tesseract()) if ocr else None
        if ocr and engine is None:
            details["tesseract"] = "missing"
        if engine is not None:
            allowed = allowed_by_direction(layouts)
            found = ocr_vote_pages(
                [p if a else None for p, a in zip(pages, allowed, strict=True)], engine
            )
            if found is None:
                details["tesseract"] = "failed"
            else:
                details.update(found.details)
                if found.rotation is not None:
                    return replace(found, details=details)
                scores = found.scores
    return OrientationVote(None, 0.0, "undecided", scores, details)


__all__ = ["choose_orientation"]
