"""The statistics panel and its charts: figures agree with the store, bars land where
they should, the panel follows new results."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import ClassVar

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QEvent, QPoint, QPointF, QTranslator
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from academy_desktop.store import exams
from academy_desktop.store.database import Workspace
from academy_desktop.store.export import export_exam
from academy_desktop.ui.charts import (
    BAR,
    CORRECT,
    OTHER_CHOICE,
    ChoiceDistributionChart,
    DiscriminationChart,
    QuestionChoices,
    QuestionDiscrimination,
    ScoreHistogram,
    histogram_bins,
    short_label,
)
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.stats_panel import StatsPanel, load_exam_statistics
from ui.ui_helpers import grade_exam

EXAM = "3월 모의고사"
TEMPLATE = "resources/templates/kr-20q-5c-id8.json"
KEY = "resources/samples/kr-20q-key.json"


def grade(ws: Workspace, repo_root: Path, samples: list[int], title: str = EXAM) -> int:
    return grade_exam(ws, title, samples)


def open_panel(qtbot: QtBot, ctx: AppContext, exam_id: int | None) -> StatsPanel:
    panel = StatsPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    if exam_id is not None:
        with qtbot.waitSignal(panel.loaded, timeout=20_000):
            panel.show_exam(exam_id)
    return panel


def pixel(widget: object, point: QPointF) -> QColor:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    image: QImage = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * ratio), int(point.y() * ratio))


def test_panel_figures_match_the_exported_workbook(
    qtbot: QtBot, ctx: AppContext, repo_root: Path, tmp_path: Path
) -> None:
    exam_id = grade(ctx.workspace, repo_root, [1, 2, 3, 4, 5, 6])
    panel = open_panel(qtbot, ctx, exam_id)

    # the workbook main.py export writes is the reference (same store, other code path)
    out = tmp_path / "check.xlsx"
    with ctx.workspace.read() as s:
        export_exam(s, exam_id, "xlsx", out)
    wb = load_workbook(out, read_only=True)
    summary = {r[0]: r[1] for r in wb["요약 - Summary"].iter_rows(values_only=True) if r}
    results = list(wb["결과 - Results"].iter_rows(values_only=True))
    questions = list(wb["문항 통계 - Questions"].iter_rows(values_only=True))
    scores = [r[5] for r in results[1:]]
    wb.close()

    data = panel.data
    assert data is not None and data.title == EXAM
    assert data.stats.score_mean == pytest.approx(summary["평균 / Mean"])
    assert data.stats.score_median == pytest.approx(summary["중앙값 / Median"])
    assert panel.count_tile.value.text() == "6"
    assert panel.mean_tile.value.text() == f"{summary['평균 / Mean']:.1f}"
    assert panel.min_tile.value.text() == str(int(summary["최저 / Min"]))
    assert panel.max_tile.value.text() == str(int(summary["최고 / Max"]))

    # one bar per score from 0 to 20, holding exactly the exported scores
    bins = panel.histogram.bins
    assert [b.start for b in bins] == list(range(21))
    counts = Counter(int(s) for s in scores)
    assert [b.count for b in bins] == [counts[k] for k in range(21)]

    # percent correct per question, in question order, as in the questions sheet
    head = questions[0]
    col = head.index("정답률 / % correct")
    expected = {r[0]: r[col] for r in questions[1:]}
    rows = panel.percent_chart.rows
    assert [r.label for r in rows] == [f"q{i}" for i in range(1, 21)]
    for r in rows:
        assert r.share == pytest.approx(expected[r.label])
    # the key's choice is what the choice chart highlights (q1's key is 1)
    assert panel.choice_chart.rows[0].correct == frozenset({"1"})
    assert not panel.histogram.is_empty()
    assert "mean 14.2" in panel.histogram.accessibleDescription()


def test_tooltips_give_exact_numbers(
    qtbot: QtBot, ctx: AppContext, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exam_id = grade(ctx.workspace, repo_root, [1, 2, 3, 4, 5, 6])
    panel = open_panel(qtbot, ctx, exam_id)
    chart = panel.percent_chart
    q16 = next(i for i, r in enumerate(chart.rows) if r.label == "q16")
    row = chart.rows[q16]
    centre = chart.bar_rect(q16).center()
    text = chart.tooltip_at(centre)
    assert f"{row.correct} of {row.graded} correct" in text
    assert "Question 16" in text
    # a tooltip event shows the same text (the offscreen platform cannot show a real
    # tooltip window, so the call is recorded instead)
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, t, *_a: shown.append(t))
    monkeypatch.setattr(QToolTip, "hideText", lambda: shown.append(""))
    for point in (centre.toPoint(), QPoint(1, 1)):
        event = QHelpEvent(QEvent.Type.ToolTip, point, chart.mapToGlobal(point))
        QApplication.sendEvent(chart, event)
    assert shown == [text, ""]
    hist = panel.histogram
    i = next(i for i, b in enumerate(hist.bins) if b.count == 2)
    assert hist.tooltip_at(hist.bar_rect(i).center()).startswith(
        f"Score {int(hist.bins[i].start)}: 2 sheets"
    )
    assert chart.tooltip_at(QPoint(1, 1)) == ""  # outside the plot


def test_histogram_pixels(qtbot: QtBot) -> None:
    chart = ScoreHistogram()
    qtbot.addWidget(chart)
    chart.resize(640, 320)
    chart.set_data([1, 2, 2, 3, 3, 3], 4)
    assert [b.count for b in chart.bins] == [0, 1, 2, 3, 0]
    tall = chart.bar_rect(3)
    assert tall.height() > chart.bar_rect(2).height() > 0
    assert pixel(chart, tall.center()) == BAR
    # the empty bin for score 0 is background, not a bar
    empty = chart.bar_rect(0)
    assert pixel(chart, QPointF(empty.center().x(), empty.bottom() - 10)) != BAR


def test_choice_chart_highlights_the_key(qtbot: QtBot) -> None:
    chart = ChoiceDistributionChart()
    qtbot.addWidget(chart)
    chart.resize(600, 300)
    chart.set_data(
        [
            QuestionChoices(
                "q1", ("1", "2", "3"), {"1": 2, "2": 6}, blank=1, multi=1, correct=frozenset({"2"})
            ),
        ]
    )
    rects = chart.bar_rects(0)
    assert len(rects) == 5  # three choices, blank, multiple marks
    assert rects[1].height() == pytest.approx(3 * rects[0].height())  # 6 vs 2 answers
    assert pixel(chart, rects[1].center()) == CORRECT
    assert pixel(chart, rects[0].center()) == OTHER_CHOICE
    text = chart.tooltip_at(rects[1].center())
    assert "2: 6 (60%) ✓" in text and "Blank: 1" in text


def test_discrimination_colours_and_band(qtbot: QtBot) -> None:
    chart = DiscriminationChart()
    qtbot.addWidget(chart)
    chart.resize(600, 300)
    chart.set_data(
        [
            QuestionDiscrimination("q1", 0.6, 0.9, 0.3),
            QuestionDiscrimination("q2", 0.1, 0.5, 0.4),
            QuestionDiscrimination("q3", -0.4, 0.2, 0.6),
            QuestionDiscrimination("q4", None),
        ]
    )
    assert chart.lo == pytest.approx(-0.4)
    good, poor, negative = (pixel(chart, chart.bar_rect(i).center()) for i in range(3))
    assert good.name() == "#2e8b57"
    assert poor.name() == "#e08a1e"
    assert negative.name() == "#c0392b"
    assert "poor" in chart.tooltip_at(chart.bar_rect(1).center())
    assert "Not enough graded sheets" in chart.tooltip_at(chart.bar_rect(3).center())
    assert chart.accessibleDescription() == (
        "Discrimination index for 3 questions; 2 below 0.2: 2, 3."
    )


def test_histogram_bins_rules() -> None:
    assert histogram_bins([]) == []
    whole = histogram_bins([0, 20, 20], 20)
    assert len(whole) == 21 and whole[0].count == 1 and whole[20].count == 2
    ranged = histogram_bins([0.0, 37.5, 99.0, 100.0], 100)
    assert len(ranged) == 20 and ranged[0].end - ranged[0].start == 5
    assert ranged[-1].count == 2  # 99 and 100: the last bin includes the maximum
    assert sum(b.count for b in ranged) == 4
    negative = histogram_bins([-3, 5], 10)
    assert negative[0].start == -3 and negative[-1].start == 10
    assert short_label("q12") == "12" and short_label("student_id") == "student_id"


def test_panel_follows_new_results(qtbot: QtBot, ctx: AppContext, repo_root: Path) -> None:
    exam_id = grade(ctx.workspace, repo_root, [1, 2, 3])
    panel = open_panel(qtbot, ctx, exam_id)
    assert panel.data is not None and len(panel.data.stats.scores) == 3
    grade(ctx.workspace, repo_root, [4, 5])
    with qtbot.assertNotEmitted(panel.loaded, wait=700):
        ctx.signals.results_changed.emit(exam_id + 100)  # another exam: no reload
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        ctx.signals.results_changed.emit(exam_id)
        ctx.signals.results_changed.emit(exam_id)  # a burst gives one reload
    assert len(panel.data.stats.scores) == 5
    assert sum(b.count for b in panel.histogram.bins) == 5

    # hidden: only marked stale, reloaded when shown again
    panel.hide()
    grade(ctx.workspace, repo_root, [6])
    with qtbot.assertNotEmitted(panel.loaded, wait=700):
        ctx.signals.results_changed.emit(exam_id)
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.show()
    assert len(panel.data.stats.scores) == 6


def test_empty_exam_and_no_exam(qtbot: QtBot, ctx: AppContext, repo_root: Path) -> None:
    with ctx.workspace.write() as s:
        exam = exams.create_exam(s, "빈 시험", str(repo_root / TEMPLATE), created_by="t")
        s.flush()
        exam_id = exam.id
    panel = open_panel(qtbot, ctx, exam_id)
    assert panel.histogram.is_empty()
    assert panel.histogram.accessibleDescription() == "No graded sheets yet"
    assert panel.count_tile.value.text() == "0"
    assert panel.mean_tile.value.text() == "–"
    assert "no answer key" in panel.note_label.text()
    # nothing but background where the bars would be
    image = panel.histogram.grab().toImage()
    assert all(image.pixelColor(x, image.height() // 2) != BAR for x in range(0, image.width(), 7))
    panel.show_exam(None)
    assert panel.title_label.text() == "No exam selected"
    assert panel.data is None
    assert not panel.export_actions.excel_action.isEnabled()


def test_missing_exam_is_reported(qtbot: QtBot, ctx: AppContext) -> None:
    panel = StatsPanel(ctx)
    qtbot.addWidget(panel)
    panel.show_exam(999)
    qtbot.waitUntil(lambda: bool(panel.note_label.text()), timeout=10_000)
    assert panel.note_label.text() == "This exam no longer exists."
    with pytest.raises(LookupError):
        load_exam_statistics(ctx.workspace, 999)


def test_switching_exams_shows_the_last_one(qtbot: QtBot, ctx: AppContext, repo_root: Path) -> None:
    first = grade(ctx.workspace, repo_root, [1, 2, 3, 4])
    second = grade(ctx.workspace, repo_root, [5, 6], title="4월 모의고사")
    panel = StatsPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    loaded: list[int] = []
    panel.loaded.connect(loaded.append)
    panel.show_exam(first)
    panel.show_exam(second)  # while the first is still loading
    qtbot.waitUntil(lambda: bool(loaded), timeout=20_000)
    qtbot.wait(300)
    assert loaded == [second]
    assert panel.data is not None and panel.data.title == "4월 모의고사"
    assert len(panel.data.stats.scores) == 2


class _Korean(QTranslator):
    """A stand-in catalogue for a few of the panel's strings."""

    TEXTS: ClassVar[dict[str, str]] = {
        "Mean": "평균",
        "Score distribution": "점수 분포",
        "Export to Excel…": "엑셀로 내보내기…",
        "Mean {value}": "평균 {value}",
        "No graded sheets yet": "아직 채점된 답안지가 없습니다",
    }

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return self.TEXTS.get(source, "")

    def isEmpty(self) -> bool:  # an empty translator is installed without a LanguageChange
        return False


def test_language_change_retranslates(qtbot: QtBot, ctx: AppContext, repo_root: Path) -> None:
    exam_id = grade(ctx.workspace, repo_root, [1, 2])
    panel = open_panel(qtbot, ctx, exam_id)
    empty = ScoreHistogram()
    qtbot.addWidget(empty)
    assert panel.mean_tile.caption.text() == "Mean"
    mean = panel.mean_tile.value.text()
    translator = _Korean()
    app = QApplication.instance()
    assert app is not None
    app.installTranslator(translator)  # posts a LanguageChange event to every widget
    try:
        qtbot.waitUntil(lambda: panel.mean_tile.caption.text() == "평균", timeout=5000)
        assert panel.section_titles[0].text() == "점수 분포"
        assert panel.export_actions.excel_action.text() == "엑셀로 내보내기…"
        assert panel.mean_tile.value.text() == mean  # the figures stay
        assert empty.accessibleDescription() == "아직 채점된 답안지가 없습니다"
    finally:
        app.removeTranslator(translator)
    qtbot.waitUntil(lambda: panel.mean_tile.caption.text() == "Mean", timeout=5000)
