"""``main.py --self-test``: prove that this installation (above all a frozen bundle) works.

Each check exercises one thing a missing data file, hidden import or DLL would break:

* **bundle data**: the templates, samples, translations, icons and migrations are where
  :mod:`academy_desktop.resources` looks;
* **workspace**: a temporary workspace is created, which runs every Alembic migration;
* **grading**: the bundled sample scans (a JPEG here, a three-page PDF in worker
  processes) are graded into it, and every student number and score must match the
  samples' README;
* **onnx**: onnxruntime loads and runs a tiny model built here, then every model in
  ``models/`` is opened (none yet: "no models" passes);
* **keyring**: the OS keyring library and its backends load;
* **ocr**: when Tesseract is found (bundled copy first), it reads a rendered line of text;
* **main window**: the window is built on the workspace and rendered offscreen (given by
  the caller: this module does not import Qt, see ``academy_desktop/ui/selftest_ui.py``).

A report is printed (and written to a file when asked; the windowed Windows app has
no console) and the exit status is 0 only when every check passed.
"""

from __future__ import annotations

import contextlib
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from academy_desktop import __version__
from academy_desktop.resources import (
    bundle_root,
    is_frozen,
    migrations_path,
    models_root,
    resource_path,
)

STAFF = "self-test"

# Files every installation needs (a missing one means the bundle is incomplete).
REQUIRED_FILES = (
    ("templates", "kr-20q-5c-id8.json"),
    ("templates", "kr-45q-5c-id8.json"),
    ("schemas", "omr-template-v1.schema.json"),
    ("schemas", "answer-key-v1.schema.json"),
    ("i18n", "academy_ko.qm"),
    ("icons", "open.svg"),
    ("printable", "kr-20q-5c-id8.pdf"),
)


@dataclass(frozen=True)
class SampleBatch:
    """A bundled sample and what grading it must give (resources/samples/README.md)."""

    exam: str
    template: str
    key: str
    scan: str
    expected: tuple[tuple[str, float], ...]  # (student ID, score) per page
    jobs: int


SAMPLES = (
    SampleBatch(
        "자가 진단 20문항",
        "kr-20q-5c-id8.json",
        "kr-20q-key.json",
        "kr-20q-sample-1.jpg",
        (("20250001", 11.0),),
        jobs=1,
    ),
    SampleBatch(  # three pages in two worker processes: the frozen app's multiprocessing
        "자가 진단 45문항",
        "kr-45q-5c-id8.json",
        "kr-45q-key.json",
        "kr-45q-samples.pdf",
        (("20250101", 32.0), ("20250102", 34.0), ("20250103", 35.0)),
        jobs=2,
    ),
)

OCR_TEXT = "ACADEMY 2026"


class CheckFailed(Exception):
    """A check found something wrong (the message says what)."""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float


WindowCheck = Callable[[Any, Path], str]  # (open Workspace, scratch folder) -> detail


