"""The legend under the sheet: one drawn sample and name per colour and mark the
:class:`~academy_desktop.ui.review.scene.SheetScene` uses."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from academy_desktop.ui.review.flow import FlowLayout
from academy_desktop.ui.review.scene import legend_entries


def swatch(kind: str, colour: str, size: int = 16) -> QPixmap:
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


class Legend(QFrame):
    """The samples and their names, wrapping onto more lines when narrow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.setStyleSheet("#legend { border-top: 1px solid palette(mid); }")
        flow = FlowLayout(self, spacing=12)
        flow.setContentsMargins(10, 4, 10, 4)
        self.labels: list[QLabel] = []
        for kind, colour, text in legend_entries():
            entry = QWidget(self)
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            icon = QLabel(entry)
            icon.setPixmap(swatch(kind, colour))
            label = QLabel(text, entry)
            row.addWidget(icon)
            row.addWidget(label)
            flow.addWidget(entry)
            self.labels.append(label)

    def retranslate(self) -> None:
        """The names again, in the current language."""
        for label, (_kind, _colour, text) in zip(self.labels, legend_entries(), strict=True):
            label.setText(text)


__all__ = ["Legend", "swatch"]
