"""``main.py``: argument handling, exit codes, streaming outputs, Ctrl+C, progress, Qt boundary.

The CLI mechanics are tested against a small fake of ``academy_desktop.engine.pipeline``
(injected with monkeypatch) so that interruption, usage errors and streaming can be
controlled exactly; the last tests run the real engine end to end.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook

import academy_desktop.engine
from academy_desktop.cli import grade as grade_cmd
from academy_desktop.cli.main import main
from academy_desktop.cli.progress import Progress, format_duration
from academy_desktop.engine import workers
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.output.stats import BatchStats
from academy_desktop.output.xlsx import RESULTS_SHEET

REPO_ROOT = Path(__file__).resolve().parents[1]


class FakeUsageError(ValueError):
    pass


def _page(i: int, status: str = "ok") -> PageResult:
    if status != "ok":
        return PageResult(f"scan_{i}.jpg", 1, "rejected", "t", "BLUR_OR_SHAKE", "흔들림 / blurred")
    field = FieldResult("q1", ["3"], "single", 0.9, "ok", value="3")
    return PageResult(f"scan_{i}.jpg", 1, "ok", "t", fields={"q1": field}, score=5.0)


class FakePipeline(types.ModuleType):
    """Stands in for academy_desktop.engine.pipeline: records calls, yields given pages."""

    UsageError = FakeUsageError

    def __init__(self, pages: Sequence[PageResult], out: Path, interrupt_after: int | None = None):
        super().__init__("academy_desktop.engine.pipeline")
        self.pages = list(pages)
        self.out = out
        self.interrupt_after = interrupt_after
        self.sigint_at: int | None = None  # send this process SIGINT before yielding page i
        self.sigint_count = 1
        self.plan_error: str | None = None
        self.warnings: list[str] = []
        self.plan_calls: list[dict[str, Any]] = []
        self.run_jobs: int | None = None
        self.state: TaskState | None = None
        self.closed = False
        self.lines_seen: list[int] = []  # results.jsonl lines present before each yield

    def plan(
        self,
        inputs: Sequence[Path],
        *,
        template: str | None = None,
        key: str | None = None,
        pdf_dpi: int = 200,
    ) -> SimpleNamespace:
        self.plan_calls.append(
            {"inputs": list(inputs), "template": template, "key": key, "pdf_dpi": pdf_dpi}
        )
        if self.plan_error:
            raise FakeUsageError(self.plan_error)
        return SimpleNamespace(
            items=self.pages,
            question_labels=["q1"],
            templates={},
            files=1,
            pages=len(self.pages),
            warnings=list(self.warnings),
            skipped=[],
        )

    def run(
        self,
        job: SimpleNamespace,
        *,
        jobs: int = 1,
        state: TaskState | None = None,
        pool: Any = None,
    ) -> Iterator[PageResult]:
        self.run_jobs, self.state = jobs, state
        try:
            for i, page in enumerate(self.pages):
                if i == self.interrupt_after:
                    raise KeyboardInterrupt
                if i == self.sigint_at:
                    for _ in range(self.sigint_count):
                        signal.raise_signal(signal.SIGINT)
                jsonl = self.out / "results.jsonl"
                self.lines_seen.append(len(jsonl.read_text("utf-8").splitlines()))
                yield page
        finally:
            self.closed = True


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakePipeline:
    pipe = FakePipeline([_page(0), _page(1, "rejected"), _page(2)], tmp_path / "out")
    monkeypatch.setitem(sys.modules, "academy_desktop.engine.pipeline", pipe)
    monkeypatch.setattr(academy_desktop.engine, "pipeline", pipe, raising=False)
    monkeypatch.setattr(workers, "WorkerPool", FakePool)
    return pipe


class FakePool:
    """Stands in for the worker processes, which the fake pipeline never uses."""

    def __init__(self, jobs: int, **_: Any) -> None:
        self.jobs = jobs

    def close(self) -> None:
        pass


def _grade(tmp_path: Path, *extra: str) -> int:
    scans = tmp_path / "scans"
    scans.mkdir(exist_ok=True)
    return main(["grade", str(scans), "--out", str(tmp_path / "out"), *extra])


def test_grade_streams_results_and_exits_0_with_rejected_pages(
    fake: FakePipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = _grade(tmp_path, "--template", "kr-20q-5c-id8", "--key", "key.json", "--jobs", "3")
    assert rc == 0
    assert fake.plan_calls[0]["template"] == "kr-20q-5c-id8"
    assert fake.plan_calls[0]["key"] == "key.json"
    assert fake.run_jobs == 3 and isinstance(fake.state, TaskState)
    # each result is on disk before the next one is produced
    assert fake.lines_seen == [0, 1, 2]
    lines = (tmp_path / "out" / "results.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["source"] for line in lines] == [f"scan_{i}.jpg" for i in range(3)]
    ws = load_workbook(tmp_path / "out" / "results.xlsx")[RESULTS_SHEET]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [
        "scan_0.jpg",
        "scan_1.jpg",
        "scan_2.jpg",
    ]
    err = capsys.readouterr().err
    assert "[3/3]" in err
    assert "BLUR_OR_SHAKE" in err
    assert "채점 완료" in err and "Done: 3 pages, 2 ok, 0 flagged for review, 1 rejected" in err


def test_pdf_dpi_reaches_the_plan(fake: FakePipeline, tmp_path: Path) -> None:
    assert _grade(tmp_path, "--template", "kr-20q-5c-id8", "--quiet") == 0
    assert _grade(tmp_path, "--template", "kr-20q-5c-id8", "--quiet", "--pdf-dpi", "300") == 0
    assert [c["pdf_dpi"] for c in fake.plan_calls] == [200, 300]


def test_ctrl_c_keeps_what_was_graded_and_exits_130(
    fake: FakePipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.interrupt_after = 2
    assert _grade(tmp_path) == 130
    assert fake.closed and fake.state is not None and fake.state.is_cancelled
    lines = (tmp_path / "out" / "results.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line) for line in lines)
    ws = load_workbook(tmp_path / "out" / "results.xlsx")[RESULTS_SHEET]
    assert ws.max_row == 3  # header + the two graded pages
    assert not list((tmp_path / "out").glob("*.partial"))
    err = capsys.readouterr().err
    assert "중단됨" in err and "Interrupted: 2 of 3 pages graded" in err


def test_first_ctrl_c_finishes_the_page_in_hand(
    fake: FakePipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.sigint_at = 1
    assert _grade(tmp_path) == 130
    assert fake.state is not None and fake.state.is_cancelled and fake.closed
    lines = (tmp_path / "out" / "results.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(x)["source"] for x in lines] == ["scan_0.jpg", "scan_1.jpg"]
    ws = load_workbook(tmp_path / "out" / "results.xlsx")[RESULTS_SHEET]
    assert ws.max_row == 3
    err = capsys.readouterr().err
    assert "Stopping after the current page" in err and "Interrupted: 2 of 3" in err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_second_ctrl_c_stops_at_once(
    fake: FakePipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.sigint_at, fake.sigint_count = 1, 2
    assert _grade(tmp_path) == 130
    lines = (tmp_path / "out" / "results.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 1
    assert load_workbook(tmp_path / "out" / "results.xlsx")[RESULTS_SHEET].max_row == 2
    assert "Interrupted: 1 of 3" in capsys.readouterr().err


def test_quiet_prints_nothing(
    fake: FakePipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _grade(tmp_path, "--quiet") == 0
    assert capsys.readouterr().err == ""
    assert (tmp_path / "out" / "results.xlsx").is_file()


def test_plan_warnings_are_shown_and_listed_in_the_summary(
    fake: FakePipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.warnings = ["TEMPLATE_INVALID: b/template.json: JSON 문법 오류 / JSON syntax error"]
    assert _grade(tmp_path) == 0
    err = capsys.readouterr().err
    head, summary = err.split("채점 완료", 1)
    assert "경고 / Warning: TEMPLATE_INVALID: b/template.json" in head
    assert "Warnings (1):" in summary and "- TEMPLATE_INVALID: b/template.json" in summary
    assert _grade(tmp_path, "--quiet") == 0  # the batch is not what was asked: always shown
    assert capsys.readouterr().err.startswith("경고 / Warning: TEMPLATE_INVALID")


def test_usage_error_from_the_engine_exits_2_with_the_message(
    fake: FakePipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.plan_error = "양식을 찾지 못했습니다 / No template found"
    assert _grade(tmp_path) == 2
    err = capsys.readouterr().err
    assert "오류 / Error" in err and "No template found" in err
    assert fake.run_jobs is None  # nothing was graded


def test_unwritable_out_exits_2(
    fake: FakePipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    rc = main(["grade", str(tmp_path), "--out", str(blocker / "sub")])
    assert rc == 2
    assert "결과 폴더에 쓸 수 없습니다" in capsys.readouterr().err
    assert fake.plan_calls == []


@pytest.mark.parametrize(
    "argv",
    [["grade"], ["grade", "x", "--jobs", "0"], ["grade", "x", "--bogus"], ["frobnicate"]],
)
def test_bad_arguments_exit_2_bilingual(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "사용법 오류 / usage error" in capsys.readouterr().err


def test_default_jobs_is_cpu_count_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grade_cmd.os, "cpu_count", lambda: 32)
    assert grade_cmd.default_jobs() == 8
    monkeypatch.setattr(grade_cmd.os, "cpu_count", lambda: None)
    assert grade_cmd.default_jobs() == 1


def test_no_command_starts_the_gui_with_open_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    import academy_desktop.ui.app as app

    calls: list[tuple[list[str], list[Path]]] = []

    def fake_run(argv: Sequence[str], *, open_paths: Sequence[Path] = ()) -> int:
        calls.append((list(argv), list(open_paths)))
        return 7

    monkeypatch.setattr(app, "run", fake_run)
    assert main([]) == 7
    assert main(["--open", "a.pdf", "scans"]) == 7
    assert calls[0][1] == []
    assert calls[1][1] == [Path("a.pdf"), Path("scans")]


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_tty_progress_is_one_updating_line() -> None:
    stream, clock = io.StringIO(), _Clock()
    progress = Progress(4, stream, tty=True, clock=clock)
    for i in range(4):
        clock.now += 0.5  # 2 sheets/s
        progress.page(_page(i))
    text = stream.getvalue()
    assert "\n" not in text and text.count("\r") == 4
    assert "[1/4]  25.0%  2.0 sheets/s  ETA 0:02  scan_0.jpg p1  ok" in text
    assert text.rstrip().endswith("[4/4] 100.0%  2.0 sheets/s  ETA 0:00  scan_3.jpg p1  ok")


def test_log_progress_is_periodic_plain_lines() -> None:
    stream, clock = io.StringIO(), _Clock()
    progress = Progress(100, stream, tty=False, clock=clock)
    for i in range(100):
        clock.now += 0.2  # 20 s in all: first line, one every 5 s, last line
        progress.page(_page(i))
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0].startswith("[  1/100]") and lines[-1].startswith("[100/100]")
    assert 4 <= len(lines) <= 7
    stats = BatchStats()
    progress.finish(stats, [], interrupted=False)
    assert "Done: 0 pages" in stream.getvalue()


def test_format_duration() -> None:
    assert format_duration(13) == "0:13"
    assert format_duration(3725) == "1:02:05"


_BOUNDARY_PROBE = """
import json, sys
from academy_desktop.cli.main import main
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "qt": sorted(m for m in sys.modules
      if m.split(".")[0] in ("PySide6", "shiboken6") or m.startswith("academy_desktop.ui"))}))
