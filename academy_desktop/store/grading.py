"""Grade scans into a workspace: resumable, idempotent, and safe against a crash.

* Every input file is copied into the workspace first (content-addressed), so the
  source folder can go away.
* Pages already stored for the exam are not graded again: re-dropping a file says
  "already graded", and a batch cut short (Ctrl+C, a power cut, ``kill -9``) simply
  continues with the pages that are missing.
* Each page is committed in its own short write transaction as soon as it is
  graded (SQLite in WAL mode with ``synchronous=FULL``): whatever was finished is on
  disk, and nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from academy_desktop.engine import pipeline
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.result import PageResult
from academy_desktop.engine.workers import WorkerPool
from academy_desktop.store.database import Workspace
from academy_desktop.store.models import Scan
from academy_desktop.store.scans import sha256_file, store_scan
from academy_desktop.store.submissions import graded_pages, record_result


@dataclass
class WorkspaceBatch:
    """What a run will do: the pages to grade and the files that were already graded."""

    exam_id: int
    exam_title: str
    job: pipeline.GradeJob
    scan_ids: dict[Path, int]
    already_graded: list[Path] = field(default_factory=list)
    skipped_pages: int = 0

    @property
    def pages(self) -> int:
        return len(self.job.items)


def prepare(
    ws: Workspace,
    exam_title: str,
    inputs: Sequence[Path],
    *,
    template: str | None = None,
    key: str | None = None,
) -> WorkspaceBatch:
    """Find or create the exam, copy the inputs in, and leave out pages already graded.

    A new exam is created from ``template`` and ``key`` when given, else from the
    ``template.json``/``evaluation.json`` found beside the inputs (as ``grade`` does).
    Raises :class:`pipeline.UsageError` for a missing template and the store's
    errors for a bad exam.
    """
    from academy_desktop.store import exams

    with ws.write() as s:
        exam = exams.find_exam(s, exam_title)
        if exam is None:
            spec = template or _template_beside(inputs)
            key_path = Path(key) if key else _key_beside(inputs, template)
            exam = exams.create_exam(s, exam_title, spec, key=key_path, created_by=ws.staff)
        elif key:
            exams.set_key(s, exam, Path(key), created_by=ws.staff)
        exam_id, title = exam.id, exam.title
        t = exams.exam_template(exam)
        answer_key = exams.current_key(exam)
    job = pipeline.plan(list(inputs), template=t, key=answer_key)
    pages_of: dict[Path, int] = {}
    for item in job.items:
        pages_of[item.path] = max(pages_of.get(item.path, 0), item.ref.count if item.ref else 1)
    scan_ids: dict[Path, int] = {}
    done: dict[Path, set[int]] = {}
    for path, count in pages_of.items():
        digest = sha256_file(path)
        with ws.write() as s:
            exam = exams.get_exam_by_id(s, exam_id)
            scan, _ = store_scan(s, ws.folder, path, count, sha256=digest)
            scan_ids[path] = scan.id
            done[path] = graded_pages(s, exam, scan)
    todo = [item for item in job.items if item.page not in done[item.path]]
    already = [p for p, count in pages_of.items() if len(done[p]) >= count]
    batch = WorkspaceBatch(exam_id, title, replace(job, items=todo), scan_ids, already)
    batch.skipped_pages = len(job.items) - len(todo)
    return batch


def run(
    ws: Workspace,
    batch: WorkspaceBatch,
    *,
    jobs: int = 1,
    state: TaskState | None = None,
    pool: WorkerPool | None = None,
) -> Iterator[tuple[PageResult, int]]:
    """Grade the batch's pages; each result is committed before it is yielded
    with its submission id."""
    from academy_desktop.store import exams

    if not batch.job.items:
        return
    for result in pipeline.run(batch.job, jobs=jobs, state=state, pool=pool):
        with ws.write() as s:
            exam = exams.get_exam_by_id(s, batch.exam_id)
            scan = s.get_one(Scan, batch.scan_ids[Path(result.source)])
            sub, _ = record_result(s, exam, scan, result)
            sub_id = sub.id
        yield result, sub_id


def _template_beside(inputs: Sequence[Path]) -> str:
    from academy_desktop.engine.template.omrchecker import find_setup

    first = Path(inputs[0])
    setup = find_setup(first if first.is_dir() else first.parent, first)
    if setup.template_path is None:
        raise pipeline.UsageError(
            "새 시험에는 양식이 필요합니다. --template 으로 지정해 주세요 / "
            "A new exam needs a template: pass --template."
        )
    return str(setup.template_path)


def _key_beside(inputs: Sequence[Path], template: str | None) -> Path | None:
    if template:
        return None
    from academy_desktop.engine.template.omrchecker import find_setup

    first = Path(inputs[0])
    return find_setup(first if first.is_dir() else first.parent, first).evaluation_path
