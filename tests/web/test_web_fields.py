"""Form text <-> record JSON: paths, conversions, error placement; the intake and trial forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from trdkit.record import FieldIssue, validate_record
from trdkit.web.fields import (
    FormField,
    convert,
    delete_path,
    errors_by_field,
    flatten,
    get_path,
    set_path,
)
from trdkit.web.intake import intake_fields, intake_values, merge_intake
from trdkit.web.trial_forms import TRIAL_FIELDS, merge_trial

KEYS = st.text(alphabet="abcdefghij_", min_size=1, max_size=6)
PATHS = st.lists(
    st.one_of(KEYS, st.integers(min_value=0, max_value=3)), min_size=1, max_size=4
).filter(lambda parts: isinstance(parts[0], str))


def _path(parts: list[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@settings(max_examples=60, deadline=None)
@given(PATHS, st.integers())
def test_set_path__then_get_path_reads_the_value(parts: list[str | int], value: int) -> None:
    doc: dict[str, Any] = {}
    set_path(doc, _path(parts), value)
    assert get_path(doc, _path(parts)) == value


def test_delete_path__missing_steps_are_ignored() -> None:
    doc: dict[str, Any] = {"a": {"b": 1}}
    delete_path(doc, "a.b")
    delete_path(doc, "x.y.z")
    assert doc == {"a": {}}


def test_convert__kinds() -> None:
    assert convert(FormField("n", "N", "number"), "12") == 12
    assert convert(FormField("n", "N", "number"), "1.5") == 1.5
    assert convert(FormField("n", "N", "number"), "abc") == "abc"
    assert convert(FormField("n", "N", "number"), " ") is None
    assert convert(FormField("t", "T", "tri"), "yes") is True
    assert convert(FormField("t", "T", "tri"), "no") is False
    assert convert(FormField("t", "T", "tri"), "") is None
    assert convert(FormField("t", "T", "tri"), "maybe") == "maybe"
    assert convert(FormField("l", "L", "list"), "a, b,,c ") == ["a", "b", "c"]
    assert convert(FormField("r", "R", "radio"), "3") == 3
    assert convert(FormField("s", "S", "select"), "female") == "female"


def test_errors_by_field__known_paths_beside_fields_others_in_summary() -> None:
    issues = [
        FieldIssue("items[2]", "bad"),
        FieldIssue("with[0]", "unknown"),
        FieldIssue("history.x", "other"),
    ]
    by_field, general = errors_by_field(issues, ["items[2]", "with"])
    assert by_field == {"items[2]": ["bad"], "with": ["unknown"]}
    assert general == ["history.x: other"]


def test_intake__round_trip_keeps_the_record() -> None:
    record = {
        "id": "R1",
        "assessed_on": "2026-05-01",
        "age": 50,
        "sex": "male",
        "current_episode": {
            "onset": "2026-01-01",
            "symptoms": {"anhedonia": True},
            "catatonia": False,
        },
        "history": {"prior_episodes": [{"start": "2010-01-01", "end": "2010-06-01"}]},
        "labs": {"tsh_mu_per_l": 2.0},
    }
    fields = intake_fields(record)
    values = intake_values(record, dt.date(2026, 5, 1))
    merged = merge_intake(record, values, fields)
    assert merged == record
    validate_record(merged)


def test_intake__cleared_row_removes_the_prior_episode() -> None:
    record = {"id": "R1", "history": {"prior_episodes": [{"start": "2010-01-01"}]}}
    fields = intake_fields(record)
    values = {**flatten(record, fields), "history.prior_episodes[0].start": ""}
    assert "history" not in merge_intake(record, values, fields)


def test_trial__merge_keeps_fields_the_form_does_not_show() -> None:
    stored = {"drug": "lithium", "serum_level_mmol_per_l": 0.7, "role": "augmentation"}
    values = {**flatten(stored, TRIAL_FIELDS), "dose_mg_per_day": "800"}
    merged = merge_trial(stored, values)
    assert merged["serum_level_mmol_per_l"] == 0.7 and merged["dose_mg_per_day"] == 800
