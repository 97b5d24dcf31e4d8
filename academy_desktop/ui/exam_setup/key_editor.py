"""The answer key editor: type the answers, edit them per question, or import a file.

Three ways into one key, kept in step:

* **Type answers**: a string such as ``31452 24135`` (the syntax of
  :mod:`academy_desktop.engine.answerkey_text`), checked against the sheet as it is typed;
* **Table**: one row per question - correct answer(s), points, section;
* **Import**: CSV/XLSX, Academy JSON or an OMRChecker ``evaluation.json``.

Saving stores a new key version (older ones stay, see **History**) and re-grades the
exam's sheets in the background (``exams.set_key_object``), then tells the other
screens (``results_changed``, ``exams_changed``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QColor, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.engine.answerkey import (
    DEFAULT_SECTION,
    AnswerKey,
    KeyItem,
    Marking,
    load_key,
    parse_score,
)
from academy_desktop.engine.answerkey_text import (
    DigitKey,
    apply_answers,
    format_digit_key,
    parse_answer_cell,
    parse_digit_key,
)
from academy_desktop.engine.progress import Cancelled, TaskState
from academy_desktop.engine.scoring import check_key_against
from academy_desktop.engine.template.model import Template
from academy_desktop.store import exams
from academy_desktop.store.database import Workspace
from academy_desktop.store.keys import key_to_native
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.exam_setup.common import error_text, fit_to_screen
from academy_desktop.ui.ops import BackgroundOp
from academy_desktop.ui.text import localized

__all__ = ["ExamKeyInfo", "KeyEditorDialog", "KeyTableModel", "KeyVersionInfo", "load_key_info"]

MAX_PROBLEMS_SHOWN = 6


@dataclass(frozen=True)
class KeyVersionInfo:
    version: int
    created_by: str | None
    created_at: datetime  # local time
    key: AnswerKey | None
    error: str = ""  # bilingual: why the stored key cannot be read


@dataclass(frozen=True)
class ExamKeyInfo:
    exam_id: int
    title: str
    template: Template
    labels: list[str]
    versions: list[KeyVersionInfo]  # oldest first
    submissions: int

    @property
    def current(self) -> KeyVersionInfo | None:
        return self.versions[-1] if self.versions else None


def load_key_info(ws: Workspace, exam_id: int) -> ExamKeyInfo:
    """Everything the editor shows about one exam (run on the db lane)."""
    with ws.read() as s:
        exam = exams.get_exam_by_id(s, exam_id)
        template = exams.exam_template(exam)
        versions = []
        for row in exams.key_history(exam):
            try:
                key: AnswerKey | None = exams.key_version(exam, row.version)
                error = ""
            except exams.StoreError as exc:
                key, error = None, str(exc)
            versions.append(
                KeyVersionInfo(
                    row.version, row.created_by, exams.local_time(row.created_at), key, error
                )
            )
        return ExamKeyInfo(
            exam.id,
            exam.title,
            template,
            exams.graded_labels(template),
            versions,
            exams.submission_count(s, exam.id),
        )


def format_score(value: float) -> str:
    """``2`` -> ``"2"``, ``0.5`` -> ``"0.5"``, one third -> ``"1/3"``."""
    f = Fraction(value).limit_denominator(1000)
    if f.denominator == 1:
        return str(f.numerator)
    if f.denominator & (f.denominator - 1) == 0:
        return f"{float(f):g}"
    return f"{f.numerator}/{f.denominator}"


def shared_points(item: KeyItem) -> float | None:
    """The points every accepted answer of ``item`` gives, when they share one number."""
    scores = {s for _, s in item.accepted}
    if len(scores) != 1:
        return None
    return scores.pop()


def same_key(a: AnswerKey | None, b: AnswerKey | None) -> bool:
    """Whether two keys grade alike (their descriptions aside)."""
    if a is None or b is None:
        return a is b
    na, nb = key_to_native(replace(a, source="")), key_to_native(replace(b, source=""))
    return bool(na == nb)


class KeyTableModel(QAbstractTableModel):
    """One row per question of the sheet: answer(s), points, section, and a check."""

    COL_QUESTION, COL_ANSWER, COL_POINTS, COL_SECTION, COL_CHECK = range(5)
    key_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._template: Template | None = None
        self._labels: list[str] = []
        self._items: dict[str, KeyItem] = {}
        self._sections: dict[str, Marking] = {DEFAULT_SECTION: Marking()}
        self._default = DEFAULT_SECTION
        self._source = ""
        self._problems: dict[str, str] = {}

    # ---------------------------------------------------------------- state

    def set_sheet(self, template: Template, labels: list[str]) -> None:
        self.beginResetModel()
        self._template, self._labels = template, list(labels)
        self._items = {}
        self._problems = {}
        self.endResetModel()

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    def key(self) -> AnswerKey:
        """The key as edited, questions in sheet order (sections that no question uses
        are left out)."""
        items = {lab: self._items[lab] for lab in self._labels if lab in self._items}
        used = {i.section for i in items.values()} | {DEFAULT_SECTION, self._default}
        sections = {name: m for name, m in self._sections.items() if name in used}
        return AnswerKey(items, sections, self._default, self._source)

    def set_key(self, key: AnswerKey | None) -> None:
        """Show ``key`` (questions the sheet does not have are dropped)."""
        self.beginResetModel()
        if key is None:
            self._items, self._sections = {}, {DEFAULT_SECTION: Marking()}
            self._default, self._source = DEFAULT_SECTION, ""
        else:
            self._items = {lab: item for lab, item in key.items.items() if lab in self._labels}
            self._sections = dict(key.sections) or {DEFAULT_SECTION: Marking()}
            self._sections.setdefault(DEFAULT_SECTION, Marking())
            self._default, self._source = key.default_section, key.source
        self._recheck()
        self.endResetModel()
        self.key_changed.emit()

    def set_answers(self, answers: dict[str, tuple[str, ...]]) -> None:
        """Replace every question's answers (typed string), keeping points and sections."""
        key = apply_answers(self.key(), answers, order=self._labels)
        self._items = dict(key.items)
        self._source = ""
        self._recheck()
        self._changed_rows(0, len(self._labels) - 1)

    def set_points(self, labels: list[str], points: float | None) -> int:
        """Give ``labels`` (those with an answer) ``points`` (None: the section's);
        returns how many changed."""
        n = 0
        for label in labels:
            item = self._items.get(label)
            if item is not None:
                self._items[label] = replace(
                    item, accepted=tuple((a, points) for a, _ in item.accepted)
                )
                n += 1
        self._after_bulk()
        return n

    def set_section(self, labels: list[str], section: str) -> int:
        section = section.strip() or DEFAULT_SECTION
        if section not in self._sections:
            self._sections[section] = self._sections.get(DEFAULT_SECTION, Marking())
        n = 0
        for label in labels:
            item = self._items.get(label)
            if item is not None:
                self._items[label] = replace(item, section=section)
                n += 1
        self._after_bulk()
        return n

    def _after_bulk(self) -> None:
        self._source = ""
        self._recheck()
        self._changed_rows(0, len(self._labels) - 1)

    def problems(self) -> dict[str, str]:
        """label -> why its answer cannot be read from the sheet (bilingual)."""
        return dict(self._problems)

    def missing(self) -> list[str]:
        return [lab for lab in self._labels if lab not in self._items]

    def _recheck(self) -> None:
        self._problems = {}
        if self._template is None:
            return
        for label, item in self._items.items():
            found = check_key_against(AnswerKey({label: item}, self._sections), self._template)
            if found:
                self._problems[label] = found[0]

    def _changed_rows(self, first: int, last: int) -> None:
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))
        self.key_changed.emit()

    # ---------------------------------------------------------------- Qt model

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._labels)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Question"),
            self.tr("Correct answer(s)"),
            self.tr("Points"),
            self.tr("Section"),
            self.tr("Check"),
        )[section]

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.COL_ANSWER, self.COL_POINTS, self.COL_SECTION):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def _section_points(self, item: KeyItem) -> float:
        marking = self._sections.get(item.section) or self._sections.get(self._default, Marking())
        return marking.correct

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        label = self._labels[index.row()]
        item = self._items.get(label)
        col = index.column()
        display = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)
        if col == self.COL_QUESTION and display:
            return label
        if col == self.COL_ANSWER and display:
            return ", ".join(a for a, _ in item.accepted) if item else ""
        if col == self.COL_POINTS:
            if item is None:
                return None
            scores = {s for _, s in item.accepted}
            if role == Qt.ItemDataRole.EditRole:
                shared = shared_points(item)
                return format_score(shared) if shared is not None else ""
            if role == Qt.ItemDataRole.DisplayRole:
                if len(scores) > 1:
                    return " · ".join(
                        f"{a}:{format_score(s if s is not None else self._section_points(item))}"
                        for a, s in item.accepted
                    )
                score = scores.pop()
                return format_score(score if score is not None else self._section_points(item))
            if role == Qt.ItemDataRole.ToolTipRole and None in {s for _, s in item.accepted}:
                return self.tr("The section's points (type a number to change)")
            if role == Qt.ItemDataRole.ForegroundRole and None in {s for _, s in item.accepted}:
                return self._palette_colour(QPalette.ColorRole.PlaceholderText)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if col == self.COL_SECTION and display:
            if item is None or item.section == DEFAULT_SECTION:
                return ""
            return item.section
        if col == self.COL_CHECK:
            if label in self._problems:
                if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    return localized(self._problems[label])
                if role == Qt.ItemDataRole.ForegroundRole:
                    return self._palette_colour(QPalette.ColorRole.BrightText, error=True)
            elif item is None and role == Qt.ItemDataRole.DisplayRole:
                return self.tr("no answer: not scored")
            elif item is None and role == Qt.ItemDataRole.ForegroundRole:
                return self._palette_colour(QPalette.ColorRole.PlaceholderText)
            elif role == Qt.ItemDataRole.DisplayRole:
                return self.tr("OK")
        return None

    @staticmethod
    def _palette_colour(role: QPalette.ColorRole, error: bool = False) -> QColor:
        if error:
            return QColor(179, 38, 30)
        return QGuiApplication.palette().color(role)

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        label = self._labels[index.row()]
        text = str(value or "").strip()
        col = index.column()
        if col == self.COL_ANSWER:
            answers = parse_answer_cell(text)
            if not answers:
                self._items.pop(label, None)
            else:
                key = apply_answers(self.key(), {label: answers})
                self._items[label] = key.items[label]
        elif col == self.COL_POINTS:
            if label not in self._items:
                return False
            try:
                points = float(parse_score(text)) if text else None
            except ValueError:
                return False
            item = self._items[label]
            self._items[label] = replace(
                item, accepted=tuple((a, points) for a, _ in item.accepted)
            )
        elif col == self.COL_SECTION:
            if label not in self._items:
                return False
            section = text or DEFAULT_SECTION
            if section not in self._sections:
                self._sections[section] = self._sections.get(DEFAULT_SECTION, Marking())
            self._items[label] = replace(self._items[label], section=section)
        else:
            return False
        self._source = ""
        self._recheck()
        self._changed_rows(index.row(), index.row())
        return True


