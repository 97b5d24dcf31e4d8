"""The review screen: settle flagged answers and unknown students over the sheet.

``ReviewScreen(ctx)`` is what the main window embeds; ``SheetScene`` and
``SheetView`` draw a sheet read-only anywhere else (a preview, a report).
"""

from academy_desktop.ui.review.scene import SheetScene
from academy_desktop.ui.review.screen import ReviewScreen
from academy_desktop.ui.review.sheet_view import CropView, SheetView

__all__ = ["CropView", "ReviewScreen", "SheetScene", "SheetView"]
