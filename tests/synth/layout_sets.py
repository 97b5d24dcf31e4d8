"""Folders of synthetic pages per capture category, with truth, and their scoring.

>>> folder = make_set("omr_circles_phone", 10, Path("sets"), seed=1)
>>> # main.py grade sets/omr_circles_phone --out out  ->  out/results.jsonl
>>> score = score_set(folder, Path("out/results.jsonl"))

A set folder holds the pages, the ``template.json`` they were printed from (in a
sub-folder per layout when the category mixes layouts), ``truth.jsonl`` in the format
of ``shared/real-scans/truth.jsonl`` (``file`` relative to the set folder, ``page``,
``fields``, ``hard``, and ``student_id`` when the layout has an ID grid) and
``capture.jsonl`` (layout, mark style per field, capture parameters: for debugging).

Scoring (:func:`score_set`) follows the real-scans rules: a field is *auto-correct*
when reported ok/blank with the true reading, *flagged* when ambiguous/low_confidence/
error (whatever its reading), a *silent error* when reported ok/blank but wrong, and
*on a rejected page* when its page was not graded.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from . import degrade, layouts, photo

CATEGORIES = (
    "clean",
    "omr_circles_scan",
    "omr_circles_phone",
    "grid_symmetric_scan",
    "rot90",
    "rot180",
    "rot270",
    "dropout_red",
    "low_res",
)
_MIXED = layouts.KINDS
_SINGLE = {
    "omr_circles_scan": "omr_circles",
    "omr_circles_phone": "omr_circles",
    "grid_symmetric_scan": "grid_symmetric",
    "dropout_red": "dropout_red",
}
_TURNS = {"rot90": 1, "rot180": 2, "rot270": 3}  # quarter turns clockwise
TRUTH_FILE = "truth.jsonl"
CAPTURE_FILE = "capture.jsonl"
FLAG = frozenset({"ambiguous", "low_confidence", "error"})


def layouts_of(category: str) -> tuple[str, ...]:
    """The layout kinds a category's pages use (in page order, cycling)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {CATEGORIES}")
    single = _SINGLE.get(category)
    return (single,) if single else _MIXED


def _capture(
    category: str,
    page: np.ndarray,
    template: Path,
    dpi: int,
    i: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, dict[str, float]]:
    """Degrade a rendered page (BGR) like the category's capture; JPEG comes at saving."""
    colour = layouts.load_spec(template).kind == "dropout_red"
    if category == "omr_circles_phone":
        return photo.phone_photo(page, layouts.keep_points(template, dpi), rng, inside=i % 3 == 2)
    img = page if colour else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    if category == "clean":
        return img, {"jpeg_quality": 0.0}
    if category == "omr_circles_scan":
        scan = (300.0, 300.0)
    elif category == "low_res":
        scan = (150.0, 150.0) if i % 2 == 0 else (100.0, 100.0)
    else:
        scan = (200.0, 300.0)
    keep = layouts.keep_points(template, dpi)
    turns = _TURNS.get(category, 0)
    out, _, params = degrade.office(img, dpi, keep, rng, scan_dpi=scan, quarter_turns=turns)
    out = degrade.add_noise(out, params["noise"], rng)
    params["quarter_turns"] = float(turns)
    params["jpeg_quality"] = float(rng.integers(60, 93))
    return out, params


def _write(path: Path, img: np.ndarray, quality: float) -> None:
    if quality > 0:
        ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    else:
        ok, data = cv2.imencode(".png", img)
    if not ok:  # pragma: no cover
        raise RuntimeError(f"encoding {path.name} failed")
    path.write_bytes(data.tobytes())


def page_truth(template: Path, answers: dict[str, str], styles: dict[str, str]) -> dict[str, Any]:
    """``fields``, ``hard`` and (with an ID grid) ``student_id`` of one page's truth line."""
    spec = layouts.load_spec(template)
    fields = {label: answers.get(label, "") for label in spec.fields()}
    hard = {}
    for label, value in fields.items():
        kind = layouts.hard_kind(value, styles.get(label))
        if kind:
            hard[label] = kind
    out: dict[str, Any] = {"fields": fields, "hard": hard}
    if spec.id_labels:
        out["student_id"] = "".join(fields[lab] for lab in spec.id_labels)
    return out


