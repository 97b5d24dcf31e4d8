"""Key frames on a homework card: thumbnails loaded off the UI thread, and a larger view.

:class:`FrameLoader` reads a submission's pictures (``store.homework.frames``) on the
``"db"`` lane, decodes the PNGs and scales them once to the thumbnail height there
(``QImage`` is safe off the UI thread); the UI thread only turns them into pixmaps.
The same loader fetches one picture at full size for :class:`FrameViewer`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.homework import frames as stored_frames
from academy_desktop.store.models import HomeworkFrame
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.homework.timeline_chart import clock
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.review.flow import FlowLayout

THUMB_HEIGHT = 96  # logical pixels; scaled for the screen's device pixel ratio


@dataclass(frozen=True)
class Thumb:
    frame_id: int
    page: int
    which: str  # "first", "last" or "page"
    time_s: float | None
    image: QImage  # already scaled to the thumbnail height


def caption(page: int, which: str, time_s: float | None) -> str:
    """``p1 first 0:12``, ``p2 last 1:30``, or ``p1`` for a photo's page."""
    if which == "first":
        text = QCoreApplication.translate("Homework", "p{n} first").format(n=page + 1)
    elif which == "last":
        text = QCoreApplication.translate("Homework", "p{n} last").format(n=page + 1)
    else:
        text = QCoreApplication.translate("Homework", "p{n}").format(n=page + 1)
    return f"{text} {clock(time_s)}" if time_s is not None else text


def _thumbs(rows: list[HomeworkFrame], height: int) -> list[Thumb]:
    out = []
    for row in rows:
        image = QImage.fromData(row.png)
        if image.isNull():
            continue
        if image.height() > height:
            image = image.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)
        out.append(Thumb(row.id, row.page, row.which, row.time_s, image))
    return out


class FrameLoader(QObject):
    """Loads thumbnails per submission (one request at a time per batch of cards)."""

    loaded = Signal(int, list)  # submission id, list[Thumb]

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.requested: set[int] = set()
        self.ratio = 1.0

    def forget(self, submission_ids: list[int] | None = None) -> None:
        """Load these again next time (all when ``None``): their pictures changed."""
        if submission_ids is None:
            self.requested.clear()
        else:
            self.requested.difference_update(submission_ids)

    def request(self, submission_ids: list[int]) -> None:
        wanted = [sid for sid in submission_ids if sid not in self.requested]
        if not wanted:
            return
        self.requested.update(wanted)
        ws = self.ctx.workspace
        height = round(THUMB_HEIGHT * self.ratio)

        def work(state: OpState) -> list[tuple[int, list[Thumb]]]:
            out = []
            for sid in wanted:
                state.check()
                with ws.read() as s:
                    rows = stored_frames(s, sid)
                    out.append((sid, _thumbs(rows, height)))
            return out

        def done(result: list[tuple[int, list[Thumb]]]) -> None:
            for sid, thumbs in result:
                self.loaded.emit(sid, thumbs)

        def failed(_exc: BaseException) -> None:
            self.requested.difference_update(wanted)

        BackgroundOp(self, work, done).failure(failed).run_in_background(self.ctx.runner, "db")

    def load_full(
        self, frame_id: int, done: Callable[[QImage], None], owner: QObject | None = None
    ) -> None:
        """The picture at full size, to ``done(QImage)`` on the UI thread (skipped when
        ``owner`` is gone by then)."""
        ws = self.ctx.workspace

        def work(_state: OpState) -> QImage:
            with ws.read() as s:
                row = s.get(HomeworkFrame, frame_id)
                data = row.png if row is not None else b""
            return QImage.fromData(data)

        BackgroundOp(owner or self, work, done).run_in_background(self.ctx.runner, "db")


