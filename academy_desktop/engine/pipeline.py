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
from academy_desktop.engine.answerkey import AnswerKey, check_key_against, load_key
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
from academy_desktop.engine.template.omrchecker import (
    EVALUATION_FILE,
    find_setup,
    template_resources,
)
from academy_desktop.engine.template.validation import TemplateError
from academy_desktop.engine.workers import WorkerPool


class UsageError(ValueError):
    """The request itself is wrong (no inputs, bad template or key): tell the user."""


# Pictures OMRChecker folders keep beside their templates, never answer sheets, whatever
# template the batch uses (matched on the name without its suffix, in any case)
TEMPLATE_PICTURE_NAMES = frozenset({"omr_marker", "reference"})


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
    # problems that did not stop the batch (Korean / English), for the user to see:
    # a key without some of the sheet's questions, a template's ignored keys, a folder
    # whose template or key is broken (its pages are rejected)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # template pictures, not graded

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


def _one_line(text: str) -> str:
    return "; ".join(line.strip("- ").strip() for line in str(text).splitlines() if line.strip())


def _key_name(key: AnswerKey, fallback: str = "") -> str:
    return key.source or fallback or "-"


def key_misfit(key: AnswerKey, t: Template, source: str = "") -> str | None:
    """Why ``key`` cannot grade sheets of ``t`` (questions or answers the sheet lacks).

    The check is :func:`~academy_desktop.engine.scoring.check_key_against`, the one
    ``exam create`` applies; None when the key fits.
    """
    problems = check_key_against(key, t)
    if not problems:
        return None
    name = _key_name(key, source)
    return (
        f"정답 파일 {name}이(가) 답안지 양식 '{t.name}'과(와) 맞지 않습니다 / "
        f"The answer key {name} does not fit the sheet layout '{t.name}':\n- "
        + "\n- ".join(problems)
    )


def unkeyed_questions(key: AnswerKey, t: Template) -> list[str]:
    """The questions of ``t`` that ``key`` has no answer for (they are not scored)."""
    return [label for label in t.question_labels if label not in key.items]


def _unkeyed_warning(key: AnswerKey, t: Template, source: str = "") -> str | None:
    missing = unkeyed_questions(key, t)
    if not missing:
        return None
    name, listed = _key_name(key, source), ", ".join(missing)
    return (
        f"정답 파일 {name}에 답안지 '{t.name}'의 {len(missing)}문항 정답이 없어 그 문항은 "
        f"채점하지 않습니다: {listed} / The answer key {name} has no answer for "
        f"{len(missing)} questions of the sheet '{t.name}', which are not scored: {listed}"
    )


def _template_warnings(t: Template) -> list[str]:
    where = str(t.path) if t.path is not None else t.name
    return [f"양식 / Template {where}: {w}" for w in t.warnings]


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


class _Setups:
    """Which template and key each scan gets; a folder's broken file rejects its pages.

    Explicit ``template``/``key`` (and an ``evaluation.json`` beside the explicit
    template) that cannot be used, or do not fit, raise :class:`UsageError`: the whole
    request is wrong. A ``template.json``/``evaluation.json`` found up a scan's folder
    tree that cannot be used costs only the pages it applies to: they become
    ``TEMPLATE_INVALID``/``KEY_INVALID`` rejections naming the file and the problem.
    """

    def __init__(self, template: str | Template | None, key: str | AnswerKey | None) -> None:
        self.templates: dict[str, Template] = {}
        self.keys: dict[str, AnswerKey] = {}
        self.warnings: list[str] = []
        self.problems: dict[str, tuple[str, str]] = {}  # template/key id -> (code, detail)
        self._fits: dict[tuple[str, str], str | None] = {}  # (template, key) -> misfit
        fixed_t = _load_template(template) if isinstance(template, str) and template else None
        self.fixed_t = template if isinstance(template, Template) else fixed_t
        self.fixed_k = key if isinstance(key, AnswerKey) else _load_key(Path(key)) if key else None
        self.fixed_k_source = str(key) if isinstance(key, str) else ""
        self.fixed_kid: str | None = None
        if self.fixed_k is not None:
            self.fixed_kid = "fixed"
            self.keys["fixed"] = self.fixed_k
        if self.fixed_t is None:
            return
        self.templates["fixed"] = self.fixed_t
        self.warnings += _template_warnings(self.fixed_t)
        if self.fixed_k is None and self.fixed_t.path is not None:
            ev = self.fixed_t.path.parent / EVALUATION_FILE
            if ev.is_file():
                self.fixed_kid = str(ev)
                self.keys[self.fixed_kid] = _load_key(ev)
        if self.fixed_kid is not None:
            self._fit("fixed", self.fixed_kid, explicit=True)

    def _fit(self, tid: str, kid: str, *, explicit: bool) -> str | None:
        """Check the key against the template once; a misfit of an explicit key raises."""
        if (tid, kid) not in self._fits:
            t, key = self.templates[tid], self.keys[kid]
            source = self.fixed_k_source if kid == "fixed" else kid
            misfit = key_misfit(key, t, source)
            if misfit is not None and explicit:
                raise UsageError(misfit)
            self._fits[tid, kid] = misfit
            warning = None if misfit else _unkeyed_warning(key, t, source)
            if warning:
                self.warnings.append(warning)
        return self._fits[tid, kid]

    def _folder_template(self, path: Path) -> str:
        tid = str(path)
        if tid in self.templates or tid in self.problems:
            return tid
        try:
            t = load_template(path)
        except (TemplateError, OSError) as exc:
            self.problems[tid] = (Code.TEMPLATE_INVALID.value, f"{path}: {_one_line(str(exc))}")
            return tid
        self.templates[tid] = t
        self.warnings += _template_warnings(t)
        return tid

    def _folder_key(self, path: Path) -> str:
        kid = str(path)
        if kid in self.keys or kid in self.problems:
            return kid
        try:
            self.keys[kid] = load_key(path)
        except (ValueError, OSError) as exc:  # AnswerKeyError is a ValueError
            self.problems[kid] = (Code.KEY_INVALID.value, f"{path}: {_one_line(str(exc))}")
        return kid

    def setup_for(self, path: Path, root: Path) -> tuple[str, str | None, tuple[str, str] | None]:
        """(template id, key id, rejection) for the scan ``path`` found under ``root``."""
        if self.fixed_t is not None:
            return "fixed", self.fixed_kid, None
        setup = find_setup(path.parent, root)
        if setup.template_path is None:
            detail = (
                f"template.json을 {path.parent} 위 폴더에서 찾지 못했습니다 / "
                f"no template.json found above {path.parent}; pass --template"
            )
            return "", None, (Code.TEMPLATE_INVALID.value, detail)
        tid = self._folder_template(setup.template_path)
        if tid in self.problems:
            return tid, None, self.problems[tid]
        if self.fixed_kid is not None:
            self._fit(tid, self.fixed_kid, explicit=True)
            return tid, self.fixed_kid, None
        if setup.evaluation_path is None:
            return tid, None, None
        kid = self._folder_key(setup.evaluation_path)
        if kid in self.problems:
            return tid, kid, self.problems[kid]
        misfit = self._fit(tid, kid, explicit=False)
        if misfit is not None:
            detail = f"{setup.evaluation_path}: {_one_line(misfit)}"
            return tid, kid, (Code.KEY_INVALID.value, detail)
        return tid, kid, None