def make_set(category: str, n: int, out_dir: Path, *, seed: int) -> Path:
    """Write ``n`` pages of ``category`` into ``out_dir/<category>/`` with their
    template(s), ``truth.jsonl`` and ``capture.jsonl``; return that folder."""
    kinds = layouts_of(category)
    folder = Path(out_dir) / category
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.rglob("page*.*"):  # pages of an earlier, larger set would be graded
        if re.fullmatch(r"page\d{3,}\.(jpg|png)", old.name):
            old.unlink()
    sub = len(kinds) > 1
    templates = {
        kind: layouts.make_layout(kind, folder / kind if sub else folder, seed=seed)
        for kind in kinds
    }
    salt = zlib.crc32(category.encode())
    truth_lines, capture_lines = [], []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        template = templates[kind]
        page_seed = int(np.random.default_rng([seed, salt, i]).integers(0, 2**31))
        rng = np.random.default_rng([page_seed, 1])
        dpi = 200 if category in ("clean", "low_res") else 300
        answers = layouts.random_answers(template, seed=page_seed)
        page, styles = layouts.render_marked(template, answers, dpi=dpi, seed=page_seed)
        img, params = _capture(category, page, template, dpi, i, rng)
        quality = params.get("jpeg_quality", 0.0)
        name = f"page{i + 1:03d}" + (".jpg" if quality > 0 else ".png")
        path = (template.parent if sub else folder) / name
        _write(path, img, quality)
        rel = path.relative_to(folder).as_posix()
        truth_lines.append({"file": rel, "page": 1, **page_truth(template, answers, styles)})
        capture_lines.append({"file": rel, "layout": kind, "dpi": dpi, "styles": styles,
                              "capture": {k: round(v, 4) for k, v in params.items()}})  # fmt: skip
    for name, lines in ((TRUTH_FILE, truth_lines), (CAPTURE_FILE, capture_lines)):
        text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# ------------------------------------------------------------------------ scoring
def _id_fields(template: Path) -> list[str]:
    """The field labels of ``customLabels["student_id"]``, expanded (no engine code)."""
    data = json.loads(template.read_text(encoding="utf-8"))
    return layouts._expand(list((data.get("customLabels") or {}).get("student_id", [])))


def _nearest_template(image: Path, root: Path) -> Path | None:
    for d in [image.parent, *image.parent.parents]:
        if (d / layouts.TEMPLATE_FILE).is_file():
            return d / layouts.TEMPLATE_FILE
        if d == root:
            break
    return None


@dataclass
class SetScore:
    """Per-category counts (fields are those with a truth; rates in :meth:`row`)."""

    category: str
    pages: int = 0
    graded: int = 0
    fields: int = 0
    read: int = 0  # fields on graded pages
    auto_correct: int = 0
    flagged: int = 0
    flagged_right: int = 0
    silent: int = 0
    on_rejected: int = 0
    clear_read: int = 0  # read fields whose truth is not a double mark
    clear_flagged: int = 0
    id_pages: int = 0
    id_exact: int = 0
    id_flagged: int = 0
    id_wrong: int = 0
    rejections: Counter[str] = field(default_factory=Counter)
    rejected_pages: list[dict[str, Any]] = field(default_factory=list)
    silent_fields: list[dict[str, Any]] = field(default_factory=list)
    hard: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, other: SetScore) -> None:
        for name in ("pages", "graded", "fields", "read", "auto_correct", "flagged",
                     "flagged_right", "silent", "on_rejected", "clear_read", "clear_flagged",
                     "id_pages", "id_exact", "id_flagged", "id_wrong"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejections.update(other.rejections)
        self.rejected_pages += other.rejected_pages
        self.silent_fields += other.silent_fields
        for k, c in other.hard.items():
            self.hard.setdefault(k, Counter()).update(c)

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in vars(self).items() if not isinstance(v, (Counter, dict))}
        out["rejections"] = dict(self.rejections)
        out["hard"] = {k: dict(c) for k, c in self.hard.items()}
        return out

    def row(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100.0 * a / b:.1f} %" if b else "-"

        rej = ", ".join(f"{k} {v}" for k, v in sorted(self.rejections.items())) or "-"
        return (
            f"| {self.category} | {self.pages} | {pct(self.graded, self.pages)} | "
            f"{pct(self.auto_correct, self.fields)} | {pct(self.flagged, self.read)} | "
            f"{pct(self.clear_flagged, self.clear_read)} | "
            f"{pct(self.flagged_right, self.flagged)} | **{self.silent}** | "
            f"{self.id_exact}/{self.id_pages} | {rej} |"
        )


