"""The cohort-genetics settings table: sources, uncertainty tags, candidate SNPs."""

from __future__ import annotations

from trdkit.knowledge.cohort_genetics import (
    candidate_rsids,
    combination_rsids,
    load_cohort_genetics,
)


def test_cohort_genetics__settings_cite_their_sources_and_flag_uncertainty() -> None:
    table = load_cohort_genetics()
    keys = table.header.source_keys()
    for name, setting in table.settings:
        assert set(setting.sources) <= keys, name
        assert setting.uncertain == setting.note.startswith("[U]"), name
    assert table.settings.genome_wide_p.value == 5e-8
    assert "[U] configurable" in table.because("firth_p_below")


def test_candidate_rsids__are_the_seed_markers() -> None:
    assert set(candidate_rsids()) == {
        "rs6265",
        "rs7430",
        "rs6313",
        "rs1954787",
        "rs11218030",
        "rs4680",
        "rs7997012",
    }
    assert combination_rsids() == ("rs6265", "rs7430", "rs6313")
