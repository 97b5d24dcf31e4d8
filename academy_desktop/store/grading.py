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

import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from academy_desktop.engine import pipeline
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.result import PageResult
from academy_desktop.engine.template.omrchecker import find_setup
from academy_desktop.engine.workers import WorkerPool
from academy_desktop.store import exams
from academy_desktop.store.database import Workspace
from academy_desktop.store.models import BatchFile, Exam, Scan, Submission
from academy_desktop.store.scans import copy_in, register_scans, sha256_file
from academy_desktop.store.submissions import pages_done, record_result, students_by_number

COMMIT_PAGES = 16
COMMIT_SECONDS = 0.5


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
    pdf_dpi: int = pipeline.PDF_DPI,
) -> WorkspaceBatch:
    """Find or create the exam, copy the inputs in, and leave out pages already graded.

    A new exam is created from ``template`` and ``key`` when given, else from the
    ``template.json``/``evaluation.json`` found beside the inputs (as ``grade`` does).
    PDF pages are rendered at ``pdf_dpi`` (the user's setting); every stored result
    keeps the size it was graded at (``alignment["image_size"]``), so a batch resumed
    at another resolution, or a setting changed later, never breaks a stored page.
    Raises :class:`pipeline.UsageError` for a missing template or a resolution out
    of range, and the store's errors for a bad exam.
    """
    pdf_dpi = pipeline.checked_pdf_dpi(pdf_dpi)  # before anything is stored
    with ws.write() as s:
        exam = exams.find_exam(s, exam_title)
        if exam is None:
            spec, key_path = _setup_for_new_exam(inputs, template, key)
            exam = exams.create_exam(s, exam_title, spec, key=key_path, created_by=ws.staff)
        elif key:
            exams.set_key(s, exam, Path(key), created_by=ws.staff)
        exam_id, title = exam.id, exam.title
        t = exams.exam_template(exam)
        answer_key = exams.current_key(exam)
    job = pipeline.plan(list(inputs), template=t, key=answer_key, pdf_dpi=pdf_dpi)
    pages_of: dict[Path, int] = {}
    for item in job.items:
        pages_of[item.path] = max(pages_of.get(item.path, 0), item.ref.count if item.ref else 1)
    # copy the files in first, outside any transaction (it is the slow part) ...
    files = []
    for path, count in pages_of.items():
        digest = sha256_file(path)
        files.append((path, count, digest, copy_in(ws.folder, path, digest)))
    # ... then one short transaction registers them and finds what is already graded
    with ws.write() as s:
        scans = register_scans(s, ws.folder, files)
        scan_ids = {path: scan.id for path, scan in scans.items()}
        _queue_files(s, exam_id, list(scan_ids.values()))
        done = pages_done(s, exam_id, list(scan_ids.values()))
    done_by_path = {path: done.get(scan_ids[path], set()) for path in pages_of}
    todo = [item for item in job.items if item.page not in done_by_path[item.path]]
    already = [p for p, count in pages_of.items() if len(done_by_path[p]) >= count]
    batch = WorkspaceBatch(exam_id, title, replace(job, items=todo), scan_ids, already)
    batch.skipped_pages = len(job.items) - len(todo)
    return batch


def _queue_files(session: Session, exam_id: int, scan_ids: list[int]) -> None:
    known = set(
        session.scalars(
            select(BatchFile.scan_id).where(
                BatchFile.exam_id == exam_id, BatchFile.scan_id.in_(scan_ids)
            )
        )
    )
    session.add_all(
        BatchFile(exam_id=exam_id, scan_id=sid)
        for sid in dict.fromkeys(scan_ids)
        if sid not in known
    )


@dataclass(frozen=True)
class UnfinishedFile:
    scan_id: int
    name: str  # the file's name when it was added
    path: Path  # its copy in the workspace
    pages: int
    graded: int


def unfinished(session: Session, workspace_folder: Path, exam_id: int) -> list[UnfinishedFile]:
    """Files queued for the exam whose pages are not all graded (a batch cut short)."""
    graded = (
        select(Submission.scan_id, func.count().label("n"))
        .where(Submission.exam_id == exam_id)
        .group_by(Submission.scan_id)
        .subquery()
    )
    rows = session.execute(
        select(Scan, func.coalesce(graded.c.n, 0))
        .join(BatchFile, BatchFile.scan_id == Scan.id)
        .outerjoin(graded, graded.c.scan_id == Scan.id)
        .where(BatchFile.exam_id == exam_id)
        .where(func.coalesce(graded.c.n, 0) < Scan.page_count)
        .order_by(BatchFile.id)
    ).all()
    return [
        UnfinishedFile(
            scan.id,
            scan.original_name,
            workspace_folder / scan.stored_path,
            scan.page_count,
            int(n),
        )
        for scan, n in rows
    ]


def run(
    ws: Workspace,
    batch: WorkspaceBatch,
    *,
    jobs: int = 1,
    state: TaskState | None = None,
    pool: WorkerPool | None = None,
) -> Generator[tuple[PageResult, int], None, None]:
    """Grade the batch's pages and store them; each result is yielded, with its
    submission id, once it is committed.

    Results are committed in small groups (at most :data:`COMMIT_PAGES` pages or
    :data:`COMMIT_SECONDS`, whichever comes first): every commit syncs the disk, and
    one per page would cost more than the grading. A crash loses at most the pages of
    the open group, which the next run grades again; nothing is half-stored.
    """
    if not batch.job.items:
        return
    pending: list[PageResult] = []
    started = 0.0
    try:
        for result in pipeline.run(batch.job, jobs=jobs, state=state, pool=pool):
            if not pending:
                started = time.monotonic()
            pending.append(result)
            if len(pending) >= COMMIT_PAGES or time.monotonic() - started >= COMMIT_SECONDS:
                done, pending = _commit(ws, batch, pending), []
                yield from done
        if pending:
            done, pending = _commit(ws, batch, pending), []
            yield from done
    finally:
        if pending:  # stopped early (Ctrl+C, cancel, an error): what was graded is kept
            _commit(ws, batch, pending)


def _commit(
    ws: Workspace, batch: WorkspaceBatch, results: list[PageResult]
) -> list[tuple[PageResult, int]]:
    out = []
    with ws.write() as s:
        exam = s.get_one(Exam, batch.exam_id)
        ids = {batch.scan_ids[Path(r.source)] for r in results}
        scans = {sc.id: sc for sc in s.scalars(select(Scan).where(Scan.id.in_(ids)))}
        students = students_by_number(s, [r.student_id or "" for r in results])
        for result in results:
            scan = scans[batch.scan_ids[Path(result.source)]]
            sub, _ = record_result(s, exam, scan, result, students=students)
            out.append((result, sub.id))
    return out


def _setup_for_new_exam(
    inputs: Sequence[Path], template: str | None, key: str | None
) -> tuple[str, Path | None]:
    """The template and key a new exam starts with: the ones given, else the
    ``template.json``/``evaluation.json`` found beside the first input."""
    if template:
        return template, Path(key) if key else None
    first = Path(inputs[0])
    setup = find_setup(first if first.is_dir() else first.parent, first)
    if setup.template_path is None:
        raise pipeline.UsageError(
            "새 시험에는 양식이 필요합니다. --template 으로 지정해 주세요 / "
            "A new exam needs a template: pass --template."
        )
    return str(setup.template_path), Path(key) if key else setup.evaluation_path
