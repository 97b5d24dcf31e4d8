"""Batch progress on stderr: one updating line on a terminal, periodic plain lines in logs."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from academy_desktop.engine.result import PageResult
from academy_desktop.output.stats import BatchStats

TTY_INTERVAL = 0.1  # seconds between redraws of the terminal line
LOG_INTERVAL = 5.0  # seconds between plain progress lines


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def page_outcome(result: PageResult) -> str:
    if result.status != "ok":
        return f"{result.status} {result.rejection_code or ''}".rstrip()
    return "flagged" if result.flagged_labels else "ok"


class Progress:
    """Reports each finished page; silent when ``quiet``."""

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        quiet: bool = False,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self.start = clock()
        self.done = 0
        self._last_draw = -1e9
        self._line_len = 0

    @property
    def elapsed(self) -> float:
        return self.clock() - self.start

    def rate(self) -> float:
        elapsed = self.elapsed
        return self.done / elapsed if elapsed > 0 else 0.0

    def status_line(self, result: PageResult) -> str:
        width = len(str(self.total))
        percent = 100.0 * self.done / self.total if self.total else 100.0
        rate = self.rate()
        eta = format_duration((self.total - self.done) / rate) if rate > 0 else "-:--"
        return (
            f"[{self.done:>{width}}/{self.total}] {percent:5.1f}%  {rate:.1f} sheets/s  "
            f"ETA {eta}  {Path(result.source).name} p{result.page}  {page_outcome(result)}"
        )

    def page(self, result: PageResult) -> None:
        self.done += 1
        if self.quiet:
            return
        now = self.clock()
        last = self.done >= self.total
        if result.status != "ok":  # problems stay on screen, above the progress line
            self._permanent(
                f"거부 / {result.status}: {result.source} p{result.page} "
                f"{result.rejection_code or ''}".rstrip()
            )
        interval = TTY_INTERVAL if self.tty else LOG_INTERVAL
        if last or now - self._last_draw >= interval or self.done == 1:
            self._last_draw = now
            line = self.status_line(result)
            if self.tty:
                self._draw(line)
            else:
                self.stream.write(line + "\n")
                self.stream.flush()

    def _draw(self, line: str) -> None:
        columns = shutil.get_terminal_size((100, 20)).columns
        line = line[: max(10, columns - 1)]
        pad = max(0, self._line_len - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._line_len = len(line)

    def note(self, text: str) -> None:
        """A message on its own line (kept above the progress line); shown even when quiet."""
        self._permanent(text)

    def _permanent(self, text: str) -> None:
        if self.tty and self._line_len:
            self.stream.write("\r" + " " * self._line_len + "\r")
            self._line_len = 0
        self.stream.write(text + "\n")
        self.stream.flush()
        self._last_draw = -1e9  # redraw the progress line at once

    def finish(
        self,
        stats: BatchStats,
        outputs: list[Path],
        *,
        interrupted: bool,
        warnings: Sequence[str] = (),
    ) -> None:
        """End the progress line and print the summary (Korean, then English)."""
        if self.quiet:
            return
        if self.tty and self._line_len:
            self.stream.write("\n")
        text = summary_text(stats, self.elapsed, outputs, self.total, interrupted, warnings)
        self.stream.write(text)
        self.stream.flush()


def summary_text(
    stats: BatchStats,
    elapsed: float,
    outputs: list[Path],
    total: int,
    interrupted: bool,
    warnings: Sequence[str] = (),
) -> str:
    rate = stats.pages / elapsed if elapsed > 0 else 0.0
    codes = ", ".join(f"{code} {n}" for code, n in sorted(stats.by_code.items()))
    codes = f" ({codes})" if codes else ""
    took = format_duration(elapsed)
    if interrupted:
        ko_head = f"중단됨: {total}쪽 중 {stats.pages}쪽 채점"
        en_head = f"Interrupted: {stats.pages} of {total} pages graded"
    else:
        ko_head = f"채점 완료: {stats.pages}쪽"
        en_head = f"Done: {stats.pages} pages"
    lines = [
        f"{ko_head}, 정상 {stats.ok}, 검토 필요 {stats.flagged}, 거부 {stats.rejected}{codes}, "
        f"{took} (초당 {rate:.1f}쪽)",
        f"{en_head}, {stats.ok} ok, {stats.flagged} flagged for review, "
        f"{stats.rejected} rejected{codes}, {took} ({rate:.1f} pages/s)",
    ]
    if warnings:  # what the batch left out or could not use (see the start of the run)
        lines.append(f"경고 / Warnings ({len(warnings)}):")
        lines += [f"- {w}" for w in warnings]
    if outputs:
        lines.append("결과 / Results: " + ", ".join(str(p) for p in outputs))
    return "\n".join(lines) + "\n"