HEADER = (
    "| category | pages | pages graded | auto-correct | review rate | review rate, clear "
    "fields | flagged but right | SILENT errors | student IDs exact | rejections |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)
NOTES = (
    "auto-correct: share of all fields (rejected pages count against it); review rates: "
    "flagged share of the fields on graded pages (clear = every truth but a double mark); "
    "flagged but right: flagged fields whose reading equalled the truth; SILENT: reported "
    "ok/blank but wrong; IDs exact: every ID digit reported unflagged and the number right."
)


def read_results(results: Path, root: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """``results.jsonl`` keyed by (source relative to ``root``, page)."""
    out: dict[tuple[str, int], dict[str, Any]] = {}
    base = os.path.realpath(root)
    for line in Path(results).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            rel = Path(os.path.relpath(os.path.realpath(rec["source"]), base)).as_posix()
            out[(rel, int(rec.get("page", 1)))] = rec
    return out


def score_set(folder: Path, results: Path, category: str | None = None) -> SetScore:
    """Score the grader's ``results.jsonl`` against ``folder/truth.jsonl``."""
    folder = Path(folder)
    sc = SetScore(category or folder.name)
    got_pages = read_results(results, folder) if Path(results).is_file() else {}
    lines = (folder / TRUTH_FILE).read_text(encoding="utf-8").splitlines()
    for truth in map(json.loads, filter(str.strip, lines)):
        file, page = truth["file"], int(truth.get("page", 1))
        rec = got_pages.get((file, page))
        status = "missing" if rec is None else rec.get("status", "ok")
        fields: dict[str, str] = truth["fields"]
        hard: dict[str, str] = truth.get("hard", {})
        sc.pages += 1
        sc.fields += len(fields)
        has_id = "student_id" in truth
        sc.id_pages += has_id
        if status != "ok" or rec is None:
            code = (rec or {}).get("rejection_code") or status
            sc.rejections[str(code)] += 1
            sc.on_rejected += len(fields)
            sc.rejected_pages.append(
                {"file": file, "code": code, "message": (rec or {}).get("message")}
            )
            for label in fields:
                if label in hard:
                    sc.hard.setdefault(hard[label], Counter())["rejected"] += 1
            continue
        sc.graded += 1
        got_fields = rec.get("fields") or {}
        for label, want in fields.items():
            f = got_fields.get(label)
            kind = hard.get(label)
            sc.read += 1
            clear = kind != "multi"
            sc.clear_read += clear
            if f is None:
                outcome, got, st = "silent", None, None
            else:
                got = frozenset(str(v) for v in f.get("detected", []))
                st = f.get("status", "ok")
                if st in FLAG:
                    outcome = "flagged"
                elif got == frozenset(want):
                    outcome = "auto_correct"
                else:
                    outcome = "silent"
            if outcome == "flagged":
                sc.flagged += 1
                sc.clear_flagged += clear
                sc.flagged_right += got == frozenset(want)
            elif outcome == "auto_correct":
                sc.auto_correct += 1
            else:
                sc.silent += 1
                sc.silent_fields.append(
                    {"file": file, "field": label, "truth": want or "blank",
                     "got": "".join(sorted(got)) if got else ("blank" if got is not None else
                                                              "(missing)"),
                     "status": st, "confidence": None if f is None else f.get("confidence"),
                     "hard": kind}
                )  # fmt: skip
            if kind:
                sc.hard.setdefault(kind, Counter())[outcome] += 1
        if has_id:
            template = _nearest_template(folder / file, folder)
            ids = _id_fields(template) if template else []
            parts = [got_fields.get(lab) for lab in ids]
            if not ids or any(p is None for p in parts):
                sc.id_wrong += 1
            elif any(p.get("status") in FLAG for p in parts if p):
                sc.id_flagged += 1
            else:
                read = "".join("".join(str(v) for v in p.get("detected", [])) for p in parts if p)
                if read == truth["student_id"]:
                    sc.id_exact += 1
                else:
                    sc.id_wrong += 1
    return sc


def table(scores: list[SetScore], total: bool = True) -> str:
    """The Markdown table of :meth:`SetScore.row`, with an overall row."""
    rows = [HEADER] + [s.row() for s in scores]
    if total and len(scores) > 1:
        all_ = SetScore("**all**")
        for s in scores:
            all_.add(s)
        rows.append(all_.row())
    return "\n".join(rows)
