"""Orientation of symmetric layouts from the page's own content (engine/align/orientation.py
and its cues, orient_reference.py, orient_labels.py and orient_ocr.py).

Pages come from ``synth.orientation_pages``: four identical corner squares and a bubble
grid symmetric under a half turn (portrait) or every quarter turn (square), so only the
printed header, question numbers and choice labels tell the top. Each page is scanned
at every quarter turn and warped back under each turn the geometry allows.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import require_samples
from synth import orientation_pages as pages

from academy_desktop.engine.align import orient_labels, orient_ocr, orient_reference, orientation
from academy_desktop.engine.align.orient_vote import OrientationVote
from academy_desktop.engine.align.orientation import choose_orientation
from academy_desktop.tesseract import Tesseract, find_tesseract

SHAPES = ("portrait", "square")
TURNS = (0, 1, 2, 3)


@pytest.fixture(autouse=True)
def _fonts() -> None:
    if not pages.fonts_available():
        pytest.skip(f"Nanum fonts not installed ({pages.FONT_DIR})")


@lru_cache(maxsize=64)
def _candidates(
    shape: str,
    turns: int,
    seed: int = 11,
    jitter: float = 1.0,
    *,
    text: bool = True,
    numbers: bool = True,
    choices: bool = True,
) -> tuple[tuple[np.ndarray, ...], int]:
    page = pages.form(shape, seed=seed, text=text, numbers=numbers, choices=choices)
    scan = pages.scanned(page, turns, seed=seed)
    cands, upright = pages.candidates(scan, shape, turns, seed=seed, jitter=jitter)
    return tuple(cands), upright


def _frame(img: np.ndarray, shape: str) -> np.ndarray:
    return cv2.resize(img, pages.FRAMES[shape], interpolation=cv2.INTER_AREA)


@lru_cache(maxsize=8)
def _reference(shape: str, kind: str) -> np.ndarray:
    """A picture of the blank form (a scan of it), one built from five other filled pages
    of the batch (their median), another form, or the same grid without any text."""
    if kind == "blank":
        return _frame(pages.scanned(pages.form(shape, seed=1, marks=False), 0, seed=1), shape)
    if kind == "batch":
        filled = [
            _frame(pages.scanned(pages.form(shape, seed=s), 0, seed=s), shape)
            for s in range(20, 25)
        ]
        return np.median(np.stack(filled), axis=0).astype(np.uint8)
    if kind == "other":
        return pages.form(shape, seed=1, marks=False, variant="other")
    assert kind == "grid only"
    return pages.form(shape, seed=1, marks=False, text=False)


def _tesseract_with_text_data() -> Tesseract:
    found = find_tesseract()
    if found is None or not {"kor", "eng"} & set(found.languages()):
        pytest.skip("tesseract with kor or eng language data is not installed")
    return found


def _broken_tesseract(tmp_path: Path) -> Tesseract:
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    return Tesseract(fake, "env")


# ----------------------------------------------------------------------------- reference


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("turns", TURNS)
def test_the_blank_form_picks_the_upright_candidate(shape, turns):
    cands, upright = _candidates(shape, turns)
    vote = choose_orientation(cands, reference=_reference(shape, "blank"), text=False)
    assert (vote.rotation, vote.method) == (upright, "reference")
    assert vote.confidence >= 0.7
    assert len(vote.scores) == len(cands) == (4 if shape == "square" else 2)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("turns", [0, 3])
def test_a_reference_built_from_other_pages_of_the_batch_decides_too(shape, turns):
    cands, upright = _candidates(shape, turns)
    vote = choose_orientation(cands, reference=_reference(shape, "batch"), text=False)
    assert (vote.rotation, vote.method) == (upright, "reference")


@pytest.mark.parametrize("shape", SHAPES)
def test_the_reference_tolerates_a_warp_a_few_pixels_and_a_degree_off(shape):
    # each candidate has its own error of up to ~8 px, 1 degree and 2.5 % scale
    cands, upright = _candidates(shape, 2, seed=12, jitter=2.5)
    vote = orient_reference.reference_vote(cands, _reference(shape, "blank"))
    assert vote.rotation == upright


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("turns", [0, 1])
@pytest.mark.parametrize("kind", ["other", "grid only"])
def test_a_reference_of_another_form_does_not_decide(shape, turns, kind):
    cands, upright = _candidates(shape, turns)
    ref = _reference(shape, kind)
    vote = choose_orientation(cands, reference=ref, text=False)
    assert vote.rotation is None and vote.method == "undecided"
    assert vote.confidence == 0.0
    # the text still decides when it is allowed to
    vote = choose_orientation(cands, reference=ref, ocr=False)
    assert (vote.rotation, vote.method) == (upright, "text")
    assert "reference_margin" in vote.details


# ----------------------------------------------------------------------------- text


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("turns", TURNS)
def test_the_printed_labels_pick_the_upright_candidate(shape, turns):
    cands, upright = _candidates(shape, turns)
    vote = choose_orientation(cands, ocr=False)
    assert (vote.rotation, vote.method) == (upright, "text")
    assert vote.details["cue"] == "labels"
    assert vote.confidence >= 0.8


@pytest.mark.parametrize("turns", TURNS)
def test_the_reading_direction_settles_the_quarter_turns_numbers_alone_cannot(turns):
    # question numbers left of the rows and no choice labels: turned a quarter clockwise,
    # the numbers stand above the columns, as labels do on an upright page
    cands, upright = _candidates("square", turns, numbers=True, choices=False)
    layouts = [orient_labels.text_layout(c) for c in cands]
    sideways = (upright + 1) % 4  # the page turned a quarter clockwise
    assert layouts[sideways].label_z == pytest.approx(layouts[upright].label_z, abs=1.0)
    assert layouts[upright].direction > 0.3 > -0.3 > layouts[sideways].direction
    vote = choose_orientation(cands, ocr=False)
    assert vote.rotation == upright


def test_upright_and_upside_down_labels_lean_opposite_ways():
    cands, upright = _candidates("portrait", 0)
    assert upright == 0
    up, down = (orient_labels.text_layout(c) for c in cands)
    assert up.label_z > 5 and down.label_z < -5
    assert up.runs == down.runs and up.bubbles == down.bubbles > 200


def test_colour_candidates_are_read_like_grey_ones():
    cands, upright = _candidates("portrait", 2)
    colour = [cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) for c in cands]
    assert choose_orientation(colour, ocr=False).rotation == upright


def test_when_the_labels_decide_tesseract_is_not_run(tmp_path):
    cands, upright = _candidates("portrait", 1)
    vote = choose_orientation(cands, tesseract=_broken_tesseract(tmp_path))
    assert vote.rotation == upright and "tesseract" not in vote.details


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("turns", TURNS)
def test_tesseract_reads_the_header_when_no_labels_tell(shape, turns):
    engine = _tesseract_with_text_data()
    cands, upright = _candidates(shape, turns, numbers=False, choices=False)
    assert choose_orientation(cands, ocr=False).rotation is None  # a header only
    vote = choose_orientation(cands, tesseract=engine)
    assert (vote.rotation, vote.method) == (upright, "text")
    assert vote.details["cue"] == "ocr"
    assert vote.scores[upright] >= orient_ocr.OCR_MIN_CONF


# ----------------------------------------------------------------------------- undecided


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("turns", [0, 1])
def test_a_page_without_text_or_reference_is_undecided(shape, turns):
    cands, _ = _candidates(shape, turns, text=False)
    vote = choose_orientation(cands, ocr=False)
    assert vote == OrientationVote(None, 0.0, "undecided", vote.scores)
    engine = find_tesseract()
    if engine is not None:  # nothing for Tesseract to read either
        assert choose_orientation(cands, tesseract=engine).rotation is None


def test_without_tesseract_the_text_step_is_skipped_not_failed(monkeypatch):
    monkeypatch.setattr(orientation, "find_tesseract", lambda: None)
    monkeypatch.setattr(orient_ocr, "find_tesseract", lambda: None)
    cands, _ = _candidates("portrait", 0, numbers=False, choices=False)
    vote = choose_orientation(cands)
    assert vote.rotation is None and vote.method == "undecided"
    assert vote.details["tesseract"] == "missing"
    assert orient_ocr.ocr_vote(cands) is None
    # the labels need no Tesseract
    cands, upright = _candidates("portrait", 2)
    assert choose_orientation(cands).rotation == upright


def test_a_broken_tesseract_is_reported_not_raised(tmp_path):
    cands, _ = _candidates("portrait", 0, numbers=False, choices=False)
    vote = choose_orientation(cands, tesseract=_broken_tesseract(tmp_path))
    assert vote.rotation is None and vote.details["tesseract"] == "failed"


def test_nothing_to_choose_from():
    assert choose_orientation([]).rotation is None
    only = _candidates("portrait", 0)[0][:1]
    assert choose_orientation(only).rotation == 0


def test_a_blank_page_is_undecided():
    paper = [np.full((1100, 850), 235, np.uint8)] * 2
    vote = choose_orientation(paper, reference=_reference("portrait", "blank"), ocr=False)
    assert vote.rotation is None and vote.method == "undecided"


def test_the_aligners_resolution_works_too():
    # the aligner looks at 1400 px (upright.LOOK_SIDE); the reference may come at any size
    page = pages.form("portrait", seed=13)
    cands, upright = pages.candidates(
        pages.scanned(page, 2, seed=13), "portrait", 2, seed=13, side=1400
    )
    assert choose_orientation(cands, ocr=False).rotation == upright
    vote = choose_orientation(cands, reference=_reference("portrait", "blank"), text=False)
    assert vote.rotation == upright


# ----------------------------------------------------------------------------- real paper


def _real_upright_pages() -> list[Path]:
    """The upright pages of the shared OMRChecker samples and real scans (moe-25q lies
    sideways: left out), or skip."""
    samples = require_samples()
    found = []
    for root in (samples, samples.parent / "real-scans"):
        for path in sorted(root.rglob("*")):
            name = path.name.lower()
            if path.suffix.lower() not in (".jpg", ".jpeg", ".png") or "moe-25q" in str(path):
                continue
            if "marker" in name or "reference" in name:
                continue
            found.append(path)
    return found


def _real_candidates(path: Path) -> list[np.ndarray]:
    img = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert img is not None, path
    f = 1400 / max(img.shape)
    img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    return [img, np.ascontiguousarray(img[::-1, ::-1])]


def test_real_sheets_are_never_turned_upside_down_by_the_labels():
    pages_ = _real_upright_pages()
    decided = 0
    for path in pages_:
        vote = orient_labels.label_vote(_real_candidates(path))
        assert vote.rotation in (0, None), (path, vote)
        decided += vote.rotation == 0
    assert len(pages_) >= 30 and decided >= 3  # aspose-answersheet photo and scan, ogrenci


@pytest.mark.slow
def test_real_sheets_are_never_turned_upside_down_by_tesseract():
    engine = _tesseract_with_text_data()
    decided = 0
    for path in _real_upright_pages():
        vote = orient_ocr.ocr_vote(_real_candidates(path), engine)
        assert vote is not None and vote.rotation in (0, None), (path, vote)
        decided += vote.rotation == 0
    assert decided >= 20  # 27 of 40 with kor+eng
