"""The ``bipolarity_risk`` flag: signs of a hidden bipolar course in apparent TRD.

A single decisive sign (manic or hypomanic history, antidepressant-induced hypomania, a
first-degree relative with bipolar disorder, mixed features [U]) or a positive MDQ, HCL-32 or
Bipolarity Index raises the flag; so does meeting the Ghaemi bipolar spectrum criteria from the
soft signs. Which signs exist, their thresholds and sources are in ``knowledge/bipolarity.yaml``;
the instruments' cut-offs stay in ``scale_scoring.yaml`` (each result's ``positive`` is read).

References
----------
Ghaemi SN, Ko JY, Goodwin FK. "Cade's disease" and beyond. Can J Psychiatry. 2002;47(2):125-134.
Mitchell PB, et al. Diagnostic guidelines for bipolar depression: a probabilistic approach.
Bipolar Disord. 2008;10(1 Pt 2):144-152.
Aiken CB, Weisler RH, Sachs GS. The Bipolarity Index. J Affect Disord. 2015;177:59-64.
Lam RW, et al. CANMAT 2023 update. Can J Psychiatry. 2024;69(9):641-687, Table 7.1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from trdkit.flags.model import Flag, FlagId, make_flag
from trdkit.knowledge.bipolarity import BipolaritySign, BipolarityTable, load_bipolarity_table
from trdkit.knowledge.derived import per_table
from trdkit.knowledge.diagnosis_criteria import load_dsm5_criteria
from trdkit.record import PatientRecord
from trdkit.record.vocab import FamilyHistoryBipolar, Outcome, PsychoticFeatures, Specifier
from trdkit.resistance.model import TrialVerdict
from trdkit.scales import ScaleResult

__all__ = ["SignFinding", "bipolarity_flag", "bipolarity_signs"]

Found = tuple[bool | None, str]
"""Whether a sign is present (``None``: cannot tell) and the evidence or the gap."""


@dataclass(frozen=True)
class SignFinding:
    """One bipolarity sign as found in the record."""

    sign: BipolaritySign
    present: bool | None
    evidence: str


class _Inputs(NamedTuple):
    record: PatientRecord
    verdicts: Sequence[TrialVerdict]
    sign: BipolaritySign


def _tri(value: bool | None, field: str) -> Found:
    if value is None:
        return None, f"not recorded ({field})"
    return value, f"{field}: {'yes' if value else 'no'}"


def _family(degree: FamilyHistoryBipolar) -> Callable[[_Inputs], Found]:
    def check(x: _Inputs) -> Found:
        value = x.record.history.family_history_bipolar
        if value is None:
            return None, "not recorded (history.family_history_bipolar)"
        return value is degree, f"history.family_history_bipolar: {value.value}"

    return check


def _specifier(spec: Specifier) -> Callable[[_Inputs], Found]:
    def check(x: _Inputs) -> Found:
        episode = x.record.current_episode
        if episode is None:
            return None, "no current episode recorded"
        present = spec in episode.specifiers
        return present, f"'{spec.value}' specifier {'recorded' if present else 'not recorded'}"

    return check


def _psychotic(x: _Inputs) -> Found:
    episode = x.record.current_episode
    if episode is None or episode.psychotic_features is None:
        return None, "not recorded (current_episode.psychotic_features)"
    kind = episode.psychotic_features
    return kind is not PsychoticFeatures.none, f"psychotic features: {kind.value.replace('_', ' ')}"


def _recurrent(x: _Inputs) -> Found:
    need = x.sign.threshold or 0
    n = len(x.record.history.prior_episodes) + (x.record.current_episode is not None)
    return n >= need, f"{n} episode(s) recorded, current included (>= {need:g} needed)"


def _brief(x: _Inputs) -> Found:
    limit = x.sign.threshold or 0
    dated = [ep for ep in x.record.history.prior_episodes if ep.end is not None]
    if not dated:
        return None, "no past episode with both start and end dates"
    per_month = load_dsm5_criteria().course.days_per_month
    days = [(ep.end - ep.start).days for ep in dated if ep.end is not None]
    mean = sum(days) / len(days) / per_month
    return mean < limit, (
        f"mean length of {len(dated)} dated past episode(s) {mean:.1f} months "
        f"({'<' if mean < limit else '>='} {limit:g})"
    )


def _early_onset(x: _Inputs) -> Found:
    limit = x.sign.threshold or 0
    age = x.record.history.age_at_first_episode
    if age is None:
        return None, "not recorded (history.age_at_first_episode)"
    return age < limit, f"first episode at age {age:g} ({'<' if age < limit else '>='} {limit:g})"


def _trials(x: _Inputs, keep: Callable[[TrialVerdict], bool]) -> tuple[list[str], str | None]:
    """Matching trials by name, or the reason trials cannot be judged."""
    if x.record.treatments and not x.verdicts:
        return [], "trial verdicts not available"
    kinds = set(x.sign.trial_categories)
    return [f"{v.treatment}" for v in x.verdicts if v.category in kinds and keep(v)], None


def _wear_off(x: _Inputs) -> Found:
    names, gap = _trials(x, lambda v: v.outcome is Outcome.response_lost)
    if gap:
        return None, gap
    return bool(names), f"response lost on {', '.join(names) or 'no antidepressant trial'}"


def _nonresponse(x: _Inputs) -> Found:
    need = x.sign.threshold or 0
    names, gap = _trials(x, lambda v: v.failed_outcome)
    if gap:
        return None, gap
    listed = f": {', '.join(names)}" if names else ""
    return len(names) >= need, f"{len(names)} failed antidepressant trial(s){listed}"


def _unavailable(x: _Inputs) -> Found:
    return None, "the record format has no field for it"


_CHECKS: dict[str, Callable[[_Inputs], Found]] = {
    "manic_or_hypomanic_history": lambda x: _tri(
        x.record.history.manic_or_hypomanic_episode, "history.manic_or_hypomanic_episode"
    ),
    "antidepressant_induced_hypomania": lambda x: _tri(
        x.record.history.antidepressant_induced_hypomania,
        "history.antidepressant_induced_hypomania",
    ),
    "family_history_first_degree": _family(FamilyHistoryBipolar.first_degree),
    "family_history_second_degree": _family(FamilyHistoryBipolar.second_degree),
    "mixed_features": _specifier(Specifier.mixed_features),
    "recurrent_episodes": _recurrent,
    "brief_episodes": _brief,
    "atypical_features": _specifier(Specifier.atypical),
    "psychotic_features": _psychotic,
    "early_onset": _early_onset,
    "postpartum_onset": _specifier(Specifier.peripartum_onset),
    "antidepressant_wear_off": _wear_off,
    "antidepressant_nonresponse": _nonresponse,
}


def bipolarity_signs(
    record: PatientRecord, verdicts: Sequence[TrialVerdict] = ()
) -> list[SignFinding]:
    """Evaluate every sign of ``bipolarity.yaml`` against the record.

    Parameters
    ----------
    record
        The patient record.
    verdicts
        Trial verdicts (antidepressant failures and wear-off are read from them).

    Returns
    -------
    list of SignFinding
        One finding per sign, in table order; ``present`` is ``None`` when the record cannot
        tell (the item is not recorded or has no field in the record format).
    """
    findings = []
    for sign, check in _checks(load_bipolarity_table()):
        present, evidence = check(_Inputs(record, verdicts, sign))
        findings.append(SignFinding(sign, present, evidence))
    return findings


@per_table
def _checks(
    table: BipolarityTable,
) -> tuple[tuple[BipolaritySign, Callable[[_Inputs], Found]], ...]:
    # Which check reads which sign depends on the table only: resolved once per loaded table.
    return tuple(
        (sign, _CHECKS.get(sign.id, _unavailable) if sign.available else _unavailable)
        for sign in table.signs
    )


def _text(table: BipolarityTable, f: SignFinding) -> str:
    item = f" (Ghaemi {f.sign.ghaemi_item})" if f.sign.ghaemi_item else ""
    uncertain = "; uncertain [U], see bipolarity.yaml" if f.sign.confidence == "U" else ""
    return f"{f.sign.label}{item}: {f.evidence} ({table.cite(f.sign.sources)}{uncertain})"


def _ghaemi(table: BipolarityTable, record: PatientRecord, found: list[SignFinding]) -> Found:
    rule = table.ghaemi
    c = [f.sign.ghaemi_item for f in found if f.present and (f.sign.ghaemi_item or "")[:1] == "C"]
    d = [f.sign.ghaemi_item for f in found if f.present and (f.sign.ghaemi_item or "")[:1] == "D"]
    episode = record.current_episode is not None or bool(record.history.prior_episodes)
    mania = record.history.manic_or_hypomanic_episode
    b = {None: "B assumed (mania or hypomania not recorded)", False: "B met", True: "B not met"}
    met = episode and mania is not True and rule.met(len(c), len(d))
    needs = ", ".join(
        f"{a.min_c} C + {a.min_d} D" if a.min_c else f"{a.min_d} D" for a in rule.alternatives
    )
    return met, (
        f"Ghaemi bipolar spectrum criteria {'met' if met else 'not met'}: "
        f"A {'met' if episode else 'not recorded'}, {b[mania]}, "
        f"C items {len(c)}/{rule.c_items} ({', '.join(map(str, c)) or 'none'}), "
        f"D items {len(d)}/{rule.d_items} ({', '.join(map(str, d)) or 'none'}); "
        f"needs at least one of {needs} ({table.cite(rule.sources)})"
    )


def _screens(table: BipolarityTable, scales: Sequence[ScaleResult]) -> list[str]:
    counted = {s.instrument: s for s in table.screens}
    reasons = []
    for res in scales:
        screen = counted.get(res.instrument)  # a StrEnum member finds its value's key
        if screen is None or res.positive is not True:
            continue
        why = next((r for r in res.because if "positive" in r), f"{res.name} positive")
        reasons.append(
            f"{res.name} on {res.date}: {why}; a positive screen counts on its own "
            f"({table.cite(screen.sources)})"
        )
    return reasons


def bipolarity_flag(
    record: PatientRecord, scales: Sequence[ScaleResult], verdicts: Sequence[TrialVerdict]
) -> Flag | None:
    """Raise ``bipolarity_risk`` when a decisive sign, a positive screen or Ghaemi is met.

    Parameters
    ----------
    record
        The patient record.
    scales
        Scored scale results (MDQ, HCL-32 and Bipolarity Index ``positive`` are read).
    verdicts
        Trial verdicts of the resistance engine.

    Returns
    -------
    Flag or None
        The warning flag; ``because`` names each sign found with its evidence and source, the
        Ghaemi count, and the items the record could not supply.

    References
    ----------
    Ghaemi 2002 (bipolar spectrum criteria); Mitchell 2008; Aiken 2015 (Bipolarity Index);
    Hirschfeld 2000 (MDQ); Angst 2005 (HCL-32); CANMAT 2023 Table 7.1.
    """
    table = load_bipolarity_table()
    found = bipolarity_signs(record, verdicts)
    decisive = [_text(table, f) for f in found if f.present and f.sign.role == "decisive"]
    screens = _screens(table, scales)
    ghaemi_met, ghaemi_why = _ghaemi(table, record, found)
    if not (decisive or screens or ghaemi_met):
        return None
    because = [*decisive, *screens]
    because += [_text(table, f) for f in found if f.present and f.sign.role != "decisive"]
    because.append(ghaemi_why)
    gaps = [
        f"{f.sign.label}: {f.evidence}"
        for f in found
        if f.present is None and f.sign.role != "noted"
    ]
    if gaps:
        because.append("not available to the screen: " + "; ".join(gaps))
    because.append(
        "screen for past hypomania before calling the depression treatment-resistant "
        f"({table.cite(['canmat2023', 'mcintyre2023'])})"
    )
    return make_flag(FlagId.bipolarity_risk, because)