class FrameStrip(QWidget):
    """The card's key frames as captioned thumbnails; a click opens the large view."""

    frame_clicked = Signal(int)  # frame id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbs: list[Thumb] = []
        self.buttons: list[QToolButton] = []
        self.flow = FlowLayout(self, spacing=6)
        self.flow.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel(self)
        self.status.setObjectName("frameStatus")
        self.flow.addWidget(self.status)
        self.set_loading()

    def set_loading(self) -> None:
        self._clear()
        self.status.setText(QCoreApplication.translate("Homework", "Loading pictures…"))
        self.status.show()

    def set_none(self) -> None:
        self._clear()
        self.status.setText(QCoreApplication.translate("Homework", "No pictures"))
        self.status.show()

    def _clear(self) -> None:
        for b in self.buttons:
            self.flow.removeWidget(b)
            b.deleteLater()
        self.buttons = []
        self.thumbs = []

    def set_thumbs(self, thumbs: list[Thumb]) -> None:
        self._clear()
        if not thumbs:
            self.set_none()
            return
        self.status.hide()
        self.thumbs = list(thumbs)
        ratio = self.devicePixelRatioF() or 1.0
        for t in thumbs:
            pm = QPixmap.fromImage(t.image)
            pm.setDevicePixelRatio(max(1.0, t.image.height() / THUMB_HEIGHT, ratio))
            b = QToolButton(self)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            b.setIcon(pm)
            logical = pm.deviceIndependentSize()
            b.setIconSize(QSize(round(logical.width()), round(logical.height())))
            b.setText(caption(t.page, t.which, t.time_s))
            b.setToolTip(QCoreApplication.translate("Homework", "Click to see it larger"))
            b.setAutoRaise(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _c=False, fid=t.frame_id: self.frame_clicked.emit(fid))
            self.flow.addWidget(b)
            self.buttons.append(b)
        self.updateGeometry()

    def retranslate(self) -> None:
        for b, t in zip(self.buttons, self.thumbs, strict=False):
            b.setText(caption(t.page, t.which, t.time_s))
            b.setToolTip(QCoreApplication.translate("Homework", "Click to see it larger"))


class _Picture(QLabel):
    """A picture scaled to fit, kept sharp on resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(320, 240)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.image.isNull():
            return
        ratio = self.devicePixelRatioF() or 1.0
        target = self.size() * ratio
        pm = QPixmap.fromImage(
            self.image.scaled(
                target,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        pm.setDevicePixelRatio(ratio)
        self.setPixmap(pm)


class FrameViewer(QDialog):
    """One key frame, large, with the previous and next ones of the same card."""

    def __init__(
        self,
        loader: FrameLoader,
        thumbs: list[Thumb],
        frame_id: int,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loader = loader
        self.thumbs = thumbs
        self.index = next((i for i, t in enumerate(thumbs) if t.frame_id == frame_id), 0)
        self.setWindowTitle(title)
        self.picture = _Picture(self)
        self.caption = QLabel(self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prev_button = QPushButton(self)
        self.next_button = QPushButton(self)
        self.prev_button.clicked.connect(lambda: self.show_index(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_index(self.index + 1))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.caption, 1)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addLayout(nav)
        layout.addWidget(buttons)
        self.resize(720, 640)
        self.retranslate()
        self.show_index(self.index)

    def retranslate(self) -> None:
        self.prev_button.setText(QCoreApplication.translate("Homework", "◀ Previous"))
        self.next_button.setText(QCoreApplication.translate("Homework", "Next ▶"))

    def show_index(self, index: int) -> None:
        if not self.thumbs:
            return
        self.index = max(0, min(len(self.thumbs) - 1, index))
        t = self.thumbs[self.index]
        self.caption.setText(caption(t.page, t.which, t.time_s))
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.thumbs) - 1)
        self.picture.set_image(t.image)  # the thumbnail at once, the full picture next
        wanted = t.frame_id

        def loaded(image: QImage) -> None:
            if not image.isNull() and self.thumbs[self.index].frame_id == wanted:
                self.picture.set_image(image)

        self.loader.load_full(wanted, loaded, self)


__all__ = ["THUMB_HEIGHT", "FrameLoader", "FrameStrip", "FrameViewer", "Thumb", "caption"]
