"""The cohort's knowledge: OHDSI 1009 concept sets ingested byte for byte, code groups resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from trdkit.knowledge.cohort_policies import load_cohort_policies, normalise_code
from trdkit.knowledge.ohdsi_concept_sets import load_ohdsi_concept_sets


def test_ingest_ohdsi_1009__reproduces_the_committed_table(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    from ingest_ohdsi_1009 import build

    definition = shared_dir / "reference" / "ohdsi-cohort-1009" / "1009.json"
    committed = ROOT / "src" / "trdkit" / "knowledge" / "ohdsi_1009_concept_sets.csv"
    assert build(definition) == committed.read_text(encoding="utf-8")


def test_ohdsi_concept_sets__the_seven_sets_of_the_definition() -> None:
    table = load_ohdsi_concept_sets()
    assert sorted(table.names) == [8, 10, 11, 15, 16, 18, 19]
    antidepressants = [i for i in table.codeset(16) if not i.is_excluded]
    assert len(antidepressants) == 48  # README: 48 ingredients
    excluded = {i.concept_name for i in table.codeset(18) if i.is_excluded}
    assert "Bipolar disorder" in excluded


def test_code_groups__reuse_the_chart_groups_of_the_diagnosis_tables() -> None:
    groups = load_cohort_policies().code_groups
    assert groups["bipolar"].matches("icd10cm", "F31.4")
    assert groups["bipolar"].matches("icd9cm", "296.44")
    assert not groups["bipolar"].matches("icd9cm", "296.82")  # atypical depressive disorder
    assert groups["schizophrenia_spectrum"].matches("dsm5", "F20.9")
    assert groups["depression"].matches("icd10", "f33 1")
    assert not groups["medical_cause"].matches("icd10", "F06.31")  # ICD-10-CM only, as the chart
    assert normalise_code(" f32.a ") == "F32A"
