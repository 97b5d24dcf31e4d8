"""The four homework verdicts as the window shows them: a name, a colour and a drawn
icon (never colour alone), and the legend text for tooltips."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

VERDICTS = ("wrote", "little_writing", "no_writing", "unreadable")
PENDING = "pending"  # not analysed yet

COLORS = {
    "wrote": QColor("#1e7b4a"),
    "little_writing": QColor("#b45309"),
    "no_writing": QColor("#b3261e"),
    "unreadable": QColor("#5b6472"),
    PENDING: QColor("#64748b"),
}


def verdict_text(verdict: str | None) -> str:
    """The verdict in words (``None``: not analysed yet)."""
    names = {
        "wrote": QCoreApplication.translate("Homework", "Wrote"),
        "little_writing": QCoreApplication.translate("Homework", "Little writing"),
        "no_writing": QCoreApplication.translate("Homework", "No writing"),
        "unreadable": QCoreApplication.translate("Homework", "Unreadable"),
    }
    return names.get(verdict or "", QCoreApplication.translate("Homework", "Not analysed yet"))


def verdict_meaning(verdict: str | None) -> str:
    meanings = {
        "wrote": QCoreApplication.translate(
            "Homework", "Real writing was seen: ink grew on the page."
        ),
        "little_writing": QCoreApplication.translate("Homework", "Only a little ink was added."),
        "no_writing": QCoreApplication.translate(
            "Homework", "No writing was seen (nothing added, or a still picture)."
        ),
        "unreadable": QCoreApplication.translate(
            "Homework", "The file could not be judged (too dark, blurred, too short…)."
        ),
    }
    return meanings.get(
        verdict or "", QCoreApplication.translate("Homework", "The file has not been analysed yet.")
    )


def legend_text() -> str:
    """Every verdict with its meaning, one per line (the badges' tooltip)."""
    return "\n".join(f"{verdict_text(v)}: {verdict_meaning(v)}" for v in VERDICTS)


def verdict_color(verdict: str | None) -> QColor:
    return QColor(COLORS.get(verdict or PENDING, COLORS[PENDING]))


def verdict_pixmap(verdict: str | None, size: int = 16, ratio: float = 2.0) -> QPixmap:
    """A small drawn icon: a check, a half-filled circle, a crossed circle, a question
    mark in a circle (or a dotted circle when not analysed), in the verdict's colour."""
    pm = QPixmap(round(size * ratio), round(size * ratio))
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    c = verdict_color(verdict)
    w = max(1.4, size / 9)
    r = QRectF(w, w, size - 2 * w, size - 2 * w)
    pen = QPen(c, w, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    if verdict == "wrote":
        p.setBrush(c)
        p.drawEllipse(r)
        p.setPen(QPen(QColor("white"), w * 1.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        path = QPainterPath(QPointF(size * 0.3, size * 0.52))
        path.lineTo(QPointF(size * 0.45, size * 0.67))
        path.lineTo(QPointF(size * 0.72, size * 0.36))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
    elif verdict == "little_writing":
        p.drawEllipse(r)
        p.setBrush(c)
        p.drawPie(r, 90 * 16, 180 * 16)
    elif verdict == "no_writing":
        p.drawEllipse(r)
        m = size * 0.32
        p.drawLine(QPointF(m, m), QPointF(size - m, size - m))
        p.drawLine(QPointF(size - m, m), QPointF(m, size - m))
    elif verdict == "unreadable":
        p.drawEllipse(r)
        font = p.font()
        font.setPixelSize(max(6, round(size * 0.7)))
        font.setBold(True)
        p.setFont(font)
        p.drawText(r, int(Qt.AlignmentFlag.AlignCenter), "?")
    else:
        p.setPen(QPen(c, w, Qt.PenStyle.DotLine))
        p.drawEllipse(r)
    p.end()
    return pm


def verdict_icon(verdict: str | None, size: int = 16) -> QIcon:
    return QIcon(verdict_pixmap(verdict, size))


__all__ = [
    "COLORS",
    "PENDING",
    "VERDICTS",
    "legend_text",
    "verdict_color",
    "verdict_icon",
    "verdict_meaning",
    "verdict_pixmap",
    "verdict_text",
]
