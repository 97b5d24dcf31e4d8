"""Small OMRChecker folders whose student number is a ``customLabels`` join, with
drawn scans (import as ``from student_id_sheets import ...``).

:func:`write_folder` writes ``template.json`` (an 8-digit ID grid joined by
``customLabels``, five-choice questions in columns of 15, no pre-processor, so a scan
is the page itself), ``evaluation.json`` and one JPEG per student. The scans are
drawn, not photographed: printed rings for every bubble and solid marks, so every
value is read without doubt and the tests are about what is done with it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from academy_desktop.engine.template.model import Template

PAGE = (1000, 1400)
BUBBLE = 26
CHOICES = "ABCDE"


def template_json(
    questions: int = 45, id_name: str = "student_id", digits: int = 8, **custom: list[str]
) -> dict[str, Any]:
    """An OMRChecker template: ``id1..<digits>`` joined as ``id_name``, then
    ``q1..<questions>`` (A-E) in columns of 15; ``custom`` adds more ``customLabels``."""
    blocks: dict[str, Any] = {
        "StudentId": {
            "fieldType": "QTYPE_INT",
            "origin": [60, 60],
            "bubblesGap": 34,
            "labelsGap": 34,
            "fieldLabels": [f"id1..{digits}"],
        }
    }
    for i, first in enumerate(range(1, questions + 1, 15)):
        last = min(first + 14, questions)
        blocks[f"Q{first}"] = {
            "fieldType": "QTYPE_MCQ5",
            "origin": [60 + 310 * i, 480],
            "bubblesGap": 40,
            "labelsGap": 56,
            "fieldLabels": [f"q{first}..{last}"],
        }
    return {
        "pageDimensions": list(PAGE),
        "bubbleDimensions": [BUBBLE, BUBBLE],
        "fieldBlocks": blocks,
        "customLabels": {id_name: [f"id1..{digits}"], **custom},
        "preProcessors": [],
    }


def answers_for(seed: int, questions: int) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    return {f"q{n}": CHOICES[int(rng.integers(0, 5))] for n in range(1, questions + 1)}


def draw(t: Template, marks: dict[str, str]) -> np.ndarray:
    """The page with a ring round every bubble and the bubbles of ``marks`` filled."""
    img = np.full((PAGE[1], PAGE[0]), 255, np.uint8)
    for f in t.fields:
        for b in f.bubbles:
            centre = (round(b.cx), round(b.cy))
            cv2.circle(img, centre, round(b.w / 2), 120, 2, cv2.LINE_AA)
            if marks.get(f.label) == b.value:
                cv2.circle(img, centre, round(b.w / 2) - 2, 20, -1, cv2.LINE_AA)
    return img


def write_folder(
    folder: Path,
    numbers: Sequence[str],
    *,
    questions: int = 45,
    id_name: str = "student_id",
    key: dict[str, str] | None = None,
) -> tuple[Template, list[Path], dict[str, str]]:
    """An OMRChecker folder graded by ``evaluation.json`` = ``key`` (default: student 0's
    answers), one scan per student number; returns the template, scans and the key."""
    from academy_desktop.engine.template.omrchecker import load_omrchecker

    folder.mkdir(parents=True, exist_ok=True)
    data = template_json(questions, id_name, len(numbers[0]))
    (folder / "template.json").write_text(json.dumps(data), "utf-8")
    t = load_omrchecker(folder / "template.json")
    key = key or answers_for(0, questions)
    evaluation = {
        "source_type": "custom",
        "options": {"questions_in_order": list(key), "answers_in_order": list(key.values())},
        "marking_schemes": {"DEFAULT": {"correct": "1", "incorrect": "0", "unmarked": "0"}},
    }
    (folder / "evaluation.json").write_text(json.dumps(evaluation), "utf-8")
    scans = []
    for i, number in enumerate(numbers):
        marks = answers_for(i, questions) | {f"id{d + 1}": c for d, c in enumerate(number)}
        path = folder / f"sheet-{i + 1}.jpg"
        cv2.imwrite(str(path), draw(t, marks), [cv2.IMWRITE_JPEG_QUALITY, 92])
        scans.append(path)
    return t, scans, key
