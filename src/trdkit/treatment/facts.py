"""The named facts of one patient that the treatment tables ask about.

:data:`~trdkit.knowledge.treatment_rows.FACTS` without a parameter: psychotic features, high
suicide risk, the last concluded outcome, QTc and eGFR against the settings of ``safety.yaml``...
Decided once per assessment from the record, diagnosis, resistance result and flags (pure, no
I/O); ``Context`` keeps them as one frozenset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from trdkit.diagnosis import Diagnosis
from trdkit.flags import Flag, FlagId
from trdkit.knowledge.treatment_safety import load_safety
from trdkit.record import PatientRecord
from trdkit.record.vocab import Episode, Outcome, Procedure, PsychoticFeatures
from trdkit.resistance.model import TrdResult, TrdStatus, TrialVerdict

__all__ = ["current_episode", "named_facts"]

_PSEUDO = (
    FlagId.pseudo_resistance_dose,
    FlagId.pseudo_resistance_duration,
    FlagId.pseudo_resistance_adherence,
)
_CONCLUDED = (Outcome.no_response, Outcome.partial_response, Outcome.intolerance)
_RESPONDED = (Outcome.response, Outcome.remission)


def current_episode(verdicts: Sequence[TrialVerdict]) -> list[TrialVerdict]:
    """The verdicts of trials in the current episode."""
    return [v for v in verdicts if v.episode is Episode.current]


def _last_concluded(record: PatientRecord, verdicts: Sequence[TrialVerdict]) -> Outcome | None:
    def when(v: TrialVerdict) -> tuple[dt.date, int]:
        trial = record.treatments[v.index]
        return (trial.end or trial.start or dt.date.min, v.index)

    concluded = [v for v in current_episode(verdicts) if v.outcome in _CONCLUDED]
    return max(concluded, key=when).outcome if concluded else None


def _lab_facts(record: PatientRecord) -> set[str]:
    settings = load_safety().settings
    facts: set[str] = set()
    labs = record.labs
    if labs is not None and labs.qtc_ms is not None:
        if labs.qtc_ms >= settings.qtc_caution_ms.value:
            facts.add("qtc_prolonged")
        if labs.qtc_ms >= settings.qtc_contraindication_ms.value:
            facts.add("qtc_high")
    if labs is not None and labs.egfr_ml_per_min is not None:
        if labs.egfr_ml_per_min < settings.egfr_caution_ml_per_min.value:
            facts.add("egfr_low")
        if labs.egfr_ml_per_min < settings.egfr_contraindication_ml_per_min.value:
            facts.add("egfr_very_low")
    return facts


def named_facts(
    record: PatientRecord,
    diagnosis: Diagnosis,
    trd: TrdResult,
    flags: dict[FlagId, Flag],
    to_optimise: Sequence[tuple[str, TrialVerdict | None]],
) -> frozenset[str]:
    """The plain facts of :data:`~trdkit.knowledge.treatment_rows.FACTS` that hold.

    Parameters
    ----------
    record, diagnosis, trd
        The assessment's parts.
    flags
        The assessment's flags by id.
    to_optimise
        Drugs whose trial is not yet a test (``needs_optimisation``).

    Returns
    -------
    frozenset of str
    """
    episode = record.current_episode
    verdicts = trd.trials
    suicide = flags.get(FlagId.suicide_risk)
    last = _last_concluded(record, verdicts)
    psychotic = episode is not None and episode.psychotic_features not in (
        None,
        PsychoticFeatures.none,
    )
    candidates = {
        "always": True,
        "psychotic_features": psychotic or FlagId.psychotic_features in flags,
        "catatonia": FlagId.catatonia in flags,
        "suicide_risk": suicide is not None,
        "suicide_risk_high": suicide is not None and suicide.level == "critical",
        "refusing_food_or_fluids": bool(episode and episode.urgent.refusing_food_or_fluids),
        "need_rapid_response": bool(episode and episode.urgent.need_rapid_response),
        "bipolar_disorder": FlagId.bipolar_disorder in flags,
        "bipolarity_risk": FlagId.bipolarity_risk in flags,
        "pseudo_resistance": trd.status is TrdStatus.pseudo_resistant
        or any(f in flags for f in _PSEUDO),
        "needs_optimisation": bool(to_optimise),
        "intolerance_in_episode": any(
            v.outcome is Outcome.intolerance for v in current_episode(verdicts)
        ),
        "last_partial_response_tolerated": last is Outcome.partial_response,
        "last_no_response_or_intolerance": last in (Outcome.no_response, Outcome.intolerance),
        "severe_episode": diagnosis.mdd.severity == "severe"
        or bool(episode and episode.severity and episode.severity.value == "severe"),
        "recurrent_course": diagnosis.mdd.course == "recurrent",
        "chronic_course": FlagId.persistent_depressive_disorder in flags,
        "ect_prior_response": any(
            t.procedure is Procedure.ect and t.outcome in _RESPONDED for t in record.treatments
        ),
        "history_psychosis": record.history.schizophrenia_spectrum_disorder is True,
        "interaction_check_incomplete": FlagId.interaction_check_incomplete in flags,
    }
    return frozenset({k for k, v in candidates.items() if v} | _lab_facts(record))
