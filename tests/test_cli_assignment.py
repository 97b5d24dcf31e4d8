"""``main.py assignment ...`` end to end: real generated media, real analysis, the store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from synth.homework_media import blank_video, corrupt_video, worked_photo, writing_video

from academy_desktop.cli.main import main

ROSTER = REPO_ROOT / "resources" / "samples" / "roster.csv"


@pytest.fixture
def common(tmp_path: Path) -> list[str]:
    args = ["--workspace", str(tmp_path / "ws"), "--staff", "김선생"]
    assert main(["roster", "import", str(ROSTER), *args]) == 0
    return args


def _show(common: list[str], capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    capsys.readouterr()
    assert main(["assignment", "show", "3단원", "--json", *extra, *common]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_assignment_add_review_confirm_export(
    tmp_path: Path, common: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    writing_video(media / "20250001_3단원.mp4", seconds=8, seed=1)
    blank_video(media / "20250003_3단원.mp4", seconds=8, seed=3)
    worked_photo(media / "숙제_최나무.png", answered=4)
    corrupt_video(media / "IMG_0042.mp4")
    (media / "메모.txt").write_text("not homework", encoding="utf-8")
    create = ["assignment", "create", "--name", "3단원", "--group", "A반", "--due", "2026-12-01"]
    assert main([*create, *common]) == 0
    assert main([*create, *common]) == 2  # the same title twice is refused
    assert "already exists" in capsys.readouterr().err

    # the folder: three analysed, the corrupt one unreadable (exit 1), the .txt left out
    assert main(["assignment", "add", "3단원", str(media), "--quiet", *common]) == 1
    cards = {c["file"]: c for c in _show(common, capsys)}
    assert set(cards) == {
        "20250001_3단원.mp4",
        "20250003_3단원.mp4",
        "숙제_최나무.png",
        "IMG_0042.mp4",
    }
    assert cards["20250001_3단원.mp4"]["verdict"] == "wrote"
    assert cards["20250001_3단원.mp4"]["student_name"] == "김하늘"
    assert cards["20250003_3단원.mp4"]["verdict"] == "no_writing"
    assert cards["숙제_최나무.png"]["student_name"] == "최나무"  # by name
    assert cards["숙제_최나무.png"]["source"] == "homework_image"
    bad = cards["IMG_0042.mp4"]
    assert (bad["verdict"], bad["student_name"], bad["review_state"]) == (
        "unreadable",
        None,
        "needed",
    )
    # again: nothing is analysed twice
    capsys.readouterr()
    assert main(["assignment", "add", "3단원", str(media / "20250001_3단원.mp4"), *common]) == 0
    assert "already analysed" in capsys.readouterr().out

    # a person settles the unreadable one and names its student; confirm the sure ones
    sid = bad["submission_id"]
    field = ["review", "set", "--submission", str(sid), "--field"]
    assert main([*field, "verdict", "--value", "no_writing", "--reason", "빈 영상", *common]) == 0
    assert main([*field, "student", "--value", "20250002", *common]) == 0
    assert main([*field, "verdict", "--value", "maybe", *common]) == 2
    assert main(["assignment", "confirm", "3단원", *common]) == 0
    assert _show(common, capsys, "--filter", "review") == []
    checked = {c["file"]: c["checked_by"] for c in _show(common, capsys)}
    assert set(checked.values()) == {"김선생"}

    out = tmp_path / "3단원.csv"
    assert (
        main(["assignment", "export", "3단원", "--format", "csv", "--out", str(out), *common]) == 0
    )
    with out.open(encoding="utf-8-sig") as fh:
        rows = {r[1]: r for r in csv.reader(fh)}
    assert rows["김하늘"][3] == "했음 / wrote"
    assert rows["이바다"][3] == "안 함 / no writing"  # the settled file
    assert "최나무" in rows  # in class B, listed because a file was matched to him

    capsys.readouterr()
    assert main(["assignment", "list", *common]) == 0
    line = capsys.readouterr().out
    assert "3단원" in line and "4 files" in line and "0 to check" in line


def test_assignment_errors_are_bilingual(
    tmp_path: Path, common: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assignment", "show", "없는 숙제", *common]) == 2
    assert "No such homework" in capsys.readouterr().err
    assert main(["assignment", "create", "--name", "x", "--target-id", "0", *common]) == 2
    assert main(["assignment", "create", "--name", "x", *common]) == 0
    bad_pattern = ["assignment", "add", "x", str(tmp_path), "--pattern", "(?P<number", *common]
    assert main(bad_pattern) == 2
    assert "pattern" in capsys.readouterr().err
