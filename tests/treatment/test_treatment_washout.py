"""Washouts between MAO inhibitors and interacting drugs: never an immediate start."""

from __future__ import annotations

import datetime as dt

import pytest
from treatment_records import ASSESSED_ON, base, option, run, with_

from trdkit.knowledge.washouts import load_washouts

TODAY = dt.date.fromisoformat(ASSESSED_ON)


@pytest.mark.parametrize(
    ("taken", "days"),
    [("fluoxetine", 35), ("sertraline", 14), ("venlafaxine", 7), ("duloxetine", 5),
     ("vortioxetine", 21), ("bupropion", 14), ("nortriptyline", 14), ("tramadol", 14)],
)  # fmt: skip
def test_washout__before_an_maoi(taken: str, days: int) -> None:
    maoi = option(run(with_({"current_medications": [taken]})), "switch_maoi")
    assert maoi is not None and maoi.washout is not None
    assert maoi.washout.stop == taken
    assert maoi.washout.wait_days == days
    assert maoi.washout.earliest_start == TODAY + dt.timedelta(days=days)


def test_washout__fluoxetine_to_maoi_is_35_days_with_its_source() -> None:
    maoi = option(run(with_({"current_medications": ["fluoxetine"]})), "switch_maoi")
    assert maoi is not None and maoi.washout is not None
    assert any("wait 35 days" in b and "APA 2010" in b for b in maoi.washout.because)
    assert any("washout first" in b for b in maoi.because)


def test_washout__maoi_to_ssri_is_14_days() -> None:
    a = run(with_({"current_medications": ["phenelzine"]}))
    same = option(a, "switch_same_class")
    assert same is not None and same.washout is not None
    assert {ag.drug for ag in same.agents} & {"escitalopram", "citalopram"}
    assert (same.washout.stop, same.washout.wait_days) == ("phenelzine", 14)
    assert same.washout.earliest_start == TODAY + dt.timedelta(days=14)


def test_washout__recently_stopped_fluoxetine_counts_from_its_end() -> None:
    ended = TODAY - dt.timedelta(days=10)
    trial = {"drug": "fluoxetine", "dose_mg_per_day": 40, "start": "2026-08-01",
             "end": ended.isoformat(), "adherence": "good", "outcome": "no_response"}  # fmt: skip
    a = run(with_({"treatments": [*base()["treatments"], trial]}))
    maoi = option(a, "switch_maoi")
    assert maoi is not None and maoi.washout is not None
    assert maoi.washout.earliest_start == ended + dt.timedelta(days=35)
    assert any(f"stopped on {ended}" in b for b in maoi.washout.because)


def test_washout__elapsed_wait_needs_no_step() -> None:
    trial = {"drug": "fluoxetine", "dose_mg_per_day": 40, "start": "2026-01-01",
             "end": "2026-03-01", "adherence": "good", "outcome": "no_response"}  # fmt: skip
    maoi = option(run(with_({"treatments": [*base()["treatments"], trial]})), "switch_maoi")
    assert maoi is not None and maoi.washout is None


def test_washout__several_drugs_longest_sets_the_start() -> None:
    maoi = option(run(with_({"current_medications": ["venlafaxine", "fluoxetine"]})), "switch_maoi")
    assert maoi is not None and maoi.washout is not None
    assert maoi.washout.stop == "fluoxetine" and maoi.washout.also_stop == ["venlafaxine"]


def test_washout__moclobemide_wait_is_marked_uncertain() -> None:
    same = option(run(with_({"current_medications": ["moclobemide"]})), "switch_same_class")
    assert same is not None and same.washout is not None
    assert same.washout.wait_days == 1
    assert any("uncertain" in b for b in same.washout.because)


def test_washout__caution_only_drugs_are_not_washed_out() -> None:
    caution_only = {c.drug for c in load_washouts().settings.caution_only}
    assert {"lithium", "esketamine"} <= caution_only
    maoi = option(run(with_({"current_medications": ["lithium"]})), "switch_maoi")
    assert maoi is not None and maoi.washout is None
    assert any("maoi_with_lithium" in c for c in maoi.cautions)


def test_washout__none_without_an_maoi_on_either_side() -> None:
    a = run(with_({"current_medications": ["sertraline"]}))
    assert all(o.washout is None for o in a.options if o.id.value != "switch_maoi")
