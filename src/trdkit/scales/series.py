"""Change from baseline, response and remission across administrations of one instrument.

For each instrument, administrations are ordered by date (ties keep their input order). The
baseline is the earliest administration with a valid total. For instruments that track change,
every later valid total gets ``change_from_baseline_pct`` = (total - baseline) / baseline x 100;
the baseline itself and a zero baseline get ``None`` (a percentage of zero is undefined).
Response is a drop of at least the table's percentage; CGI-I responds at its listed ratings
(1 or 2) with no baseline. Remission is a total at or below the cut-off, whichever date it has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trdkit._trusted import evolve
from trdkit.knowledge.scale_scoring import ScaleRules
from trdkit.record.vocab import Instrument
from trdkit.scales._shared import cite, rules_for
from trdkit.scales.result import ScaleResult

__all__ = ["apply_series", "find_baseline"]


def find_baseline(results: Sequence[ScaleResult]) -> int | None:
    """Return the index of the baseline among administrations of one instrument.

    Parameters
    ----------
    results
        Results of a single instrument, in any order.

    Returns
    -------
    int or None
        Index of the earliest result with a valid total (first in input order on a date tie),
        or ``None`` when no result has a total.
    """
    if len(results) == 1:  # the usual case: one administration of the instrument
        return 0 if results[0].total is not None else None
    dated = sorted(range(len(results)), key=lambda i: results[i].date)
    return next((i for i in dated if results[i].total is not None), None)


def _change(
    result: ScaleResult, baseline: ScaleResult, rules: ScaleRules
) -> tuple[dict[str, Any], list[str]]:
    """Change from baseline and percent-drop response of one non-baseline result."""
    name, total, base = result.name, result.total, baseline.total
    update: dict[str, Any] = {"baseline_date": baseline.date}
    if total is None or base is None:
        return update, []
    if base == 0:
        return update, [f"{name} baseline total is 0 ({baseline.date}): change not defined"]
    change = (total - base) / base * 100
    update["change_from_baseline_pct"] = round(change, 1)
    text = f"{name} {total} vs baseline {base} ({baseline.date}): {change:+.1f}%"
    rule = rules.response
    if rule is None or rule.kind != "percent_drop" or rule.min_drop_pct is None:
        return update, [text]
    # Integer cross-multiplication decides an exact 50% drop without float rounding.
    responded = (base - total) * 100 >= rule.min_drop_pct * base
    update["response"] = responded
    verdict = "response" if responded else "no response"
    return update, [
        f"{text} -> {verdict} (needs a drop of >= {rule.min_drop_pct:g}%) ({cite(rule.source)})"
    ]


def _outcomes(
    result: ScaleResult,
    baseline: ScaleResult | None,
    rules: ScaleRules,
    cutoff: int | None,
) -> ScaleResult:
    """Fill change, response and remission of one result."""
    if result.total is None:
        return result
    update: dict[str, Any] = {}
    because: list[str] = []
    name, total = result.name, result.total
    if rules.tracks_change and baseline is not None:
        if baseline is result:
            update["baseline_date"] = result.date
            because.append(f"{name} baseline: earliest administration with a valid total")
        else:
            changed, why = _change(result, baseline, rules)
            update |= changed
            because += why
    if rules.response is not None and rules.response.kind == "rating":
        responded = total in rules.response.values
        update["response"] = responded
        values = " or ".join(map(str, rules.response.values))
        verdict = "response" if responded else "no response"
        because.append(f"{name} {total} -> {verdict} ({values}) ({cite(rules.response.source)})")
    if rules.remission is not None and cutoff is not None:
        remitted = total <= cutoff
        update |= {"remission": remitted, "remission_cutoff": cutoff}
        sign, verdict = ("<=", "remission") if remitted else (">", "no remission")
        src = cite(rules.remission.source)
        because.append(f"{name} {total} {sign} {cutoff} -> {verdict} ({src})")
    update["because"] = [*result.because, *because]
    # ``model_copy`` without its generic machinery; it validates no more than model_copy did.
    return evolve(result, update)


def apply_series(
    results: Sequence[ScaleResult], remission_cutoffs: Mapping[Instrument, int] | None = None
) -> list[ScaleResult]:
    """Fill change from baseline, response and remission on every result.

    Parameters
    ----------
    results
        Scored administrations of any instruments, in any order.
    remission_cutoffs
        Remission cut-offs chosen by the user, by instrument; the table's default applies to
        an instrument not listed (see ``ScoringOptions``).

    Returns
    -------
    list of ScaleResult
        The same results, in the same order, with the series fields filled.

    References
    ----------
    Trivedi MH, et al. Am J Psychiatry. 2006;163(1):28-40 (QIDS remission <= 5, STAR*D);
    Riedel M, et al. J Psychiatr Res. 2010;44(15):1063-1068 (response >= 50% drop);
    Zimmerman M, et al. J Clin Psychiatry. 2004;65(2):163-168 (MADRS remission <= 10);
    Guy W. ECDEU Assessment Manual, 1976 (CGI-I).
    """
    chosen = remission_cutoffs or {}
    out = list(results)
    groups: dict[Instrument, list[int]] = {}
    for index, result in enumerate(results):
        groups.setdefault(result.instrument, []).append(index)
    for instrument, indices in groups.items():
        rules = rules_for(instrument)
        members = [results[i] for i in indices]
        base_at = find_baseline(members)
        baseline = members[base_at] if base_at is not None else None
        cutoff = chosen.get(instrument, rules.remission.max_total) if rules.remission else None
        for index, member in zip(indices, members, strict=True):
            out[index] = _outcomes(member, baseline, rules, cutoff)
    return out
