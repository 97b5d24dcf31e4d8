"""Filled-in synthetic answer sheets with exact ground truth.

:func:`make_sheet` renders a template (``academy_desktop.engine.render``), has a
simulated student fill it in - mostly clean sign-pen marks, plus the realistic
mistakes listed in :data:`MARK_KINDS` - and degrades the result like a scanner
or a phone camera would (:data:`CATEGORIES`). Everything is driven by one
``numpy.random.default_rng(seed)``, so a seed always gives the same pixels.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from academy_desktop.engine.render import render_sheet, template_to_px
from academy_desktop.engine.template.model import Field, Template

from . import degrade, marks

MARK_KINDS = ("full", "partial", "light_pencil", "check", "x", "erased", "stray", "double", "blank")
CATEGORIES = ("clean", "office", "upside_down", "dark", "light", "phone", "low_res")

# What an office batch of real cards looks like, per answer field (ID digits are always "full"):
# most students fill with a sign pen; a few fill only part of the bubble, use a light pencil,
# tick or cross instead of filling, erase and re-mark (the erased smudge is not an answer),
# leave a stray dot next to their real answer, mark two choices, or skip the question.
OFFICE_MIX: dict[str, float] = {
    "full": 0.80,
    "partial": 0.06,
    "light_pencil": 0.03,
    "check": 0.01,
    "x": 0.01,
    "erased": 0.03,
    "stray": 0.02,
    "double": 0.01,
    "blank": 0.03,
}

_NEEDS_TWO = {"erased", "stray", "double"}


@dataclass
class SheetTruth:
    """What the simulated student meant, and where the page ended up in the image."""

    answers: dict[str, list[str]]  # label -> intended values ([] = blank), in bubble order
    kinds: dict[str, str]  # label -> mark kind used for that field
    student_id: str  # the digits marked in the ID grid ("" when the template has none)
    category: str
    # 3x3 homography from template px (template units * template_to_px(t, dpi); pixel
    # centres on integers) to output image px
    transform: np.ndarray
    dpi: float = 200.0  # the dpi that defines "template px"
    params: dict[str, float] = field(default_factory=dict)  # degradation parameters drawn

    def to_json(self) -> dict[str, object]:
        return {
            "answers": self.answers,
            "kinds": self.kinds,
            "student_id": self.student_id,
            "category": self.category,
            "transform": np.asarray(self.transform).tolist(),
            "dpi": self.dpi,
        }


_BLANKS: OrderedDict[tuple[int, str, float, bool], tuple[Template, np.ndarray]] = OrderedDict()


def blank_sheet(t: Template, dpi: float, color: bool) -> np.ndarray:
    """The rendered empty sheet, cached (a few templates x dpi), as a fresh copy."""
    key = (id(t), t.name, float(dpi), color)
    hit = _BLANKS.get(key)
    if hit is None or hit[0] is not t:
        hit = (t, render_sheet(t, dpi, color=color))
        _BLANKS[key] = hit
        while len(_BLANKS) > 8:
            _BLANKS.popitem(last=False)
    _BLANKS.move_to_end(key)
    return hit[1].copy()


def _weights(mix: Mapping[str, float] | None) -> np.ndarray:
    mix = OFFICE_MIX if mix is None else mix
    unknown = set(mix) - set(MARK_KINDS)
    if unknown:
        raise ValueError(f"unknown mark kinds: {sorted(unknown)}")
    w = np.array([max(0.0, float(mix.get(k, 0.0))) for k in MARK_KINDS])
    if w.sum() <= 0:
        raise ValueError("the mix gives every mark kind a zero weight")
    return w / w.sum()


def _id_labels(t: Template) -> list[str]:
    if t.student_id is None:
        return []
    if t.student_id in t.joins:
        return list(t.joins[t.student_id])
    return [t.student_id] if t.student_id in t.field_map else []


def _box(f: Field, i: int, k: float) -> marks.Box:
    b = f.bubbles[i]
    return (b.x * k, b.y * k, (b.x + b.w) * k, (b.y + b.h) * k)


def _stray_point(f: Field, avoid: int, k: float, rng: np.random.Generator) -> tuple[float, float]:
    """Inside another bubble of the field, or in the gap beside one of its bubbles."""
    others = [i for i in range(len(f.bubbles)) if i != avoid]
    b = f.bubbles[int(rng.choice(others))]
    if rng.random() < 0.5:
        return (b.cx + rng.uniform(-0.3, 0.3) * b.w) * k, (b.cy + rng.uniform(-0.3, 0.3) * b.h) * k
    side = rng.choice([-1.0, 1.0])
    if len(f.bubbles) > 1 and abs(f.bubbles[1].x - f.bubbles[0].x) > abs(
        f.bubbles[1].y - f.bubbles[0].y
    ):
        return (b.cx + side * (b.w / 2 + 0.8)) * k, (b.cy + rng.uniform(-0.3, 0.3) * b.h) * k
    return (b.cx + rng.uniform(-0.3, 0.3) * b.w) * k, (b.cy + side * (b.h / 2 + 0.8)) * k


def fill_field(
    img: np.ndarray,
    f: Field,
    kind: str,
    rng: np.random.Generator,
    k: float,
    mm: float,
    want: str | None = None,
) -> list[str]:
    """Draw one field's marks of ``kind``; return the values the student intended.

    ``want`` is the value to mark (a random one when ``None`` or not a choice).
    """
    n = len(f.bubbles)
    if kind == "blank" or n == 0:
        return []
    pick = int(rng.integers(0, n))
    if want is not None and want in f.values:
        pick = f.values.index(want)
    if kind == "full":
        marks.fill(img, _box(f, pick, k), rng, mm)
    elif kind == "partial":
        marks.partial(img, _box(f, pick, k), rng, mm)
    elif kind == "light_pencil":
        marks.pencil(img, _box(f, pick, k), rng, mm)
    elif kind in ("check", "x"):
        marks.tick(img, _box(f, pick, k), rng, mm, kind)
    elif kind == "erased":
        wrong = int(rng.choice([i for i in range(n) if i != pick]))
        marks.erased(img, _box(f, wrong, k), rng, mm)
        marks.fill(img, _box(f, pick, k), rng, mm)
    elif kind == "stray":
        marks.fill(img, _box(f, pick, k), rng, mm)
        marks.stray(img, _stray_point(f, pick, k, rng), rng, mm)
    elif kind == "double":
        second = int(rng.choice([i for i in range(n) if i != pick]))
        for i in (pick, second):
            marks.fill(img, _box(f, i, k), rng, mm)
        return [f.bubbles[i].value for i in sorted((pick, second))]
    else:
        raise ValueError(f"unknown mark kind {kind!r}")
    return [f.bubbles[pick].value]


def keep_points(t: Template, k: float, mm: float) -> np.ndarray:
    """Sheet px points a scan must keep inside the image: the marks with a 1.5 mm margin."""
    pad = 1.5 * mm
    pts: list[tuple[float, float]] = []
    if t.alignment.method == "markers" and t.alignment.markers:
        for m in t.alignment.markers:
            half = m.size / 2 * k + pad
            cx, cy = m.cx * k, m.cy * k
            pts += [
                (cx - half, cy - half),
                (cx + half, cy - half),
                (cx + half, cy + half),
                (cx - half, cy + half),
            ]
    else:
        for b in t.blocks:
            x, y, w, h = b.bounds()
            pts += [(x * k - pad, y * k - pad), ((x + w) * k + pad, (y + h) * k + pad)]
    return np.array(pts, np.float64)


def make_sheet(
    t: Template,
    seed: int,
    category: str,
    *,
    dpi: int = 200,
    mix: Mapping[str, float] | None = None,
    scan_dpi: float | tuple[float, float] | None = None,
    key: Mapping[str, str] | None = None,
    key_rate: float = 0.8,
    student_id: str | None = None,
) -> tuple[np.ndarray, SheetTruth]:
    """A filled, degraded sheet (grey uint8; BGR for ``phone``) and its ground truth.

    ``mix`` weighs :data:`MARK_KINDS` per answer field (default :data:`OFFICE_MIX`).
    ``scan_dpi`` overrides the resolution range of the scan categories (office:
    150-300 dpi, low_res: 90-110); a single number fixes it. With an answer
    ``key`` (label -> value) the student picks the key's value with probability
    ``key_rate`` (else any value); ``student_id`` fixes the digits of the ID grid.
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {CATEGORIES}")
    weights = _weights(mix)
    rng = np.random.default_rng(seed)
    k = template_to_px(t, dpi)
    mm = dpi / 25.4
    img = blank_sheet(t, dpi, color=category == "phone")
    id_order = _id_labels(t)
    wanted: dict[str, str] = {}
    if student_id is not None:
        if len(student_id) != len(id_order):
            raise ValueError(f"student_id needs {len(id_order)} digits, got {student_id!r}")
        wanted = dict(zip(id_order, student_id, strict=True))
    answers: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for f in t.fields:
        want = wanted.get(f.label)
        if f.label in id_order:
            kind = "full"
        else:
            kind = str(rng.choice(MARK_KINDS, p=weights))
            if kind in _NEEDS_TWO and len(f.bubbles) < 2:
                kind = "full"
            if key is not None and rng.random() < key_rate:
                want = key.get(f.label)
        kinds[f.label] = kind
        answers[f.label] = fill_field(img, f, kind, rng, k, mm, want)
    marked_id = "".join(answers[lab][0] if answers[lab] else "" for lab in id_order)
    out, transform, params = _degrade(img, t, category, dpi, k, mm, rng, scan_dpi)
    truth = SheetTruth(answers, kinds, marked_id, category, transform, float(dpi), params)
    return out, truth


def _degrade(
    img: np.ndarray,
    t: Template,
    category: str,
    dpi: float,
    k: float,
    mm: float,
    rng: np.random.Generator,
    scan_dpi: float | tuple[float, float] | None,
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    if category == "clean":
        return img, np.eye(3), {}
    if category == "phone":
        return degrade.phone(img, rng)
    keep = keep_points(t, k, mm)
    default = (90.0, 110.0) if category == "low_res" else (150.0, 300.0)
    if scan_dpi is None:
        dpi_range = default
    elif isinstance(scan_dpi, tuple):
        dpi_range = (float(scan_dpi[0]), float(scan_dpi[1]))
    else:
        dpi_range = (float(scan_dpi), float(scan_dpi))
    turns = 0
    if category == "upside_down":
        turns = 2 if rng.random() < 0.75 else int(rng.choice([1, 3]))
    out, transform, params = degrade.office(
        img, dpi, keep, rng, scan_dpi=dpi_range, quarter_turns=turns
    )
    if category == "dark":
        out = degrade.darken(out, rng)
    elif category == "light":
        out = degrade.wash_out(out, rng)
    params["quarter_turns"] = float(turns)
    return degrade.finish_scan(out, params, rng), transform, params
