"""Print the exact request the sync client sends for one real sheet (for docs/sync.md).

    python bench/sync_example.py

The README walk-through on ``resources/samples`` (exam, roster with enrollment ids,
grading by the real engine), the server mapping, a person settling the flagged answer
of ``kr-20q-sample-1.jpg``, then ``main.py sync`` to the loopback test server. The
multipart fields and the ``payload`` of that sheet are printed as the server received
them (the payload one answer per line; the client sends it as compact JSON text).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def main() -> int:
    from syncserver import start_server

    from academy_desktop.cli.main import main as cli
    from academy_desktop.store import Workspace
    from academy_desktop.store.models import Scan, Submission
    from academy_desktop.store.review import set_value

    samples = ROOT / "resources" / "samples"
    with tempfile.TemporaryDirectory() as tmp, start_server(static_tokens={"tok"}) as srv:
        folder = Path(tmp)
        os.environ["ACADEMY_DESKTOP_CONFIG"] = str(folder / "config")
        os.environ["ACADEMY_TOKEN"] = "tok"
        lines = samples.joinpath("roster.csv").read_text(encoding="utf-8").splitlines()
        rows = [lines[0] + ",수강번호"] + [f"{r},{3000 + i}" for i, r in enumerate(lines[1:], 1)]
        (folder / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        (folder / "questions.csv").write_text(
            "문항,exam_question_id\n" + "".join(f"{q},{8800 + q}\n" for q in range(1, 21)),
            encoding="utf-8",
        )
        ws = ["--workspace", str(folder / "ws"), "--staff", "김선생"]
        exam = "3월 모의고사"
        sheet = samples / "kr-20q-sample-1.jpg"
        steps = [
            ["exam", "create", *ws, "--name", exam, "--template", "kr-20q-5c-id8",
             "--key", str(samples / "kr-20q-key.json")],
            ["roster", "import", str(folder / "roster.csv"), *ws, "--map",
             "name=이름,number=학번,class_name=반,enrollment_id=수강번호"],
            ["grade", *ws, "--exam", exam, "--jobs", "1", "--quiet", str(sheet)],
            ["exam", "map", *ws, "--exam", exam, "--target-id", "77", "--sheet-id", "45",
             "--questions", str(folder / "questions.csv")],
        ]  # fmt: skip
        with contextlib.redirect_stdout(io.StringIO()):
            for argv in steps:
                assert cli(argv) == 0, argv
        with Workspace.open(folder / "ws") as w, w.write() as s:
            sub = s.query(Submission).join(Scan).one()
            for a in sub.answers:
                if a.meta["omr"]["status"] in ("ambiguous", "low_confidence", "error"):
                    # the student confirms the first of the two marks
                    value = a.current_value[:1]
                    set_value(s, sub.id, a.label, value, decided_by="김선생", reason="학생 확인")
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli(["sync", *ws, "--exam", exam, "--server", srv.url, "--quiet"]) == 0
        [sent] = srv.state.submissions
    fields = {k: sent[k] for k in ("enrollment_id", "target_type", "target_id", "source")}
    print("multipart fields:", json.dumps(fields, ensure_ascii=False))
    print(f"file: {sent['file_name']} ({sent['file_type']}, {sent['file_size']} bytes), "
          f"sha256 {sent['file_sha256']}")  # fmt: skip
    payload = sent["payload"]
    text = json.dumps({**payload, "answers": ["@@"]}, ensure_ascii=False, indent=2)
    answers = ",\n".join("    " + json.dumps(a, ensure_ascii=False) for a in payload["answers"])
    print("payload:")
    print(text.replace('    "@@"', answers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
