"""``main.py homework`` end to end on generated videos and photos."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from synth import homework_media as media

from academy_desktop.cli import homework_cmds
from academy_desktop.cli.main import build_parser, main
from academy_desktop.engine.homework.analyse import expand_inputs
from academy_desktop.engine.homework.contact_sheet import sheet_size

SEED_VIDEO_KEYS = {
    "total_frames",
    "sampled_frames",
    "avg_writing_score",
    "filled_ratio",
    "frames",
    "too_short",
}


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _image(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert img is not None, path
    return img


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("media")
    return {
        "writing": media.writing_video(root / "a" / "hw.mp4", seconds=5),
        "same_stem": media.blank_video(root / "b" / "hw.mp4", seconds=4),
        "turns": media.page_turn_video(root / "turns.mp4", seconds=10),
        "photo": media.worked_photo(root / "숙제사진.jpg", table=True),
        "corrupt": media.corrupt_video(root / "broken.mp4"),
    }


def test_end_to_end_writes_json_frames_and_contact_sheets(
    inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    files = [str(inputs[k]) for k in ("writing", "same_stem", "turns", "photo", "corrupt")]
    code = main(["homework", "--out", str(out), "--no-ocr", *files])
    captured = capsys.readouterr()
    assert code == homework_cmds.EXIT_SOME_UNREADABLE  # the corrupt file
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "hw.json", "hw.frames", "hw.contact.png",
            "hw-2.json", "hw-2.frames", "hw-2.contact.png",
            "turns.json", "turns.frames", "turns.contact.png",
            "숙제사진.json", "숙제사진.frames", "숙제사진.contact.png",
            "broken.json",
        ]
    )  # fmt: skip

    hw = _load(out / "hw.json")
    assert set(hw) >= SEED_VIDEO_KEYS
    assert hw["source"] == "homework_video" and hw["verdict"] == "wrote"
    assert hw["input"] == files[0] and hw["seconds"] > 0
    assert [k["file"] for k in hw["key_frames"]] == [
        "hw.frames/01-p1-first.png",
        "hw.frames/02-p1-last.png",
    ]
    assert all("png" not in k for k in hw["key_frames"])
    for k in hw["key_frames"]:
        page = _image(out / k["file"])
        assert page.shape[0] > page.shape[1]  # the flattened portrait page
    assert hw["contact_sheet"] == "hw.contact.png"
    sheet = _image(out / "hw.contact.png")
    assert (sheet.shape[1], sheet.shape[0]) == sheet_size(2, title=True)

    assert _load(out / "hw-2.json")["verdict"] == "no_writing"  # b/hw.mp4, not overwritten

    turns = _load(out / "turns.json")
    assert turns["page_turns"] == 1
    assert [k["file"].split("/")[1] for k in turns["key_frames"]] == [
        "01-p1-first.png",
        "02-p1-last.png",
        "03-p2-first.png",
        "04-p2-last.png",
    ]
    grid = _image(out / "turns.contact.png")
    assert (grid.shape[1], grid.shape[0]) == sheet_size(4, columns=4, title=True)

    photo = _load(out / "숙제사진.json")
    assert photo["source"] == "homework_image" and photo["verdict"] == "wrote"
    assert photo["pages"][0]["thumbnail"] == "숙제사진.frames/01-p1-page.png"
    assert "thumbnail_png" not in photo["pages"][0]
    assert _image(out / photo["pages"][0]["thumbnail"]).shape[1] <= 480

    broken = _load(out / "broken.json")
    assert broken["verdict"] == "unreadable" and broken["rejection_code"] == "INVALID_FORMAT"
    assert broken["contact_sheet"] is None and " / " in broken["reason"]

    for path in out.glob("*.json"):
        assert "iVBOR" not in path.read_text(encoding="utf-8")  # no inline PNG
    # progress on stderr, the table on stdout
    assert "[5/5] broken.mp4" in captured.err and "%" in captured.err
    table = captured.out
    assert "판정 / Verdict" in table and "완료 / Done: 5" in table
    assert "no_writing" in table and "INVALID" not in captured.err
    lines = table.splitlines()
    assert len(lines) == 1 + 5 + 1


def test_all_readable_is_exit_0_and_a_rerun_replaces_old_frames(
    inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    stale = out / "hw.frames" / "07-p4-last.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    keep = out / "hw.frames" / "notes.txt"
    keep.write_text("mine")
    code = main(["homework", "--out", str(out), "--quiet", str(inputs["writing"])])
    assert code == homework_cmds.EXIT_OK
    assert capsys.readouterr() == ("", "")  # --quiet
    assert not stale.exists() and keep.exists()
    assert sorted(p.name for p in (out / "hw.frames").glob("*.png")) == [
        "01-p1-first.png",
        "02-p1-last.png",
    ]


def test_folders_are_searched(inputs: dict[str, Path], tmp_path: Path) -> None:
    folder = inputs["writing"].parent.parent  # a/hw.mp4, b/hw.mp4 and the others
    files = expand_inputs([folder])
    assert {f.name for f in files} == {"hw.mp4", "turns.mp4", "숙제사진.jpg", "broken.mp4"}
    assert len(files) == 5
    assert homework_cmds.output_stems(files).count("hw") == 1
    assert homework_cmds.output_stems([Path("a/X.mp4"), Path("b/x.jpg"), Path("c/x.png")]) == [
        "X",
        "x-2",
        "x-3",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["homework", "nowhere.mp4"], "Not found"),
        (["homework", "--segmentation", "yolo", "--model", "none.onnx", "{video}"], "model"),
        (["homework", "--sample-fps", "0", "{video}"], "usage error"),
        (["homework"], "usage error"),
    ],
)
def test_usage_errors_exit_2(
    inputs: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = [a.replace("{video}", str(inputs["writing"])) for a in argv]
    assert main(argv) == homework_cmds.EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("*.json"))


def test_output_folder_that_cannot_be_written(
    inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["homework", "--out", str(blocker / "sub"), str(inputs["writing"])])
    assert code == homework_cmds.EXIT_USAGE
    assert "Cannot write to the output folder" in capsys.readouterr().err


def test_ctrl_c_keeps_the_files_done(inputs: dict[str, Path], tmp_path: Path) -> None:
    calls: list[Path] = []

    def analyse(path: Path, **_options: Any) -> dict[str, Any]:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return {
            "source": "homework_video",
            "file": path.name,
            "verdict": "wrote",
            "confidence": 0.9,
            "reason": "가 / a",
            "rejection_code": None,
            "key_frames": [],
        }

    out = tmp_path / "out"
    args = build_parser().parse_args(
        ["homework", "--out", str(out), str(inputs["writing"]), str(inputs["turns"])]
    )
    stdout, stderr = io.StringIO(), io.StringIO()
    code = homework_cmds.run(args, stdout, stderr, analyse=analyse)
    assert code == homework_cmds.EXIT_INTERRUPTED
    assert (out / "hw.json").is_file() and not (out / "turns.json").exists()
    assert not (out / "hw.contact.png").exists()  # nothing to show
    assert "Interrupted" in stdout.getvalue() and "Interrupted" in stderr.getvalue()


def test_options_reach_the_analysis(inputs: dict[str, Path], tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def analyse(path: Path, **options: Any) -> dict[str, Any]:
        seen.update(options)
        return {"source": "homework_image", "file": path.name, "verdict": "no_writing",
                "confidence": 0.8, "reason": "r", "rejection_code": None, "pages": []}  # fmt: skip

    args = build_parser().parse_args(
        ["homework", "--out", str(tmp_path), "--no-ocr", "--segmentation", "opencv",
         "--sample-fps", "4", str(inputs["photo"])]
    )  # fmt: skip
    assert homework_cmds.run(args, io.StringIO(), io.StringIO(), analyse=analyse) == 0
    assert seen["ocr"] is False and seen["segmentation"] == "opencv"
    assert seen["sample_fps"] == 4.0 and seen["model_path"] is None
    assert seen["task"] is not None


def test_the_command_does_not_import_qt() -> None:
    code = (
        "import sys; from academy_desktop.cli import homework_cmds; "
        "from academy_desktop.engine.homework import analyse; "
        "assert not [m for m in sys.modules if m.startswith('PySide6')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
