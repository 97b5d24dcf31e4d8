"""Rejected pages: a thumbnail and the reason in plain words, and for a page that
could not be aligned, a dialog to click its four corners and grade it again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QImage,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGraphicsEllipseItem,
    QGraphicsPixmapItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.manual import PointKind, load_sheet_gray
from academy_desktop.engine.rejections import Code
from academy_desktop.store.exams import exam_template
from academy_desktop.store.models import Submission
from academy_desktop.store.realign import regrade_with_points
from academy_desktop.store.results import ResultFilter, ResultRow, list_results
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.text import localized, rejection_text

# pages a person can fix by showing where the sheet is
REALIGNABLE = {Code.ALIGNMENT_FAILED.value, Code.NOT_A_SHEET.value, Code.WRONG_TEMPLATE.value}
THUMB = QSize(96, 128)
MAX_LISTED = 1000
SUBMISSION = Qt.ItemDataRole.UserRole


def gray_to_qimage(gray: np.ndarray) -> QImage:
    """A QImage that owns a copy of a grayscale uint8 array (safe once the array goes)."""
    gray = np.ascontiguousarray(gray)
    h, w = gray.shape[:2]
    return QImage(gray.data, w, h, gray.strides[0], QImage.Format.Format_Grayscale8).copy()


@dataclass(frozen=True)
class _Thumb:
    submission_id: int
    image: np.ndarray | None


def _thumbnails(state: OpState, ctx_folder: str, subs: list[tuple[int, str, int]]) -> None:
    for sub_id, rel, page in subs:
        state.check()
        try:
            gray = load_sheet_gray(Path(ctx_folder) / rel, page)
            f = min(THUMB.width() * 2 / gray.shape[1], THUMB.height() * 2 / gray.shape[0])
            small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        except Exception:  # an unreadable file keeps its placeholder icon
            small = None
        state.publish(_Thumb(sub_id, small))


class RejectedPanel(QWidget):
    """Every rejected page of the exam, with why, and what can be done about it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._exam_id: int | None = None
        self._rows: dict[int, ResultRow] = {}
        self._icons: dict[int, QIcon] = {}
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setIconSize(THUMB)
        self.list.setWordWrap(True)
        self.list.setSpacing(4)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.itemActivated.connect(lambda _i: self.fix_selected())
        self.fix_button = QPushButton(self)
        self.fix_button.clicked.connect(self.fix_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.fix_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        ctx.signals.results_changed.connect(self._results_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "These pages could not be graded. Scan them again, or, when the sheet "
                "could not be found or aligned, click its four corners to grade it."
            )
        )
        self.fix_button.setText(self.tr("Click corners and re-grade…"))
        self._fill()

    def show_exam(self, exam_id: int | None) -> None:
        self._exam_id = exam_id
        self.reload()

    def _results_changed(self, exam_id: int) -> None:
        if exam_id == self._exam_id and self.isVisible():
            self.reload()

    def showEvent(self, event: object) -> None:
        self.reload()

    def reload(self) -> None:
        rows: list[ResultRow] = []
        paths: list[tuple[int, str, int]] = []
        if self._exam_id is not None:
            with self._ctx.workspace.read() as s:
                rows = list_results(
                    s, self._exam_id, offset=0, limit=MAX_LISTED, filter=ResultFilter.REJECTED
                )
                for r in rows:
                    sub = s.get_one(Submission, r.submission_id)
                    paths.append((r.submission_id, sub.scan.stored_path, sub.page))
        known = set(self._rows)
        self._rows = {r.submission_id: r for r in rows}
        self._fill()
        wanted = [p for p in paths if p[0] not in known or p[0] not in self._icons]
        if wanted:
            folder = str(self._ctx.workspace.folder)
            BackgroundOp(self, lambda st: _thumbnails(st, folder, wanted)).on_partial(
                self._thumb
            ).run_in_background(self._ctx.runner, "work")

    def _thumb(self, thumb: _Thumb) -> None:
        if thumb.image is None:
            return
        self._icons[thumb.submission_id] = QIcon(QPixmap.fromImage(gray_to_qimage(thumb.image)))
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(SUBMISSION) == thumb.submission_id:
                item.setIcon(self._icons[thumb.submission_id])

    def _fill(self) -> None:
        current = self.selected_submission()
        self.list.clear()
        for r in self._rows.values():
            name = f"{r.file} · p.{r.page}"
            reason = rejection_text(r.rejection_code)
            item = QListWidgetItem(f"{name}\n{reason}")
            item.setData(SUBMISSION, r.submission_id)
            item.setSizeHint(QSize(THUMB.width() * 4, THUMB.height() + 12))
            icon = self._icons.get(r.submission_id)
            if icon is not None:
                item.setIcon(icon)
            self.list.addItem(item)
            if r.submission_id == current:
                self.list.setCurrentItem(item)
        self._update_buttons()

    def selected_submission(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(SUBMISSION))

    def _update_buttons(self) -> None:
        sid = self.selected_submission()
        row = self._rows.get(sid) if sid is not None else None
        self.fix_button.setEnabled(row is not None and row.rejection_code in REALIGNABLE)

    def fix_selected(self) -> None:
        sid = self.selected_submission()
        if sid is None or self._rows[sid].rejection_code not in REALIGNABLE:
            return
        dialog = CornersDialog(self._ctx, sid, self)
        dialog.open()


