"""Invalid records are rejected with messages that name the field path and what is allowed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from trdkit.record import RecordError, parse_record_text, validate_record

BASE: dict[str, Any] = {
    "format": "trdkit.patient/1",
    "id": "t-1",
    "assessed_on": "2026-06-01",
    "age": 40,
    "current_episode": {"onset": "2026-01-01", "symptoms": {"depressed_mood": True}},
    "treatments": [
        {
            "drug": "sertraline",
            "dose_mg_per_day": 100,
            "start": "2026-02-01",
            "end": "2026-04-01",
            "outcome": "no_response",
        }
    ],
    "scales": [{"instrument": "phq9", "date": "2026-05-01", "items": [1, 2, 1, 1, 0, 1, 1, 0, 0]}],
}


def _reject(mutate: Any) -> RecordError:
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(RecordError) as info:
        validate_record(data)
    return info.value


def _paths(err: RecordError) -> list[str]:
    return [issue.path for issue in err.issues]


def test_validate_record__base_is_valid() -> None:
    record = validate_record(copy.deepcopy(BASE))
    assert record.treatments[0].drug == "sertraline"


def test_validate_record__unknown_top_level_key_suggests_the_close_one() -> None:
    err = _reject(lambda d: d.update(alergies=["x"]))
    assert _paths(err) == ["alergies"]
    assert "did you mean 'allergies'" in str(err)


def test_validate_record__unknown_nested_key_names_its_path() -> None:
    err = _reject(lambda d: d["current_episode"]["symptoms"].update(depresed_mood=True))
    assert _paths(err) == ["current_episode.symptoms.depresed_mood"]
    assert "did you mean 'depressed_mood'" in str(err)


def test_validate_record__phq9_answer_out_of_range_names_the_item() -> None:
    err = _reject(lambda d: d["scales"][0]["items"].__setitem__(2, 4))
    assert _paths(err) == ["scales[0].items[2]"]
    assert "0-3" in str(err)


def test_validate_record__wrong_item_count() -> None:
    err = _reject(lambda d: d["scales"][0].update(items=[1, 2, 3]))
    assert _paths(err) == ["scales[0].items"]
    assert "has 9 items; 3 were given" in str(err)


def test_validate_record__items_and_total_together_rejected() -> None:
    err = _reject(lambda d: d["scales"][0].update(total=9))
    assert _paths(err) == ["scales[0].total"]


def test_validate_record__total_out_of_range() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["scales"][0].pop("items")
        d["scales"][0]["total"] = 28

    err = _reject(mutate)
    assert _paths(err) == ["scales[0].total"]
    assert "0-27" in str(err)


def test_validate_record__extra_field_of_another_instrument() -> None:
    err = _reject(lambda d: d["scales"][0].update(same_period=True))
    assert _paths(err) == ["scales[0].same_period"]
    assert "difficulty" in str(err)


def test_validate_record__unknown_instrument_lists_allowed_values() -> None:
    err = _reject(lambda d: d["scales"][0].update(instrument="phq10"))
    assert _paths(err) == ["scales[0].instrument"]
    assert "'phq9'" in str(err) and "'madrs'" in str(err)


def test_validate_record__impossible_date() -> None:
    err = _reject(lambda d: d["treatments"][0].update(start="2026-02-30"))
    assert _paths(err) == ["treatments[0].start"]
    assert "2026-02-30" in str(err)


def test_validate_record__impossible_date_in_yaml_text_names_the_field() -> None:
    text = "id: t-2\nassessed_on: 2026-02-30\n"
    with pytest.raises(RecordError) as info:
        validate_record(parse_record_text(text))
    assert _paths(info.value) == ["assessed_on"]


def test_validate_record__end_before_start() -> None:
    err = _reject(lambda d: d["treatments"][0].update(end="2026-01-15"))
    assert _paths(err) == ["treatments[0].end"]
    assert "before start" in str(err)


def test_validate_record__negative_dose() -> None:
    err = _reject(lambda d: d["treatments"][0].update(dose_mg_per_day=-5))
    assert _paths(err) == ["treatments[0].dose_mg_per_day"]
    assert "greater than 0" in str(err)


def test_validate_record__unknown_drug_suggests_close_match() -> None:
    err = _reject(lambda d: d["treatments"][0].update(drug="sertralin"))
    assert _paths(err) == ["treatments[0].drug"]
    assert "sertraline" in str(err)


def test_validate_record__unknown_augmentation_partner() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["treatments"][0].update(role="augmentation", **{"with": ["venlafaxin"]})

    err = _reject(mutate)
    assert _paths(err) == ["treatments[0].with[0]"]
    assert "venlafaxine" in str(err)


def test_validate_record__unknown_enum_value_lists_allowed() -> None:
    err = _reject(lambda d: d["treatments"][0].update(outcome="failed"))
    assert _paths(err) == ["treatments[0].outcome"]
    assert "'no_response'" in str(err) and "'intolerance'" in str(err)


def test_validate_record__tri_state_rejects_yes() -> None:
    err = _reject(lambda d: d["current_episode"]["symptoms"].update(anhedonia="yes"))
    assert _paths(err) == ["current_episode.symptoms.anhedonia"]


def test_validate_record__date_after_assessment() -> None:
    err = _reject(lambda d: d["scales"][0].update(date="2026-07-01"))
    assert _paths(err) == ["scales[0].date"]
    assert "after assessed_on" in str(err)


def test_validate_record__age_out_of_range() -> None:
    err = _reject(lambda d: d.update(age=130))
    assert _paths(err) == ["age"]


def test_validate_record__missing_id() -> None:
    err = _reject(lambda d: d.pop("id"))
    assert _paths(err) == ["id"]
    assert "required" in str(err).lower()


def test_validate_record__not_a_mapping() -> None:
    with pytest.raises(RecordError, match="mapping"):
        validate_record(["not", "a", "record"])


def test_parse_record_text__yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(RecordError, match="line 2"):
        parse_record_text("id: x\n  bad: [unclosed\n")


def test_validate_record__several_problems_all_listed() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["age"] = -1
        d["treatments"][0]["outcome"] = "bad"

    err = _reject(mutate)
    assert set(_paths(err)) == {"age", "treatments[0].outcome"}
