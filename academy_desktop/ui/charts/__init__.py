"""The statistics charts, drawn with QPainter (no chart library; see ``docs/statistics.md``).

Four widgets, each fed plain data (no store, no Qt models):

* :class:`ScoreHistogram` - how many sheets got each score, with mean and median lines;
* :class:`PercentCorrectChart` - percent correct per question;
* :class:`ChoiceDistributionChart` - how the answers spread over the choices, one small
  chart per question, the key's choice highlighted;
* :class:`DiscriminationChart` - the discrimination index per question, with the
  "poor" band (below 0.2) shaded.

Every size comes from the font (``em``), so the charts stay readable with high-DPI
scaling (``QT_SCALE_FACTOR=1.5``); colours always come with a legend, a text tag or a
tooltip; hovering a bar shows its exact numbers, and the accessible description holds
a text summary of the chart for screen readers. Strings are translated in the
``Charts`` context (explicit ``translate`` calls, so subclasses share one context).

Modules:

* :mod:`.style` - the colours and number formatting;
* :mod:`.base` - :class:`ChartWidget` (background, empty state, axes, legend, tooltips);
* :mod:`.histogram` - :class:`ScoreHistogram` and its bins;
* :mod:`.question_bars` - :class:`QuestionBarChart`, one bar per question, the base of
  :mod:`.percent_correct` and :mod:`.discrimination`;
* :mod:`.choices` - :class:`ChoiceDistributionChart`.

Everything is importable from this package (``from academy_desktop.ui.charts import ...``).
"""

from __future__ import annotations

from academy_desktop.ui.charts.base import ChartWidget, LegendItem, y_of
from academy_desktop.ui.charts.choices import ChoiceDistributionChart, QuestionChoices
from academy_desktop.ui.charts.discrimination import (
    GOOD_D,
    POOR_D,
    DiscriminationChart,
    QuestionDiscrimination,
    discrimination_grade,
)
from academy_desktop.ui.charts.histogram import (
    MAX_BINS,
    WHOLE_BINS_UP_TO,
    Bin,
    ScoreHistogram,
    histogram_bins,
)
from academy_desktop.ui.charts.percent_correct import PercentCorrectChart, QuestionCorrect
from academy_desktop.ui.charts.question_bars import QuestionBarChart
from academy_desktop.ui.charts.style import (
    BAR,
    CORRECT,
    FAIR,
    GOOD,
    MEAN,
    MEDIAN,
    NEGATIVE,
    NO_CHOICE,
    OTHER_CHOICE,
    POOR,
    POOR_BAND_ALPHA,
    format_number,
    format_percent,
    mix,
    nice_step,
    short_label,
)

__all__ = [
    "BAR",
    "CORRECT",
    "FAIR",
    "GOOD",
    "GOOD_D",
    "MAX_BINS",
    "MEAN",
    "MEDIAN",
    "NEGATIVE",
    "NO_CHOICE",
    "OTHER_CHOICE",
    "POOR",
    "POOR_BAND_ALPHA",
    "POOR_D",
    "WHOLE_BINS_UP_TO",
    "Bin",
    "ChartWidget",
    "ChoiceDistributionChart",
    "DiscriminationChart",
    "LegendItem",
    "PercentCorrectChart",
    "QuestionBarChart",
    "QuestionChoices",
    "QuestionCorrect",
    "QuestionDiscrimination",
    "ScoreHistogram",
    "discrimination_grade",
    "format_number",
    "format_percent",
    "histogram_bins",
    "mix",
    "nice_step",
    "short_label",
    "y_of",
]
