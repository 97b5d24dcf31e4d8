"""The broad synthetic generator (tests/synth/layouts.py, photo.py, layout_sets.py):
its templates load, its truth agrees with its pixels, and its scorer follows the
real-scans rules. One slow test grades two small sets end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from synth import layout_sets, layouts, photo

from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Template

REPO = Path(__file__).resolve().parents[1]
DPI = 100  # small pages keep these tests fast


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("layouts")
    return {kind: layouts.make_layout(kind, root / kind) for kind in layouts.KINDS}


def _mean_inside(gray: np.ndarray, box: tuple[float, float, float, float], k: float) -> float:
    """Mean grey of the central ``k`` of a bubble box."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    rx, ry = (box[2] - box[0]) / 2 * k, (box[3] - box[1]) / 2 * k
    y0, x0 = int(cy - ry) - 1, int(cx - rx) - 1
    sub = gray[y0 : int(cy + ry) + 2, x0 : int(cx + rx) + 2].astype(np.float64)
    ys, xs = np.mgrid[y0 : y0 + sub.shape[0], x0 : x0 + sub.shape[1]]
    return float(sub[((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2 <= 1].mean())


@pytest.mark.parametrize("kind", layouts.KINDS)
def test_template_loads_with_the_bubbles_the_generator_prints(
    made: dict[str, Path], kind: str
) -> None:
    path = made[kind]
    t: Template = load_template(path)
    spec = layouts.load_spec(path)
    assert t.source == "omrchecker"
    assert t.alignment.method == "marker_image"
    assert t.alignment.marker_image is not None and t.alignment.marker_image.is_file()
    assert t.page_size == spec.page_px
    ours = {label: row for b in spec.blocks for label, row in b.bubbles()}
    assert set(ours) == set(t.field_map)
    for label, row in ours.items():
        got = t.field_map[label].bubbles
        assert [b.value for b in got] == [v for v, *_ in row]
        for b, (_, x, y, w, h) in zip(got, row, strict=True):
            assert (b.x, b.y, b.w, b.h) == pytest.approx((x, y, w, h), abs=1e-6)
    if spec.id_labels:
        assert t.joins == {"student_id": tuple(spec.id_labels)}
        assert len(spec.id_labels) == 8
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["preProcessors"][0]["name"] == "CropOnMarkers"


def test_layout_shapes(made: dict[str, Path]) -> None:
    circles = layouts.load_spec(made["omr_circles"])
    assert circles.blocks[0].field_type == "QTYPE_INT" and len(circles.blocks) == 4
    assert {tuple(b.values) for b in circles.blocks[1:]} == {tuple("ABCDE")}
    grid = layouts.load_spec(made["grid_symmetric"])
    labels = [lab for b in grid.blocks for lab in b.labels]
    assert labels == [f"q{i}" for i in range(1, 101)] and not grid.id_labels
    # a half turn maps every bubble onto a bubble and every marker onto a marker
    fields = grid.fields()
    centres = {
        (round(x0 + x1, 3), round(y0 + y1, 3))
        for row in fields.values()
        for _, x0, y0, x1, y1 in row
    }
    assert {(round(420 - x, 3), round(594 - y, 3)) for x, y in centres} == centres
    red = layouts.load_spec(made["dropout_red"])
    assert red.bubble_ink == list(layouts.RED) and red.blocks[1].values == list("12345")
    odd = layouts.load_spec(
        layouts.make_layout("omr_circles", made["omr_circles"].parent.parent / "odd", seed=1)
    )
    assert all(b.values == list("ABCD") for b in odd.blocks[1:])


def _find(gray: np.ndarray, pic: np.ndarray, size: float, centre: np.ndarray) -> np.ndarray:
    n = round(size)
    mk = cv2.resize(pic, (n, n), interpolation=cv2.INTER_AREA)
    r = int(size)
    x0, y0 = int(centre[0]) - r, int(centre[1]) - r
    region = gray[y0 : y0 + 2 * r, x0 : x0 + 2 * r]
    res = cv2.matchTemplate(region, mk, cv2.TM_CCOEFF_NORMED)
    _, score, _, loc = cv2.minMaxLoc(res)
    assert score > 0.9
    return np.array([x0 + loc[0] + (n - 1) / 2, y0 + loc[1] + (n - 1) / 2])


@pytest.mark.parametrize("kind", layouts.KINDS)
def test_blank_has_its_markers_where_the_template_page_corners_are(
    made: dict[str, Path], kind: str
) -> None:
    path = made[kind]
    t: Template = load_template(path)
    gray = cv2.cvtColor(layouts.render_blank(path, 150), cv2.COLOR_BGR2GRAY)
    spec = layouts.load_spec(path)
    assert t.alignment.marker_image is not None
    pic = cv2.imread(str(t.alignment.marker_image), cv2.IMREAD_GRAYSCALE)
    assert pic is not None
    w, h = t.page_size
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], np.float64)
    expected = (corners @ layouts.template_to_page(path, 150).T)[:, :2]
    size = spec.marker_mm * 150 / 25.4
    for want in expected:
        assert np.abs(_find(gray, pic, size, want) - want).max() <= 1.0
    # the page width / marker width ratio written for CropOnMarkers
    ratio = t.alignment.marker_width_ratio
    assert ratio == pytest.approx(gray.shape[1] / size, rel=0.01)


