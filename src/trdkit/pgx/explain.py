"""Turning a pattern match into a call with its warnings and reasons (``because``).

The matcher says which diplotypes fit; this module decides what is reported (called or not,
first diplotype, alternatives) and says why in words a clinician can check: which positions were
missing, what was assumed, what a VCF cannot show for this gene.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trdkit.knowledge.pgx_alleles import AlleleDefinitions
from trdkit.pgx.genotypes import GeneGenotypes
from trdkit.pgx.match import PatternMatch

__all__ = ["MAX_DIPLOTYPES", "CallContext", "Described", "describe"]

# Beyond this many fitting diplotypes the data say too little to report them one by one.
MAX_DIPLOTYPES = 1000


@dataclass(frozen=True)
class CallContext:
    """What the reader and the options contribute to every call of one gene in one block."""

    defs: AlleleDefinitions
    genotypes: GeneGenotypes
    assembly: str
    assume_reference: bool
    max_diplotypes: int = MAX_DIPLOTYPES
    unplaced: frozenset[int] = field(default_factory=frozenset)
    notes: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        """Short citation of the definitions used."""
        return f"CPIC/PharmVar definitions via PharmCAT data {self.defs.definition_version[:10]}"


@dataclass(frozen=True)
class Described:
    """The reportable call of one gene for one genotype pattern."""

    called: bool
    diplotype: str | None
    alternatives: list[str]
    missing_positions: list[str]
    warnings: list[str]
    because: list[str]


def _names(ctx: CallContext, indices: list[int] | tuple[int, ...]) -> str:
    return ", ".join(ctx.defs.label(i) for i in sorted(indices))


def _data_warnings(ctx: CallContext, match: PatternMatch, missing: list[int]) -> list[str]:
    gene, out = ctx.defs.gene, []
    if missing:
        total = len(ctx.defs.positions)
        if ctx.assume_reference:
            assumed = [i for i in missing if i not in ctx.unplaced]
            out.append(
                f"{len(assumed)} of {total} {gene} defining positions were absent and were "
                "assumed to carry the reference allele (--assume-reference)"
            )
        else:
            out.append(
                f"{len(missing)} of {total} {gene} defining positions are missing from the input; "
                "alleles defined there cannot be ruled out"
            )
        if ctx.unplaced & set(missing):
            out.append(
                f"{len(ctx.unplaced & set(missing))} positions have no {ctx.assembly} coordinate "
                "in the definitions and stay missing"
            )
        amp = set(ctx.defs.exemptions.amp_tier1_positions)
        lost = [i for i in missing if ctx.defs.positions[i].pos in amp]
        if lost and not ctx.assume_reference:
            out.append(f"AMP tier-1 positions missing: {_names(ctx, lost)}")
    if match.half_calls:
        out.append(f"half-calls (one allele unknown) at {_names(ctx, match.half_calls)}")
    out.extend(ctx.notes)
    mismatched = sorted(ctx.genotypes.ref_mismatch)
    if mismatched:
        out.append(
            f"the input's REF differs from the {ctx.assembly} reference at "
            f"{_names(ctx, mismatched)}; those records were not used (is the assembly right?)"
        )
    return out


def _limits(ctx: CallContext) -> list[str]:
    defs, out = ctx.defs, []
    structural = [s.name for s in defs.structural_alleles]
    if structural:
        out.append(
            f"structural {defs.gene} alleles ({', '.join(structural)}) cannot be detected in "
            "SNV/indel data and are not ruled out; supply them as an outside call"
        )
    if defs.copy_number_variable:
        out.append(f"{defs.gene} copy number (deletion, duplications xN) is not visible in a VCF")
    if defs.vcf_calling == "research":
        out.append(
            f"research grade: {defs.gene} called from VCF SNVs/indels only; for clinical use give "
            "an outside call from a copy-number-aware caller"
        )
    return out


def _not_called(ctx: CallContext, match: PatternMatch) -> str:
    gene = ctx.defs.gene
    if match.novel_positions:
        parts = []
        for i in match.novel_positions:
            seen = sorted(ctx.genotypes.novel.get(i, set()))
            what = f" (in this input: allele {', '.join(seen)})" if seen else ""
            if i in ctx.genotypes.conflicts:
                what = " (records in this input disagree there)"
            parts.append(f"{ctx.defs.label(i)}{what}")
        return f"{gene} not called: an allele that no {gene} definition uses at {'; '.join(parts)}"
    if len(match.diplotypes) > ctx.max_diplotypes:
        return (
            f"{gene} not called: {len(match.diplotypes)} diplotypes fit the available data "
            f"(more than {ctx.max_diplotypes}); too many defining positions are missing"
        )
    return f"{gene} not called: no pair of {gene} allele definitions explains the genotypes"


def describe(ctx: CallContext, match: PatternMatch, missing: list[int]) -> Described:
    """Report a pattern's match: the call, alternatives, missing positions, warnings, reasons.

    Parameters
    ----------
    ctx
        Definitions, reader findings and options for this gene.
    match
        The ranked diplotypes that fit the pattern.
    missing
        Indices of the positions absent from the input for this pattern.
    """
    labels = [ctx.defs.label(i) for i in missing]
    warnings = _data_warnings(ctx, match, missing)
    found = list(match.diplotypes)
    if len(missing) == len(ctx.defs.positions):
        # Nothing was observed: neither a call nor an assumption can rest on no data.
        reason = f"{ctx.defs.gene} not called: no defining position is in the input"
        return Described(False, None, [], labels, [reason, *_limits(ctx)], [reason])
    if not found or len(found) > ctx.max_diplotypes:
        reason = _not_called(ctx, match)
        return Described(False, None, [], labels, [reason, *warnings, *_limits(ctx)], [reason])
    gene, present = ctx.defs.gene, len(ctx.defs.positions) - len(missing)
    where = f"{present} of {len(ctx.defs.positions)} defining positions"
    if len(found) == 1:
        because = [
            f"{gene} {found[0]}: the only diplotype that fits the calls at {where} ({ctx.version})"
        ]
    else:
        cause = "missing positions" if missing and not ctx.assume_reference else "unphased data"
        because = [
            f"{gene} {found[0]}: ranked first of {len(found)} diplotypes that fit the calls at "
            f"{where} ({cause}); PharmCAT score {match.scores[0]} (defined positions matched) "
            f"vs {match.scores[1]} for the next ({ctx.version})"
        ]
    if ctx.assume_reference and missing:
        because.append(f"{len(missing)} absent positions were assumed reference (opted in)")
    return Described(True, found[0], found[1:], labels, warnings + _limits(ctx), because)
