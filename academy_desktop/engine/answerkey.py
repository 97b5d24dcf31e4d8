"""Answer keys: the model, the native JSON and spreadsheet formats, OMRChecker's evaluation.json.

:func:`load_key` reads any of them (see ``docs/answer-keys.md``). Scores may be
written as numbers or as strings such as ``"3/2"`` and ``"-1"``; they are parsed
with :class:`fractions.Fraction`, and :mod:`academy_desktop.engine.scoring`
adds them up exactly. Grading lives in :mod:`academy_desktop.engine.scoring`.
"""

from __future__ import annotations

import ast
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from academy_desktop.engine.keytable import Row, read_rows
from academy_desktop.engine.template.labels import LabelRangeError, expand_labels
from academy_desktop.engine.template.native import read_json
from academy_desktop.engine.template.validation import Issue, IssuesError

KEY_FORMAT = "academy-answer-key"
KEY_VERSION = 1
DEFAULT_SECTION = "DEFAULT"

__all__ = [
    "DEFAULT_SECTION",
    "KEY_FORMAT",
    "AnswerKey",
    "AnswerKeyError",
    "KeyItem",
    "Marking",
    "answer_text",
    "load_key",
    "parse_score",
]


class AnswerKeyError(IssuesError):
    """An answer key that cannot be used."""

    heading = "정답표 오류 / Answer key error"


@dataclass(frozen=True)
class Marking:
    """Points for a correct, a wrong and an unanswered question."""

    correct: float = 1.0
    incorrect: float = 0.0
    unmarked: float = 0.0


@dataclass(frozen=True)
class KeyItem:
    """One question of the key.

    ``accepted`` lists every answer that counts as correct, each with its own
    score or ``None`` for the section's ``correct``. ``incorrect``/``unmarked``
    override the section's values for this question only.
    """

    label: str
    accepted: tuple[tuple[str, float | None], ...]
    section: str = DEFAULT_SECTION
    incorrect: float | None = None
    unmarked: float | None = None


@dataclass(frozen=True)
class AnswerKey:
    items: dict[str, KeyItem]
    sections: dict[str, Marking]
    default_section: str = DEFAULT_SECTION
    source: str = ""

    def marking(self, item: KeyItem) -> Marking:
        """The section marking for ``item`` with its own overrides applied."""
        base = self.sections.get(item.section) or self.sections.get(self.default_section, Marking())
        return Marking(
            correct=base.correct,
            incorrect=base.incorrect if item.incorrect is None else item.incorrect,
            unmarked=base.unmarked if item.unmarked is None else item.unmarked,
        )


