"""The validation of the seed's ``SubmissionCreateSerializer`` (seed 000,
``serializers/submission.py``) as Django REST framework runs it.

Field level first, every field, in the serializer's field order: ``enrollment_id``
(``PositiveIntegerField(null=True, blank=True)``), ``target_type`` and ``source`` (choice
fields), ``target_id`` (``PositiveIntegerField()``), ``file`` (``FileField(required=False)``)
and ``payload`` (``JSONField(null=True, blank=True)``). Only when every field is valid does
``validate()`` run its three rules, and the first that fails is the only error:

- ``target_type`` exam/homework without a (truthy) ``enrollment_id``
  -> ``{"enrollment_id": ["required"]}``
- source omr_scan/homework_image/homework_video without a file -> ``{"file": ["file required"]}``
- source online without a (truthy) payload -> ``{"payload": ["required"]}``

HTML form input (multipart, urlencoded) follows DRF's form rules: an omitted field is
"not given", an empty string is null for a nullable field, and ``payload`` is a JSON
string to decode. JSON input keeps its JSON types.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TARGET_TYPES = ("exam", "homework")
SOURCES = ("omr_scan", "omr_manual", "online", "homework_image", "homework_video", "ai_match")
FILE_SOURCES = ("omr_scan", "homework_image", "homework_video")
STATUSES = ("submitted", "dispatched", "extracting", "answers_ready", "grading", "done", "failed")
POSITIVE_INT_MAX = 2147483647  # Django's PositiveIntegerField range on PostgreSQL

REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
INVALID_INT = "A valid integer is required."
INT_TOO_LONG = "String value too large."
INVALID_JSON = "Value must be valid JSON."
NOT_A_FILE = "The submitted data was not a file. Check the encoding type on the form."
FILE_NO_NAME = "No filename could be determined."
FILE_EMPTY = "The submitted file is empty."
NOT_A_DICT = "Invalid data. Expected a dictionary, but got {type}."

_DECIMAL_ZEROS = re.compile(r"\.0*\s*$")


class _Missing:
    """DRF's ``empty``: the field was not given at all."""


MISSING = _Missing()


@dataclass
class UploadedFile:
    """A file part as the server received it (streamed to ``path``, hashed on the way)."""

    name: str
    content_type: str
    size: int
    sha256: str
    path: str


class _FieldError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _html_value(data: Mapping[str, Any], name: str, *, allow_null: bool, required: bool) -> Any:
    """DRF ``Field.get_value`` for form input."""
    if name not in data:
        return MISSING
    value = data[name]
    if value == "" and allow_null:
        return None
    if value == "" and not required:
        return MISSING
    return value


def _integer(value: Any) -> int:
    if isinstance(value, str) and len(value) > 1000:
        raise _FieldError(INT_TOO_LONG)
    try:
        number = int(_DECIMAL_ZEROS.sub("", str(value)))
    except (TypeError, ValueError):
        raise _FieldError(INVALID_INT) from None
    if number < 0:
        raise _FieldError("Ensure this value is greater than or equal to 0.")
    if number > POSITIVE_INT_MAX:
        raise _FieldError(f"Ensure this value is less than or equal to {POSITIVE_INT_MAX}.")
    return number


def _choice(value: Any, choices: tuple[str, ...]) -> str:
    text = str(value)
    if text not in choices:
        raise _FieldError(f'"{value}" is not a valid choice.')
    return text


def _file(value: Any) -> UploadedFile:
    if not isinstance(value, UploadedFile):
        raise _FieldError(NOT_A_FILE)
    if not value.name:
        raise _FieldError(FILE_NO_NAME)
    if not value.size:
        raise _FieldError(FILE_EMPTY)
    return value


def _json(value: Any, *, from_form: bool) -> Any:
    if from_form:
        text = value.name if isinstance(value, UploadedFile) else str(value)
        try:
            return json.loads(text)
        except ValueError:
            raise _FieldError(INVALID_JSON) from None
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        raise _FieldError(INVALID_JSON) from None
    return value


def validate_create(data: Any, *, form: bool) -> tuple[dict[str, Any], dict[str, list[str]] | None]:
    """``(validated, errors)``: errors is DRF's 400 body, or None when the data is valid.

    ``data`` maps field names to values: strings and :class:`UploadedFile` for form input
    (``form=True``), JSON values for a JSON body.
    """
    if not isinstance(data, Mapping):
        kind = {list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(
            type(data), type(data).__name__
        )
        return {}, {"non_field_errors": [NOT_A_DICT.format(type=kind)]}

    # (name, required, allow_null), in the serializer's field order
    fields: list[tuple[str, bool, bool]] = [
        ("enrollment_id", False, True),
        ("target_type", True, False),
        ("target_id", True, False),
        ("source", True, False),
        ("file", False, False),
        ("payload", False, True),
    ]
    validated: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, required, allow_null in fields:
        if name == "payload" and form:
            value = data.get(name, MISSING)  # JSONField.get_value: no form rules
        elif form:
            value = _html_value(data, name, allow_null=allow_null, required=required)
        else:
            value = data.get(name, MISSING)
        if value is MISSING:
            if required:
                errors[name] = [REQUIRED]
            continue
        if value is None:
            if allow_null:
                validated[name] = None
            else:
                errors[name] = [NOT_NULL]
            continue
        try:
            if name in ("enrollment_id", "target_id"):
                validated[name] = _integer(value)
            elif name == "target_type":
                validated[name] = _choice(value, TARGET_TYPES)
            elif name == "source":
                validated[name] = _choice(value, SOURCES)
            elif name == "file":
                validated[name] = _file(value)
            else:
                validated[name] = _json(value, from_form=form)
        except _FieldError as exc:
            errors[name] = [exc.message]
    if errors:
        return {}, errors

    # SubmissionCreateSerializer.validate(): the first rule that fails is the only error.
    source = validated.get("source")
    if validated.get("target_type") in TARGET_TYPES and not validated.get("enrollment_id"):
        return {}, {"enrollment_id": ["required"]}
    if source in FILE_SOURCES and not validated.get("file"):
        return {}, {"file": ["file required"]}
    if source == "online" and not validated.get("payload"):
        return {}, {"payload": ["required"]}
    return validated, None
