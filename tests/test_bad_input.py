"""Never silently wrong on bad input (issue 12).

A key that does not fit the sheet, a damaged but decodable scan, a broken template in one
folder of a batch, template pictures beside the scans: each is refused with a reason,
flagged, or left out - never graded as if all were well. Damaged files are made here,
in ``tmp_path``, from the bundled sample scan.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from conftest import REPO_ROOT, SAMPLES_DIR
from PIL import Image, TiffImagePlugin

from academy_desktop.cli.main import main
from academy_desktop.engine.pipeline import UsageError, plan, run
from academy_desktop.engine.result import PageResult
from academy_desktop.engine.template.discovery import load_template

SAMPLES = REPO_ROOT / "resources" / "samples"
TEMPLATE = REPO_ROOT / "resources" / "templates" / "kr-20q-5c-id8.json"
SCAN = SAMPLES / "kr-20q-sample-1.jpg"
REAL_SCANS = REPO_ROOT.parent / "shared" / "real-scans"


def _native_key(path: Path, count: int, *, first: int = 1) -> Path:
    answers = {f"q{n}": "1" for n in range(first, first + count)}
    data = {"format": "academy-answer-key", "version": 1, "answers": answers}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _evaluation(count: int) -> dict[str, Any]:
    """An OMRChecker evaluation.json for questions q1..q<count>."""
    return {
        "source_type": "custom",
        "options": {"questions_in_order": [f"q1..{count}"], "answers_in_order": ["1"] * count},
        "marking_schemes": {"DEFAULT": {"correct": "1", "incorrect": "0", "unmarked": "0"}},
    }


def _folder(
    root: Path,
    name: str,
    *,
    template: str | None = None,
    evaluation: dict[str, Any] | None = None,
    scans: int = 1,
) -> Path:
    """An OMRChecker-style folder: template.json (the bundled 20-question sheet unless
    ``template`` gives the text), an optional evaluation.json and copies of a scan."""
    folder = root / name
    folder.mkdir(parents=True)
    if template is None:
        shutil.copy(TEMPLATE, folder / "template.json")
    else:
        (folder / "template.json").write_text(template, encoding="utf-8")
    if evaluation is not None:
        (folder / "evaluation.json").write_text(json.dumps(evaluation), encoding="utf-8")
    for i in range(scans):
        shutil.copy(SCAN, folder / f"scan{i + 1}.jpg")
    return folder


def _grade_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    rc = main(["grade", *map(str, args), "--jobs", "1"])
    return rc, capsys.readouterr().err


def _jsonl(out: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (out / "results.jsonl").read_text("utf-8").splitlines()]


# ------------------------------------------------------- 1. the key against the sheet


def test_a_key_with_questions_the_sheet_lacks_is_a_usage_error(tmp_path: Path) -> None:
    key = _native_key(tmp_path / "key25.json", 25)
    with pytest.raises(UsageError) as info:
        plan([SCAN], template="kr-20q-5c-id8", key=str(key))
    text = str(info.value)
    assert all(f"'q{n}'" in text for n in range(21, 26))
    assert "'q20'" not in text
    assert "key25.json" in text
    assert "정답" in text and "answer key" in text  # Korean and English


def test_cli_exits_2_for_a_key_that_does_not_fit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _native_key(tmp_path / "key25.json", 25)
    out = tmp_path / "out"
    rc, err = _grade_cli(capsys, SCAN, "--template", "kr-20q-5c-id8", "--key", key, "--out", out)
    assert rc == 2
    assert "오류 / Error" in err and "'q21'" in err and "'q25'" in err
    assert not (out / "results.jsonl").exists()


def test_an_evaluation_beside_the_given_template_is_checked_too(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "sheet", evaluation=_evaluation(25), scans=0)
    with pytest.raises(UsageError, match="'q25'"):
        plan([SCAN], template=str(folder / "template.json"))


def test_a_key_without_some_questions_warns_and_scores_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _native_key(tmp_path / "key15.json", 15)
    job = plan([SCAN], template="kr-20q-5c-id8", key=str(key))
    assert len(job.warnings) == 1
    warning = job.warnings[0]
    assert all(f"q{n}" in warning for n in range(16, 21)) and "q15" not in warning
    (result,) = run(job)
    assert result.status == "ok"
    assert sorted(result.grades, key=lambda q: int(q[1:])) == [f"q{n}" for n in range(1, 16)]
    assert result.max_score == 15
    out = tmp_path / "out"
    rc, err = _grade_cli(capsys, SCAN, "--template", "kr-20q-5c-id8", "--key", key, "--out", out)
    assert rc == 0
    assert "q16" in err and "q20" in err and "경고 / Warning" in err
    (row,) = _jsonl(out)
    assert row["max_score"] == 15


def test_an_evaluation_found_beside_a_folder_template_is_checked(tmp_path: Path) -> None:
    bad = _folder(tmp_path, "a-bad-key", evaluation=_evaluation(25))
    short = _folder(tmp_path, "b-short-key", evaluation=_evaluation(18))
    job = plan([bad, short])
    by_folder = {item.path.parent.name: item for item in job.items}
    assert by_folder["a-bad-key"].rejection is not None
    code, detail = by_folder["a-bad-key"].rejection
    assert code == "KEY_INVALID"
    assert str(bad / "evaluation.json") in detail and "'q21'" in detail
    assert by_folder["b-short-key"].rejection is None
    assert any("q19" in w and "q20" in w and "evaluation.json" in w for w in job.warnings)
    results = {Path(r.source).parent.name: r for r in run(job)}
    assert results["a-bad-key"].status == "rejected"
    assert results["a-bad-key"].rejection_code == "KEY_INVALID"
    assert "evaluation.json" in (results["a-bad-key"].message or "")
    assert results["b-short-key"].status == "ok" and results["b-short-key"].max_score == 18


# ---------------------------------------------------- 2. damaged but decodable scans


def _sample_gray() -> np.ndarray:
    gray = cv2.imread(str(SCAN), cv2.IMREAD_GRAYSCALE)
    assert gray is not None
    return gray


def _baseline_jpeg(gray: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return data.tobytes()


def _cut_with_end_marker(data: bytes, share: float) -> bytes:
    """The JPEG cut ``share`` of the way into its picture data, with an end-of-image
    marker after the cut: libjpeg reports "premature end of data segment" and OpenCV
    and Pillow still decode it, the rest of the page one flat grey."""
    start = data.find(b"\xff\xda")
    cut = start + int((len(data) - start) * share)
    if data[cut - 1] == 0xFF:
        cut -= 1
    return data[:cut] + b"\xff\xd9"


def _grade_file(path: Path) -> PageResult:
    (result,) = run(plan([path], template="kr-20q-5c-id8"))
    return result


def _lost_fields_are_flagged(result: PageResult, image: np.ndarray, rows: slice) -> list[str]:
    """Labels whose bubbles lie in ``rows`` of ``image``; asserts none of them is read."""
    assert result.alignment is not None
    h = np.array(result.alignment["homography"], dtype=np.float64)
    t = load_template("kr-20q-5c-id8")
    inside = []
    for f in t.fields:
        pts = np.array([[b.x + b.w / 2, b.y + b.h / 2] for b in f.bubbles], np.float64)
        ys = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), h).reshape(-1, 2)[:, 1]
        if ((ys >= rows.start) & (ys < rows.stop)).any():
            inside.append(f.label)
    for label in inside:
        field = result.fields[label]
        assert field.status == "error" and field.detected == [], (label, field)
    assert image.shape[0] > 0
    return inside


def test_a_jpeg_cut_short_but_decodable_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(_cut_with_end_marker(_baseline_jpeg(_sample_gray()), 0.5))
    decoded = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert decoded is not None and (decoded[-50:] == 128).all()  # what libjpeg makes of it
    result = _grade_file(path)
    assert (result.status, result.rejection_code) == ("rejected", "IMAGE_DAMAGED")
    assert " / " in (result.message or "")


def test_a_half_grey_page_is_rejected(tmp_path: Path) -> None:
    gray = _sample_gray()
    gray[gray.shape[0] // 2 :] = 128
    path = tmp_path / "half-grey.png"
    cv2.imwrite(str(path), gray)
    result = _grade_file(path)
    assert (result.status, result.rejection_code) == ("rejected", "IMAGE_DAMAGED")


def test_a_bmp_with_its_pixel_data_zeroed_halfway_is_rejected(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(_sample_gray()).save(buffer, "BMP")
    data = bytearray(buffer.getvalue())
    pixels = struct.unpack("<I", data[10:14])[0]
    half = pixels + (len(data) - pixels) // 2
    data[half:] = bytes(len(data) - half)  # a spliced file: the second half is zeros
    path = tmp_path / "spliced.bmp"
    path.write_bytes(bytes(data))
    result = _grade_file(path)
    assert (result.status, result.rejection_code) == ("rejected", "IMAGE_DAMAGED")


@pytest.mark.parametrize("compression", [None, "tiff_lzw", "packbits"])
def test_a_tiff_with_truncated_strips_is_rejected(tmp_path: Path, compression: str | None) -> None:
    buffer = io.BytesIO()
    Image.fromarray(_sample_gray()).save(buffer, "TIFF", compression=compression)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as im:
        assert isinstance(im, TiffImagePlugin.TiffImageFile)
        offsets, counts = im.tag_v2[273], im.tag_v2[279]  # strip offsets and byte counts
    damaged = bytearray(data)
    if len(offsets) == 1:  # one strip, its directory first: the file cut in the strip
        damaged = damaged[: offsets[0] + counts[0] // 2]
    else:  # the directory last: the second half of the strips overwritten
        for offset, count in list(zip(offsets, counts, strict=True))[len(offsets) // 2 :]:
            damaged[offset : offset + count] = bytes(count)
    path = tmp_path / "strips.tif"
    path.write_bytes(bytes(damaged))
    result = _grade_file(path)
    assert result.status == "rejected"
    assert result.rejection_code in ("FILE_UNREADABLE", "IMAGE_DAMAGED")


def test_a_flat_band_inside_the_page_is_rejected(tmp_path: Path) -> None:
    gray = _sample_gray()
    gray[int(gray.shape[0] * 0.62) : int(gray.shape[0] * 0.66)] = 0  # zeroed data mid-file
    path = tmp_path / "band.png"
    cv2.imwrite(str(path), gray)
    result = _grade_file(path)
    assert (result.status, result.rejection_code) == ("rejected", "IMAGE_DAMAGED")


def test_a_thin_flat_band_flags_the_answers_under_it(tmp_path: Path) -> None:
    """Too thin to refuse the page, but nothing is read where the picture is lost."""
    clean = _grade_file(SCAN)
    assert clean.status == "ok" and clean.alignment is not None
    h = np.array(clean.alignment["homography"], dtype=np.float64)
    q6 = load_template("kr-20q-5c-id8").field_map["q6"].bubbles[0]
    centre = np.array([[[q6.x + q6.w / 2, q6.y + q6.h / 2]]], np.float64)
    y = int(cv2.perspectiveTransform(centre, h)[0, 0, 1])
    gray = _sample_gray()
    rows = slice(y - 6, y + 6)
    gray[rows] = 128
    path = tmp_path / "thin-band.png"
    cv2.imwrite(str(path), gray)
    result = _grade_file(path)
    assert result.status == "ok"
    inside = _lost_fields_are_flagged(result, gray, rows)
    assert "q6" in inside and result.fields["q6"].raw["lost"] is True
    assert result.fields["q1"].status == "ok"  # the rest of the page is read as usual
    assert "q6" in result.flagged_labels and result.review_required


@pytest.mark.parametrize("share", [0.9, 0.97])
def test_a_jpeg_missing_only_its_bottom_never_reads_answers_there(
    tmp_path: Path, share: float
) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(_cut_with_end_marker(_baseline_jpeg(_sample_gray()), share))
    decoded = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert decoded is not None
    flat = np.flatnonzero(decoded.max(axis=1) != decoded.min(axis=1))
    lost = slice(int(flat[-1]) - 16, decoded.shape[0])  # from the last partly decoded row
    result = _grade_file(path)
    if result.status == "rejected":
        assert result.rejection_code in ("IMAGE_DAMAGED", "ALIGNMENT_FAILED", "NOT_A_SHEET")
        return
    _lost_fields_are_flagged(result, decoded, lost)


def test_flat_bands_are_found_across_rows_and_columns() -> None:
    from academy_desktop.engine import damage

    gray = _sample_gray()
    before = damage.flat_bands(gray)  # the synthetic scanner border (8 rows of grey 139)
    assert damage.check(gray) is None
    gray[:, -300:] = 128  # an EXIF-rotated JPEG loses a side, not the bottom
    (band,) = set(damage.flat_bands(gray)) - set(before)
    assert (band.axis, band.stop - band.start, band.value) == (1, 300, 128)
    rejection = damage.check(gray)
    assert rejection is not None and "columns" in rejection.detail
    gray[-60:] = 255  # white paper, clipped by the scanner: not damage
    assert not [b for b in damage.flat_bands(gray) if b.axis == 0 and b.value == 255]


def test_the_bundled_samples_are_not_damaged() -> None:
    job = plan(sorted(SAMPLES.glob("kr-20q-sample-*.jpg")), template="kr-20q-5c-id8")
    results = list(run(job, jobs=2))
    assert [r.status for r in results] == ["ok"] * len(results)
    assert not any(f.raw.get("lost") for r in results for f in r.fields.values())


# ------------------------------------------- 4. one bad folder never stops the batch


def test_a_broken_folder_template_rejects_only_its_own_pages(tmp_path: Path) -> None:
    a = _folder(tmp_path, "a")
    b = _folder(tmp_path, "b", template='{"pageDimensions": [300, 400], ', scans=2)
    c = _folder(tmp_path, "c")
    job = plan([a, b, c])
    assert [item.path.parent.name for item in job.items] == ["a", "b", "b", "c"]
    assert [item.rejection is None for item in job.items] == [True, False, False, True]
    assert any(str(b / "template.json") in w for w in job.warnings)
    results = list(run(job))
    assert [r.status for r in results] == ["ok", "rejected", "rejected", "ok"]
    bad = results[1]
    assert bad.rejection_code == "TEMPLATE_INVALID"
    assert str(b / "template.json") in (bad.message or "")


def test_the_cli_grades_the_other_folders_and_lists_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _folder(tmp_path, "a")
    b = _folder(tmp_path, "b", template="not json")
    empty = tmp_path / "no-template"  # scans without any template.json above them
    empty.mkdir()
    shutil.copy(SCAN, empty / "scan.jpg")
    c = _folder(tmp_path, "c")
    out = tmp_path / "out"
    rc, err = _grade_cli(capsys, a, b, c, empty, "--out", out)
    assert rc == 0, err
    rows = {Path(r["source"]).parent.name: r for r in _jsonl(out)}
    assert rows["a"]["status"] == rows["c"]["status"] == "ok"
    assert rows["b"]["rejection_code"] == "TEMPLATE_INVALID"
    assert rows["no-template"]["rejection_code"] == "TEMPLATE_INVALID"
    assert str(b / "template.json") in rows["b"]["message"]
    assert "--template" in rows["no-template"]["message"]
    summary = err[err.index("채점 완료") :]
    assert "TEMPLATE_INVALID 2" in summary and str(b / "template.json") in summary


def test_a_batch_with_no_usable_template_at_all_is_a_usage_error(tmp_path: Path) -> None:
    b = _folder(tmp_path, "b", template="not json")
    with pytest.raises(UsageError, match=r"template\.json"):
        plan([b])
    with pytest.raises(UsageError):
        plan([SCAN], template=str(b / "template.json"))  # given explicitly: exit 2


def test_unknown_template_keys_are_warned_about_in_the_batch(tmp_path: Path) -> None:
    omr = _omrchecker_template()
    omr["bubbleCount"] = 5
    folder = _folder(tmp_path, "sheet", template=json.dumps(omr), scans=0)
    shutil.copy(SCAN, folder / "scan.jpg")
    job = plan([folder])
    assert job.items[0].rejection is None
    assert any("bubbleCount" in w and "template.json" in w for w in job.warnings)


def _omrchecker_template() -> dict[str, Any]:
    return {
        "pageDimensions": [1293, 1829],
        "bubbleDimensions": [30, 30],
        "fieldBlocks": {
            "MCQ": {
                "fieldType": "QTYPE_MCQ5",
                "origin": [200, 1000],
                "bubblesGap": 45,
                "labelsGap": 45,
                "fieldLabels": ["q1..5"],
            }
        },
    }


# ----------------------------------------------- 5. template pictures are not pages


def _picture(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = np.full((120, 120), 255, np.uint8)
    cv2.rectangle(img, (30, 30), (90, 90), 0, -1)
    cv2.imwrite(str(path), img)
    return path


def test_marker_and_reference_pictures_anywhere_in_the_tree_are_not_graded(
    tmp_path: Path,
) -> None:
    root = tmp_path / "batch"
    shared_marker = _picture(root / "pics" / "corner-mark.png")
    reference = _picture(root / "pics" / "blank-sheet.png")
    markers = _omrchecker_template()
    markers["preProcessors"] = [
        {"name": "CropOnMarkers", "options": {"relativePath": "../pics/corner-mark.png"}}
    ]
    features = _omrchecker_template()
    features["preProcessors"] = [
        {"name": "FeatureBasedAlignment", "options": {"reference": "../pics/blank-sheet.png"}}
    ]
    _folder(root, "day1", template=json.dumps(markers))
    _folder(root, "day2", template=json.dumps(features))
    shutil.copy(TEMPLATE, root / "template.json")  # the pictures' own folder has a sheet too
    job = plan([root])
    planned = sorted(item.path.relative_to(root).as_posix() for item in job.items)
    assert planned == ["day1/scan1.jpg", "day2/scan1.jpg"]
    assert sorted(job.skipped) == sorted([shared_marker, reference])


def test_common_marker_and_reference_names_are_not_graded(tmp_path: Path) -> None:
    root = tmp_path / "scans"
    root.mkdir()
    shutil.copy(SCAN, root / "scan.jpg")
    skipped = [_picture(root / "omr_marker.jpg"), _picture(root / "sub" / "Reference.PNG")]
    job = plan([root, *skipped], template="kr-20q-5c-id8")  # even when named explicitly
    assert [item.path.name for item in job.items] == ["scan.jpg"]
    assert sorted(job.skipped) == sorted(skipped)


def test_the_shared_samples_plan_no_template_picture() -> None:
    roots = [p for p in (SAMPLES_DIR, REAL_SCANS) if p.is_dir()]
    if not roots:
        pytest.skip(f"shared samples not found at {SAMPLES_DIR} or {REAL_SCANS}")
    for root in roots:
        job = plan([root])
        names = {item.path.stem.casefold() for item in job.items}
        assert "reference" not in names and "omr_marker" not in names
        assert all(item.rejection is None for item in job.items)
    if SAMPLES_DIR.is_dir():
        job = plan([SAMPLES_DIR / "sample1"], template="kr-20q-5c-id8")
        assert [item.path.name for item in job.items] == ["sheet1.jpg"]
