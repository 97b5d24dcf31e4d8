"""Sheets and pictures for the review screen, read in the background and kept in memory.

A :class:`SheetLoader` reads each sheet's data
(:func:`~academy_desktop.store.review_sheet.load_sheet`) on the ``"db"`` lane and
decodes and warps its picture
(:func:`~academy_desktop.ui.review.images.load_sheet_image`) on the ``"work"`` lane.
Both are cached (least recently used first out), and :meth:`SheetLoader.prefetch`
fetches the next items of the queue ahead, so moving on only redraws. The loader
never draws: it tells its owner with :attr:`~SheetLoader.sheet_loaded` and
:attr:`~SheetLoader.picture_changed`.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap

from academy_desktop.store.review_queue import QueueItem
from academy_desktop.store.review_sheet import SheetData, load_sheet
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.review.images import SheetImage, load_sheet_image
from academy_desktop.ui.text import localized

PREFETCH_AHEAD = 3  # sheets fetched ahead of the current item
SHEET_CACHE = 64
IMAGE_CACHE = 5  # the current sheet, three ahead, one behind (~25 MB each)


@dataclasses.dataclass
class Picture:
    """A sheet's picture, ready to draw: the aligned page as pixmaps, the scan kept
    as an image until "Show original" asks for it."""

    image: SheetImage
    aligned: QPixmap
    aligned_half: QPixmap | None = None
    original: QPixmap | None = None
    original_half: QPixmap | None = None

    def pixmaps(self, original: bool) -> tuple[QPixmap, QPixmap | None]:
        """The picture and its half-size copy (made when first needed)."""
        if not original:
            return self.aligned, self.aligned_half
        if self.original is None:
            self.original = QPixmap.fromImage(self.image.original)
            if self.image.original_half is not None:
                self.original_half = QPixmap.fromImage(self.image.original_half)
        return self.original, self.original_half


class SheetLoader(QObject):
    """The sheets' data and pictures in memory, loaded on request and fetched ahead.

    ``shown`` tells which sheet is on screen: its picture is never evicted.
    """

    sheet_loaded = Signal(int)  # a sheet's data is in (its submission id)
    picture_changed = Signal(int)  # a sheet's picture is in, or it cannot be made
    load_failed = Signal(object)  # a sheet's data could not be read (the exception)

    def __init__(
        self, ctx: AppContext, shown: Callable[[], int | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._shown = shown
        self._sheets: OrderedDict[int, SheetData] = OrderedDict()
        self._pictures: OrderedDict[int, Picture] = OrderedDict()
        self._picture_errors: dict[int, str] = {}
        self._loading_sheets: set[int] = set()
        self._loading_pictures: set[int] = set()

    # ------------------------------------------------------------------ reading the cache

    def sheet(self, sub_id: int) -> SheetData | None:
        """A sheet's data if it is in memory."""
        return self._sheets.get(sub_id)

    def picture(self, sub_id: int) -> Picture | None:
        """A sheet's picture if it is in memory."""
        return self._pictures.get(sub_id)

    def picture_error(self, sub_id: int) -> str | None:
        """Why a sheet's picture cannot be shown, if it cannot."""
        return self._picture_errors.get(sub_id)

    def is_prefetched(self, sub_id: int) -> bool:
        """Whether a sheet's data and picture are in memory (moving to it only draws)."""
        return sub_id in self._sheets and sub_id in self._pictures

    # ------------------------------------------------------------------ requesting

    def focus(self, sub_id: int) -> None:
        """The sheet about to be shown: load it if needed, and keep it the last one
        evicted."""
        self.request(sub_id)
        if sub_id in self._sheets:
            self._sheets.move_to_end(sub_id)
        if sub_id in self._pictures:
            self._pictures.move_to_end(sub_id)

    def request(self, sub_id: int) -> None:
        """Load a sheet's data (then its picture) unless it is in memory or on its way."""
        if sub_id in self._sheets or sub_id in self._loading_sheets:
            if sub_id in self._sheets:
                self._request_picture(self._sheets[sub_id])
            return
        self._loading_sheets.add(sub_id)
        folder = self.ctx.workspace.folder

        def load(_state: OpState) -> SheetData:
            with self.ctx.workspace.read() as s:
                return load_sheet(s, sub_id, folder)

        def failed(exc: BaseException) -> None:
            self._loading_sheets.discard(sub_id)
            self.load_failed.emit(exc)

        BackgroundOp(self, load, self._sheet_loaded).failure(failed).run_in_background(
            self.ctx.runner, "db"
        )

    def prefetch(self, items: Sequence[QueueItem], index: int | None) -> None:
        """Fetch the sheets of the next few unsettled items after ``index`` and of the
        one before it."""
        if not items:
            return
        shown = self._shown()
        start = index if index is not None else -1
        wanted: list[int] = []
        for it in items[start + 1 :]:
            if not it.settled and it.submission_id not in wanted and it.submission_id != shown:
                wanted.append(it.submission_id)
            if len(wanted) >= PREFETCH_AHEAD:
                break
        if start > 0:
            wanted.append(items[start - 1].submission_id)
        for sub_id in wanted:
            self.request(sub_id)

    def store(self, sheet: SheetData) -> None:
        """Keep a sheet's data (as read, or as a decision returned it)."""
        self._sheets[sheet.submission_id] = sheet
        self._sheets.move_to_end(sheet.submission_id)
        while len(self._sheets) > SHEET_CACHE:
            self._sheets.popitem(last=False)

    # ------------------------------------------------------------------ forgetting

    def reload(self, sub_id: int) -> None:
        """Read a sheet's data again (its picture stays)."""
        self._sheets.pop(sub_id, None)
        self.request(sub_id)

    def forget(self, sub_id: int) -> None:
        """Forget a sheet's data and picture (its alignment may have changed)."""
        self._sheets.pop(sub_id, None)
        self._pictures.pop(sub_id, None)
        self._picture_errors.pop(sub_id, None)

    def forget_sheets(self) -> None:
        """Forget every sheet's data (grading does not move a page: the pictures stay)."""
        self._sheets.clear()

    def clear(self) -> None:
        """Forget every sheet and picture held in memory."""
        self._sheets.clear()
        self._pictures.clear()
        self._picture_errors.clear()

    # ------------------------------------------------------------------ arrivals

    def _sheet_loaded(self, sheet: SheetData) -> None:
        self._loading_sheets.discard(sheet.submission_id)
        self.store(sheet)
        self._request_picture(sheet)
        self.sheet_loaded.emit(sheet.submission_id)

    def _request_picture(self, sheet: SheetData) -> None:
        sub_id = sheet.submission_id
        if (
            sub_id in self._pictures
            or sub_id in self._loading_pictures
            or sub_id in self._picture_errors
            or not sheet.graded
        ):
            return
        self._loading_pictures.add(sub_id)

        def failed(exc: BaseException) -> None:
            self._loading_pictures.discard(sub_id)
            self._picture_errors[sub_id] = localized(str(exc)) or type(exc).__name__
            self.picture_changed.emit(sub_id)

        BackgroundOp(self, lambda _s: load_sheet_image(sheet), self._picture_loaded).failure(
            failed
        ).run_in_background(self.ctx.runner, "work")

    def _picture_loaded(self, image: SheetImage) -> None:
        sub_id = image.submission_id
        self._loading_pictures.discard(sub_id)
        half = QPixmap.fromImage(image.aligned_half) if image.aligned_half is not None else None
        picture = Picture(image, QPixmap.fromImage(image.aligned), half)
        # the pixmaps hold the aligned picture now; the scan stays for "Show original"
        image.aligned, image.aligned_half = QImage(), None
        self._pictures[sub_id] = picture
        self._pictures.move_to_end(sub_id)
        shown = self._shown()
        for old in list(self._pictures):
            if len(self._pictures) <= IMAGE_CACHE:
                break
            if old not in (shown, sub_id):  # never the one on screen
                del self._pictures[old]
        self.picture_changed.emit(sub_id)


__all__ = ["IMAGE_CACHE", "PREFETCH_AHEAD", "SHEET_CACHE", "Picture", "SheetLoader"]