def parse_score(value: Any) -> Fraction:
    """``2``, ``-0.5``, ``"3/2"``, ``"-1"`` -> an exact :class:`Fraction`; ``ValueError`` if not."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(repr(value))
    text = str(value).strip().replace("−", "-")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(repr(value)) from exc


def answer_text(value: Any) -> str:
    """A cell or JSON value as an answer string: ``3`` and ``3.0`` both give ``"3"``."""
    if isinstance(value, bool) or value is None:
        raise ValueError(repr(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    raise ValueError(repr(value))


def question_label(value: Any) -> str:
    """A question cell or key: a bare number ``n`` means the label ``q<n>``."""
    text = answer_text(value)
    return f"q{text}" if text.isdigit() else text


def _score_issue(where: str, value: Any) -> Issue:
    return Issue(
        where,
        f'점수 {value!r}을(를) 읽을 수 없습니다 (예: 2, -0.5, "3/2")',
        f'cannot read the score {value!r} (e.g. 2, -0.5, "3/2")',
    )


def score_or_issue(value: Any, where: str, issues: list[Issue]) -> float | None:
    try:
        return float(parse_score(value))
    except ValueError:
        issues.append(_score_issue(where, value))
        return None


def expand_or_issue(items: Any, where: str, issues: list[Issue]) -> list[str]:
    if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
        issues.append(
            Issue(
                where,
                '문항 라벨 목록이어야 합니다 (예: ["q1..10"])',
                'must be a list of labels (e.g. ["q1..10"])',
            )
        )
        return []
    try:
        return [question_label(x) for x in expand_labels([str(i) for i in items])]
    except LabelRangeError as exc:
        issues.append(
            Issue(
                where,
                f"범위 '{exc.text}'의 시작 번호가 끝 번호보다 큽니다",
                f"range '{exc.text}' starts after it ends",
            )
        )
        return []


def parse_answer_item(
    value: Any, where: str, issues: list[Issue]
) -> tuple[tuple[str, float | None], ...]:
    """OMRChecker answer item: ``"A"``, ``["A", "B", "AB"]`` or ``[["A", 2], ["B", "1/2"]]``."""
    try:
        if isinstance(value, list) and value:
            out: list[tuple[str, float | None]] = []
            for k, entry in enumerate(value):
                if isinstance(entry, list):
                    if len(entry) != 2:
                        raise ValueError(entry)
                    score = score_or_issue(entry[1], f"{where}[{k}][1]", issues)
                    out.append((answer_text(entry[0]), score))
                else:
                    out.append((answer_text(entry), None))
            if any(not a for a, _ in out):
                raise ValueError(value)
            return tuple(out)
        text = answer_text(value)
        if text:
            return ((text, None),)
    except ValueError:
        pass
    issues.append(
        Issue(
            where,
            f'정답 {value!r}을(를) 읽을 수 없습니다. "A", ["A", "B"] 또는 '
            '[["A", 2], ["B", 1]] 형태로 적어 주세요',
            f'cannot read the answer {value!r}; write "A", ["A", "B"] or [["A", 2], ["B", 1]]',
        )
    )
    return ()


def split_answer_cell(value: Any) -> Any:
    """A spreadsheet answer cell: ``['B','C']`` (OMRChecker), ``2|4`` or ``B,C`` list several."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
    for sep in ("|", ","):
        if sep in text:
            return [part.strip() for part in text.split(sep) if part.strip()]
    return text


def _is_evaluation(data: Any) -> bool:
    return isinstance(data, Mapping) and any(
        k in data for k in ("marking_schemes", "marking_scheme", "source_type")
    )


def load_key(path: Path) -> AnswerKey:
    """Load an answer key: OMRChecker ``evaluation.json``, native JSON, ``.csv`` or ``.xlsx``."""
    from academy_desktop.engine import answerkey_formats as fmt

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = read_json(path, AnswerKeyError)
        if _is_evaluation(data):
            return fmt.parse_evaluation(data, path=path)
        if isinstance(data, Mapping) and data.get("format") == KEY_FORMAT:
            return fmt.parse_key_json(data, source=str(path))
        raise AnswerKeyError(
            Issue(
                "",
                "알 수 없는 정답 파일입니다 (format: academy-answer-key 또는 OMRChecker "
                "evaluation.json이어야 합니다)",
                "unrecognised answer key (expected format: academy-answer-key or an OMRChecker "
                "evaluation.json)",
            ),
            source=path,
        )
    if suffix in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"):
        return fmt.parse_table(read_table_rows(path), source=str(path))
    raise AnswerKeyError(
        Issue(
            "",
            "지원하지 않는 파일 형식입니다 (.json, .csv, .xlsx)",
            "unsupported file type (use .json, .csv or .xlsx)",
        ),
        source=path,
    )


def read_table_rows(path: Path) -> list[Row]:
    """Spreadsheet rows, or an :class:`AnswerKeyError` when the file cannot be read."""
    try:
        return read_rows(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise AnswerKeyError(
            Issue("", f"파일을 읽을 수 없습니다 ({exc})", f"cannot read the file ({exc})"),
            source=path,
        ) from exc


# Grading lives in scoring.py; it is re-exported here for callers of the answer-key API.
from academy_desktop.engine.scoring import check_key_against, grade_fields  # noqa: E402

__all__ += ["check_key_against", "grade_fields"]
