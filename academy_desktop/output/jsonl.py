"""``results.jsonl``: one :meth:`PageResult.to_json` object per line, flushed as it arrives.

Each line is written with a single ``write`` and flushed at once, so a reader
(the benchmark, a tail -f, the app after a crash) only ever sees whole lines.
Keys keep the order ``to_json`` builds them in; non-ASCII text (Korean messages
and labels) is written as UTF-8, not as ``\\u`` escapes.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO

from academy_desktop.engine.result import PageResult


def dumps_result(result: PageResult) -> str:
    """One result as a single JSON line (without the newline).

    NaN and infinity are refused (``ValueError``): they are not JSON, and the server
    would reject the line.
    """
    return json.dumps(result.to_json(), ensure_ascii=False, allow_nan=False)


class JsonlWriter:
    """Append results to a JSON Lines file, one flushed line per page."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh: IO[str] | None = path.open("w", encoding="utf-8", newline="\n")

    def write(self, result: PageResult) -> None:
        if self._fh is None:
            raise ValueError(f"{self.path} is already closed")
        self._fh.write(dumps_result(result) + "\n")
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
