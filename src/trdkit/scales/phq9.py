"""The PHQ-9 diagnostic algorithm, decided only when missing answers could not change it.

An item counts as a symptom at "more than half the days" (items 1-8) or at any frequency
(item 9). Two to four counted symptoms including item 1 or 2 make an *other depressive syndrome*;
five or more including item 1 or 2 a *major depressive syndrome*. The thresholds are data
(``scale_scoring.yaml``, ``phq9.algorithm``).

Missing answers are not imputed. Each missing item can only be counted or not counted, so every
combination is tried (at most 2**9); when they do not all give the same outcome the result is
``undetermined``. This is the "run only if the missing items could not change the result" rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from trdkit.knowledge.scale_scoring import AlgorithmRule
from trdkit.scales._shared import cite, item_list
from trdkit.scales.result import Algorithm

__all__ = ["classify_symptoms", "phq9_algorithm"]


def classify_symptoms(counted: frozenset[int], rule: AlgorithmRule) -> Algorithm:
    """Classify a set of counted items (1-based) into the algorithm's outcome.

    Parameters
    ----------
    counted
        The items that count as symptoms.
    rule
        The algorithm thresholds.

    Returns
    -------
    Algorithm
        ``major_depressive_syndrome``, ``other_depressive_syndrome`` or ``none``.

    References
    ----------
    Spitzer RL, Williams JBW, Kroenke K, et al. PHQ instruction manual (Pfizer); Kroenke K,
    Spitzer RL, Williams JBW. J Gen Intern Med. 2001;16(9):606-613.
    """
    if counted.isdisjoint(rule.core_items):
        return "none"
    if len(counted) >= rule.major_min_symptoms:
        return "major_depressive_syndrome"
    if len(counted) >= rule.other_min_symptoms:
        return "other_depressive_syndrome"
    return "none"


_THRESHOLDS: dict[int, tuple[AlgorithmRule, tuple[int, ...]]] = {}


def _thresholds(rule: AlgorithmRule, count: int) -> tuple[int, ...]:
    """Per-item thresholds of ``rule`` for items 1..``count``, computed once per rule object.

    Safe to keep: rules are frozen knowledge rows (loaded once); the entry holds the rule itself
    so an id reused by another object is never mistaken for it, and the memo stays small.
    """
    hit = _THRESHOLDS.get(id(rule))
    if hit is not None and hit[0] is rule and len(hit[1]) == count:
        return hit[1]
    thresholds = tuple(rule.threshold(i) for i in range(1, count + 1))
    if len(_THRESHOLDS) >= 16:
        _THRESHOLDS.clear()
    _THRESHOLDS[id(rule)] = (rule, thresholds)
    return thresholds


def phq9_algorithm(
    items: Sequence[int | None], item_max: Sequence[int], rule: AlgorithmRule
) -> tuple[Algorithm, str]:
    """Run the PHQ-9 diagnostic algorithm on item answers that may contain ``None``.

    Parameters
    ----------
    items
        The nine answers in published order; ``None`` for a missing answer.
    item_max
        The highest answer of each item; a missing item whose maximum is below its threshold
        can never count.
    rule
        The algorithm thresholds.

    Returns
    -------
    outcome, reason
        The outcome (``undetermined`` when missing answers could change it) and a ``because``
        text naming the counted items and the source.

    References
    ----------
    Spitzer RL, Williams JBW, Kroenke K, et al. PHQ instruction manual (Pfizer); LOINC 44249-1
    term description; Kroenke K, et al. J Gen Intern Med. 2001;16(9):606-613.

    Examples
    --------
    >>> from trdkit.scales._shared import rules_for
    >>> from trdkit.record.vocab import Instrument
    >>> rule = rules_for(Instrument.phq9).algorithm
    >>> phq9_algorithm([3] * 9, [3] * 9, rule)[0]
    'major_depressive_syndrome'
    """
    thresholds = _thresholds(rule, len(items))
    counted_items: list[int] = []
    missing: list[int] = []
    # A missing item can tip the outcome only if its highest answer reaches its threshold.
    open_items: list[int] = []
    for i, (v, top, low) in enumerate(zip(items, item_max, thresholds, strict=True), start=1):
        if v is None:
            missing.append(i)
            if top >= low:
                open_items.append(i)
        elif v >= low:
            counted_items.append(i)
    known = frozenset(counted_items)
    if open_items:
        outcomes = {
            classify_symptoms(
                known | {i for i, on in zip(open_items, states, strict=True) if on}, rule
            )
            for states in product((False, True), repeat=len(open_items))
        }
    else:
        outcomes = {classify_symptoms(known, rule)}
    src = cite(rule.source)
    counted = item_list(counted_items) if counted_items else "no item"
    if len(outcomes) > 1:
        return "undetermined", (
            f"PHQ-9 algorithm: missing {item_list(missing)} could change the outcome "
            f"-> undetermined ({src})"
        )
    (outcome,) = outcomes
    label = rule.labels.get(outcome, outcome).lower()
    whatever = f", whatever missing {item_list(missing)} may hold" if missing else ""
    return outcome, (
        f"PHQ-9 algorithm: {len(known)} symptom(s) counted ({counted}){whatever} -> {label} ({src})"
    )
