"""The main window: exams on the left, the selected exam's results, review and batch
progress in the middle, workspace and sync state at the bottom.

It only places the screens and wires their signals (all in :meth:`MainWindow._wire`);
the screens call the store and the engine themselves, off the UI thread. Its actions,
menus and toolbar are built in :mod:`~academy_desktop.ui.main_actions`, the drop zone
and the exam page live in :mod:`~academy_desktop.ui.main_pages`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from academy_desktop import __version__
from academy_desktop.store import grading
from academy_desktop.store.exams import get_exam_by_id
from academy_desktop.ui.batch import BatchController, BatchPanel, BatchSummary
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup.key_editor import KeyEditorDialog
from academy_desktop.ui.exam_setup.mapping_dialog import MappingDialog
from academy_desktop.ui.exam_setup.new_exam_dialog import NewExamDialog
from academy_desktop.ui.exam_setup.roster_dialog import RosterImportDialog
from academy_desktop.ui.export_actions import ExportActions
from academy_desktop.ui.homework.page import HomeworkPage
from academy_desktop.ui.homework.sync_actions import send_homework_now
from academy_desktop.ui.main_actions import MainActions
from academy_desktop.ui.main_pages import DropZone, ExamPage, dropped_paths
from academy_desktop.ui.review.screen import ReviewScreen
from academy_desktop.ui.settings_dialog import SettingsDialog
from academy_desktop.ui.sidebar import ExamSidebar
from academy_desktop.ui.sync_ui import SyncController, SyncIndicator

APP_NAME = "Academy Desktop"
SCAN_FILTER = "*.pdf *.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff"


class MainWindow(QMainWindow):
    """Places the screens and wires them; holds no data of its own."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.exam_id: int | None = None
        self._unfinished: list[Path] = []
        self._review_after_batch = False

        self.export = ExportActions(ctx, self)
        self.sidebar = ExamSidebar(ctx, self)
        self.drop_zone = DropZone(self)
        self.exam_page = ExamPage(ctx, self.export, self)
        self.review = ReviewScreen(ctx, self)
        self.homework_page = HomeworkPage(ctx, self)
        self.stack = QStackedWidget(self)
        for page in (self.drop_zone, self.exam_page, self.review, self.homework_page):
            self.stack.addWidget(page)
        self.batch = BatchController(ctx, self)
        self.batch_panel = BatchPanel(self.batch, self)
        self.batch_panel.setObjectName("batchPanel")
        center = QWidget(self)
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.stack, 1)
        column.addWidget(self.batch_panel)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(center)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.sidebar.setMinimumWidth(200)
        self.splitter.setSizes([240, 960])
        self.setCentralWidget(self.splitter)

        self.workspace_label = QLabel(self)
        self.sync = SyncController(ctx, self)
        self.sync_label = SyncIndicator(self.sync, self)  # offline, syncing n/m, all sent ...
        self.statusBar().addWidget(self.workspace_label, 1)
        self.statusBar().addPermanentWidget(self.sync_label)

        self._make_actions()
        self._wire()
        self.retranslate()
        self.sidebar.refresh()
        self._show_page()
        self.resize(1280, 820)

    # -- actions and menus -----------------------------------------------------
    def _make_actions(self) -> None:
        self.main_actions = a = MainActions(
            self, self.review.undo_stack, self.export, self.sync.actions()
        )
        # the actions and menus, by the names they have always had here
        self.open_action, self.new_exam_action = a.open_action, a.new_exam_action
        self.roster_action, self.key_action = a.roster_action, a.key_action
        self.mapping_action, self.review_action = a.mapping_action, a.review_action
        self.resume_action, self.settings_action = a.resume_action, a.settings_action
        self.quit_action, self.about_action = a.quit_action, a.about_action
        self.open_folder_action = a.open_folder_action
        self.undo_action, self.redo_action = a.undo_action, a.redo_action
        self.file_menu, self.edit_menu = a.file_menu, a.edit_menu
        self.exam_menu, self.help_menu = a.exam_menu, a.help_menu
        self.toolbar = a.toolbar

    def _wire(self) -> None:
        """Every connection between the screens, in one place."""
        s = self.ctx.signals
        self.open_action.triggered.connect(self.choose_files)
        self.new_exam_action.triggered.connect(lambda: self.new_exam())
        self.roster_action.triggered.connect(self.import_roster)
        self.key_action.triggered.connect(self.edit_key)
        self.mapping_action.triggered.connect(self.edit_mapping)
        self.review_action.triggered.connect(lambda: self.open_review())
        self.resume_action.triggered.connect(self.resume)
        self.settings_action.triggered.connect(self.edit_settings)
        self.quit_action.triggered.connect(self.close)
        self.about_action.triggered.connect(self.about)
        self.open_folder_action.triggered.connect(self.open_workspace_folder)

        self.sidebar.exam_selected.connect(self.select_exam)
        self.sidebar.new_exam_requested.connect(lambda: self.new_exam())
        self.drop_zone.paths_dropped.connect(self.open_paths)
        self.exam_page.results.open_submission.connect(
            lambda sid: self.open_review(start_submission=sid)
        )
        self.exam_page.results.review_requested.connect(lambda: self.open_review())
        self.exam_page.resume_button.clicked.connect(self.resume)
        self.review.back_requested.connect(self.close_review)
        self.batch_panel.review_requested.connect(lambda ids: self.open_review(ids))
        self.batch.finished.connect(self._batch_finished)
        self.batch.running_changed.connect(self._update_actions)
        s.exams_changed.connect(self._update_header)
        # sheet counts in the sidebar follow a batch, at most once a second
        self._sidebar_timer = QTimer(self)
        self._sidebar_timer.setSingleShot(True)
        self._sidebar_timer.setInterval(1000)
        self._sidebar_timer.timeout.connect(self.sidebar.refresh)
        s.results_changed.connect(
            lambda _id: self._sidebar_timer.isActive() or self._sidebar_timer.start()
        )
        s.settings_changed.connect(self._settings_changed)
        self.sidebar.exam_selected.connect(self.sync.set_exam)
        self.sync.items_changed.connect(self.exam_page.results.model.refresh_server_states)
        self.exam_page.results.send_requested.connect(self.sync.send_sheets_now)
        hw, hw_page = self.sidebar.homework, self.homework_page
        hw.homework_selected.connect(self.select_homework)
        hw_page.changed.connect(lambda _id: hw.refresh())
        hw_page.edit_requested.connect(lambda _id: hw.edit_current())
        hw_page.send_requested.connect(
            lambda hid: send_homework_now(self.sync, hid, hw_page.show_sent)
        )

    def retranslate(self) -> None:
        self.setWindowTitle(APP_NAME)
        self.main_actions.retranslate()
        self.workspace_label.setText(
            self.tr("Workspace: {path}").format(path=self.ctx.workspace.folder)
        )
        self._update_header()
        self._update_actions()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_all()
        super().changeEvent(event)

    def retranslate_all(self) -> None:
        """After a language switch: every screen redraws its text."""
        self.retranslate()
        for widget in self.findChildren(QWidget):
            fn = getattr(widget, "retranslate", None)
            if callable(fn):
                fn()
        fn = getattr(self.export, "retranslate", None)
        if callable(fn):
            fn()

    # -- which screen ----------------------------------------------------------
    def _show_page(self) -> None:
        if self.stack.currentWidget() is self.review:
            return
        homework = self.homework_page if self.homework_page.homework_id is not None else None
        self.stack.setCurrentWidget(
            self.exam_page if self.exam_id is not None else homework or self.drop_zone
        )

    def select_homework(self, homework_id: int | None) -> None:
        self.homework_page.show_homework(homework_id)
        if homework_id is not None:
            self.stack.setCurrentWidget(self.homework_page)
        self._show_page()

    def select_exam(self, exam_id: int | None) -> None:
        if exam_id is not None:
            self.homework_page.show_homework(None)
        self.exam_id = exam_id
        if self.stack.currentWidget() is self.review:
            self.stack.setCurrentWidget(self.exam_page)
        self.exam_page.results.show_exam(exam_id)
        self.exam_page.rejected.show_exam(exam_id)
        self.exam_page.stats.show_exam(exam_id)
        self.export.set_exam(exam_id)
        self._show_page()
        self._update_header()
        self._check_unfinished()
        self._update_actions()

    def _update_header(self) -> None:
        if self.exam_id is None:
            return
        with self.ctx.workspace.read() as s:
            try:
                exam = get_exam_by_id(s, self.exam_id)
            except ValueError:
                return
            version = max((k.version for k in exam.keys), default=None)
            title, template = exam.title, exam.template.name
            when = exam.exam_date
        self.exam_page.title.setText(f"<h2>{title}</h2>")
        key = (
            self.tr("answer key v{v}").format(v=version)
            if version is not None
            else self.tr("no answer key yet")
        )
        parts = [template, key] + ([f"{when:%Y-%m-%d}"] if when else [])
        self.exam_page.details.setText(" · ".join(parts))

    def _update_actions(self, *_args: object) -> None:
        has_exam = self.exam_id is not None
        for a in (self.key_action, self.review_action, self.mapping_action):
            a.setEnabled(has_exam)
        self.resume_action.setEnabled(
            has_exam and bool(self._unfinished) and not self.batch.running
        )

    def _check_unfinished(self) -> None:
        self._unfinished = []
        if self.exam_id is not None and not self.batch.running:
            with self.ctx.workspace.read() as s:
                files = grading.unfinished(s, self.ctx.workspace.folder, self.exam_id)
            self._unfinished = [f.path for f in files]
            if files:
                pages = sum(f.pages - f.graded for f in files)
                self.exam_page.resume_label.setText(
                    self.tr(
                        "{files} files were not finished last time ({pages} sheets left). "
                        "The sheets already graded are kept."
                    ).format(files=len(files), pages=pages)
                )
        self.exam_page.resume_bar.setVisible(bool(self._unfinished))
        self._update_actions()

    # -- opening scans ---------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Open scanned answer sheets"),
            "",
            self.tr("Scans ({patterns});;All files (*)").format(patterns=SCAN_FILTER),
        )
        if files:
            self.open_paths([Path(f) for f in files])

    def open_paths(self, paths: Sequence[Path], *, review_after: bool = False) -> None:
        """Grade ``paths`` for the selected exam; with none selected, offer to create one.

        ``review_after`` (``main.py --open``) goes to review once the batch is done."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        if self.batch.running:
            QMessageBox.information(
                self,
                APP_NAME,
                self.tr("A batch is being graded. Wait for it to finish or cancel it first."),
            )
            return
        missing = [p for p in paths if not p.exists()]
        if missing:
            QMessageBox.warning(
                self,
                APP_NAME,
                self.tr("These files were not found and are skipped:\n{files}").format(
                    files="\n".join(str(p) for p in missing[:10])
                ),
            )
            paths = [p for p in paths if p.exists()]
            if not paths:
                return
        self._review_after_batch = review_after
        if self.exam_id is None:
            self.new_exam(paths)
            return
        self._start_batch(self.exam_id, paths)

    def _start_batch(self, exam_id: int, paths: list[Path]) -> None:
        title = self.sidebar.exam_title(exam_id)
        if title is None:
            with self.ctx.workspace.read() as s:
                title = get_exam_by_id(s, exam_id).title
        if self.stack.currentWidget() is self.review:
            self.close_review()
        self.exam_page.tabs.setCurrentWidget(self.exam_page.results)
        self.exam_page.resume_bar.hide()
        self.batch.start(exam_id, title, paths)

    def _batch_finished(self, summary: BatchSummary) -> None:
        self._check_unfinished()
        review_after, self._review_after_batch = self._review_after_batch, False
        if review_after and not summary.cancelled and summary.review:
            self.open_review(self.batch_panel.review_ids)

    def receive_from_other_start(self, paths: list[Path]) -> None:
        """``main.py --open`` while this window runs: come to the front and open them."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        if paths:
            self.open_paths(paths, review_after=True)

    def resume(self) -> None:
        if self.exam_id is not None and self._unfinished and not self.batch.running:
            self._start_batch(self.exam_id, list(self._unfinished))

    # -- dialogs ---------------------------------------------------------------
    def new_exam(self, paths: Sequence[Path] = ()) -> None:
        dialog = NewExamDialog(self.ctx, self, suggested_paths=list(paths))

        def created() -> None:
            exam_id = dialog.created_exam_id
            if exam_id is None:
                return
            self.sidebar.refresh()
            self.sidebar.select_exam(exam_id)
            if paths:
                self._start_batch(exam_id, list(paths))

        dialog.accepted.connect(created)
        dialog.open()

    def edit_mapping(self) -> None:
        if self.exam_id is not None:
            MappingDialog(self.ctx, self.exam_id, self).open()

    def edit_key(self) -> None:
        if self.exam_id is not None:
            KeyEditorDialog(self.ctx, self.exam_id, self).open()

    def import_roster(self) -> None:
        RosterImportDialog(self.ctx, self).open()

    def edit_settings(self) -> None:
        SettingsDialog(self.ctx, self).open()

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Academy Desktop"),
            self.tr(
                "<h3>Academy Desktop {version}</h3>"
                "<p>Offline OMR grading and homework review for academies.</p>"
                "<p>Workspace: {path}</p>"
            ).format(version=__version__, path=self.ctx.workspace.folder),
        )

    def open_workspace_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.workspace.folder)))

    def _settings_changed(self) -> None:
        from academy_desktop.ui.app import install_translations

        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_translations(app, self.ctx.settings.language)
        # QEvent.LanguageChange reaches changeEvent, which retranslates every screen

    # -- review ----------------------------------------------------------------
    def open_review(
        self, submission_ids: Sequence[int] | None = None, start_submission: int | None = None
    ) -> None:
        if self.exam_id is None:
            return
        self.review.open_queue(
            self.exam_id,
            submission_ids=list(submission_ids) if submission_ids else None,
            start_submission=start_submission,
        )
        self.stack.setCurrentWidget(self.review)

    def close_review(self) -> None:
        self.stack.setCurrentWidget(self.exam_page if self.exam_id is not None else self.drop_zone)
        self.exam_page.results.reload()

    # -- closing ---------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.batch.running or self.homework_page.batch.running:
            question = (
                self.tr(
                    "Sheets are still being graded. Stop and close?\n\n"
                    "Every sheet graded so far is saved. The rest can be resumed "
                    "the next time you open this exam."
                )
                if self.batch.running
                else self.tr(
                    "Homework files are still being analysed. Stop and close?\n\n"
                    "The files finished so far are kept."
                )
            )
            answer = QMessageBox.question(
                self,
                APP_NAME,
                question,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.batch.cancel()
            self.homework_page.batch.cancel()
        self.sync.shutdown()
        self.ctx.runner.shutdown()
        event.accept()


def show_later(window: MainWindow, paths: Sequence[Path]) -> None:
    """Open ``paths`` once the event loop runs (``main.py --open``)."""
    if paths:
        QTimer.singleShot(0, lambda: window.open_paths(list(paths), review_after=True))
