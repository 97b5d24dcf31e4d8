"""Template errors for people: JSON Schema messages and layout checks, Korean and English.

Every reader collects *all* problems before raising one :class:`TemplateError`,
each :class:`Issue` naming the key (``blocks[2].origin``) and saying why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from academy_desktop.engine.template.model import Template

SCHEMA_FILE = "omr-template-v1.schema.json"


@dataclass(frozen=True)
class Issue:
    """One problem: where it is (a JSON-pointer-like path) and why, in Korean and English."""

    path: str
    ko: str
    en: str
    unknown_key: bool = False  # a key the schema does not know (a warning for imports)

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.ko} / {where}{self.en}"


class IssuesError(ValueError):
    """A file that cannot be used; ``issues`` lists every problem found."""

    heading = "오류 / Error"

    def __init__(self, issues: Issue | Sequence[Issue], *, source: str | Path | None = None):
        self.issues: list[Issue] = [issues] if isinstance(issues, Issue) else list(issues)
        self.source = str(source) if source is not None else None
        super().__init__(self._render())

    def _render(self) -> str:
        head = self.heading
        if self.source:
            head += f" ({self.source})"
        if len(self.issues) == 1:
            return f"{head}: {self.issues[0]}"
        return head + ":\n" + "\n".join(f"- {i}" for i in self.issues)

    @property
    def paths(self) -> list[str]:
        return [i.path for i in self.issues]


class TemplateError(IssuesError):
    """A sheet layout that cannot be used."""

    heading = "답안지 양식 오류 / Template error"


def resource(*parts: str) -> Path:
    """A file under ``resources/`` through the shared locator (source-tree fallback)."""
    try:
        from academy_desktop.resources import resource_path
    except ImportError:  # the locator module is not there yet
        return Path(__file__).resolve().parents[3].joinpath("resources", *parts)
    return Path(resource_path(*parts))


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema from ``resources/schemas`` (template, OMRChecker template, answer key)."""
    schema: dict[str, Any] = json.loads(resource("schemas", name).read_text(encoding="utf-8"))
    return schema


