"""Summed instruments: PHQ-9, PHQ-2, GAD-7, HAM-D17, MADRS, HCL-32 and the MDQ.

Each total is the sum of the item answers (or the recorded total). Missing answers follow the
instrument's rule in ``scale_scoring.yaml``:

* ``prorate_mean`` (PHQ-9, GAD-7): up to ``max_missing`` missing items, the total is
  round(mean of the answered items x number of items) and marked prorated; more missing items
  leave the total invalid. Items in ``never_imputed`` (PHQ-9 item 9) keep no value of their own.
* ``count_as_no`` (MDQ part 1): a missing answer counts as "no".
* ``none`` (PHQ-2, HAM-D17, MADRS, HCL-32): any missing answer leaves the total invalid.

Screens are decided from bounds on the total, so a missing answer never flips a screen by guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from trdkit._trusted import trusted
from trdkit.knowledge.instruments import InstrumentSpec
from trdkit.knowledge.scale_scoring import ScaleRules, ScreenRule
from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Instrument
from trdkit.scales._shared import (
    band_fields,
    cite,
    common_fields,
    context_for,
    item_list,
    round_total,
    rules_for,
    screen_by_bounds,
    spec_for,
)
from trdkit.scales.phq9 import phq9_algorithm
from trdkit.scales.result import ScaleResult

__all__ = ["SummedTotal", "score_mdq", "score_phq9", "score_summed", "summed_total"]


@dataclass(frozen=True)
class SummedTotal:
    """A total with what the missing-item rule did to it.

    ``lowest`` and ``highest`` bound the true total: equal when it is known, otherwise the sum
    of the answered items and that sum with every missing item at its maximum.
    """

    total: int | None
    prorated: bool
    lowest: int
    highest: int
    because: list[str] = field(default_factory=list)


def summed_total(adm: ScaleAdministration, rules: ScaleRules, spec: InstrumentSpec) -> SummedTotal:
    """Compute the total of a summed instrument under its missing-item rule.

    Parameters
    ----------
    adm
        The administration (items or a recorded total).
    rules
        The instrument's scoring rules.
    spec
        The instrument's item structure.

    Returns
    -------
    SummedTotal
        The total (``None`` when invalid), whether it was prorated, bounds, and reasons.

    References
    ----------
    Arrieta J, et al. J Clin Psychol. 2017;73(9):1076-1090 (PHQ-9 proration, <= 2 missing);
    Hirschfeld RMA, et al. Am J Psychiatry. 2000;157(11):1873-1875 (MDQ).
    """
    name = spec.name
    if adm.items is None:
        if adm.total is None:  # the record refuses this; a hand-built object must not score 0
            raise ValueError(f"{name} administration has neither items nor total")
        total = adm.total
        return SummedTotal(total, False, total, total, [f"{name} recorded as a total only"])
    if None not in adm.items:  # the usual case: every item answered
        lowest = sum(adm.items)  # type: ignore[arg-type]
        return SummedTotal(lowest, False, lowest, lowest)
    answered = [v for v in adm.items if v is not None]
    missing = [i for i, v in enumerate(adm.items, start=1) if v is None]
    lowest = sum(answered)
    rule = rules.missing
    src = cite(rule.source)
    gaps = item_list(missing)
    if rule.method == "count_as_no":
        why = f"{name}: {gaps} missing, counted as 'no' ({src})"
        return SummedTotal(lowest, False, lowest, lowest, [why])
    highest = lowest + sum(spec.item_max[i - 1] for i in missing)
    if rule.method == "prorate_mean" and answered and len(missing) <= rule.max_missing:
        n = len(adm.items)
        total = round_total(Fraction(lowest * n, len(answered)), rule.rounding)
        mean = lowest / len(answered)
        why = (
            f"{name}: {gaps} missing (at most {rule.max_missing} allowed) -> prorated total "
            f"round({mean:.2f} x {n}) = {total} ({src})"
        )
        return SummedTotal(total, True, lowest, highest, [why])
    if rule.method == "prorate_mean":
        why = (
            f"{name}: {len(missing)} items missing ({gaps}; at most {rule.max_missing} "
            f"may be prorated) -> total not valid ({src})"
        )
    else:
        why = f"{name}: {gaps} missing and no proration rule -> total not valid ({src})"
    return SummedTotal(None, False, lowest, highest, [why])


def _screen(rule: ScreenRule | None, name: str, summed: SummedTotal) -> tuple[bool | None, str]:
    if rule is None:
        return None, ""
    if summed.total is not None:
        return screen_by_bounds(rule, name, summed.total, summed.total)
    return screen_by_bounds(rule, name, summed.lowest, summed.highest)


def _result(
    adm: ScaleAdministration,
    summed: SummedTotal,
    because: list[str],
    screen: tuple[bool | None, str] | None = None,
    **extra: Any,
) -> ScaleResult:
    """Assemble a result; ``screen`` overrides the plain total-threshold screen (MDQ).

    ``extra`` holds instrument-specific fields (PHQ-9 ``algorithm``, ``item9``) so that the
    result is validated once rather than built and then copied.
    """
    context = context_for(adm.instrument)
    rules, name = context.rules, context.name
    bands, band_why = band_fields(rules, name, summed.total)
    positive, screen_why = screen or _screen(rules.screen, name, summed)
    reasons = [*summed.because, band_why, screen_why, *because]
    # Values come from the validated administration, the knowledge table, or are computed here
    # with each field's type: no second validation (trdkit._trusted).
    return trusted(
        ScaleResult,
        **common_fields(adm),
        **bands,
        total=summed.total,
        prorated=summed.prorated,
        valid=summed.total is not None,
        positive=positive,
        because=[r for r in reasons if r],
        **extra,
    )


def score_summed(adm: ScaleAdministration) -> ScaleResult:
    """Score a summed instrument without item-specific rules (PHQ-2, GAD-7, HAM-D17, ...).

    Parameters
    ----------
    adm
        The administration.

    Returns
    -------
    ScaleResult
        Total, band, screen result where the instrument has one, and reasons.

    References
    ----------
    Kroenke K, et al. Med Care. 2003;41(11):1284-1292 (PHQ-2 >= 3); Spitzer RL, et al. Arch
    Intern Med. 2006;166(10):1092-1097 (GAD-7); Zimmerman M, et al. J Affect Disord.
    2013;150(2):384-388 (HAM-D bands); Montgomery SA, Asberg M. Br J Psychiatry.
    1979;134:382-389 (MADRS); Angst J, et al. J Affect Disord. 2005;88(2):217-233 (HCL-32 >= 14).
    """
    context = context_for(adm.instrument)
    return _result(adm, summed_total(adm, context.rules, context.spec), [])


def score_phq9(adm: ScaleAdministration) -> ScaleResult:
    """Score the PHQ-9: total, band, item 9 and the diagnostic algorithm.

    Item 9 is reported as answered and never imputed: a missing item 9 gives ``item9 = None``
    ("suicidality not assessed") even when the total is prorated. With a total only, item 9 and
    the algorithm are not assessed (``None``).

    Parameters
    ----------
    adm
        A PHQ-9 administration.

    Returns
    -------
    ScaleResult
        The scored result.

    References
    ----------
    Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med. 2001;16(9):606-613; PHQ instruction
    manual (Pfizer); Arrieta J, et al. J Clin Psychol. 2017;73(9):1076-1090.
    """
    rules, spec = rules_for(Instrument.phq9), spec_for(Instrument.phq9)
    summed = summed_total(adm, rules, spec)
    if adm.items is None or rules.algorithm is None:
        why = "PHQ-9 total only: item 9 and the diagnostic algorithm not assessed"
        return _result(adm, summed, [why])
    src = cite(rules.algorithm.source)
    because: list[str] = []
    for item in rules.missing.never_imputed:
        value = adm.items[item - 1]
        if value is None:
            because.append(
                f"PHQ-9 item {item} missing: suicidality not assessed, never imputed ({src})"
            )
        elif value > 0:
            because.append(
                f"PHQ-9 item {item} = {value}: a safety signal whatever the total ({src})"
            )
    algorithm, algorithm_why = phq9_algorithm(adm.items, spec.item_max, rules.algorithm)
    # The contract's `item9` is the answer as given: None when missing, whatever the proration.
    return _result(adm, summed, [*because, algorithm_why], algorithm=algorithm, item9=adm.items[8])


def _mdq_parts(adm: ScaleAdministration, rule: ScreenRule, count: int) -> tuple[bool | None, str]:
    """Decide the MDQ screen from part 1 (count), part 2 (same period) and part 3 (problem)."""
    src = cite(rule.source)
    levels = " or ".join(rule.problem_levels)
    if count < rule.min_total:
        return False, f"MDQ part 1: {count} 'yes' < {rule.min_total} -> negative ({src})"
    head = f"MDQ part 1: {count} 'yes' >= {rule.min_total}"
    if rule.same_period_required and adm.same_period is False:
        return False, f"{head}, but not in the same period (part 2) -> negative ({src})"
    problem = adm.problem.value if adm.problem is not None else None
    if rule.problem_levels and problem is not None and problem not in rule.problem_levels:
        return False, f"{head}, problem '{problem}' is not {levels} (part 3) -> negative ({src})"
    unknown = []
    if rule.same_period_required and adm.same_period is None:
        unknown.append("part 2")
    if rule.problem_levels and problem is None:
        unknown.append("part 3")
    if unknown:
        return None, f"{head}, {' and '.join(unknown)} missing -> screen undetermined ({src})"
    return True, f"{head}, same period, problem '{problem}' -> positive ({src})"


def score_mdq(adm: ScaleAdministration) -> ScaleResult:
    """Score the Mood Disorder Questionnaire (part-1 count and the three-part screen).

    Parameters
    ----------
    adm
        An MDQ administration: 13 part-1 answers (or their count), ``same_period`` (part 2)
        and ``problem`` (part 3).

    Returns
    -------
    ScaleResult
        ``total`` = part-1 "yes" count; ``positive`` is ``None`` when part 2 or 3 is missing
        and part 1 reaches the cut-off.

    References
    ----------
    Hirschfeld RMA, Williams JBW, Spitzer RL, et al. Am J Psychiatry. 2000;157(11):1873-1875.
    """
    rules, spec = rules_for(Instrument.mdq), spec_for(Instrument.mdq)
    summed = summed_total(adm, rules, spec)
    if rules.screen is None or summed.total is None:
        return _result(adm, summed, [])
    return _result(adm, summed, [], _mdq_parts(adm, rules.screen, summed.total))
