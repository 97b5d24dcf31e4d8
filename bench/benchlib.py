"""Measuring a grading run from outside, as a user starts it (shared by the benches).

:func:`run_measured` starts a command (``main.py grade ...``, or another program),
samples the resident memory of it and all its children every 20 ms from /proc
(Linux; 0 elsewhere), notes when the results file first has content, and returns
the wall time.
"""

from __future__ import annotations

import os
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
