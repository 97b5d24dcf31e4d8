"""The bar across the top of the review screen: back, title, progress, moving, undo,
view options and zoom.

:class:`ReviewBar` only lays the widgets out; the screen connects them and sets
their texts (:meth:`ReviewScreen.retranslate`), so the strings keep the
``ReviewScreen`` translation context.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QToolButton,
    QWidget,
)


class ReviewBar(QFrame):
    """The review screen's top bar (widgets as attributes, texts set by the owner)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewBar")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(
            "#reviewBar { background: palette(window); border-bottom: 1px solid palette(mid); }"
        )
        top = QHBoxLayout(self)
        top.setContentsMargins(8, 6, 8, 6)
        top.setSpacing(6)
        self.back_button = self._tool()
        self.title_label = QLabel("", self)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title_label.setFont(font)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMinimumWidth(160)
        self.progress_bar.setTextVisible(True)
        self.prev_button = self._tool()
        self.next_button = self._tool()
        self.undo_button = self._tool()
        self.redo_button = self._tool()
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.fit_width_button = self._tool()
        self.fit_page_button = self._tool()
        self.original_box = QCheckBox(self)
        self.original_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.advance_box = QCheckBox(self)
        self.advance_box.setChecked(True)
        self.advance_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.zoom_label = QLabel("", self)
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

    def _tool(self) -> QToolButton:
        b = QToolButton(self)
        b.setAutoRaise(True)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return b

    def show_zoom(self, zoom: float) -> None:
        """Show a zoom factor (1.0 = 100 %)."""
        self.zoom_label.setText(f"{round(zoom * 100)}%")


__all__ = ["ReviewBar"]
