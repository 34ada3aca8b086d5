"""Turning validation failures into messages that name the field and what is allowed.

A clinician who typed ``scales[0].items[2]: 4`` must read *that path* and the allowed answers,
not a traceback. Unknown keys get a close-match suggestion, because a misspelt key must never
silently change a clinical conclusion.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from trdkit.record._types import PathError

__all__ = ["FieldIssue", "RecordError", "format_path", "issues_from_validation"]


@dataclass(frozen=True)
class FieldIssue:
    """One problem in a record: where it is and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class RecordError(ValueError):
    """A patient record was rejected. ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[FieldIssue], source: str | None = None) -> None:
        self.issues = list(issues)
        self.source = source
        where = f"{source}: " if source else ""
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"{where}invalid patient record ({len(self.issues)} problem(s)):\n{lines}")


def format_path(loc: Sequence[str | int]) -> str:
    """Render a location tuple as ``scales[0].items[2]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that holds the keys at ``loc`` (for suggesting field names)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = next((f for name, f in model.model_fields.items() if part in (name, f.alias)), None)
        if field is None:
            return None
        model = _model_in(field.annotation)
    return model


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _clean_loc(loc: Sequence[str | int]) -> list[str | int]:
    # pydantic inserts validator/union tags (e.g. 'function-after[...]', 'bool') into locations.
    return [p for p in loc if isinstance(p, int) or ("[" not in p and p not in _TAGS)]


_TAGS = {"bool", "int", "str", "float", "list[nullable[int]]", "nullable[int]", "literal"}


def _issue(err: ErrorDetails, root: type[BaseModel]) -> FieldIssue:
    loc = _clean_loc(err["loc"])
    ctx = err.get("ctx") or {}
    exc = ctx.get("error")
    if isinstance(exc, PathError):
        return FieldIssue(format_path([*loc, *exc.subpath]), str(exc))
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        model = _model_at(root, loc[:-1])
        allowed = _field_names(model) if model else []
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return FieldIssue(
            format_path(loc), f"unknown key '{key}'{hint} (allowed keys: {', '.join(allowed)})"
        )
    msg = err["msg"]
    if isinstance(exc, ValueError):
        msg = str(exc)
    elif msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    if kind not in ("missing",) and "input" in err and not isinstance(err["input"], dict | list):
        msg = f"{msg} (got {err['input']!r})"
    return FieldIssue(format_path(loc), msg)


def issues_from_validation(exc: ValidationError, root: type[BaseModel]) -> list[FieldIssue]:
    """Convert a pydantic ``ValidationError`` on ``root`` into field issues."""
    return [_issue(err, root) for err in exc.errors(include_url=False)]
