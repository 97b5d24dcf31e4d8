"""Exam set-up: new exam (with a template preview), the answer key editor, roster import."""

from academy_desktop.ui.exam_setup.key_editor import KeyEditorDialog
from academy_desktop.ui.exam_setup.new_exam_dialog import NewExamDialog
from academy_desktop.ui.exam_setup.roster_dialog import RosterImportDialog
from academy_desktop.ui.exam_setup.template_preview import TemplatePreview

__all__ = ["KeyEditorDialog", "NewExamDialog", "RosterImportDialog", "TemplatePreview"]
