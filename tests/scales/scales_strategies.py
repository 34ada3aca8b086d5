"""Hypothesis strategies and builders for valid ``ScaleAdministration`` objects.

Every object is built through ``ScaleAdministration.model_validate`` so the record's own checks
(item count, per-item range, total range) hold for everything the tests generate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from trdkit.knowledge.instruments import load_instruments
from trdkit.record.scale_models import ScaleAdministration

DAY = dt.date(2025, 6, 1)
DATES = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31))
DOMAIN_POINTS = st.sampled_from([0, 2, 5, 10, 15, 20])


def make(instrument: str, date: dt.date = DAY, **fields: Any) -> ScaleAdministration:
    """Build one validated administration."""
    return ScaleAdministration.model_validate({"instrument": instrument, "date": date, **fields})


def item_max(instrument: str) -> tuple[int, ...]:
    """Return the highest answer of each item of ``instrument``."""
    return load_instruments()[instrument].item_max


@st.composite
def item_answers(
    draw: st.DrawFn, instrument: str, min_missing: int = 0, max_missing: int | None = 0
) -> list[int | None]:
    """Draw in-range answers with between ``min_missing`` and ``max_missing`` left as None."""
    tops = item_max(instrument)
    values: list[int | None] = [draw(st.integers(0, top)) for top in tops]
    upper = len(tops) if max_missing is None else min(max_missing, len(tops))
    gaps = draw(st.sets(st.integers(0, len(tops) - 1), min_size=min_missing, max_size=upper))
    return [None if i in gaps else v for i, v in enumerate(values)]


@st.composite
def item_administrations(
    draw: st.DrawFn, instrument: str, min_missing: int = 0, max_missing: int | None = 0
) -> ScaleAdministration:
    """Draw an item-level administration of ``instrument`` (with its extra fields if any)."""
    extra: dict[str, Any] = {}
    if instrument == "mdq":
        extra["same_period"] = draw(st.none() | st.booleans())
        extra["problem"] = draw(
            st.none() | st.sampled_from(["none", "minor", "moderate", "serious"])
        )
    if instrument == "cssrs_screener":
        extra["behaviour_past_3_months"] = draw(st.none() | st.booleans())
    items = draw(item_answers(instrument, min_missing, max_missing))
    return make(instrument, draw(DATES), items=items, **extra)


@st.composite
def total_administrations(draw: st.DrawFn, instrument: str) -> ScaleAdministration:
    """Draw a total-only administration with a total anywhere in the instrument's range."""
    spec = load_instruments()[instrument]
    assert spec.total_min is not None and spec.total_max is not None
    total = draw(st.integers(spec.total_min, spec.total_max))
    return make(instrument, draw(DATES), total=total)


@st.composite
def bipolarity_administrations(draw: st.DrawFn) -> ScaleAdministration:
    """Draw a Bipolarity Index administration with any allowed domain points."""
    names = ("episode", "age_at_onset", "course", "response", "family_history")
    domains = {name: draw(DOMAIN_POINTS) for name in names}
    return make("bipolarity_index", draw(DATES), domains=domains)
