"""The review queue as a list: :class:`QueueModel`, the pane showing it, and where
to go in it (:func:`start_index`, :func:`next_to_settle`, :func:`find_item`).

Each row is one item to settle (a flagged answer or a student), drawn with a
status-coloured ring, filled and ticked once the item is settled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget

from academy_desktop.store.review_queue import QueueItem
from academy_desktop.ui.review.controls import question_title
from academy_desktop.ui.review.scene import STATUS_COLOURS, status_text


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
                return f"{student_reason_text(item.status)}\n{item.who}"
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


def student_reason_text(reason: str) -> str:
    """Why a student item is in the queue, in the user's language."""
    texts = {
        "unknown": QCoreApplication.translate("ReviewScreen", "Student not in the roster"),
        "duplicate": QCoreApplication.translate("ReviewScreen", "Student on two sheets"),
        "unclear": QCoreApplication.translate("ReviewScreen", "Student number unclear"),
        "confirmed": QCoreApplication.translate("ReviewScreen", "Student confirmed"),
    }
    return texts.get(reason, reason)


class QueuePane(QWidget):
    """The queue's heading over its list (:attr:`model` shown in :attr:`view`).

    The texts are set by the owner (:meth:`ReviewScreen.retranslate`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QueueModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.heading = QLabel(self)
        self.heading.setContentsMargins(8, 6, 8, 6)
        heading_font = self.heading.font()
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.view = QListView(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        view = self.view
        view.setModel(self.model)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setUniformItemSizes(True)
        view.setIconSize(QSize(16, 16))
        view.setMinimumWidth(170)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setSpacing(1)
        view.setAlternatingRowColors(True)

    def show_row(self, row: int) -> None:
        """Select a row and scroll it into view."""
        self.view.setCurrentIndex(self.model.index(row))
        self.view.scrollTo(self.model.index(row))


# ---------------------------------------------------------------------- positions in the queue


def start_index(items: Sequence[QueueItem], start_submission: int | None) -> int | None:
    """Where a queue just loaded opens: ``start_submission``'s first item still to
    settle (else its first item, else ``None``) when given, otherwise the first item
    still to settle (else the first item)."""
    if start_submission is not None:
        mine = [i for i, it in enumerate(items) if it.submission_id == start_submission]
        todo = [i for i in mine if not items[i].settled]
        return (todo or mine)[0] if (todo or mine) else None
    todo = [i for i, it in enumerate(items) if not it.settled]
    return todo[0] if todo else (0 if items else None)


def next_to_settle(items: Sequence[QueueItem], index: int | None) -> int | None:
    """The next item still to settle after ``index``, going round to the top."""
    if not items:
        return None
    start = index if index is not None else -1
    order = list(range(start + 1, len(items))) + list(range(0, start + 1))
    return next((i for i in order if not items[i].settled and i != index), None)


def find_item(items: Sequence[QueueItem], submission_id: int, label: str | None) -> int | None:
    """The first item of a sheet (of one of its fields when ``label`` is given)."""
    return next(
        (
            i
            for i, it in enumerate(items)
            if it.submission_id == submission_id and (label is None or it.label == label)
        ),
        None,
    )


__all__ = [
    "QueueModel",
    "QueuePane",
    "find_item",
    "next_to_settle",
    "start_index",
    "student_reason_text",
]
