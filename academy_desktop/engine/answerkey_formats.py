"""The answer-key file formats: native JSON, spreadsheet tables, OMRChecker ``evaluation.json``.

Each parser collects every problem and raises one :class:`AnswerKeyError`.
The formats are documented in ``docs/answer-keys.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from academy_desktop.engine.answerkey import (
    DEFAULT_SECTION,
    KEY_VERSION,
    AnswerKey,
    AnswerKeyError,
    KeyItem,
    Marking,
    answer_text,
    expand_or_issue,
    parse_answer_item,
    question_label,
    read_table_rows,
    score_or_issue,
    split_answer_cell,
)
from academy_desktop.engine.keytable import Row
from academy_desktop.engine.template.validation import Issue, schema_issues, schema_validator

SCHEMA_FILE = "answer-key-v1.schema.json"


def _marking(raw: Mapping[str, Any], base: Marking, where: str, issues: list[Issue]) -> Marking:
    values: dict[str, float] = {}
    for name in ("correct", "incorrect", "unmarked"):
        if name in raw:
            score = score_or_issue(raw[name], f"{where}.{name}", issues)
            values[name] = getattr(base, name) if score is None else score
        else:
            values[name] = getattr(base, name)
    return Marking(**values)


def _assign_sections(
    items: dict[str, KeyItem],
    members: dict[str, list[str]],
    where: str,
    issues: list[Issue],
) -> dict[str, KeyItem]:
    """Put each question listed under a section into it (one section per question)."""
    owner: dict[str, str] = {}
    out = dict(items)
    for section, labels in members.items():
        for label in labels:
            if label in owner:
                issues.append(
                    Issue(
                        f"{where}.{section}.questions",
                        f"'{label}' 문항이 이미 '{owner[label]}' 영역에 있습니다",
                        f"question '{label}' is already in the section '{owner[label]}'",
                    )
                )
                continue
            owner[label] = section
            item = out.get(label)
            if item is None:
                issues.append(
                    Issue(
                        f"{where}.{section}.questions",
                        f"'{label}' 문항의 정답이 없습니다",
                        f"question '{label}' has no answer in the key",
                    )
                )
            elif item.section not in (DEFAULT_SECTION, section):
                issues.append(
                    Issue(
                        f"answers.{label}.section",
                        f"'{item.section}'로 적었지만 '{section}' 영역의 문항 목록에도 있습니다",
                        f"says '{item.section}' but the section '{section}' also lists it",
                    )
                )
            else:
                out[label] = KeyItem(label, item.accepted, section, item.incorrect, item.unmarked)
    return out


def parse_key_json(data: Mapping[str, Any], *, source: str = "") -> AnswerKey:
    """The native ``academy-answer-key`` JSON format, version 1."""
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > KEY_VERSION:
        raise AnswerKeyError(
            Issue(
                "version",
                f"더 새로운 Academy Desktop에서 만든 정답표입니다(형식 버전 {version}). "
                "프로그램을 업데이트해 주세요",
                f"this answer key was made by a newer Academy Desktop (format version "
                f"{version}); please update the program",
            ),
            source=source or None,
        )
    issues = schema_issues(data, schema_validator(SCHEMA_FILE))
    if issues:
        raise AnswerKeyError(issues, source=source or None)
    raw_sections: dict[str, Any] = dict(data.get("sections", {}))
    default = _marking(raw_sections.get(DEFAULT_SECTION, {}), Marking(), "sections.DEFAULT", issues)
    if "questions" in raw_sections.get(DEFAULT_SECTION, {}):
        issues.append(
            Issue(
                "sections.DEFAULT.questions",
                "DEFAULT 영역은 나머지 모든 문항에 적용되므로 문항 목록을 적지 않습니다",
                "DEFAULT applies to every other question; it takes no question list",
            )
        )
    sections = {DEFAULT_SECTION: default}
    members: dict[str, list[str]] = {}
    for name, raw in raw_sections.items():
        if name != DEFAULT_SECTION:
            sections[name] = _marking(raw, default, f"sections.{name}", issues)
            members[name] = expand_or_issue(
                raw.get("questions", []), f"sections.{name}.questions", issues
            )
    items: dict[str, KeyItem] = {}
    for key, value in data["answers"].items():
        label, where = question_label(key), f"answers.{key}"
        obj = value if isinstance(value, dict) else {"accept": value}
        accept = obj["accept"] if isinstance(obj["accept"], list) else [obj["accept"]]
        accepted = parse_answer_item(accept, f"{where}.accept", issues)
        if "points" in obj:
            points = score_or_issue(obj["points"], f"{where}.points", issues)
            accepted = tuple((a, s if s is not None else points) for a, s in accepted)
        section = obj.get("section", DEFAULT_SECTION)
        if section not in sections:
            issues.append(
                Issue(
                    f"{where}.section",
                    f"'{section}' 영역이 sections에 없습니다",
                    f"there is no section '{section}' in sections",
                )
            )
        if label in items:
            issues.append(
                Issue(
                    where,
                    f"'{label}' 문항이 두 번 적혔습니다",
                    f"question '{label}' is listed twice",
                )
            )
        items[label] = KeyItem(
            label,
            accepted,
            section,
            score_or_issue(obj["incorrect"], f"{where}.incorrect", issues)
            if "incorrect" in obj
            else None,
            score_or_issue(obj["unmarked"], f"{where}.unmarked", issues)
            if "unmarked" in obj
            else None,
        )
    items = _assign_sections(items, members, "sections", issues)
    if issues:
        raise AnswerKeyError(issues, source=source or None)
    return AnswerKey(items=items, sections=sections, source=source)


_HEADERS: dict[str, set[str]] = {
    "question": {"question", "questions", "label", "문항", "문제", "번호", "문항번호"},
    "answer": {"answer", "answers", "정답", "답"},
    "points": {"points", "point", "score", "배점", "점수"},
    "section": {"section", "영역", "과목", "단원"},
    "incorrect": {"incorrect", "wrong", "오답", "감점", "오답점수"},
    "unmarked": {"unmarked", "blank", "무응답", "미기입"},
}


def _header(cells: list[Any]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for col, cell in enumerate(cells):
        name = str(cell).strip().lower().replace(" ", "") if cell is not None else ""
        for key, names in _HEADERS.items():
            if name in names and key not in found:
                found[key] = col
    return found if "question" in found and "answer" in found else None


def _cell(cells: list[Any], col: int | None) -> Any:
    if col is None or col >= len(cells):
        return None
    value = cells[col]
    return None if isinstance(value, str) and not value.strip() else value


def parse_table(rows: list[Row], *, source: str = "") -> AnswerKey:
    """Spreadsheet rows: a ``question,answer[,points,section,incorrect,unmarked]`` header
    (Korean ``문항,정답,배점,영역,오답,무응답`` too), or OMRChecker's headerless ``q1,C`` rows."""
    issues: list[Issue] = []
    if not rows:
        raise AnswerKeyError(
            Issue("", "정답표가 비어 있습니다", "the answer key is empty"), source=source or None
        )
    found = _header(rows[0][1])
    headerless = found is None
    if found is not None:
        header, body = found, rows[1:]
        titles = {key: str(rows[0][1][col]) for key, col in header.items()}
    else:  # OMRChecker: no header, question in column A, answer in column B
        header, titles, body = {"question": 0, "answer": 1}, {"question": "A", "answer": "B"}, rows
    items: dict[str, KeyItem] = {}
    sections: dict[str, Marking] = {DEFAULT_SECTION: Marking()}
    for n, cells in body:

        def where(key: str, n: int = n) -> str:
            return f"{n}행/row {n}, {titles.get(key, key)}"

        q, a = _cell(cells, header["question"]), _cell(cells, header["answer"])
        if q is None:
            issues.append(Issue(where("question"), "문항이 비어 있습니다", "the question is empty"))
            continue
        label = question_label(q)
        if a is None:
            issues.append(Issue(where("answer"), "정답이 비어 있습니다", "the answer is empty"))
            continue
        if headerless and len(cells) > 2:  # q7,B,C written without quotes
            a = ",".join(answer_text(c) for c in cells[1:] if c is not None)
        accepted = parse_answer_item(split_answer_cell(a), where("answer"), issues)
        extra: dict[str, float | None] = {}
        for key in ("points", "incorrect", "unmarked"):
            raw = _cell(cells, header.get(key))
            extra[key] = None if raw is None else score_or_issue(raw, where(key), issues)
        if extra["points"] is not None:
            accepted = tuple((ans, s if s is not None else extra["points"]) for ans, s in accepted)
        section_cell = _cell(cells, header.get("section"))
        section = DEFAULT_SECTION if section_cell is None else answer_text(section_cell)
        sections.setdefault(section, Marking())
        if label in items:
            issues.append(
                Issue(
                    where("question"),
                    f"'{label}' 문항이 두 번 적혔습니다",
                    f"question '{label}' is listed twice",
                )
            )
        items[label] = KeyItem(label, accepted, section, extra["incorrect"], extra["unmarked"])
    if not items and not issues:
        issues.append(Issue("", "정답이 한 줄도 없습니다", "the answer key has no rows"))
    if issues:
        raise AnswerKeyError(issues, source=source or None)
    return AnswerKey(items=items, sections=sections, source=source)


