"""Measuring a grading run from outside, as a user starts it (shared by the benches).

:func:`run_measured` starts a command (``main.py grade ...``, or another program),
samples the resident memory of it and all its children every 20 ms from /proc
(Linux; 0 elsewhere), notes when the results file first has content, and returns
the wall time. :func:`stage_times` times the stages of a few pages in this process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timing:
    seconds: float  # wall time from start to exit
    first_result: float | None  # seconds until ``results`` first had content
    peak_rss_mb: float  # the process tree's highest resident memory
    returncode: int


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def run_measured(
    cmd: list[str],
    results: Path | None = None,
    *,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    quiet: bool = False,
) -> Timing:
    """Run ``cmd`` to its end; wall time, time to the first byte of ``results`` (when
    given) and peak memory of the whole process tree."""
    out = subprocess.DEVNULL if quiet else None
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=out)
    first: float | None = None
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        if first is None and results is not None:
            try:
                if results.stat().st_size > 0:
                    first = time.perf_counter() - t0
            except OSError:
                pass
        time.sleep(0.02)
    return Timing(time.perf_counter() - t0, first, peak / 1024, proc.returncode)


def stage_times(folder: Path, n: int, template: str | None = None) -> dict[str, float]:
    """Median wall ms per stage over ``n`` pages of ``folder`` graded in this process, one
    at a time, as a worker does (one OpenCV thread): decoding, quality check + alignment,
    and reading (warp, block fit, fill, decision); and the mean CPU time per page (less
    sensitive than wall time to other work on the machine)."""
    import cv2

    from academy_desktop.engine.grade import grade_image
    from academy_desktop.engine.inputs import load_page
    from academy_desktop.engine.pipeline import plan

    cv2.setNumThreads(1)
    job = plan([folder], template=template)
    items = [it for it in job.items if it.ref is not None][: n + 2]
    decode, align, read = [], [], []
    cpu = 0.0
    for i, it in enumerate(items):
        assert it.ref is not None
        c0 = time.process_time()
        t0 = time.perf_counter()
        page = load_page(it.ref)
        t1 = time.perf_counter()
        r = grade_image(page.image, job.templates[it.template_id])
        if i < 2:  # warm-up: the templates' reference renderings are cached on first use
            continue
        cpu += time.process_time() - c0
        decode.append((t1 - t0) * 1000)
        align.append(r.timings_ms.get("align", float("nan")))
        read.append(r.timings_ms.get("read", float("nan")) - r.timings_ms.get("align", 0.0))
    return {
        "decode": statistics.median(decode),
        "quality + align": statistics.median(align),
        "read (warp, fit, fill, decide)": statistics.median(read),
        "CPU per page, all stages (mean)": cpu / max(1, len(decode)) * 1000,
    }
