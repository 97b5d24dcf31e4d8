"""Integrity check of a workspace (``main.py doctor --workspace DIR``).

It reports, and with ``repair`` fixes what can be fixed without losing anything:

* the database itself (``PRAGMA integrity_check`` and ``foreign_key_check``);
* orphan files: files under ``scans/`` that no scan record points at - moved to
  ``scans/orphaned/`` (never deleted: a person may still want them);
* half-written copies (``*.partial`` left by a crash) - deleted, they are never
  complete files;
* scan records whose file is missing - reported with the original name, so the
  file can be dropped in again (its content hash brings it back to the same record);
* submissions whose scan record is gone - reported.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, text

from academy_desktop.store.database import Workspace
from academy_desktop.store.models import Scan, Submission
from academy_desktop.store.scans import SCANS_DIR

ORPHANS_DIR = "orphaned"


@dataclass
class DoctorReport:
    database_ok: bool = True
    database_messages: list[str] = field(default_factory=list)
    orphan_files: list[str] = field(default_factory=list)
    partial_files: list[str] = field(default_factory=list)
    missing_files: list[tuple[int, str, str]] = field(default_factory=list)  # id, path, name
    repaired: bool = False

    @property
    def healthy(self) -> bool:
        return self.database_ok and not (
            self.orphan_files or self.partial_files or self.missing_files
        )

    def lines(self) -> list[str]:
        out = []
        status = "정상 / OK" if self.database_ok else "손상 / DAMAGED"
        out.append(f"데이터베이스 / Database: {status}")
        out += [f"  {m}" for m in self.database_messages]
        verb = "옮김 / moved to scans/orphaned" if self.repaired else "발견 / found"
        out.append(f"주인 없는 파일 / Orphan files ({verb}): {len(self.orphan_files)}")
        out += [f"  {p}" for p in self.orphan_files]
        verb = "지움 / deleted" if self.repaired else "발견 / found"
        out.append(f"쓰다 만 파일 / Half-written copies ({verb}): {len(self.partial_files)}")
        out += [f"  {p}" for p in self.partial_files]
        out.append(f"없어진 스캔 파일 / Missing scan files: {len(self.missing_files)}")
        out += [
            f"  #{i} {name} ({path}): 원본을 다시 넣어 주세요 / drop the original in again"
            for i, path, name in self.missing_files
        ]
        return out


def check(ws: Workspace, *, repair: bool = False) -> DoctorReport:
    report = DoctorReport(repaired=repair)
    with ws.read() as s:
        rows = [str(r[0]) for r in s.execute(text("PRAGMA integrity_check"))]
        if rows != ["ok"]:
            report.database_ok = False
            report.database_messages += rows
        fk = list(s.execute(text("PRAGMA foreign_key_check")))
        if fk:
            report.database_ok = False
            report.database_messages += [f"foreign key: {tuple(r)}" for r in fk]
        scans = list(s.execute(select(Scan.id, Scan.stored_path, Scan.original_name)))
        used = {Path(p).as_posix() for _, p, _ in scans}
        dangling = s.scalars(
            select(Submission.id).where(Submission.scan_id.not_in(select(Scan.id)))
        ).all()
        report.database_messages += [f"submission #{i} has no scan record" for i in dangling]
        report.database_ok = report.database_ok and not dangling
    root = ws.folder / SCANS_DIR
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if not path.is_file() or ORPHANS_DIR in path.relative_to(root).parts[:1]:
            continue
        rel = path.relative_to(ws.folder).as_posix()
        if path.name.endswith(".partial"):
            report.partial_files.append(rel)
            if repair:
                path.unlink(missing_ok=True)
        elif rel not in used:
            report.orphan_files.append(rel)
            if repair:
                target = root / ORPHANS_DIR / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), str(target))
    for scan_id, stored, name in scans:
        if not (ws.folder / stored).is_file():
            report.missing_files.append((scan_id, stored, name))
    return report
