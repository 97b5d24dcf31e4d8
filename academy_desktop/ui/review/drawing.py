"""What the review scene draws with: the status colours and their names for the legend,
pens, the picture item, and where a field's bubbles are.

:mod:`academy_desktop.ui.review.scene` builds the drawing from these; the legend, the
queue and the controls take the colours and names from here too (through the scene
module, which re-exports them), so every part of the screen means the same by a colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from academy_desktop.engine.template.model import Field

# Status colours: readable on white paper and over black ink alike.
STATUS_COLOURS: dict[str, str] = {
    "ok": "#1f9d55",
    "blank": "#8c959f",
    "ambiguous": "#f08c00",
    "low_confidence": "#d4a017",
    "multi": "#9b3fd4",
    "error": "#d1242f",
    "reviewed": "#1a6fe0",
}
KEY_COLOUR = "#202428"
FOCUS_COLOUR = "#0b57d0"
PENDING_COLOUR = "#0b57d0"
CORRECT_COLOUR = "#1f9d55"
WRONG_COLOUR = "#d1242f"
FILL_ALPHA = 120  # marks that count: the status colour over the ink
BAND_ALPHA = 38  # the band behind a question still waiting for a person
FAINT_ALPHA = 110  # outlines of the empty bubbles of a settled question

HALF_BELOW = 0.6  # zoom under which the half-size picture is drawn


def status_text(status: str) -> str:
    """The name of a display status, in the user's language."""
    names = {
        "ok": QCoreApplication.translate("ReviewLegend", "Read"),
        "blank": QCoreApplication.translate("ReviewLegend", "Blank"),
        "ambiguous": QCoreApplication.translate("ReviewLegend", "Ambiguous"),
        "low_confidence": QCoreApplication.translate("ReviewLegend", "Low confidence"),
        "multi": QCoreApplication.translate("ReviewLegend", "Several marks"),
        "error": QCoreApplication.translate("ReviewLegend", "Error"),
        "reviewed": QCoreApplication.translate("ReviewLegend", "Reviewed"),
    }
    return names.get(status, status)


def legend_entries() -> list[tuple[str, str, str]]:
    """``(kind, colour, text)`` for the legend: ``kind`` is ``fill``, ``key`` or ``focus``."""
    out = [("fill", STATUS_COLOURS[s], status_text(s)) for s in STATUS_COLOURS]
    out.append(("key", KEY_COLOUR, QCoreApplication.translate("ReviewLegend", "Answer key")))
    out.append(("correct", CORRECT_COLOUR, QCoreApplication.translate("ReviewLegend", "Correct")))
    out.append(("wrong", WRONG_COLOUR, QCoreApplication.translate("ReviewLegend", "Wrong")))
    out.append(("focus", FOCUS_COLOUR, QCoreApplication.translate("ReviewLegend", "Current item")))
    return out


def qtransform(m: np.ndarray) -> QTransform:
    """A 3x3 column-vector matrix as a :class:`QTransform` (which uses row vectors)."""
    return QTransform(
        float(m[0, 0]),
        float(m[1, 0]),
        float(m[2, 0]),
        float(m[0, 1]),
        float(m[1, 1]),
        float(m[2, 1]),
        float(m[0, 2]),
        float(m[1, 2]),
        float(m[2, 2]),
    )


def with_alpha(name: str, alpha: int = 255) -> QColor:
    c = QColor(name)
    c.setAlpha(alpha)
    return c


# Outlines are one device pixel wide: Qt's cosmetic stroker draws those several times
# faster than wider pens, and a sheet has hundreds of bubbles to outline.
def cosmetic_pen(
    colour: QColor | str, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine
) -> QPen:
    pen = QPen(QColor(colour) if isinstance(colour, str) else colour)
    pen.setWidthF(width)
    pen.setCosmetic(True)  # the same thickness on screen at every zoom
    pen.setStyle(style)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


class PictureItem(QGraphicsItem):
    """A picture drawn from a half-size copy when zoomed out (about three times faster
    than scaling the full one down at every paint)."""

    def __init__(self, full: QPixmap, half: QPixmap | None = None) -> None:
        super().__init__()
        self.full = full
        self.half = half if half is not None and not half.isNull() else None
        self._rect = QRectF(0, 0, full.width(), full.height())

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        pm = self.half if self.half is not None and lod < HALF_BELOW else self.full
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawPixmap(self._rect, pm, QRectF(pm.rect()))


@dataclass(frozen=True)
class FieldGeometry:
    """Where one field's bubbles are, in overlay units."""

    field: Field
    rects: tuple[QRectF, ...]
    ellipse: bool

    @property
    def bounds(self) -> QRectF:
        r = QRectF(self.rects[0])
        for other in self.rects[1:]:
            r = r.united(other)
        return r

    def shape(self, i: int, grow: float = 0.0) -> QPainterPath:
        path = QPainterPath()
        self.add_to(path, i, grow)
        return path

    def add_to(self, path: QPainterPath, i: int, grow: float = 0.0) -> None:
        """Add bubble ``i`` (grown by ``grow`` of its size) to ``path``."""
        r = self.rects[i]
        if grow:
            d = grow * max(r.width(), r.height())
            r = r.adjusted(-d, -d, d, d)
        if self.ellipse:
            path.addEllipse(r)
        else:
            path.addRect(r)


__all__ = [
    "BAND_ALPHA",
    "CORRECT_COLOUR",
    "FAINT_ALPHA",
    "FILL_ALPHA",
    "FOCUS_COLOUR",
    "HALF_BELOW",
    "KEY_COLOUR",
    "PENDING_COLOUR",
    "STATUS_COLOURS",
    "WRONG_COLOUR",
    "FieldGeometry",
    "PictureItem",
    "cosmetic_pen",
    "legend_entries",
    "qtransform",
    "status_text",
    "with_alpha",
]
