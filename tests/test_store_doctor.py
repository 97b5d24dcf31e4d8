"""The workspace doctor: orphan and half-written files, missing scans, a sound database."""

from __future__ import annotations

from pathlib import Path

from academy_desktop.store.database import Workspace
from academy_desktop.store.doctor import check
from academy_desktop.store.scans import store_scan


def test_doctor_reports_then_repairs_without_deleting_real_files(tmp_path: Path) -> None:
    src = tmp_path / "page.jpg"
    src.write_bytes(b"\xff\xd8 a scan")
    gone = tmp_path / "gone.jpg"
    gone.write_bytes(b"\xff\xd8 another scan")
    with Workspace.open(tmp_path / "ws") as ws:
        with ws.write() as s:
            kept, _ = store_scan(s, ws.folder, src, 1)
            lost, _ = store_scan(s, ws.folder, gone, 1)
            kept_path, lost_path = kept.stored_path, lost.stored_path
        (ws.folder / lost_path).unlink()
        stray = ws.folder / "scans" / "ff" / "stray.jpg"
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(b"nobody's")
        (ws.folder / "scans" / "ab.partial").write_bytes(b"half")

        report = check(ws)
        assert report.database_ok and not report.healthy
        assert report.orphan_files == ["scans/ff/stray.jpg"]
        assert report.partial_files == ["scans/ab.partial"]
        assert [m[1:] for m in report.missing_files] == [(lost_path, "gone.jpg")]
        assert stray.is_file()  # reporting changes nothing

        repaired = check(ws, repair=True)
        assert repaired.orphan_files == ["scans/ff/stray.jpg"]
        assert (ws.folder / "scans" / "orphaned" / "stray.jpg").read_bytes() == b"nobody's"
        assert not (ws.folder / "scans" / "ab.partial").exists()
        assert (ws.folder / kept_path).is_file()

        # dropping the lost file in again brings it back under the same record
        with ws.write() as s:
            again, created = store_scan(s, ws.folder, gone, 1)
            assert not created and again.stored_path == lost_path
        final = check(ws)
        assert final.healthy, final.lines()
