"""Where OMOP tables come from: the source interface, and a folder of CSV or Parquet files.

``pheno_omop.read_omop_tables`` reads through an ``OmopTables``; ``FolderTables`` finds each
table as a file named after it (the vocabulary perhaps in its own folder), and
``pheno_omop_db.DatabaseTables`` reads them from a database by URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import polars as pl

from trdkit.cohort.pheno_io import CohortInputError, Kind, find_table, read_columns
from trdkit.record.errors import FieldIssue

__all__ = [
    "OMOP_OPTIONAL",
    "OMOP_REQUIRED",
    "OMOP_VOCABULARY",
    "Each",
    "FolderTables",
    "OmopTables",
]

OMOP_REQUIRED = (
    "person",
    "drug_exposure",
    "condition_occurrence",
    "observation_period",
    "concept",
    "concept_ancestor",
)
OMOP_OPTIONAL = ("drug_era", "dose_era", "measurement", "visit_occurrence")
OMOP_VOCABULARY = ("concept", "concept_ancestor")
Each = Callable[[pl.DataFrame], pl.DataFrame]


class OmopTables(Protocol):
    """Where OMOP tables come from: a folder of files, or a database (``pheno_omop_db``)."""

    label: str

    def has(self, name: str) -> bool:
        """Whether table ``name`` exists."""
        ...

    def read(
        self,
        name: str,
        columns: Mapping[str, Kind],
        required: Sequence[str],
        each: Each | None = None,
    ) -> pl.DataFrame:
        """Read ``columns`` of table ``name`` converted to exact types; ``each`` is applied to
        every converted part (a batch) before the parts are joined, to drop rows early."""
        ...


class FolderTables:
    """OMOP tables as CSV or Parquet files in a folder (the vocabulary perhaps in another)."""

    def __init__(self, cdm: Path, vocab: Path | None = None) -> None:
        self.paths = _locate(cdm, vocab)
        self.label = f"OMOP CDM {cdm}"

    def has(self, name: str) -> bool:
        return name in self.paths

    def read(
        self,
        name: str,
        columns: Mapping[str, Kind],
        required: Sequence[str],
        each: Each | None = None,
    ) -> pl.DataFrame:
        frame = read_columns(self.paths[name], columns, required=required)
        return each(frame) if each is not None else frame


def _locate(cdm: Path, vocab: Path | None) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for name in (*OMOP_REQUIRED, *OMOP_OPTIONAL):
        folders = [vocab, cdm] if name in OMOP_VOCABULARY and vocab is not None else [cdm]
        for folder in folders:
            if folder is not None and (path := find_table(folder, name)) is not None:
                found[name] = path
                break
    missing = [n for n in OMOP_REQUIRED if n not in found]
    if missing:
        where = f"{cdm}" + (f" or {vocab}" if vocab else "")
        raise CohortInputError(
            [
                FieldIssue(
                    "--omop",
                    f"missing OMOP table(s) {', '.join(missing)} in {where} (CSV or Parquet "
                    "named after the table; the vocabulary may sit in --vocab)",
                )
            ]
        )
    return found
