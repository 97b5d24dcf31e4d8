"""Views of a :class:`~academy_desktop.ui.review.scene.SheetScene`.

* :class:`SheetView`: the main view. The wheel zooms around the mouse, dragging
  pans, a click on a bubble emits :attr:`SheetView.bubble_clicked`; fit to the
  page's width or to the whole page; a tooltip describes the question under the
  mouse.
* :class:`CropView`: a small view on the same scene that keeps one question
  enlarged (the crop next to the controls).

Both are read-only: clicking only reports; whoever owns the data decides.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent, QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QToolTip, QWidget

from academy_desktop.ui.review.scene import SheetScene

MIN_ZOOM = 0.05
MAX_ZOOM = 8.0
CLICK_SLACK = 4  # pixels a press may move and still be a click


class SheetView(QGraphicsView):
    """The sheet, zoomable and pannable; clicks on bubbles are reported."""

    bubble_clicked = Signal(str, str)  # label, value
    zoom_changed = Signal(float)  # device pixels per scene unit

    def __init__(self, scene: SheetScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.sheet_scene = scene
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
            | QPainter.RenderHint.TextAntialiasing
        )
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._press: QPoint | None = None
        self._panning = False
        self._last: QPoint | None = None
        self.fit_mode: str | None = None  # "width" or "page": kept on resize until a zoom

    # ------------------------------------------------------------------ zoom

    def zoom(self) -> float:
        return float(self.transform().m11() ** 2 + self.transform().m12() ** 2) ** 0.5

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        current = self.zoom() or 1.0
        self.scale(factor / current, factor / current)
        self.zoom_changed.emit(self.zoom())

    def zoom_by(self, step: float) -> None:
        self.set_zoom(self.zoom() * step)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            event.ignore()
            return
        # anchored under the mouse (transformationAnchor)
        self.fit_mode = None
        self.zoom_by(1.0015**delta)
        event.accept()

    def fit_width(self) -> None:
        """Zoom so the page (and its margin) fills the width; show its top."""
        page = self.sheet_scene.page_rect()
        if page.isEmpty():
            return
        width = self.sceneRect().width() or page.width()
        bar = self.verticalScrollBar().sizeHint().width()
        avail = max(
            50, self.viewport().width() - (0 if self.verticalScrollBar().isVisible() else bar)
        )
        self.resetTransform()
        self.set_zoom(avail / width)
        self.centerOn(QPointF(page.center().x(), page.top()))
        self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
        self.fit_mode = "width"

    def fit_page(self) -> None:
        page = self.sheet_scene.page_rect()
        if page.isEmpty():
            return
        self.fitInView(page, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom_changed.emit(self.zoom())
        self.fit_mode = "page"

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit_mode is not None and event.oldSize().width() != event.size().width():
            centre = self.mapToScene(self.viewport().rect().center())
            if self.fit_mode == "width":
                zoom = self.zoom()
                self.fit_width()
                if abs(self.zoom() - zoom) > 1e-6:
                    self.centerOn(QPointF(centre.x(), centre.y()))
            else:
                self.fit_page()

    def reveal(self, rect: QRectF | None) -> None:
        """Scroll so ``rect`` (scene coordinates) is in view, with some room around it."""
        if rect is None or rect.isEmpty():
            return
        view = self.mapToScene(self.viewport().rect()).boundingRect()
        inner = view.adjusted(
            view.width() * 0.08, view.height() * 0.08, -view.width() * 0.08, -view.height() * 0.08
        )
        if not inner.contains(rect):
            self.centerOn(rect.center())

    # ------------------------------------------------------------------ pan and click

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._press = event.position().toPoint()
            self._last = self._press
            self._panning = event.button() == Qt.MouseButton.MiddleButton
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._press is not None and self._last is not None:
            if not self._panning and (pos - self._press).manhattanLength() > CLICK_SLACK:
                self._panning = True
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            if self._panning:
                d = pos - self._last
                self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - d.x())
                self.verticalScrollBar().setValue(self.verticalScrollBar().value() - d.y())
            self._last = pos
            event.accept()
            return
        hit = self.sheet_scene.hit(self.mapToScene(pos))
        cursor = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.OpenHandCursor
        self.viewport().setCursor(cursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            super().mouseReleaseEvent(event)
            return
        was_panning = self._panning
        self._press = self._last = None
        self._panning = False
        self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        if not was_panning and event.button() == Qt.MouseButton.LeftButton:
            hit = self.sheet_scene.hit(self.mapToScene(event.position().toPoint()))
            if hit is not None:
                self.bubble_clicked.emit(*hit)
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            label = self.sheet_scene.field_at(self.mapToScene(event.pos()))
            if label is not None:
                QToolTip.showText(event.globalPos(), self.sheet_scene.describe(label), self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


class CropView(QGraphicsView):
    """One question, enlarged: a read-only window on the same scene."""

    def __init__(self, scene: SheetScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setInteractive(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._rect: QRectF | None = None

    def show_rect(self, rect: QRectF | None) -> None:
        self._rect = QRectF(rect) if rect is not None else None
        self._fit()

    def _fit(self) -> None:
        if self._rect is None or self._rect.isEmpty():
            return
        r = self._rect
        if r.height() < r.width() / 2:  # a row: the rows around it, and its grade mark
            pad = r.height() * 0.9
            self.fitInView(
                r.adjusted(-pad, -pad, pad * 2.5, pad), Qt.AspectRatioMode.KeepAspectRatio
            )
        else:  # a block (the student number)
            pad = 0.08 * max(r.width(), r.height())
            self.fitInView(r.adjusted(-pad, -pad, pad, pad), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
