"""What the record holds for one research marker: the value, how it was read, and why.

One function per input kind (genotype, genotype combination, 5-HTTLPR, laboratory value, miRNA).
Each returns ``None`` when the record has no data for the marker, so missing data never yields a
card. Nothing here weighs a value as good or bad: a reading names alleles or a category only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trdkit.knowledge.research_markers import (
    InputKind,
    MarkerDefinition,
    ResearchMarkerTable,
)
from trdkit.record import PatientRecord
from trdkit.research.alleles import GenotypeReading, read_genotype

__all__ = ["Observation", "observe"]

_HTTLPR_NAMES = {"L": "long", "S": "short", "LA": "long (LA)", "LG": "long (LG)"}
_HTTLPR_ORDER = ("LA", "LG", "L", "S")


@dataclass(frozen=True)
class Observation:
    """The record's data for one marker."""

    value: str | float
    unit: str | None
    reading: str | None
    sentence: str
    cautions: tuple[str, ...] = ()
    because: tuple[str, ...] = ()


def _genotype_sentence(rsid: str, gene: str, r: GenotypeReading) -> str:
    if r.strand == "forward":
        return f"Recorded genotype {r.raw} at {rsid} ({gene}) reads as {r.reading}."
    if r.strand == "opposite":
        return (
            f"Recorded genotype {r.raw} at {rsid} ({gene}) uses opposite-strand letters; "
            f"by complement it reads as {r.reading}."
        )
    return f"Recorded genotype {r.raw} at {rsid} ({gene}) is shown as recorded, not read."


def _genotype(
    marker: MarkerDefinition, rec: PatientRecord, t: ResearchMarkerTable
) -> Observation | None:
    rsid = marker.input.rsids[0]
    raw = rec.genetics.genotypes.get(rsid) if rec.genetics else None
    if raw is None:
        return None
    variant = t.variants[rsid]
    r = read_genotype(rsid, raw, variant)
    return Observation(
        value=raw,
        unit=None,
        reading=r.reading,
        sentence=_genotype_sentence(rsid, variant.gene, r),
        cautions=r.cautions,
        because=(f"genetics.genotypes.{rsid} = {raw}", *r.because),
    )


def _combination(
    marker: MarkerDefinition, rec: PatientRecord, t: ResearchMarkerTable
) -> Observation | None:
    genotypes = rec.genetics.genotypes if rec.genetics else {}
    rsids = marker.input.rsids
    if not all(rsid in genotypes for rsid in rsids):
        return None
    readings = [read_genotype(rsid, genotypes[rsid], t.variants[rsid]) for rsid in rsids]
    value = ", ".join(f"{rsid} {genotypes[rsid]}" for rsid in rsids)
    reading = "; ".join(
        f"{rsid} {r.reading or 'not read'}" for rsid, r in zip(rsids, readings, strict=True)
    )
    return Observation(
        value=value,
        unit=None,
        reading=reading,
        sentence=f"Recorded genotypes: {value} (read as: {reading}).",
        cautions=tuple(c for r in readings for c in r.cautions),
        because=(
            f"all of {', '.join(rsids)} recorded in genetics.genotypes",
            *(b for r in readings for b in r.because),
        ),
    )


def _httlpr(
    marker: MarkerDefinition, rec: PatientRecord, t: ResearchMarkerTable
) -> Observation | None:
    raw = rec.genetics.httlpr5 if rec.genetics else None
    if raw is None:
        return None
    alleles = sorted(raw.split("/"), key=_HTTLPR_ORDER.index)
    typed = [a for a in alleles if a in ("LA", "LG")]
    kind = "triallelic, rs25531 typed" if typed else "biallelic, rs25531 not typed"
    if typed and "L" in alleles:
        kind = "rs25531 typed for one allele only"
    reading = f"{'/'.join(alleles)} ({kind})"
    first, second = (_HTTLPR_NAMES[a] for a in alleles)
    words = f"two {first} alleles" if first == second else f"one {first} and one {second} allele"
    cautions: tuple[str, ...] = ()
    if "L" in alleles:
        cautions = ("rs25531 was not typed for an L allele, so it may be LA or LG.",)
    return Observation(
        value=raw,
        unit=None,
        reading=reading,
        sentence=f"Recorded 5-HTTLPR genotype {raw}: {words}, {kind}.",
        cautions=cautions,
        because=(f"genetics.5httlpr = {raw}", f"read as {reading}"),
    )


