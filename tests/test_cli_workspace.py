"""The README's workspace walk-through, run as a user would: exam, roster, grade,
fix one answer, export, doctor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from academy_desktop.cli.main import main

SAMPLES = REPO_ROOT / "resources" / "samples"


def test_create_import_grade_review_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(tmp_path / "ws")
    exam = "3월 모의고사"
    key = str(SAMPLES / "kr-20q-key.json")
    common = ["--workspace", ws, "--staff", "김선생"]
    assert main(["exam", "create", *common, "--name", exam, "--template", "kr-20q-5c-id8",
                 "--key", key]) == 0  # fmt: skip
    assert main(["roster", "import", str(SAMPLES / "roster.csv"), *common]) == 0
    assert "9 new" in capsys.readouterr().out
    scans = [str(p) for p in sorted(SAMPLES.glob("kr-20q-sample-*.jpg"))]
    assert main(["grade", *common, "--exam", exam, "--jobs", "1", *scans]) == 0
    # dropping the same files again grades nothing
    assert main(["grade", *common, "--exam", exam, "--jobs", "1", *scans[:2]]) == 0
    assert "already graded" in capsys.readouterr().err

    out = tmp_path / "results.jsonl"
    assert main(["export", *common, "--exam", exam, "--format", "jsonl", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 6
    first = next(r for r in rows if r["student"] and r["student"]["number"] == "20250001")
    assert first["student"]["name"] == "김하늘" and first["score"] == 11.0

    # q13 of sample 1 is a double mark (1+3): staff settle it as 3, the key says 3
    sub = str(first["submission_id"])
    assert main(["review", "set", *common, "--submission", sub, "--field", "q13", "--value", "3",
                 "--reason", "학생 확인"]) == 0  # fmt: skip
    assert main(["export", *common, "--exam", exam, "--format", "jsonl", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    fixed = next(r for r in rows if r["submission_id"] == first["submission_id"])
    assert fixed["score"] == 12.0

    xlsx = tmp_path / "results.xlsx"
    assert main(["export", *common, "--exam", exam, "--format", "xlsx", "--out", str(xlsx)]) == 0
    assert xlsx.stat().st_size > 0
    capsys.readouterr()
    assert main(["doctor", *common]) == 0
    assert "Missing scan files: 0" in capsys.readouterr().out


def test_store_errors_are_bilingual_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(tmp_path / "ws")
    assert main(["exam", "show", "없는 시험", "--workspace", ws]) == 2
    err = capsys.readouterr().err
    assert "오류 / Error" in err
