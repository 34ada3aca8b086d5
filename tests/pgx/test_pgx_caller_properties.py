"""Property tests: the vectorised matcher equals a brute-force reading of the definitions, and the
true diplotype always stays among the reported ones, whatever is missing."""

from __future__ import annotations

from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pgx_caller_vcf import callable_alleles, expected, haplotype

from trdkit.knowledge.pgx_alleles import load_allele_definitions
from trdkit.pgx.match import diplotype_name, gene_model, match_pattern
from trdkit.pgx.sites import MISSING

GENES = ("CYP2C19", "CYP2B6")


@cache
def _cells(gene: str) -> dict[str, list[frozenset[str]]]:
    """Per allele and position, the VCF alleles the definition accepts (blank = reference row)."""
    defs = load_allele_definitions(gene)
    reference = next(a for a in defs.alleles if a.reference)
    return {
        named.name: [
            frozenset(named.defining.get(pos.pos) or reference.defining[pos.pos])
            for pos in defs.positions
        ]
        for named in defs.alleles
    }


def _accepts(gene: str, allele: str, index: int, code: int) -> bool:
    if code == MISSING:
        return True
    alleles = load_allele_definitions(gene).positions[index].alleles
    return alleles[code] in _cells(gene)[allele][index]


def _brute_force(gene: str, calls: np.ndarray) -> set[str]:
    """Unphased fit, position by position, straight from the definitions."""
    names = callable_alleles(gene)
    fits = set()
    for i, a in enumerate(names):
        for b in names[i:]:
            if all(
                (_accepts(gene, a, p, g0) and _accepts(gene, b, p, g1))
                or (_accepts(gene, a, p, g1) and _accepts(gene, b, p, g0))
                for p, (g0, g1) in enumerate(calls.tolist())
            ):
                fits.add(diplotype_name(a, b))
    return fits


@st.composite
def samples(draw: st.DrawFn) -> tuple[str, str, str, np.ndarray, np.ndarray]:
    gene = draw(st.sampled_from(GENES))
    names = callable_alleles(gene)
    a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
    pick = draw(st.integers(0, 1))
    calls = np.array([haplotype(gene, a, pick), haplotype(gene, b, pick)], dtype=np.int8).T
    n = calls.shape[0]
    missing = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=np.bool_)
    missing &= np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=np.bool_)
    calls[missing] = MISSING
    return gene, a, b, calls, missing


@settings(max_examples=40, deadline=None)
@given(samples())
def test_match_pattern__equals_brute_force_and_keeps_the_truth(
    case: tuple[str, str, str, np.ndarray, np.ndarray],
) -> None:
    gene, a, b, calls, missing = case
    n = calls.shape[0]
    found = match_pattern(
        gene_model(gene),
        calls,
        np.zeros(n, dtype=np.bool_),
        np.full(n, -1, dtype=np.int64),
        missing,
    )
    assert expected(a, b) in found.diplotypes
    assert set(found.diplotypes) == _brute_force(gene, calls)
    assert list(found.scores) == sorted(found.scores, reverse=True) or found.diplotypes[0] in {
        r.pick for r in gene_model(gene).priorities
    }
