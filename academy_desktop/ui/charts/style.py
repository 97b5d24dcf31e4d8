"""Colours and number formatting shared by the charts (no widgets here).

Every colour has a meaning shown in a legend, a text tag or a tooltip; the number
formats are the ones the statistics panel uses next to the charts.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QColor

BAR = QColor("#3b6ea8")  # scores, percent correct
MEAN = QColor("#c0392b")
MEDIAN = QColor("#1e7b4a")
CORRECT = QColor("#2e8b57")
OTHER_CHOICE = QColor("#8fa8c8")
NO_CHOICE = QColor("#c4c4c4")  # blank and multiple marks
GOOD = QColor("#2e8b57")
FAIR = QColor("#3b6ea8")
POOR = QColor("#e08a1e")
NEGATIVE = QColor("#c0392b")
POOR_BAND_ALPHA = 0.16  # the "poor" band: the poor colour, faded into the background


def mix(color: QColor, background: QColor, amount: float) -> QColor:
    """``color`` laid over ``background`` at ``amount`` (0..1), as an opaque colour.

    Opaque colours keep painting simple: Qt's raster engine hands translucent spans
    to its internal thread pool, whose threads then idle for 30 s.
    """
    a = max(0.0, min(1.0, amount))
    return QColor.fromRgbF(
        color.redF() * a + background.redF() * (1 - a),
        color.greenF() * a + background.greenF() * (1 - a),
        color.blueF() * a + background.blueF() * (1 - a),
    )


def format_number(value: float | None, decimals: int = 1) -> str:
    """``14`` for a whole number, else ``decimals`` places (``14.2``); ``–`` for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.{decimals}f}"


def format_percent(share: float | None, decimals: int = 1) -> str:
    if share is None:
        return "–"
    return f"{format_number(share * 100, decimals)}%"


def short_label(label: str) -> str:
    """The axis text of a question: ``q7`` -> ``7``; other labels unchanged."""
    digits = ""
    for ch in reversed(label):
        if not ch.isdigit():
            break
        digits = ch + digits
    return str(int(digits)) if digits and len(digits) < len(label) else label


def nice_step(span: float, max_ticks: int = 5) -> float:
    """A tick step of 1, 2 or 5 x 10^k giving at most ``max_ticks`` steps over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / max_ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * power >= raw - 1e-12:
            return m * power
    return 10.0 * power


__all__ = [
    "BAR",
    "CORRECT",
    "FAIR",
    "GOOD",
    "MEAN",
    "MEDIAN",
    "NEGATIVE",
    "NO_CHOICE",
    "OTHER_CHOICE",
    "POOR",
    "POOR_BAND_ALPHA",
    "format_number",
    "format_percent",
    "mix",
    "nice_step",
    "short_label",
]
