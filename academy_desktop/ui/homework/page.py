"""The selected homework: header, drop zone, batch progress, filter bar and cards.

Reads (the cards, the counts, unfinished files) and decisions (confirm, change the
verdict, pick the student, undo) run on the ``"db"`` lane; analysis on ``"work"``
(:mod:`.batch_panel`). Every decision re-reads its card from the store, which is
the truth, and the counts with it. Cards are built a few at a time and their
pictures are loaded only when they scroll near the view, so a homework of 40 videos
opens and scrolls smoothly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store import homework as homework_store
from academy_desktop.store.homework import (
    CardFilter,
    HomeworkCard,
    HomeworkSummary,
    get_homework,
    homework_summary,
    match_file,
)
from academy_desktop.store.homework_batch import IMAGE_SUFFIXES, VIDEO_SUFFIXES, unfinished
from academy_desktop.store.review import STUDENT_FIELD, VERDICT_FIELD, set_value, undo_last
from academy_desktop.store.roster_search import RosterEntry, load_roster
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework import sync_actions
from academy_desktop.ui.homework.batch_panel import (
    Analyse,
    HomeworkBatchController,
    HomeworkBatchPanel,
    HomeworkRunSummary,
)
from academy_desktop.ui.homework.card import HomeworkCardWidget, badge_style
from academy_desktop.ui.homework.frames_view import FrameLoader, FrameViewer, Thumb
from academy_desktop.ui.homework.verdicts import VERDICTS, legend_text, verdict_icon, verdict_text
from academy_desktop.ui.icons import icon
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.review.student_picker import StudentPicker
from academy_desktop.ui.text import localized

FILTERS: tuple[CardFilter, ...] = (
    "all",
    "review",
    "unmatched",
    "wrote",
    "little_writing",
    "no_writing",
    "unreadable",
)
BUILD_CHUNK = 1  # cards created per turn of the event loop
RELOAD_MS = 400  # during a batch, cards are re-read at most this often

STYLE = """
#homeworkCard { background: palette(base); border: 1px solid #cbd5e1; border-radius: 8px; }
#homeworkCard[current="true"] { border: 2px solid #2563eb; }
#cardStudent { font-weight: bold; font-size: 12pt; }
#cardStudent[unmatched="true"] { color: #b3261e; }
#cardDetails, #hint, #frameStatus { color: #475569; }
#toCheck { color: #9a3412; background: #ffedd5; border: 1px solid #fb923c;
           border-radius: 8px; padding: 1px 6px; font-weight: bold; }