"""


def _run_cli(*args: str) -> tuple[int, list[str], str]:
    proc = subprocess.run(
        [sys.executable, "-c", _BOUNDARY_PROBE, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return report["rc"], report["qt"], proc.stderr


def test_grade_never_imports_qt_and_rejects_an_unreadable_file(tmp_path: Path) -> None:
    """Real engine: a damaged JPEG is one rejected page, exit 0, and no Qt is loaded."""
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    out = tmp_path / "out"
    rc, qt, err = _run_cli(
        "grade", str(tmp_path / "broken.jpg"), "--template", "kr-20q-5c-id8", "--out", str(out)
    )
    assert rc == 0, err
    assert qt == []
    lines = (out / "results.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["status"] == "rejected"
    assert (out / "results.xlsx").is_file()


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    rc, qt, err = _run_cli("grade", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert rc == 2
    assert "오류 / Error" in err
    assert qt == []


def test_grade_an_omrchecker_folder(tmp_path: Path, samples_dir: Path) -> None:
    sample = samples_dir / "sample4"
    if not sample.is_dir():
        pytest.skip(f"OMRChecker sample4 not found at {sample}")
    out = tmp_path / "out"
    rc, _, err = _run_cli("grade", str(sample), "--out", str(out), "--jobs", "2")
    assert rc == 0, err
    scans = sorted(p.name for p in sample.glob("*.jpg"))
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text("utf-8").splitlines()]
    assert sorted(Path(r["source"]).name for r in lines) == scans
    ws = load_workbook(out / "results.xlsx")[RESULTS_SHEET]
    assert ws.max_row == len(scans) + 1


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to a process group")
def test_real_ctrl_c_mid_batch(tmp_path: Path, samples_dir: Path) -> None:
    """Ctrl+C in a terminal reaches the CLI and its workers: exit 130, outputs valid."""
    sample = samples_dir / "sample4"
    if not sample.is_dir():
        pytest.skip(f"OMRChecker sample4 not found at {sample}")
    scans = tmp_path / "scans"
    scans.mkdir()
    for name in ("template.json", "evaluation.json", "config.json"):
        if (sample / name).exists():
            shutil.copy(sample / name, scans / name)
    first = sorted(sample.glob("*.jpg"))[0]
    for i in range(80):  # distinct files (the planner skips duplicates of one path)
        shutil.copy(first, scans / f"s{i:02d}.jpg")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "main.py", "grade", str(scans), "--out", str(out), "--jobs", "2"],
        cwd=REPO_ROOT,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    jsonl = out / "results.jsonl"
    deadline = time.monotonic() + 60
    while not (jsonl.exists() and jsonl.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    lines = jsonl.read_text("utf-8").splitlines()
    assert 1 <= len(lines) < 80
    assert all(json.loads(line)["source"].endswith(".jpg") for line in lines)
    ws = load_workbook(out / "results.xlsx")[RESULTS_SHEET]
    assert ws.max_row == len(lines) + 1
    assert "Stopping after the current page" in err and "Interrupted" in err
