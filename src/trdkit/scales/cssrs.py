"""C-SSRS screener (recent, with triage): the highest risk level any answer triggers.

Q1 and Q2 are always asked; Q3-Q5 only when Q2 is "yes" (otherwise the form skips to Q6), so a
Q3-Q5 answer counts only behind a "yes" to Q2. Q6 asks about suicidal behaviour ever, and when
"yes" whether it was within the past 3 months. Levels, highest first: high (Q4, Q5, or behaviour
within 3 months), moderate (Q3, or older behaviour), low (Q1 or Q2), else none. The table is in
``scale_scoring.yaml`` (``cssrs_screener.risk``).

Nothing is imputed. Every combination of the missing answers is tried; when they do not all
give the same level the result is ``not_determinable`` (clinician review). A missing Q6, or a
missing "past 3 months" after Q6 "yes", therefore leaves the level open unless a "yes" to Q4 or
Q5 already makes it high, which no further answer can lower.
"""

from __future__ import annotations

from itertools import product

from trdkit._trusted import trusted
from trdkit.knowledge.scale_scoring import RiskRule
from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Instrument
from trdkit.scales._shared import cite, common_fields, rules_for
from trdkit.scales.result import RiskLevel, ScaleResult

__all__ = ["cssrs_level", "score_cssrs"]

_ORDER: list[RiskLevel] = ["none", "low", "moderate", "high"]


def cssrs_level(
    answers: dict[int, bool], recent: bool | None, rule: RiskRule
) -> tuple[RiskLevel, str]:
    """Return the triage level of a complete set of answers and what triggered it.

    Parameters
    ----------
    answers
        Question number (1-6) -> "yes".
    recent
        Whether the Q6 behaviour was within the past 3 months (read only when Q6 is "yes").
    rule
        The triage table.

    Returns
    -------
    level, trigger
        The highest level triggered and a short description of the trigger.

    References
    ----------
    Posner K, et al. Am J Psychiatry. 2011;168(12):1266-1277; C-SSRS screener with triage
    (Columbia Lighthouse Project; NINDS CDE, 2021).
    """
    gate_open = answers[rule.gate_item]
    behaviour = answers[rule.behaviour_item]
    for level in rule.levels:
        for item in level.items:
            if answers[item] and (gate_open or item not in rule.gated_items):
                return level.id, f"Q{item} yes"
        if behaviour and level.behaviour == "within_3_months" and recent:
            return level.id, f"Q{rule.behaviour_item} yes within the past 3 months"
        if behaviour and level.behaviour == "older" and recent is False:
            return level.id, f"Q{rule.behaviour_item} yes more than 3 months ago"
    return "none", "all answers no"


def score_cssrs(adm: ScaleAdministration) -> ScaleResult:
    """Score a C-SSRS screener administration into a risk level.

    Parameters
    ----------
    adm
        Six answers 0/1 (``None`` for missing) and ``behaviour_past_3_months``.

    Returns
    -------
    ScaleResult
        ``risk_level`` (``not_determinable`` when missing answers could change it), no total,
        ``valid`` False when the level is not determinable, and reasons.

    References
    ----------
    Posner K, Brown GK, Stanley B, et al. Am J Psychiatry. 2011;168(12):1266-1277; C-SSRS
    clinical triage guidelines (Columbia Lighthouse Project).
    """
    rules = rules_for(Instrument.cssrs_screener)
    rule = rules.risk
    items = adm.items or []
    if rule is None or not items:  # the record requires items; the loader requires the table
        why = "C-SSRS screener: no answers or no triage table -> not determinable"
        return trusted(
            ScaleResult,
            **common_fields(adm),
            valid=False,
            risk_level="not_determinable",
            because=[why],
        )
    src = cite(rule.source)
    known = {i: bool(v) for i, v in enumerate(items, start=1) if v is not None}
    missing = [i for i, v in enumerate(items, start=1) if v is None]
    because: list[str] = []
    if known.get(rule.gate_item) is False and any(known.get(i) for i in rule.gated_items):
        gated = ", ".join(f"Q{i}" for i in rule.gated_items)
        because.append(f"C-SSRS: {gated} answered although Q{rule.gate_item} = no: ignored")
    # "Past 3 months" is open only when Q6 may be "yes" and the answer was not recorded.
    recent_open = (
        adm.behaviour_past_3_months is None and known.get(rule.behaviour_item) is not False
    )
    outcomes: dict[RiskLevel, str] = {}
    for states in product((False, True), repeat=len(missing) + int(recent_open)):
        answers = {**known, **dict(zip(missing, states[: len(missing)], strict=True))}
        recent = states[-1] if recent_open else adm.behaviour_past_3_months
        level, trigger = cssrs_level(answers, recent, rule)
        outcomes.setdefault(level, trigger)
    labels: dict[str, str] = {level.id: level.label for level in rule.levels}
    gaps = [f"Q{i}" for i in missing] + (["past 3 months"] if recent_open else [])
    if len(outcomes) == 1:
        ((level, trigger),) = outcomes.items()
        label = (rule.none_label if level == "none" else labels[level]).lower()
        whatever = f", whatever the missing answers ({', '.join(gaps)})" if gaps else ""
        because.insert(0, f"C-SSRS screener: {trigger}{whatever} -> {label} ({src})")
        return trusted(ScaleResult, **common_fields(adm), risk_level=level, because=because)
    possible = " or ".join(level for level in _ORDER if level in outcomes)
    because.insert(
        0,
        f"C-SSRS screener: missing {', '.join(gaps)} could make the risk {possible} -> "
        f"{rule.not_determinable_label.lower()} ({src})",
    )
    return trusted(
        ScaleResult,
        **common_fields(adm),
        valid=False,
        risk_level="not_determinable",
        because=because,
    )
