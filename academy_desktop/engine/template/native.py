"""Read and write the native template format (``academy-omr-template`` version 1).

The format is described in ``docs/templates.md`` and, canonically, by the JSON
Schema ``resources/schemas/omr-template-v1.schema.json``. Loading validates
against the schema first, then checks the layout itself (labels, joins, page
bounds, overlapping bubbles, registration marks) and reports every problem at
once in a :class:`TemplateError`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from academy_desktop.engine.template.labels import (
    compress_labels,
)
from academy_desktop.engine.template.model import (
    Alignment,
    Block,
    FieldKind,
    Marker,
    Preprocess,
    Template,
)
from academy_desktop.engine.template.validation import (
    Issue,
    IssuesError,
    TemplateError,
    expand_labels_or_report,
    layout_issues,
    schema_issues,
)

__all__ = ["FORMAT", "VERSION", "TemplateError", "dump_native", "load_native", "parse_native"]

FORMAT = "academy-omr-template"
VERSION = 1

_KINDS: dict[str, FieldKind] = {"mcq": "mcq", "digits": "digit", "custom": "custom"}
_DEFAULT_VALUES = {
    "mcq": tuple(str(n) for n in range(1, 6)),
    "digits": tuple(str(n) for n in range(10)),
}
_DEFAULT_DIRECTION = {"mcq": "horizontal", "digits": "vertical", "custom": "horizontal"}


def read_json(path: Path, error: type[IssuesError] = TemplateError) -> Any:
    """Read a JSON file (BOM tolerated) or raise ``error`` saying where it broke."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise error(
            Issue("", f"파일을 읽을 수 없습니다 ({exc.strerror})", f"cannot read the file ({exc})"),
            source=path,
        ) from exc
    except UnicodeDecodeError as exc:
        raise error(
            Issue("", "UTF-8 텍스트 파일이 아닙니다", "the file is not UTF-8 text"), source=path
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            Issue(
                "",
                f"JSON 문법 오류: {exc.lineno}행 {exc.colno}열 ({exc.msg})",
                f"JSON syntax error at line {exc.lineno}, column {exc.colno} ({exc.msg})",
            ),
            source=path,
        ) from exc


def load_native(path: Path) -> Template:
    """Load and validate a native template file."""
    path = Path(path)
    return parse_native(read_json(path), path=path)


def _newer_version(data: Any) -> Issue | None:
    version = data.get("version") if isinstance(data, dict) else None
    if (
        isinstance(data, dict)
        and data.get("format") == FORMAT
        and isinstance(version, int)
        and not isinstance(version, bool)
        and version > VERSION
    ):
        return Issue(
            "version",
            f"이 양식은 더 새로운 Academy Desktop에서 만든 것입니다(형식 버전 {version}). "
            "프로그램을 업데이트해 주세요",
            f"this template was made by a newer Academy Desktop (format version {version}); "
            "please update the program",
        )
    return None


def _resolve(rel: str, path: Path | None) -> Path:
    p = Path(rel)
    if p.is_absolute() or path is None:
        return p
    return path.parent / p


def _alignment(reg: dict[str, Any], path: Path | None, issues: list[Issue]) -> Alignment:
    kind = reg["type"]
    if kind == "squares":
        size = float(reg["size"])
        marks = tuple(Marker(float(x), float(y), size) for x, y in reg["marks"])
        return Alignment(method="markers", markers=marks)
    if kind == "marker_image":
        image = _resolve(reg["image"], path)
        if path is not None and not image.is_file():
            issues.append(_missing_file("registration.image", image))
        return Alignment(
            method="marker_image",
            marker_image=image,
            marker_width_ratio=(
                float(reg["sheet_to_marker_width_ratio"])
                if "sheet_to_marker_width_ratio" in reg
                else None
            ),
            crop_page_first=bool(reg.get("crop_page_first", False)),
        )
    if kind == "features":
        ref = _resolve(reg["reference"], path)
        if path is not None and not ref.is_file():
            issues.append(_missing_file("registration.reference", ref))
        return Alignment(
            method="features",
            reference_image=ref,
            crop_page_first=bool(reg.get("crop_page_first", False)),
        )
    return Alignment(method="page" if kind == "page" else "none")


def _missing_file(where: str, file: Path) -> Issue:
    return Issue(where, f"파일이 없습니다: {file}", f"file not found: {file}")


def _block(i: int, raw: dict[str, Any], default_bubble: Any, issues: list[Issue]) -> Block:
    kind = raw.get("type", "mcq")
    bubble = raw.get("bubble", default_bubble)
    if bubble is None:
        issues.append(
            Issue(
                f"blocks[{i}].bubble",
                "마킹 칸 크기가 없습니다. 맨 위의 'bubble' 또는 블록의 'bubble'을 적어 주세요",
                "no bubble size: set the top-level 'bubble' or this block's 'bubble'",
            )
        )
        bubble = {"width": 1.0, "height": 1.0}
    labels = tuple(expand_labels_or_report(raw["labels"], f"blocks[{i}].labels", issues))
    return Block(
        name=raw.get("name") or f"block{i + 1}",
        kind=_KINDS[kind],
        labels=labels,
        values=tuple(raw.get("values", _DEFAULT_VALUES.get(kind, ()))),
        direction=raw.get("direction", _DEFAULT_DIRECTION[kind]),
        origin=(float(raw["origin"][0]), float(raw["origin"][1])),
        bubble_size=(float(bubble["width"]), float(bubble["height"])),
        bubbles_gap=float(raw["bubbles_gap"]),
        labels_gap=float(raw.get("labels_gap", 0.0)),
        shape=bubble.get("shape", "ellipse"),
        multiple=bool(raw.get("multiple", False)),
        empty_value=str(raw.get("empty_value", "")),
    )