@pytest.mark.parametrize("kind", layouts.KINDS)
@pytest.mark.parametrize("style", layouts.MARK_STYLES)
def test_truth_matches_what_was_drawn(made: dict[str, Path], kind: str, style: str) -> None:
    path = made[kind]
    answers = layouts.random_answers(path, seed=5, blank=0.2, double=0.1)
    blank = cv2.cvtColor(layouts.render_blank(path, DPI), cv2.COLOR_BGR2GRAY)
    page, drawn = layouts.render_marked(path, answers, dpi=DPI, seed=5, marks=style)
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    assert page.shape[:2] == blank.shape == (1169, 827)
    assert set(drawn) == {lab for lab, v in answers.items() if v}
    # pencil and light fills are hatched, partial ones cover 60-80 %: compare the centre
    darker = {"pen": 90, "pencil": 45, "partial": 25, "light": 15}[style]
    for label, row in layouts.bubble_boxes(path, DPI).items():
        for value, box in row:
            change = _mean_inside(blank, box, 0.5) - _mean_inside(gray, box, 0.5)
            if value in answers[label]:
                assert change > darker, (label, value, change)
            else:
                assert abs(change) < 3, (label, value, change)


def test_render_is_deterministic_and_mixed(made: dict[str, Path]) -> None:
    path = made["omr_circles"]
    answers = layouts.random_answers(path, seed=1)
    a = layouts.render_sheet(path, answers, dpi=DPI, seed=1)
    b = layouts.render_sheet(path, answers, dpi=DPI, seed=1)
    c = layouts.render_sheet(path, answers, dpi=DPI, seed=2)
    assert a.dtype == np.uint8 and a.ndim == 3
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    styles = {}
    for seed in range(8):
        styles.update({f"{seed}-{k}": v for k, v in layouts.render_marked(
            path, answers, dpi=60, seed=seed)[1].items()})  # fmt: skip
    assert set(styles.values()) == set(layouts.MARK_STYLES)
    with pytest.raises(ValueError):
        layouts.render_sheet(path, {"q1": "Z"}, dpi=DPI)
    with pytest.raises(ValueError):
        layouts.render_sheet(path, {"nope": "A"}, dpi=DPI)


def test_random_answers(made: dict[str, Path]) -> None:
    path = made["omr_circles"]
    spec = layouts.load_spec(path)
    answers = layouts.random_answers(path, seed=3, student_id="20260417")
    assert "".join(answers[lab] for lab in spec.id_labels) == "20260417"
    many = [layouts.random_answers(path, seed=s) for s in range(20)]
    values = [v for a in many for lab, v in a.items() if lab not in spec.id_labels]
    assert any(v == "" for v in values) and any(len(v) == 2 for v in values)
    assert all(len(a[lab]) == 1 for a in many for lab in spec.id_labels)
    assert layouts.random_answers(path, seed=4) == layouts.random_answers(path, seed=4)


def test_phone_photo_keeps_the_page_in_frame(made: dict[str, Path]) -> None:
    path = made["omr_circles"]
    page = layouts.render_sheet(path, layouts.random_answers(path, seed=2), dpi=DPI, seed=2)
    keep = layouts.keep_points(path, DPI)
    for inside in (False, True):
        img, params = photo.phone_photo(
            page, keep, np.random.default_rng(7), inside=inside, long_side=1500
        )
        assert img.shape[0] == 1500 and img.ndim == 3 and img.dtype == np.uint8
        assert params["inside"] == float(inside) and 70 <= params["jpeg_quality"] <= 92


