"""Bipolarity Index: the sum of five clinician-rated domains, with the >= 50 threshold noted.

Each domain (episode characteristics, age at onset, course, response to treatment, family
history) takes the highest qualifying value of 0, 2, 5, 10, 15 or 20; the record validates the
values. The total runs from 0 to 100; 50 or more is reported as ``positive`` (the threshold
behind the ``bipolarity_risk`` flag), with its source from ``scale_scoring.yaml``.
"""

from __future__ import annotations

from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Instrument
from trdkit.scales._shared import common_fields, rules_for, screen_by_bounds, spec_for
from trdkit.scales.result import ScaleResult

__all__ = ["score_bipolarity_index"]


def score_bipolarity_index(adm: ScaleAdministration) -> ScaleResult:
    """Score a Bipolarity Index administration.

    Parameters
    ----------
    adm
        A ``bipolarity_index`` administration with its five ``domains``.

    Returns
    -------
    ScaleResult
        The total, ``positive`` (total at or above the threshold) and reasons listing the
        domain points.

    References
    ----------
    Aiken CB, Weisler RH, Sachs GS. The Bipolarity Index: a clinician-rated measure of
    diagnostic confidence. J Affect Disord. 2015;177:59-64.
    """
    rules, name = rules_for(Instrument.bipolarity_index), spec_for(Instrument.bipolarity_index).name
    if adm.domains is None:  # the record requires the domains; kept for a total-free result
        why = f"{name}: domains not recorded -> total not computed"
        return ScaleResult(**common_fields(adm), valid=False, because=[why])
    points = adm.domains.model_dump()
    total = sum(points.values())
    parts = " + ".join(f"{domain.replace('_', ' ')} {value}" for domain, value in points.items())
    because = [f"{name} total {total} = {parts}"]
    positive = None
    if rules.screen is not None:
        positive, why = screen_by_bounds(rules.screen, name, total, total)
        because.append(why)
    # The five domain ratings are this instrument's item-level answers.
    fields = {**common_fields(adm), "items_assessed": True}
    return ScaleResult(**fields, total=total, positive=positive, because=because)
