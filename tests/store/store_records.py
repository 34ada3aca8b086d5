"""Records for the storage and API tests: the examples, dated so every date is in the past."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from trdkit.record import parse_record_text

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def example_data(name: str = "trd-with-genotypes") -> dict[str, Any]:
    """An example record as parsed data (a fresh copy each call)."""
    path = next(p for p in EXAMPLES if p.stem == name)
    data = parse_record_text(path.read_text(encoding="utf-8"), str(path))
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def phq9(date: str, items: list[int | None] | None = None) -> dict[str, Any]:
    """One PHQ-9 administration."""
    return {"instrument": "phq9", "date": date, "items": items or [1, 1, 1, 1, 1, 1, 1, 1, 0]}
