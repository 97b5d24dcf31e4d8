"""A sheet layout drawn over a page: the blank printed sheet, or a sample scan aligned to it.

The page is computed off the UI thread by :func:`preview_page` (no Qt: load, align,
warp); :func:`draw_preview` paints every bubble box and block name on it with
``QPainter`` (a few hundred rectangles, a few milliseconds), and
:class:`TemplatePreview` shows the picture with a legend for its colours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.align.aligner import align, warp
from academy_desktop.engine.align.reference import reference
from academy_desktop.engine.input_files import SUPPORTED_SUFFIXES
from academy_desktop.engine.manual import load_sheet_gray
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.rejections import Rejection
from academy_desktop.engine.template.model import Template
from academy_desktop.engine.template.omrchecker import template_resources
from academy_desktop.ui.text import localized

__all__ = [
    "BUBBLE_COLOUR",
    "DIGIT_COLOUR",
    "PreviewPage",
    "TemplatePreview",
    "draw_preview",
    "find_sample_beside",
    "guess_template",
    "preview_page",
]

PREVIEW_LONG_SIDE = 1400  # pixels along the page's long side
BUBBLE_COLOUR = QColor(21, 101, 192)  # answer bubbles: blue
DIGIT_COLOUR = QColor(216, 67, 21)  # number columns (student ID): deep orange
MIN_NAME_PX, MAX_NAME_PX = 12, 28  # block names: about a bubble high, within these
MIN_GUESS_NCC = 0.5  # a sample must look at least this much like a sheet to pick it


@dataclass(frozen=True)
class PreviewPage:
    """A grey page in template coordinates (``scale`` pixels per template unit)."""

    template: Template
    image: np.ndarray
    scale: float
    sample: Path | None  # the scan shown, None for the blank sheet
    note: str = ""  # bilingual: why the sample is not shown ("" when all went well)


def _scale(t: Template) -> float:
    return PREVIEW_LONG_SIDE / max(t.page_size)


def preview_page(
    template: Template, sample: Path | None = None, state: TaskState | None = None
) -> PreviewPage:
    """The page to draw ``template`` over: ``sample`` aligned to the sheet, or the blank
    sheet when there is no sample or it cannot be aligned (``note`` says why)."""
    scale = _scale(template)
    note = ""
    if sample is not None:
        try:
            gray = load_sheet_gray(Path(sample), 1)
            if state is not None:
                state.check()
            aligned = align(gray, template)
            return PreviewPage(template, warp(gray, aligned.h, template, scale), scale, sample)
        except Rejection as exc:
            note = exc.message
        except (OSError, ValueError) as exc:
            note = f"샘플 파일을 읽을 수 없습니다 / Cannot read the sample file ({exc})"
    return PreviewPage(template, np.array(reference(template, scale)), scale, None, note)


def find_sample_beside(template: Template, limit_dirs: int = 20) -> Path | None:
    """A scan near an imported template file: in its folder, else in a folder just below
    (OMRChecker keeps ``template.json`` above the image folders). Marker and reference
    pictures the template uses are not samples."""
    if template.path is None:
        return None
    folder = template.path.parent
    used = template_resources(template)

    def scans(d: Path) -> list[Path]:
        try:
            files = sorted(p for p in d.iterdir() if p.is_file())
        except OSError:
            return []
        return [
            p
            for p in files
            if p.suffix.lower() in SUPPORTED_SUFFIXES
            and p.resolve() not in used
            and not p.name.startswith(".")
        ]

    own = scans(folder)
    if own:
        return own[0]
    try:
        subfolders = sorted(d for d in folder.iterdir() if d.is_dir())[:limit_dirs]
    except OSError:
        return None
    for d in subfolders:
        found = scans(d)
        if found:
            return found[0]
    return None


def guess_template(sample: Path, templates: Sequence[Template]) -> Template | None:
    """The template ``sample`` looks most like (aligned, then compared with the blank
    sheet), or ``None`` when none fits well."""
    try:
        gray = load_sheet_gray(Path(sample), 1)
    except (Rejection, OSError, ValueError):
        return None
    best: tuple[float, Template | None] = (MIN_GUESS_NCC, None)
    for t in templates:
        try:
            score = align(gray, t).ncc
        except (Rejection, ValueError):
            continue
        if score > best[0]:
            best = (score, t)
    return best[1]


def _to_qimage(gray: np.ndarray) -> QImage:
    gray = np.ascontiguousarray(gray)
    h, w = gray.shape[:2]
    image = QImage(gray.data, w, h, gray.strides[0], QImage.Format.Format_Grayscale8)
    return image.convertToFormat(QImage.Format.Format_RGB32)  # a deep copy we may paint on


def _colour(kind: str) -> QColor:
    return DIGIT_COLOUR if kind == "digit" else BUBBLE_COLOUR


def draw_preview(page: PreviewPage) -> QImage:
    """The page with every bubble outlined and every block named.

    Names go first and the outlines over them, so a name never hides a bubble of a
    neighbouring block.
    """
    image = _to_qimage(page.image)
    t, s = page.template, page.scale
    bubbles = [b for f in t.fields for b in f.bubbles]
    smallest = min((min(b.w, b.h) for b in bubbles), default=4.0) * s
    pen_w = max(1.0, round(max(4.0, t.bubble_size * s) / 12))
    pad = pen_w * 3
    painter = QPainter(image)
    try:
        font = QFont()
        font.setPixelSize(min(MAX_NAME_PX, max(MIN_NAME_PX, round(smallest * 0.9))))
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        frames = []
        for block in t.blocks:
            bx, by, bw, bh = block.bounds()
            frame = QRectF(bx * s, by * s, bw * s, bh * s).adjusted(-pad, -pad, pad, pad)
            frames.append((block, frame))
            tw, th = metrics.horizontalAdvance(block.name) + 8, metrics.height() + 2
            top = frame.top() - th if frame.top() - th >= 0 else frame.bottom()
            tag = QRectF(frame.left(), top, tw, th)
            painter.fillRect(tag, QColor(255, 255, 255, 200))
            painter.setPen(_colour(block.kind))
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, block.name)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for block, frame in frames:
            colour = _colour(block.kind)
            painter.setPen(QPen(colour, max(1.0, pen_w / 2), Qt.PenStyle.DashLine))
            painter.drawRect(frame)
            pen = QPen(colour, pen_w)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            for f in block.fields():
                for b in f.bubbles:
                    painter.drawRect(QRectF(b.x * s, b.y * s, b.w * s, b.h * s))
    finally:
        painter.end()
    return image


def describe(t: Template, questions: int) -> str:
    """One line about a layout: questions, choices, student ID digits, page size."""
    parts = [QCoreApplication.translate("TemplatePreview", "{n} questions").format(n=questions)]
    mcq = [b for b in t.blocks if b.kind == "mcq"]
    if mcq:
        counts = sorted({len(b.values) for b in mcq})
        parts.append(
            QCoreApplication.translate("TemplatePreview", "{n} choices").format(
                n="/".join(str(c) for c in counts)
            )
        )
    if t.student_id:
        digits = len(t.joins.get(t.student_id, (t.student_id,)))
        parts.append(
            QCoreApplication.translate("TemplatePreview", "student ID {n} digits").format(n=digits)
        )
    w, h = t.page_size
    if t.unit == "mm":
        parts.append(
            QCoreApplication.translate("TemplatePreview", "{w} × {h} mm").format(
                w=f"{w:g}", h=f"{h:g}"
            )
        )
    else:
        parts.append(
            QCoreApplication.translate("TemplatePreview", "{w} × {h} px").format(
                w=f"{w:g}", h=f"{h:g}"
            )
        )
    return " · ".join(parts)


class _View(QGraphicsView):
    """Fits the page to the view; the wheel zooms, dragging pans."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundRole(QPalette.ColorRole.Mid)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._item: QGraphicsPixmapItem | None = None
        self._fitted = True

    def set_image(self, image: QImage | None) -> None:
        self.scene().clear()
        self._item = None
        if image is not None:
            self._item = self.scene().addPixmap(QPixmap.fromImage(image))
            self.scene().setSceneRect(self._item.boundingRect())
        self._fitted = True
        self.fit()

    def fit(self) -> None:
        if self._item is not None:
            self.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self._item is None:
            return
        factor = math.pow(1.0015, event.angleDelta().y())
        current = self.transform().m11()
        fit_scale = min(
            self.viewport().width() / max(1.0, self._item.boundingRect().width()),
            self.viewport().height() / max(1.0, self._item.boundingRect().height()),
        )
        if current * factor <= fit_scale:
            self._fitted = True
            self.fit()
        else:
            self._fitted = False
            self.scale(factor, factor)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._fitted = True
        self.fit()


