"""The in-memory sheet layout every reader produces and the engine consumes.

Coordinates are in *template units* (``Template.unit``: ``"mm"`` for native
layouts, ``"px"`` for OMRChecker and server layouts), origin at the top-left
corner of the page, x to the right and y down.

A :class:`Block` is a layout as authored (an origin, bubble size and two gaps,
the same idea as OMRChecker's field blocks); :meth:`Block.fields` expands it into
:class:`Field` objects holding one :class:`Bubble` per choice.
"""

from __future__ import annotations

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

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for b in self.blocks for f in b.fields())

    @cached_property
    def field_map(self) -> dict[str, Field]:
        return {f.label: f for f in self.fields}

    @property
    def question_labels(self) -> list[str]:
        """Labels of fields that are graded answers (not joined into an ID or custom label)."""
        joined = {lab for labs in self.joins.values() for lab in labs}
        return [f.label for f in self.fields if f.label not in joined]

    @cached_property
    def bubble_size(self) -> float:
        """Median bubble width, in template units."""
        widths = sorted(b.w for f in self.fields for b in f.bubbles)
        return widths[len(widths) // 2] if widths else 1.0
