"""kill -9 during a workspace batch loses nothing and duplicates nothing.

A grading subprocess (the real CLI, with its worker processes) is killed with
SIGKILL at random moments, several times; then the batch is run to the end. Every
sheet must be stored exactly once, with the same reading as an uninterrupted run.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import REPO_ROOT
from sqlalchemy import func, select
from synth import make_sheet

from academy_desktop.engine.template.discovery import load_template
from academy_desktop.store import Workspace
from academy_desktop.store.models import Scan, Submission, SubmissionAnswer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups and SIGKILL"),
]

KEY = REPO_ROOT / "resources" / "samples" / "kr-20q-key.json"
SHEETS = 32


def _grade(ws: Path, scans: Path) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, str(REPO_ROOT / "main.py"), "grade", "--workspace", str(ws),
        "--exam", "resume test", "--template", "kr-20q-5c-id8", "--key", str(KEY),
        "--jobs", "2", "--quiet", str(scans),
    ]  # fmt: skip
    return subprocess.Popen(cmd, cwd=REPO_ROOT, start_new_session=True)


def _wait_for(ws: Path, count: int, proc: subprocess.Popen[bytes]) -> None:
    """Until the workspace holds ``count`` submissions (read like any other reader)."""
    db = ws / "workspace.sqlite3"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                try:
                    (n,) = con.execute("SELECT count(*) FROM submission").fetchone()
                finally:
                    con.close()
                if n >= count:
                    return
            except sqlite3.OperationalError:
                pass  # the schema is being created
        time.sleep(0.01)


def _stored(ws_dir: Path) -> dict[str, tuple[str | None, float | None, str, int]]:
    """sha256 -> (student number read, score, status, answers stored)."""
    with Workspace.open(ws_dir) as ws, ws.read() as s:
        rows = s.execute(
            select(
                Scan.sha256,
                Submission.student_number_read,
                Submission.score,
                Submission.status,
                select(func.count(SubmissionAnswer.id))
                .where(SubmissionAnswer.submission_id == Submission.id)
                .scalar_subquery(),
            ).join(Scan, Scan.id == Submission.scan_id)
        ).all()
        total = s.scalar(select(func.count()).select_from(Submission))
    assert total == len(rows)
    out = {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}
    assert len(out) == len(rows), "a sheet was stored twice"
    return out


def test_kill_9_at_random_moments_then_resume(tmp_path: Path) -> None:
    t = load_template("kr-20q-5c-id8")
    scans = tmp_path / "scans"
    scans.mkdir()
    for i in range(SHEETS):
        img, _ = make_sheet(t, 7000 + i, "office", scan_dpi=150)
        cv2.imwrite(str(scans / f"sheet-{i:02d}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 85])

    reference = tmp_path / "clean"
    assert _grade(reference, scans).wait(timeout=300) == 0
    expected = _stored(reference)
    assert len(expected) == SHEETS

    ws = tmp_path / "killed"
    rng = np.random.default_rng(11)
    # one kill while the run is still starting (copying scans in), then kills once a
    # random number of sheets is stored, each further into the batch
    targets = [0, *sorted(int(x) for x in rng.choice(np.arange(2, SHEETS - 2), 3, replace=False))]
    counts = []
    for target in targets:
        proc = _grade(ws, scans)
        if target == 0:
            time.sleep(float(rng.uniform(0.3, 0.8)))
        else:
            _wait_for(ws, target, proc)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        if (ws / "workspace.sqlite3").exists():
            counts.append(len(_stored(ws)))  # opens cleanly: the lock died with the process
    assert counts == sorted(counts), "a killed run lost sheets already stored"
    assert any(0 < c < SHEETS for c in counts), f"no kill landed mid-batch: {counts}"
    assert _grade(ws, scans).wait(timeout=300) == 0
    assert _stored(ws) == expected
    # and once everything is in, another run grades nothing new
    assert _grade(ws, scans).wait(timeout=300) == 0
    assert _stored(ws) == expected
