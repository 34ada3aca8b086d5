"""Trial adequacy: episode, outcome, dose, duration, adherence, counting and the dose table."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trdkit.knowledge import KnowledgeError
from trdkit.knowledge import drug_doses as drug_doses_module
from trdkit.knowledge.drug_doses import load_drug_doses
from trdkit.knowledge.policies import PolicyDefinition, load_policy_table
from trdkit.record import validate_record
from trdkit.record.models import PatientRecord
from trdkit.resistance import TrialCategory, TrialVerdict, Verdict, episode_onset, judge_trials

POLICIES = load_policy_table().policies
EMA = POLICIES["ema_2013"]
SFORZINI = POLICIES["sforzini_2022"]
DOSES = load_drug_doses()


def _record(*trials: dict[str, Any], **extra: Any) -> PatientRecord:
    base: dict[str, Any] = {
        "id": "adequacy",
        "assessed_on": "2026-06-30",
        "age": 40,
        "current_episode": {"onset": "2025-01-01"},
        "treatments": list(trials),
    }
    return validate_record({**base, **extra})


def _trial(drug: str = "sertraline", **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "drug": drug,
        "dose_mg_per_day": 100,
        "weeks_at_dose": 8,
        "adherence": "good",
        "outcome": "no_response",
    }
    out.update(fields)
    return {k: v for k, v in out.items() if v is not None}


def _judge(trial: dict[str, Any], policy: PolicyDefinition = EMA, **extra: Any) -> TrialVerdict:
    return judge_trials(_record(trial, **extra), policy)[0]


def _text(verdict: TrialVerdict) -> str:
    return " | ".join(verdict.because)


# ---------------------------------------------------------------- basics


def test_judge_trials__one_verdict_per_trial_in_record_order() -> None:
    rec = _record(_trial("sertraline"), _trial("citalopram"), {"procedure": "ect", "sessions": 8})
    verdicts = judge_trials(rec, EMA)
    assert [v.index for v in verdicts] == [0, 1, 2]
    assert [v.treatment for v in verdicts] == ["sertraline", "citalopram", "ect"]


def test_judge_trials__adequate_failure_names_dose_and_duration_rules() -> None:
    v = _judge(_trial(dose_mg_per_day=150, weeks_at_dose=10))
    assert v.verdict is Verdict.adequate_failure
    assert v.adequate is True and v.counts_as_failure and v.naive_failure
    assert "150 mg/day >= 50 mg minimum (MGH-ATRQ [U])" in v.because
    assert "10 weeks >= 6 weeks minimum (policy ema_2013)" in v.because
    assert v.min_dose_mg_per_day == 50 and v.min_weeks == 6


def test_judge_trials__below_minimum_dose_is_inadequate_dose() -> None:
    v = _judge(_trial("venlafaxine", dose_mg_per_day=75))
    assert v.verdict is Verdict.inadequate_dose
    assert v.adequate is False and not v.counts_as_failure and v.naive_failure
    assert "75 mg/day < 150 mg minimum" in _text(v)


def test_judge_trials__short_trial_is_inadequate_duration() -> None:
    v = _judge(_trial(weeks_at_dose=5))
    assert v.verdict is Verdict.inadequate_duration
    assert "5 weeks < 6 weeks minimum (policy ema_2013): inadequate duration" in v.because


def test_judge_trials__duration_from_dates_when_weeks_missing() -> None:
    v = _judge(_trial(weeks_at_dose=None, start="2025-02-01", end="2025-04-12"))
    assert v.weeks == pytest.approx(10.0)
    assert v.verdict is Verdict.adequate_failure


def test_judge_trials__early_stop_before_week_four_precedes_dose() -> None:
    v = _judge(_trial(dose_mg_per_day=25, weeks_at_dose=3))
    assert v.verdict is Verdict.early_stop
    text = _text(v)
    assert "Sforzini 2022" in text
    assert "shortfalls: early stop, inadequate dose, inadequate duration" in text


def test_judge_trials__poor_adherence_precedes_every_other_shortfall() -> None:
    v = _judge(_trial(adherence="poor", dose_mg_per_day=25, weeks_at_dose=2))
    assert v.verdict is Verdict.inadequate_adherence
    assert "adherence poor: inadequate adherence" in _text(v)


def test_judge_trials__partial_adherence_is_inadequate() -> None:
    assert _judge(_trial(adherence="partial")).verdict is Verdict.inadequate_adherence


def test_judge_trials__unknown_adherence_counts_with_a_stated_reason() -> None:
    v = _judge(_trial(adherence=None))
    assert v.verdict is Verdict.adequate_failure
    assert "adherence not recorded: counted as adequate" in _text(v)


def test_judge_trials__unknown_adherence_undecided_when_policy_requires_it() -> None:
    strict = EMA.model_copy(update={"unknown_adherence_counts": False})
    v = _judge(_trial(adherence="unknown"), strict)
    assert v.verdict is Verdict.adequacy_undecided and v.adequate is None
    assert v.missing == ["adherence"]


def test_judge_trials__missing_dose_is_adequacy_undecided_naming_it() -> None:
    v = _judge(_trial(dose_mg_per_day=None))
    assert v.verdict is Verdict.adequacy_undecided
    assert v.missing == ["dose_mg_per_day"]
    assert "dose not recorded" in _text(v)


def test_judge_trials__missing_duration_is_adequacy_undecided_naming_it() -> None:
    v = _judge(_trial(weeks_at_dose=None))
    assert v.verdict is Verdict.adequacy_undecided
    assert v.missing and v.missing[0].startswith("duration")


def test_judge_trials__shortfall_wins_over_missing_data() -> None:
    v = _judge(_trial(dose_mg_per_day=10, weeks_at_dose=None))
    assert v.verdict is Verdict.inadequate_dose and v.adequate is False


# ---------------------------------------------------------------- outcomes


def test_judge_trials__thirty_percent_fails_under_ema_but_not_under_sforzini() -> None:
    trial = _trial(outcome="partial_response", improvement_pct=30)
    under_ema, under_sforzini = _judge(trial, EMA), _judge(trial, SFORZINI)
    assert under_ema.failed_outcome and under_ema.verdict is Verdict.adequate_failure
    assert "30% improvement < 50%" in _text(under_ema)
    assert not under_sforzini.failed_outcome and under_sforzini.verdict is Verdict.response
    assert "30% improvement >= 25%: not a non-response under policy sforzini_2022" in _text(
        under_sforzini
    )


@pytest.mark.parametrize(
    ("outcome", "verdict"),
    [
        ("remission", Verdict.response),
        ("response", Verdict.response),
        ("response_lost", Verdict.response_lost),
        ("intolerance", Verdict.intolerance),
        ("ongoing", Verdict.ongoing),
        ("unknown", Verdict.outcome_unknown),
    ],
)
def test_judge_trials__non_failed_outcomes_never_count(outcome: str, verdict: Verdict) -> None:
    v = _judge(_trial(outcome=outcome))
    assert v.verdict is verdict
    assert not v.failed_outcome and not v.naive_failure and not v.counts_as_failure


def test_judge_trials__response_lost_cites_desseilles() -> None:
    assert "Desseilles 2012" in _text(_judge(_trial(outcome="response_lost")))


# ---------------------------------------------------------------- episode membership


def test_judge_trials__explicit_prior_episode_never_counts() -> None:
    v = _judge(_trial(episode="prior"))
    assert v.verdict is Verdict.prior_episode
    assert not v.counts_as_failure and not v.naive_failure
    assert v.adequate is True  # still judged, for history


def test_judge_trials__start_before_onset_is_prior_episode() -> None:
    v = _judge(_trial(start="2024-06-01"))
    assert v.verdict is Verdict.prior_episode
    assert "before the current episode's onset 2025-01-01" in _text(v)


def test_judge_trials__onset_from_duration_months() -> None:
    rec = _record(
        _trial(start="2025-05-01"),
        current_episode={"duration_months": 12},
        assessed_on="2026-01-01",
    )
    onset = episode_onset(rec)
    assert onset is not None and onset.isoformat().startswith("2025-01")
    assert judge_trials(rec, EMA)[0].verdict is Verdict.adequate_failure
    early = _record(_trial(start="2024-11-01"), current_episode={"duration_months": 12})
    assert judge_trials(early, EMA)[0].episode.value == "prior"


def test_judge_trials__undated_trial_belongs_to_current_episode() -> None:
    assert _judge(_trial()).episode.value == "current"


# ---------------------------------------------------------------- kinds of treatment


def test_judge_trials__augmentation_uses_add_on_dose_and_weeks() -> None:
    trial = _trial("aripiprazole", role="augmentation", dose_mg_per_day=2, weeks_at_dose=4)
    trial["with"] = ["sertraline"]
    mgh = _judge(trial, POLICIES["mgh_atrq"])
    assert mgh.category is TrialCategory.augmentation
    assert mgh.verdict is Verdict.adequate_failure and mgh.min_weeks == 4
    assert "CANMAT 2023 add-on lower bound" in _text(mgh)
    assert _judge(trial, EMA).verdict is Verdict.inadequate_duration  # EMA: 6 add-on weeks


def test_judge_trials__augmentation_not_counted_when_policy_says_so() -> None:
    policy = EMA.model_copy(update={"count_augmentation": False})
    v = _judge(_trial("aripiprazole", role="augmentation", dose_mg_per_day=5), policy)
    assert v.verdict is Verdict.not_counted and not v.naive_failure
    assert "augmentation trials do not count" in _text(v)


def test_judge_trials__combination_mirtazapine_uses_add_on_minimum() -> None:
    mono = _judge(_trial("mirtazapine", dose_mg_per_day=15))
    combo = _judge(_trial("mirtazapine", dose_mg_per_day=15, role="combination"))
    assert mono.verdict is Verdict.adequate_failure  # ATRQ minimum 15
    assert combo.verdict is Verdict.inadequate_dose and combo.min_dose_mg_per_day == 30


def test_judge_trials__combination_not_counted_when_policy_says_so() -> None:
    policy = EMA.model_copy(update={"count_combination": False})
    v = _judge(_trial("bupropion", dose_mg_per_day=300, role="combination"), policy)
    assert v.verdict is Verdict.not_counted


@pytest.mark.parametrize(
    ("level", "verdict"), [(0.5, "adequate_failure"), (0.4, "inadequate_dose")]
)
def test_judge_trials__lithium_judged_by_serum_level(level: float, verdict: str) -> None:
    trial = _trial("lithium", role="augmentation", dose_mg_per_day=None)
    trial["serum_level_mmol_per_l"] = level
    v = _judge(trial)
    assert v.verdict.value == verdict
    assert "mmol/L" in _text(v)


def test_judge_trials__lithium_level_from_labs_only_while_taken() -> None:
    trial = _trial("lithium", role="augmentation", dose_mg_per_day=None)
    taking = _judge(trial, labs={"lithium_mmol_per_l": 0.7}, current_medications=["lithium"])
    assert taking.verdict is Verdict.adequate_failure
    assert "current labs" in _text(taking)
    stopped = _judge(trial, labs={"lithium_mmol_per_l": 0.7})
    assert stopped.verdict is Verdict.adequacy_undecided


def test_judge_trials__lithium_without_level_falls_back_to_dose() -> None:
    v = _judge(_trial("lithium", role="augmentation", dose_mg_per_day=450))
    assert v.verdict is Verdict.inadequate_dose and v.min_dose_mg_per_day == 600
    assert "[U]" in _text(v)


def test_judge_trials__liothyronine_dose_is_in_mg() -> None:
    t3 = _trial("liothyronine", role="augmentation", dose_mg_per_day=0.025)
    assert _judge(t3).verdict is Verdict.adequate_failure
    low = _trial("liothyronine", role="augmentation", dose_mg_per_day=0.0125)
    assert _judge(low).verdict is Verdict.inadequate_dose


def test_judge_trials__quetiapine_monotherapy_is_an_antidepressant_trial() -> None:
    v = _judge(_trial("quetiapine", dose_mg_per_day=150))
    assert v.category is TrialCategory.antidepressant
    assert v.verdict is Verdict.adequate_failure
    assert "fallback" in _text(v)  # no ATRQ value: CANMAT lower bound used


def test_judge_trials__lithium_monotherapy_is_not_counted() -> None:
    v = _judge(_trial("lithium", dose_mg_per_day=900))
    assert v.category is TrialCategory.other and v.verdict is Verdict.not_counted


def test_judge_trials__drug_without_any_minimum_is_undecided() -> None:
    v = _judge(_trial("dosulepin", dose_mg_per_day=150))
    assert v.verdict is Verdict.adequacy_undecided
    assert "minimum adequate dose for dosulepin" in v.missing[0]


def test_judge_trials__athf_table_for_imipramine_and_fallback_for_sertraline() -> None:
    athf = EMA.model_copy(update={"dose_table": "athf_l3"})
    assert (
        _judge(_trial("imipramine", dose_mg_per_day=150), athf).verdict is Verdict.inadequate_dose
    )
    assert _judge(_trial("imipramine", dose_mg_per_day=150)).verdict is Verdict.adequate_failure
    sertraline = _judge(_trial("sertraline", dose_mg_per_day=50), athf)
    assert sertraline.verdict is Verdict.adequate_failure
    assert "no athf_l3 value, fallback" in _text(sertraline)


def test_judge_trials__ect_counted_only_where_policy_counts_neuromodulation() -> None:
    ect = {"procedure": "ect", "sessions": 8, "laterality": "bilateral", "outcome": "no_response"}
    under_ema, under_sforzini = _judge(ect, EMA), _judge(ect, SFORZINI)
    assert under_ema.verdict is Verdict.not_counted and not under_ema.naive_failure
    assert under_sforzini.verdict is Verdict.adequate_failure
    assert "ECT laterality bilateral" in under_sforzini.because


def test_judge_trials__short_ect_course_is_inadequate() -> None:
    v = _judge({"procedure": "ect", "sessions": 4, "outcome": "no_response"}, SFORZINI)
    assert v.verdict is Verdict.inadequate_duration
    assert "ECT laterality not recorded" in v.because


def test_judge_trials__ect_without_sessions_is_undecided() -> None:
    v = _judge({"procedure": "ect", "outcome": "no_response"}, SFORZINI)
    assert v.verdict is Verdict.adequacy_undecided and v.missing == ["sessions"]


def test_judge_trials__vns_has_no_adequacy_rule() -> None:
    v = _judge({"procedure": "vns", "outcome": "no_response"}, SFORZINI)
    assert v.verdict is Verdict.adequacy_undecided
    assert "adequacy rule for vns" in v.missing[0]


@pytest.mark.parametrize(
    ("procedure", "category"),
    [
        ("esketamine", TrialCategory.rapid_acting),
        ("ketamine_iv", TrialCategory.rapid_acting),
        ("psychotherapy_cbt", TrialCategory.psychotherapy),
        ("light_therapy", TrialCategory.other),
    ],
)
def test_judge_trials__non_antidepressant_procedures_not_counted(
    procedure: str, category: TrialCategory
) -> None:
    v = _judge({"procedure": procedure, "outcome": "no_response"}, SFORZINI)
    assert v.category is category
    assert v.verdict is Verdict.not_counted and not v.naive_failure


def test_judge_trials__different_mechanism_policy_explains_class_rule() -> None:
    v = _judge(_trial(), POLICIES["different_mechanism"])
    assert v.verdict is Verdict.adequate_failure
    assert "class (ssri)" in _text(v)


# ---------------------------------------------------------------- every row of the dose table

_TABLES = ("atrq", "canmat_low", "athf_l3")
_AD_CASES = [
    (drug, table, minimum.mg_per_day)
    for drug in DOSES.antidepressants
    for table in _TABLES
    if (minimum := DOSES.minimum_dose(drug, table)) is not None
]
_ADD_ON_CASES = [
    (r.drug, r.min_mg_per_day) for r in DOSES.augmentation.values() if r.min_mg_per_day
]


def test_dose_table__covers_the_rows_and_every_table() -> None:
    assert len({drug for drug, _, _ in _AD_CASES}) >= 35
    assert {table for _, table, _ in _AD_CASES} == set(_TABLES)


@pytest.mark.parametrize(("drug", "table", "minimum"), _AD_CASES)
def test_dose_table__at_minimum_adequate_just_below_inadequate(
    drug: str, table: str, minimum: float
) -> None:
    policy = EMA.model_copy(update={"dose_table": table})
    at = _judge(_trial(drug, dose_mg_per_day=minimum), policy)
    assert at.verdict is Verdict.adequate_failure, at.because
    assert at.min_dose_mg_per_day == minimum
    below = _judge(_trial(drug, dose_mg_per_day=minimum * 0.99), policy)
    assert below.verdict is Verdict.inadequate_dose, below.because


@pytest.mark.parametrize(("drug", "minimum"), _ADD_ON_CASES)
def test_dose_table__add_on_at_minimum_adequate_just_below_inadequate(
    drug: str, minimum: float
) -> None:
    at = _judge(_trial(drug, role="augmentation", dose_mg_per_day=minimum))
    assert at.verdict is Verdict.adequate_failure, at.because
    below = _judge(_trial(drug, role="augmentation", dose_mg_per_day=minimum * 0.99))
    assert below.verdict is Verdict.inadequate_dose, below.because


@pytest.mark.parametrize("procedure", [p for p, c in DOSES.procedures.items() if c.min_sessions])
def test_dose_table__course_at_minimum_adequate_just_below_inadequate(procedure: str) -> None:
    sessions = DOSES.procedures[procedure].min_sessions
    assert sessions is not None
    trial = {"procedure": procedure, "outcome": "no_response"}
    assert _judge({**trial, "sessions": sessions}, SFORZINI).verdict is Verdict.adequate_failure
    short = _judge({**trial, "sessions": sessions - 1}, SFORZINI)
    assert short.verdict is Verdict.inadequate_duration


# ---------------------------------------------------------------- the table's loader


def _load_with(monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    header, body = drug_doses_module.read_yaml_table("drug_doses.yaml")
    change(body)
    monkeypatch.setattr(drug_doses_module, "read_yaml_table", lambda _path: (header, body))
    drug_doses_module.load_drug_doses.__wrapped__()


def test_drug_doses__unknown_drug_id_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def change(body: dict[str, Any]) -> None:
        body["antidepressants"].append({"drug": "zzz_unknown", "sources": ["mgh_atrq"]})

    with pytest.raises(KnowledgeError, match="zzz_unknown"):
        _load_with(monkeypatch, change)


def test_drug_doses__uncited_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def change(body: dict[str, Any]) -> None:
        body["antidepressants"][0] = {"drug": "citalopram", "atrq": 20, "sources": ["canmat2023"]}

    with pytest.raises(KnowledgeError, match="without citing mgh_atrq"):
        _load_with(monkeypatch, change)


def test_drug_doses__missing_threshold_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def change(body: dict[str, Any]) -> None:
        del body["thresholds"]["early_stop_weeks"]

    with pytest.raises(KnowledgeError, match="early_stop_weeks"):
        _load_with(monkeypatch, change)


def test_drug_doses__repeated_row_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def change(body: dict[str, Any]) -> None:
        body["augmentation"].append(dict(body["augmentation"][0]))

    with pytest.raises(KnowledgeError, match="repeats"):
        _load_with(monkeypatch, change)


# ---------------------------------------------------------------- properties

_DRUGS = sorted({drug for drug, table, _ in _AD_CASES if table == "atrq"})
_trials = st.fixed_dictionaries(
    {
        "drug": st.sampled_from(_DRUGS),
        "dose_mg_per_day": st.floats(1, 1000),
        "weeks_at_dose": st.floats(0, 60),
        "adherence": st.sampled_from(["good", "partial", "poor", "unknown"]),
        "outcome": st.sampled_from(["no_response", "partial_response", "intolerance", "response"]),
        "improvement_pct": st.none() | st.floats(0, 100),
    }
)
_policies = st.sampled_from(list(POLICIES.values()))


@settings(max_examples=60, deadline=None)
@given(
    trial=_trials,
    policy=_policies,
    more_dose=st.floats(0, 2000),
    more_weeks=st.floats(0, 100),
)
def test_judge_trials__more_dose_or_weeks_never_undoes_an_adequate_failure(
    trial: dict[str, Any], policy: PolicyDefinition, more_dose: float, more_weeks: float
) -> None:
    if trial["improvement_pct"] is None:
        del trial["improvement_pct"]
    before = _judge(trial, policy)
    raised = {
        **trial,
        "dose_mg_per_day": trial["dose_mg_per_day"] + more_dose,
        "weeks_at_dose": trial["weeks_at_dose"] + more_weeks,
    }
    after = _judge(raised, policy)
    if before.counts_as_failure:
        assert after.counts_as_failure and after.verdict is Verdict.adequate_failure


@settings(max_examples=40, deadline=None)
@given(trial=_trials, policy=_policies)
def test_judge_trials__intolerance_never_counts(
    trial: dict[str, Any], policy: PolicyDefinition
) -> None:
    trial = {k: v for k, v in trial.items() if v is not None} | {"outcome": "intolerance"}
    v = _judge(trial, policy)
    assert v.verdict is Verdict.intolerance
    assert not v.counts_as_failure and not v.naive_failure


@settings(max_examples=40, deadline=None)
@given(trial=_trials, policy=_policies, by_date=st.booleans())
def test_judge_trials__prior_episode_trials_never_count(
    trial: dict[str, Any], policy: PolicyDefinition, by_date: bool
) -> None:
    trial = {k: v for k, v in trial.items() if v is not None}
    trial |= {"start": "2024-01-01"} if by_date else {"episode": "prior"}
    v = _judge(trial, policy)
    assert v.verdict is Verdict.prior_episode
    assert not v.counts_as_failure and not v.naive_failure
