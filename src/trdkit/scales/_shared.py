"""What every scorer shares: its rules, the result's common fields, bands, screens, rounding.

Kept private: scorers build on these, the public surface is ``score_scales``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal, NamedTuple

from trdkit.knowledge.instruments import InstrumentSpec, load_instruments
from trdkit.knowledge.scale_scoring import ScaleRules, ScreenRule, load_scale_scoring
from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Instrument

__all__ = [
    "InstrumentContext",
    "band_fields",
    "cite",
    "common_fields",
    "context_for",
    "item_list",
    "missing_item_numbers",
    "round_total",
    "rules_for",
    "screen_by_bounds",
    "spec_for",
]


class InstrumentContext(NamedTuple):
    """What scoring needs of one instrument, looked up once per knowledge load."""

    rules: ScaleRules
    spec: InstrumentSpec
    name: str
    loinc: str | None


@functools.cache
def _contexts() -> Mapping[Instrument, InstrumentContext]:
    # Safe to share: both tables are loaded once (functools.cache), frozen and validated; this
    # only saves the per-call ``.value`` and table look-ups on the scoring hot path.
    scoring, instruments = load_scale_scoring(), load_instruments()
    contexts: dict[Instrument, InstrumentContext] = {}
    for instrument in Instrument:
        if instrument.value not in scoring.instruments:
            continue
        rules, spec = scoring[instrument.value], instruments[instrument.value]
        loinc = rules.codes.result if rules.codes.system == "loinc" else None
        contexts[instrument] = InstrumentContext(rules, spec, spec.name, loinc)
    return contexts


def context_for(instrument: Instrument) -> InstrumentContext:
    """Return the rules, item structure, display name and LOINC code of ``instrument``."""
    return _contexts()[instrument]


def rules_for(instrument: Instrument) -> ScaleRules:
    """Return the scoring rules of ``instrument`` (``scale_scoring.yaml``)."""
    return _contexts()[instrument].rules


def spec_for(instrument: Instrument) -> InstrumentSpec:
    """Return the item structure of ``instrument`` (``instruments.yaml``)."""
    return _contexts()[instrument].spec


def cite(source_key: str) -> str:
    """Return the short citation a ``because`` text ends with, e.g. ``"Kroenke 2001"``."""
    return load_scale_scoring().cite_as[source_key]


def missing_item_numbers(items: list[int | None] | None) -> list[int]:
    """Return the 1-based numbers of unanswered items (empty for a total-only record)."""
    return [i for i, value in enumerate(items or [], start=1) if value is None]


def item_list(numbers: list[int]) -> str:
    """Name 1-based items for a reason text: ``"item 9"`` or ``"items 2, 5"``."""
    joined = ", ".join(map(str, numbers))
    return f"item {joined}" if len(numbers) == 1 else f"items {joined}"


def common_fields(adm: ScaleAdministration) -> dict[str, Any]:
    """Return the result fields every scorer fills the same way.

    Parameters
    ----------
    adm
        The administration being scored.

    Returns
    -------
    dict
        ``instrument``, ``name``, ``date``, ``items_assessed``, ``missing_items`` and ``loinc``.
    """
    context = _contexts()[adm.instrument]
    items = adm.items
    return {
        "instrument": adm.instrument,
        "name": context.name,
        "date": adm.date,
        "items_assessed": bool(items),
        "missing_items": [i for i, v in enumerate(items, start=1) if v is None] if items else [],
        "loinc": context.loinc,
    }


def band_fields(rules: ScaleRules, name: str, total: int | None) -> tuple[dict[str, Any], str]:
    """Return the band fields for ``total`` and the reason, or empty ones without a band.

    Parameters
    ----------
    rules
        The instrument's scoring rules.
    name
        Display name of the instrument.
    total
        The total, or ``None`` when it could not be computed.

    Returns
    -------
    fields, reason
        ``{"band": ..., "band_label": ...}`` (empty when there is no band) and a ``because``
        text (empty string when there is nothing to say).
    """
    if total is None or not rules.bands:
        return {}, ""
    band = rules.band_for(total)
    if band is None:  # the loader guarantees coverage; this guards a hand-built table
        return {}, ""
    reason = f"{name} total {total} -> {band.label.lower()} ({cite(band.source)})"
    return {"band": band.id, "band_label": band.label}, reason


def screen_by_bounds(
    rule: ScreenRule, name: str, lowest: int, highest: int
) -> tuple[bool | None, str]:
    """Decide a total-threshold screen when the total is known to lie in ``[lowest, highest]``.

    With every item answered the two bounds are equal. With missing answers the screen is
    decided only when every possible answer to them gives the same result; otherwise it is
    ``None``, because guessing either way could hide a positive or invent one.

    Parameters
    ----------
    rule
        The screen rule (``min_total``).
    name
        Display name of the instrument.
    lowest, highest
        Bounds on the total (answered items only, and with every missing item at its maximum).

    Returns
    -------
    positive, reason
        The screen result (``None`` when undetermined) and a ``because`` text.
    """
    src = cite(rule.source)
    if lowest >= rule.min_total:
        extra = "" if lowest == highest else " whatever the missing answers"
        return True, f"{name} {lowest} >= {rule.min_total}{extra} -> positive ({src})"
    if highest < rule.min_total:
        extra = "" if lowest == highest else f" even with missing answers at most {highest}"
        return False, f"{name} {lowest} < {rule.min_total}{extra} -> negative ({src})"
    return None, (
        f"{name} between {lowest} and {highest} with missing answers: the cut-off "
        f"{rule.min_total} could go either way -> screen undetermined ({src})"
    )


def round_total(value: Fraction, rounding: Literal["half_up", "half_even"]) -> int:
    """Round a non-negative prorated total to an integer with the table's tie rule.

    Exact arithmetic (``Fraction`` into ``Decimal``) keeps a true tie such as 4.5 from being
    decided by a float representation error.
    """
    mode = ROUND_HALF_UP if rounding == "half_up" else ROUND_HALF_EVEN
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=mode))