#homeworkDrop { border: 2px dashed #94a3b8; border-radius: 10px; background: #f8fafc; }
#homeworkDrop[hover="true"] { border-color: #2563eb; background: #eff6ff; }
#homeworkBatch { background: #f1f5f9; border: 1px solid #cbd5e1; border-radius: 6px; }
#patternError { color: #b3261e; }
#cardsContainer { background: transparent; }
""" + badge_style()


@dataclass(frozen=True)
class Loaded:
    homework_id: int
    summary: HomeworkSummary
    cards: list[HomeworkCard]
    unfinished: int
    due: str
    filter: CardFilter


@dataclass(frozen=True)
class Decided:
    card: HomeworkCard
    summary: HomeworkSummary
    nothing: bool = False  # an undo with nothing to undo


def paths_of(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def check_pattern(pattern: str) -> str | None:
    """``None`` when the file-name pattern can be used, ``"invalid"`` when it is not a
    regular expression, ``"group"`` when it has no ``number`` or ``name`` group."""
    try:
        rx = re.compile(pattern)
    except re.error:
        return "invalid"
    if not {"number", "name"} & set(rx.groupindex):
        return "group"
    return None


class DropArea(QFrame):
    """A compact place to drop videos, photos or folders, with "Add files…"."""

    paths_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeworkDrop")
        self.setAcceptDrops(True)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.add_button = QPushButton(self)
        self.add_button.setIcon(icon("open"))
        self.add_button.clicked.connect(self.choose_files)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.label, 1)
        row.addWidget(self.add_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(
            self.tr(
                "Drop the students' homework here: videos (mp4, mov), photos (jpg, png), "
                "PDFs or whole folders."
            )
        )
        self.add_button.setText(self.tr("Add files…"))

    def choose_files(self) -> None:
        videos = " ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES))
        images = " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES))
        files, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Add homework files"),
            "",
            self.tr("Homework ({patterns});;All files (*)").format(patterns=f"{videos} {images}"),
        )
        if files:
            self.paths_dropped.emit([Path(f) for f in files])

    def _hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if paths_of(event):
            event.acceptProposedAction()
            self._hover(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QEvent) -> None:
        self._hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._hover(False)
        paths = paths_of(event)
        if paths:
            event.acceptProposedAction()
            self.paths_dropped.emit(paths)
        else:
            event.ignore()


class HomeworkPage(QWidget):
    """The selected homework (:meth:`show_homework`)."""

    changed = Signal(int)  # homework id: counts changed (the sidebar follows)
    send_requested = Signal(int)  # homework id: "Send to server"
    edit_requested = Signal(int)  # homework id
    cards_loaded = Signal()  # the cards on screen match the store (tests wait for it)
    decided = Signal(int)  # submission id: a decision was written and re-read

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, analyse: Analyse | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.homework_id: int | None = None
        self.summary: HomeworkSummary | None = None
        self.filter: CardFilter = "all"
        self.card_widgets: dict[int, HomeworkCardWidget] = {}
        self.order: list[int] = []
        self._due = ""
        self._to_build: list[HomeworkCard] = []
        self._loading = False
        self._reload_again = False
        self._unfinished = 0
        self.picker: StudentPicker | None = None  # the open student picker, if any
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE)

        self.batch = HomeworkBatchController(ctx, self, analyse)
        self.loader = FrameLoader(ctx, self)
        self.loader.loaded.connect(self._thumbs_loaded)

        # header
        self.title = QLabel(self)
        self.title.setObjectName("examTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel(self)
        self.details.setObjectName("examDetails")
        self.details.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(
            lambda: self.homework_id is not None and self.edit_requested.emit(self.homework_id)
        )
        self.send_button = QPushButton(self)
        self.send_button.clicked.connect(self._send)
        self.send_status = QLabel(self)
        self.send_status.setObjectName("hint")
        self.send_status.setWordWrap(True)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.details)
        titles.addWidget(self.counts)
        head.addLayout(titles, 1)
        head_buttons = QVBoxLayout()
        head_buttons.addWidget(self.edit_button)
        head_buttons.addWidget(self.send_button)
        head_buttons.addStretch(1)
        head.addLayout(head_buttons)

        # resume banner
        self.resume_bar = QFrame(self)
        self.resume_bar.setObjectName("infoBar")
        self.resume_label = QLabel(self.resume_bar)
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self.resume_bar)
        self.resume_button.setIcon(icon("resume"))
        self.resume_button.clicked.connect(self.resume)
        bar = QHBoxLayout(self.resume_bar)
        bar.addWidget(self.resume_label, 1)
        bar.addWidget(self.resume_button)
        self.resume_bar.hide()

        # drop zone and the file-name pattern (advanced, collapsed)
        self.drop = DropArea(self)
        self.drop.paths_dropped.connect(self.add_paths)
        self.advanced = QToolButton(self)
        self.advanced.setCheckable(True)
        self.advanced.setAutoRaise(True)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.toggled.connect(self._toggle_advanced)
        self.pattern_box = QWidget(self)
        self.pattern_label = QLabel(self.pattern_box)
        self.pattern_label.setWordWrap(True)
        self.pattern_edit = QLineEdit(self.pattern_box)
        self.pattern_edit.setClearButtonEnabled(True)
        self.pattern_edit.setPlaceholderText(r"(?P<number>\d+)_")
        self.pattern_edit.textChanged.connect(lambda _t: self._check_pattern())
        self.pattern_error = QLabel(self.pattern_box)
        self.pattern_error.setObjectName("patternError")
        self.pattern_error.setWordWrap(True)
        pattern_layout = QVBoxLayout(self.pattern_box)
        pattern_layout.setContentsMargins(18, 0, 0, 0)
        pattern_layout.addWidget(self.pattern_label)
        pattern_layout.addWidget(self.pattern_edit)
        pattern_layout.addWidget(self.pattern_error)
        self.pattern_box.hide()
        self.message = QLabel(self)
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.message.hide()

        self.batch_panel = HomeworkBatchPanel(self.batch, self)

        # filter bar
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[CardFilter, QToolButton] = {}
        filters = QHBoxLayout()
        filters.setSpacing(4)
        for f in FILTERS:
            b = QToolButton(self)
            b.setCheckable(True)
            b.setAutoRaise(False)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            if f in VERDICTS:
                b.setIcon(verdict_icon(f))
            self.filter_group.addButton(b)
            self.filter_buttons[f] = b
            b.clicked.connect(lambda _c=False, f=f: self.set_filter(f))
            filters.addWidget(b)
        filters.addStretch(1)
        self.filter_buttons["all"].setChecked(True)

        # cards
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.container = QWidget(self.scroll_area)
        self.container.setObjectName("cardsContainer")
        self.cards_layout = QVBoxLayout(self.container)
        self.cards_layout.setContentsMargins(0, 0, 6, 0)
        self.cards_layout.setSpacing(8)
        self.empty = QLabel(self.container)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("hint")
        self.cards_layout.addWidget(self.empty)
        self.cards_layout.addStretch(1)
        self.scroll_area.setWidget(self.container)
        self._visible_timer = QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(60)
        self._visible_timer.timeout.connect(self._load_visible_pictures)
        scrollbar = self.scroll_area.verticalScrollBar()
        scrollbar.valueChanged.connect(lambda _v: self._visible_timer.start())
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_some)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_MS)
        self._reload_timer.timeout.connect(self.reload)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(head)
        layout.addWidget(self.send_status)
        layout.addWidget(self.resume_bar)
        layout.addWidget(self.drop)
        layout.addWidget(self.advanced)
        layout.addWidget(self.pattern_box)
        layout.addWidget(self.message)
        layout.addWidget(self.batch_panel)
        layout.addLayout(filters)
        layout.addWidget(self.scroll_area, 1)
        self.send_status.hide()

        self.batch.file_done.connect(
            lambda _o: self._reload_timer.isActive() or self._reload_timer.start()
        )
        self.batch.finished.connect(self._batch_finished)
        self.batch.failed.connect(lambda _m: self._batch_finished(None))
        self.batch.running_changed.connect(lambda _r: self._update_resume())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self.retranslate()

    # -- text ------------------------------------------------------------------
    def retranslate(self) -> None:
        self.edit_button.setText(self.tr("Edit…"))
        self.send_button.setText(self.tr("Send to server"))
        self.resume_button.setText(self.tr("Resume"))
        self.advanced.setText(self.tr("Match files to students by a file-name pattern (advanced)"))
        self.pattern_label.setText(
            self.tr(
                "Leave empty to match automatically: a student number or a roster name in "
                "the file name. A pattern is a regular expression with a group "
                "(?P<number>…) or (?P<name>…), e.g. (?P<number>\\d+)_ for 20240101_숙제.mp4."
            )
        )
        self._check_pattern()
        self._update_send()
        self._update_header()
        self._update_filters()
        self._update_empty()
        self._update_resume()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_header(self) -> None:
        s = self.summary
        if s is None or s.id != self.homework_id:
            self.title.setText("")
            self.details.setText("")
            self.counts.setText("")
            return
        self.title.setText(f"<h2>{_html(s.title)}</h2>")
        parts = []
        if self._due:
            parts.append(self.tr("Due {date}").format(date=self._due))
        else:
            parts.append(self.tr("No due date"))
        if s.group_name:
            parts.append(self.tr("Class {name}").format(name=s.group_name))
        if s.target_id is not None:
            parts.append(self.tr("Server homework id {id}").format(id=s.target_id))
        else:
            parts.append(self.tr("Not linked to the server"))
        self.details.setText("  ·  ".join(parts))
        counts = [self.tr("{n} files").format(n=s.files)]
        counts.append(self.tr("{n} to check").format(n=s.needs_review))
        if s.unmatched:
            counts.append(self.tr("{n} without a student").format(n=s.unmatched))
        for v in VERDICTS:
            if s.verdicts.get(v):
                counts.append(f"{verdict_text(v)} {s.verdicts[v]}")
        if s.pending:
            counts.append(self.tr("{n} not analysed").format(n=s.pending))
        self.counts.setText("  ·  ".join(counts))

    def filter_count(self, f: CardFilter) -> int:
        s = self.summary
        if s is None:
            return 0
        if f == "all":
            return s.files
        if f == "review":
            return s.needs_review
        if f == "unmatched":
            return s.unmatched
        return s.verdicts.get(f, 0)

    def _update_filters(self) -> None:
        names = {
            "all": self.tr("All"),
            "review": self.tr("To check"),
            "unmatched": self.tr("No student"),
            "wrote": verdict_text("wrote"),
            "little_writing": verdict_text("little_writing"),
            "no_writing": verdict_text("no_writing"),
            "unreadable": verdict_text("unreadable"),
        }
        for f, b in self.filter_buttons.items():
            b.setText(f"{names[f]} ({self.filter_count(f)})")
            b.setToolTip(legend_text() if f in VERDICTS else "")
        self.filter_buttons["review"].setToolTip(
            self.tr("Files the analysis was unsure about and nobody has checked yet")
        )

    def _update_empty(self) -> None:
        if self.order or self._to_build:
            self.empty.hide()
            return
        if self.homework_id is None or self.summary is None:
            self.empty.setText("")
        elif self.summary.files == 0:
            self.empty.setText(self.tr("No files yet. Drop the students' videos or photos above."))
        else:
            self.empty.setText(self.tr("No files match this filter."))
        self.empty.show()

    def _update_resume(self) -> None:
        running_here = self.batch.running and self.batch.homework_id == self.homework_id
        show = bool(self._unfinished) and not running_here and self.homework_id is not None
        if show:
            self.resume_label.setText(
                self.tr(
                    "{n} files were not analysed last time. The files already analysed are kept."
                ).format(n=self._unfinished)
            )
            self.resume_button.setText(
                self.tr("Resume {n} unfinished files").format(n=self._unfinished)
            )
        self.resume_bar.setVisible(show)

    def _update_send(self) -> None:
        has_files = self.summary is not None and self.summary.files > 0
        if not sync_actions.available():
            self.send_button.setEnabled(False)
            self.send_button.setToolTip(
                self.tr("Sending homework to the server is not available in this version yet.")
            )
        else:
            self.send_button.setEnabled(has_files)
            self.send_button.setToolTip(
                self.tr("Put the analysed files of this homework in the outbox and send them now")
            )

    # -- showing a homework ----------------------------------------------------
    def show_homework(self, homework_id: int | None) -> None:
        if homework_id != self.homework_id:
            self._clear_cards()
            self.summary = None
            self._due = ""
            self._unfinished = 0
            self.message.hide()
            self.send_status.hide()
            self.filter = "all"
            self.filter_buttons["all"].setChecked(True)
        self.homework_id = homework_id
        self.drop.setEnabled(homework_id is not None)
        self.retranslate()
        if homework_id is not None:
            self.reload()

    def set_filter(self, f: CardFilter) -> None:
        self.filter_buttons[f].setChecked(True)
        if f != self.filter:
            self.filter = f
            self.reload()

    def reload(self) -> None:
        """Read the cards, the counts and the unfinished files again (db lane)."""
        hid = self.homework_id
        if hid is None:
            return
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        ws, f = self.ctx.workspace, self.filter

        def work(_state: OpState) -> Loaded:
            with ws.read() as s:
                hw = get_homework(s, hid)
                due = f"{hw.due_date:%Y-%m-%d}" if hw.due_date else ""
                summary = homework_summary(s, hid)
                found = homework_store.cards(s, hid, f)
            return Loaded(hid, summary, found, len(unfinished(ws, hid)), due, f)

        def failed(exc: BaseException) -> None:
            self._loading = False
            self.show_message(localized(str(exc)))

        BackgroundOp(self, work, self._loaded).failure(failed).run_in_background(
            self.ctx.runner, "db"
        )

    def _loaded(self, data: Loaded) -> None:
        self._loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        if data.homework_id != self.homework_id or data.filter != self.filter:
            return
        self.summary = data.summary
        self._due = data.due
        self._unfinished = data.unfinished
        wanted = [c.submission_id for c in data.cards]
        for sid in list(self.card_widgets):
            if sid not in wanted:
                gone = self.card_widgets.pop(sid)
                self.cards_layout.removeWidget(gone)
                gone.deleteLater()
        self._to_build = []
        for c in data.cards:
            w = self.card_widgets.get(c.submission_id)
            if w is None:
                self._to_build.append(c)
            elif w.card != c:
                if w.card.frame_ids != c.frame_ids:
                    self.loader.forget([c.submission_id])
                w.set_card(c)
        self.order = wanted
        self._relayout()
        self._update_header()
        self._update_filters()
        self._update_resume()
        self._update_send()
        self.changed.emit(data.homework_id)
        if self._to_build:
            self._build_timer.start()
        else:
            self._visible_timer.start()
            self.cards_loaded.emit()

    def _build_some(self) -> None:
        for c in self._to_build[:BUILD_CHUNK]:
            self.card_widgets[c.submission_id] = self._make_card(c)
        self._to_build = self._to_build[BUILD_CHUNK:]
        self._relayout()
        if self._to_build:
            self._build_timer.start()
        else:
            self._visible_timer.start()
            self.cards_loaded.emit()

    def _make_card(self, c: HomeworkCard) -> HomeworkCardWidget:
        w = HomeworkCardWidget(c, self.container)
        w.confirm_requested.connect(lambda sid: self.decide(sid, "confirm"))
        w.verdict_requested.connect(
            lambda sid, verdict, reason: self.decide(sid, "verdict", verdict, reason)
        )
        w.undo_requested.connect(lambda sid: self.decide(sid, "undo"))
        w.pick_student_requested.connect(self.pick_student)
        w.frame_clicked.connect(self.open_frame)
        w.move_requested.connect(self.move_from)
        return w

    def _relayout(self) -> None:
        """The built cards in the store's order (students by number, then the rest)."""
        layout = self.cards_layout
        wanted = [self.card_widgets[sid] for sid in self.order if sid in self.card_widgets]
        for position, w in enumerate(wanted):  # only what moved (cheap while building)
            index = layout.indexOf(w)
            if index != position:
                if index >= 0:
                    layout.removeWidget(w)
                layout.insertWidget(position, w)
                w.show()
        self._update_empty()

    def _clear_cards(self) -> None:
        self._build_timer.stop()
        self._to_build = []
        for w in self.card_widgets.values():
            self.cards_layout.removeWidget(w)
            w.deleteLater()
        self.card_widgets.clear()
        self.order = []
        self.loader.forget()

    # -- pictures, lazily ------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._visible_timer.start()  # more cards may be in view now

    def _load_visible_pictures(self) -> None:
        viewport = self.scroll_area.viewport()
        top = self.scroll_area.verticalScrollBar().value()
        h = viewport.height()
        area = QRect(0, top - h // 2, viewport.width(), h * 2)
        self.loader.ratio = self.devicePixelRatioF() or 1.0
        wanted = []
        for sid in self.order:
            w = self.card_widgets.get(sid)
            if w is None or not w.card.frame_ids or sid in self.loader.requested:
                continue
            if w.geometry().intersects(area):
                wanted.append(sid)
        if wanted:
            self.loader.request(wanted)

    def _thumbs_loaded(self, sid: int, thumbs: list[Thumb]) -> None:
        w = self.card_widgets.get(sid)
        if w is not None:
            w.set_thumbs(thumbs)

    def open_frame(self, sid: int, frame_id: int) -> FrameViewer | None:
        w = self.card_widgets.get(sid)
        if w is None or not w.frames.thumbs:
            return None
        who = w.student.text()
        viewer = FrameViewer(
            self.loader, list(w.frames.thumbs), frame_id, f"{who} · {w.card.original_name}", self
        )
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        return viewer

    # -- files -----------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.homework_id is not None and paths_of(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = paths_of(event)
        if paths and self.homework_id is not None:
            event.acceptProposedAction()
            self.add_paths(paths)

    def _toggle_advanced(self, on: bool) -> None:
        self.pattern_box.setVisible(on)
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def _check_pattern(self) -> str | None:
        text = self.pattern_edit.text().strip()
        problem = check_pattern(text) if text else None
        if problem == "invalid":
            self.pattern_error.setText(self.tr("This is not a valid pattern."))
        elif problem == "group":
            self.pattern_error.setText(
                self.tr("The pattern needs a group (?P<number>…) or (?P<name>…).")
            )
        self.pattern_error.setVisible(problem is not None)
        return problem

    def pattern(self) -> str | None:
        text = self.pattern_edit.text().strip()
        return text or None

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def add_paths(self, paths: list[Path]) -> bool:
        """Analyse ``paths`` (files or folders) for this homework, in the background."""
        if self.homework_id is None or not paths:
            return False
        if self.batch.running:
            self.show_message(
                self.tr("Files are being analysed. Wait for them to finish or cancel first.")
            )
            return False
        if self._check_pattern() is not None:
            self.advanced.setChecked(True)
            self.show_message(self.tr("Fix the file-name pattern first, or clear it."))
            return False
        self.show_message("")
        self.batch_panel.show()
        return self.batch.start(self.homework_id, list(paths), self.pattern())

    def resume(self) -> bool:
        if self.homework_id is None or self.batch.running:
            return False
        self.show_message("")
        return self.batch.resume(self.homework_id)

    def _batch_finished(self, summary: HomeworkRunSummary | None) -> None:
        self._reload_timer.stop()
        self.reload()

    # -- decisions -------------------------------------------------------------
    def decide(
        self, sid: int, kind: str, value: str | None = None, reason: str | None = None
    ) -> None:
        """Write one decision (``confirm``, ``verdict``, ``student``, ``undo``), then
        re-read the card and the counts."""
        w = self.card_widgets.get(sid)
        hid = self.homework_id
        if hid is None:
            return
        staff = self.ctx.staff
        ws = self.ctx.workspace
        if w is not None:
            w.set_busy(True, self.tr("Saving…"))

        def work(_state: OpState) -> Decided:
            nothing = False
            with ws.write() as s:
                if kind == "confirm":
                    engine = homework_store.card(s, sid).engine_verdict or ""
                    set_value(s, sid, VERDICT_FIELD, engine, decided_by=staff)
                elif kind == "verdict":
                    set_value(s, sid, VERDICT_FIELD, value or "", decided_by=staff, reason=reason)
                elif kind == "student":
                    set_value(s, sid, STUDENT_FIELD, value or "", decided_by=staff)
                else:
                    nothing = undo_last(s, sid, decided_by=staff) is None
                return Decided(homework_store.card(s, sid), homework_summary(s, hid), nothing)

        def done(result: Decided) -> None:
            self._decided(result, kind)

        def failed(exc: BaseException) -> None:
            card_widget = self.card_widgets.get(sid)
            if card_widget is not None:
                card_widget.set_busy(False, localized(str(exc)))

        BackgroundOp(self, work, done).failure(failed).run_in_background(self.ctx.runner, "db")

    def _decided(self, result: Decided, kind: str) -> None:
        c = result.card
        if c.homework_id == self.homework_id:
            self.summary = result.summary
            self._update_header()
            self._update_filters()
        w = self.card_widgets.get(c.submission_id)
        if w is not None:
            w.set_card(c)
            if result.nothing:
                w.set_busy(False, self.tr("Nothing to undo on this card."))
            elif kind == "undo":
                w.set_busy(False, self.tr("Undone."))
            elif kind == "student":
                w.set_busy(False, self.tr("Student set."))
            else:
                w.set_busy(False, self.tr("Saved."))
            if kind in ("confirm", "verdict") and w.from_key and w.hasFocus():
                self.move_from(c.submission_id, 1, True)
        self.changed.emit(c.homework_id)
        self.ctx.signals.submission_changed.emit(c.submission_id)
        self.decided.emit(c.submission_id)

    def pick_student(self, sid: int) -> None:
        """The roster picker, with the names a file could be (from its name) first."""
        w = self.card_widgets.get(sid)
        if w is None:
            return
        name, current = w.card.original_name, w.card.student_number
        ws = self.ctx.workspace

        def work(_state: OpState) -> list[RosterEntry]:
            with ws.read() as s:
                roster = load_roster(s)
            return list(match_file(name, roster).candidates)

        def found(candidates: list[RosterEntry]) -> None:
            self._open_picker(sid, current, candidates)

        BackgroundOp(self, work, found).failure(
            lambda exc: w.set_message(localized(str(exc)))
        ).run_in_background(self.ctx.runner, "db")

    def _open_picker(
        self, sid: int, current: str | None, candidates: list[RosterEntry]
    ) -> StudentPicker:
        picker = StudentPicker(self.ctx, self, current_number=current)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if candidates:
            names = {c.name for c in candidates}
            if len(names) == 1:
                picker.search.setText(next(iter(names)))
            picker.intro.setText(
                picker.intro.text()
                + "\n"
                + self.tr("The file name fits: {who}").format(
                    who=", ".join(f"{c.name} {c.number}" for c in candidates)
                )
            )
        picker.student_chosen.connect(lambda number: self.decide(sid, "student", number))
        picker.open()
        self.picker = picker
        return picker

    # -- keyboard --------------------------------------------------------------
    def move_from(self, sid: int, step: int, only_to_check: bool) -> None:
        """Focus the next (``step`` 1) or previous (-1) card, or card to check."""
        if sid not in self.order:
            return
        i = self.order.index(sid) + step
        while 0 <= i < len(self.order):
            w = self.card_widgets.get(self.order[i])
            if w is not None and (not only_to_check or (w.card.doubtful and w.analysed)):
                self.focus_card(self.order[i])
                return
            i += step

    def focus_card(self, sid: int) -> None:
        w = self.card_widgets.get(sid)
        if w is not None:
            w.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll_area.ensureWidgetVisible(w, 0, 20)

    def current_card(self) -> HomeworkCardWidget | None:
        return next((w for w in self.card_widgets.values() if w.property("current")), None)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        found: HomeworkCardWidget | None = None
        widget = new
        while widget is not None:
            if isinstance(widget, HomeworkCardWidget):
                found = widget
                break
            widget = widget.parentWidget()
        if found is None or found.parentWidget() is not self.container:
            return
        for w in self.card_widgets.values():
            w.set_current(w is found)

    # -- sending ---------------------------------------------------------------
    def _send(self) -> None:
        if self.homework_id is not None:
            self.send_requested.emit(self.homework_id)

    def show_sent(self, summary: object) -> None:
        """After "Send to server": what went into the outbox."""
        added = getattr(summary, "added", None)
        held = getattr(summary, "held", 0)
        if added is None:
            text = self.tr("The files are in the outbox.")
        else:
            text = self.tr("{n} files put in the outbox; {held} held until checked.").format(
                n=added, held=held
            )
        self.send_status.setText(text)
        self.send_status.show()

    def visible_cards(self) -> list[HomeworkCardWidget]:
        """The cards in order (tests, screenshots)."""
        return [self.card_widgets[sid] for sid in self.order if sid in self.card_widgets]

    def card_widget(self, sid: int) -> HomeworkCardWidget | None:
        return self.card_widgets.get(sid)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["FILTERS", "DropArea", "HomeworkPage", "check_pattern"]
