"""``trdkit cohort ...``: cohort research commands (phenotype; assoc and prs join this sub-app)."""

from __future__ import annotations

import typer

from trdkit.cli import cohort_assoc as _assoc
from trdkit.cli import cohort_pgx as _pgx
from trdkit.cli import cohort_phenotype as _phenotype
from trdkit.cli import cohort_prs as _prs

__all__ = ["cohort_app"]

cohort_app = typer.Typer(
    help="Cohort research: TRD phenotyping, genetic association, polygenic scores.",
    no_args_is_help=True,
)
cohort_app.command("phenotype")(_phenotype.phenotype_command)
cohort_app.command("assoc")(_assoc.assoc_command)
cohort_app.command("prs")(_prs.prs_command)
cohort_app.command("pgx")(_pgx.pgx_command)
