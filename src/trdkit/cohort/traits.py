"""Phenotype and covariate tables in PLINK's ``#FID IID ...`` layout, aligned to the genotypes.

A table is whitespace-delimited with a header line ``#FID IID A B ...`` (``FID IID``, ``#IID`` and
``IID`` are accepted too). ``NA``, ``nan`` and ``.`` are missing everywhere; ``-9`` is missing in a
phenotype column, as in PLINK. A phenotype whose observed values are only 0/1 is a binary trait
coded 0/1; only 1/2 is PLINK's case/control coding (1 = control, 2 = case); 0/1/2 is PLINK's
coding with 0 as missing. Anything else is quantitative. The coding found is reported with the
reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from trdkit.cohort.io import GeneticsInputError, Samples

__all__ = ["Design", "PlinkTable", "Trait", "TraitKind", "build_design", "detect_trait"]

F64 = NDArray[np.float64]
_MISSING = frozenset({"NA", "na", "nan", "NaN", ".", ""})


class TraitKind(StrEnum):
    """How a phenotype is analysed."""

    BINARY = "binary"
    QUANTITATIVE = "quantitative"


@dataclass(frozen=True)
class PlinkTable:
    """A table in PLINK's ``#FID IID ...`` layout, values kept as text until a column is used."""

    path: Path
    fid: list[str] | None
    iid: list[str]
    names: list[str]
    cells: list[list[str]] = field(repr=False)

    @classmethod
    def read(cls, path: str | Path) -> PlinkTable:
        """Read a table whose header starts ``#FID IID``, ``FID IID``, ``#IID`` or ``IID``."""
        src = Path(path)
        try:
            lines = [ln.split() for ln in src.read_text().splitlines() if ln.strip()]
        except OSError as exc:
            raise GeneticsInputError(f"{src}: cannot read ({exc.strerror})") from exc
        if not lines:
            raise GeneticsInputError(f"{src}: the table is empty")
        head = [lines[0][0].lstrip("#"), *lines[0][1:]]
        if head[:2] == ["FID", "IID"]:
            id_cols = 2
        elif head[0] == "IID":
            id_cols = 1
        else:
            raise GeneticsInputError(
                f"{src}: the header must start with '#FID IID' or '#IID' (PLINK layout), "
                f"found {' '.join(lines[0][:2])!r}"
            )
        body = lines[1:]
        for i, row in enumerate(body, 2):
            if len(row) != len(head):
                raise GeneticsInputError(
                    f"{src}: line {i} has {len(row)} fields, expected {len(head)}"
                )
        fid = [r[0] for r in body] if id_cols == 2 else None
        iid = [r[id_cols - 1] for r in body]
        keys = list(zip(fid, iid, strict=True)) if fid is not None else iid
        if len(set(keys)) != len(keys):
            raise GeneticsInputError(f"{src}: a sample id appears more than once")
        return cls(src, fid, iid, head[id_cols:], [r[id_cols:] for r in body])

    def column(self, name: str, *, minus9_missing: bool) -> F64:
        """Return column ``name`` as floats, ``NaN`` where missing."""
        if name not in self.names:
            raise GeneticsInputError(
                f"{self.path}: no column {name!r}; columns are {', '.join(self.names)}"
            )
        j = self.names.index(name)
        out = np.empty(len(self.cells), dtype=np.float64)
        for i, row in enumerate(self.cells):
            text = row[j]
            if text in _MISSING or (minus9_missing and text == "-9"):
                out[i] = np.nan
                continue
            try:
                out[i] = float(text)
            except ValueError:
                raise GeneticsInputError(
                    f"{self.path}: column {name!r} row {i + 2} holds {text!r}, not a number"
                ) from None
        return out


@dataclass(frozen=True)
class Trait:
    """A phenotype column, recoded (binary: 0 control, 1 case; NaN missing)."""

    name: str
    kind: TraitKind
    coding: str
    values: F64 = field(repr=False)
    because: str


