"""Outside calls: diplotypes made by another caller, read from PharmCAT's TSV layout.

One line per gene, ``GENE<TAB>diplotype[<TAB>phenotype<TAB>activity score]``; ``#`` starts a
comment. This is how genes that a VCF cannot show are supplied (CYP2D6 copy number and hybrids
above all). An outside call replaces the VCF call for its gene, and the call says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trdkit.pgx.errors import PgxOutsideCallError
from trdkit.pgx.model import CPIC_PHENOTYPES

__all__ = ["OutsideCall", "read_outside_calls"]


@dataclass(frozen=True)
class OutsideCall:
    """One gene's call as another caller or a laboratory made it."""

    gene: str
    diplotype: str | None
    phenotype: str | None
    activity_score: float | None
    source: str
    warnings: tuple[str, ...] = ()


def _phenotype(text: str, where: str) -> tuple[str | None, tuple[str, ...]]:
    if not text:
        return None, ()
    for term in CPIC_PHENOTYPES:
        if term.lower() == text.lower():
            return term, ()
    return None, (f"{where}: phenotype {text!r} is not a CPIC term and was not used",)


def _score(text: str, where: str) -> float | None:
    cleaned = text.strip().removeprefix("≥").removeprefix(">=")
    if cleaned.lower() in ("", "n/a", "na"):
        return None
    try:
        return float(cleaned)
    except ValueError as exc:
        raise PgxOutsideCallError(f"{where}: activity score {text!r} is not a number") from exc


def read_outside_calls(path: str | Path) -> dict[str, OutsideCall]:
    """Read an outside-call TSV.

    Parameters
    ----------
    path
        Tab-separated ``GENE, diplotype[, phenotype, activity score]`` per line.

    Returns
    -------
    dict
        Gene → call, for every gene in the file (the caller keeps the genes it uses).

    Raises
    ------
    PgxOutsideCallError
        Unreadable file, a gene listed twice, a line without diplotype or phenotype, or a
        non-numeric activity score.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PgxOutsideCallError(f"{path.name}: cannot read the outside calls ({exc})") from exc
    calls: dict[str, OutsideCall] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")] + ["", "", ""]
        gene, diplotype, phenotype_text, score_text = fields[:4]
        where = f"{path.name} line {number}"
        if gene in calls:
            raise PgxOutsideCallError(f"{where}: {gene} is listed twice")
        if not diplotype and not phenotype_text:
            raise PgxOutsideCallError(f"{where}: {gene} has neither a diplotype nor a phenotype")
        phenotype, warnings = _phenotype(phenotype_text, where)
        calls[gene] = OutsideCall(
            gene=gene,
            diplotype=diplotype or None,
            phenotype=phenotype,
            activity_score=_score(score_text, where),
            source=where,
            warnings=warnings,
        )
    return calls