class _PointView(QGraphicsView):
    """The scanned page; a click adds a corner, a drag moves the nearest one."""

    clicked = Signal(QPointF)

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mousePressEvent(event)

    def resizeEvent(self, event: object) -> None:
        rect = self.sceneRect()
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)


@dataclass
class _Loaded:
    gray: np.ndarray
    has_markers: bool


class CornersDialog(QDialog):
    """Click the sheet's four corners (or corner marks), then grade the page again."""

    regraded = Signal(int)

    def __init__(self, ctx: AppContext, submission_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.submission_id = submission_id
        self.points: list[QPointF] = []
        self.resize(760, 880)
        self.scene = QGraphicsScene(self)
        self.view = _PointView(self.scene, self)
        self.view.clicked.connect(self.add_point)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b91c1c")
        self.page_kind = QRadioButton(self)
        self.marker_kind = QRadioButton(self)
        self.page_kind.setChecked(True)
        self.marker_kind.setEnabled(False)
        kinds = QButtonGroup(self)
        kinds.addButton(self.page_kind)
        kinds.addButton(self.marker_kind)
        self.clear_button = QPushButton(self)
        self.clear_button.clicked.connect(self.clear_points)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.regrade)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.page_kind)
        row.addWidget(self.marker_kind)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._marks: list[QGraphicsEllipseItem] = []
        self._labels: list[QGraphicsSimpleTextItem] = []
        self._outline = QGraphicsPolygonItem()
        self._outline.setPen(QPen(QColor("#2563eb"), 0))
        self._outline.setBrush(QBrush(QColor(37, 99, 235, 40)))
        self._outline.setZValue(1)
        self.scene.addItem(self._outline)
        self._pixmap: QGraphicsPixmapItem | None = None
        self.retranslate()
        self._update()
        folder = self._ctx.workspace.folder

        def load(state: OpState) -> _Loaded:
            with ctx.workspace.read() as s:
                sub = s.get_one(Submission, submission_id)
                path = folder / sub.scan.stored_path
                markers = len(exam_template(sub.sheet_exam).alignment.markers) == 4
                page = sub.page
            return _Loaded(load_sheet_gray(path, page), markers)

        BackgroundOp(self, load, self._loaded).failure(self._failed).run_in_background(
            ctx.runner, "work"
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Show where the sheet is"))
        self.hint.setText(
            self.tr(
                "Click the four corners of the answer sheet, starting at the top left and "
                "going clockwise. Use Clear to start over."
            )
        )
        self.page_kind.setText(self.tr("Page corners"))
        self.marker_kind.setText(self.tr("Corner marks (black squares)"))
        self.clear_button.setText(self.tr("Clear"))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Re-grade"))

    def _loaded(self, loaded: _Loaded) -> None:
        pixmap = QPixmap.fromImage(gray_to_qimage(loaded.gray))
        self._pixmap = self.scene.addPixmap(pixmap)
        self._pixmap.setZValue(0)
        self.scene.setSceneRect(QRectF(pixmap.rect()))
        self.view.fitInView(self.scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.marker_kind.setEnabled(loaded.has_markers)
        if loaded.has_markers:
            self.marker_kind.setChecked(True)

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(localized(str(exc)))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def add_point(self, p: QPointF) -> None:
        if self._pixmap is None or len(self.points) >= 4:
            return
        if not self.scene.sceneRect().contains(p):
            return
        self.points.append(p)
        r = max(6.0, self.scene.sceneRect().width() / 120)
        mark = self.scene.addEllipse(
            p.x() - r, p.y() - r, 2 * r, 2 * r, QPen(QColor("#2563eb"), 0), QColor("#f59e0b")
        )
        mark.setZValue(2)
        label = self.scene.addSimpleText(str(len(self.points)))
        label.setBrush(QColor("#1d4ed8"))
        label.setScale(r / 6)
        label.setPos(p.x() + r, p.y() + r)
        label.setZValue(2)
        self._marks.append(mark)
        self._labels.append(label)
        self._update()

    def clear_points(self) -> None:
        for item in [*self._marks, *self._labels]:
            self.scene.removeItem(item)
        self._marks.clear()
        self._labels.clear()
        self.points.clear()
        self._update()

    def _update(self) -> None:
        self._outline.setPolygon(QPolygonF(self.points))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(len(self.points) == 4)
        if len(self.points) < 4:
            self.error.setText("")

    def regrade(self) -> None:
        if len(self.points) != 4:
            return
        pts = [(p.x(), p.y()) for p in self.points]
        kind: PointKind = "markers" if self.marker_kind.isChecked() else "page"
        ctx, sid = self._ctx, self.submission_id
        staff = ctx.staff or ctx.workspace.staff or "staff"

        def work(state: OpState) -> int:
            with ctx.workspace.write() as s:
                sub = regrade_with_points(
                    s, ctx.workspace.folder, sid, pts, kind=kind, decided_by=staff
                )
                return sub.sheet_exam.id

        self.buttons.setEnabled(False)
        BackgroundOp(self, work, self._done).failure(self._regrade_failed).run_in_background(
            ctx.runner, "db"
        )

    def _done(self, exam_id: int) -> None:
        self._ctx.signals.results_changed.emit(exam_id)
        self._ctx.signals.submission_changed.emit(self.submission_id)
        self._ctx.signals.exams_changed.emit()
        self.regraded.emit(self.submission_id)
        self.accept()

    def _regrade_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(
            self.tr("The page could not be graded with these corners: {reason}").format(
                reason=localized(str(exc))
            )
        )
