"""Shared field types of the record: tri-state booleans and ``unknown``-able numbers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, StrictBool, WithJsonSchema

__all__ = ["PathError", "Tri", "unknown_to_none"]


class PathError(ValueError):
    """A validation error that points below the field being validated.

    ``subpath`` is appended to pydantic's location when the error is shown, so that an error
    found by a model-level check still names the exact field, e.g. ``scales[0].items[2]``.
    """

    def __init__(self, subpath: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.subpath = subpath


def unknown_to_none(value: Any) -> Any:
    """Map the record's literal ``unknown`` to ``None`` (missing data is never assumed false)."""
    if isinstance(value, str) and value.strip().lower() == "unknown":
        return None
    return value


def _none_to_unknown(value: Any) -> Any:
    return "unknown" if value is None else value


Tri = Annotated[
    StrictBool | None,
    BeforeValidator(unknown_to_none),
    PlainSerializer(_none_to_unknown),
    WithJsonSchema({"anyOf": [{"type": "boolean"}, {"const": "unknown"}]}),
]
"""``true``, ``false`` or ``unknown`` (stored as ``None``)."""
