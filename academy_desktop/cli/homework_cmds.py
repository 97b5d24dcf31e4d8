"""``main.py homework``: analyse homework videos and photos without a workspace.

::

    main.py homework [--out DIR] [--no-ocr] [--segmentation auto|opencv|yolo]
                     [--model PATH] [--sample-fps F] [--quiet] FILE|FOLDER...

For each file (videos by extension or content: mp4, mov, m4v, avi, mkv, webm, ...;
pictures and PDFs otherwise; folders are searched for both) it writes into ``--out``
(default: the current folder):

- ``<stem>.json``: :func:`academy_desktop.engine.homework.analyse.analyse_file`'s result
  with the pictures replaced by file names, plus ``input`` (the path given),
  ``seconds`` (the analysis time) and ``contact_sheet`` (the PNG's name or null);
- ``<stem>.frames/NN-pPAGE-WHICH.png``: the video's key frames (``01-p1-first.png``,
  ``02-p1-last.png``, ...) or the photo's pages (``01-p1-page.png``);
- ``<stem>.contact.png``: those pictures on one contact sheet.

Two inputs with the same stem (``a/hw.mp4`` and ``b/hw.mp4``, or ``hw.mp4`` and
``hw.jpg``) are written as ``hw`` and ``hw-2``. Progress goes to stderr, a summary table
to stdout at the end (both left out with ``--quiet``).

Exit codes: 0 when every file was analysed, 1 when some were unreadable or refused (their
JSON still says why: ``rejection_code`` and ``reason``), 2 for usage errors (a missing
input, an --out folder that cannot be written, bad options), 130 after Ctrl+C (the files
finished so far are written). Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

EXIT_OK = 0
EXIT_SOME_UNREADABLE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
COMMANDS = ("homework",)
SEGMENTATIONS = ("auto", "opencv", "yolo")
REASON_WIDTH = 60  # display columns of the reason in the summary table
_FRAME_NAME = re.compile(r"^\d{2,}-p\d+-[a-z]+\.png$")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.0 < value <= 60.0:
        raise argparse.ArgumentTypeError(
            "0보다 크고 60 이하인 수여야 합니다 / "
            f"must be a number above 0 and at most 60: {text!r}"
        )
    return value


def add_analysis_options(p: argparse.ArgumentParser) -> None:
    """The analysis options (shared by every command that analyses homework files)."""
    p.add_argument("--no-ocr", action="store_true", help="photos: skip text recognition")
    p.add_argument(
        "--segmentation",
        choices=SEGMENTATIONS,
        default="auto",
        help="photos: question boxes by YOLO when a model is found, else OpenCV (auto)",
    )
    p.add_argument(
        "--model",
        type=Path,
        metavar="PATH",
        help="YOLO ONNX model for --segmentation (default: the settings' model, else models/)",
    )
    p.add_argument(
        "--sample-fps",
        type=_positive_float,
        default=2.0,
        metavar="F",
        help="videos: frames analysed per second of video (default 2)",
    )


def analysis_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for ``analyse_file`` from :func:`add_analysis_options`' options;
    without ``--model``, the settings' model (the window's Settings ▸ Homework), if any."""
    model = args.model
    if model is None:
        from academy_desktop import settings as settings_mod

        model = settings_mod.load().homework_model or None
    return {
        "ocr": not args.no_ocr,
        "segmentation": args.segmentation,
        "model_path": model,
        "sample_fps": args.sample_fps,
    }


def add_parsers(subparsers: argparse._SubParsersAction[Any]) -> None:
    p = subparsers.add_parser(
        "homework",
        help="숙제 분석 / analyse homework videos and photos into JSON and contact sheets",
        description=(
            "숙제 동영상과 사진을 분석합니다. / Analyse homework videos and photos: one JSON "
            "per file, its key frames as PNG files and a contact sheet."
        ),
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="FILE", help="files or folders")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="output folder (default: the current folder)",
    )
    add_analysis_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress or summary")


# ------------------------------------------------------------------------------ inputs


def output_stems(files: Sequence[Path]) -> list[str]:
    """One output name per file: its stem, with ``-2``, ``-3``... for the second and
    later files of the same stem (compared without case, as Windows and macOS do)."""
    used: set[str] = set()
    stems = []
    for f in files:
        stem = f.stem or f.name or "file"
        candidate, n = stem, 1
        while candidate.casefold() in used:
            n += 1
            candidate = f"{stem}-{n}"
        used.add(candidate.casefold())
        stems.append(candidate)
    return stems


