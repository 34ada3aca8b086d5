"""Reading a recorded SNP genotype against the GRCh38 forward-strand alleles of the knowledge.

Records carry GRCh38 forward-strand alleles (patient-record contract), but labs and papers often
write a SNP on the gene's own strand (rs6265 as G/A for Val/Met, although the forward alleles are
C/T). A genotype is therefore read in one of four ways:

* ``forward``: every letter is a forward-strand allele; read directly.
* ``opposite``: every letter is the complement of a forward-strand allele; read by complement, with
  a caution to confirm the strand on the lab report.
* ``unmatched``: the letters fit neither strand; shown as recorded, not read.
* ``unknown``: the knowledge has no confirmed forward alleles ([U]); shown as recorded, not read.

A/T and C/G SNPs look the same on both strands; they are read as forward (the contract's strand)
with a caution. Published effect directions are never applied here: a reading names alleles only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from trdkit.knowledge.derived import per_table
from trdkit.knowledge.research_markers import Variant

__all__ = ["GenotypeReading", "Strand", "parse_genotype", "read_genotype"]

Strand = Literal["forward", "opposite", "unmatched", "unknown"]

_COMPLEMENT = {"A": "T", "T": "A", "C": "G", "G": "C"}


@dataclass(frozen=True)
class GenotypeReading:
    """How one recorded genotype was read."""

    raw: str
    alleles: tuple[str, ...]
    strand: Strand
    reading: str | None
    cautions: tuple[str, ...]
    because: tuple[str, ...]


def parse_genotype(raw: str) -> tuple[str, ...]:
    """Split a recorded genotype into alleles.

    Parameters
    ----------
    raw
        As the record writes it: ``"CT"``, ``"C/T"``, ``"C"`` or an insertion/deletion code
        such as ``"ID"``.

    Returns
    -------
    tuple of str
        The alleles in recorded order, upper case.
    """
    text = raw.strip().upper()
    if "/" in text:
        return tuple(part.strip() for part in text.split("/"))
    return tuple(text)


def _ordered(alleles: tuple[str, ...], forward: tuple[str, str]) -> tuple[str, ...]:
    # Reference allele first, so CT and TC read the same.
    return tuple(sorted(alleles, key=forward.index))


def _describe(alleles: tuple[str, ...], variant: Variant) -> str:
    return "/".join(variant.names.get(a, a) for a in alleles)


def _where(rsid: str, variant: Variant) -> str:
    assert variant.forward_alleles is not None
    ref, alt = variant.forward_alleles
    at = f" at {variant.position}" if variant.position else ""
    cited = ", ".join(variant.sources)
    return f"{rsid} is {ref}>{alt} on the GRCh38 forward strand{at} ({cited})"


def read_genotype(rsid: str, raw: str, variant: Variant) -> GenotypeReading:
    """Read a recorded genotype of ``rsid`` with the orientation of ``variant``.

    A pure function of a frozen knowledge row and a short genotype text, of which a SNP has only
    a handful of spellings: the readings are kept per variant (bounded) and shared, as
    ``GenotypeReading`` is frozen and holds only tuples and strings.

    Parameters
    ----------
    rsid
        The SNP, e.g. ``"rs6265"``.
    raw
        The genotype as recorded (GRCh38 forward strand by contract).
    variant
        The knowledge entry of the SNP: forward alleles, allele names, verification.

    Returns
    -------
    GenotypeReading
        The strand the letters fit, the reading (allele names such as ``"Val/Met"``, or
        forward-strand letters) or ``None``, cautions and reasons.

    References
    ----------
    GRCh38 forward-strand alleles: PyPGx 0.27.0 allele table. rs6265 G = Val on the BDNF strand:
    trdkit research notes 2026-11-28.
    """
    memo = _readings(variant)
    key = (rsid, raw)
    found = memo.get(key)
    if found is None:
        found = _read(rsid, raw, variant)
        if len(memo) >= _MAX_READINGS:
            memo.clear()
        memo[key] = found
    return found


# Genotype spellings per SNP (case, separators, strand) stay few; the bound guards odd input.
_MAX_READINGS = 64


@per_table
def _readings(variant: Variant) -> dict[tuple[str, str], GenotypeReading]:
    # Deliberately mutable: the bounded memo of ``read_genotype`` for this knowledge row.
    return {}


def _read(rsid: str, raw: str, variant: Variant) -> GenotypeReading:
    alleles = parse_genotype(raw)
    if variant.forward_alleles is None:
        return GenotypeReading(
            raw=raw,
            alleles=alleles,
            strand="unknown",
            reading=None,
            cautions=(
                f"[U] {rsid}: forward-strand alleles are not confirmed in trdkit's sources; the "
                f"genotype {raw} is shown as recorded and not matched to alleles named in papers.",
            ),
            because=(f"{rsid} orientation not verified: {variant.note}",),
        )
    forward = variant.forward_alleles
    ref, alt = forward
    complement = tuple(_COMPLEMENT[a] for a in forward)
    cautions: list[str] = []
    because = [_where(rsid, variant)]
    if len(alleles) != 2:
        cautions.append(f"{rsid}: {len(alleles)} allele(s) recorded where two are expected.")
        return GenotypeReading(raw, alleles, "unmatched", None, tuple(cautions), tuple(because))
    if set(alleles) <= set(forward):
        strand: Strand = "forward"
        mapped: tuple[str, ...] = alleles
        if set(complement) == set(forward):
            cautions.append(
                f"{rsid} is an {ref}/{alt} SNP: both strands use the same letters, so the "
                "strand cannot be checked; read as forward-strand as the record format requires."
            )
    elif set(alleles) <= set(complement):
        strand = "opposite"
        mapped = tuple(_COMPLEMENT[a] for a in alleles)
        cautions.append(
            f"{rsid}: {raw} uses the letters of the opposite strand (forward alleles are "
            f"{ref}/{alt}); it was read by complement as {''.join(mapped)}. Confirm the strand "
            "on the laboratory report."
        )
    else:
        cautions.append(
            f"{rsid}: {raw} matches the alleles {ref}/{alt} on neither strand; shown as recorded."
        )
        return GenotypeReading(raw, alleles, "unmatched", None, tuple(cautions), tuple(because))
    reading = _describe(_ordered(mapped, forward), variant)
    because.append(f"{raw} read on the {strand} strand as {reading}")
    return GenotypeReading(raw, alleles, strand, reading, tuple(cautions), tuple(because))
