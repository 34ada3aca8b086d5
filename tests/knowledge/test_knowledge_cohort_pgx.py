"""``cohort_pgx.yaml``: cited settings, phenotype groups in CPIC's terms, known actions."""

from __future__ import annotations

from typing import get_args

from trdkit.knowledge.cohort_pgx import load_cohort_pgx
from trdkit.pgx.model import CPIC_PHENOTYPES, Action


def test_load_cohort_pgx__groups_use_cpic_terms_and_do_not_overlap() -> None:
    table = load_cohort_pgx()
    groups = table.phenotype_groups
    named = [*groups.reduced_function.phenotypes, *groups.reference.phenotypes]
    assert set(named) | set(groups.untested.phenotypes) <= set(CPIC_PHENOTYPES)
    assert len(named) == len(set(named))
    assert "Normal Metabolizer" in groups.reference.phenotypes


def test_load_cohort_pgx__actions_exist_and_uncertain_values_say_so() -> None:
    table = load_cohort_pgx()
    assert set(table.non_actionable_actions.actions) <= set(get_args(Action))
    assert 0 < table.settings.ci_level.value < 1
    for name, setting in table.settings:
        assert setting.uncertain == setting.note.startswith("[U]"), name
    assert "[U] configurable" in table.because("exact_max_tables")
    assert table.because("ci_level") == "ci_level = 0.95 (wilson1927, brown2001)"
