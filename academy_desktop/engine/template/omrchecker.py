"""Import OMRChecker folders: ``template.json`` and the folder inheritance of its files.

A folder laid out for OMRChecker (github.com/Udayraj123/OMRChecker) grades
unchanged: its ``template.json`` maps onto :class:`Template` (pixel units), its
pre-processors onto :class:`Alignment` and :class:`Preprocess`, and
:func:`find_setup` finds the ``template.json``/``evaluation.json``/``config.json``
that apply to an image folder the way OMRChecker does (a deeper file replaces a
shallower one). ``evaluation.json`` is read by :mod:`academy_desktop.engine.answerkey`.
Keys the schema does not know (``bubbleCount``, newer OMRChecker keys) are ignored and
listed in :attr:`Template.warnings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from academy_desktop.engine.template.model import (
    Alignment,
    Block,
    Direction,
    FieldKind,
    Preprocess,
    Template,
)
from academy_desktop.engine.template.native import read_json
from academy_desktop.engine.template.validation import (
    Issue,
    Naming,
    TemplateError,
    expand_labels_or_report,
    layout_issues,
    schema_issues,
    schema_validator,
)

TEMPLATE_FILE = "template.json"
EVALUATION_FILE = "evaluation.json"
CONFIG_FILE = "config.json"

_DIGITS = tuple(str(n) for n in range(10))
# fieldType -> (values, direction, kind); *_RTL variants list the values right to left
FIELD_TYPES: dict[str, tuple[tuple[str, ...], Direction, FieldKind]] = {
    "QTYPE_INT": (_DIGITS, "vertical", "digit"),
    "QTYPE_INT_FROM_1": ((*_DIGITS[1:], "0"), "vertical", "digit"),
    "QTYPE_MCQ4": (("A", "B", "C", "D"), "horizontal", "mcq"),
    "QTYPE_MCQ5": (("A", "B", "C", "D", "E"), "horizontal", "mcq"),
}
FIELD_TYPES.update({f"{k}_RTL": (v[0][::-1], v[1], v[2]) for k, v in list(FIELD_TYPES.items())})

_FILTERS = {"GaussianBlur", "MedianBlur", "Levels"}
_ALIGNERS = {"CropPage", "CropOnMarkers", "FeatureBasedAlignment"}

SCHEMA_FILE = "omrchecker-template.schema.json"
_NAMING = Naming(
    blocks="fieldBlocks",
    blocks_by_name=True,
    keys={
        "labels": "fieldLabels",
        "bubbles_gap": "bubblesGap",
        "labels_gap": "labelsGap",
        "origin": "origin",
    },
    joins="customLabels",
    page="pageDimensions",
)


def is_omrchecker_template(data: Any) -> bool:
    return isinstance(data, dict) and ("pageDimensions" in data or "fieldBlocks" in data)


def load_omrchecker(path: Path) -> Template:
    """Load an OMRChecker ``template.json``."""
    path = Path(path)
    return parse_omrchecker(read_json(path), path=path)


def _field_type(
    name: str, raw: dict[str, Any], custom: dict[str, Any], issues: list[Issue]
) -> tuple[tuple[str, ...], Direction, FieldKind]:
    where = f"fieldBlocks.{name}"
    ftype = raw.get("fieldType")
    values: tuple[str, ...] = ()
    direction: Direction = "horizontal"
    kind: FieldKind = "custom"
    if ftype is not None:
        if ftype in FIELD_TYPES:
            values, direction, kind = FIELD_TYPES[ftype]
        elif ftype in custom:
            values, direction = tuple(custom[ftype]["bubbleValues"]), custom[ftype]["direction"]
        else:
            known = ", ".join([*FIELD_TYPES, *custom])
            issues.append(
                Issue(
                    f"{where}.fieldType",
                    f"알 수 없는 fieldType '{ftype}'입니다. 가능한 값: {known}",
                    f"unknown fieldType '{ftype}'; use one of {known}",
                )
            )
    if "bubbleValues" in raw:
        values, kind = tuple(raw["bubbleValues"]), "custom"
    if "direction" in raw:
        direction = raw["direction"]
    if ftype is None and ("bubbleValues" not in raw or "direction" not in raw):
        issues.append(
            Issue(
                where,
                "fieldType 또는 bubbleValues와 direction을 함께 적어야 합니다",
                "needs a fieldType, or both bubbleValues and direction",
            )
        )
    return values, direction, kind


def _blocks(data: dict[str, Any], issues: list[Issue]) -> list[Block]:
    default_bubble = tuple(float(v) for v in data["bubbleDimensions"])
    template_empty = data.get("emptyValue", "")
    custom = data.get("customBubbleFieldTypes", {})
    blocks: list[Block] = []
    for name, raw in data["fieldBlocks"].items():
        values, direction, kind = _field_type(name, raw, custom, issues)
        labels = expand_labels_or_report(
            raw["fieldLabels"], f"fieldBlocks.{name}.fieldLabels", issues
        )
        size = tuple(float(v) for v in raw.get("bubbleDimensions", default_bubble))
        gap = raw.get("labelsGap", 0.0)
        common: dict[str, Any] = {
            "kind": kind,
            "values": values,
            "direction": direction,
            "bubble_size": (size[0], size[1]),
            "bubbles_gap": float(raw["bubblesGap"]),
            "empty_value": raw.get("emptyValue", template_empty),
        }
        ox, oy = (float(v) for v in raw["origin"])
        if not isinstance(gap, list):
            blocks.append(
                Block(
                    name=name,
                    labels=tuple(labels),
                    origin=(ox, oy),
                    labels_gap=float(gap),
                    **common,
                )
            )
            continue
        # variable gaps between neighbouring fields: one single-field block per label
        if len(gap) != max(len(labels) - 1, 0):
            issues.append(
                Issue(
                    f"fieldBlocks.{name}.labelsGap",
                    f"간격이 {len(labels) - 1}개(라벨 수 - 1) 있어야 합니다 (현재 {len(gap)}개)",
                    f"needs {len(labels) - 1} gaps (one fewer than the labels); it has {len(gap)}",
                )
            )
            continue
        offset = 0.0
        for k, label in enumerate(labels):
            origin = (ox + offset, oy) if direction == "vertical" else (ox, oy + offset)
            blocks.append(
                Block(
                    name=f"{name}#{k + 1}",
                    labels=(label,),
                    origin=origin,
                    labels_gap=0.0,
                    **common,
                )
            )
            offset += float(gap[k]) if k < len(gap) else 0.0
    return blocks


def _resource(
    options: dict[str, Any], key: str, where: str, path: Path | None, issues: list[Issue]
) -> Path | None:
    rel = options.get(key)
    if not isinstance(rel, str) or not rel:
        issues.append(Issue(f"{where}.options.{key}", "꼭 있어야 합니다", "this key is required"))
        return None
    file = Path(rel)
    if path is not None and not file.is_absolute():
        file = path.parent / file
    if path is not None and not file.is_file():
        issues.append(
            Issue(f"{where}.options.{key}", f"파일이 없습니다: {file}", f"file not found: {file}")
        )
    return file


def _preprocessors(
    items: list[dict[str, Any]], path: Path | None, issues: list[Issue]
) -> tuple[Alignment, tuple[Preprocess, ...]]:
    filters: list[Preprocess] = []
    crop_page_at: int | None = None
    aligner: tuple[int, Alignment] | None = None
    for k, item in enumerate(items):
        name, options = item["name"], dict(item.get("options", {}))
        where = f"preProcessors[{k}]"
        if name in _FILTERS:
            filters.append(Preprocess(name, options))
            continue
        if name not in _ALIGNERS:
            known = ", ".join(sorted(_FILTERS | _ALIGNERS))
            issues.append(
                Issue(
                    f"{where}.name",
                    f"'{name}' 전처리는 지원하지 않습니다. 가능한 값: {known}",
                    f"the pre-processor '{name}' is not supported; use one of {known}",
                )
            )
            continue
        if name == "CropPage":
            crop_page_at = k if crop_page_at is None else crop_page_at
            continue
        if aligner is not None:
            issues.append(
                Issue(
                    f"{where}.name",
                    "CropOnMarkers와 FeatureBasedAlignment는 하나만 쓸 수 있습니다",
                    "only one of CropOnMarkers and FeatureBasedAlignment can be used",
                )
            )
            continue
        if name == "CropOnMarkers":
            ratio = options.get("sheetToMarkerWidthRatio")
            alignment = Alignment(
                method="marker_image",
                marker_image=_resource(options, "relativePath", where, path, issues),
                marker_width_ratio=float(ratio) if ratio is not None else None,
            )
        else:
            alignment = Alignment(
                method="features",
                reference_image=_resource(options, "reference", where, path, issues),
            )
        aligner = (k, alignment)
    if aligner is None:
        return Alignment(method="page" if crop_page_at is not None else "none"), tuple(filters)
    k, alignment = aligner
    crop_first = crop_page_at is not None and crop_page_at < k
    return (
        Alignment(
            method=alignment.method,
            marker_image=alignment.marker_image,
            marker_width_ratio=alignment.marker_width_ratio,
            reference_image=alignment.reference_image,
            crop_page_first=crop_first,
        ),
        tuple(filters),
    )


def _template_name(path: Path | None) -> str:
    if path is None:
        return "omrchecker"
    return path.parent.name if path.stem == "template" and path.parent.name else path.stem


def parse_omrchecker(data: dict[str, Any], *, path: Path | None = None) -> Template:
    """Build a pixel-unit :class:`Template` from a parsed OMRChecker ``template.json``."""
    path = Path(path) if path is not None else None
    issues = schema_issues(data, schema_validator(SCHEMA_FILE))
    # keys of other OMRChecker versions (bubbleCount, ...) are ignored with a warning
    ignored = [
        Issue(i.path, "알 수 없는 항목이라 무시합니다", "unknown key, ignored")
        for i in issues
        if i.unknown_key
    ]
    issues = [i for i in issues if not i.unknown_key]
    if issues:
        raise TemplateError(issues, source=path)
    blocks = _blocks(data, issues)
    alignment, filters = _preprocessors(data.get("preProcessors", []), path, issues)
    joins = {
        name: tuple(expand_labels_or_report(items, f"customLabels.{name}", issues))
        for name, items in data.get("customLabels", {}).items()
    }
    width, height = (float(v) for v in data["pageDimensions"])
    template = Template(
        name=_template_name(path),
        page_size=(width, height),
        blocks=tuple(blocks),
        unit="px",
        alignment=alignment,
        preprocess=filters,
        joins=joins,
        source="omrchecker",
        path=path,
        warnings=tuple(str(i) for i in ignored),
    )
    issues.extend(layout_issues(template, _NAMING))
    if issues:
        raise TemplateError(issues, source=path)
    return template


@dataclass(frozen=True)
class FolderSetup:
    """The OMRChecker files that apply to one folder of images."""

    template_path: Path | None
    evaluation_path: Path | None
    config_path: Path | None


def _nearest(folders: list[Path], name: str) -> Path | None:
    return next((f / name for f in folders if (f / name).is_file()), None)


def find_setup(image_dir: Path, root: Path) -> FolderSetup:
    """Nearest ``template.json``, ``evaluation.json`` and ``config.json`` for ``image_dir``.

    Each file is looked up from ``image_dir`` upwards to ``root`` (inclusive), the
    deepest one winning, as in OMRChecker. When ``root`` holds no template the walk
    goes on up the folder tree until a ``template.json`` is found (so a sub-folder or
    a single image can be graded); the evaluation and config files are then taken
    no higher than the template's folder.
    """
    start = Path(image_dir).resolve()
    if start.is_file():
        start = start.parent
    top = Path(root).resolve()
    if top.is_file():
        top = top.parent
    chain = [start, *start.parents]
    limit = chain.index(top) + 1 if top in chain else 1
    template = _nearest(chain[:limit], TEMPLATE_FILE)
    if template is None:
        template = _nearest(chain, TEMPLATE_FILE)
        if template is not None:
            limit = chain.index(template.parent) + 1
    return FolderSetup(
        template_path=template,
        evaluation_path=_nearest(chain[:limit], EVALUATION_FILE),
        config_path=_nearest(chain[:limit], CONFIG_FILE),
    )


def template_resources(t: Template) -> set[Path]:
    """Marker and reference images a template uses: they are not answer sheets."""
    files = (t.alignment.marker_image, t.alignment.reference_image)
    return {f.resolve() for f in files if f is not None}
