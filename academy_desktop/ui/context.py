"""What every screen of one window shares: the workspace, the settings and the op runner.

Passed explicitly to the widgets that need it (no module globals), so a test can
build any screen on a temporary workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from academy_desktop import settings as settings_mod
from academy_desktop.settings import Settings
from academy_desktop.store.database import Workspace
from academy_desktop.ui.ops import OpRunner


class ContextSignals(QObject):
    """Changes any screen may need to follow."""

    exams_changed = Signal()  # an exam was created, renamed or its key changed
    results_changed = Signal(int)  # exam id: sheets were graded or re-graded
    submission_changed = Signal(int)  # submission id: a review decision, a re-grade
    settings_changed = Signal()


@dataclass
class AppContext:
    workspace: Workspace
    settings: Settings
    runner: OpRunner
    settings_path: Path | None = None  # None: the user's settings file
    signals: ContextSignals = field(default_factory=ContextSignals)

    @property
    def staff(self) -> str:
        """Who decides: the staff name from the settings (review needs one)."""
        return self.settings.staff_name

    def save_settings(self, new: Settings) -> None:
        self.settings = new.normalised()
        self.workspace.staff = self.settings.staff_name or None
        settings_mod.save(self.settings, self.settings_path)
        self.signals.settings_changed.emit()
