"""Loader for ``cohort_pgx.yaml``: settings of cohort PGx phenotype frequencies and tests.

Each setting and phenotype group carries its sources and whether it is uncertain ([U]: an
analysis choice, configurable, never presented as a fact).
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.cohort_genetics import CitedEntry, CohortSetting

__all__ = [
    "CohortPgxSetting",
    "CohortPgxSettings",
    "CohortPgxTable",
    "PhenotypeGroup",
    "PhenotypeGroups",
    "load_cohort_pgx",
]

_TABLE = "cohort_pgx.yaml"


class CohortPgxSetting(CohortSetting):
    """One numeric setting."""


class CohortPgxSettings(BaseModel):
    """All numeric settings, by name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ci_level: CohortPgxSetting
    exact_max_tables: CohortPgxSetting
    monte_carlo_resamples: CohortPgxSetting
    monte_carlo_seed: CohortPgxSetting


class PhenotypeGroup(CitedEntry):
    """A set of CPIC phenotype terms treated alike by the tests."""

    phenotypes: tuple[str, ...] = Field(min_length=1)


class PhenotypeGroups(BaseModel):
    """The groups of the 2x2 test and the phenotypes no test uses."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reduced_function: PhenotypeGroup
    reference: PhenotypeGroup
    untested: PhenotypeGroup


class ActionSet(CitedEntry):
    """CPIC actions that leave the prescription as it is."""

    actions: tuple[str, ...] = Field(min_length=1)


class CohortPgxTable(BaseModel):
    """The validated table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header: TableHeader
    settings: CohortPgxSettings
    phenotype_groups: PhenotypeGroups
    non_actionable_actions: ActionSet

    def because(self, name: str) -> str:
        """Return ``"<name> = <value> (sources)"`` for a setting, for ``because`` lines."""
        setting: CohortPgxSetting = getattr(self.settings, name)
        return f"{name} = {setting.value:g} {setting.cite(self.header)}"


def _check(table: CohortPgxTable) -> None:
    known = table.header.source_keys()
    cited: list[tuple[str, CitedEntry]] = [*table.settings, *table.phenotype_groups]
    cited.append(("non_actionable_actions", table.non_actionable_actions))
    for name, item in cited:
        if missing := set(item.sources) - known:
            raise KnowledgeError(f"{_TABLE}: {name} cites unknown sources {sorted(missing)}")
    groups = table.phenotype_groups
    overlap = set(groups.reduced_function.phenotypes) & set(groups.reference.phenotypes) | set(
        groups.untested.phenotypes
    ) & (set(groups.reduced_function.phenotypes) | set(groups.reference.phenotypes))
    if overlap:
        raise KnowledgeError(f"{_TABLE}: phenotypes in more than one group: {sorted(overlap)}")
    level = table.settings.ci_level.value
    if not 0 < level < 1:
        raise KnowledgeError(f"{_TABLE}: ci_level must lie between 0 and 1, not {level}")


@cache
def load_cohort_pgx() -> CohortPgxTable:
    """Load and validate ``cohort_pgx.yaml``.

    Returns
    -------
    CohortPgxTable
        Settings, phenotype groups and non-actionable actions with their sources.

    Raises
    ------
    KnowledgeError
        When the table is malformed, cites an unknown source, or a phenotype is in two groups.

    References
    ----------
    Wilson 1927 and Brown, Cai & DasGupta 2001 (intervals); Caudle et al. 2017 (CPIC terms);
    Fisher 1922 and Freeman & Halton 1951 (exact tests); Bousman et al. 2023 (CPIC guideline).
    Full citations are in the table header.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        table = CohortPgxTable.model_validate({"header": header, **body})
    except ValidationError as exc:
        raise KnowledgeError(f"{_TABLE}: {exc}") from exc
    _check(table)
    return table
