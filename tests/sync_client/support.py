"""Test support for the sync client: keyring backends and workspaces full of graded sheets.

* :class:`MemoryKeyring` keeps secrets in a dict; ``limit`` makes it refuse longer
  secrets, as Windows' Credential Locker does (about 1,280 characters).
* :class:`FileKeyring` keeps them in the JSON file named by ``ACADEMY_TEST_KEYRING``, so
  a ``main.py`` subprocess can use it (``PYTHON_KEYRING_BACKEND=sync_client.support.
  FileKeyring``).
* :func:`build_workspace` makes a workspace with ``n`` graded sheets (a bundled
  template, a roster with enrollment ids, one small real JPEG per sheet, answers
  stored as the grader stores them) in well under a second per hundred sheets.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import keyring.backend
import keyring.errors
import numpy as np
from sqlalchemy import select

from academy_desktop.engine.result import FieldResult, FieldStatus, PageResult
from academy_desktop.store import Workspace
from academy_desktop.store import exams as exam_service
from academy_desktop.store.models import QuestionMapping, Scan, Student
from academy_desktop.store.scans import scan_relpath
from academy_desktop.store.submissions import record_result, students_by_number

KEYRING_FILE_ENV = "ACADEMY_TEST_KEYRING"
TEMPLATE = "kr-20q-5c-id8"
EXAM = "3월 모의고사"
TARGET_ID = 77
SHEET_ID = 45
QID_BASE = 9000  # exam_question_id of question q = QID_BASE + q
ENROLLMENT_BASE = 5000


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring; with ``limit``, longer secrets are refused."""

    @keyring.backend.properties.classproperty
    def priority(cls) -> float:  # never picked on its own: tests install it
        raise RuntimeError("test backend")

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.limit is not None and len(password) > self.limit:
            raise keyring.errors.PasswordSetError(
                f"secret of {len(password)} characters is over the limit of {self.limit}"
            )
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.store[(service, username)]