def detect_trait(name: str, raw: F64) -> Trait:
    """Detect a binary (0/1 or PLINK 1/2) or quantitative trait and recode it.

    Parameters
    ----------
    name
        Column name, for the reason.
    raw
        Values with ``NaN`` for missing.

    Returns
    -------
    Trait
        The recoded trait and why it was read so.

    References
    ----------
    PLINK 2 documentation, phenotype files: case/control phenotypes are 1 = control, 2 = case,
    with 0 and -9 missing; ``--1`` switches to 0/1 coding.
    """
    seen = set(np.unique(raw[~np.isnan(raw)]).tolist())
    values = raw.copy()
    if seen and seen <= {0.0, 1.0} and len(seen) == 2:
        return Trait(
            name, TraitKind.BINARY, "0/1", values, f"{name}: values 0/1 -> binary, 1 = case"
        )
    if seen == {1.0, 2.0}:
        return Trait(
            name, TraitKind.BINARY, "1/2", values - 1, f"{name}: values 1/2 -> PLINK case/control"
        )
    if seen == {0.0, 1.0, 2.0}:
        values[values == 0] = np.nan
        return Trait(
            name,
            TraitKind.BINARY,
            "1/2 (0 = missing)",
            values - 1,
            f"{name}: values 0/1/2 -> PLINK case/control with 0 missing",
        )
    if len(seen) < 2:
        raise GeneticsInputError(f"phenotype {name!r} has fewer than two distinct observed values")
    return Trait(name, TraitKind.QUANTITATIVE, "quantitative", values, f"{name}: quantitative")


@dataclass(frozen=True)
class Design:
    """The analysed samples, their trait values and the covariate matrix (intercept first)."""

    sample_index: NDArray[np.int64] = field(repr=False)
    y: F64 = field(repr=False)
    x: F64 = field(repr=False)
    covariates: tuple[str, ...]
    trait: Trait
    dropped: dict[str, int]

    @property
    def n(self) -> int:
        return int(self.y.size)


def _lookup(samples: Samples, table: PlinkTable) -> NDArray[np.int64]:
    # Row of ``table`` for every genotype sample (-1 when absent); FID is used when both have it.
    index: dict[object, int]
    keys: list[object]
    if table.fid is not None and samples.fid is not None:
        index = {k: i for i, k in enumerate(zip(table.fid, table.iid, strict=True))}
        keys = list(zip(samples.fid.tolist(), samples.iid.tolist(), strict=True))
    else:
        index = {k: i for i, k in enumerate(table.iid)}
        keys = list(samples.iid.tolist())
    return np.array([index.get(k, -1) for k in keys], dtype=np.int64)


def build_design(
    samples: Samples,
    pheno: PlinkTable,
    pheno_name: str,
    covar: PlinkTable | None = None,
    covar_names: list[str] | None = None,
) -> Design:
    """Align the phenotype and covariates to the genotype samples and build the design.

    Samples without the phenotype or with any missing covariate are left out (counted in
    ``dropped``). All covariate columns are used unless ``covar_names`` picks some.

    Raises
    ------
    GeneticsInputError
        On an unknown column, a non-numeric value, too few samples, or collinear covariates.
    """
    rows = _lookup(samples, pheno)
    raw = np.full(len(samples), np.nan)
    raw[rows >= 0] = pheno.column(pheno_name, minus9_missing=True)[rows[rows >= 0]]
    trait = detect_trait(pheno_name, raw)
    keep = ~np.isnan(trait.values)
    dropped = {"not_in_phenotype_file": int((rows < 0).sum())}
    dropped["missing_phenotype"] = int((rows >= 0).sum() - keep.sum())
    names = list(covar.names if covar_names is None and covar is not None else covar_names or [])
    cols = [np.ones(len(samples))]
    if names:
        if covar is None:
            raise GeneticsInputError("--covar-name needs --covar")
        crow = _lookup(samples, covar)
        for name in names:
            col = np.full(len(samples), np.nan)
            col[crow >= 0] = covar.column(name, minus9_missing=False)[crow[crow >= 0]]
            cols.append(col)
        missing_cov = keep & np.isnan(np.column_stack(cols)).any(axis=1)
        dropped["missing_covariate"] = int(missing_cov.sum())
        keep &= ~missing_cov
    index = np.flatnonzero(keep).astype(np.int64)
    x = np.column_stack(cols)[index]
    y = trait.values[index]
    if index.size <= x.shape[1] + 1:
        raise GeneticsInputError(f"only {index.size} samples have the phenotype and covariates")
    if trait.kind is TraitKind.BINARY and len(np.unique(y)) < 2:
        raise GeneticsInputError(f"phenotype {pheno_name!r} has only cases or only controls")
    rank = np.linalg.matrix_rank(x)
    if rank < x.shape[1]:
        for j, name in enumerate(names, 1):
            if np.ptp(x[:, j]) == 0:
                raise GeneticsInputError(f"covariate {name!r} is constant among analysed samples")
        raise GeneticsInputError(f"covariates {', '.join(names)} are collinear")
    return Design(index, y, x, tuple(names), trait, dropped)
