"""Property of the ``bipolarity_risk`` flag: adding a bipolarity sign never removes it."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from trdkit.record import validate_record
from trdkit.record.vocab import Outcome
from trdkit.resistance.bipolarity import bipolarity_flag
from trdkit.resistance.model import TrialCategory, TrialVerdict, Verdict
from trdkit.scales import score_scales

SHORT_PRIORS = [{"start": f"20{y}-01-01", "end": f"20{y}-02-01"} for y in (20, 21, 22)]
POSITIVE_SCREENS: dict[str, dict[str, Any]] = {
    "mdq": {"instrument": "mdq", "total": 9, "same_period": True, "problem": "serious"},
    "hcl32": {"instrument": "hcl32", "total": 20},
    "bipolarity_index": {
        "instrument": "bipolarity_index",
        "domains": {
            "episode": 20,
            "age_at_onset": 15,
            "course": 10,
            "response": 5,
            "family_history": 5,
        },
    },
}


def _verdict(index: int, drug: str, outcome: Outcome = Outcome.no_response) -> TrialVerdict:
    failed = outcome is Outcome.no_response
    return TrialVerdict(
        index=index,
        treatment=drug,
        category=TrialCategory.antidepressant,
        outcome=outcome,
        adequate=True,
        failed_outcome=failed,
        naive_failure=failed,
        counts_as_failure=failed,
        verdict=Verdict.adequate_failure if failed else Verdict.response_lost,
        because=["built by the test"],
    )


# --- property: adding a sign never removes the flag --------------------------------------------


def _add_sign(state: dict[str, Any], sign: str) -> None:
    history, episode = state["history"], state["episode"]
    if sign == "manic":
        history["manic_or_hypomanic_episode"] = True
    elif sign == "induced":
        history["antidepressant_induced_hypomania"] = True
    elif sign == "family":
        history["family_history_bipolar"] = "first_degree"
    elif sign in ("mixed_features", "atypical", "peripartum_onset"):
        episode["specifiers"].append(sign)
    elif sign == "psychotic":
        episode["psychotic_features"] = "mood_congruent"
    elif sign == "early_onset":
        history["age_at_first_episode"] = 18
    elif sign == "recurrent":
        history.setdefault("prior_episodes", []).extend(SHORT_PRIORS)
    elif sign == "brief":
        history.setdefault("prior_episodes", []).append(
            {"start": "2019-01-01", "end": "2019-02-01"}
        )
    elif sign == "nonresponse":
        state["verdicts"] += [_verdict(i, f"drug{i}") for i in range(3)]
    elif sign == "wear_off":
        state["verdicts"].append(_verdict(5, "escitalopram", Outcome.response_lost))
    elif sign in ("mdq", "hcl32", "bipolarity_index"):
        state["scales"].append({"date": "2026-05-01", **POSITIVE_SCREENS[sign]})


PROPERTY_SIGNS = [
    "manic",
    "induced",
    "family",
    "mixed_features",
    "atypical",
    "peripartum_onset",
    "psychotic",
    "early_onset",
    "recurrent",
    "brief",
    "nonresponse",
    "wear_off",
    "mdq",
    "hcl32",
    "bipolarity_index",
]


def _raised(state: dict[str, Any]) -> bool:
    rec = validate_record(
        {
            "id": "prop",
            "assessed_on": "2026-06-01",
            "history": copy.deepcopy(state["history"]),
            "current_episode": copy.deepcopy(state["episode"]),
            "scales": state["scales"],
        }
    )
    return bipolarity_flag(rec, score_scales(rec.scales), state["verdicts"]) is not None


@settings(max_examples=40, deadline=None)
@given(
    base=st.sets(st.sampled_from(PROPERTY_SIGNS)),
    extra=st.sampled_from(PROPERTY_SIGNS),
)
def test_bipolarity_flag__adding_a_sign_never_removes_it(base: set[str], extra: str) -> None:
    state: dict[str, Any] = {
        "history": {},
        "episode": {"specifiers": []},
        "scales": [],
        "verdicts": [],
    }
    for sign in sorted(base - {extra}):
        _add_sign(state, sign)
    before = _raised(state)
    _add_sign(state, extra)
    after = _raised(state)
    assert after or not before
