"""Signed 64-bit person ids stay exact from input to output, in CSV and in Parquet."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trdkit.cli import app

IDS = [-(2**63), 2**63 - 1, 2**53 + 1, -(2**53) - 1, 0, 7000818053728441484]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cohort_phenotype__extreme_ids_survive_the_round_trip(tmp_path: Path, suffix: str) -> None:
    exposures = pl.DataFrame(
        {
            "person_id": IDS,
            "drug": ["sertraline"] * len(IDS),
            "start_date": ["2020-01-01"] * len(IDS),
            "end_date": ["2020-03-01"] * len(IDS),
        }
    )
    diagnoses = pl.DataFrame(
        {
            "person_id": IDS[:2],
            "date": ["2020-01-01"] * 2,
            "system": ["icd10cm"] * 2,
            "code": ["F32.1"] * 2,
        }
    )
    paths = [tmp_path / f"exposures{suffix}", tmp_path / f"diagnoses{suffix}"]
    for frame, path in zip((exposures, diagnoses), paths, strict=True):
        frame.write_parquet(path) if suffix == ".parquet" else frame.write_csv(path)
    prefix = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "cohort",
            "phenotype",
            "--exposures",
            str(paths[0]),
            "--diagnoses",
            str(paths[1]),
            "--out",
            str(prefix),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = Path(f"{prefix}.patients.tsv").read_text().splitlines()
    written = [int(line.split("\t", 1)[0]) for line in lines[1:]]
    # Written as exact integers, sorted, none rounded through a float.
    assert written == sorted(IDS)
    assert str(2**63 - 1) in lines[-1]
