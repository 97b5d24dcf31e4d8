"""The batch pipeline: the same results in any mode, bad files in the middle of a batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import REPO_ROOT

from academy_desktop.engine.pipeline import plan, run
from academy_desktop.output.jsonl import dumps_result

SAMPLES = REPO_ROOT / "resources" / "samples"


def _lines(batch: Path, jobs: int) -> list[str]:
    job = plan([batch], template="kr-20q-5c-id8", key=str(SAMPLES / "kr-20q-key.json"))
    return [dumps_result(r) for r in run(job, jobs=jobs)]


def test_results_are_identical_in_one_process_and_in_workers(tmp_path: Path) -> None:
    batch = tmp_path / "scans"
    batch.mkdir()
    for f in sorted(SAMPLES.glob("kr-20q-sample-*.jpg"))[:4]:
        shutil.copy(f, batch / f.name)
    here, pooled, again = _lines(batch, 1), _lines(batch, 2), _lines(batch, 2)
    assert here == pooled == again
    assert [json.loads(line)["status"] for line in here] == ["ok"] * 4


def test_bad_files_in_a_batch_cost_only_themselves(tmp_path: Path) -> None:
    batch = tmp_path / "scans"
    batch.mkdir()
    good = sorted(SAMPLES.glob("kr-20q-sample-*.jpg"))
    shutil.copy(good[0], batch / "a-good.jpg")
    (batch / "b-empty.jpg").write_bytes(b"")
    (batch / "c-text.jpg").write_text("not a scan", encoding="utf-8")
    data = good[1].read_bytes()
    (batch / "d-truncated.jpg").write_bytes(data[: len(data) // 2])
    shutil.copy(good[2], batch / "e-good.jpg")
    results = [json.loads(line) for line in _lines(batch, 2)]
    codes = {Path(r["source"]).name: (r["status"], r["rejection_code"]) for r in results}
    assert codes == {
        "a-good.jpg": ("ok", None),
        "b-empty.jpg": ("rejected", "FILE_UNREADABLE"),
        "c-text.jpg": ("rejected", "INVALID_FORMAT"),
        "d-truncated.jpg": ("rejected", "FILE_UNREADABLE"),
        "e-good.jpg": ("ok", None),
    }
    rejected = [r for r in results if r["status"] == "rejected"]
    assert all(" / " in r["message"] for r in rejected)  # Korean / English
    assert results[0]["score"] == 11.0 and results[0]["student_id"] == "20250001"


def test_a_multi_page_pdf_gives_one_result_per_page() -> None:
    job = plan([SAMPLES / "kr-45q-samples.pdf"], template="kr-45q-5c-id8")
    results = list(run(job, jobs=1))
    assert [r.page for r in results] == [1, 2, 3]
    assert [r.student_id for r in results] == ["20250101", "20250102", "20250103"]