@cache
def schema_validator(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def template_schema() -> dict[str, Any]:
    """The canonical JSON Schema of the native template format (Draft 2020-12)."""
    return load_schema(SCHEMA_FILE)


def join_path(parts: Sequence[str | int]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_TYPE_NAMES = {
    "object": ("객체({...})", "an object {...}"),
    "array": ("목록([...])", "a list [...]"),
    "string": ("문자열(따옴표로 감싼 글자)", "a string (text in quotes)"),
    "number": ("숫자", "a number"),
    "integer": ("정수", "a whole number"),
    "boolean": ("true 또는 false", "true or false"),
}


def _closest(errors: list[jsonschema.ValidationError]) -> jsonschema.ValidationError:
    """The alternative the author most likely meant: a branch whose type matched and that
    failed deepest; otherwise jsonschema's own best match."""
    typed = [e for e in errors if e.validator != "type" or e.relative_path]
    if typed:
        return max(typed, key=lambda e: len(e.relative_path))
    return best_match(errors) or errors[0]


def _schema_issue(err: jsonschema.ValidationError) -> list[Issue]:
    path = list(err.absolute_path)
    where = join_path(path)
    kind, expected, value = err.validator, err.validator_value, err.instance
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    if kind == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        return [
            Issue(join_path([*path, k]), "꼭 있어야 하는 항목이 없습니다", "this key is required")
            for k in missing
        ]
    if kind == "additionalProperties":
        known = set(err.schema.get("properties", {}))
        extra = [k for k in value if k not in known] if isinstance(value, dict) else []
        return [
            Issue(
                join_path([*path, k]),
                "알 수 없는 항목입니다(철자를 확인해 주세요)",
                "unknown key (check the spelling)",
                unknown_key=True,
            )
            for k in extra
        ]
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        ko = " 또는 ".join(_TYPE_NAMES.get(n, (n, n))[0] for n in names)
        en = " or ".join(_TYPE_NAMES.get(n, (n, n))[1] for n in names)
        return [Issue(where, f"{shown} 대신 {ko}이어야 합니다", f"{shown} must be {en}")]
    if kind in ("enum", "const"):
        choices = expected if kind == "enum" else [expected]
        allowed = ", ".join(json.dumps(c, ensure_ascii=False) for c in choices)
        return [
            Issue(
                where,
                f"{shown}은(는) 허용되지 않습니다. 가능한 값: {allowed}",
                f"{shown} is not allowed; use one of {allowed}",
            )
        ]
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}
        return [
            Issue(
                where,
                f"{shown}: {op[kind]} {expected} 이어야 합니다",
                f"{shown} must be {op[kind]} {expected}",
            )
        ]
    if kind in ("minItems", "maxItems"):
        lo, hi = err.schema.get("minItems"), err.schema.get("maxItems")
        if lo is not None and lo == hi:
            ko, en = f"정확히 {lo}개가 있어야 합니다", f"must have exactly {lo} items"
        elif kind == "minItems":
            ko, en = f"최소 {expected}개가 있어야 합니다", f"must have at least {expected} items"
        else:
            ko, en = f"최대 {expected}개까지 가능합니다", f"must have at most {expected} items"
        return [Issue(where, f"{ko} (현재 {len(value)}개)", f"{en} (it has {len(value)})")]
    if kind in ("anyOf", "oneOf"):
        hint_en = err.schema.get("description", "")
        hint_ko = err.schema.get("x-description-ko", hint_en)
        sub = _closest(err.context) if err.context else None
        inner = _schema_issue(sub) if sub is not None else []
        if sub is not None and sub.validator in ("anyOf", "oneOf"):
            return inner  # the innermost alternative already carries its hint
        if not inner or not hint_en:
            inner = inner or [Issue(where, "허용되는 형식이 아닙니다", "is not in an allowed form")]
            return inner
        return [Issue(i.path, f"{i.ko} ({hint_ko})", f"{i.en} ({hint_en})") for i in inner]
    if kind == "pattern":
        return [Issue(where, f"{shown}의 형식이 맞지 않습니다", f"{shown} has the wrong form")]
    if kind == "minLength":
        return [Issue(where, "비어 있으면 안 됩니다", "must not be empty")]
    if kind == "uniqueItems":
        return [Issue(where, "같은 값이 두 번 들어 있습니다", "contains the same value twice")]
    return [Issue(where, f"값이 올바르지 않습니다 ({err.message})", err.message)]


def schema_issues(data: Any, validator: Draft202012Validator | None = None) -> list[Issue]:
    """Every JSON Schema violation of ``data`` (native schema by default), translated."""
    found = (validator or schema_validator(SCHEMA_FILE)).iter_errors(data)
    errors = sorted(found, key=lambda e: [str(p) for p in e.path])
    out: list[Issue] = []
    for err in errors:
        for issue in _schema_issue(err):
            if issue not in out:
                out.append(issue)
    return out


@dataclass(frozen=True)
class Naming:
    """How :func:`layout_issues` names keys, so OMRChecker users see OMRChecker's words."""

    blocks: str = "blocks"
    blocks_by_name: bool = False  # ``fieldBlocks.Roll`` instead of ``blocks[1]``
    keys: Mapping[str, str] | None = None
    joins: str = "joins"
    page: str = "page"
    marks: str = "registration.marks"

    def block(self, t: Template, i: int) -> str:
        return f"{self.blocks}.{t.blocks[i].name}" if self.blocks_by_name else f"{self.blocks}[{i}]"

    def key(self, name: str) -> str:
        return (self.keys or {}).get(name, name)


def _fmt(x: float) -> str:
    return f"{x:g}"


def layout_issues(t: Template, naming: Naming | None = None) -> list[Issue]:
    """Semantic checks of a built template: labels, joins, student id, geometry."""
    nm = naming or Naming()
    issues: list[Issue] = []
    page_w, page_h = t.page_size
    seen: dict[str, int] = {}
    for i, block in enumerate(t.blocks):
        bp = nm.block(t, i)
        for label in block.labels:
            if label in seen:
                other = "같은 블록" if seen[label] == i else nm.block(t, seen[label])
                other_en = "this block" if seen[label] == i else nm.block(t, seen[label])
                issues.append(
                    Issue(
                        f"{bp}.{nm.key('labels')}",
                        f"'{label}' 라벨이 이미 {other}에서 쓰였습니다",
                        f"label '{label}' is already used in {other_en}",
                    )
                )
            else:
                seen[label] = i
        bw, bh = block.bubble_size
        flat = block.direction == "horizontal"
        along, across = (bw, bh) if flat else (bh, bw)
        along_ko, across_ko = ("너비", "높이") if flat else ("높이", "너비")
        along_en, across_en = ("width", "height") if flat else ("height", "width")
        if len(block.values) > 1 and block.bubbles_gap < along:
            key = f"{bp}.{nm.key('bubbles_gap')}"
            issues.append(
                Issue(
                    key,
                    f"{_fmt(block.bubbles_gap)}이(가) 마킹 칸 {along_ko} {_fmt(along)}보다 작아 "
                    "칸이 서로 겹칩니다",
                    f"{_fmt(block.bubbles_gap)} is smaller than the bubble {along_en} "
                    f"{_fmt(along)}, so bubbles would overlap",
                )
            )
        if len(block.labels) > 1 and block.labels_gap < across:
            key = f"{bp}.{nm.key('labels_gap')}"
            issues.append(
                Issue(
                    key,
                    f"{_fmt(block.labels_gap)}이(가) 마킹 칸 {across_ko} {_fmt(across)}보다 작아 "
                    "문항끼리 겹칩니다",
                    f"{_fmt(block.labels_gap)} is smaller than the bubble {across_en} "
                    f"{_fmt(across)}, so neighbouring fields would overlap",
                )
            )
        if block.labels and block.values:
            x, y, w, h = block.bounds()
            if x < 0 or y < 0 or x + w > page_w + 1e-9 or y + h > page_h + 1e-9:
                issues.append(
                    Issue(
                        f"{bp}.{nm.key('origin')}",
                        f"마킹 칸이 ({_fmt(x)}, {_fmt(y)})-({_fmt(x + w)}, {_fmt(y + h)}) 범위에 "
                        f"있어 용지({_fmt(page_w)} x {_fmt(page_h)}) 밖으로 나갑니다",
                        f"the bubbles span ({_fmt(x)}, {_fmt(y)})-({_fmt(x + w)}, {_fmt(y + h)}), "
                        f"outside the page {_fmt(page_w)} x {_fmt(page_h)}",
                    )
                )
    for name, members in t.joins.items():
        jp = f"{nm.joins}.{name}"
        if name in seen and list(members) != [name]:
            issues.append(
                Issue(
                    jp,
                    "같은 이름의 문항 라벨이 이미 있어 결과가 헷갈립니다",
                    "a field already has this label, so the output would be ambiguous",
                )
            )
        for label in members:
            if label not in seen:
                issues.append(
                    Issue(
                        jp,
                        f"'{label}' 라벨을 가진 문항이 없습니다",
                        f"no field has the label '{label}'",
                    )
                )
    if t.student_id is not None and t.student_id not in t.joins and t.student_id not in seen:
        issues.append(
            Issue(
                "student_id",
                f"'{t.student_id}'은(는) joins에도 문항 라벨에도 없습니다",
                f"'{t.student_id}' is neither a join nor a field label",
            )
        )
    if t.alignment.method == "markers":
        issues.extend(_marker_issues(t, nm))
    return issues


def _marker_issues(t: Template, nm: Naming) -> list[Issue]:
    marks = t.alignment.markers
    if len(marks) != 4:
        return [
            Issue(
                nm.marks,
                f"표시는 정확히 4개(왼쪽 위, 오른쪽 위, 오른쪽 아래, 왼쪽 아래)여야 합니다 "
                f"(현재 {len(marks)}개)",
                f"needs exactly 4 marks (top-left, top-right, bottom-right, bottom-left); "
                f"it has {len(marks)}",
            )
        ]
    issues: list[Issue] = []
    page_w, page_h = t.page_size
    for k, m in enumerate(marks):
        half = m.size / 2.0
        if m.cx - half < 0 or m.cy - half < 0 or m.cx + half > page_w or m.cy + half > page_h:
            issues.append(
                Issue(
                    f"{nm.marks}[{k}]",
                    f"표시 ({_fmt(m.cx)}, {_fmt(m.cy)})가 용지 밖으로 나갑니다",
                    f"mark ({_fmt(m.cx)}, {_fmt(m.cy)}) lies outside the page",
                )
            )
    tl, tr, br, bl = marks
    if not (tl.cx < tr.cx and bl.cx < br.cx and tl.cy < bl.cy and tr.cy < br.cy):
        issues.append(
            Issue(
                nm.marks,
                "표시 순서는 왼쪽 위, 오른쪽 위, 오른쪽 아래, 왼쪽 아래여야 합니다",
                "marks must be in the order top-left, top-right, bottom-right, bottom-left",
            )
        )
    return issues


def expand_labels_or_report(items: Sequence[str], where: str, issues: list[Issue]) -> list[str]:
    """Expand label ranges (``q1..20``); a backwards range is reported, not raised."""
    from academy_desktop.engine.template.labels import LabelRangeError, expand_label

    out: list[str] = []
    for k, item in enumerate(items):
        try:
            out.extend(expand_label(item))
        except LabelRangeError as exc:
            issues.append(
                Issue(
                    f"{where}[{k}]",
                    f"범위 '{exc.text}'의 시작 번호가 끝 번호보다 큽니다",
                    f"range '{exc.text}' starts after it ends",
                )
            )
    return out