def _evaluation_answers(
    data: Mapping[str, Any], path: Path | None, issues: list[Issue]
) -> list[tuple[str, tuple[tuple[str, float | None], ...]]]:
    options: Mapping[str, Any] = data.get("options") or {}
    source_type = data.get("source_type", "custom")
    if source_type in ("csv", "image_and_csv"):
        rel = options.get("answer_key_csv_path")
        if not isinstance(rel, str):
            issues.append(
                Issue("options.answer_key_csv_path", "CSV 경로가 없습니다", "no CSV path")
            )
            return []
        csv_path = Path(rel) if path is None else path.parent / rel
        if not csv_path.is_file():
            issues.append(
                Issue(
                    "options.answer_key_csv_path",
                    f"파일이 없습니다: {csv_path}",
                    f"file not found: {csv_path}",
                )
            )
            return []
        table = parse_table(read_table_rows(csv_path), source=str(csv_path))
        return [(label, item.accepted) for label, item in table.items.items()]
    if source_type not in ("custom", "local"):
        issues.append(
            Issue(
                "source_type",
                f"'{source_type}'은(는) 지원하지 않습니다 (custom, csv)",
                f"'{source_type}' is not supported (use custom or csv)",
            )
        )
        return []
    questions = expand_or_issue(
        options.get("questions_in_order"), "options.questions_in_order", issues
    )
    answers = options.get("answers_in_order")
    if not isinstance(answers, list):
        issues.append(Issue("options.answers_in_order", "정답 목록이 없습니다", "no answer list"))
        return []
    if len(answers) != len(questions):
        issues.append(
            Issue(
                "options.answers_in_order",
                f"문항 {len(questions)}개와 정답 {len(answers)}개의 수가 다릅니다",
                f"{len(questions)} questions but {len(answers)} answers",
            )
        )
        return []
    return [
        (q, parse_answer_item(a, f"options.answers_in_order[{k}]", issues))
        for k, (q, a) in enumerate(zip(questions, answers, strict=True))
    ]