class FileKeyring(keyring.backend.KeyringBackend):
    """A keyring in a JSON file (``ACADEMY_TEST_KEYRING``), shared with subprocesses."""

    @keyring.backend.properties.classproperty
    def priority(cls) -> float:
        if not os.environ.get(KEYRING_FILE_ENV):
            raise RuntimeError(f"{KEYRING_FILE_ENV} is not set")
        return 0.1

    @staticmethod
    def _path() -> Path:
        return Path(os.environ[KEYRING_FILE_ENV])

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self._path().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, str]) -> None:
        tmp = self._path().with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self._path())

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(password) > 1280:
            raise keyring.errors.PasswordSetError("over Credential Locker's limit")
        data = self._load()
        data[f"{service}\n{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\n{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self._save(data)


def answer_of(sheet: int, q: int) -> str:
    """The choice sheet ``sheet`` marked for question ``q`` (1-5)."""
    return str((sheet * 7 + q * 3) % 5 + 1)


def _page_result(sheet: int, questions: int, flagged: set[int]) -> PageResult:
    fields = {}
    for q in range(1, questions + 1):
        v = answer_of(sheet, q)
        status: FieldStatus = "ambiguous" if q in flagged else "ok"
        marks = [{"choice": str(c), "fill": 0.95 if str(c) == v else 0.02} for c in range(1, 6)]
        fields[f"q{q}"] = FieldResult(
            f"q{q}", [v], "single", 0.97, status, {"marks": marks, "gap": 0.9}, v
        )
    return PageResult(
        f"s{sheet}.jpg",
        1,
        "ok",
        TEMPLATE,
        student_id=f"{20250000 + sheet}",
        fields=fields,
        score=float(sheet % 20),
        max_score=20.0,
    )


def _jpeg(sheet: int, size: tuple[int, int]) -> bytes:
    rng = np.random.default_rng(sheet)
    image = rng.integers(180, 255, size=(size[1], size[0]), dtype=np.uint8)
    cv2.putText(image, f"sheet {sheet}", (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return bytes(data.tobytes())


@dataclass
class Built:
    workspace: Path
    exam_id: int
    submission_ids: list[int]


def build_workspace(
    folder: Path,
    n: int,
    *,
    mapped: bool = True,
    enrolled: bool = True,
    questions: int = 20,
    image_size: tuple[int, int] = (240, 320),
    flagged: dict[int, set[int]] | None = None,
    staff: str = "김선생",
    image: Callable[[int], bytes] | None = None,
) -> Built:
    """A workspace with ``n`` graded sheets of one exam (see the module doc);
    ``image(i)`` gives sheet ``i``'s JPEG bytes (default: a small noise picture)."""
    flagged = flagged or {}
    with Workspace.open(folder, staff=staff) as ws:
        with ws.write() as s:
            exam = exam_service.create_exam(s, EXAM, TEMPLATE)
            exam_id = exam.id
            if mapped:
                exam_service.set_mapping(
                    s,
                    exam,
                    target_id=TARGET_ID,
                    sheet_id=SHEET_ID,
                    question_ids={f"q{q}": QID_BASE + q for q in range(1, questions + 1)},
                )
            for i in range(n):
                s.add(
                    Student(
                        number=f"{20250000 + i}",
                        name=f"학생{i:03d}",
                        enrollment_id=ENROLLMENT_BASE + i if enrolled else None,
                    )
                )
        scans: list[tuple[int, Scan]] = []
        with ws.write() as s:
            for i in range(n):
                data = image(i) if image is not None else _jpeg(i, image_size)
                sha = hashlib.sha256(data).hexdigest()
                rel = scan_relpath(sha, ".jpg")
                path = ws.folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                scan = Scan(
                    sha256=sha,
                    original_name=f"scan_{i:04d}.jpg",
                    stored_path=rel,
                    size=len(data),
                    page_count=1,
                )
                s.add(scan)
                scans.append((i, scan))
            s.flush()
            exam = exam_service.get_exam_by_id(s, exam_id)
            results = [_page_result(i, questions, flagged.get(i, set())) for i in range(n)]
            students = students_by_number(s, [r.student_id or "" for r in results])
            ids = []
            for (_, scan), result in zip(scans, results, strict=True):
                sub, _ = record_result(s, exam, scan, result, students=students)
                ids.append(sub.id)
    return Built(folder, exam_id, ids)


def expected_payloads(source: Path | Workspace) -> dict[str, dict[str, Any]]:
    """submission_uuid -> {"answers": [(eqid, number, answer)], "file_sha256", ...} for
    every outbox item of the workspace (a folder, or an open workspace), from the
    database."""
    if isinstance(source, Workspace):
        return _expected(source)
    with Workspace.open(source) as ws:
        return _expected(ws)


def _expected(ws: Workspace) -> dict[str, dict[str, Any]]:
    from academy_desktop.store.models import OutboxItem, Submission

    out: dict[str, dict[str, Any]] = {}
    with ws.read() as s:
        qmap = {(q.exam_id, q.label): q for q in s.scalars(select(QuestionMapping))}
        for item in s.scalars(select(OutboxItem)):
            sub = s.get(Submission, item.submission_id)
            assert sub is not None
            answers = []
            for a in sub.answers:
                q = qmap[(sub.sheet_exam.id, a.label)]
                answers.append((q.exam_question_id, q.number, a.current_value))
            out[item.idempotency_key] = {
                "submission_id": sub.id,
                "answers": sorted(answers),
                "file_sha256": sub.scan.sha256,
                "enrollment_id": sub.student.enrollment_id if sub.student else None,
                "state": item.state,
                "attempts": item.attempt_count,
                "attention_reason": item.attention_reason,
                "server_error": item.server_error,
            }
    return out


def random_seed() -> int:
    return random.randrange(1 << 30)
