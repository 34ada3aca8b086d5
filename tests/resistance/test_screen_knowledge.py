"""The knowledge behind the false-TRD screen: bipolarity.yaml and the flags.yaml settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from trdkit.knowledge.bipolarity import load_bipolarity_table
from trdkit.knowledge.flags import load_flag_table
from trdkit.record import validate_record
from trdkit.record.vocab import Comorbidity, Instrument, Specifier
from trdkit.resistance.bipolarity import bipolarity_signs


def test_bipolarity_table__ghaemi_structure_is_two_c_and_nine_d_items() -> None:
    table = load_bipolarity_table()
    items = sorted(s.ghaemi_item for s in table.signs if s.ghaemi_item)
    assert items == ["C1", "C2", *[f"D{n}" for n in range(1, 10)]]
    assert table.ghaemi.met(1, 2) and table.ghaemi.met(2, 1) and table.ghaemi.met(0, 6)
    assert not table.ghaemi.met(1, 1) and not table.ghaemi.met(0, 5)


def test_bipolarity_table__thresholds_match_the_reference() -> None:
    table = load_bipolarity_table()
    assert table.sign("early_onset").threshold == 25
    assert table.sign("recurrent_episodes").threshold == 4  # more than three episodes
    assert table.sign("brief_episodes").threshold == 3
    assert table.sign("antidepressant_nonresponse").threshold == 3


def test_bipolarity_table__screens_reuse_scale_cut_offs() -> None:
    screens = {s.instrument for s in load_bipolarity_table().screens}
    assert screens == {"mdq", "hcl32", "bipolarity_index"}
    assert screens <= {i.value for i in Instrument}


def test_bipolarity_table__uncertain_rows_are_tagged_u() -> None:
    table = load_bipolarity_table()
    uncertain = {s.id for s in table.signs if s.confidence == "U"}
    assert uncertain == {"mixed_features", "postpartum_onset", "antidepressant_wear_off"}


def test_bipolarity_signs__every_available_sign_is_evaluated() -> None:
    rec = validate_record({"id": "k", "assessed_on": "2026-06-01"})
    for finding in bipolarity_signs(rec, []):
        has_field = "no field" not in finding.evidence
        assert has_field == finding.sign.available, finding.sign.id


def test_bipolarity_signs__hyperthymic_temperament_is_never_available() -> None:
    rec = validate_record({"id": "k", "assessed_on": "2026-06-01"})
    finding = next(f for f in bipolarity_signs(rec) if f.sign.id == "hyperthymic_temperament")
    assert finding.present is None


def test_flag_settings__anxiety_values_are_record_vocabulary() -> None:
    settings = load_flag_table().settings
    assert set(settings.anxiety_comorbidities) <= {c.value for c in Comorbidity}
    assert set(settings.anxiety_specifiers) <= {s.value for s in Specifier}
    assert settings.gad7_anxiety_min_total == 10


@pytest.mark.parametrize("key", ["ghaemi2002", "mitchell2008", "aiken2015"])
def test_bipolarity_table__cites_the_reference_sources(key: str, shared_dir: Path) -> None:
    table = load_bipolarity_table()
    source = next(s for s in table.header.sources if s.key == key)
    reference = (shared_dir / "reference" / "clinical-rules.md").read_text()
    # The short citation's author name appears in the reference notes' source list.
    assert table.cite_as[key].split()[0] in reference
    assert source.citation.strip()
