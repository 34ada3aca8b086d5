"""``trusted`` and ``evolve``: validation-free construction behaves like the validated kind."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from trdkit._trusted import evolve, trusted
from trdkit.record.vocab import Instrument
from trdkit.scales.result import ScaleResult


class _Sample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    count: int = 0
    tags: list[str] = Field(default_factory=list)
    note: str | None = None


class _Private(BaseModel):
    name: str
    _cache: int = PrivateAttr(default=0)


def _scale(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "instrument": Instrument.phq9,
        "name": "PHQ-9",
        "date": dt.date(2025, 6, 1),
        "items_assessed": True,
        "missing_items": [],
        "loinc": "44261-6",
        "total": 12,
        "band": "moderate",
        "band_label": "Moderate",
        "because": ["PHQ-9 total 12 -> moderate"],
    }
    return base | changes


def test_trusted__equals_validated_model_field_order_and_fields_set() -> None:
    values = _scale()
    built, validated = trusted(ScaleResult, **values), ScaleResult(**values)
    assert built == validated
    assert repr(built.model_dump()) == repr(validated.model_dump())
    assert list(built.__dict__) == list(validated.__dict__)
    assert built.model_fields_set == validated.model_fields_set


def test_trusted__default_factories_give_each_model_its_own_list() -> None:
    first, second = trusted(_Sample, name="a"), trusted(_Sample, name="b")
    assert first.tags == [] and second.tags == []
    assert first.tags is not second.tags


def test_trusted__missing_required_field_is_refused() -> None:
    with pytest.raises(TypeError, match="missing required fields \\['name'\\]"):
        trusted(_Sample, count=1)


def test_trusted__unknown_field_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown fields"):
        trusted(_Sample, name="a", colour="red")


def test_trusted__model_with_private_attributes_is_refused() -> None:
    with pytest.raises(TypeError, match="private attributes"):
        trusted(_Private, name="a")


def test_evolve__equals_model_copy_with_update() -> None:
    result = ScaleResult(**_scale())
    update = {"remission": False, "remission_cutoff": 4, "because": ["x"]}
    fast, slow = evolve(result, update), result.model_copy(update=update)
    assert fast == slow
    assert list(fast.__dict__) == list(slow.__dict__)
    assert fast.model_fields_set == slow.model_fields_set
    assert result.remission is None  # the original is untouched


@settings(max_examples=40, deadline=None)
@given(
    total=st.none() | st.integers(0, 27),
    missing=st.lists(st.integers(1, 9), max_size=3, unique=True),
    prorated=st.booleans(),
    because=st.lists(st.text(max_size=20), max_size=3),
)
def test_trusted__scale_results_round_trip_through_validation(
    total: int | None, missing: list[int], prorated: bool, because: list[str]
) -> None:
    built = trusted(
        ScaleResult,
        **_scale(total=total, missing_items=missing, prorated=prorated, because=because),
    )
    again = ScaleResult.model_validate(built.model_dump())
    assert again == built
    assert repr(again.model_dump()) == repr(built.model_dump())
