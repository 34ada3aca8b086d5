"""The long layout: exposures, diagnoses and persons as CSV or Parquet, and what is rejected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from trdkit.cohort.pheno_io import CohortInputError, find_table, read_columns
from trdkit.cohort.tables import read_layout

D = dt.date


def _write(path: Path, frame: pl.DataFrame) -> Path:
    if path.suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)
    return path


def _layout(
    folder: Path,
    suffix: str,
    exposures: dict[str, list[object]],
    diagnoses: dict[str, list[object]],
) -> tuple[Path, Path]:
    return (
        _write(folder / f"exposures{suffix}", pl.DataFrame(exposures)),
        _write(folder / f"diagnoses{suffix}", pl.DataFrame(diagnoses)),
    )


DX = {"person_id": [1], "date": ["2020-01-01"], "system": ["icd10cm"], "code": ["F32.1"]}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_read_layout__csv_and_parquet_give_the_same_cohort(tmp_path: Path, suffix: str) -> None:
    exposures = {
        "person_id": [1, 1, 2],
        "drug": ["Zoloft", "venlafaxine XR", "Lithium carbonate"],
        "start_date": ["2020-01-01", "2020-03-01", "2021-05-05"],
        "end_date": ["2020-02-15", "2020-05-01", None],
        "days_supply": [None, None, 30],
        "dose_mg_per_day": [100.0, 150.0, 600.0],
    }
    expo, dx = _layout(tmp_path, suffix, exposures, DX)
    data = read_layout(expo, dx)
    assert data.exposures["drug"].to_list() == ["sertraline", "venlafaxine", "lithium"]
    # No end date: start + days supply, as OMOP's era builder reads an exposure.
    assert data.exposures["end"].to_list()[2] == D(2021, 6, 4)
    assert data.exposures["dose"].to_list() == [100.0, 150.0, 600.0]
    assert sorted(data.persons["person_id"].to_list()) == [1, 2]
    # Without a persons file, each person is observed from the first to the last event.
    first = data.persons.filter(pl.col("person_id") == 1).row(0, named=True)
    assert (first["obs_start"], first["obs_end"]) == (D(2020, 1, 1), D(2020, 5, 1))


def test_read_layout__rxnorm_column_resolves_through_the_catalogue(tmp_path: Path) -> None:
    exposures = {
        "person_id": [1, 1],
        "rxnorm": ["36437", None],
        "drug": [None, "amineptine"],
        "start_date": ["2020-01-01", "2020-01-01"],
    }
    expo, dx = _layout(tmp_path, ".csv", exposures, DX)
    data = read_layout(expo, dx)
    assert data.exposures["drug"].to_list() == ["sertraline", "amineptine"]
    # Unknown drugs are kept by name and reported, not rejected.
    assert any("amineptine" in note for note in data.notes)
    # Neither end date nor days supply: the exposure lasts one day.
    assert data.exposures["end"].to_list() == [D(2020, 1, 2)] * 2


def test_read_layout__persons_file_sets_birth_year_and_observation(tmp_path: Path) -> None:
    exposures = {"person_id": [7], "drug": ["sertraline"], "start_date": ["2020-01-01"]}
    expo, dx = _layout(tmp_path, ".csv", exposures, DX)
    persons = _write(
        tmp_path / "persons.csv",
        pl.DataFrame(
            {
                "person_id": [7, 8],
                "year_of_birth": [1980, None],
                "observation_end": ["2024-01-01", None],
            }
        ),
    )
    data = read_layout(expo, dx, persons)
    rows = {r["person_id"]: r for r in data.persons.iter_rows(named=True)}
    assert set(rows) == {1, 7, 8}  # person 1 comes from the diagnoses
    assert rows[7]["year_of_birth"] == 1980 and rows[7]["obs_end"] == D(2024, 1, 1)
    assert rows[8]["obs_end"] is None  # no event, no observation


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("outcome", "no_responce", "allowed: remission"),
        ("start_date", "2020-13-45", "not a valid date"),
        ("role", "add-on", "allowed: monotherapy"),
    ],
)
def test_read_layout__bad_values_name_the_column_and_what_is_allowed(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    exposures: dict[str, list[object]] = {
        "person_id": [1],
        "drug": ["sertraline"],
        "start_date": ["2020-01-01"],
        "outcome": ["no_response"],
        "role": ["monotherapy"],
    }
    exposures[column] = [value]
    expo, dx = _layout(tmp_path, ".csv", exposures, DX)
    with pytest.raises(CohortInputError) as info:
        read_layout(expo, dx)
    assert info.value.issues[0].path == column
    assert message in info.value.issues[0].message
    assert "exposures.csv" in str(info.value)


def test_read_layout__missing_required_column_is_named(tmp_path: Path) -> None:
    expo, dx = _layout(
        tmp_path,
        ".csv",
        {"person_id": [1], "drug": ["sertraline"], "start_date": ["2020-01-01"]},
        {"person_id": [1], "date": ["2020-01-01"], "code": ["F32.1"]},
    )
    with pytest.raises(CohortInputError) as info:
        read_layout(expo, dx)
    assert info.value.issues[0].path == "system"


def test_read_layout__unknown_coding_system_is_rejected(tmp_path: Path) -> None:
    expo, dx = _layout(
        tmp_path,
        ".csv",
        {"person_id": [1], "drug": ["sertraline"], "start_date": ["2020-01-01"]},
        {**DX, "system": ["read_v2"]},
    )
    with pytest.raises(CohortInputError, match="allowed: icd10cm"):
        read_layout(expo, dx)


def test_read_layout__an_exposure_ending_before_it_starts_is_rejected(tmp_path: Path) -> None:
    exposures = {
        "person_id": [1],
        "drug": ["sertraline"],
        "start_date": ["2020-02-01"],
        "end_date": ["2020-01-01"],
    }
    expo, dx = _layout(tmp_path, ".csv", exposures, DX)
    with pytest.raises(CohortInputError, match="ends before it starts"):
        read_layout(expo, dx)


def test_find_table__matches_table_names_without_regard_to_case(tmp_path: Path) -> None:
    (tmp_path / "PERSON.csv").write_text("person_id\n1\n")
    found = find_table(tmp_path, "person")
    assert found is not None and found.name == "PERSON.csv"
    assert find_table(tmp_path, "drug_era") is None


def test_read_columns__absent_optional_columns_come_back_empty(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", pl.DataFrame({"a": ["1", "2"]}))
    frame = read_columns(path, {"a": "int64", "b": "date"}, required=["a"])
    assert frame.schema == pl.Schema({"a": pl.Int64, "b": pl.Date})
    assert frame["b"].null_count() == 2
