"""The answer key as a table: one row per question of the sheet (the editor's Table tab)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

from academy_desktop.engine.answerkey import (
    DEFAULT_SECTION,
    AnswerKey,
    KeyItem,
    Marking,
    parse_score,
)
from academy_desktop.engine.answerkey_text import apply_answers, parse_answer_cell
from academy_desktop.engine.scoring import check_key_against
from academy_desktop.engine.template.model import Template
from academy_desktop.ui.exam_setup.key_data import format_score, shared_points
from academy_desktop.ui.text import localized

__all__ = ["KeyTableModel"]


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
