"""Find and load a template from a path or a bundled template's name.

:func:`load_template` accepts a native ``.json``, an OMRChecker ``template.json``
(recognised by ``pageDimensions``/``fieldBlocks``), a server layout JSON (the
``questions`` list the academy server sends its OMR worker, or the v1 engine's
list of ROIs), a folder holding a ``template.json``, or the name of a bundled
template in ``resources/templates/<name>.json``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Literal

from academy_desktop.engine.template.model import Template
from academy_desktop.engine.template.native import FORMAT, parse_native, read_json
from academy_desktop.engine.template.validation import Issue, TemplateError, resource

TemplateKind = Literal["native", "omrchecker", "server"]


def bundled_dir() -> Path:
    return resource("templates")


def bundled_names() -> list[str]:
    """Names of the templates shipped with the program (``resources/templates/*.json``)."""
    folder = bundled_dir()
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def detect_kind(data: Any) -> TemplateKind | None:
    """Which reader understands ``data`` (parsed JSON), or ``None``."""
    if isinstance(data, dict):
        if data.get("format") == FORMAT:
            return "native"
        if "pageDimensions" in data or "fieldBlocks" in data:
            return "omrchecker"
        if isinstance(data.get("questions"), list):
            return "server"
    if isinstance(data, list) and all(isinstance(x, dict) and "roi" in x for x in data):
        return "server"
    return None


def template_from_data(data: Any, *, path: Path | None = None) -> Template:
    """Build a template from parsed JSON of any supported kind."""
    kind = detect_kind(data)
    if kind == "native":
        return parse_native(data, path=path)
    if kind == "omrchecker":
        from academy_desktop.engine.template.omrchecker import parse_omrchecker

        return parse_omrchecker(data, path=path)
    if kind == "server":
        from academy_desktop.engine.template.server import parse_server_layout

        return parse_server_layout(data, path=path).template
    raise TemplateError(
        Issue(
            "",
            "알 수 없는 양식 파일입니다. Academy Desktop 양식(format: academy-omr-template), "
            "OMRChecker template.json, 또는 서버 문항 배치 파일이어야 합니다",
            "unrecognised template file: expected an Academy Desktop template "
            "(format: academy-omr-template), an OMRChecker template.json or a server layout",
        ),
        source=path,
    )


def load_template(path_or_name: str | Path) -> Template:
    """Load a template file (any supported kind), a folder's ``template.json`` or a bundled name."""
    candidate = Path(path_or_name)
    if candidate.is_dir():
        candidate = candidate / "template.json"
    if candidate.is_file():
        return template_from_data(read_json(candidate), path=candidate)
    name = str(path_or_name)
    bundled = bundled_dir() / f"{name}.json"
    if "/" not in name and "\\" not in name and bundled.is_file():
        template = parse_native(read_json(bundled), path=bundled)
        return dataclasses.replace(template, source="bundled")
    known = ", ".join(bundled_names()) or "-"
    raise TemplateError(
        Issue(
            "",
            f"양식을 찾을 수 없습니다: {name} (내장 양식: {known})",
            f"template not found: {name} (bundled templates: {known})",
        )
    )
