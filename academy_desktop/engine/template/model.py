"""The in-memory sheet layout every reader produces and the engine consumes.

Coordinates are in *template units* (``Template.unit``: ``"mm"`` for native
layouts, ``"px"`` for OMRChecker and server layouts), origin at the top-left
corner of the page, x to the right and y down.

A :class:`Block` is a layout as authored (an origin, bubble size and two gaps,
the same idea as OMRChecker's field blocks); :meth:`Block.fields` expands it into
:class:`Field` objects holding one :class:`Bubble` per choice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

Direction = Literal["horizontal", "vertical"]
FieldKind = Literal["mcq", "digit", "custom"]
AlignMethod = Literal["markers", "page", "marker_image", "features", "none"]


@dataclass(frozen=True)
class Bubble:
    value: str
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2.0

    @property
    def cy(self) -> float:
        return self.y + self.h / 2.0


@dataclass(frozen=True)
class Field:
    """One answer: a question, one digit of an ID, or one custom field."""

    label: str
    kind: FieldKind
    block: str
    bubbles: tuple[Bubble, ...]
    multiple: bool = False  # several marks are a valid answer ("choose all that apply")
    empty_value: str = ""

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(b.value for b in self.bubbles)


@dataclass(frozen=True)
class Block:
    """A rectangular group of fields laid out on a regular grid.

    ``direction`` is the way one field's bubbles run: ``horizontal`` for a
    multiple-choice row (choices left to right, questions stacked downwards),
    ``vertical`` for a digit column (0-9 downwards, digits side by side).
    ``bubbles_gap`` is the step between the top-left corners of neighbouring
    bubbles of a field, ``labels_gap`` the step between neighbouring fields.
    """

    name: str
    kind: FieldKind
    labels: tuple[str, ...]
    values: tuple[str, ...]
    direction: Direction
    origin: tuple[float, float]
    bubble_size: tuple[float, float]
    bubbles_gap: float
    labels_gap: float
    shape: Literal["ellipse", "rect"] = "ellipse"
    multiple: bool = False
    empty_value: str = ""

    def fields(self) -> list[Field]:
        bw, bh = self.bubble_size
        ox, oy = self.origin
        out: list[Field] = []
        for i, label in enumerate(self.labels):
            bubbles = []
            for j, value in enumerate(self.values):
                if self.direction == "horizontal":
                    x, y = ox + j * self.bubbles_gap, oy + i * self.labels_gap
                else:
                    x, y = ox + i * self.labels_gap, oy + j * self.bubbles_gap
                bubbles.append(Bubble(value, x, y, bw, bh))
            out.append(
                Field(
                    label=label,
                    kind=self.kind,
                    block=self.name,
                    bubbles=tuple(bubbles),
                    multiple=self.multiple,
                    empty_value=self.empty_value,
                )
            )
        return out

    def bounds(self) -> tuple[float, float, float, float]:
        """``(x, y, w, h)`` of the block's bubbles."""
        bubbles = [b for f in self.fields() for b in f.bubbles]
        x0 = min(b.x for b in bubbles)
        y0 = min(b.y for b in bubbles)
        x1 = max(b.x + b.w for b in bubbles)
        y1 = max(b.y + b.h for b in bubbles)
        return x0, y0, x1 - x0, y1 - y0


@dataclass(frozen=True)
class Marker:
    """A registration mark: a solid dark square centred at ``(cx, cy)``."""

    cx: float
    cy: float
    size: float


@dataclass(frozen=True)
class Alignment:
    """How a scanned page is mapped onto the template.

    * ``markers``: four solid square registration marks (native layouts).
    * ``page``: the outline of the paper (OMRChecker ``CropPage``).
    * ``marker_image``: four copies of a marker image, found by template matching;
      the template's page spans the markers' centres (OMRChecker ``CropOnMarkers``).
    * ``features``: feature matching against ``reference_image``.
    * ``none``: the image already is the page; it is only resized.
    """

    method: AlignMethod = "markers"
    markers: tuple[Marker, ...] = ()
    marker_image: Path | None = None
    marker_width_ratio: float | None = None  # sheet width / marker width
    reference_image: Path | None = None
    # marker_image/features: find the paper outline first (OMRChecker CropPage before the
    # CropOnMarkers or FeatureBasedAlignment step)
    crop_page_first: bool = False


