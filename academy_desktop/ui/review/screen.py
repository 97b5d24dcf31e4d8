"""The review screen: one queue over an exam (or a batch), the sheet, the controls.

Public API for the main window::

    screen = ReviewScreen(ctx)
    screen.open_queue(exam_id, submission_ids=None, start_submission=None)
    screen.back_requested.connect(...)

How it works:

* The queue (:func:`academy_desktop.store.review_queue.review_queue`) and each
  sheet's data (:func:`~academy_desktop.store.review_queue.load_sheet`) are read on
  the ``"db"`` lane; pictures are decoded and warped on the ``"work"`` lane. The
  sheets of the next few items are fetched ahead, so moving on only redraws.
* Every decision is a :class:`~academy_desktop.ui.review.commands.DecisionCommand`
  on a :class:`QUndoStack`; its store call runs on the ``"db"`` lane and returns the
  sheet as stored, which is drawn again (the store re-grades the sheet on each
  decision) and announced with ``ctx.signals.submission_changed``.

Keyboard (see :meth:`ReviewScreen.keyPressEvent`): ``1``-``9`` or ``A``-``E`` pick
a choice; keys pressed within :data:`MULTI_WINDOW_MS` of each other make a multi
answer (``2`` then ``4`` gives ``24``), committed when the window closes or at once
with ``Enter``; ``0``/``Del`` blank; ``Enter`` accepts the reading; ``N``/``P``
next/previous; ``Ctrl+Z``/``Ctrl+Y`` undo/redo; ``F2`` picks the student;
``Esc`` drops keys not yet committed.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QProgressBar,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.template.model import Field
from academy_desktop.store.review_queue import (
    STUDENT_FIELD,
    QueueItem,
    SheetData,
    load_sheet,
    progress,
    review_queue,
    toggle_value,
    update_items,
)
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.review.commands import Decision, DecisionCommand, Direction, apply_step
from academy_desktop.ui.review.controls import ReviewPanel, question_title
from academy_desktop.ui.review.flow import FlowLayout
from academy_desktop.ui.review.images import SheetImage, load_sheet_image
from academy_desktop.ui.review.scene import (
    STATUS_COLOURS,
    SheetScene,
    legend_entries,
    status_text,
)
from academy_desktop.ui.review.sheet_view import SheetView
from academy_desktop.ui.review.student_picker import StudentPicker
from academy_desktop.ui.text import localized

MULTI_WINDOW_MS = 400  # keys this close together make one multi-mark answer
PREFETCH_AHEAD = 3  # sheets fetched ahead of the current item
RELOAD_DELAY_MS = 300  # outside changes arriving in a burst reload the queue once
SHEET_CACHE = 64
IMAGE_CACHE = 5  # the current sheet, three ahead, one behind (~25 MB each)
_NAV_KEYS: dict[int, int] = {int(Qt.Key.Key_N): 1, int(Qt.Key.Key_P): -1}


@dataclasses.dataclass
class _Picture:
    image: SheetImage
    aligned: QPixmap
    aligned_half: QPixmap | None = None
    original: QPixmap | None = None
    original_half: QPixmap | None = None

    def pixmaps(self, original: bool) -> tuple[QPixmap, QPixmap | None]:
        """The picture and its half-size copy (made when first needed)."""
        if not original:
            return self.aligned, self.aligned_half
        if self.original is None:
            self.original = QPixmap.fromImage(self.image.original)
            if self.image.original_half is not None:
                self.original_half = QPixmap.fromImage(self.image.original_half)
        return self.original, self.original_half


class QueueModel(QAbstractListModel):
    """The queue as a list: each row one item, settled ones ticked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[QueueItem] = []
        self._icons: dict[str, QIcon] = {}

    def set_items(self, items: list[QueueItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def update_items(self, items: list[QueueItem]) -> None:
        changed = [i for i, (a, b) in enumerate(zip(self.items, items, strict=False)) if a != b]
        self.items = list(items)
        if changed:
            self.dataChanged.emit(self.index(min(changed)), self.index(max(changed)))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def _icon(self, colour: str, settled: bool) -> QIcon:
        key = f"{colour}{settled}"
        if key not in self._icons:
            pm = QPixmap(32, 32)
            pm.fill(Qt.GlobalColor.transparent)
            p = QPainter(pm)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            c = QColor(colour)
            p.setPen(c.darker(120))
            p.setBrush(c if settled else QColor(255, 255, 255, 0))
            p.drawEllipse(4, 4, 24, 24)
            if settled:
                p.setPen(QColor("white"))
                p.drawLine(10, 16, 14, 21)
                p.drawLine(14, 21, 22, 11)
            p.end()
            self._icons[key] = QIcon(pm)
        return self._icons[key]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if item.kind == "student":
                return f"{_student_reason_text(item.status)}\n{item.who}"
            first = f"{question_title(item.label)}  ·  {round(item.confidence * 100)}%"
            return f"{first}\n{status_text(item.status)} · {item.who}"
        if role == Qt.ItemDataRole.DecorationRole:
            colour = (
                STATUS_COLOURS["reviewed"]
                if item.settled
                else STATUS_COLOURS.get(item.status, STATUS_COLOURS["ambiguous"])
            )
            return self._icon(colour, item.settled)
        if role == Qt.ItemDataRole.ForegroundRole and item.settled:
            return QColor("#6e7781")
        return None


def _student_reason_text(reason: str) -> str:
    texts = {
        "unknown": QCoreApplication.translate("ReviewScreen", "Student not in the roster"),
        "duplicate": QCoreApplication.translate("ReviewScreen", "Student on two sheets"),
        "unclear": QCoreApplication.translate("ReviewScreen", "Student number unclear"),
        "confirmed": QCoreApplication.translate("ReviewScreen", "Student confirmed"),
    }
    return texts.get(reason, reason)


def _swatch(kind: str, colour: str, size: int = 16) -> QPixmap:
    """A legend sample, drawn at twice the size for high-DPI screens."""
    pm = QPixmap(size * 2, size * 2)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    c = QColor(colour)
    inner = QRectF(3.0, 3.0, size - 6.0, size - 6.0)
    if kind == "fill":
        fill = QColor(c)
        fill.setAlpha(140)
        p.setPen(QPen(c, 1.4))
        p.setBrush(fill)
        p.drawEllipse(inner)
    elif kind == "key":
        p.setPen(QPen(c, 1.0))
        p.drawEllipse(QRectF(1.0, 1.0, size - 2.0, size - 2.0))
        p.drawEllipse(QRectF(3.0, 3.0, size - 6.0, size - 6.0))
    elif kind == "correct":
        p.setPen(QPen(c, 1.8))
        p.drawEllipse(inner)
    elif kind == "wrong":
        p.setPen(QPen(c, 1.8))
        p.drawLine(QPointF(3.0, size - 3.0), QPointF(size - 3.0, 3.0))
    else:  # focus
        fill = QColor(c)
        fill.setAlpha(40)
        p.setPen(QPen(c, 1.6))
        p.setBrush(fill)
        p.drawRoundedRect(QRectF(1.5, 3.5, size - 3.0, size - 7.0), 3.0, 3.0)
    p.end()
    return pm


class ReviewScreen(QWidget):
    """Settle flagged answers and unknown students, one keystroke at a time."""

    back_requested = Signal()
    item_changed = Signal()  # the item in focus or its data changed (tests, status bars)
    queue_loaded = Signal(int)  # items in the queue

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.exam_id: int | None = None
        self.submission_ids: list[int] | None = None
        self.items: list[QueueItem] = []
        self.index: int | None = None  # position in the queue of the item in focus
        self.sub_id: int | None = None  # the sheet shown
        self.label: str | None = None  # the field in focus ("student" for the student)
        self.pending: list[str] | None = None  # choices typed, not committed yet
        self.original = False
        self.errors: list[str] = []  # every failure shown, newest last
        self._error: str | None = None  # the one on the banner (until the next move)
        self._generation = 0
        self._sheets: OrderedDict[int, SheetData] = OrderedDict()
        self._pictures: OrderedDict[int, _Picture] = OrderedDict()
        self._picture_errors: dict[int, str] = {}
        self._loading_sheets: set[int] = set()
        self._loading_pictures: set[int] = set()
        self._inflight = 0  # decisions written but not back yet
        self._fitted = False
        self._revealed: tuple[int | None, str | None, bool] | None = None
        self._announcing = False
        self.undo_stack = QUndoStack(self)
        self._multi_timer = QTimer(self)
        self._multi_timer.setSingleShot(True)
        self._multi_timer.setInterval(MULTI_WINDOW_MS)
        self._multi_timer.timeout.connect(self.commit_pending)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload_queue_now)
        self._build()
        ctx.signals.submission_changed.connect(self._on_submission_changed)
        ctx.signals.results_changed.connect(self._on_results_changed)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        bar = QFrame(self)
        bar.setObjectName("reviewBar")
        bar.setFrameShape(QFrame.Shape.NoFrame)
        bar.setStyleSheet(
            "#reviewBar { background: palette(window); border-bottom: 1px solid palette(mid); }"
        )
        top = QHBoxLayout(bar)
        top.setContentsMargins(8, 6, 8, 6)
        top.setSpacing(6)
        self.back_button = self._tool()
        self.back_button.clicked.connect(self.back_requested)
        self.title_label = QLabel("", bar)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title_label.setFont(font)
        self.progress_bar = QProgressBar(bar)
        self.progress_bar.setMinimumWidth(160)
        self.progress_bar.setTextVisible(True)
        self.prev_button = self._tool()
        self.next_button = self._tool()
        self.prev_button.clicked.connect(lambda: self.go_previous())
        self.next_button.clicked.connect(lambda: self.go_next())
        self.undo_button = self._tool()
        self.redo_button = self._tool()
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.fit_width_button = self._tool()
        self.fit_page_button = self._tool()
        self.original_box = QCheckBox(bar)
        self.original_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.original_box.toggled.connect(self.set_original)
        self.advance_box = QCheckBox(bar)
        self.advance_box.setChecked(True)
        self.advance_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.zoom_label = QLabel("", bar)
        self.zoom_label.setMinimumWidth(48)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.back_button)
        top.addSpacing(6)
        top.addWidget(self.title_label)
        top.addSpacing(12)
        top.addWidget(self.progress_bar)
        top.addWidget(self.prev_button)
        top.addWidget(self.next_button)
        top.addSpacing(8)
        top.addWidget(self.undo_button)
        top.addWidget(self.redo_button)
        top.addStretch(1)
        top.addWidget(self.advance_box)
        top.addWidget(self.original_box)
        top.addWidget(self.fit_width_button)
        top.addWidget(self.fit_page_button)
        top.addWidget(self.zoom_label)
        outer.addWidget(bar)

        self.banner = QLabel("", self)
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setContentsMargins(10, 6, 10, 6)
        outer.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.queue_model = QueueModel(self)
        queue_box = QWidget(self.splitter)
        ql = QVBoxLayout(queue_box)
        ql.setContentsMargins(0, 0, 0, 0)
        ql.setSpacing(0)
        self.queue_heading = QLabel(queue_box)
        self.queue_heading.setContentsMargins(8, 6, 8, 6)
        heading_font = self.queue_heading.font()
        heading_font.setBold(True)
        self.queue_heading.setFont(heading_font)
        self.queue_view = QListView(queue_box)
        ql.addWidget(self.queue_heading)
        ql.addWidget(self.queue_view, 1)
        self.queue_view.setModel(self.queue_model)
        self.queue_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.queue_view.setUniformItemSizes(True)
        self.queue_view.setIconSize(QSize(16, 16))
        self.queue_view.setMinimumWidth(170)
        self.queue_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.queue_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue_view.setSpacing(1)
        self.queue_view.setAlternatingRowColors(True)
        self.queue_view.clicked.connect(lambda idx: self.go_to(idx.row()))

        centre = QWidget(self.splitter)
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        self.scene = SheetScene(self)
        self.view = SheetView(self.scene, centre)
        self.view.bubble_clicked.connect(self.toggle_bubble)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{round(z * 100)}%"))
        self.fit_width_button.clicked.connect(self.view.fit_width)
        self.fit_page_button.clicked.connect(self.view.fit_page)
        cl.addWidget(self.view, 1)
        cl.addWidget(self._legend(centre))

        self.panel = ReviewPanel(self.scene, self.splitter)
        self.panel.choice_clicked.connect(self.toggle_choice)
        self.panel.blank_clicked.connect(self.set_blank)
        self.panel.accept_clicked.connect(self.accept_reading)
        self.panel.pick_student_clicked.connect(self.pick_student)
        self.splitter.addWidget(queue_box)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([220, 760, 400])
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)
        self.view.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed text again, in the current language (after a language switch)."""
        for button, text, tip in (
            (self.back_button, self.tr("‹ Results"), self.tr("Back to the results")),
            (self.prev_button, self.tr("‹ Previous (P)"), self.tr("Previous item (P)")),
            (self.next_button, self.tr("Next (N) ›"), self.tr("Next item still to settle (N)")),
            (self.undo_button, self.tr("Undo"), self.tr("Undo the last decision (Ctrl+Z)")),
            (self.redo_button, self.tr("Redo"), self.tr("Redo (Ctrl+Y)")),
            (self.fit_width_button, self.tr("Fit width"), self.tr("Zoom to the page's width")),
            (self.fit_page_button, self.tr("Fit page"), self.tr("Show the whole page")),
        ):
            button.setText(text)
            button.setToolTip(tip)
        self.original_box.setText(self.tr("Show original"))
        self.original_box.setToolTip(
            self.tr("Show the page as scanned, with the bubbles mapped onto it")
        )
        self.advance_box.setText(self.tr("Auto-advance"))
        self.advance_box.setToolTip(self.tr("Go to the next item after each decision"))
        self.queue_heading.setText(self.tr("Review queue"))
        self.queue_view.setToolTip(self.tr("Least sure first; a tick marks what is settled"))
        for label, (_kind, _colour, text) in zip(self.legend_labels, legend_entries(), strict=True):
            label.setText(text)
        self.queue_model.layoutChanged.emit()  # its rows are words too
        self._render()

    def _tool(self) -> QToolButton:
        b = QToolButton(self)
        b.setAutoRaise(True)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return b

    def _legend(self, parent: QWidget) -> QWidget:
        box = QFrame(parent)
        box.setObjectName("legend")
        box.setStyleSheet("#legend { border-top: 1px solid palette(mid); }")
        flow = FlowLayout(box, spacing=12)
        flow.setContentsMargins(10, 4, 10, 4)
        self.legend_labels: list[QLabel] = []
        for kind, colour, text in legend_entries():
            entry = QWidget(box)
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            icon = QLabel(entry)
            icon.setPixmap(_swatch(kind, colour))
            label = QLabel(text, entry)
            row.addWidget(icon)
            row.addWidget(label)
            flow.addWidget(entry)
            self.legend_labels.append(label)
        return box

    # ------------------------------------------------------------------ opening

    def open_queue(
        self,
        exam_id: int,
        submission_ids: Sequence[int] | None = None,
        start_submission: int | None = None,
    ) -> None:
        """Review ``exam_id`` (or only ``submission_ids`` of it, e.g. this batch),
        starting at ``start_submission``'s first item when given."""
        self._generation += 1
        self.exam_id = exam_id
        self.submission_ids = list(submission_ids) if submission_ids is not None else None
        self.items = []
        self.index = None
        self.sub_id = start_submission
        self.label = None
        self.pending = None
        self._fitted = False
        self.undo_stack.clear()
        self.queue_model.set_items([])
        self.setFocus(Qt.FocusReason.OtherFocusReason)  # the keys are the point
        self._load_queue(start_submission=start_submission)
        if start_submission is not None:
            self._request_sheet(start_submission)
        self._render()

    def _load_queue(self, *, start_submission: int | None = None, reload: bool = False) -> None:
        generation = self._generation
        exam_id = self.exam_id
        ids = self.submission_ids
        assert exam_id is not None

        def load(_state: OpState) -> list[QueueItem]:
            with self.ctx.workspace.read() as s:
                return review_queue(s, exam_id, ids)

        def loaded(items: list[QueueItem]) -> None:
            if generation != self._generation:
                return
            self._queue_loaded(items, start_submission, reload)

        BackgroundOp(self, load, loaded).failure(self._failed).run_in_background(
            self.ctx.runner, "db"
        )

    def _queue_loaded(self, items: list[QueueItem], start: int | None, reload: bool) -> None:
        self.items = items
        self.queue_model.set_items(items)
        if reload:  # stay where the user is, whatever changed around
            here = (self.sub_id, self.label)
            self.index = next((i for i, it in enumerate(items) if it.key == here), None)
        elif start is not None:
            mine = [i for i, it in enumerate(items) if it.submission_id == start]
            todo = [i for i in mine if not items[i].settled]
            self.index = (todo or mine)[0] if (todo or mine) else None
            if self.index is None:
                self.sub_id, self.label = start, None
        else:
            todo = [i for i, it in enumerate(items) if not it.settled]
            self.index = todo[0] if todo else (0 if items else None)
        if self.index is not None:
            it = items[self.index]
            self.sub_id, self.label = it.submission_id, it.label
        self.queue_loaded.emit(len(items))
        self._after_move()

    # ------------------------------------------------------------------ loading sheets and pictures

    def _request_sheet(self, sub_id: int) -> None:
        if sub_id in self._sheets or sub_id in self._loading_sheets:
            if sub_id in self._sheets:
                self._request_picture(self._sheets[sub_id])
            return
        self._loading_sheets.add(sub_id)
        folder = self.ctx.workspace.folder

        def load(_state: OpState) -> SheetData:
            with self.ctx.workspace.read() as s:
                return load_sheet(s, sub_id, folder)

        def failed(exc: BaseException) -> None:
            self._loading_sheets.discard(sub_id)
            self._failed(exc)

        BackgroundOp(self, load, self._sheet_loaded).failure(failed).run_in_background(
            self.ctx.runner, "db"
        )

    def _store_sheet(self, sheet: SheetData) -> None:
        self._sheets[sheet.submission_id] = sheet
        self._sheets.move_to_end(sheet.submission_id)
        while len(self._sheets) > SHEET_CACHE:
            self._sheets.popitem(last=False)

    def _sheet_loaded(self, sheet: SheetData) -> None:
        self._loading_sheets.discard(sheet.submission_id)
        self._store_sheet(sheet)
        self._request_picture(sheet)
        if sheet.submission_id == self.sub_id:
            self._render()

    def _request_picture(self, sheet: SheetData) -> None:
        sub_id = sheet.submission_id
        if (
            sub_id in self._pictures
            or sub_id in self._loading_pictures
            or sub_id in self._picture_errors
            or not sheet.graded
        ):
            return
        self._loading_pictures.add(sub_id)

        def failed(exc: BaseException) -> None:
            self._loading_pictures.discard(sub_id)
            self._picture_errors[sub_id] = localized(str(exc)) or type(exc).__name__
            if sub_id == self.sub_id:
                self._render()

        BackgroundOp(self, lambda _s: load_sheet_image(sheet), self._picture_loaded).failure(
            failed
        ).run_in_background(self.ctx.runner, "work")

    def _picture_loaded(self, image: SheetImage) -> None:
        sub_id = image.submission_id
        self._loading_pictures.discard(sub_id)
        half = QPixmap.fromImage(image.aligned_half) if image.aligned_half is not None else None
        picture = _Picture(image, QPixmap.fromImage(image.aligned), half)
        # the pixmaps hold the aligned picture now; the scan stays for "Show original"
        image.aligned, image.aligned_half = QImage(), None
        self._pictures[sub_id] = picture
        self._pictures.move_to_end(sub_id)
        for old in list(self._pictures):
            if len(self._pictures) <= IMAGE_CACHE:
                break
            if old not in (self.sub_id, sub_id):  # never the one on screen
                del self._pictures[old]
        if sub_id == self.sub_id:
            self._render()

    def is_prefetched(self, submission_id: int) -> bool:
        """Whether a sheet's data and picture are in memory (moving to it only draws)."""
        return submission_id in self._sheets and submission_id in self._pictures

    def clear_cache(self) -> None:
        """Forget every sheet and picture held in memory (they load again when shown)."""
        self._sheets.clear()
        self._pictures.clear()
        self._picture_errors.clear()

    def _prefetch(self) -> None:
        if not self.items:
            return
        start = self.index if self.index is not None else -1
        wanted: list[int] = []
        for it in self.items[start + 1 :]:
            if (
                not it.settled
                and it.submission_id not in wanted
                and it.submission_id != self.sub_id
            ):
                wanted.append(it.submission_id)
            if len(wanted) >= PREFETCH_AHEAD:
                break
        if start > 0:
            wanted.append(self.items[start - 1].submission_id)
        for sub_id in wanted:
            self._request_sheet(sub_id)

    # ------------------------------------------------------------------ drawing

    @property
    def current_sheet(self) -> SheetData | None:
        return self._sheets.get(self.sub_id) if self.sub_id is not None else None

    @property
    def current_item(self) -> QueueItem | None:
        return (
            self.items[self.index]
            if self.index is not None and self.index < len(self.items)
            else None
        )

    def current_picture(self) -> _Picture | None:
        return self._pictures.get(self.sub_id) if self.sub_id is not None else None

    def _render(self) -> None:
        sheet = self.current_sheet
        picture = self.current_picture()
        pixmap: QPixmap | None = None
        preview: QPixmap | None = None
        homography: np.ndarray | None = None
        if picture is not None:
            homography = picture.image.h
            pixmap, preview = picture.pixmaps(self.original)
        self.scene.show_sheet(
            sheet,
            pixmap,
            preview=preview,
            homography=homography,
            focus=self.label,
            pending=self.pending,
            original=self.original,
        )
        if sheet is not None and not self._fitted and not self.scene.page_rect().isEmpty():
            self._fitted = True
            self.view.fit_width()
        rect = self.scene.field_rect(self.label) if self.label else None
        self.panel.crop.show_rect(rect)
        here = (self.sub_id, self.label, picture is not None)
        if rect is not None and here != self._revealed:
            self._revealed = here
            self.view.reveal(rect)
        self.panel.show_item(
            sheet,
            self.label if sheet is not None else None,
            self.current_item,
            tuple(self.pending) if self.pending is not None else None,
        )
        self._update_header()
        self._update_banner()
        self.item_changed.emit()

    def _update_header(self) -> None:
        left, total = progress(self.items)
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(total - left)
        self.progress_bar.setFormat(self.progress_text())
        sheet = self.current_sheet
        self.title_label.setText(sheet.exam_title if sheet is not None else "")
        self.prev_button.setEnabled(bool(self.items) and (self.index or 0) > 0)
        self.next_button.setEnabled(left > 0)

    def progress_text(self) -> str:
        left, total = progress(self.items)
        if not total:
            return self.tr("Nothing to review")
        if not left:
            return self.tr("All {total} settled").format(total=total)
        return self.tr("{n} of {total} left").format(n=left, total=total)

    def _update_banner(self) -> None:
        text, colour = "", ""
        sheet = self.current_sheet
        if self._error:
            text, colour = self._error, "#ffebe9"
        elif self.sub_id is not None and self.sub_id in self._picture_errors:
            text = self.tr("The scan cannot be shown: {reason}").format(
                reason=self._picture_errors[self.sub_id]
            )
            colour = "#fff8c5"
        elif sheet is not None and not sheet.graded:
            text, colour = self.tr("This page was not graded."), "#fff8c5"
        elif self.items and not progress(self.items)[0]:
            text, colour = self.tr("Everything in this queue is settled."), "#dafbe1"
        self.banner.setVisible(bool(text))
        self.banner.setText(text)
        if colour:
            self.banner.setStyleSheet(f"background: {colour}; color: #1f2328;")

    def _failed(self, exc: BaseException) -> None:
        self._error = localized(str(exc)) or type(exc).__name__
        self.errors.append(self._error)
        self._update_banner()

    # ------------------------------------------------------------------ moving

    def go_to(self, index: int) -> None:
        if not 0 <= index < len(self.items):
            return
        self._drop_pending()
        self.index = index
        item = self.items[index]
        self.sub_id, self.label = item.submission_id, item.label
        self._after_move()

    def go_next(self) -> bool:
        """The next item still to settle (after the current one, then from the top)."""
        if not self.items:
            return False
        start = self.index if self.index is not None else -1
        order = list(range(start + 1, len(self.items))) + list(range(0, start + 1))
        for i in order:
            if not self.items[i].settled and i != self.index:
                self.go_to(i)
                return True
        return False

    def go_previous(self) -> bool:
        if self.index is None or self.index <= 0:
            return False
        self.go_to(self.index - 1)
        return True

    def show_submission(self, submission_id: int, label: str | None = None) -> None:
        """Show a sheet (and one of its fields) whether or not it is in the queue."""
        self._drop_pending()
        match = [
            i
            for i, it in enumerate(self.items)
            if it.submission_id == submission_id and (label is None or it.label == label)
        ]
        if match:
            self.go_to(match[0])
            return
        self.index = None
        self.sub_id, self.label = submission_id, label
        self._after_move()

    def _after_move(self) -> None:
        self._error = None
        if self.sub_id is not None:
            self._request_sheet(self.sub_id)
            if self.sub_id in self._sheets:
                self._sheets.move_to_end(self.sub_id)
            if self.sub_id in self._pictures:
                self._pictures.move_to_end(self.sub_id)
        self._render()
        if self.index is not None:
            self.queue_view.setCurrentIndex(self.queue_model.index(self.index))
            self.queue_view.scrollTo(self.queue_model.index(self.index))
        self._prefetch()

    # ------------------------------------------------------------------ deciding

    def _field(self) -> Field | None:
        sheet = self.current_sheet
        if sheet is None or not self.label or self.label == STUDENT_FIELD:
            return None
        if self.label in _id_parts(sheet):
            return None  # the student number is settled with the picker
        return sheet.template.field_map.get(self.label)

    def _ensure_staff(self) -> str | None:
        staff = (self.ctx.staff or "").strip()
        if staff:
            return staff
        name, ok = QInputDialog.getText(
            self,
            self.tr("Who is reviewing?"),
            self.tr(
                "Your name is written beside every decision (asked once, kept in the settings):"
            ),
        )
        name = name.strip()
        if not ok or not name:
            return None
        self.ctx.save_settings(dataclasses.replace(self.ctx.settings, staff_name=name))
        return name

    def decide(self, field: str, value: str, *, sub_id: int | None = None) -> bool:
        """Record ``value`` for ``field`` of the sheet (undoable); False if nothing to do."""
        sub_id = sub_id if sub_id is not None else self.sub_id
        sheet = self._sheets.get(sub_id) if sub_id is not None else None
        if sheet is None or sub_id is None:
            return False
        if field == STUDENT_FIELD:
            old = sheet.student_number or ""
        else:
            state = sheet.fields.get(field)
            if state is None:
                return False
            old = state.current_value
        staff = self._ensure_staff()
        if staff is None:
            return False
        decision = Decision(sub_id, field, old, value)
        name = self.tr("student") if field == STUDENT_FIELD else question_title(field)
        text = self.tr("{field}: {old} → {new}").format(
            field=name, old=old or "∅", new=value or "∅"
        )
        self.undo_stack.push(DecisionCommand(decision, text, self._run_step))
        # move on at once (the write follows in the background)
        item = self.current_item
        if item is not None and item.key == (sub_id, field) and self.advance_box.isChecked():
            self.items[self.index] = dataclasses.replace(item, settled=True)  # type: ignore[index]
            self.queue_model.update_items(self.items)
            if not self.go_next():
                self._render()
        return True

    def _run_step(self, command: DecisionCommand, direction: Direction) -> None:
        staff = (self.ctx.staff or "").strip()
        decision = command.decision
        first = direction == "redo" and command.ledger.newest is None
        if not first and (self.sub_id, self.label) != (decision.submission_id, decision.field):
            self.show_submission(decision.submission_id, decision.field)
        folder = self.ctx.workspace.folder
        self._inflight += 1

        def write(_state: OpState) -> SheetData:
            with self.ctx.workspace.write() as s:
                apply_step(s, decision, command.ledger, direction, staff)
                s.flush()
                return load_sheet(s, decision.submission_id, folder)

        def done(sheet: SheetData) -> None:
            self._inflight -= 1
            self._decided(sheet, decision.field == STUDENT_FIELD)

        def failed(exc: BaseException) -> None:
            self._inflight -= 1
            self.undo_stack.clear()  # the stack no longer matches what is stored
            self._failed(exc)
            self._reload_current()

        BackgroundOp(self, write, done).failure(failed).run_in_background(self.ctx.runner, "db")

    def _decided(self, sheet: SheetData, student: bool) -> None:
        self._store_sheet(sheet)
        self.items = update_items(self.items, sheet)
        self.queue_model.update_items(self.items)
        self._announcing = True
        try:
            self.ctx.signals.submission_changed.emit(sheet.submission_id)
        finally:
            self._announcing = False
        if student:  # shared students change on other sheets too
            self._load_queue(reload=True)
        if sheet.submission_id == self.sub_id:
            self._render()
        else:
            self._update_header()

    @property
    def busy(self) -> bool:
        """Whether decisions are still being written."""
        return self._inflight > 0

    def _reload_current(self) -> None:
        if self.sub_id is not None:
            self._sheets.pop(self.sub_id, None)
            self._request_sheet(self.sub_id)

    def set_answer(self, value: str) -> bool:
        """Record ``value`` for the field in focus."""
        if self._field() is None or self.label is None:
            return False
        return self.decide(self.label, value)

    def set_blank(self) -> bool:
        self._drop_pending()
        return self.set_answer("")

    def accept_reading(self) -> bool:
        """Keep the engine's reading (``Enter``); on a student item, confirm the student."""
        if self.pending is not None:
            return self.commit_pending()
        sheet = self.current_sheet
        if sheet is None or not self.label:
            return False
        if self.label == STUDENT_FIELD:
            if sheet.student_number:
                return self.decide(STUDENT_FIELD, sheet.student_number)
            self.pick_student()
            return False
        state = sheet.fields.get(self.label)
        return state is not None and self.set_answer(state.answer)

    def toggle_choice(self, value: str) -> bool:
        """Mark or unmark one choice of the field in focus (a click on its button)."""
        f = self._field()
        sheet = self.current_sheet
        if f is None or sheet is None or self.label is None:
            return False
        base = (
            "".join(self.pending)
            if self.pending is not None
            else sheet.fields[self.label].current_value
        )
        self._drop_pending()
        return self.set_answer(toggle_value(f, base, value))

    def toggle_bubble(self, label: str, value: str) -> None:
        """A click on a bubble: focus its question and toggle the bubble."""
        sheet = self.current_sheet
        if sheet is None or label in _id_parts(sheet) or label not in sheet.fields:
            return
        if label != self.label:
            self._drop_pending()
            match = [i for i, it in enumerate(self.items) if it.key == (sheet.submission_id, label)]
            self.index = match[0] if match else None
            self.label = label
            self._render()
        self.toggle_choice(value)

    def press_choice(self, value: str) -> None:
        """A choice key: start or extend the multi-mark window."""
        if self._field() is None:
            return
        if self.pending is None:
            self.pending = [value]
        elif value in self.pending:
            self.pending.remove(value)
        else:
            self.pending.append(value)
        self._multi_timer.start()
        self._render()

    def commit_pending(self) -> bool:
        f = self._field()
        pending = self.pending
        self._multi_timer.stop()
        self.pending = None
        if f is None or pending is None:
            self._render()
            return False
        value = "".join(v for v in f.values if v in pending)
        return self.set_answer(value)

    def _drop_pending(self) -> None:
        if self.pending is not None:
            self._multi_timer.stop()
            self.pending = None

    def undo(self) -> None:
        self._drop_pending()
        if self.undo_stack.canUndo():
            self.undo_stack.undo()

    def redo(self) -> None:
        self._drop_pending()
        if self.undo_stack.canRedo():
            self.undo_stack.redo()

    # ------------------------------------------------------------------ the student

    def pick_student(self) -> StudentPicker | None:
        sheet = self.current_sheet
        if sheet is None or not sheet.graded:
            return None
        picker = StudentPicker(
            self.ctx,
            self,
            read_number=sheet.student_number_read,
            current_number=sheet.student_number,
        )
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sub_id = sheet.submission_id
        picker.student_chosen.connect(lambda number: self.choose_student(number, sub_id))
        picker.open()
        self.picker = picker
        return picker

    def choose_student(self, number: str, sub_id: int | None = None) -> bool:
        sub_id = sub_id if sub_id is not None else self.sub_id
        if sub_id is not None and sub_id != self.sub_id:
            return self.decide(STUDENT_FIELD, number, sub_id=sub_id)
        self.label = STUDENT_FIELD if self.label is None else self.label
        return self.decide(STUDENT_FIELD, number)

    # ------------------------------------------------------------------ view options

    def set_original(self, on: bool) -> None:
        if self.original == bool(on):
            return
        self.original = bool(on)
        if self.original_box.isChecked() != self.original:
            self.original_box.setChecked(self.original)
        self._render()
        self.view.fit_page()
        if self.label:
            self.view.reveal(self.scene.field_rect(self.label))

    # ------------------------------------------------------------------ keyboard

    def eventFilter(self, obj: Any, event: Any) -> bool:
        # keys typed while the sheet view has focus are ours (it would scroll with some)
        if (
            obj is self.view
            and isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
            and self._handle_key(event)
        ):
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._handle_key(event):
            super().keyPressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
            return True
        if event.matches(QKeySequence.StandardKey.Redo) or (
            event.key() == Qt.Key.Key_Y and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.redo()
            return True
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods & ~Qt.KeyboardModifier.ShiftModifier:
            return False  # Ctrl/Alt combinations belong to the window
        key = int(event.key())
        if key in _NAV_KEYS:
            if _NAV_KEYS[key] > 0:
                self.go_next()
            else:
                self.go_previous()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept_reading()
            return True
        if key == Qt.Key.Key_Escape and self.pending is not None:
            self._drop_pending()
            self._render()
            return True
        if key == Qt.Key.Key_F2:
            self.pick_student()
            return True
        if key == Qt.Key.Key_Space and self.label == STUDENT_FIELD:
            self.pick_student()
            return True
        if key == Qt.Key.Key_Delete:
            self.set_blank()
            return True
        f = self._field()
        if f is None:
            return False
        value = _choice_for_key(f, key)
        if value == "":
            self.set_blank()
            return True
        if value is not None:
            self.press_choice(value)
            return True
        return False

    # ------------------------------------------------------------------ outside changes

    def _on_submission_changed(self, sub_id: int) -> None:
        """Another screen changed a sheet (a decision, a manual alignment): load it again."""
        if self._announcing:
            return
        self._sheets.pop(sub_id, None)
        self._pictures.pop(sub_id, None)  # its alignment may have changed
        self._picture_errors.pop(sub_id, None)
        if sub_id == self.sub_id:
            self._request_sheet(sub_id)
        if any(it.submission_id == sub_id for it in self.items):
            self._reload_timer.start()

    def _on_results_changed(self, exam_id: int) -> None:
        """Sheets were graded or re-graded (a batch, a new key): the data is read again
        (the pictures stay: grading does not move a page)."""
        if exam_id != self.exam_id:
            return
        self._sheets.clear()
        if self.sub_id is not None:
            self._request_sheet(self.sub_id)
        self._reload_timer.start()  # a batch reports often: one reload for a burst

    def _reload_queue_now(self) -> None:
        if self.exam_id is not None:
            self._load_queue(reload=True)


def _id_parts(sheet: SheetData) -> set[str]:
    t = sheet.template
    if not t.student_id:
        return set()
    return {t.student_id, *t.joins.get(t.student_id, ())}


def _choice_for_key(f: Field, key: int) -> str | None:
    """The choice a key picks on ``f``: ``""`` for blank, ``None`` for no choice.

    Digits pick the bubble with that value, else the n-th bubble; letters pick the
    bubble with that letter, else the n-th (A = first); 0 is blank unless the field
    has a 0 bubble.
    """
    values = f.values
    k0, k9, ka, kz = (int(k) for k in (Qt.Key.Key_0, Qt.Key.Key_9, Qt.Key.Key_A, Qt.Key.Key_Z))
    if k0 <= key <= k9:
        digit = key - k0
        if str(digit) in values:
            return str(digit)
        if digit == 0:
            return ""
        return values[digit - 1] if digit - 1 < len(values) else None
    if ka <= key <= kz and key not in _NAV_KEYS:
        letter = chr(key)
        for v in values:
            if v.casefold() == letter.casefold():
                return v
        i = key - ka
        return values[i] if i < len(values) and i < 5 else None
    return None


__all__ = ["MULTI_WINDOW_MS", "QueueModel", "ReviewScreen"]
