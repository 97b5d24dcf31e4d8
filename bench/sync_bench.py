"""Sync benchmarks: uploading 500 graded sheets to a loopback server, and the client's
memory while it streams one 500 MB file.

    python bench/sync_bench.py                    # both
    python bench/sync_bench.py --sheets 500 --skip-stream
    python bench/sync_bench.py --stream-mb 500 --skip-upload

1. **Upload.** A workspace of ``--sheets`` graded sheets (20 questions each; every
   file a real A4 scan JPEG of about 150 kB, from ``resources/samples``, made unique
   per sheet) is sent by ``main.py sync --exam`` in a subprocess, as staff would run
   it, to the loopback test server (``tests/syncserver``, no faults) running in this
   process (``--page-size N``: its list paginated). Wall time from start to exit:
   Python start, marking ready, every upload, and the look-up of the server ids (the
   seed's 201 carries none). The server is then checked to hold every sheet once.
2. **Streaming.** A child process uploads one file of ``--stream-mb`` MB with the
   sync client (``ServerClient.create_submission``) and reports its peak resident
   memory (``VmHWM`` in ``/proc/self/status``) before and after; a 5 MB file is
   uploaded the same way for comparison. Flat memory: the two peaks match.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def _sample_image() -> tuple[object, int]:
    import cv2

    path = ROOT / "resources" / "samples" / "kr-20q-sample-1.jpg"
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    return image, path.stat().st_size


def _sheet_jpeg(base: object, i: int) -> bytes:
    import cv2
    import numpy as np

    image = np.array(base, copy=True)
    cv2.putText(image, f"#{i:04d}", (40, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return bytes(data.tobytes())


def bench_upload(sheets: int, keep: Path | None, page_size: int | None) -> dict[str, float]:
    from sync_client.support import EXAM, build_workspace
    from syncserver import start_server

    folder = Path(keep or tempfile.mkdtemp(prefix="sync-bench-"))
    base, _ = _sample_image()
    t0 = time.perf_counter()
    built = build_workspace(folder / "ws", sheets, image=lambda i: _sheet_jpeg(base, i))
    built_s = time.perf_counter() - t0
    sizes = [p.stat().st_size for p in (built.workspace / "scans").rglob("*.jpg")]
    env = dict(os.environ)
    env.update({"ACADEMY_DESKTOP_CONFIG": str(folder / "config"), "ACADEMY_TOKEN": "bench"})
    with start_server(static_tokens={"bench"}, keep_files=False, page_size=page_size) as srv:
        cmd = [sys.executable, str(ROOT / "main.py"), "sync", "--workspace",
               str(built.workspace), "--exam", EXAM, "--server", srv.url, "--quiet"]  # fmt: skip
        t0 = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - t0
        served = srv.state.submissions
        posts = sum(1 for m, p, _ in srv.state.requests if m == "POST")
        gets = sum(1 for m, _, _ in srv.state.requests if m == "GET")
    if done.returncode != 0:
        raise SystemExit(f"sync failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    uuids = {s["payload"]["client"]["submission_uuid"] for s in served}
    assert len(served) == len(uuids) == sheets, (len(served), len(uuids))
    return {
        "sheets": sheets,
        "mean_file_kb": sum(sizes) / len(sizes) / 1024,
        "build_s": built_s,
        "wall_s": wall,
        "posts": posts,
        "gets": gets,
    }


CHILD = r"""
import json, sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from academy_desktop.sync.auth import AuthState, Credentials
from academy_desktop.sync.client import ServerClient, UploadFile
from academy_desktop.sync.config import SyncConfig

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

config = SyncConfig({url!r}, timeout_s=600.0)
auth = AuthState(config, Credentials(access="bench"))
fields = {{"enrollment_id": "1", "target_type": "homework", "target_id": "1",
          "source": "homework_video", "payload": "{{}}"}}
with ServerClient(config, auth) as client:
    client.get_submission  # imports done
    before = hwm()
    t0 = time.perf_counter()
    client.create_submission(fields, UploadFile(Path({path!r}), "video.mp4", "video/mp4"))
    seconds = time.perf_counter() - t0
print(json.dumps({{"before_mb": before, "peak_mb": hwm(), "seconds": seconds}}))
"""


def _stream_once(url: str, path: Path) -> dict[str, float]:
    code = CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"), url=url, path=str(path))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=1200
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _make_file(path: Path, mb: int) -> None:
    chunk = os.urandom(1 << 20)
    with path.open("wb") as f:
        for _ in range(mb):
            f.write(chunk)


def bench_stream(mb: int) -> list[dict[str, float]]:
    from syncserver import start_server

    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="sync-stream-") as tmp,
        start_server(static_tokens={"bench"}, keep_files=False) as srv,
    ):
        for size in (5, mb):
            path = Path(tmp) / f"file-{size}.bin"
            _make_file(path, size)
            row = _stream_once(srv.url, path)
            row["mb"] = size
            rows.append(row)
            path.unlink()
        stored = [s["file_size"] for s in srv.state.submissions]
    assert stored == [5 << 20, mb << 20] or sorted(stored) == sorted([5 << 20, mb << 20])
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sheets", type=int, default=500)
    ap.add_argument("--stream-mb", type=int, default=500)
    ap.add_argument("--skip-upload", action="store_true")
    ap.add_argument("--skip-stream", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep the workspace in this folder")
    ap.add_argument(
        "--page-size", type=int, help="the server's list is paginated (default: a plain list)"
    )
    args = ap.parse_args()
    if not args.skip_upload:
        r = bench_upload(args.sheets, args.keep, args.page_size)
        print("| measure | value |\n|---|---|")
        print(f"| sheets (mean file) | {r['sheets']} ({r['mean_file_kb']:.0f} kB JPEG each) |")
        print(f"| `main.py sync --exam` wall time, loopback, no faults | {r['wall_s']:.1f} s "
              f"({r['sheets'] / r['wall_s']:.0f} sheets/s) |")  # fmt: skip
        print(f"| requests | {r['posts']:.0f} POST, {r['gets']:.0f} GET (id look-up pages) |")
    if not args.skip_stream:
        rows = bench_stream(args.stream_mb)
        print("\n| file | upload time | client peak RSS before | client peak RSS after |")
        print("|---|---|---|---|")
        for row in rows:
            print(f"| {row['mb']:.0f} MB | {row['seconds']:.1f} s | {row['before_mb']:.0f} MB "
                  f"| {row['peak_mb']:.0f} MB |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
