"""Form fields named by record paths, and the conversions between form text and record JSON.

Every input of the web app is named by the path of the record field it fills
(``current_episode.onset``, ``items[2]``, ``dose_mg_per_day``): the record's own validation
reports problems by the same paths, so each message lands beside the input it is about without
a mapping table. Text that is not a number is passed on unchanged, so that the record models,
not the web app, say what is allowed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from trdkit.record import FieldIssue

__all__ = [
    "Choice",
    "FieldErrors",
    "FormField",
    "choices_of",
    "convert",
    "delete_path",
    "errors_by_field",
    "flatten",
    "get_path",
    "set_path",
]

Kind = Literal["text", "number", "date", "select", "radio", "tri", "list", "password"]
FieldErrors = dict[str, list[str]]
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_TRI = {"yes": True, "no": False}


@dataclass(frozen=True)
class Choice:
    """One allowed value of a select or radio group and its visible label."""

    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One input: its record path, visible label, widget and the values it allows."""

    name: str
    label: str
    kind: Kind = "text"
    choices: tuple[Choice, ...] = ()
    hint: str = ""
    required: bool = False
    min: float | None = None
    max: float | None = None
    step: str | None = None
    datalist: str | None = None

    @property
    def id(self) -> str:
        """An HTML id derived from the path (``items[2]`` -> ``f-items-2``)."""
        return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")

    @property
    def allowed(self) -> str:
        """The allowed values in words, for hints and error messages."""
        if self.choices:
            return ", ".join(c.label for c in self.choices if c.value)
        if self.min is not None and self.max is not None:
            return f"{self.min:g}-{self.max:g}"
        return ""


def choices_of(enum: type[Enum], *, blank: str | None = None) -> tuple[Choice, ...]:
    """The members of a vocabulary as choices (``no_response`` shown as ``no response``)."""
    head = (Choice("", blank),) if blank is not None else ()
    return head + tuple(Choice(str(m.value), str(m.value).replace("_", " ")) for m in enum)


def _parts(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in _PART.findall(path)]


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` in a nested document, ``None`` when any step is missing."""
    node: Any = doc
    for part in _parts(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
            node = node[part]
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
    return node


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in a nested document, creating dicts and list slots on the way."""
    parts = _parts(path)
    node: Any = doc
    for part, following in itertools.pairwise(parts):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            while len(node) <= part:
                node.append(None)
            if not isinstance(node[part], dict | list):
                node[part] = empty
            node = node[part]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = empty
            node = node[part]
    last = parts[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def delete_path(doc: dict[str, Any], path: str) -> None:
    """Remove the key at ``path`` (a missing step is not an error)."""
    *head, last = _parts(path)
    node: Any = doc
    for part in head:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return
    if isinstance(node, dict) and isinstance(last, str):
        node.pop(last, None)


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text  # the record model rejects it and names the field


def convert(field: FormField, text: str | None) -> Any:
    """The JSON value a field's submitted text stands for (``None``: leave the key out)."""
    raw = (text or "").strip()
    if field.kind == "tri":
        # Anything but yes/no/unknown goes on as text, for the record model to refuse by name.
        return _TRI.get(raw) if raw in (*_TRI, "", "unknown") else raw
    if field.kind == "list":
        return [item.strip() for item in raw.split(",") if item.strip()]
    if not raw:
        return None
    # Scale answers and domain points are offered as choices but are numbers in the record.
    if field.kind == "number" or (field.kind in ("radio", "select") and raw.isdigit()):
        return _number(raw)
    return raw


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def flatten(doc: Mapping[str, Any], fields: Iterable[FormField]) -> dict[str, str]:
    """The form text of each field, read from a stored document (``unknown`` -> blank)."""
    out = {}
    for field in fields:
        value = get_path(doc, field.name)
        out[field.name] = "" if value == "unknown" and field.kind == "tri" else _text(value)
    return out


def errors_by_field(
    issues: Sequence[FieldIssue], known: Iterable[str], prefix: str = ""
) -> tuple[FieldErrors, list[str]]:
    """Messages of each known field, and the others (shown in the page's error summary).

    ``prefix`` is stripped from issue paths first (an entry's problems reported inside a whole
    record, e.g. ``scales[3].``).
    """
    names = set(known)
    by_field: FieldErrors = {}
    general: list[str] = []
    for issue in issues:
        path = issue.path.removeprefix(prefix) if prefix else issue.path
        target = next(
            (n for n in (path, re.sub(r"\[\d+\]$", "", path)) if n in names),
            None,
        )
        if target is None:
            general.append(str(FieldIssue(path, issue.message)))
        else:
            by_field.setdefault(target, []).append(issue.message)
    return by_field, general
