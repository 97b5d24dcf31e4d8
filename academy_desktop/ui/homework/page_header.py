"""The top of the homework page: the title with its counts and buttons, the resume
banner, and the filter bar. They only show what the page hands them (a
:class:`~academy_desktop.store.homework.HomeworkSummary` and friends) and say what
was clicked through their buttons and signals."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.store.homework import CardFilter, HomeworkSummary
from academy_desktop.ui.homework.class_list import Missing
from academy_desktop.ui.homework.verdicts import VERDICTS, legend_text, verdict_icon, verdict_text
from academy_desktop.ui.icons import icon

FILTERS: tuple[CardFilter, ...] = (
    "all",
    "review",
    "unmatched",
    "wrote",
    "little_writing",
    "no_writing",
    "unreadable",
)
MAX_NAMES = 30  # names listed in the "not submitted" tooltip


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class HomeworkHeader(QWidget):
    """Title, due date/class/server line, counts, who has not handed in; Edit…,
    Export class list…, Send to server, and what the last send did."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: HomeworkSummary | None = None
        self.due = ""
        self.missing: Missing | None = None
        self.title = QLabel(self)
        self.title.setObjectName("examTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel(self)
        self.details.setObjectName("examDetails")
        self.details.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        self.not_submitted = QLabel(self)
        self.not_submitted.setObjectName("notSubmitted")
        self.not_submitted.setWordWrap(True)
        self.not_submitted.hide()
        self.edit_button = QPushButton(self)
        self.export_button = QPushButton(self)
        self.export_button.setIcon(icon("export"))
        self.send_button = QPushButton(self)
        self.send_status = QLabel(self)
        self.send_status.setObjectName("hint")
        self.send_status.setWordWrap(True)
        self.send_status.hide()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.details)
        titles.addWidget(self.counts)
        titles.addWidget(self.not_submitted)
        buttons = QVBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addLayout(titles, 1)
        head.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.send_status)
        self.retranslate()

    def retranslate(self) -> None:
        self.edit_button.setText(self.tr("Edit…"))
        self.export_button.setText(self.tr("Export class list…"))
        self.export_button.setToolTip(
            self.tr(
                "Save the class list with each student's verdict, who checked it, and who "
                "has not handed in (Excel or CSV)"
            )
        )
        self.send_button.setText(self.tr("Send to server"))
        self._show()

    def show_summary(
        self, summary: HomeworkSummary | None, due: str, missing: Missing | None
    ) -> None:
        self.summary, self.due, self.missing = summary, due, missing
        self.export_button.setEnabled(summary is not None)
        self._show()

    def _show(self) -> None:
        s = self.summary
        if s is None:
            for label in (self.title, self.details, self.counts):
                label.setText("")
            self.not_submitted.hide()
            return
        self.title.setText(f"<h2>{_html(s.title)}</h2>")
        parts = [
            self.tr("Due {date}").format(date=self.due) if self.due else self.tr("No due date")
        ]
        if s.group_name:
            parts.append(self.tr("Class {name}").format(name=s.group_name))
        if s.target_id is not None:
            parts.append(self.tr("Server homework id {id}").format(id=s.target_id))
        else:
            parts.append(self.tr("Not linked to the server"))
        self.details.setText("  ·  ".join(parts))
        counts = [self.tr("{n} files").format(n=s.files)]
        counts.append(self.tr("{n} to check").format(n=s.needs_review))
        if s.unmatched:
            counts.append(self.tr("{n} without a student").format(n=s.unmatched))
        for v in VERDICTS:
            if s.verdicts.get(v):
                counts.append(f"{verdict_text(v)} {s.verdicts[v]}")
        if s.pending:
            counts.append(self.tr("{n} not analysed").format(n=s.pending))
        self.counts.setText("  ·  ".join(counts))
        self._show_missing()

    def _show_missing(self) -> None:
        m = self.missing
        if m is None or not m.students:
            self.not_submitted.hide()
            return
        if m.names:
            self.not_submitted.setText(self.tr("{n} not submitted").format(n=len(m.names)))
            shown = ", ".join(m.names[:MAX_NAMES])
            if len(m.names) > MAX_NAMES:
                shown += " " + self.tr("and {n} more").format(n=len(m.names) - MAX_NAMES)
            self.not_submitted.setToolTip(
                self.tr("Students of class {name} with no file in this homework:").format(
                    name=m.class_name
                )
                + "\n"
                + shown
            )
        else:
            self.not_submitted.setText(
                self.tr("Every student of the class has handed in ({n}).").format(n=m.students)
            )
            self.not_submitted.setToolTip("")
        self.not_submitted.show()

    def update_send(self) -> None:
        """ "Send to server" needs analysed files and the server's homework id."""
        has_files = self.summary is not None and self.summary.files > 0
        linked = self.summary is not None and self.summary.target_id is not None
        self.send_button.setEnabled(has_files and linked)
        if has_files and not linked:
            self.send_button.setToolTip(self.tr("Enter the server's homework id first (Edit…)."))
        else:
            self.send_button.setToolTip(
                self.tr("Put the analysed files of this homework in the outbox and send them now")
            )

    def show_sent(self, summary: object) -> None:
        """After "Send to server": what went into the outbox."""
        added = getattr(summary, "added", None)
        held = getattr(summary, "held", 0)
        if added is None:
            text = self.tr("The files are in the outbox.")
        else:
            text = self.tr("{n} files put in the outbox; {held} held until checked.").format(
                n=added, held=held
            )
        self.send_status.setText(text)
        self.send_status.show()