def is_template_picture(path: Path, resources: set[Path]) -> bool:
    """A marker or reference picture (named by a template, or by its usual name)."""
    if path.stem.casefold() in TEMPLATE_PICTURE_NAMES:
        return True
    return bool(resources) and path.resolve() in resources


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

    A key must fit its sheet (:func:`key_misfit`); questions it has no answer for are
    listed in ``warnings`` and not scored. A broken ``template.json`` or
    ``evaluation.json`` found in a folder rejects only that folder's pages (a
    :class:`UsageError` when no page is left to grade). Marker and reference pictures
    (:func:`is_template_picture`) are left out, into ``skipped``.
    """
    pdf_dpi = checked_pdf_dpi(pdf_dpi)
    if not inputs:
        raise UsageError("채점할 파일을 지정해 주세요 / Give at least one file or folder to grade.")
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if missing:
        raise UsageError(f"파일이나 폴더가 없습니다 / No such file or folder: {', '.join(missing)}")
    setups = _Setups(template, key)

    # every file's setup first: a picture may be named by a template found later
    found: list[tuple[Path, str, str | None, tuple[str, str] | None]] = []
    seen: set[Path] = set()
    for given in inputs:
        root = Path(given).resolve()
        for path in discover([Path(given)]):
            if path not in seen:
                seen.add(path)
                found.append((path, *setups.setup_for(path, root)))
    resources: set[Path] = set()
    for t in setups.templates.values():
        resources |= template_resources(t)

    items: list[WorkItem] = []
    skipped: list[Path] = []
    files = 0
    for path, tid, kid, problem in found:
        if is_template_picture(path, resources):
            skipped.append(path)
            continue
        files += 1
        try:
            refs = plan_pages(path, pdf_dpi=pdf_dpi)
        except Rejection as r:
            items.append(WorkItem(path, tid, kid, None, problem or (r.code.value, r.detail)))
            continue
        items.extend(WorkItem(path, tid, kid, ref, problem, ref.index + 1) for ref in refs)
    if not items:
        left_out = ""
        if skipped:
            names = ", ".join(p.name for p in skipped)
            left_out = f" 양식 그림은 채점하지 않습니다 / Template pictures are not graded: {names}"
        raise UsageError(
            "채점할 스캔 파일이 없습니다 / No scans found (PDF, JPEG, PNG, BMP, WebP, TIFF)."
            + left_out
        )
    setup_codes = {Code.TEMPLATE_INVALID.value, Code.KEY_INVALID.value}
    problems = [item.rejection for item in items if item.rejection]
    if len(problems) == len(items) and all(code in setup_codes for code, _ in problems):
        # no page has a usable template and key: the request itself is wrong
        raise UsageError("\n".join(dict.fromkeys(detail for _, detail in problems)))
    warnings = list(setups.warnings)
    for code, detail in dict.fromkeys(p for p in problems if p[0] in setup_codes):
        count = sum(1 for item in items if item.rejection == (code, detail))
        warnings.append(f"{code}: {detail} ({count}쪽 채점하지 않음 / {count} pages not graded)")
    columns: list[str] = []
    for t in setups.templates.values():
        columns += [c for c in t.question_labels if c not in columns]
    return GradeJob(items, columns, setups.templates, setups.keys, files, warnings, skipped)


def grade_item(
    item: WorkItem, templates: dict[str, Template], keys: dict[str, AnswerKey]
) -> PageResult:
    """Load and grade one page. Never raises: problems become rejected/error results."""
    source = str(item.path)
    t = templates.get(item.template_id)
    name = t.name if t is not None else ""
    if item.rejection is not None or item.ref is None or t is None:
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
    "is_template_picture",
    "key_misfit",
    "plan",
    "run",
    "start_pool",
    "unkeyed_questions",
]