@dataclass(frozen=True)
class Preprocess:
    """An image operation applied after alignment (``GaussianBlur``, ``Levels``)."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Template:
    name: str
    page_size: tuple[float, float]
    blocks: tuple[Block, ...]
    unit: Literal["mm", "px"] = "mm"
    alignment: Alignment = Alignment()
    preprocess: tuple[Preprocess, ...] = ()
    # output label -> the field labels whose values are joined into it (OMRChecker customLabels)
    joins: dict[str, tuple[str, ...]] = field(default_factory=dict)
    student_id: str | None = None  # the join (or field) label that holds the student number
    title: dict[str, str] = field(default_factory=dict)  # {"ko": ..., "en": ...}
    source: str = "native"  # native | bundled | omrchecker | server
    path: Path | None = None  # the file it was read from, for relative resources
    # what was read but ignored (an imported file's unknown keys), for the user to see
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for b in self.blocks for f in b.fields())

    @cached_property
    def field_map(self) -> dict[str, Field]:
        return {f.label: f for f in self.fields}

    def __post_init__(self) -> None:
        # OMRChecker templates cannot say which customLabel is the student number
        if self.student_id is None and self.source == "omrchecker":
            object.__setattr__(self, "student_id", guess_student_id(self.field_map, self.joins))

    @cached_property
    def student_id_labels(self) -> frozenset[str]:
        """The student number's label and the fields it is read from (never questions)."""
        if self.student_id is None:
            return frozenset()
        return frozenset({self.student_id, *self.joins.get(self.student_id, ())})

    @cached_property
    def _questions(self) -> tuple[str, ...]:
        joined = {lab for labs in self.joins.values() for lab in labs}
        plain = [f.label for f in self.fields if f.label not in joined]
        labels = plain + [j for j in self.joins if j not in plain]
        return tuple(lab for lab in labels if lab not in self.student_id_labels)

    @property
    def question_labels(self) -> list[str]:
        """The sheet's questions, the one list every counter, column and statistic uses.

        In order: the fields not joined into a custom label (template order), then the
        joins (OMRChecker ``customLabels``: a multi-digit numeric answer, a question
        printed on two rows). Never the student number nor the fields it is read from,
        and never a field joined into a custom label (the join is the question).
        """
        return list(self._questions)

    def is_question(self, label: str) -> bool:
        """Whether ``label`` is one of :attr:`question_labels`."""
        return label in self._question_set

    @cached_property
    def _question_set(self) -> frozenset[str]:
        return frozenset(self._questions)

    @cached_property
    def bubble_size(self) -> float:
        """Median bubble width, in template units."""
        widths = sorted(b.w for f in self.fields for b in f.bubbles)
        return widths[len(widths) // 2] if widths else 1.0


# What student-number labels are called, compared case-folded without spaces, "_", "-" and
# "." (``Student ID`` = ``student_id``). OMRChecker has no key for "this is the ID"; these
# are the names seen in real templates.
STUDENT_ID_NAMES = frozenset(
    {
        "studentid",
        "studentno",
        "studentnumber",
        "studentnum",
        "stdid",
        "sid",
        "id",
        "idno",
        "idnumber",
        "roll",
        "rollno",
        "rollnumber",
        "rollnum",
        "candidate",
        "candidateid",
        "candidateno",
        "candidatenumber",
        "regno",
        "registrationno",
        "registrationnumber",
        "수험번호",
        "학번",
        "학생번호",
        "응시번호",
        "수험생번호",
    }
)
DIGITS = frozenset("0123456789")
_SEPARATORS = re.compile(r"[\s_.\-]+")
_NUMBERED = re.compile(r"\D*\d+")  # q6, Q10, 21: named like a question


def _normal_name(label: str) -> str:
    return _SEPARATORS.sub("", label).casefold()


def guess_student_id(
    fields: Mapping[str, Field], joins: Mapping[str, tuple[str, ...]]
) -> str | None:
    """The custom label (join) that holds the student number, or ``None``.

    1. A join named like a student number (:data:`STUDENT_ID_NAMES`: ``student_id``,
       ``Roll``, ``id``, ``수험번호``, ...), when exactly one is; its members may be
       anything (OMRChecker's sample joins a medium letter and the roll digits).
    2. Otherwise the one join whose members are all digit grids (the values 0-9 in any
       order) and whose name is not numbered like a question (``q6`` is a two-digit
       numeric answer). Two or more such joins, or none: no student number.
    """
    named = [j for j in joins if _normal_name(j) in STUDENT_ID_NAMES]
    if len(named) == 1:
        return named[0]
    pool = named or [j for j in joins if not _NUMBERED.fullmatch(j.strip())]
    digits = [
        j
        for j in pool
        if joins[j] and all(m in fields and frozenset(fields[m].values) == DIGITS for m in joins[j])
    ]
    return digits[0] if len(digits) == 1 else None