def parse_evaluation(data: Mapping[str, Any], *, path: Path | None = None) -> AnswerKey:
    """An OMRChecker ``evaluation.json`` (``custom`` or ``csv`` source, marking schemes)."""
    issues: list[Issue] = []
    source = str(path) if path is not None else ""
    for key in ("conditionalSets",):
        if key in data:
            issues.append(Issue(key, "지원하지 않는 항목입니다", "not supported"))
    schemes: Mapping[str, Any] = data.get("marking_schemes", data.get("marking_scheme")) or {}
    default = _marking(
        schemes.get(DEFAULT_SECTION, {}), Marking(), "marking_schemes.DEFAULT", issues
    )
    sections = {DEFAULT_SECTION: default}
    members: dict[str, list[str]] = {}
    for name, raw in schemes.items():
        if name == DEFAULT_SECTION or not isinstance(raw, Mapping):
            continue
        marking = raw.get("marking", raw)
        sections[name] = _marking(marking, default, f"marking_schemes.{name}.marking", issues)
        members[name] = expand_or_issue(
            raw.get("questions"), f"marking_schemes.{name}.questions", issues
        )
    items: dict[str, KeyItem] = {}
    for label, accepted in _evaluation_answers(data, path, issues):
        if label in items:
            issues.append(
                Issue(
                    "options.questions_in_order",
                    f"'{label}' 문항이 두 번 있습니다",
                    f"question '{label}' appears twice",
                )
            )
        items[label] = KeyItem(label, accepted)
    items = _assign_sections(items, members, "marking_schemes", issues)
    if issues:
        raise AnswerKeyError(issues, source=source or None)
    return AnswerKey(items=items, sections=sections, source=source)
