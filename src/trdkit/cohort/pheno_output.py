"""Writing a phenotyping run: ``PREFIX.patients.tsv`` and ``PREFIX.summary.json`` (cli.md).

The table is tab-separated with a header row; ``person_id`` is written as the exact 64-bit
integer, dates as ``YYYY-MM-DD``, booleans as ``true``/``false``, missing values as empty cells.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from trdkit.cohort.phenotype import PhenotypeResult

__all__ = ["output_paths", "write_phenotype"]


def output_paths(prefix: Path | str) -> tuple[Path, Path]:
    """The two files a run writes for ``prefix``: ``.patients.tsv`` and ``.summary.json``."""
    base = str(prefix)
    return Path(f"{base}.patients.tsv"), Path(f"{base}.summary.json")


def write_phenotype(result: PhenotypeResult, prefix: Path | str) -> tuple[Path, Path]:
    """Write the per-person table and the summary next to ``prefix``.

    Parameters
    ----------
    result
        Output of :func:`trdkit.cohort.phenotype.phenotype_cohort`.
    prefix
        Path prefix; its folder must exist.

    Returns
    -------
    tuple of Path
        The table and the summary written.
    """
    table_path, summary_path = output_paths(prefix)
    frame = result.patients.with_columns(
        pl.col(pl.Boolean).replace_strict({True: "true", False: "false"}, return_dtype=pl.String)
    )
    frame.write_csv(table_path, separator="\t", null_value="", date_format="%Y-%m-%d")
    summary_path.write_text(
        json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return table_path, summary_path
