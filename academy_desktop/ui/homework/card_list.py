"""The homework's cards in a scroll area: built one per turn of the event loop, kept
in the store's order, their pictures loaded only when they scroll near the view, and
the keyboard's way between them (N/P to the next/previous card to check, the arrows
to the next/previous card).

The list only shows :class:`~academy_desktop.store.homework.HomeworkCard` data; the
cards' requests (confirm, change, undo, pick the student) leave through its signals.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from academy_desktop.store.homework import HomeworkCard
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework.card import HomeworkCardWidget
from academy_desktop.ui.homework.frames_view import FrameLoader, FrameViewer, Thumb

BUILD_CHUNK = 1  # cards created per turn of the event loop
VISIBLE_DELAY_MS = 60  # pictures are looked for this long after the last scroll


class HomeworkCardList(QScrollArea):
    """The cards of one homework (and filter), in order."""

    built = Signal()  # every card of the last :meth:`show_cards` is on screen
    confirm_requested = Signal(int)  # submission id
    verdict_requested = Signal(int, str, object)  # submission id, verdict, reason or None
    undo_requested = Signal(int)
    pick_student_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card_widgets: dict[int, HomeworkCardWidget] = {}
        self.order: list[int] = []  # submission ids, in the store's order
        self.to_build: list[HomeworkCard] = []
        self.loader = FrameLoader(ctx, self)
        self.loader.loaded.connect(self._thumbs_loaded)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.container = QWidget(self)
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
        self.setWidget(self.container)
        self._visible_timer = QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(VISIBLE_DELAY_MS)
        self._visible_timer.timeout.connect(self._load_visible_pictures)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._visible_timer.start())
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_some)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    @property
    def building(self) -> bool:
        return bool(self.to_build)

    # -- showing ---------------------------------------------------------------
    def show_cards(self, cards: list[HomeworkCard]) -> None:
        """Show ``cards`` (the store's latest): cards that went away are removed, changed
        ones updated in place, new ones built a few at a time; :attr:`built` follows."""
        wanted = [c.submission_id for c in cards]
        for sid in list(self.card_widgets):
            if sid not in wanted:
                gone = self.card_widgets.pop(sid)
                self.cards_layout.removeWidget(gone)
                gone.deleteLater()
        self.to_build = []
        for c in cards:
            w = self.card_widgets.get(c.submission_id)
            if w is None:
                self.to_build.append(c)
            elif w.card != c:
                if w.card.frame_ids != c.frame_ids:
                    self.loader.forget([c.submission_id])
                w.set_card(c)
        self.order = wanted
        self._relayout()
        self._next_step()

    def clear(self) -> None:
        self._build_timer.stop()
        self.to_build = []
        for w in self.card_widgets.values():
            self.cards_layout.removeWidget(w)
            w.deleteLater()
        self.card_widgets.clear()
        self.order = []
        self.loader.forget()
        self._update_empty()

    def set_empty_text(self, text: str) -> None:
        """What the list says when it has no card (no files yet, none for the filter)."""
        self.empty.setText(text)
        self._update_empty()

    def _update_empty(self) -> None:
        self.empty.setVisible(not self.order and not self.to_build and bool(self.empty.text()))

    def _next_step(self) -> None:
        """Build more cards on the next turn, or, when all are built, load the pictures
        of the visible ones and say so."""
        if self.to_build:
            self._build_timer.start()
        else:
            self._visible_timer.start()
            self.built.emit()

    def _build_some(self) -> None:
        for c in self.to_build[:BUILD_CHUNK]:
            self.card_widgets[c.submission_id] = self._make_card(c)
        self.to_build = self.to_build[BUILD_CHUNK:]
        self._relayout()
        self._next_step()

    def _make_card(self, c: HomeworkCard) -> HomeworkCardWidget:
        w = HomeworkCardWidget(c, self.container)
        w.confirm_requested.connect(self.confirm_requested)
        w.verdict_requested.connect(self.verdict_requested)
        w.undo_requested.connect(self.undo_requested)
        w.pick_student_requested.connect(self.pick_student_requested)
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

    def visible_cards(self) -> list[HomeworkCardWidget]:
        """The built cards in order (tests, screenshots)."""
        return [self.card_widgets[sid] for sid in self.order if sid in self.card_widgets]

    def card_widget(self, sid: int) -> HomeworkCardWidget | None:
        return self.card_widgets.get(sid)

    # -- pictures, lazily ------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._visible_timer.start()  # more cards may be in view now

    def _load_visible_pictures(self) -> None:
        viewport = self.viewport()
        top = self.verticalScrollBar().value()
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
        """The large view of one key frame, with its card's other frames."""
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
            self.ensureWidgetVisible(w, 0, 20)

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


__all__ = ["BUILD_CHUNK", "HomeworkCardList"]
