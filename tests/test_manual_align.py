"""Manual alignment: the stored homography, reloading the graded image, grading from
clicked points (engine), re-grading a stored page in place (store), and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import REPO_ROOT
from sqlalchemy import select
from synth.spoil import spoil, spoiled_scan, true_clicks

from academy_desktop.cli.main import main
from academy_desktop.engine import pipeline
from academy_desktop.engine.align.geometry import transform_points
from academy_desktop.engine.answerkey import AnswerKey, load_key
from academy_desktop.engine.grade import grade_image
from academy_desktop.engine.manual import (
    PointKind,
    grade_with_points,
    load_sheet_gray,
    template_corner_points,
)
from academy_desktop.engine.rejections import Rejection
from academy_desktop.engine.result import PageResult
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Alignment, Template
from academy_desktop.store import Workspace, grading, review
from academy_desktop.store.exams import StoreError
from academy_desktop.store.models import ReviewDecision, ReviewState, Submission
from academy_desktop.store.realign import parse_points, regrade_with_points

SAMPLES = REPO_ROOT / "resources" / "samples"
T20 = "kr-20q-5c-id8"
KEY20 = SAMPLES / "kr-20q-key.json"


@pytest.fixture(scope="module")
def t20() -> Template:
    return load_template(T20)


@pytest.fixture(scope="module")
def key20() -> AnswerKey:
    return load_key(KEY20)


def _values(r: PageResult) -> dict[str, tuple[str, str]]:
    return {label: (f.value, f.status) for label, f in r.fields.items()}


_clicks = true_clicks
_spoil = spoil


# ------------------------------------------------------------------------- engine


def test_payload_has_the_homography_onto_the_image_the_pipeline_graded(t20: Template) -> None:
    pdf = SAMPLES / "kr-45q-samples.pdf"
    jpg = SAMPLES / "kr-20q-sample-2.jpg"
    for path, name in ((jpg, T20), (pdf, "kr-45q-5c-id8")):
        job = pipeline.plan([path], template=name)
        for result in pipeline.run(job):
            assert result.status == "ok" and result.alignment is not None
            gray = load_sheet_gray(path, result.page)
            assert result.alignment["image_size"] == [gray.shape[1], gray.shape[0]]
            h = np.array(result.alignment["homography"])
            assert h.shape == (3, 3) and all(isinstance(v, float) for v in h.ravel())
            # the very same pixels: grading the reloaded image gives the same mapping
            again = grade_image(gray, job.templates["fixed"])
            assert again.alignment is not None
            assert again.alignment["homography"] == result.alignment["homography"]
            # and the mapping puts the corner marks on dark squares of that image
            t = job.templates["fixed"]
            for x, y in transform_points(h, np.array([[m.cx, m.cy] for m in t.alignment.markers])):
                assert gray[round(y), round(x)] < 100


def test_load_sheet_gray_refuses_a_page_that_is_not_there() -> None:
    with pytest.raises(Rejection, match="page 4 not found"):
        load_sheet_gray(SAMPLES / "kr-45q-samples.pdf", 4)
    with pytest.raises(Rejection):
        load_sheet_gray(SAMPLES / "kr-20q-sample-1.jpg", 2)


def test_template_corner_points(t20: Template) -> None:
    assert template_corner_points(t20, "page") == [(0, 0), (210, 0), (210, 297), (0, 297)]
    assert template_corner_points(t20, "markers") == [
        (11, 11), (199, 11), (199, 286), (11, 286)
    ]  # fmt: skip
    no_marks = Template("cropped", (100, 80), t20.blocks, alignment=Alignment("page"))
    with pytest.raises(ValueError, match="no corner marks"):
        template_corner_points(no_marks, "markers")
    marker_image = Template("omr", (100, 80), t20.blocks, alignment=Alignment("marker_image"))
    assert template_corner_points(marker_image, "markers") == [(0, 0), (100, 0), (100, 80), (0, 80)]
    with pytest.raises(ValueError):
        template_corner_points(t20, "edges")  # type: ignore[arg-type]


@pytest.mark.parametrize("sample", [1, 2, 6])
@pytest.mark.parametrize("kind", ["page", "markers"])
def test_true_points_in_any_order_read_the_same_answers(
    t20: Template, key20: AnswerKey, sample: int, kind: PointKind
) -> None:
    gray = load_sheet_gray(SAMPLES / f"kr-20q-sample-{sample}.jpg", 1)
    auto = grade_image(gray, t20, key20)
    assert auto.status == "ok"
    clicks = _clicks(auto, t20, kind)
    rng = np.random.default_rng(sample)
    shuffled = clicks[rng.permutation(4)]
    jitter = rng.uniform(-5, 5, clicks.shape)  # a person clicks a few pixels off
    for pts in (shuffled, shuffled + jitter):
        manual = grade_with_points(gray, t20, key20, pts.tolist(), kind=kind)
        assert manual.status == "ok", manual.message
        assert manual.alignment is not None and manual.alignment["method"] == "manual"
        assert manual.alignment["manual_kind"] == kind and manual.alignment["rotation"] == 0
        # the clicks as given, sorted clockwise from the top-left
        assert np.allclose(manual.alignment["points"], clicks, atol=5.1)
        assert _values(manual) == _values(auto)
        assert (manual.score, manual.student_id) == (auto.score, auto.student_id)


def test_a_page_scanned_upside_down_is_turned(t20: Template, key20: AnswerKey) -> None:
    gray = load_sheet_gray(SAMPLES / "kr-20q-sample-3.jpg", 1)
    auto = grade_image(gray, t20, key20)
    turned = np.ascontiguousarray(gray[::-1, ::-1])
    h, w = gray.shape
    clicks = _clicks(auto, t20, "markers")
    clicks = np.column_stack([w - 1 - clicks[:, 0], h - 1 - clicks[:, 1]])
    manual = grade_with_points(turned, t20, key20, clicks.tolist(), kind="markers")
    assert manual.status == "ok" and manual.alignment is not None
    assert manual.alignment["rotation"] == 180
    assert _values(manual) == _values(auto) and manual.score == auto.score


def test_a_page_the_aligner_cannot_place_grades_from_clicked_points(
    t20: Template, key20: AnswerKey
) -> None:
    gray = load_sheet_gray(SAMPLES / "kr-20q-sample-1.jpg", 1)
    auto = grade_image(gray, t20, key20)
    spoiled = _spoil(gray, auto, t20)
    rejected = grade_image(spoiled, t20, key20)
    assert rejected.status == "rejected"
    assert rejected.rejection_code in ("NOT_A_SHEET", "ALIGNMENT_FAILED")
    kinds: tuple[PointKind, ...] = ("page", "markers")
    for kind in kinds:
        clicks = _clicks(auto, t20, kind).tolist()
        manual = grade_with_points(spoiled, t20, key20, clicks, kind=kind)
        assert manual.status == "ok", manual.message
        assert _values(manual) == _values(auto) and manual.score == auto.score == 11.0
        assert manual.student_id == "20250001"


def test_points_that_do_not_fit_are_rejected_not_raised(t20: Template, key20: AnswerKey) -> None:
    gray = load_sheet_gray(SAMPLES / "kr-20q-sample-1.jpg", 1)
    auto = grade_image(gray, t20, key20)
    clicks = _clicks(auto, t20, "page")
    same = [clicks[0].tolist()] * 3 + [clicks[2].tolist()]
    bad = grade_with_points(gray, t20, key20, same, kind="page")
    assert (bad.status, bad.rejection_code) == ("rejected", "ALIGNMENT_FAILED")
    # the top-left quarter of the page taken for the whole page: the blocks do not match
    quarter = (clicks[0] + (clicks - clicks[0]) * 0.5).tolist()
    off = grade_with_points(gray, t20, key20, quarter, kind="page")
    assert off.status == "rejected" and off.rejection_code in ("ALIGNMENT_FAILED", "WRONG_TEMPLATE")
    with pytest.raises(ValueError, match="4 points"):
        grade_with_points(gray, t20, key20, clicks[:3].tolist(), kind="page")


# -------------------------------------------------------------------------- store


@pytest.fixture
def failed_page(tmp_path: Path, t20: Template, key20: AnswerKey) -> tuple[Path, np.ndarray]:
    """A JPEG of sample 1 that the aligner rejects, and the true marker centres in it."""
    return spoiled_scan(
        SAMPLES / "kr-20q-sample-1.jpg", t20, key20, tmp_path / "in" / "찢어진 답안지.jpg"
    )


def _graded_workspace(tmp_path: Path, scan: Path) -> tuple[Workspace, int]:
    ws = Workspace.open(tmp_path / "ws", staff="김선생")
    batch = grading.prepare(ws, "3월 모의고사", [scan], template=T20, key=str(KEY20))
    ids = [sub_id for _, sub_id in grading.run(ws, batch)]
    assert len(ids) == 1
    return ws, ids[0]


def test_regrade_with_points_replaces_the_reading_in_place_and_audits_it(
    tmp_path: Path, failed_page: tuple[Path, np.ndarray]
) -> None:
    scan, markers = failed_page
    ws, sub_id = _graded_workspace(tmp_path, scan)
    with ws:
        with ws.read() as s:
            sub = s.get_one(Submission, sub_id)
            assert (sub.status, sub.rejection_code, sub.answers) == ("failed", "NOT_A_SHEET", [])
            assert (sub.review_state, sub.flags_open) == (ReviewState.NEEDED, 0)
        # clicks that miss the sheet change nothing
        with pytest.raises(StoreError, match="/"), ws.write() as s:
            regrade_with_points(s, ws.folder, sub_id, (markers * 0.5).tolist(),
                                kind="markers", decided_by="김선생")  # fmt: skip
        with ws.write() as s:
            sub = regrade_with_points(s, ws.folder, sub_id, markers[::-1].tolist(),
                                      kind="markers", decided_by="김선생")  # fmt: skip
        with ws.read() as s:
            sub = s.get_one(Submission, sub_id)
            assert (sub.id, sub.status, sub.rejection_code, sub.error_message) == (
                sub_id, "done", None, None
            )  # fmt: skip
            assert sub.score == 11.0 and sub.max_score == 20.0
            assert sub.student_number_read == "20250001"
            values = {a.label: a.current_value for a in sub.answers}
            assert values["q1"] == "5" and values["q13"] == "13"  # q13: a double mark
            flagged = [a.label for a in sub.answers if a.meta["omr"]["status"] != "ok"
                       and a.meta["omr"]["status"] != "blank"]  # fmt: skip
            assert sub.flags_open == len(flagged)
            assert sub.review_state == (ReviewState.NEEDED if flagged else ReviewState.DONE)
            payload = sub.engine_payload or {}
            assert payload["alignment"]["method"] == "manual"
            assert payload["grades"]["q1"]["correct"] is False
            (d,) = s.scalars(select(ReviewDecision)).all()
            assert (d.field, d.old_value, d.new_value, d.decided_by) == (
                "alignment", "NOT_A_SHEET", "manual", "김선생"
            )  # fmt: skip
            assert d.reason is not None and d.reason.startswith("manual markers: ")
            assert parse_points(d.reason.split(": ")[1]) == [
                (round(x, 1), round(y, 1)) for x, y in markers[::-1].tolist()
            ]
        # the alignment is not undone; a value decision is, and survives a new alignment
        with ws.write() as s:
            assert review.undo_last(s, sub_id, decided_by="김선생") is None
            review.set_value(s, sub_id, "q13", "3", decided_by="김선생", reason="학생 확인")
        with ws.write() as s:
            sub = regrade_with_points(s, ws.folder, sub_id, (markers + 3).tolist(),
                                      kind="markers", decided_by="박선생")  # fmt: skip
            assert {a.label: a.current_value for a in sub.answers}["q13"] == "3"
            assert sub.score == 12.0
            undone = review.undo_last(s, sub_id, decided_by="김선생")
            assert undone is not None and undone.field == "q13"
            assert sub.score == 11.0
            fields = [d.field for d in review.history(s, sub_id)]
            assert fields == ["alignment", "q13", "alignment", "q13"]


def test_regrade_with_points_needs_the_scan_and_a_name(
    tmp_path: Path, failed_page: tuple[Path, np.ndarray]
) -> None:
    scan, markers = failed_page
    ws, sub_id = _graded_workspace(tmp_path, scan)
    with ws:
        with pytest.raises(StoreError, match="reviewer name"), ws.write() as s:
            regrade_with_points(s, ws.folder, sub_id, markers.tolist(), kind="markers",
                                decided_by=" ")  # fmt: skip
        with ws.read() as s:
            stored = ws.folder / s.get_one(Submission, sub_id).scan.stored_path
        stored.unlink()
        with pytest.raises(StoreError, match="missing"), ws.write() as s:
            regrade_with_points(s, ws.folder, sub_id, markers.tolist(), kind="markers",
                                decided_by="김선생")  # fmt: skip


def test_parse_points() -> None:
    assert parse_points("1,2,3,4,5,6,7.5,8") == [(1, 2), (3, 4), (5, 6), (7.5, 8)]
    assert parse_points("1 2; 3 4; 5 6; 7 8") == [(1, 2), (3, 4), (5, 6), (7, 8)]
    for bad in ("1,2,3", "a,b,c,d,e,f,g,h", "1,2,3,4,5,6,7,8,9,10", "nan,1,2,3,4,5,6,7"):
        with pytest.raises(StoreError, match="8"):
            parse_points(bad)


# ---------------------------------------------------------------------------- CLI


def test_cli_review_corners(
    tmp_path: Path, failed_page: tuple[Path, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    scan, markers = failed_page
    ws = str(tmp_path / "ws")
    common = ["--workspace", ws, "--staff", "김선생"]
    exam = "3월 모의고사"
    assert main(["exam", "create", *common, "--name", exam, "--template", T20,
                 "--key", str(KEY20)]) == 0  # fmt: skip
    assert main(["grade", *common, "--exam", exam, "--jobs", "1", "--quiet", str(scan)]) == 0
    capsys.readouterr()
    points = ",".join(f"{v:.1f}" for v in markers.ravel())
    # wrong exam, wrong points: bilingual usage errors, nothing changed
    assert main(["exam", "create", *common, "--name", "다른 시험", "--template", T20]) == 0
    assert main(["review", "corners", "다른 시험", *common, "--submission", "1",
                 "--points", points, "--kind", "markers"]) == 2  # fmt: skip
    assert "does not belong" in capsys.readouterr().err
    assert main(["review", "corners", exam, *common, "--submission", "1",
                 "--points", "1,2,3"]) == 2  # fmt: skip
    assert "오류 / Error" in capsys.readouterr().err
    assert main(["results", exam, *common, "--filter", "rejected"]) == 0
    assert "NOT_A_SHEET" in capsys.readouterr().out

    assert main(["review", "corners", exam, *common, "--submission", "1",
                 "--points", points, "--kind", "markers", "--by", "박선생"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "#1" in out and "11/20" in out and "박선생" in out
    assert main(["results", exam, *common, "--filter", "rejected"]) == 0
    assert "0 / 0" in capsys.readouterr().out
    with Workspace.open(Path(ws)) as w, w.read() as s:
        d = s.scalars(select(ReviewDecision)).one()
        assert (d.field, d.decided_by, d.new_value) == ("alignment", "박선생", "manual")
