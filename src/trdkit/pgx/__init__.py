"""Pharmacogenomics: gene calls, CPIC phenotypes, phenoconversion and CPIC drug guidance."""

from trdkit.pgx.guidance import guidance_all, guidance_for
from trdkit.pgx.model import DrugGuidance, GeneCall, GuidanceAlternative, PgxReport, PgxSection
from trdkit.pgx.phenoconversion import functional_phenotype
from trdkit.pgx.phenotype import phenotype_for, phenotype_for_alternatives
from trdkit.pgx.record import evaluate_pgx, pgx_flags

__all__ = [
    "DrugGuidance",
    "GeneCall",
    "GuidanceAlternative",
    "PgxReport",
    "PgxSection",
    "evaluate_pgx",
    "functional_phenotype",
    "guidance_all",
    "guidance_for",
    "pgx_flags",
    "phenotype_for",
    "phenotype_for_alternatives",
]