class SelfTest:
    """Runs checks one after another; a failing check is recorded, the others still run."""

    def __init__(self) -> None:
        self.checks: list[Check] = []

    def run(self, name: str, func: Callable[[], str]) -> bool:
        started = time.perf_counter()
        try:
            detail, ok = func(), True
        except CheckFailed as exc:
            detail, ok = str(exc), False
        except BaseException as exc:  # any failure is a result here
            if isinstance(exc, KeyboardInterrupt):
                raise
            detail, ok = describe(exc), False
        self.checks.append(Check(name, ok, detail, time.perf_counter() - started))
        return ok

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def describe(exc: BaseException) -> str:
    """One line for an unexpected exception: type, message (first and last lines of a
    long one, such as numpy's import advice) and where it was raised."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    message = lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}" if lines else ""
    last = traceback.extract_tb(exc.__traceback__)[-1:]
    where = f" at {Path(last[0].filename).name}:{last[0].lineno}" if last else ""
    return f"{type(exc).__name__}: {message}{where}"


# --- the checks -------------------------------------------------------------------


def check_bundle_data() -> str:
    missing = [str(resource_path(*parts)) for parts in REQUIRED_FILES]
    missing = [p for p in missing if not Path(p).is_file()]
    versions = migrations_path() / "versions"
    if not (migrations_path() / "env.py").is_file() or not any(versions.glob("*.py")):
        missing.append(str(migrations_path()))
    if missing:
        raise CheckFailed("missing: " + ", ".join(missing))
    templates = len(list(resource_path("templates").glob("*.json")))
    return f"{templates} templates, migrations in {migrations_path()}"


def check_workspace(ws: Any) -> str:
    from academy_desktop.store.migrate import current_revision, head_revision

    with ws.read() as session:
        revision = current_revision(session.connection())
    head = head_revision()
    if revision != head:
        raise CheckFailed(f"workspace at revision {revision}, migrations end at {head}")
    return f"created and migrated to revision {head}"


def check_grading(ws: Any) -> str:
    from academy_desktop.store import grading

    pages = 0
    for sample in SAMPLES:
        batch = grading.prepare(
            ws,
            sample.exam,
            [resource_path("samples", sample.scan)],
            template=str(resource_path("templates", sample.template)),
            key=str(resource_path("samples", sample.key)),
        )
        got = [
            (r.status, r.student_id, r.score)
            for r, _sub in grading.run(ws, batch, jobs=sample.jobs)
        ]
        want = [("ok", sid, score) for sid, score in sample.expected]
        if got != want:
            raise CheckFailed(f"{sample.scan}: graded {got}, expected {want}")
        pages += len(got)
    return f"{pages} sample pages graded as expected (JPEG in-process, PDF in 2 workers)"


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, value: int | bytes | str) -> bytes:
    """One protobuf field: an integer (varint) or bytes/text (length-delimited)."""
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    data = value.encode() if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def square_model() -> bytes:
    """A minimal ONNX model, ``y = x * x`` on a float vector of 3, encoded by hand
    (the ``onnx`` package is not a dependency)."""
    shape = _field(2, _field(1, _field(1, 3)))  # shape { dim { dim_value: 3 } }
    tensor_type = _field(1, _field(1, 1) + shape)  # tensor_type { elem_type: FLOAT, shape }
    node = _field(1, "x") + _field(1, "x") + _field(2, "y") + _field(4, "Mul")
    graph = (
        _field(1, node)
        + _field(2, "square")
        + _field(11, _field(1, "x") + _field(2, tensor_type))
        + _field(12, _field(1, "y") + _field(2, tensor_type))
    )
    opset = _field(1, "") + _field(2, 13)
    return _field(1, 7) + _field(7, graph) + _field(8, opset)  # ir_version 7, opset 13


def check_onnx() -> str:
    import numpy as np
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    session = ort.InferenceSession(square_model(), providers=providers)
    (out,) = session.run(None, {"x": np.array([1.0, 2.0, 3.0], dtype=np.float32)})
    if not np.allclose(out, [1.0, 4.0, 9.0]):
        raise CheckFailed(f"onnxruntime computed {out!r} for x*x")
    models = sorted(models_root().rglob("*.onnx")) if models_root().is_dir() else []
    loaded = []
    for path in models:
        try:
            model = ort.InferenceSession(str(path), providers=providers)
        except Exception as exc:
            raise CheckFailed(f"{path.name}: {exc}") from exc
        loaded.append(f"{path.name} ({len(model.get_inputs())} inputs)")
    found = ", ".join(loaded) if loaded else "no models in models/"
    return f"onnxruntime {ort.__version__} ran a check model; {found}"


def check_keyring() -> str:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if sys.platform == "win32" and isinstance(backend, fail.Keyring):
        raise CheckFailed("no keyring backend (Windows Credential Manager) was found")
    return f"backend {name}"


def _text_image(path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=64)
    image = Image.new("L", (900, 160), 255)
    ImageDraw.Draw(image).text((40, 40), OCR_TEXT, fill=0, font=font)
    image.save(path)


def check_ocr(scratch: Path) -> str:
    from academy_desktop.tesseract import find_tesseract

    found = find_tesseract()
    if found is None:
        return "skipped: no Tesseract installed"
    langs = found.languages()
    if found.source == "bundled":
        missing = {"kor", "eng"} - set(langs)
        if missing:
            raise CheckFailed(f"bundled tessdata lacks {', '.join(sorted(missing))}")
    image = scratch / "ocr.png"
    _text_image(image)
    lang = "eng" if "eng" in langs else "+".join(langs[:1]) or "eng"
    text = found.image_to_text(image, lang=lang, psm=7)
    if OCR_TEXT not in " ".join(text.upper().split()):
        raise CheckFailed(f"{found.source} Tesseract read {text.strip()!r}, not {OCR_TEXT!r}")
    return (
        f"{found.source} {found.version()} at {found.executable} "
        f"({', '.join(langs)}) read {OCR_TEXT!r}"
    )


def _write_test_video(path: Path, seconds: int = 4, fps: int = 10) -> None:
    """A short clip of a page on which lines appear, written with OpenCV's own codec
    (``mp4v``): a missing video backend in a bundle fails here, not in front of staff."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (800, 600))
    if not writer.isOpened():
        raise CheckFailed("OpenCV cannot write an mp4 video (no video backend in this build)")
    try:
        frame_count = seconds * fps
        for i in range(frame_count):
            frame = np.full((600, 800, 3), 90, np.uint8)
            cv2.rectangle(frame, (150, 60), (650, 560), (245, 245, 245), -1)
            for line in range(1 + 12 * i // frame_count):
                y = 110 + 34 * line
                cv2.line(frame, (190, y), (600, y + 6), (30, 30, 30), 3)
            writer.write(frame)
    finally:
        writer.release()


def check_video(scratch: Path) -> str:
    from academy_desktop.engine.homework.video import analyze_video

    path = scratch / "homework.mp4"
    _write_test_video(path)
    result = analyze_video(path)
    if result.get("rejection_code") == "INVALID_FORMAT" or not result.get("sampled_frames"):
        raise CheckFailed(f"the test video could not be decoded: {result.get('reason')}")
    if result["verdict"] != "wrote":
        raise CheckFailed(f"the test video was judged {result['verdict']!r}, not 'wrote'")
    return (
        f"{result['sampled_frames']} of {result['total_frames']} frames sampled, "
        f"verdict {result['verdict']} ({result['confidence']:.2f})"
    )


# --- running and reporting --------------------------------------------------------


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="academy-self-test-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


WINDOW_PICTURE = "main-window.png"  # what the window check leaves in the scratch folder


def run_checks(
    window_check: WindowCheck | None = None, *, keep_picture: Path | None = None
) -> SelfTest:
    """Every check, in order; ``window_check`` renders the main window (Qt side) and
    its picture is copied to ``keep_picture`` when given."""
    from academy_desktop.store import Workspace

    test = SelfTest()
    test.run("bundle data", check_bundle_data)
    with _scratch() as scratch:
        ws: Any = None

        def open_workspace() -> str:
            nonlocal ws
            ws = Workspace.open(scratch / "workspace", staff=STAFF)
            return check_workspace(ws)

        try:
            if test.run("workspace", open_workspace):
                test.run("grading", lambda: check_grading(ws))
            test.run("onnx models", check_onnx)
            test.run("keyring", check_keyring)
            test.run("ocr", lambda: check_ocr(scratch))
            test.run("homework video", lambda: check_video(scratch))
            if window_check is not None:
                if ws is None:
                    test.run("main window", lambda: _raise("no workspace to show"))
                else:
                    test.run("main window", lambda: window_check(ws, scratch))
                if keep_picture is not None and (scratch / WINDOW_PICTURE).is_file():
                    shutil.copyfile(scratch / WINDOW_PICTURE, keep_picture)
        finally:
            if ws is not None:
                ws.close()
    return test


def _raise(message: str) -> str:
    raise CheckFailed(message)


def header() -> str:
    where = f"frozen bundle {bundle_root()}" if is_frozen() else f"source tree {bundle_root()}"
    return (
        f"Academy Desktop {__version__} self-test - {where}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )


def format_report(test: SelfTest, total_seconds: float) -> str:
    width = max((len(c.name) for c in test.checks), default=0)
    lines = [header()]
    for c in test.checks:
        mark = "ok  " if c.ok else "FAIL"
        lines.append(f"  {mark} {c.name:<{width}}  {c.detail} ({c.seconds:.2f} s)")
    failed = [c.name for c in test.checks if not c.ok]
    if failed:
        lines.append(f"self-test FAILED: {', '.join(failed)} ({total_seconds:.1f} s)")
    else:
        lines.append(f"self-test passed: {len(test.checks)} checks ({total_seconds:.1f} s)")
    return "\n".join(lines) + "\n"


def main(
    window_check: WindowCheck | None = None,
    *,
    report: Path | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the self-test, print the report; 0 = all passed.

    With ``report``, the report is also written to that file and the window's picture
    beside it (``<report>.png``).
    """
    started = time.perf_counter()
    picture = report.with_name(report.name + ".png") if report is not None else None
    test = run_checks(window_check, keep_picture=picture)
    text = format_report(test, time.perf_counter() - started)
    stream = out if out is not None else sys.stdout
    if stream is not None:  # None in a windowed Windows app
        stream.write(text)
        stream.flush()
    if report is not None:
        report.write_text(text, encoding="utf-8")
    return 0 if test.passed else 1


__all__ = [
    "SAMPLES",
    "Check",
    "CheckFailed",
    "SelfTest",
    "format_report",
    "main",
    "run_checks",
    "square_model",
]