def test_make_set_writes_pages_and_truth(tmp_path: Path) -> None:
    folder = layout_sets.make_set("clean", 3, tmp_path, seed=4)
    assert folder == tmp_path / "clean"
    truth = [json.loads(x) for x in (folder / "truth.jsonl").read_text().splitlines()]
    capture = [json.loads(x) for x in (folder / "capture.jsonl").read_text().splitlines()]
    assert [t["file"] for t in truth] == [
        "omr_circles/page001.png",
        "grid_symmetric/page002.png",
        "dropout_red/page003.png",
    ]
    for t, c in zip(truth, capture, strict=True):
        assert set(t) <= {"file", "page", "fields", "hard", "student_id"} and t["page"] == 1
        image = folder / t["file"]
        assert image.is_file() and (image.parent / "template.json").is_file()
        tpl: Template = load_template(image.parent / "template.json")
        assert set(t["fields"]) == set(tpl.field_map)
        assert ("student_id" in t) == (c["layout"] != "grid_symmetric")
        for label, kind in t["hard"].items():
            value = t["fields"][label]
            assert kind == layouts.hard_kind(value, c["styles"].get(label))
        assert all(set(v) <= set(tpl.field_map[k].values) for k, v in t["fields"].items())
    again = layout_sets.make_set("clean", 3, tmp_path / "again", seed=4)
    assert (again / "truth.jsonl").read_text() == (folder / "truth.jsonl").read_text()
    layout_sets.make_set("clean", 1, tmp_path / "again", seed=4)  # a smaller set: no leftovers
    assert sorted(p.name for p in again.rglob("page*")) == ["page001.png"]


def _fake_results(folder: Path, out: Path, edit: dict[tuple[int, str], tuple[str, str]]) -> None:
    """A results.jsonl that reads every truth right, but for ``edit``:
    (page index, label) -> (detected, status); (i, "*") -> rejected page."""
    lines = []
    for i, line in enumerate((folder / "truth.jsonl").read_text().splitlines()):
        t = json.loads(line)
        rec: dict[str, object] = {"source": str(folder / t["file"]), "page": 1, "status": "ok"}
        if (i, "*") in edit:
            rec.update(status="rejected", rejection_code=edit[(i, "*")][0])
        fields = {}
        for label, value in t["fields"].items():
            got, status = edit.get((i, label), (value, "ok" if value else "blank"))
            fields[label] = {"detected": list(got), "status": status, "confidence": 0.9}
        rec["fields"] = fields
        lines.append(json.dumps(rec))
    out.write_text("\n".join(lines) + "\n")


def test_scoring_follows_the_real_scans_rules(tmp_path: Path) -> None:
    folder = layout_sets.make_set("clean", 3, tmp_path, seed=4)
    truth = [json.loads(x) for x in (folder / "truth.jsonl").read_text().splitlines()]
    results = tmp_path / "results.jsonl"
    _fake_results(folder, results, {})
    perfect = layout_sets.score_set(folder, results)
    n = sum(len(t["fields"]) for t in truth)
    assert (perfect.pages, perfect.graded, perfect.fields, perfect.auto_correct) == (3, 3, n, n)
    assert perfect.silent == perfect.flagged == 0 and perfect.id_exact == perfect.id_pages == 2

    q1 = truth[0]["fields"]["q1"]
    wrong = "B" if q1 != "B" else "C"
    edits = {
        (0, "q1"): (wrong, "ok"),  # silent
        (0, "q2"): (truth[0]["fields"]["q2"], "low_confidence"),  # flagged, right
        (0, "id1"): ("", "ambiguous"),  # flagged (wrong unless blank), ID flagged
        (1, "*"): ("ALIGNMENT_FAILED", ""),
    }
    _fake_results(folder, results, edits)
    s = layout_sets.score_set(folder, results)
    assert s.silent == 1 and s.silent_fields[0]["field"] == "q1"
    assert s.silent_fields[0]["got"] == wrong and s.flagged == 2 and s.flagged_right == 1
    assert s.graded == 2 and s.on_rejected == len(truth[1]["fields"])
    assert s.rejections == {"ALIGNMENT_FAILED": 1}
    assert s.auto_correct == n - len(truth[1]["fields"]) - 3
    assert (s.id_exact, s.id_flagged) == (1, 1)
    assert "| clean | 3 | 66.7 % |" in layout_sets.table([s])


@pytest.mark.slow
def test_graded_sets_have_no_silent_errors(tmp_path: Path) -> None:
    scores = []
    for category in ("omr_circles_scan", "grid_symmetric_scan"):
        folder = layout_sets.make_set(category, 4, tmp_path / "sets", seed=11)
        out = tmp_path / "out" / category
        cmd = [sys.executable, str(REPO / "main.py"), "grade", str(folder), "--out", str(out),
               "--jobs", "1", "--quiet"]  # fmt: skip
        subprocess.run(cmd, cwd=REPO, check=False, capture_output=True, timeout=None)
        scores.append(layout_sets.score_set(folder, out / "results.jsonl"))
    report = layout_sets.table(scores)
    for s in scores:
        assert s.pages == 4, report
        assert s.silent == 0, (report, s.silent_fields)
        assert s.graded >= 3, (report, s.rejected_pages)
