"""What dropped files suggest for a new exam: a title, a sample scan, the sheet template
and an answer key found beside it. Runs off the UI thread (no widgets here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from academy_desktop.engine.input_files import SUPPORTED_SUFFIXES, discover
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.template.discovery import load_template
from academy_desktop.engine.template.omrchecker import find_setup, template_resources
from academy_desktop.store.exams import BundledTemplate
from academy_desktop.ui.exam_setup.template_preview import guess_template

__all__ = ["Suggestion", "analyse_suggestions"]


@dataclass(frozen=True)
class Suggestion:
    """What the dropped files suggest for a new exam."""

    title: str = ""
    sample: Path | None = None  # the first scan
    template: str | None = None  # a template.json beside the scans, or a bundled name
    key: Path | None = None  # an evaluation.json beside that template.json


def analyse_suggestions(
    paths: Sequence[Path], bundled: Sequence[BundledTemplate], state: TaskState | None = None
) -> Suggestion:
    """Look at dropped files and folders: their first scan, an OMRChecker
    ``template.json``/``evaluation.json`` found up the folder tree, or else the bundled
    sheet the first scan looks like. A single dropped folder names the exam."""
    paths = [Path(p) for p in paths]
    if not paths:
        return Suggestion()
    title = paths[0].name if len(paths) == 1 and paths[0].is_dir() else ""
    first = paths[0]
    setup = find_setup(first if first.is_dir() else first.parent, first)
    exclude: set[Path] = set()
    template_spec: str | None = None
    if setup.template_path is not None:
        template_spec = str(setup.template_path)
        try:
            exclude = template_resources(load_template(setup.template_path))
        except (ValueError, OSError):
            exclude = set()
    scans = [p for p in discover(paths, exclude=exclude) if p.suffix.lower() in SUPPORTED_SUFFIXES]
    sample = scans[0] if scans else None
    if state is not None:
        state.check()
    if template_spec is None and sample is not None:
        guess = guess_template(sample, [b.template for b in bundled])
        template_spec = guess.name if guess is not None else None
    key = setup.evaluation_path if setup.template_path is not None else None
    return Suggestion(title, sample, template_spec, key)
