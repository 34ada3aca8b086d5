"""Valid records load: the contract's full example, every project example, name resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES
from trdkit.record import load_record, validate_record
from trdkit.record.vocab import Procedure


def test_load_record__contract_full_example(shared_dir: Path) -> None:
    record = load_record(shared_dir / "contract" / "examples" / "full-record.yaml")
    assert record.id == "example-01"
    assert record.genetics is not None and record.genetics.httlpr5 == "L/S"
    ect = next(t for t in record.treatments if t.procedure is Procedure.ect)
    assert ect.sessions == 10
    assert record.treatments[1].with_ == ["venlafaxine"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_load_record__project_examples(path: Path) -> None:
    assert load_record(path).id.startswith("demo-")


def test_load_record__missing_file_is_a_record_error(tmp_path: Path) -> None:
    from trdkit.record import RecordError

    with pytest.raises(RecordError, match="cannot read file"):
        load_record(tmp_path / "absent.yaml")


def test_validate_record__brand_name_resolves_to_generic() -> None:
    rec = validate_record({"id": "b", "treatments": [{"drug": "ZOLOFT", "outcome": "ongoing"}]})
    assert rec.treatments[0].drug == "sertraline"


def test_validate_record__esketamine_drug_read_as_procedure() -> None:
    rec = validate_record({"id": "b", "treatments": [{"drug": "esketamine"}]})
    assert rec.treatments[0].procedure is Procedure.esketamine
    assert rec.treatments[0].drug is None


def test_validate_record__unknown_current_medication_kept_not_rejected() -> None:
    rec = validate_record({"id": "b", "current_medications": ["Zoloft", "unobtainium"]})
    assert rec.current_medications == ["sertraline", "unobtainium"]


def test_validate_record__unknown_stays_none() -> None:
    rec = validate_record(
        {"id": "b", "age": "unknown", "current_episode": {"symptoms": {"fatigue": "unknown"}}}
    )
    assert rec.age is None
    assert rec.symptoms.fatigue is None
    assert rec.symptoms.anhedonia is None


def test_treatment_duration__weeks_at_dose_wins_over_dates() -> None:
    rec = validate_record(
        {
            "id": "b",
            "treatments": [
                {
                    "drug": "sertraline",
                    "start": "2026-01-01",
                    "end": "2026-03-01",
                    "weeks_at_dose": 5,
                }
            ],
        }
    )
    assert rec.treatments[0].duration_weeks() == 5
