"""Thase-Rush staging: every chain of failed classes up to four trials, with and without ECT."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest
from staging_builders import DRUGS_BY_GROUP, add_on_trial, drug_trials, ect_trial, record, verdict

from trdkit.knowledge.staging import StagingTable, load_staging_table
from trdkit.record.vocab import Episode
from trdkit.resistance.model import TrialVerdict
from trdkit.resistance.staging.thase_rush import chain_stage, stage_thase_rush

GROUPS = ("ssri", "snri", "tca", "maoi", "other")
CHAINS = [c for n in range(5) for c in itertools.combinations_with_replacement(GROUPS, n)]
ECT_KINDS = (None, "bilateral", "right_unilateral")


def _distinct_after(counts: Counter[str], removed: tuple[str, ...]) -> int:
    left = counts.copy()
    for group in removed:
        if left[group] == 0:
            return -1
        left[group] -= 1
    return sum(1 for n in left.values() if n > 0)


def oracle(chain: tuple[str, ...], bilateral: int, *, own: bool) -> int:
    """Stage by the published rules, written out one condition per stage."""
    counts = Counter(chain)
    if own:
        conditions = [
            len(chain) >= 1,
            _distinct_after(counts, ()) >= 2,
            _distinct_after(counts, ("tca",)) >= 2,
            _distinct_after(counts, ("tca", "maoi")) >= 2,
            _distinct_after(counts, ("tca", "maoi")) >= 2 and bilateral >= 1,
        ]
    else:
        two = len(counts) >= 2
        conditions = [
            len(chain) >= 1,
            two,
            two and counts["tca"] > 0,
            two and counts["tca"] > 0 and counts["maoi"] > 0,
            two and counts["tca"] > 0 and counts["maoi"] > 0 and bilateral >= 1,
        ]
    return sum(1 for _ in itertools.takewhile(bool, conditions))


def build(chain: tuple[str, ...], ect: str | None) -> tuple[Any, list[TrialVerdict]]:
    rows: list[dict[str, Any]] = []
    verdicts: list[TrialVerdict] = []
    used: Counter[str] = Counter()
    for i, group in enumerate(chain):
        options = DRUGS_BY_GROUP[group]
        name, cls = options[used[group] % len(options)]
        used[group] += 1
        rows.append({"drug": name, "weeks_at_dose": 8, "outcome": "no_response"})
        verdicts.append(verdict(i, name, "antidepressant", cls))
    if ect is not None:
        row, v = ect_trial(len(rows), ect)
        rows.append(row)
        verdicts.append(v)
    return record(rows), verdicts


def with_own_trial(own: bool) -> StagingTable:
    table = load_staging_table()
    rule = table.thase_rush.own_trial_per_stage.model_copy(update={"value": own})
    rules = table.thase_rush.model_copy(update={"own_trial_per_stage": rule})
    return table.model_copy(update={"thase_rush": rules})


@pytest.mark.parametrize("ect", ECT_KINDS)
@pytest.mark.parametrize("chain", CHAINS, ids="-".join)
def test_stage_thase_rush__matches_the_chain_rules(chain: tuple[str, ...], ect: str | None) -> None:
    rec, verdicts = build(chain, ect)
    stage, breakdown = stage_thase_rush(rec, verdicts, [])
    assert stage == oracle(chain, int(ect == "bilateral"), own=True)
    assert breakdown.items["stage"] == stage
    assert sum(int(breakdown.items[g] or 0) for g in GROUPS) == len(chain)
    assert breakdown.because


@pytest.mark.parametrize("chain", [c for c in CHAINS if len(c) >= 2], ids="-".join)
def test_stage_thase_rush__set_reading_matches_its_oracle(chain: tuple[str, ...]) -> None:
    rec, verdicts = build(chain, "bilateral")
    stage, _ = stage_thase_rush(rec, verdicts, [], table=with_own_trial(False))
    assert stage == oracle(chain, 1, own=False)


def test_chain_stage__stage_counts_up_to_five() -> None:
    steps = load_staging_table().thase_rush.stages
    counts = {"ssri": 1, "snri": 1, "tca": 1, "maoi": 1, "bilateral_ect": 1}
    assert chain_stage(steps, counts, own_trial_per_stage=True) == (
        5,
        ["ssri", "snri", "tca", "maoi", "bilateral_ect"],
    )


def test_stage_thase_rush__ssri_then_tca_is_stage_two_and_says_the_set_reading() -> None:
    rec, verdicts = build(("ssri", "tca"), None)
    stage, breakdown = stage_thase_rush(rec, verdicts, [])
    assert stage == 2
    assert any("would give Stage III" in b and "[U]" in b for b in breakdown.because)
    assert any(b.startswith("Stage III not reached") for b in breakdown.because)


def test_stage_thase_rush__no_failure_is_stage_zero() -> None:
    stage, breakdown = stage_thase_rush(record(), [], [])
    assert stage == 0
    assert "Stage 0" in breakdown.because[0]


def test_stage_thase_rush__same_class_twice_stays_stage_one() -> None:
    rec, verdicts = build(("ssri", "ssri"), None)
    stage, breakdown = stage_thase_rush(rec, verdicts, [])
    assert stage == 1
    assert any("distinctly different class" in b for b in breakdown.because)


def test_stage_thase_rush__unilateral_or_unknown_ect_never_reaches_five() -> None:
    drugs = [DRUGS_BY_GROUP[g][0] for g in ("ssri", "snri", "tca", "maoi")]
    rows, verdicts = drug_trials(drugs)
    for laterality, text in (("right_unilateral", "needs bilateral"), (None, "not recorded")):
        row, ect = ect_trial(len(rows), laterality)
        stage, breakdown = stage_thase_rush(record([*rows, row]), [*verdicts, ect], [])
        assert stage == 4
        assert breakdown.items["bilateral_ect"] == 0
        assert any(text in b for b in breakdown.because)


def test_stage_thase_rush__inadequate_prior_and_add_on_trials_do_not_count() -> None:
    aug_row, aug = add_on_trial(3, "lithium", "mood_stabiliser")
    rows = [
        {"drug": "sertraline", "weeks_at_dose": 8, "outcome": "no_response"},
        {"drug": "venlafaxine", "weeks_at_dose": 3, "outcome": "no_response"},
        {"drug": "nortriptyline", "episode": "prior", "weeks_at_dose": 8, "outcome": "no_response"},
        aug_row,
    ]
    verdicts = [
        verdict(0, "sertraline", "antidepressant", "ssri"),
        verdict(1, "venlafaxine", "antidepressant", "snri", adequate=False),
        verdict(2, "nortriptyline", "antidepressant", "tca", episode=Episode.prior),
        aug,
    ]
    stage, breakdown = stage_thase_rush(record(rows), verdicts, [])
    assert stage == 1
    assert breakdown.items["snri"] == 0 and breakdown.items["tca"] == 0


def test_stage_thase_rush__unmapped_class_is_named_and_not_counted() -> None:
    rows = [{"drug": "quetiapine", "weeks_at_dose": 8, "outcome": "no_response"}]
    verdicts = [verdict(0, "quetiapine", "antidepressant", "sga")]
    stage, breakdown = stage_thase_rush(record(rows), verdicts, [])
    assert stage == 0
    assert any("quetiapine (sga): no Thase-Rush class" in b for b in breakdown.because)
