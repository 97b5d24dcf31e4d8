"""The review drawing: a sheet and its bubbles, built from :class:`SheetData` alone.

:meth:`SheetScene.show_sheet` clears the scene and draws it again from the data it
is given (the sheet, its picture, the field in focus, keys pressed but not yet
committed, aligned or original). The scene keeps no state of its own, so what is
drawn always mirrors what is stored.

Coordinates: overlays are drawn in *overlay units*, template units times
:func:`~academy_desktop.ui.review.images.display_scale` (about one unit per pixel of
a 200-dpi page). Aligned, the scene is in those units and the warped picture sits
at the origin. Original, the scene is in pixels of the scan, and the overlay root
carries the homography (a projective :class:`QTransform`), so every bubble lands
where the reader looked.

Every bubble gets an outline in the colour of its field's status, the marks that
count now are filled, the key's answers are circled with a dashed ring, and each
question gets its number and, once graded, a green circle (correct) or a red slash
(wrong). The colours, pens and geometry come from
:mod:`academy_desktop.ui.review.drawing`; :func:`legend_entries` lists the colours
for the legend.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QWidget,
)

from academy_desktop.store.review_sheet import STUDENT_FIELD, FieldState, SheetData, value_choices
from academy_desktop.ui.review.drawing import (
    BAND_ALPHA,
    CORRECT_COLOUR,
    FAINT_ALPHA,
    FILL_ALPHA,
    FOCUS_COLOUR,
    KEY_COLOUR,
    PENDING_COLOUR,
    STATUS_COLOURS,
    WRONG_COLOUR,
    FieldGeometry,
    PictureItem,
    cosmetic_pen,
    legend_entries,
    qtransform,
    status_text,
    with_alpha,
)
from academy_desktop.ui.review.images import display_scale

Z_PIXMAP = 0  # the picture (the overlay root sits above it)
Z_BAND, Z_FILL, Z_OUTLINE, Z_KEY, Z_FOCUS, Z_TEXT = range(6)


class SheetScene(QGraphicsScene):
    """The scene of one sheet; call :meth:`show_sheet` whenever the data changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackgroundBrush(QColor("#5f6670"))
        self.sheet: SheetData | None = None
        self.original = False
        self._geometry: dict[str, FieldGeometry] = {}
        self._root: QGraphicsPathItem | None = None
        self._focus_layer: QGraphicsPathItem | None = None
        self._inputs: tuple[object, ...] = ()
        self._paper: QGraphicsRectItem | None = None
        self._picture: PictureItem | None = None
        self._picture_key: int | None = None
        self._page = QRectF()
        # rebuilt on every change: an index would be rebuilt with it for nothing
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)

    # ------------------------------------------------------------------ building

    def show_sheet(
        self,
        sheet: SheetData | None,
        pixmap: QPixmap | None = None,
        *,
        preview: QPixmap | None = None,
        homography: np.ndarray | None = None,
        focus: str | None = None,
        pending: Iterable[str] | None = None,
        original: bool = False,
    ) -> None:
        """Draw ``sheet`` over ``pixmap`` (aligned picture, or the scan when
        ``original``; ``homography`` maps template units to the scan's pixels).
        ``preview``, the picture at half size, is drawn instead when zoomed out."""
        pending_t = tuple(pending) if pending is not None else None
        inputs = (
            id(sheet),
            pixmap.cacheKey() if pixmap is not None else None,
            id(homography),
            bool(original),
        )
        if sheet is not None and sheet is self.sheet and inputs == self._inputs:
            # the same data: only the focus moved (the layer drawn from it is redone)
            self._draw_focus_layer(sheet, focus, pending_t)
            return
        self._inputs = inputs
        keep = (
            self._picture is not None
            and pixmap is not None
            and pixmap.cacheKey() == self._picture_key
        )
        for item in (self._root, self._paper, None if keep else self._picture):
            if item is not None:
                self.removeItem(item)  # children go with it
        if not keep:
            self._picture, self._picture_key = None, None
        self._geometry = {}
        self._root = self._paper = self._focus_layer = None
        self.sheet = sheet
        self.original = bool(original and homography is not None)
        if sheet is None:
            self._page = QRectF()
            self.setSceneRect(QRectF(0, 0, 1, 1))
            return
        t = sheet.template
        s = display_scale(t)
        page = QRectF(0, 0, t.page_size[0] * s, t.page_size[1] * s)
        root = QGraphicsPathItem()  # an empty path: holds the overlays, draws nothing
        root.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        root.setZValue(1)  # above the picture; the overlays order among themselves
        self.addItem(root)
        self._root = root
        if self.original and homography is not None:
            overlay_to_image = homography @ np.diag([1.0 / s, 1.0 / s, 1.0])
            root.setTransform(qtransform(overlay_to_image))
        if pixmap is not None and not pixmap.isNull():
            if self._picture is None:  # the same picture stays: it is not data
                self._picture = PictureItem(pixmap, preview)
                self._picture.setZValue(Z_PIXMAP)
                self.addItem(self._picture)
                self._picture_key = pixmap.cacheKey()
            self._page = self._picture.sceneBoundingRect() if self.original else page
        else:
            self._paper = self.addRect(page, QPen(QColor("#c8ccd2")), QBrush(QColor("#fbfbfa")))
            self._paper.setZValue(Z_PIXMAP)
            self._page = page if not self.original else root.mapRectToScene(page)
        self._draw_overlays(sheet, s)
        self._draw_focus_layer(sheet, focus, pending_t)
        margin = 0.03 * max(self._page.width(), self._page.height())
        self.setSceneRect(self._page.adjusted(-margin, -margin, margin, margin))

    def _geometry_of(self, sheet: SheetData, s: float) -> dict[str, FieldGeometry]:
        shapes = {b.name: b.shape == "ellipse" for b in sheet.template.blocks}
        out: dict[str, FieldGeometry] = {}
        for f in sheet.template.fields:
            dx, dy = sheet.shift(f.block)
            rects = tuple(
                QRectF((b.x + dx) * s, (b.y + dy) * s, b.w * s, b.h * s) for b in f.bubbles
            )
            if rects:
                out[f.label] = FieldGeometry(f, rects, shapes.get(f.block, True))
        return out

    def _draw_overlays(self, sheet: SheetData, s: float) -> None:
        assert self._root is not None
        self._geometry = self._geometry_of(sheet, s)
        # one path per (layer, status, block): few items, and blocks off screen are culled
        paths: dict[tuple[str, str, str], QPainterPath] = {}

        def path(layer: str, status: str, block: str) -> QPainterPath:
            key = (layer, status, block)
            if key not in paths:
                paths[key] = QPainterPath()
            return paths[key]

        bubble = sheet.template.bubble_size * s
        font = QFont()
        font.setBold(True)
        font.setPixelSize(12)
        for label, geo in self._geometry.items():
            block = geo.field.block
            state = sheet.fields.get(label)
            status = state.display_status if state is not None else "blank"
            chosen = set(value_choices(geo.field, state.current_value)) if state else set()
            # quiet outlines for the empty bubbles of a settled question, strong elsewhere
            quiet = state is None or not (state.flagged and not state.reviewed)
            fill, outline = path("fill", status, block), path("outline", status, block)
            other = path("faint", status, block) if quiet else outline
            for i, b in enumerate(geo.field.bubbles):
                if b.value in chosen:
                    geo.add_to(fill, i)
                    geo.add_to(outline, i)
                else:
                    geo.add_to(other, i)
            if state is None:
                continue
            if state.flagged and not state.reviewed:
                r = geo.bounds
                d = 0.35 * bubble
                path("band", status, block).addRoundedRect(r.adjusted(-d, -d, d, d), d, d)
            key_values = {v for a in state.key_answers for v in value_choices(geo.field, a)}
            for i, b in enumerate(geo.field.bubbles):
                if b.value in key_values:  # a double ring
                    geo.add_to(path("key", "", block), i, 0.16)
                    geo.add_to(path("key", "", block), i, 0.26)
            if geo.field.kind != "digit":
                self._draw_tag(
                    geo, state, status, bubble, font,
                    path("correct", "", block), path("wrong", "", block),
                )  # fmt: skip
        no_pen = QPen(Qt.PenStyle.NoPen)
        for (layer, status, _block), p in paths.items():
            colour = STATUS_COLOURS.get(status, "#000000")
            if layer == "band":
                self._add_path(p, no_pen, with_alpha(colour, BAND_ALPHA), Z_BAND)
            elif layer == "fill":
                self._add_path(p, no_pen, with_alpha(colour, FILL_ALPHA), Z_FILL)
            elif layer == "faint":
                self._add_path(
                    p, cosmetic_pen(with_alpha(colour, FAINT_ALPHA), 1.0), None, Z_OUTLINE
                )
            elif layer == "outline":
                self._add_path(p, cosmetic_pen(colour, 1.0), None, Z_OUTLINE)
            elif layer == "key":
                self._add_path(p, cosmetic_pen(KEY_COLOUR, 1.0), None, Z_KEY)
            else:  # correct, wrong
                c = CORRECT_COLOUR if layer == "correct" else WRONG_COLOUR
                self._add_path(p, cosmetic_pen(c, 2.4), None, Z_TEXT)

    def _add_path(
        self,
        path: QPainterPath,
        pen: QPen,
        brush: QColor | None,
        z: int,
        parent: QGraphicsItem | None = None,
    ) -> QGraphicsPathItem | None:
        if path.isEmpty():
            return None
        item = QGraphicsPathItem(path, parent or self._root)
        item.setPen(pen)
        item.setBrush(QBrush(brush) if brush is not None else QBrush(Qt.BrushStyle.NoBrush))
        item.setZValue(z)
        return item

    def _draw_tag(
        self,
        geo: FieldGeometry,
        state: FieldState,
        status: str,
        bubble: float,
        font: QFont,
        correct: QPainterPath,
        wrong: QPainterPath,
    ) -> None:
        """The question number beside the last bubble, then correct/wrong once graded."""
        r = geo.bounds
        horizontal = len(geo.rects) < 2 or geo.rects[1].x() != geo.rects[0].x()
        size = geo.rects[0].height()
        g = size * 0.36  # the circle's or the slash's half size
        if horizontal:
            gx, cy = r.right() + 0.45 * bubble + g, r.center().y()
        else:
            gx, cy = r.center().x(), r.bottom() + 0.4 * bubble + g
        if state.correct is not None:
            if state.correct:
                correct.addEllipse(QPointF(gx, cy), g, g)
            else:
                wrong.moveTo(gx - g, cy + g)
                wrong.lineTo(gx + g, cy - g)
        # the number keeps its size on screen at any zoom (and is drawn fast that way)
        label = _question_text(geo.field.label) + ("?" if state.provisional else "")
        text = QGraphicsSimpleTextItem(label, self._root)
        text.setFont(font)
        text.setBrush(QColor(STATUS_COLOURS.get(status, "#444")))
        text.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        text.setPos(gx + g * 1.6, cy)
        text.setTransform(QTransform.fromTranslate(0, -text.boundingRect().height() / 2))
        text.setZValue(Z_TEXT)

    def _draw_focus_layer(
        self, sheet: SheetData, focus: str | None, pending: tuple[str, ...] | None
    ) -> None:
        """The item in focus (a frame) and the keys typed for it (dotted rings)."""
        if self._focus_layer is not None:
            self.removeItem(self._focus_layer)
        layer = QGraphicsPathItem(self._root)
        layer.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        layer.setZValue(Z_FOCUS)
        self._focus_layer = layer
        if focus is None:
            return
        bubble = sheet.template.bubble_size * display_scale(sheet.template)
        geo = self._geometry.get(focus)
        if focus == STUDENT_FIELD:
            rect = self.student_rect_overlay(sheet)
        else:
            rect = geo.bounds if geo is not None else None
        if rect is None:
            return
        d = 0.55 * bubble
        frame = QPainterPath()
        right = d
        if focus != STUDENT_FIELD and geo is not None:  # take in the grade mark, not the number
            right = 0.45 * bubble + 0.72 * geo.rects[0].height() + 0.3 * d
        frame.addRoundedRect(rect.adjusted(-d, -d, right, d), d, d)
        self._add_path(
            frame, cosmetic_pen(FOCUS_COLOUR, 3.0), with_alpha(FOCUS_COLOUR, 22), 0, layer
        )
        if pending is not None and geo is not None:
            rings = QPainterPath()
            for i, b in enumerate(geo.field.bubbles):
                if b.value in pending:
                    geo.add_to(rings, i, 0.1)
            pen = cosmetic_pen(PENDING_COLOUR, 2.6, Qt.PenStyle.DotLine)
            self._add_path(rings, pen, with_alpha(PENDING_COLOUR, 60), 1, layer)

    # ------------------------------------------------------------------ geometry queries

    def student_rect_overlay(self, sheet: SheetData | None = None) -> QRectF | None:
        sheet = sheet or self.sheet
        sid = sheet.template.student_id if sheet is not None else None
        if sheet is None or not sid:
            return None
        parts = set(sheet.template.joins.get(sid, ())) | {sid}
        rects = [g.bounds for lab, g in self._geometry.items() if lab in parts]
        if not rects:
            return None
        r = rects[0]
        for other in rects[1:]:
            r = r.united(other)
        return r

    def _to_scene(self, rect: QRectF) -> QRectF:
        if self._root is None:
            return QRectF(rect)
        return self._root.mapRectToScene(rect)

    def page_rect(self) -> QRectF:
        """The page in scene coordinates."""
        return QRectF(self._page)

    def field_rect(self, label: str) -> QRectF | None:
        """The bubbles of ``label`` (or the student number for ``"student"``) in the scene."""
        if label == STUDENT_FIELD:
            r = self.student_rect_overlay()
            return self._to_scene(r) if r is not None else None
        geo = self._geometry.get(label)
        return self._to_scene(geo.bounds) if geo is not None else None

    def bubble_center(self, label: str, value: str) -> QPointF | None:
        """The centre of one bubble in scene coordinates."""
        geo = self._geometry.get(label)
        if geo is None:
            return None
        for b, r in zip(geo.field.bubbles, geo.rects, strict=True):
            if b.value == value:
                c = r.center()
                return self._root.mapToScene(c) if self._root is not None else c
        return None

    def hit(self, scene_pos: QPointF) -> tuple[str, str] | None:
        """``(label, value)`` of the bubble under ``scene_pos`` (a little slack around it)."""
        if self._root is None:
            return None
        p = self._root.mapFromScene(scene_pos)
        best: tuple[float, str, str] | None = None
        for label, geo in self._geometry.items():
            if not geo.bounds.adjusted(-20, -20, 20, 20).contains(p):
                continue
            for b, r in zip(geo.field.bubbles, geo.rects, strict=True):
                grown = r.adjusted(
                    -r.width() * 0.2, -r.height() * 0.2, r.width() * 0.2, r.height() * 0.2
                )
                if grown.contains(p):
                    d = (r.center() - p).manhattanLength()
                    if best is None or d < best[0]:
                        best = (d, label, b.value)
        return (best[1], best[2]) if best is not None else None

    def field_at(self, scene_pos: QPointF) -> str | None:
        """The field whose row is under ``scene_pos``."""
        if self._root is None:
            return None
        p = self._root.mapFromScene(scene_pos)
        for label, geo in self._geometry.items():
            r = geo.bounds
            d = 0.3 * r.height() if r.height() < r.width() else 0.3 * r.width()
            if r.adjusted(-d, -d, d, d).contains(p):
                return label
        return None

    def describe(self, label: str) -> str:
        """A one-line tooltip for a field."""
        sheet = self.sheet
        state = sheet.fields.get(label) if sheet is not None else None
        if state is None:
            return _question_text(label)
        parts = [
            f"{_question_text(label)} · {status_text(state.display_status)}",
            QCoreApplication.translate("ReviewLegend", "confidence {pct}%").format(
                pct=round(state.confidence * 100)
            ),
            QCoreApplication.translate("ReviewLegend", "read {value}").format(
                value=_value_text(state.answer)
            ),
        ]
        if state.current_value != state.answer:
            parts.append(
                QCoreApplication.translate("ReviewLegend", "now {value}").format(
                    value=_value_text(state.current_value)
                )
            )
        if state.key_answers:
            parts.append(
                QCoreApplication.translate("ReviewLegend", "key {value}").format(
                    value=" / ".join(state.key_answers)
                )
            )
        return " · ".join(parts)


def _question_text(label: str) -> str:
    """``q13`` -> ``13``; other labels as they are."""
    if label[:1] in ("q", "Q") and label[1:].isdigit():
        return label[1:]
    return label


def _value_text(value: str) -> str:
    return value if value else QCoreApplication.translate("ReviewLegend", "blank")


# SheetScene, and the names other modules import from here (defined in .drawing)
__all__ = [
    "STATUS_COLOURS",
    "PictureItem",
    "SheetScene",
    "legend_entries",
    "qtransform",
    "status_text",
]
