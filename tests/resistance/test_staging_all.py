"""stage_all: every model runs on any mix of trials and fills ``trd.stages``."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from staging_builders import ANTIDEPRESSANTS, add_on_trial, ect_trial, record, verdict

from trdkit.record.vocab import Episode
from trdkit.resistance.model import Stages, TrialVerdict
from trdkit.resistance.staging import stage_all

EUROPEAN = {None, "non_responder", "CRD", *(f"TRD{n}" for n in range(1, 6))}

trial = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["drug", "augmentation", "combination", "ect"]),
        "drug": st.integers(min_value=0, max_value=len(ANTIDEPRESSANTS) - 1),
        "adequate": st.sampled_from([True, False, None]),
        "failed": st.booleans(),
        "laterality": st.sampled_from(["bilateral", "right_unilateral", None]),
        "prior": st.booleans(),
    }
)


def build(specs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[TrialVerdict]]:
    rows: list[dict[str, Any]] = []
    verdicts: list[TrialVerdict] = []
    for i, s in enumerate(specs):
        name, cls = ANTIDEPRESSANTS[s["drug"]]
        episode = Episode.prior if s["prior"] else Episode.current
        if s["kind"] == "ect":
            row, _ = ect_trial(i, s["laterality"])
            name, category, cls = "ect", "neuromodulation", None
        elif s["kind"] == "drug":
            row = {"drug": name, "weeks_at_dose": 8, "outcome": "no_response"}
            category = "antidepressant"
        else:
            row, _ = add_on_trial(i, name, cls, role=s["kind"])
            category = s["kind"]
        rows.append(row)
        verdicts.append(
            verdict(i, name, category, cls, adequate=s["adequate"], failed=s["failed"],
                    episode=episode)
        )  # fmt: skip
    return rows, verdicts


@settings(max_examples=60, deadline=None)
@given(
    st.lists(trial, max_size=9),
    st.sampled_from([None, "mild", "moderate", "severe"]),
    st.integers(min_value=0, max_value=60),
)
def test_stage_all__values_stay_in_range(
    specs: list[dict[str, Any]], severity: str | None, months: int
) -> None:
    rows, verdicts = build(specs)
    episode: dict[str, Any] = {"duration_months": months}
    if severity is not None:
        episode["severity"] = severity
    stages = stage_all(record(rows, episode=episode), verdicts, [])
    assert stages.thase_rush is not None and 0 <= stages.thase_rush <= 5
    assert stages.european in EUROPEAN
    assert stages.mgh_s is not None and stages.mgh_s >= 0
    if stages.maudsley is not None:
        assert 3 <= stages.maudsley.score <= 15
        assert severity is not None
    assert set(stages.breakdown) == {"thase_rush", "european", "mgh_s", "maudsley"}
    assert all(b.because for b in stages.breakdown.values())
    assert Stages.model_validate_json(stages.model_dump_json()) == stages


def test_stage_all__empty_record_is_stage_zero_and_null() -> None:
    stages = stage_all(record(), [], [])
    assert (stages.thase_rush, stages.european, stages.mgh_s, stages.maudsley) == (
        0,
        None,
        0.0,
        None,
    )