# ------------------------------------------------------------------------------ output


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _clear_frames(folder: Path) -> None:
    """Remove the pictures an earlier run left in ``folder`` (only files named like ours)."""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.is_file() and _FRAME_NAME.match(child.name):
            child.unlink()


def write_outputs(result: dict[str, Any], out: Path, stem: str) -> dict[str, Any]:
    """Write ``<stem>.json``, ``<stem>.frames/*.png`` and ``<stem>.contact.png``; return
    the JSON record (pictures replaced by their file names relative to ``out``)."""
    from academy_desktop.engine.homework.contact_sheet import contact_sheet, image_tiles

    frames_dir = out / f"{stem}.frames"
    _clear_frames(frames_dir)
    record = dict(result)
    tiles: list[dict[str, Any]] = []
    position = 0

    def save(png: Any, page: int, which: str) -> str | None:
        nonlocal position
        if not isinstance(png, bytes | bytearray) or not png:
            return None
        position += 1
        frames_dir.mkdir(parents=True, exist_ok=True)
        name = f"{position:02d}-p{page + 1}-{which}.png"
        _write_atomic(frames_dir / name, bytes(png))
        return f"{frames_dir.name}/{name}"

    if "key_frames" in result:
        key_frames = []
        for k in result["key_frames"]:
            entry = {key: value for key, value in k.items() if key != "png"}
            entry["file"] = save(k.get("png"), int(k.get("page", 0)), str(k.get("which", "")))
            key_frames.append(entry)
            if entry["file"]:
                tiles.append(k)
        record["key_frames"] = key_frames
    if isinstance(result.get("pages"), list):
        tiles += [t for t in image_tiles(result) if t.get("png")]
        pages = []
        for i, p in enumerate(result["pages"]):
            entry = {key: value for key, value in p.items() if key != "thumbnail_png"}
            if "thumbnail_png" in p:
                entry["thumbnail"] = save(p["thumbnail_png"], int(p.get("index", i)), "page")
            pages.append(entry)
        record["pages"] = pages
    sheet_path = out / f"{stem}.contact.png"
    if tiles:
        _write_atomic(sheet_path, contact_sheet(tiles, title=str(result.get("file", stem))))
        record["contact_sheet"] = sheet_path.name
    else:
        sheet_path.unlink(missing_ok=True)
        record["contact_sheet"] = None
    if frames_dir.is_dir() and not any(frames_dir.iterdir()):
        frames_dir.rmdir()
    text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
    _write_atomic(out / f"{stem}.json", text.encode("utf-8"))
    return record


# ---------------------------------------------------------------------------- progress