def _crp_category(value: float, t: ResearchMarkerTable) -> tuple[str, tuple[str, ...]]:
    s = t.settings
    for cat in s.crp_categories:
        below = (
            cat.upper is None or value < cat.upper or (cat.upper_inclusive and value == cat.upper)
        )
        if below:
            break
    text = f"cardiovascular category: {cat.label}, {cat.text}; {s.crp_category_label}"
    cautions: tuple[str, ...] = ()
    if value > s.crp_acute_above_mg_per_l:
        cautions = (
            f"Above {s.crp_acute_above_mg_per_l:g} mg/L: look for acute illness or infection "
            f"before reading this value ({s.crp_category_label}).",
        )
    return text, cautions


def _biomarker(
    marker: MarkerDefinition, rec: PatientRecord, t: ResearchMarkerTable
) -> Observation | None:
    spec = marker.input
    assert spec.field is not None
    raw = getattr(rec.biomarkers, spec.field, None) if rec.biomarkers else None
    if raw is None:
        return None
    value = float(raw)
    gap = "" if spec.unit == "%" else " "
    sentence = f"Recorded {spec.label} {value:g}{gap}{spec.unit}"
    because = [f"biomarkers.{spec.field} = {value:g}"]
    cautions: tuple[str, ...] = ()
    reading = None
    if spec.categories == "crp":
        reading, cautions = _crp_category(value, t)
        sentence += f" ({reading})"
        because.append(f"{value:g} mg/L -> {reading}")
    return Observation(value, spec.unit, reading, sentence + ".", cautions, tuple(because))


def _mirna_key(name: str) -> str:
    key = name.strip().casefold()
    return key.removeprefix("hsa-")


def _mirna(
    marker: MarkerDefinition, rec: PatientRecord, t: ResearchMarkerTable
) -> Observation | None:
    measured = rec.biomarkers.mirna if rec.biomarkers else {}
    wanted = {_mirna_key(n) for n in marker.input.names}
    found = next((k for k in measured if _mirna_key(k) in wanted), None)
    if found is None:
        return None
    value = float(measured[found])
    return Observation(
        value=value,
        unit="log2 fold change vs reference",
        reading=None,
        sentence=(
            f"Recorded {found}: log2 fold change {value:+.2f} against the laboratory's reference."
        ),
        cautions=(
            "Fold changes depend on assay, sample type (whole blood, serum or PBMC) and reference; "
            "the studies' values cannot be compared with this number.",
        ),
        because=(f"biomarkers.mirna[{found!r}] = {value:g}",),
    )


_OBSERVERS: dict[
    InputKind,
    Callable[[MarkerDefinition, PatientRecord, ResearchMarkerTable], Observation | None],
] = {
    InputKind.GENOTYPE: _genotype,
    InputKind.GENOTYPE_COMBINATION: _combination,
    InputKind.HTTLPR: _httlpr,
    InputKind.BIOMARKER: _biomarker,
    InputKind.MIRNA: _mirna,
}


def observe(
    marker: MarkerDefinition, record: PatientRecord, table: ResearchMarkerTable
) -> Observation | None:
    """Return the record's data for ``marker``, or ``None`` when the record has none.

    Parameters
    ----------
    marker
        A marker of the research-marker table.
    record
        The validated patient record.
    table
        The research-marker table (variants and settings).

    Returns
    -------
    Observation or None
        Value, reading, sentence, cautions and reasons.
    """
    return _OBSERVERS[marker.input.kind](marker, record, table)
