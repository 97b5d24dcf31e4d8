"""The app's icons: one bundled set (KDE Breeze, LGPL; see resources/icons/LICENSE.md).

SVGs scale crisply on high-DPI screens. A missing file gives an empty icon, never an error.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from academy_desktop.resources import resource_path


@cache
def icon(name: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()
