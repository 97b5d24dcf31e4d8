"""Create an exam: title, date, class, the sheet template (bundled or imported), an
optional answer key, and a preview of the template drawn over a sample page.

Everything slow runs off the UI thread: loading templates and keys, aligning the
sample page (``"work"`` lane) and creating the exam (``"db"`` lane, the same
:func:`academy_desktop.store.exams.create_exam` the CLI's ``exam create`` calls).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.template.discovery import bundled_names, load_template
from academy_desktop.engine.template.model import Template
from academy_desktop.store import exams
from academy_desktop.store.exams import BundledTemplate
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup.answer_key_field import AnswerKeyField
from academy_desktop.ui.exam_setup.common import error_text, fit_to_screen
from academy_desktop.ui.exam_setup.exam_suggestions import Suggestion, analyse_suggestions
from academy_desktop.ui.exam_setup.template_preview import (
    PreviewPage,
    TemplatePreview,
    find_sample_beside,
    preview_page,
)
from academy_desktop.ui.ops import BackgroundOp
from academy_desktop.ui.text import current_language

__all__ = ["NewExamDialog", "Suggestion", "analyse_suggestions"]

SPEC = Qt.ItemDataRole.UserRole
IMAGE_FILTER = "*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.pdf"


class NewExamDialog(QDialog):
    """``created_exam_id`` holds the new exam's id once the dialog is accepted."""

    exam_created = Signal(int)
    preview_updated = Signal()  # the preview shows the current template (or its error)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, suggested_paths: Sequence[Path] = ()
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._suggested = [Path(p) for p in suggested_paths]
        self.created_exam_id: int | None = None
        self._bundled: dict[str, BundledTemplate] = {}
        self._templates: dict[str, Template] = {}  # spec -> loaded template
        self._template_error = ""
        self._sample: Path | None = None
        self._sample_chosen = False  # picked by the user (not found beside the template)
        self._preview_generation = 0
        self._ready = False
        self._creating = False
        self.setWindowTitle(self.tr("New exam"))
        self.setSizeGripEnabled(True)
        self._build()
        self._fill_bundled_names()
        self._update_buttons()
        self._start()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(self.tr("e.g. March mock exam"))
        self.title_edit.textChanged.connect(self._update_buttons)
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.group_combo = QComboBox(self)
        self.group_combo.setEditable(True)
        self.group_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.group_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("optional, e.g. 중2 A반"))

        self.template_combo = QComboBox(self)
        self.template_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.template_combo.setMinimumContentsLength(24)
        self.template_combo.currentIndexChanged.connect(self._template_changed)
        self.import_button = QPushButton(self.tr("Import template file…"), self)
        self.import_button.setToolTip(
            self.tr("An OMRChecker template.json, a server layout JSON or an Academy template")
        )
        self.import_button.clicked.connect(self._pick_template_file)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_combo, 1)
        template_row.addWidget(self.import_button)

        self.sample_label = QLabel(self)
        self.sample_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.sample_button = QPushButton(self.tr("Choose…"), self)
        self.sample_button.setToolTip(self.tr("A scan of this sheet, to check the layout fits"))
        self.sample_button.clicked.connect(self._pick_sample)
        self.blank_button = QPushButton(self.tr("Blank sheet"), self)
        self.blank_button.clicked.connect(self._use_blank)
        sample_row = QHBoxLayout()
        sample_row.addWidget(self.sample_label, 1)
        sample_row.addWidget(self.sample_button)
        sample_row.addWidget(self.blank_button)

        self.key_field = AnswerKeyField(self._ctx, self.current_spec, self._templates, self)
        self.key_field.picked.connect(self.set_key_file)
        self.key_field.changed.connect(self._update_buttons)
        self.key_status = self.key_field.status

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Date"), self.date_edit)
        form.addRow(self.tr("Class or group"), self.group_combo)
        form.addRow(self.tr("Answer sheet"), template_row)
        form.addRow(self.tr("Sample page"), sample_row)
        form.addRow(self.tr("Answer key"), self.key_field)
        form.addRow("", self.key_status)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet("color: palette(highlighted-text); background: #b3261e;")
        self.error_label.setVisible(False)
        hint = QLabel(
            self.tr("The answer key can also be typed or changed later (Answer key… on the exam)."),
            self,
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addWidget(hint)
        left_layout.addStretch(1)
        left_layout.addWidget(self.error_label)

        self.preview = TemplatePreview(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("Create exam"))
        self.buttons.accepted.connect(self.create_exam)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self._show_sample()
        self.key_field.show_path()
        self._splitter = splitter
        fm = self.fontMetrics()
        fit_to_screen(self, fm.averageCharWidth() * 200, fm.height() * 54)
        width = self.width()
        splitter.setSizes([width * 2 // 5, width * 3 // 5])

    # ------------------------------------------------------------ start-up

    def _fill_bundled_names(self) -> None:
        self.template_combo.blockSignals(True)
        for name in bundled_names():
            self.template_combo.addItem(name, name)
        self.template_combo.blockSignals(False)

    def _start(self) -> None:
        paths = list(self._suggested)

        def work(state: TaskState) -> tuple[list[BundledTemplate], Suggestion]:
            bundled = exams.bundled_templates()
            return bundled, analyse_suggestions(paths, bundled, state)

        BackgroundOp(self, work, self._started).failure(self._start_failed).run_in_background(
            self._ctx.runner, "work"
        )

        def groups(state: TaskState) -> list[str]:
            with self._ctx.workspace.read() as s:
                return exams.group_names(s)

        BackgroundOp(self, groups, self._groups_loaded).failure(lambda _e: None).run_in_background(
            self._ctx.runner, "db"
        )

    def _groups_loaded(self, names: list[str]) -> None:
        text = self.group_combo.currentText()
        self.group_combo.clear()
        self.group_combo.addItems(names)
        self.group_combo.setCurrentText(text)

    def _started(self, result: tuple[list[BundledTemplate], Suggestion]) -> None:
        bundled, suggestion = result
        language = current_language()
        self._bundled = {b.name: b for b in bundled}
        self.template_combo.blockSignals(True)
        for b in bundled:
            self._templates[b.name] = b.template
            index = self.template_combo.findData(b.name)
            label = f"{b.title(language)} ({b.name})"
            if index < 0:
                self.template_combo.addItem(label, b.name)
            else:
                self.template_combo.setItemText(index, label)
        self.template_combo.blockSignals(False)
        if suggestion.title and not self.title_edit.text():
            self.title_edit.setText(suggestion.title)
        if suggestion.sample is not None:
            self._sample, self._sample_chosen = suggestion.sample, True
        if suggestion.key is not None:
            self.key_field.path = suggestion.key
        if suggestion.template is not None:
            self._select_spec(suggestion.template)
        self._ready = True
        self._template_changed()
        self._show_sample()
        self.key_field.show_path()

    def _start_failed(self, exc: BaseException) -> None:
        self._ready = True
        self._show_error(error_text(exc))
        self._template_changed()

    # ------------------------------------------------------------ template

    def current_spec(self) -> str | None:
        """The template as ``create_exam`` takes it: a bundled name or a file path."""
        data = self.template_combo.currentData(SPEC)
        return str(data) if data else None

    def _select_spec(self, spec: str) -> None:
        index = self.template_combo.findData(spec)
        if index < 0:
            name = Path(spec).name
            parent = Path(spec).parent.name
            label = self.tr("{file} in {folder} (imported)").format(file=name, folder=parent)
            self.template_combo.addItem(label, spec)
            index = self.template_combo.count() - 1
            self.template_combo.setItemData(index, spec, Qt.ItemDataRole.ToolTipRole)
        self.template_combo.setCurrentIndex(index)

    def select_template(self, spec: str | Path) -> None:
        """Choose a bundled template by name, or import a template file (tests, callers)."""
        spec = str(spec)
        if spec not in self._bundled and self.template_combo.findData(spec) < 0:
            path = Path(spec)
            if path.exists():
                spec = str(path.resolve())
            if not self._sample_chosen:
                self._sample = None
        self._select_spec(spec)

    def _pick_template_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import a template"),
            "",
            self.tr("Template files (*.json);;All files (*)"),
        )
        if path:
            self.select_template(path)

    def _template_changed(self) -> None:
        if not self._ready:
            return
        spec = self.current_spec()
        self._template_error = ""
        self._preview_generation += 1
        generation = self._preview_generation
        if spec is None:
            self.preview.show_message(self.tr("Pick a template to see it here."))
            self._update_buttons()
            return
        known = self._templates.get(spec)
        sample = self._sample
        find_beside = spec not in self._bundled and not self._sample_chosen

        def work(state: TaskState) -> tuple[Template, PreviewPage]:
            t = known if known is not None else load_template(spec)
            chosen = sample
            if find_beside:
                chosen = find_sample_beside(t)
            return t, preview_page(t, chosen, state)

        self.preview.show_message(self.tr("Loading the template…"))
        BackgroundOp(
            self, work, lambda r: self._previewed(generation, spec, find_beside, r)
        ).failure(lambda e: self._preview_failed(generation, e)).run_in_background(
            self._ctx.runner, "work"
        )
        self._update_buttons()
        if self.key_field.path is not None:
            self._check_key()

    def _previewed(
        self, generation: int, spec: str, found_beside: bool, result: tuple[Template, PreviewPage]
    ) -> None:
        if generation != self._preview_generation:
            return
        template, page = result
        self._templates[spec] = template
        if found_beside:
            self._sample = page.sample
            self._show_sample()
        self.preview.show_page(page, len(exams.graded_labels(template)))
        self._update_buttons()
        self.preview_updated.emit()

    def _preview_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._preview_generation:
            return
        self._template_error = error_text(exc)
        self.preview.show_message(
            self.tr("This template cannot be used:") + "\n\n" + self._template_error, error=True
        )
        self._update_buttons()
        self.preview_updated.emit()

    # ------------------------------------------------------------ sample page

    def _show_sample(self) -> None:
        if self._sample is None:
            self.sample_label.setText(self.tr("Blank sheet"))
            self.sample_label.setToolTip("")
        else:
            self.sample_label.setText(self._sample.name)
            self.sample_label.setToolTip(str(self._sample))
        self.blank_button.setEnabled(self._sample is not None)

    def set_sample(self, path: Path | None) -> None:
        """Draw the template over ``path`` (a scan or PDF), or over the blank sheet."""
        self._sample = Path(path) if path is not None else None
        self._sample_chosen = True
        self._show_sample()
        self._template_changed()

    def _pick_sample(self) -> None:
        start = str(self._sample.parent) if self._sample is not None else ""
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a sample page"),
            start,
            self.tr("Scans ({patterns});;All files (*)").format(patterns=IMAGE_FILTER),
        )
        if path:
            self.set_sample(Path(path))

    def _use_blank(self) -> None:
        self.set_sample(None)

    # ------------------------------------------------------------ answer key

    def set_key_file(self, path: Path | None) -> None:
        """Use the answer key file ``path`` (None: add it later) and check it fits."""
        self.key_field.set_path(path)
        if path is not None:
            self._check_key()
        self._update_buttons()

    def _check_key(self) -> None:
        if self._ready:
            self.key_field.check()

    # ------------------------------------------------------------ create

    def _update_buttons(self) -> None:
        spec = self.current_spec()
        ok = (
            self._ready
            and not self._creating
            and bool(self.title_edit.text().strip())
            and spec is not None
            and spec in self._templates
            and not self._template_error
            and not self.key_field.error
            and not self.key_field.checking
        )
        self.create_button.setEnabled(ok)

    @property
    def can_create(self) -> bool:
        return self.create_button.isEnabled()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def create_exam(self) -> None:
        """Create the exam in the background; the dialog closes when it is stored."""
        if not self.can_create:
            return
        spec = self.current_spec()
        assert spec is not None
        title = self.title_edit.text().strip()
        qdate = self.date_edit.date()
        exam_date = date(qdate.year(), qdate.month(), qdate.day())
        group = self.group_combo.currentText().strip() or None
        key_path = self.key_field.path
        staff = self._ctx.staff or None
        ws = self._ctx.workspace

        def work(state: TaskState) -> int:
            with ws.write() as s:
                exam = exams.create_exam(
                    s,
                    title,
                    spec,
                    key=key_path,
                    exam_date=exam_date,
                    group_name=group,
                    created_by=staff,
                )
                return exam.id

        self._creating = True
        self._show_error("")
        self._update_buttons()
        BackgroundOp(self, work, self._created).failure(self._create_failed).run_in_background(
            self._ctx.runner, "db"
        )

    def _created(self, exam_id: int) -> None:
        self._creating = False
        self.created_exam_id = exam_id
        self._ctx.signals.exams_changed.emit()
        self.exam_created.emit(exam_id)
        self.accept()

    def _create_failed(self, exc: BaseException) -> None:
        self._creating = False
        self._show_error(error_text(exc))
        self._update_buttons()
