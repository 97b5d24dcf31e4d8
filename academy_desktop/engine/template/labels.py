"""Label lists and ranges, shared by every template and answer-key reader.

A label list holds plain labels and ranges written ``"<prefix><start>..<end>"``
(``"q1..20"`` is ``q1, q2, ... q20``), the same syntax as OMRChecker's
``fieldLabels`` and ``customLabels``. Anything that is not a whole range is a plain
label, so long free-text labels (survey questions) pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# prefix without digits, then start..end (OMRChecker also accepts three dots)
_RANGE = re.compile(r"(?P<prefix>[^\d]*?[^\d.])(?P<start>\d+)\.{2,3}(?P<end>\d+)")
_TRAILING_NUMBER = re.compile(r"(?P<prefix>.*?[^\d])(?P<num>[1-9]\d*|0)")


class LabelRangeError(ValueError):
    """A ``prefix<start>..<end>`` range that runs backwards."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def parse_range(text: str) -> tuple[str, int, int] | None:
    """``"q1..20"`` -> ``("q", 1, 20)``; ``None`` when ``text`` is a plain label."""
    m = _RANGE.fullmatch(text.strip())
    if m is None:
        return None
    return m["prefix"], int(m["start"]), int(m["end"])


def expand_label(text: str) -> list[str]:
    """Expand one label or range. Raises :class:`LabelRangeError` for ``q5..1``."""
    parsed = parse_range(text)
    if parsed is None:
        return [text]
    prefix, start, end = parsed
    if start > end:
        raise LabelRangeError(text)
    return [f"{prefix}{n}" for n in range(start, end + 1)]


def expand_labels(items: Iterable[str]) -> list[str]:
    """Expand a list of labels and ranges, keeping order (duplicates are kept)."""
    out: list[str] = []
    for item in items:
        out.extend(expand_label(item))
    return out


def compress_labels(labels: Sequence[str]) -> list[str]:
    """The inverse of :func:`expand_labels`: runs of 3+ consecutive numbers become ranges.

    Only labels whose number has no leading zero are merged, so the result always
    expands back to exactly ``labels``.
    """
    out: list[str] = []
    i = 0
    while i < len(labels):
        m = _TRAILING_NUMBER.fullmatch(labels[i])
        if m is None or parse_range(labels[i]) is not None:
            out.append(labels[i])
            i += 1
            continue
        prefix, start = m["prefix"], int(m["num"])
        j = i + 1
        while j < len(labels) and labels[j] == f"{prefix}{start + (j - i)}":
            j += 1
        candidate = f"{prefix}{start}..{start + (j - i - 1)}"
        if j - i >= 3 and expand_label(candidate) == list(labels[i:j]):
            out.append(candidate)
        else:
            j = i + 1
            out.append(labels[i])
        i = j
    return out


def label_sort_key(label: str) -> tuple[str, int, str]:
    """Natural order for labels (``q2`` before ``q10``)."""
    m = _TRAILING_NUMBER.fullmatch(label)
    if m is None:
        return (label, -1, label)
    return (m["prefix"], int(m["num"]), label)
