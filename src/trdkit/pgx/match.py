"""Diplotype matching at the allele-defining positions, the way PharmCAT's matcher works.

A named allele accepts, at each defining position, the alleles its definition names; where the
definition is blank it accepts what the reference row has (PharmCAT Named Allele Matcher 101).
A diplotype ``A/B`` fits a sample when the two chromosome copies can be assigned so that copy 1
fits ``A`` and copy 2 fits ``B`` at every position:

* unphased positions may be assigned either way, independently (every phasing is tried);
* phased heterozygous positions of one phase set (``PS``) must all keep one orientation;
* a missing position fits anything (missing is unknown, never reference), and a half-call
  (``./1``) fits anything on its unknown copy;
* an allele that no definition uses at a defining position fits nothing: the gene is not called.

Every fitting diplotype is kept. They are ranked by PharmCAT's score: the number of defining
positions each allele's definition names, counted over the positions the sample has data for,
summed over the two alleles (more specific definitions win, so ``*1/*6`` ranks above ``*4/*9``).
Ties are broken by natural allele-name order; PharmCAT's unphased priorities (exemptions) may
put a named pick first. The first diplotype is reported, the others are the alternatives.

Samples are grouped by identical genotype pattern, so each distinct pattern is matched once;
in a cohort most samples share a few hundred patterns.

References
----------
.. [1] PharmCAT documentation, "Named Allele Matcher 101" and "201" (scoring, missing
   positions, exemptions); Sangkuhl K et al. Clin Pharmacol Ther 2020;107(1):203-210.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from trdkit.knowledge.pgx_alleles import UnphasedPriority, load_allele_definitions
from trdkit.pgx.genotypes import GeneGenotypes
from trdkit.pgx.sites import MISSING, NOVEL

__all__ = ["GeneModel", "PatternMatch", "diplotype_name", "gene_model", "match_genotypes"]


@dataclass(frozen=True)
class GeneModel:
    """A gene's definitions as matrices: allele × position bit masks of accepted alleles."""

    gene: str
    names: tuple[str, ...]
    masks: npt.NDArray[np.uint8]
    defined: npt.NDArray[np.bool_]
    priorities: tuple[UnphasedPriority, ...]


@dataclass(frozen=True)
class PatternMatch:
    """The diplotypes that fit one genotype pattern, best first."""

    diplotypes: tuple[str, ...]
    scores: tuple[int, ...]
    novel_positions: tuple[int, ...]
    half_calls: tuple[int, ...]


def _natural(name: str) -> tuple[tuple[int, int | str], ...]:
    parts = re.split(r"(\d+)", name)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def diplotype_name(a: str, b: str) -> str:
    """``a/b`` with the alleles in natural order (``*1/*17``, ``*4/*38``)."""
    first, second = sorted((a, b), key=_natural)
    return f"{first}/{second}"


@cache
def gene_model(gene: str) -> GeneModel:
    """Build (once per process) the matrices of a gene's definitions."""
    defs = load_allele_definitions(gene)
    ignored = set(defs.exemptions.ignored_alleles)
    alleles = [a for a in defs.alleles if a.name not in ignored]
    reference = next(a for a in defs.alleles if a.reference)
    n_pos = len(defs.positions)
    if max(len(p.alleles) for p in defs.positions) > 8:
        raise ValueError(f"{gene}: more than 8 alleles at one position")
    masks = np.zeros((len(alleles), n_pos), dtype=np.uint8)
    defined = np.zeros((len(alleles), n_pos), dtype=np.bool_)
    for row, allele in enumerate(alleles):
        for col, pos in enumerate(defs.positions):
            cell = allele.defining.get(pos.pos)
            defined[row, col] = cell is not None
            accepted = cell if cell is not None else reference.defining.get(pos.pos, (pos.ref,))
            for value in accepted:
                masks[row, col] |= np.uint8(1 << pos.alleles.index(value))
    return GeneModel(
        gene=gene,
        names=tuple(a.name for a in alleles),
        masks=masks,
        defined=defined,
        priorities=defs.exemptions.unphased_priorities,
    )


def _fits(model: GeneModel, codes: npt.NDArray[np.int8]) -> npt.NDArray[np.bool_]:
    """allele × position: does the allele accept this copy's call (missing fits all)?"""
    shift = np.clip(codes, 0, 7).astype(np.uint8)
    ok = ((model.masks >> shift) & 1).astype(np.bool_)
    return np.asarray(ok | (codes == MISSING))