def parse_native(data: dict[str, Any], *, path: Path | None = None) -> Template:
    """Validate ``data`` (schema, then layout) and build a :class:`Template`."""
    newer = _newer_version(data)
    if newer is not None:
        raise TemplateError(newer, source=path)
    issues = schema_issues(data)
    if issues:
        raise TemplateError(issues, source=path)
    path = Path(path) if path is not None else None
    alignment = _alignment(data["registration"], path, issues)
    blocks = tuple(
        _block(i, raw, data.get("bubble"), issues) for i, raw in enumerate(data["blocks"])
    )
    names = Counter(b.name for b in blocks)
    for i, b in enumerate(blocks):
        if names[b.name] > 1 and "name" in data["blocks"][i]:
            issues.append(
                Issue(
                    f"blocks[{i}].name",
                    f"블록 이름 '{b.name}'이(가) 두 번 이상 쓰였습니다",
                    f"block name '{b.name}' is used more than once",
                )
            )
    joins = {
        name: tuple(expand_labels_or_report(items, f"joins.{name}", issues))
        for name, items in data.get("joins", {}).items()
    }
    page = data["page"]
    template = Template(
        name=data.get("name") or (path.stem if path is not None else "template"),
        page_size=(float(page["width"]), float(page["height"])),
        blocks=blocks,
        unit=data.get("unit", "mm"),
        alignment=alignment,
        preprocess=tuple(
            Preprocess(p["name"], dict(p.get("options", {}))) for p in data.get("preprocess", [])
        ),
        joins=joins,
        student_id=data.get("student_id"),
        title=dict(data.get("title", {})),
        source="native",
        path=path,
    )
    issues.extend(layout_issues(template))
    if issues:
        raise TemplateError(issues, source=path)
    return template


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def _bubble_json(size: tuple[float, float], shape: str) -> dict[str, Any]:
    return {"width": _num(size[0]), "height": _num(size[1]), "shape": shape}


def _relative(file: Path, t: Template) -> str:
    if t.path is not None and not file.is_absolute():
        try:
            return file.relative_to(t.path.parent).as_posix()
        except ValueError:
            pass
    elif t.path is not None:
        try:
            return file.relative_to(t.path.parent.resolve()).as_posix()
        except ValueError:
            pass
    return file.as_posix()


def _registration_json(t: Template) -> dict[str, Any]:
    a = t.alignment
    if a.method == "markers":
        size = a.markers[0].size if a.markers else 1.0
        return {
            "type": "squares",
            "size": _num(size),
            "marks": [[_num(m.cx), _num(m.cy)] for m in a.markers],
        }
    if a.method == "marker_image" and a.marker_image is not None:
        out: dict[str, Any] = {"type": "marker_image", "image": _relative(a.marker_image, t)}
        if a.marker_width_ratio is not None:
            out["sheet_to_marker_width_ratio"] = _num(a.marker_width_ratio)
        if a.crop_page_first:
            out["crop_page_first"] = True
        return out
    if a.method == "features" and a.reference_image is not None:
        feats: dict[str, Any] = {"type": "features", "reference": _relative(a.reference_image, t)}
        if a.crop_page_first:
            feats["crop_page_first"] = True
        return feats
    return {"type": a.method if a.method == "page" else "none"}


def dump_native(t: Template) -> dict[str, Any]:
    """The native JSON for ``t``; ``parse_native(dump_native(t), path=t.path)`` rebuilds it."""
    common = Counter((b.bubble_size, b.shape) for b in t.blocks).most_common(1)
    default = common[0][0] if common else ((1.0, 1.0), "ellipse")
    blocks: list[dict[str, Any]] = []
    for b in t.blocks:
        raw: dict[str, Any] = {
            "name": b.name,
            "type": "digits" if b.kind == "digit" else b.kind,
            "labels": compress_labels(b.labels),
            "values": list(b.values),
            "direction": b.direction,
            "origin": [_num(b.origin[0]), _num(b.origin[1])],
            "bubbles_gap": _num(b.bubbles_gap),
            "labels_gap": _num(b.labels_gap),
        }
        if (b.bubble_size, b.shape) != default:
            raw["bubble"] = _bubble_json(b.bubble_size, b.shape)
        if b.multiple:
            raw["multiple"] = True
        if b.empty_value:
            raw["empty_value"] = b.empty_value
        blocks.append(raw)
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "name": t.name}
    if t.title:
        out["title"] = dict(t.title)
    out["unit"] = t.unit
    out["page"] = {"width": _num(t.page_size[0]), "height": _num(t.page_size[1])}
    out["bubble"] = _bubble_json(*default)
    out["registration"] = _registration_json(t)
    out["blocks"] = blocks
    if t.joins:
        out["joins"] = {k: compress_labels(v) for k, v in t.joins.items()}
    if t.student_id is not None:
        out["student_id"] = t.student_id
    if t.preprocess:
        out["preprocess"] = [{"name": p.name, "options": dict(p.options)} for p in t.preprocess]
    return out