class TemplatePreview(QWidget):
    """The picture, a line about the layout, a legend, and a note in plain words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = _View(self)
        self.view.setMinimumSize(240, 320)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.message = QLabel(self)
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setFrameShape(QFrame.Shape.StyledPanel)
        self.message.setMargin(24)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.message)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setObjectName("previewNote")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        self._image: QImage | None = None
        self._page: PreviewPage | None = None
        self.show_message(self.tr("Pick a template to see it here."))

    @property
    def image(self) -> QImage | None:
        """What is shown (for tests and screenshots)."""
        return self._image

    @property
    def page(self) -> PreviewPage | None:
        return self._page

    def _legend_html(self) -> str:
        def swatch(colour: QColor, text: str) -> str:
            return f'<span style="color:{colour.name()}; font-weight:bold">□</span> {text}'

        return "&nbsp;&nbsp;".join(
            [
                swatch(BUBBLE_COLOUR, self.tr("answer bubbles")),
                swatch(DIGIT_COLOUR, self.tr("number columns (student ID)")),
                self.tr("labels: block names"),
            ]
        )

    def show_page(self, page: PreviewPage, questions: int) -> None:
        self._page = page
        self._image = draw_preview(page)
        self.view.set_image(self._image)
        self.stack.setCurrentWidget(self.view)
        self.summary.setText(describe(page.template, questions))
        self.legend.setText(self._legend_html())
        self.legend.setVisible(True)
        if page.note:
            self.note.setText(
                self.tr("The sample page could not be matched to this sheet: {reason}").format(
                    reason=localized(page.note)
                )
                + "\n"
                + self.tr("Showing the blank sheet instead.")
            )
        elif page.sample is not None:
            self.note.setText(self.tr("Sample page: {name}").format(name=page.sample.name))
        else:
            self.note.setText(self.tr("Blank sheet (no sample page chosen)."))

    def show_message(self, text: str, error: bool = False) -> None:
        """No picture: ``text`` says why (a bad template, nothing picked, loading)."""
        self._page = None
        self._image = None
        self.view.set_image(None)
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e;" if error else "")
        self.message.setAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            if error
            else Qt.AlignmentFlag.AlignCenter
        )
        self.stack.setCurrentWidget(self.message)
        self.summary.setText("")
        self.legend.setVisible(False)
        self.note.setText("")

    @property
    def message_text(self) -> str:
        """The message shown instead of a picture ("" while a picture is shown)."""
        return self.message.text() if self._image is None else ""