def match_pattern(
    model: GeneModel,
    alleles: npt.NDArray[np.int8],
    phased: npt.NDArray[np.bool_],
    phase_set: npt.NDArray[np.int64],
    missing: npt.NDArray[np.bool_],
) -> PatternMatch:
    """Every diplotype that fits one sample's calls (positions × 2), ranked.

    Parameters
    ----------
    model
        The gene's definition matrices.
    alleles, phased, phase_set
        The sample's allele codes, phase flags and phase sets at every defining position.
    missing
        Positions absent from the input (scored as unknown even when filled in as reference).
    """
    novel = tuple(int(i) for i in np.flatnonzero((alleles == NOVEL).any(axis=1)))
    halves = tuple(int(i) for i in np.flatnonzero((alleles == MISSING).sum(axis=1) == 1))
    if novel:
        return PatternMatch((), (), novel, halves)
    ok0, ok1 = _fits(model, alleles[:, 0]), _fits(model, alleles[:, 1])
    candidates = np.flatnonzero((ok0 | ok1).all(axis=1))
    if candidates.size == 0:
        return PatternMatch((), (), (), halves)
    first, second = np.triu_indices(candidates.size)
    a, b = candidates[first], candidates[second]
    straight, swapped = ok0[a] & ok1[b], ok1[a] & ok0[b]
    het = phased & (alleles[:, 0] != alleles[:, 1])
    fits = (straight | swapped)[:, ~het].all(axis=1)
    for group in np.unique(phase_set[het]):
        cols = het & (phase_set == group)
        fits &= straight[:, cols].all(axis=1) | swapped[:, cols].all(axis=1)
    score = (model.defined & ~missing).sum(axis=1)
    ranked = []
    for i, j in zip(a[fits], b[fits], strict=True):
        name = diplotype_name(model.names[i], model.names[j])
        ranked.append((-int(score[i] + score[j]), _natural(name), name))
    found = sorted(ranked)
    names = [f[2] for f in found]
    scores = [-f[0] for f in found]
    for rule in model.priorities:
        if set(rule.diplotypes) == set(names) and rule.pick in names:
            at = names.index(rule.pick)
            names.insert(0, names.pop(at))
            scores.insert(0, scores.pop(at))
    return PatternMatch(tuple(names), tuple(scores), (), halves)


def _phase_key(genotypes: GeneGenotypes) -> npt.NDArray[np.int64]:
    """Phase sets renumbered per sample, so equal patterns with different PS ids group."""
    het = genotypes.phased & (genotypes.alleles[:, :, 0] != genotypes.alleles[:, :, 1])
    key = np.full(het.shape, -2, dtype=np.int64)
    for row in np.flatnonzero(het.any(axis=1)):
        cols = het[row]
        key[row, cols] = np.unique(genotypes.phase_set[row, cols], return_inverse=True)[1]
    return key


def match_genotypes(
    genotypes: GeneGenotypes, missing: npt.NDArray[np.bool_]
) -> tuple[list[PatternMatch], npt.NDArray[np.intp]]:
    """Match every sample of a block, each distinct genotype pattern once.

    Parameters
    ----------
    genotypes
        The gene's genotype arrays (missing positions possibly filled in as reference).
    missing
        samples × positions: positions absent from the input.

    Returns
    -------
    matches, which
        One ``PatternMatch`` per distinct pattern, and for each sample the index of its match.
    """
    model = gene_model(genotypes.gene)
    n = genotypes.n_samples
    het = genotypes.phased & (genotypes.alleles[:, :, 0] != genotypes.alleles[:, :, 1])
    key = np.concatenate(
        [
            genotypes.alleles.reshape(n, -1).astype(np.int64),
            het.astype(np.int64),
            _phase_key(genotypes),
            missing.astype(np.int64),
        ],
        axis=1,
    )
    patterns, first, which = np.unique(key, axis=0, return_index=True, return_inverse=True)
    matches = [
        match_pattern(
            model,
            genotypes.alleles[row],
            genotypes.phased[row],
            genotypes.phase_set[row],
            missing[row],
        )
        for row in first
    ]
    del patterns
    return matches, np.asarray(which).reshape(-1)