class ResumeBar(QFrame):
    """ "n files were not analysed last time" with Resume."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBar")
        self.unfinished = 0
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.button = QPushButton(self)
        self.button.setIcon(icon("resume"))
        bar = QHBoxLayout(self)
        bar.addWidget(self.label, 1)
        bar.addWidget(self.button)
        self.hide()

    def show_unfinished(self, n: int) -> None:
        """Show the bar for ``n`` unfinished files (hidden for 0)."""
        self.unfinished = n
        if n:
            self.label.setText(
                self.tr(
                    "{n} files were not analysed last time. The files already analysed are kept."
                ).format(n=n)
            )
            self.button.setText(self.tr("Resume {n} unfinished files").format(n=n))
        else:
            self.button.setText(self.tr("Resume"))
        self.setVisible(bool(n))


class FilterBar(QWidget):
    """One checkable button per filter, each with its count."""

    filter_chosen = Signal(str)  # CardFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: HomeworkSummary | None = None
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[CardFilter, QToolButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for f in FILTERS:
            b = QToolButton(self)
            b.setCheckable(True)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            if f in VERDICTS:
                b.setIcon(verdict_icon(f))
            self.group.addButton(b)
            self.buttons[f] = b
            b.clicked.connect(lambda _c=False, f=f: self.filter_chosen.emit(f))
            row.addWidget(b)
        row.addStretch(1)
        self.buttons["all"].setChecked(True)
        self.retranslate()

    def set_filter(self, f: CardFilter) -> None:
        self.buttons[f].setChecked(True)

    def set_summary(self, summary: HomeworkSummary | None) -> None:
        self.summary = summary
        self.retranslate()

    def count(self, f: CardFilter) -> int:
        s = self.summary
        if s is None:
            return 0
        if f == "all":
            return s.files
        if f == "review":
            return s.needs_review
        if f == "unmatched":
            return s.unmatched
        return s.verdicts.get(f, 0)

    def retranslate(self) -> None:
        names = {
            "all": self.tr("All"),
            "review": self.tr("To check"),
            "unmatched": self.tr("No student"),
            **{v: verdict_text(v) for v in VERDICTS},
        }
        for f, b in self.buttons.items():
            b.setText(f"{names[f]} ({self.count(f)})")
            b.setToolTip(legend_text() if f in VERDICTS else "")
        self.buttons["review"].setToolTip(
            self.tr("Files the analysis was unsure about and nobody has checked yet")
        )


__all__ = ["FILTERS", "FilterBar", "HomeworkHeader", "ResumeBar"]
