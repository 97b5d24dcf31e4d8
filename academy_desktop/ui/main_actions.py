"""The main window's actions, menus and toolbar, and their texts.

:class:`MainActions` builds them on the window; what each action does is wired by
:meth:`~academy_desktop.ui.main_window.MainWindow._wire`. The texts are the main
window's (translation context ``MainWindow``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QToolBar

from academy_desktop.ui.export_actions import ExportActions
from academy_desktop.ui.icons import icon


class MainActions(QObject):
    """Every action of the main window, in its menus (File, Edit, Exam, Help) and on
    its toolbar. ``undo_stack`` is the review's; ``exam_actions`` (the sync actions)
    close the Exam menu."""

    def __init__(
        self,
        window: QMainWindow,
        undo_stack: QUndoStack,
        export: ExportActions,
        exam_actions: Sequence[QAction],
    ) -> None:
        super().__init__(window)

        def action(
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            icon_name: str = "",
        ) -> QAction:
            a = QAction(window)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            if icon_name:
                a.setIcon(icon(icon_name))
            return a

        self.open_action = action(QKeySequence.StandardKey.Open, "open")
        self.new_exam_action = action(QKeySequence.StandardKey.New, "new")
        self.roster_action = action(None, "roster")
        self.key_action = action("Ctrl+K", "key")
        self.mapping_action = action()
        self.review_action = action("Ctrl+R", "review")
        self.resume_action = action(None, "resume")
        self.settings_action = action(QKeySequence.StandardKey.Preferences, "settings")
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.quit_action = action(QKeySequence.StandardKey.Quit)
        self.about_action = action()
        self.open_folder_action = action(None, "folder")
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)

        menu_bar = window.menuBar()
        self.file_menu = menu_bar.addMenu("")
        self.file_menu.addActions([self.open_action, self.new_exam_action, self.roster_action])
        self.file_menu.addSeparator()
        self.file_menu.addActions(export.actions())
        self.file_menu.addAction(self.open_folder_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = menu_bar.addMenu("")
        self.undo_action = undo_stack.createUndoAction(window)
        self.redo_action = undo_stack.createRedoAction(window)
        self.undo_action.setIcon(icon("undo"))
        self.redo_action.setIcon(icon("redo"))
        # the review screen handles Ctrl+Z / Ctrl+Y itself while it has the focus
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.redo_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.exam_menu = menu_bar.addMenu("")
        self.exam_menu.addActions([self.key_action, self.review_action, self.resume_action])
        self.exam_menu.addSeparator()
        self.exam_menu.addAction(self.mapping_action)
        self.exam_menu.addActions(list(exam_actions))
        self.help_menu = menu_bar.addMenu("")
        self.help_menu.addAction(self.about_action)

        export.excel_action.setIcon(icon("export"))
        self.toolbar = QToolBar(window)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.open_action, self.new_exam_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.key_action, self.review_action, export.excel_action])
        window.addToolBar(self.toolbar)

    def retranslate(self) -> None:
        """The menus' titles and the actions' texts, in the current language."""
        self.file_menu.setTitle(QCoreApplication.translate("MainWindow", "&File"))
        self.exam_menu.setTitle(QCoreApplication.translate("MainWindow", "E&xam"))
        self.edit_menu.setTitle(QCoreApplication.translate("MainWindow", "&Edit"))
        self.help_menu.setTitle(QCoreApplication.translate("MainWindow", "&Help"))
        self.open_action.setText(QCoreApplication.translate("MainWindow", "Open scans…"))
        self.open_action.setToolTip(
            QCoreApplication.translate(
                "MainWindow", "Grade scanned sheets for the selected exam (Ctrl+O)"
            )
        )
        self.new_exam_action.setText(QCoreApplication.translate("MainWindow", "New exam…"))
        self.roster_action.setText(QCoreApplication.translate("MainWindow", "Import roster…"))
        self.key_action.setText(QCoreApplication.translate("MainWindow", "Answer key…"))
        self.mapping_action.setText(QCoreApplication.translate("MainWindow", "Server mapping…"))
        self.review_action.setText(QCoreApplication.translate("MainWindow", "Review flagged"))
        self.resume_action.setText(
            QCoreApplication.translate("MainWindow", "Resume unfinished files")
        )
        self.settings_action.setText(QCoreApplication.translate("MainWindow", "Settings…"))
        self.quit_action.setText(QCoreApplication.translate("MainWindow", "Quit"))
        self.about_action.setText(QCoreApplication.translate("MainWindow", "About Academy Desktop"))
        self.open_folder_action.setText(
            QCoreApplication.translate("MainWindow", "Open workspace folder")
        )


__all__ = ["MainActions"]
