"""The selected homework: it composes the header (:mod:`.page_header`), the drop zone
and file-name pattern (:mod:`.drop_area`), the batch (:mod:`.batch_panel`), the filter
bar and the cards (:mod:`.card_list`), and wires them in :meth:`HomeworkPage._wire`.

Reads (the cards, the counts, unfinished files, who has not handed in) run on the
``"db"`` lane, and so do decisions (:mod:`.decisions`) and "Export class list…"
(:mod:`.class_list`); analysis runs on ``"work"``. The store is the truth: after a
batch or a decision the page reads again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from academy_desktop.store import homework as homework_store
from academy_desktop.store.homework import (
    CardFilter,
    HomeworkCard,
    HomeworkSummary,
    get_homework,
    homework_summary,
)
from academy_desktop.store.homework_batch import unfinished
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework.batch_panel import (
    Analyse,
    HomeworkBatchController,
    HomeworkBatchPanel,
    HomeworkRunSummary,
)
from academy_desktop.ui.homework.card import HomeworkCardWidget, badge_style
from academy_desktop.ui.homework.card_list import HomeworkCardList
from academy_desktop.ui.homework.class_list import ClassListExport, Missing, missing_students
from academy_desktop.ui.homework.decisions import Decided, HomeworkDecisions
from academy_desktop.ui.homework.drop_area import DropArea, FileNamePattern, paths_of
from academy_desktop.ui.homework.page_header import FilterBar, HomeworkHeader, ResumeBar
from academy_desktop.ui.ops import BackgroundOp, OpHandle, OpState
from academy_desktop.ui.text import localized

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
    missing: Missing | None


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
        self.missing: Missing | None = None
        self.filter: CardFilter = "all"
        self._due = ""
        self._unfinished = 0
        self._loading = False
        self._reload_again = False
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE)

        self.batch = HomeworkBatchController(ctx, self, analyse)
        self.header = HomeworkHeader(self)
        self.resume_bar = ResumeBar(self)
        self.drop = DropArea(self)
        self.file_pattern = FileNamePattern(self)
        self.message = QLabel(self)
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.message.hide()
        self.batch_panel = HomeworkBatchPanel(self.batch, self)
        self.filters = FilterBar(self)
        self.cards = HomeworkCardList(ctx, self)
        self.scroll_area = self.cards  # the scrolling list of cards (screenshots scroll it)
        self.decisions = HomeworkDecisions(ctx, self.cards, self)
        self.class_list = ClassListExport(ctx, self)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_MS)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        for part in (
            self.header,
            self.resume_bar,
            self.drop,
            self.file_pattern,
            self.message,
            self.batch_panel,
            self.filters,
        ):
            layout.addWidget(part)
        layout.addWidget(self.cards, 1)
        self._wire()
        self.retranslate()

    def _wire(self) -> None:
        """Every connection between the page's parts, in one place."""
        h, cards, decisions, batch = self.header, self.cards, self.decisions, self.batch
        h.edit_button.clicked.connect(self._edit)
        h.export_button.clicked.connect(self.export_class_list)
        h.send_button.clicked.connect(self._send)
        self.class_list.files.busy_changed.connect(
            lambda busy: h.export_button.setEnabled(not busy and self.summary is not None)
        )
        self.resume_bar.button.clicked.connect(self.resume)
        self.drop.paths_dropped.connect(self.add_paths)
        self.filters.filter_chosen.connect(self.set_filter)
        cards.built.connect(self.cards_loaded)
        cards.confirm_requested.connect(lambda sid: decisions.decide(sid, "confirm"))
        cards.verdict_requested.connect(
            lambda sid, verdict, reason: decisions.decide(sid, "verdict", verdict, reason)
        )
        cards.undo_requested.connect(lambda sid: decisions.decide(sid, "undo"))
        cards.pick_student_requested.connect(decisions.pick_student)
        decisions.decided.connect(self._decided)
        self._reload_timer.timeout.connect(self.reload)
        batch.file_done.connect(
            lambda _o: self._reload_timer.isActive() or self._reload_timer.start()
        )
        batch.finished.connect(self._batch_finished)
        batch.failed.connect(lambda _m: self._batch_finished(None))
        batch.running_changed.connect(lambda _r: self._update_resume())

    # -- text ------------------------------------------------------------------
    def retranslate(self) -> None:
        for part in (self.header, self.drop, self.file_pattern, self.filters):
            part.retranslate()
        self.update_send()
        self._update_empty()
        self._update_resume()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_summary(self) -> None:
        self.header.show_summary(self.summary, self._due, self.missing)
        self.filters.set_summary(self.summary)
        self._update_empty()

    def _update_empty(self) -> None:
        s = self.summary
        if self.homework_id is None or s is None:
            text = ""
        elif s.files == 0:
            text = self.tr("No files yet. Drop the students' videos or photos above.")
        else:
            text = self.tr("No files match this filter.")
        self.cards.set_empty_text(text)

    def _update_resume(self) -> None:
        running_here = self.batch.running and self.batch.homework_id == self.homework_id
        here = self.homework_id is not None and not running_here
        self.resume_bar.show_unfinished(self._unfinished if here else 0)

    def update_send(self) -> None:
        """Enable "Send to server" when there are files and the server's homework id."""
        self.header.update_send()

    # -- showing a homework ----------------------------------------------------
    def show_homework(self, homework_id: int | None) -> None:
        if homework_id != self.homework_id:
            self.cards.clear()
            self.summary = None
            self.missing = None
            self._due = ""
            self._unfinished = 0
            self.message.hide()
            self.header.send_status.hide()
            self.filter = "all"
            self.filters.set_filter("all")
        self.homework_id = homework_id
        self.drop.setEnabled(homework_id is not None)
        self._show_summary()
        self.retranslate()
        if homework_id is not None:
            self.reload()

    def set_filter(self, f: CardFilter) -> None:
        self.filters.set_filter(f)
        if f != self.filter:
            self.filter = f
            self.reload()

    def reload(self) -> None:
        """Read the cards, the counts, the unfinished files and who is missing (db lane)."""
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
                missing = missing_students(s, hid)
            return Loaded(hid, summary, found, len(unfinished(ws, hid)), due, f, missing)

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
        self.summary, self.missing = data.summary, data.missing
        self._due, self._unfinished = data.due, data.unfinished
        self._show_summary()
        self._update_resume()
        self.update_send()
        self.changed.emit(data.homework_id)
        self.cards.show_cards(data.cards)

    @property
    def settled(self) -> bool:
        """No read running and every card built: what is on screen matches the store."""
        return not self._loading and not self.cards.building

    @property
    def _to_build(self) -> list[HomeworkCard]:  # read by tests/ui/homework_scene.py
        return self.cards.to_build

    def visible_cards(self) -> list[HomeworkCardWidget]:
        """The cards in order (tests, screenshots)."""
        return self.cards.visible_cards()

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
        if self.file_pattern.check() is not None:
            self.file_pattern.toggle.setChecked(True)
            self.show_message(self.tr("Fix the file-name pattern first, or clear it."))
            return False
        self.show_message("")
        self.batch_panel.show()
        return self.batch.start(self.homework_id, list(paths), self.file_pattern.pattern())

    def resume(self) -> bool:
        if self.homework_id is None or self.batch.running:
            return False
        self.show_message("")
        return self.batch.resume(self.homework_id)

    def _batch_finished(self, summary: HomeworkRunSummary | None) -> None:
        self._reload_timer.stop()
        self.reload()

    # -- decisions ---------------------------------------------------------------
    def _decided(self, result: Decided) -> None:
        hid = result.card.homework_id
        if hid == self.homework_id:
            self.summary = result.summary
            self._show_summary()
            if self.summary.group_name:
                self._read_missing(hid)  # a picked (or unpicked) student hands in
        self.changed.emit(hid)
        self.decided.emit(result.card.submission_id)

    def _read_missing(self, hid: int) -> None:
        ws = self.ctx.workspace

        def work(_state: OpState) -> Missing | None:
            with ws.read() as s:
                return missing_students(s, hid)

        def done(missing: Missing | None) -> None:
            if hid == self.homework_id:
                self.missing = missing
                self._show_summary()

        BackgroundOp(self, work, done).failure(lambda _exc: None).run_in_background(
            self.ctx.runner, "db"
        )  # the next read says what is wrong

    # -- the header's buttons ------------------------------------------------------
    def _edit(self) -> None:
        if self.homework_id is not None:
            self.edit_requested.emit(self.homework_id)

    def export_class_list(self) -> OpHandle | None:
        """ "Export class list…": ask where (``<title>.xlsx``), then write it."""
        if self.homework_id is None or self.summary is None:
            return None
        return self.class_list.export(self.homework_id, self.summary.title)

    def _send(self) -> None:
        if self.homework_id is not None:
            self.send_requested.emit(self.homework_id)

    def show_sent(self, summary: object) -> None:
        """After "Send to server": what went into the outbox."""
        self.header.show_sent(summary)


__all__ = ["HomeworkPage"]