def _width(text: str) -> int:
    """Display columns (Hangul is two columns wide in a terminal)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


class FileProgress:
    """One line per file on stderr: redrawn in place on a terminal, every 25% in a log."""

    def __init__(self, stream: TextIO, total: int, *, quiet: bool, tty: bool | None = None):
        self.stream = stream
        self.total = total
        self.quiet = quiet
        self.tty = stream.isatty() if tty is None else tty
        self.index = 0
        self.name = ""
        self._last = -1
        self._line = 0

    def start(self, index: int, name: str) -> None:
        self.index, self.name, self._last = index, name, -1
        self.update(0.0)

    def update(self, fraction: float, _message: str = "") -> None:
        if self.quiet:
            return
        pct = int(100 * max(0.0, min(1.0, fraction)))
        step = 1 if self.tty else 25
        if pct // step == self._last // step and self._last >= 0:
            return
        self._last = pct
        line = f"[{self.index}/{self.total}] {self.name}: {pct:3d}%"
        if self.tty:
            columns = shutil.get_terminal_size((100, 20)).columns
            line = _clip(line, max(10, columns - 1))
            pad = max(0, self._line - _width(line))
            self.stream.write("\r" + line + " " * pad)
            self._line = _width(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self, verdict: str, seconds: float) -> None:
        if self.quiet:
            return
        line = f"[{self.index}/{self.total}] {self.name}: {verdict} ({seconds:.1f} s)"
        if self.tty:
            pad = max(0, self._line - _width(line))
            self.stream.write("\r" + line + " " * pad + "\n")
            self._line = 0
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


@dataclass
class Outcome:
    file: str
    verdict: str
    confidence: float | None
    reason: str
    seconds: float
    json_path: Path
    rejection_code: str | None = None


def summary_table(outcomes: Sequence[Outcome], *, interrupted: bool = False) -> str:
    header = ["파일 / File", "판정 / Verdict", "신뢰도 / Conf.", "시간 / Time", "이유 / Reason"]
    rows = [
        [
            o.file,
            o.verdict,
            "-" if o.confidence is None else f"{o.confidence:.2f}",
            f"{o.seconds:.1f} s",
            _clip(o.reason.replace("\n", " "), REASON_WIDTH),
        ]
        for o in outcomes
    ]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.verdict] = counts.get(o.verdict, 0) + 1
    tally = ", ".join(f"{v} {n}" for v, n in sorted(counts.items()))
    head = "중단됨 / Interrupted" if interrupted else "완료 / Done"
    lines.append(f"{head}: {len(outcomes)} 파일 / file(s)" + (f" ({tally})" if tally else ""))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- run


def _usage_error(message: str, stderr: TextIO) -> int:
    stderr.write(f"오류 / Error: {message}\n")
    stderr.flush()
    return EXIT_USAGE


def _check_usage(args: argparse.Namespace) -> str | None:
    missing = [str(p) for p in args.inputs if not p.exists()]
    if missing:
        return f"파일을 찾을 수 없습니다 / Not found: {', '.join(missing)}"
    if args.model is not None and not Path(args.model).is_file():
        return f"모델 파일이 없습니다 / No model file: {args.model}"
    if args.segmentation == "yolo":
        from academy_desktop.engine.homework.yolo import find_model

        if find_model(args.model) is None:
            return (
                "--segmentation yolo 에는 YOLO 모델이 필요합니다(--model 또는 models/ 폴더) / "
                "--segmentation yolo needs a YOLO model (--model or the models/ folder)"
            )
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        probe = args.out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return (
            f"결과 폴더에 쓸 수 없습니다 / Cannot write to the output folder {args.out}: "
            f"{exc.strerror or exc}"
        )
    return None


Analyse = Callable[..., dict[str, Any]]


def run(
    args: argparse.Namespace,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    *,
    analyse: Analyse | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> int:
    """``main.py homework``; returns the exit code. ``analyse`` replaces
    ``analyse_file`` (tests)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    problem = _check_usage(args)
    if problem:
        return _usage_error(problem, stderr)
    from academy_desktop.engine.homework.analyse import expand_inputs

    files = expand_inputs(args.inputs)
    if not files:
        return _usage_error(
            "분석할 동영상이나 사진이 없습니다 / No videos or pictures to analyse", stderr
        )
    # FFmpeg's own messages about a damaged file (the JSON says what went wrong)
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    from academy_desktop.engine.progress import TaskState

    if analyse is None:
        from academy_desktop.engine.homework.analyse import analyse_file

        analyse = analyse_file
    options = analysis_options(args)
    progress = FileProgress(stderr, len(files), quiet=args.quiet)
    outcomes: list[Outcome] = []
    interrupted = False
    try:
        for i, (path, stem) in enumerate(zip(files, output_stems(files), strict=True), 1):
            progress.start(i, path.name)
            t0 = clock()
            result = analyse(path, task=TaskState(progress.update), **options)
            seconds = clock() - t0
            record = write_outputs(
                {**result, "input": str(path), "seconds": round(seconds, 2)}, args.out, stem
            )
            progress.done(str(record.get("verdict")), seconds)
            outcomes.append(
                Outcome(
                    file=str(path),
                    verdict=str(record.get("verdict", "unreadable")),
                    confidence=record.get("confidence"),
                    reason=str(record.get("reason") or ""),
                    seconds=seconds,
                    json_path=args.out / f"{stem}.json",
                    rejection_code=record.get("rejection_code"),
                )
            )
    except KeyboardInterrupt:
        interrupted = True
        if not args.quiet:
            stderr.write("\n중단됨 / Interrupted.\n")
    except OSError as exc:  # the output folder filled up or went away
        return _usage_error(
            f"결과를 쓸 수 없습니다 / Cannot write the results to {args.out}: "
            f"{exc.strerror or exc}",
            stderr,
        )
    if not args.quiet:
        stdout.write(summary_table(outcomes, interrupted=interrupted))
        stdout.flush()
    if interrupted:
        return EXIT_INTERRUPTED
    if any(o.verdict == "unreadable" for o in outcomes):
        return EXIT_SOME_UNREADABLE
    return EXIT_OK


__all__ = [
    "COMMANDS",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SOME_UNREADABLE",
    "EXIT_USAGE",
    "add_analysis_options",
    "add_parsers",
    "analysis_options",
    "output_stems",
    "run",
    "summary_table",
    "write_outputs",
]
