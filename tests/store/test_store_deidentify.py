"""De-identified records: pseudonymous ids, dates shifted as a block, ages capped, no free text."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from store_records import EXAMPLES, example_data

from trdkit.record import load_record, validate_record
from trdkit.store.deidentify import date_offset_days, deidentify_record, pseudonym

KEY = b"test-key"


@settings(max_examples=50)
@given(patient_id=st.uuids().map(str))
def test_date_offset_days__nonzero_within_a_year(patient_id: str) -> None:
    days = date_offset_days(KEY, patient_id)
    assert days != 0 and -365 <= days <= 365


def test_pseudonym__stable_per_key_and_different_across_keys() -> None:
    assert pseudonym(KEY, "p1") == pseudonym(KEY, "p1")
    assert pseudonym(KEY, "p1") != pseudonym(KEY, "p2")
    assert pseudonym(KEY, "p1") != pseudonym(b"other", "p1")


def test_deidentify_record__every_example_is_valid_and_shifted() -> None:
    for path in EXAMPLES:
        record = load_record(path)
        doc = deidentify_record(record, KEY, "pid-" + path.stem)
        again = validate_record(doc)
        assert again.id.startswith("P-") and record.id not in str(doc)
        shift = dt.timedelta(days=date_offset_days(KEY, "pid-" + path.stem))
        assert again.assessed_on == record.assessed_on + shift
        assert [s.date for s in again.scales] == [s.date + shift for s in record.scales]
        for before, after in zip(record.treatments, again.treatments, strict=True):
            assert before.duration_weeks() == after.duration_weeks()


def test_deidentify_record__drops_free_text_and_caps_age() -> None:
    data = example_data()
    data["age"] = 97
    data["history"]["diagnoses"] = [{"system": "icd10cm", "code": "F33.2", "display": "Jane"}]
    data["genetics"] = {"vcf": "/home/jane/jane.vcf", "sample": "JANE_DOE"}
    doc = deidentify_record(validate_record(data), KEY, "pid")
    assert doc["age"] == 90
    assert doc["history"]["diagnoses"] == [{"system": "icd10cm", "code": "F33.2"}]
    assert "vcf" not in doc["genetics"] and "sample" not in doc["genetics"]
    assert "Jane" not in str(doc) and "JANE" not in str(doc)
