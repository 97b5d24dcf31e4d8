"""Plan and run a grading batch: the same engine for the CLI, the GUI and the benchmark.

:func:`plan` expands the inputs into pages and decides which template and answer
key apply to each (explicit ones, or OMRChecker-style ``template.json`` and
``evaluation.json`` found up the folder tree). :func:`run` grades the pages in
input order, streaming one :class:`PageResult` at a time, in this process or in
a pool of worker processes. Nothing is held for the whole batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from academy_desktop.engine import WORKER_PRELOAD as PRELOAD
from academy_desktop.engine.answerkey import AnswerKey, load_key
from academy_desktop.engine.inputs import (
    PDF_DPI,
    PDF_DPI_RANGE,
    PageRef,
    check_pdf_dpi,
    discover,
    load_page,
    plan_pages,
)
from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.engine.rejections import Code, Rejection
from academy_desktop.engine.result import PageResult
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.model import Template
from academy_desktop.engine.template.omrchecker import find_setup, template_resources
from academy_desktop.engine.template.validation import TemplateError
from academy_desktop.engine.workers import WorkerPool


class UsageError(ValueError):
    """The request itself is wrong (no inputs, bad template or key): tell the user."""


@dataclass(frozen=True)
class WorkItem:
    path: Path
    template_id: str
    key_id: str | None
    ref: PageRef | None = None  # None when the file itself was rejected
    rejection: tuple[str, str] | None = None  # (code, detail)
    page: int = 1


@dataclass
class GradeJob:
    items: list[WorkItem]
    question_labels: list[str]
    templates: dict[str, Template]
    keys: dict[str, AnswerKey] = field(default_factory=dict)
    files: int = 0

    @property
    def pages(self) -> int:
        return len(self.items)


def _load_template(spec: str | Path) -> Template:
    try:
        return load_template(spec)
    except TemplateError as exc:
        raise UsageError(str(exc)) from exc
    except FileNotFoundError as exc:
        raise UsageError(f"양식 파일을 찾을 수 없습니다 / Template not found: {spec}") from exc


def _load_key(path: Path) -> AnswerKey:
    try:
        return load_key(path)
    except FileNotFoundError as exc:
        raise UsageError(f"정답 파일을 찾을 수 없습니다 / Answer key not found: {path}") from exc
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _columns(t: Template) -> list[str]:
    """Graded answers in sheet order: plain questions, then joined ones (not the ID)."""
    labels = list(t.question_labels)
    labels += [j for j in t.joins if j != t.student_id and j not in labels]
    return labels


def checked_pdf_dpi(pdf_dpi: int) -> int:
    """``pdf_dpi`` as an int when the engine can render at it, else :class:`UsageError`."""
    try:
        return check_pdf_dpi(pdf_dpi)
    except ValueError:
        low, high = PDF_DPI_RANGE
        raise UsageError(
            f"PDF 해상도는 {low}-{high} dpi 사이의 정수여야 합니다 / "
            f"The PDF resolution must be a whole number of {low}-{high} dpi: {pdf_dpi!r}"
        ) from None


def plan(
    inputs: Sequence[Path],
    *,
    template: str | Template | None = None,
    key: str | AnswerKey | None = None,
    pdf_dpi: int = PDF_DPI,
) -> GradeJob:
    """Expand ``inputs`` (files and folders) into pages, each with its template and key.

    ``template`` and ``key`` are file paths or bundled names, or objects already
    loaded (the workspace passes an exam's stored template and current key).
    ``pdf_dpi`` is the resolution PDF pages are rendered at (the user's setting:
    150, 200 or 300; see :mod:`academy_desktop.engine.inputs`); each page's
    ``alignment["image_size"]`` records the pixels it was graded at.
    """
    pdf_dpi = checked_pdf_dpi(pdf_dpi)
    if not inputs:
        raise UsageError("채점할 파일을 지정해 주세요 / Give at least one file or folder to grade.")
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if missing:
        raise UsageError(f"파일이나 폴더가 없습니다 / No such file or folder: {', '.join(missing)}")
    templates: dict[str, Template] = {}
    keys: dict[str, AnswerKey] = {}
    fixed_t = template if isinstance(template, Template) else None
    if isinstance(template, str) and template:
        fixed_t = _load_template(template)
    if fixed_t is not None:
        templates["fixed"] = fixed_t
    fixed_k = key if isinstance(key, AnswerKey) else _load_key(Path(key)) if key else None
    if fixed_k is not None:
        keys["fixed"] = fixed_k

    def setup_for(path: Path, root: Path) -> tuple[str, str | None]:
        if fixed_t is not None:
            tid = "fixed"
            kid: str | None = "fixed" if fixed_k else None
            if kid is None and fixed_t.path is not None:
                ev = fixed_t.path.parent / "evaluation.json"
                if ev.is_file():
                    kid = str(ev)
                    keys.setdefault(kid, _load_key(ev))
            return tid, kid
        setup = find_setup(path.parent, root)
        if setup.template_path is None:
            raise UsageError(
                "양식(template.json)을 찾지 못했습니다. --template 으로 지정해 주세요 / "
                f"No template.json found above {path.parent}; pass --template."
            )
        tid = str(setup.template_path)
        if tid not in templates:
            templates[tid] = _load_template(setup.template_path)
        kid = "fixed" if fixed_k else None
        if kid is None and setup.evaluation_path is not None:
            kid = str(setup.evaluation_path)
            if kid not in keys:
                keys[kid] = _load_key(setup.evaluation_path)
        return tid, kid

    items: list[WorkItem] = []
    files = 0
    seen: set[Path] = set()
    resources: dict[str, set[Path]] = {}
    for given in inputs:
        root = Path(given).resolve()
        for path in discover([Path(given)]):
            if path in seen:
                continue
            seen.add(path)
            tid, kid = setup_for(path, root)
            if tid not in resources:
                resources[tid] = template_resources(templates[tid])
            if resources[tid] and path.resolve() in resources[tid]:
                continue  # the template's marker or reference picture, not a sheet
            files += 1
            try:
                refs = plan_pages(path, pdf_dpi=pdf_dpi)
            except Rejection as r:
                items.append(WorkItem(path, tid, kid, None, (r.code.value, r.detail)))
                continue
            items.extend(WorkItem(path, tid, kid, ref, None, ref.index + 1) for ref in refs)
    if not items:
        raise UsageError(
            "채점할 스캔 파일이 없습니다 / No scans found (PDF, JPEG, PNG, BMP, WebP, TIFF)."
        )
    columns: list[str] = []
    for t in templates.values():
        columns += [c for c in _columns(t) if c not in columns]
    return GradeJob(items, columns, templates, keys, files)


def grade_item(
    item: WorkItem, templates: dict[str, Template], keys: dict[str, AnswerKey]
) -> PageResult:
    """Load and grade one page. Never raises: problems become rejected/error results."""
    t = templates[item.template_id]
    name = t.name
    source = str(item.path)
    if item.rejection is not None or item.ref is None:
        code, detail = item.rejection or (Code.INTERNAL_ERROR.value, "")
        bad = Rejection(Code(code), detail)
        return PageResult(source, item.page, "rejected", name, bad.code.value, bad.message)
    try:
        loaded = load_page(item.ref)
    except Rejection as rej:
        return PageResult(source, item.page, "rejected", name, rej.code.value, rej.message)
    except Exception as exc:  # an unexpected decoder failure costs one page only
        bad = Rejection(Code.FILE_UNREADABLE, f"{type(exc).__name__}: {exc}")
        return PageResult(source, item.page, "rejected", name, bad.code.value, bad.message)
    # imported here: planning a batch (in the parent) needs no OpenCV
    from academy_desktop.engine.grade import grade_image

    key = keys.get(item.key_id) if item.key_id else None
    return grade_image(loaded.image, t, key, source=source, page=item.page, template_name=name)


_worker_templates: dict[str, Template] = {}
_worker_keys: dict[str, AnswerKey] = {}


def start_pool(jobs: int) -> WorkerPool:
    """Worker processes that import the engine now, while the caller plans the batch."""
    return WorkerPool(jobs, preload=PRELOAD)


def _init_worker(templates: dict[str, Template], keys: dict[str, AnswerKey]) -> None:
    import cv2

    cv2.setNumThreads(1)  # one process per core already
    _worker_templates.clear()
    _worker_templates.update(templates)
    _worker_keys.clear()
    _worker_keys.update(keys)


def _work(item: WorkItem) -> PageResult:
    return grade_item(item, _worker_templates, _worker_keys)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run(
    job: GradeJob,
    *,
    jobs: int = 1,
    state: TaskState | None = None,
    context: str | None = None,
    pool: WorkerPool | None = None,
) -> Iterator[PageResult]:
    """Grade every page of ``job`` in input order, yielding results as they are ready.

    ``jobs`` > 1 uses that many worker processes. ``state`` receives progress and
    can cancel: the iterator then stops after the page in hand (raising
    :class:`Cancelled` is left to the caller; the results so far stay valid).
    ``context`` picks the multiprocessing start method (default ``spawn``, see
    :mod:`academy_desktop.engine.workers`). A ``pool`` started earlier (see
    :func:`start_pool`) is used as is and left open.
    """
    state = state or TaskState()
    total = len(job.items)
    if pool is None and (jobs <= 1 or total <= 1):
        return _run_here(job, state)
    own = pool is None
    pool = pool or WorkerPool(min(jobs, total), context=context or "spawn", preload=PRELOAD)
    # map() hands the first pages to the workers right away: they grade while the
    # caller gets ready (opens its output files) before asking for the first result
    results = pool.map(
        _work,
        job.items,
        on_crash=_crashed,
        initializer=_init_worker,
        initargs=(job.templates, job.keys),
        state=state,
    )
    return _report(results, total, state, pool if own else None)


def _run_here(job: GradeJob, state: TaskState) -> Iterator[PageResult]:
    total = len(job.items)
    for i, item in enumerate(job.items):
        if state.is_cancelled:
            return
        result = grade_item(item, job.templates, job.keys)
        state.report((i + 1) / total, f"{item.path.name} p{item.page}")
        yield result


def _report(
    results: Iterator[PageResult], total: int, state: TaskState, owned: WorkerPool | None
) -> Iterator[PageResult]:
    try:
        for i, result in enumerate(results):
            state.report((i + 1) / total, f"{Path(result.source).name} p{result.page}")
            yield result
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
        if owned is not None:
            owned.close()


def _crashed(item: WorkItem) -> PageResult:
    err = Rejection(Code.INTERNAL_ERROR, "the page crashed the reader process")
    return PageResult(str(item.path), item.page, "error", "", err.code.value, err.message)


__all__ = [
    "PDF_DPI",
    "Cancelled",
    "GradeJob",
    "UsageError",
    "WorkItem",
    "checked_pdf_dpi",
    "default_jobs",
    "plan",
    "run",
    "start_pool",
]
