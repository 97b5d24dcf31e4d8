"""Screenshots of every main screen, on a demo workspace (the bundled samples and roster).

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \\
        .venv/bin/python bench/screenshots.py /tmp/shots [ko|en]

Add ``QT_SCALE_FACTOR=1.5`` (and a larger screen) to check high-DPI layouts. The
pictures in docs/img come from this script.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from synth.spoil import spoiled_scan  # noqa: E402
from ui.ui_helpers import SAMPLES, TEMPLATES, distinct_copies, grade_samples, make_exam  # noqa: E402

from academy_desktop.engine.answerkey import load_key  # noqa: E402
from academy_desktop.engine.template.discovery import load_template  # noqa: E402
from academy_desktop.settings import Settings  # noqa: E402
from academy_desktop.store import roster  # noqa: E402
from academy_desktop.store.database import Workspace  # noqa: E402
from academy_desktop.store.results import ResultFilter, list_results  # noqa: E402
from academy_desktop.ui.app import install_translations, make_app  # noqa: E402
from academy_desktop.ui.context import AppContext  # noqa: E402
from academy_desktop.ui.exam_setup.key_editor import KeyEditorDialog  # noqa: E402
from academy_desktop.ui.exam_setup.new_exam_dialog import NewExamDialog  # noqa: E402
from academy_desktop.ui.exam_setup.roster_dialog import RosterImportDialog  # noqa: E402
from academy_desktop.ui.main_window import MainWindow  # noqa: E402
from academy_desktop.ui.ops import OpRunner  # noqa: E402
from academy_desktop.ui.rejected import CornersDialog  # noqa: E402
from academy_desktop.ui.settings_dialog import SettingsDialog  # noqa: E402

T20 = "3월 단원평가 (20문항)"
T45 = "4월 모의고사 (45문항)"


class Shooter:
    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out

    def pump(self, seconds: float = 0.5) -> None:
        end = time.time() + seconds
        while time.time() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def wait(self, done: Callable[[], bool], seconds: float = 30) -> None:
        end = time.time() + seconds
        while not done() and time.time() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def save(self, widget: QWidget, name: str) -> None:
        widget.grab().save(str(self.out / f"{name}.png"))


def demo_workspace(folder: Path) -> tuple[Workspace, int, int, list[QPointF]]:
    """Two exams graded from the bundled samples, a roster, and one spoiled page."""
    ws = Workspace.open(folder / "ws", staff="김선생")
    with ws.write() as s:
        roster.import_roster(s, roster.parse_roster(SAMPLES / "roster.csv"))
    e20 = make_exam(ws, T20)
    template = load_template(str(TEMPLATES / "kr-20q-5c-id8.json"))
    key = load_key(SAMPLES / "kr-20q-key.json")
    spoiled, clicks = spoiled_scan(
        SAMPLES / "kr-20q-sample-1.jpg", template, key, folder / "in" / "구겨진 답안지.jpg"
    )
    grade_samples(ws, T20, [*sorted(SAMPLES.glob("kr-20q-sample-*.jpg")), spoiled])
    e45 = make_exam(ws, T45, 45)
    grade_samples(ws, T45, [SAMPLES / "kr-45q-samples.pdf"])
    return ws, e20, e45, [QPointF(float(x), float(y)) for x, y in clicks]


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    language = sys.argv[2] if len(sys.argv) > 2 else "ko"
    app = make_app()
    install_translations(app, language)
    shot = Shooter(app, out)
    tmp = Path(tempfile.mkdtemp())
    ws, e20, _e45, clicks = demo_workspace(tmp)
    settings = Settings(staff_name="김선생", jobs=2, language=language)
    ctx = AppContext(ws, settings, OpRunner(), settings_path=tmp / "settings.json")
    w = MainWindow(ctx)
    w.resize(1400, 900)
    w.show()
    shot.pump()
    shot.save(w, "main-empty")

    w.sidebar.select_exam(e20)
    shot.pump(1)
    shot.save(w, "results")
    w.exam_page.tabs.setCurrentWidget(w.exam_page.rejected)
    shot.pump(2)
    w.exam_page.rejected.list.setCurrentRow(0)
    shot.pump(0.2)
    shot.save(w, "rejected")

    with ws.read() as s:
        rejected = list_results(s, e20, filter=ResultFilter.REJECTED)[0].submission_id
    corners = CornersDialog(ctx, rejected, w)
    corners.show()
    shot.wait(corners.marker_kind.isChecked)
    for p in clicks[:3]:
        corners.add_point(p)
    shot.pump()
    shot.save(corners, "corners")
    corners.reject()

    w.exam_page.tabs.setCurrentWidget(w.exam_page.stats)
    shot.pump(3)
    shot.save(w, "statistics-tab")
    w.exam_page.tabs.setCurrentWidget(w.exam_page.results)
    w.open_review()
    shot.wait(
        lambda: (
            w.review.current_sheet is not None
            and not w.review.busy
            and w.review.current_picture() is not None
        )
    )
    shot.pump(1)
    shot.save(w, "review")
    w.close_review()

    # homework: generated videos and photos of the roster's students, really analysed
    from ui.homework_scene import shoot_homework

    w.sidebar.select_exam(None)
    for path in shoot_homework(ctx, w, out, shot.pump):
        print("saved", path)
    w.resize(1400, 900)

    scans = distinct_copies(SAMPLES / "kr-20q-sample-3.jpg", tmp / "many", 120)
    w.open_paths(scans)
    shot.wait(lambda: w.batch_panel.done >= 40, 60)
    w.batch_panel.details_button.setChecked(True)
    shot.pump(0.3)
    shot.save(w, "batch")
    w.batch.cancel()
    shot.wait(lambda: not w.batch.running, 60)
    w.batch_panel.details_button.setChecked(False)

    new_exam = NewExamDialog(ctx, w, suggested_paths=[SAMPLES / "kr-45q-samples.pdf"])
    new_exam.show()
    shot.wait(lambda: new_exam.preview.page is not None)
    shot.pump(1)
    shot.save(new_exam, "new-exam")
    new_exam.reject()
    for dialog, name in (
        (KeyEditorDialog(ctx, e20, w), "key-editor"),
        (RosterImportDialog(ctx, w), "roster-import"),
        (SettingsDialog(ctx, w), "settings"),
    ):
        dialog.show()
        shot.pump(1.5)
        shot.save(dialog, name)
        dialog.reject()
    ctx.runner.shutdown()
    w.close()
    ws.close()
    print("screenshots in", out)


if __name__ == "__main__":  # the grading workers start by importing this module
    main()