class KeyEditorDialog(QDialog):
    """Edit the answer key of exam ``exam_id``; each save is a new version."""

    loaded = Signal()  # the exam's key and history are shown
    key_saved = Signal(int)  # version number, after re-grading

    def __init__(self, ctx: AppContext, exam_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.exam_id = exam_id
        self.info: ExamKeyInfo | None = None
        self._digits: DigitKey | None = None
        self._syncing = False
        self._saving = False
        self._importing = False
        self._closing_ok = False
        self.setWindowTitle(self.tr("Answer key"))
        self.setSizeGripEnabled(True)
        self._build()
        self._set_enabled(False)
        self.status_label.setText(self.tr("Loading the exam…"))
        self._load()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_digits_tab(), self.tr("Type answers"))
        self.tabs.addTab(self._build_table_tab(), self.tr("Table"))
        self.tabs.addTab(self._build_import_tab(), self.tr("Import file"))
        self.tabs.addTab(self._build_history_tab(), self.tr("History"))

        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label = QLabel(self)
        self.problems_label.setWordWrap(True)
        self.problems_label.setObjectName("errorText")
        self.problems_label.setStyleSheet("color: #b3261e;")
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = self.buttons.addButton(
            self.tr("Save and re-grade"), QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        fm = self.fontMetrics()
        fit_to_screen(self, fm.averageCharWidth() * 130, fm.height() * 40)

    def _build_digits_tab(self) -> QWidget:
        page = QWidget(self)
        help_text = QLabel(
            self.tr(
                "Type the correct answers in question order, e.g. 31452 24135. Spaces and "
                "commas are ignored. (24) or 2/4: either answer is correct. [24]: both must "
                "be marked. *: every choice is correct. ?: this question is not scored."
            ),
            page,
        )
        help_text.setWordWrap(True)
        self.digits_edit = QPlainTextEdit(page)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.digits_edit.setFont(font)
        self.digits_edit.setPlaceholderText("31452 24135 …")
        self.digits_edit.textChanged.connect(self._digits_edited)
        self.digits_count = QLabel(page)
        self.digits_grid = QLabel(page)
        self.digits_grid.setTextFormat(Qt.TextFormat.RichText)
        self.digits_grid.setToolTip(
            self.tr(
                "What was read for each question, five at a time. Red: cannot be read "
                "from the sheet. ·: no answer typed yet."
            )
        )
        layout = QVBoxLayout(page)
        layout.addWidget(help_text)
        layout.addWidget(self.digits_edit, 1)
        layout.addWidget(self.digits_grid)
        layout.addWidget(self.digits_count)
        return page

    def _grid_html(self, parsed: DigitKey) -> str:
        """The typed answers under their question numbers, five to a group."""
        assert self.info is not None
        labels = self.info.labels
        groups = []
        for i in range(0, len(labels), 5):
            group = labels[i : i + 5]
            first = exams.question_number(group[0]) or i + 1
            last = exams.question_number(group[-1]) or i + len(group)
            tokens = []
            for label in group:
                token = parsed.tokens.get(label)
                if token is None:
                    tokens.append('<span style="color:#9e9e9e">·</span>')
                elif label in parsed.invalid:
                    tokens.append(
                        f'<span style="color:#b3261e"><b><u>{_html(token)}</u></b></span>'
                    )
                else:
                    tokens.append(_html(token))
            groups.append(
                f'<td align="center" style="padding: 2px 8px">'
                f'<span style="color:#757575">{first}–{last}</span><br>'
                f'<span style="font-family:monospace; font-size:large">{"".join(tokens)}</span>'
                "</td>"
            )
        rows = ["".join(groups[j : j + 10]) for j in range(0, len(groups), 10)]
        return "<table>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"

    def _build_table_tab(self) -> QWidget:
        page = QWidget(self)
        self.model = KeyTableModel(page)
        self.model.key_changed.connect(self._model_changed)
        self.table = QTableView(page)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        fm = self.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(fm.height() + fm.height() // 2)
        header = self.table.horizontalHeader()
        for col, chars in enumerate((8, 18, 8, 14)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, fm.averageCharWidth() * chars)
        header.setSectionResizeMode(KeyTableModel.COL_CHECK, QHeaderView.ResizeMode.Stretch)
        help_text = QLabel(
            self.tr(
                "Several correct answers: separate them with commas (2, 4). 24 means 2 and 4 "
                "both marked. Empty points: the section's points."
            ),
            page,
        )
        help_text.setWordWrap(True)
        self.bulk_points = QLineEdit(page)
        self.bulk_points.setPlaceholderText(self.tr("points, e.g. 3"))
        self.bulk_section = QLineEdit(page)
        self.bulk_section.setPlaceholderText(self.tr("section, e.g. 수학"))
        self.bulk_apply = QPushButton(self.tr("Apply to selected"), page)
        self.bulk_apply.clicked.connect(self._apply_bulk)
        bulk = QHBoxLayout()
        bulk.addWidget(QLabel(self.tr("Selected questions:"), page))
        bulk.addWidget(self.bulk_points)
        bulk.addWidget(self.bulk_section)
        bulk.addWidget(self.bulk_apply)
        bulk.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(help_text)
        layout.addWidget(self.table, 1)
        layout.addLayout(bulk)
        return page

    def _build_import_tab(self) -> QWidget:
        page = QWidget(self)
        text = QLabel(
            self.tr(
                "Load the answers from a file: a spreadsheet (CSV or XLSX with the columns "
                "문항/question and 정답/answer, optionally 배점/points and 영역/section), an "
                "Academy answer key (JSON) or an OMRChecker evaluation.json. The answers are "
                "shown in the editor; nothing is saved until you press Save."
            ),
            page,
        )
        text.setWordWrap(True)
        self.import_button = QPushButton(self.tr("Choose a file…"), page)
        self.import_button.clicked.connect(self._pick_import)
        self.import_result = QLabel(page)
        self.import_result.setWordWrap(True)
        self.import_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(text)
        layout.addLayout(row)
        layout.addWidget(self.import_result)
        layout.addStretch(1)
        return page

    def _build_history_tab(self) -> QWidget:
        page = QWidget(self)
        self.history = QTreeWidget(page)
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels(
            [self.tr("Version"), self.tr("Saved by"), self.tr("Saved at"), self.tr("Answers")]
        )
        self.history.currentItemChanged.connect(self._version_selected)
        self.version_view = QPlainTextEdit(page)
        self.version_view.setReadOnly(True)
        self.version_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.restore_button = QPushButton(self.tr("Load this version into the editor"), page)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._restore_selected)
        splitter = QSplitter(Qt.Orientation.Vertical, page)
        splitter.addWidget(self.history)
        splitter.addWidget(self.version_view)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_button)
        layout = QVBoxLayout(page)
        layout.addWidget(splitter, 1)
        layout.addLayout(row)
        return page

    def _set_enabled(self, on: bool) -> None:
        self.tabs.setEnabled(on)
        self._update_save()

    # ------------------------------------------------------------ loading

    def _load(self, after_save: tuple[int, int] | None = None) -> None:
        ws, exam_id = self._ctx.workspace, self.exam_id
        BackgroundOp(
            self, lambda state: load_key_info(ws, exam_id), lambda i: self._loaded(i, after_save)
        ).failure(self._load_failed).run_in_background(self._ctx.runner, "db")

    def _loaded(self, info: ExamKeyInfo, after_save: tuple[int, int] | None) -> None:
        first = self.info is None
        self.info = info
        self.setWindowTitle(self.tr("Answer key — {title}").format(title=info.title))
        self._show_header()
        self._fill_history()
        if first:
            self.model.set_sheet(info.template, info.labels)
            current = info.current
            self.model.set_key(current.key if current is not None else None)
        self._set_enabled(True)
        if after_save is not None:
            version, sheets = after_save
            self.result_label.setText(
                self.tr("Saved as version {v}. {n} sheets re-graded.").format(v=version, n=sheets)
            )
        self._update_status()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self.status_label.setText(self.tr("The exam could not be opened:") + " " + error_text(exc))

    def _show_header(self) -> None:
        info = self.info
        assert info is not None
        title = f"<b>{_html(info.title)}</b> · " + _html(
            self.tr("{n} questions").format(n=len(info.labels))
        )
        current = info.current
        if current is None:
            line = self.tr("No answer key yet: sheets are read but not scored.")
        else:
            line = self.tr("Current key: version {v}, saved by {who} on {when}.").format(
                v=current.version,
                who=current.created_by or self.tr("unknown"),
                when=f"{current.created_at:%Y-%m-%d %H:%M}",
            )
        sheets = self.tr("{n} sheets graded with it.").format(n=info.submissions)
        self.header.setText(f"{title}<br>{_html(line)} {_html(sheets)}")

    def _fill_history(self) -> None:
        info = self.info
        assert info is not None
        self.history.clear()
        for v in reversed(info.versions):
            label = f"v{v.version}"
            if v is info.current:
                label += " " + self.tr("(current)")
            answers = (
                format_digit_key(v.key, info.template, info.labels)
                if v.key is not None
                else localized(v.error)
            )
            item = QTreeWidgetItem(
                [label, v.created_by or "", f"{v.created_at:%Y-%m-%d %H:%M}", answers]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, v.version)
            self.history.addTopLevelItem(item)
        for col in range(3):
            self.history.resizeColumnToContents(col)
        self.version_view.setPlainText("")
        self.restore_button.setEnabled(False)

    def _version(self, number: int) -> KeyVersionInfo | None:
        if self.info is None:
            return None
        return next((v for v in self.info.versions if v.version == number), None)

    def _version_selected(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        v = self._version(int(item.data(0, Qt.ItemDataRole.UserRole))) if item else None
        if v is None or self.info is None:
            self.version_view.setPlainText("")
            self.restore_button.setEnabled(False)
            return
        self.version_view.setPlainText(self._describe_key(v))
        self.restore_button.setEnabled(v.key is not None)

    def _describe_key(self, v: KeyVersionInfo) -> str:
        assert self.info is not None
        if v.key is None:
            return localized(v.error)
        key = v.key
        lines = [
            self.tr("Version {v}, saved by {who} on {when}").format(
                v=v.version,
                who=v.created_by or self.tr("unknown"),
                when=f"{v.created_at:%Y-%m-%d %H:%M}",
            ),
            "",
            format_digit_key(key, self.info.template, self.info.labels),
            "",
        ]
        for label in self.info.labels:
            item = key.items.get(label)
            if item is None:
                lines.append(f"{label}: -")
                continue
            marking = key.marking(item)
            answers = ", ".join(
                a if s is None else f"{a} ({format_score(s)})" for a, s in item.accepted
            )
            shared = shared_points(item)
            points_text = format_score(shared if shared is not None else marking.correct)
            section = "" if item.section == DEFAULT_SECTION else f"  [{item.section}]"
            lines.append(
                f"{label}: {answers}  · " + self.tr("{p} pt").format(p=points_text) + section
            )
        return "\n".join(lines)

    def show_version(self, number: int) -> None:
        """Select version ``number`` in the history (it is shown read-only)."""
        for i in range(self.history.topLevelItemCount()):
            item = self.history.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == number:
                self.tabs.setCurrentIndex(3)
                self.history.setCurrentItem(item)
                return

    def _restore_selected(self) -> None:
        item = self.history.currentItem()
        v = self._version(int(item.data(0, Qt.ItemDataRole.UserRole))) if item else None
        if v is None or v.key is None:
            return
        self.model.set_key(v.key)
        self.tabs.setCurrentIndex(1)
        self.result_label.setText(
            self.tr("Version {v} is in the editor. Press Save to make it the current key.").format(
                v=v.version
            )
        )

    # ------------------------------------------------------------ editing

    def _digits_edited(self) -> None:
        if self._syncing or self.info is None:
            return
        parsed = parse_digit_key(
            self.digits_edit.toPlainText(), self.info.template, self.info.labels
        )
        self._digits = parsed
        if parsed.ok:
            self._syncing = True
            try:
                self.model.set_answers(parsed.answers())
            finally:
                self._syncing = False
        self.result_label.setText("")
        self._update_status()

    def _model_changed(self) -> None:
        if self._syncing or self.info is None:
            self._update_status()
            return
        self._syncing = True
        try:
            text = format_digit_key(self.model.key(), self.info.template, self.info.labels)
            self.digits_edit.setPlainText(text)
            self._digits = parse_digit_key(text, self.info.template, self.info.labels)
        finally:
            self._syncing = False
        self._update_status()

    def set_digits(self, text: str) -> None:
        """Type ``text`` into the answer string (tests, callers)."""
        self.tabs.setCurrentIndex(0)
        self.digits_edit.setPlainText(text)

    def _selected_labels(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        labels = self.model.labels
        return [labels[r] for r in rows]

    def _apply_bulk(self) -> None:
        labels = self._selected_labels()
        if not labels:
            self.result_label.setText(self.tr("Select the questions in the table first."))
            return
        points_text = self.bulk_points.text().strip()
        if points_text:
            try:
                points = float(parse_score(points_text))
            except ValueError:
                self.result_label.setText(
                    self.tr("'{text}' is not a number of points.").format(text=points_text)
                )
                return
            self.model.set_points(labels, points)
        if self.bulk_section.text().strip():
            self.model.set_section(labels, self.bulk_section.text())
        self.result_label.setText("")

    # ------------------------------------------------------------ import

    def _pick_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import an answer key"),
            "",
            self.tr("Answer keys (*.json *.csv *.xlsx *.xlsm *.tsv *.txt);;All files (*)"),
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Load the answers in ``path`` into the editor (checked against the sheet)."""
        if self.info is None:
            return
        template = self.info.template

        def work(state: TaskState) -> tuple[AnswerKey, list[str]]:
            key = load_key(Path(path))
            return key, check_key_against(key, template)

        self._importing = True
        self.import_result.setText(self.tr("Reading {name}…").format(name=Path(path).name))
        self._update_save()
        BackgroundOp(self, work, lambda r: self._imported(Path(path), r)).failure(
            self._import_failed
        ).run_in_background(self._ctx.runner, "work")

    def _imported(self, path: Path, result: tuple[AnswerKey, list[str]]) -> None:
        self._importing = False
        key, problems = result
        if problems:
            self.import_result.setText(
                self.tr("{name} does not fit this sheet:").format(name=path.name)
                + "\n"
                + "\n".join(localized(p) for p in problems)
            )
            self._update_save()
            return
        self.model.set_key(key)
        self.import_result.setText(
            self.tr("Loaded {n} answers from {name}. Check them, then press Save.").format(
                n=len(key.items), name=path.name
            )
        )
        self._update_status()

    def _import_failed(self, exc: BaseException) -> None:
        self._importing = False
        self.import_result.setText(error_text(exc))
        self._update_save()

    # ------------------------------------------------------------ status and save

    def is_dirty(self) -> bool:
        if self.info is None:
            return False
        current = self.info.current
        key = self.model.key()
        if current is None:
            return bool(key.items)
        return not same_key(key, current.key)

    def _problems(self) -> list[str]:
        out: list[str] = []
        if self._digits is not None and not self._digits.ok:
            out += [localized(e) for e in self._digits.errors]
        out += [localized(p) for p in self.model.problems().values()]
        return out

    def _update_status(self) -> None:
        if self.info is None:
            return
        total = len(self.info.labels)
        key = self.model.key()
        missing = self.model.missing()
        parts = [
            self.tr("{n} of {total} questions have an answer.").format(
                n=len(key.items), total=total
            )
        ]
        if missing:
            shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
            parts.append(self.tr("Not scored (no answer): {labels}.").format(labels=shown))
        digits = self._digits
        if digits is not None:
            self.digits_count.setText(
                self.tr("Typed {n} of {total} answers.").format(n=digits.typed, total=total)
            )
            self.digits_grid.setText(self._grid_html(digits))
            if not digits.ok:
                parts.insert(0, self.tr("Fix the typed answers before saving."))
        self.status_label.setText(" ".join(parts))
        problems = self._problems()
        shown_problems = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown_problems.append(
                self.tr("… and {n} more").format(n=len(problems) - MAX_PROBLEMS_SHOWN)
            )
        self.problems_label.setText("\n".join(shown_problems))
        self.problems_label.setVisible(bool(problems))
        self._update_save()

    def can_save(self) -> bool:
        return (
            self.info is not None
            and not self._saving
            and not self._importing
            and bool(self.model.key().items)
            and not self._problems()
            and self.is_dirty()
        )

    def _update_save(self) -> None:
        self.save_button.setEnabled(self.can_save())

    def save(self) -> None:
        """Store the key as a new version and re-grade the exam (in the background)."""
        if not self.can_save():
            return
        key = self.model.key()
        ws, exam_id, staff = self._ctx.workspace, self.exam_id, self._ctx.staff or None

        def work(state: TaskState) -> tuple[int, int]:
            with ws.write() as s:
                exam = exams.get_exam_by_id(s, exam_id)
                version = exams.set_key_object(s, exam, key, created_by=staff, state=state)
                return version.version, exams.submission_count(s, exam_id)

        self._saving = True
        self.result_label.setText(self.tr("Saving and re-grading…"))
        self._update_save()
        BackgroundOp(self, work, self._saved).failure(self._save_failed).with_progress(
            self.tr("Re-grading the exam with the new key…")
        ).run_in_background(self._ctx.runner, "db")

    def _saved(self, result: tuple[int, int]) -> None:
        self._saving = False
        version, sheets = result
        self._ctx.signals.results_changed.emit(self.exam_id)
        self._ctx.signals.exams_changed.emit()
        self._load(after_save=(version, sheets))
        self.key_saved.emit(version)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, Cancelled):
            self.result_label.setText(self.tr("Cancelled: the answer key was not changed."))
        else:
            self.result_label.setText(self.tr("The key was not saved:") + "\n" + error_text(exc))
        self._update_save()

    # ------------------------------------------------------------ closing

    def reject(self) -> None:
        if self._saving:
            return  # the re-grade finishes (or is cancelled from its progress dialog) first
        if self.is_dirty() and not self._closing_ok and self.isVisible():
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Unsaved answer key"),
                self.tr("The answer key has changes that are not saved. Close anyway?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                self,
            )
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.finished.connect(lambda code: self._confirm_close(box, code))
            box.open()
            return
        super().reject()

    def _confirm_close(self, box: QMessageBox, _code: int) -> None:
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Discard):
            self._closing_ok = True
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._saving:
            event.ignore()
            return
        super().closeEvent(event)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
