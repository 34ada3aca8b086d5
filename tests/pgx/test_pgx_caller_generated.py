"""Tests generated from the allele definitions, as PharmCAT's vcf_generator does: for every pair
of VCF-callable CYP2C19 and CYP2B6 alleles one sample whose call must be that diplotype or an
equally consistent one listed in ``alternatives``; then the same with a defining position
missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pgx_caller_vcf import Sample, allele_pairs, expected, haplotype, vcf_text, write_vcf

from trdkit.knowledge.pgx_alleles import load_allele_definitions
from trdkit.pgx.call import call_genotypes
from trdkit.pgx.match import gene_model

GENES = ("CYP2C19", "CYP2B6")


def _score(gene: str, diplotype: str) -> int:
    model = gene_model(gene)
    defined = model.defined.sum(axis=1)
    a, b = diplotype.split("/")
    return int(defined[model.names.index(a)] + defined[model.names.index(b)])


def _samples(gene: str, pick: int = 0) -> tuple[list[Sample], list[tuple[str, str]]]:
    pairs = allele_pairs(gene)
    samples = []
    for i, (a, b) in enumerate(pairs):
        sample = Sample(f"S{i:04d}")
        sample.haplotypes[gene] = (haplotype(gene, a, pick), haplotype(gene, b, pick))
        samples.append(sample)
    return samples, pairs


@pytest.mark.parametrize("gene", GENES)
def test_call_genotypes__every_unphased_pair_is_called_or_an_equal_alternative(
    gene: str, tmp_path: Path
) -> None:
    samples, pairs = _samples(gene)
    path = write_vcf(tmp_path / "pairs.vcf", vcf_text(samples, genes=[gene]))
    calls = call_genotypes(path, genes=[gene])
    ambiguous = 0
    for sample, (a, b) in zip(samples, pairs, strict=True):
        call = calls[sample.name][gene]
        want = expected(a, b)
        assert call.called and call.diplotype is not None, (want, call.warnings)
        assert want in [call.diplotype, *call.alternatives], (want, call.diplotype)
        # The reported one ranks at least as high as the true one (PharmCAT score).
        assert _score(gene, call.diplotype) >= _score(gene, want)
        assert call.missing_positions == []
        ambiguous += call.diplotype != want
    # Unphased ambiguity is the exception (PharmCAT's own generated tests: a handful per gene).
    assert ambiguous <= len(pairs) // 50


@pytest.mark.parametrize("gene", GENES)
def test_call_genotypes__every_phased_pair_is_called_exactly(gene: str, tmp_path: Path) -> None:
    samples, pairs = _samples(gene, pick=1)
    path = write_vcf(tmp_path / "phased.vcf.gz", vcf_text(samples, genes=[gene], phased=True))
    calls = call_genotypes(path, genes=[gene])
    for sample, (a, b) in zip(samples, pairs, strict=True):
        call = calls[sample.name][gene]
        assert call.diplotype == expected(a, b), (a, b, call.diplotype, call.alternatives)


def _first_variant_position(gene: str, allele: str) -> int | None:
    defs = load_allele_definitions(gene)
    named = next(a for a in defs.alleles if a.name == allele)
    if named.reference:
        return None
    ref = haplotype(gene, defs.reference_allele)
    own = haplotype(gene, allele)
    differs = [i for i, (x, y) in enumerate(zip(ref, own, strict=True)) if x != y]
    return differs[0] if differs else None


@pytest.mark.parametrize("gene", GENES)
def test_call_genotypes__a_missing_defining_position_keeps_the_truth_possible(
    gene: str, tmp_path: Path
) -> None:
    samples, pairs = _samples(gene)
    defs = load_allele_definitions(gene)
    made_missing = {}
    for sample, (a, _b) in zip(samples, pairs, strict=True):
        index = _first_variant_position(gene, a)
        if index is not None:
            sample.missing.add((gene, index))
            made_missing[sample.name] = index
    path = write_vcf(tmp_path / "missing.vcf", vcf_text(samples, genes=[gene]))
    calls = call_genotypes(path, genes=[gene])
    for sample, (a, b) in zip(samples, pairs, strict=True):
        call = calls[sample.name][gene]
        want = expected(a, b)
        assert want in [call.diplotype, *call.alternatives], (want, call.diplotype)
        if sample.name in made_missing:
            assert call.missing_positions == [defs.label(made_missing[sample.name])]
            assert any("missing from the input" in w for w in call.warnings)


def test_call_genotypes__a_position_absent_from_the_file_is_missing_never_reference(
    tmp_path: Path,
) -> None:
    gene = "CYP2C19"
    defs = load_allele_definitions(gene)
    star3 = _first_variant_position(gene, "*3")
    assert star3 is not None
    samples = [Sample.of("S1", CYP2C19=("*1", "*1")), Sample.of("S2", CYP2C19=("*1", "*2"))]
    path = write_vcf(tmp_path / "drop.vcf", vcf_text(samples, genes=[gene], drop=[(gene, star3)]))
    calls = call_genotypes(path, genes=[gene])
    ref = calls["S1"][gene]
    assert ref.diplotype == "*1/*1"
    # *3 is defined at the dropped position, so it cannot be ruled out on either copy.
    assert {"*1/*3", "*3/*3"} <= set(ref.alternatives)
    assert ref.phenotype == "Indeterminate"
    assert ref.missing_positions == [defs.label(star3)]
    assert calls["S2"][gene].diplotype == "*1/*2"
    assumed = call_genotypes(path, genes=[gene], assume_reference=True)["S1"][gene]
    assert assumed.diplotype == "*1/*1" and assumed.alternatives == []
    assert assumed.assumed_reference and assumed.missing_positions == [defs.label(star3)]


def test_gene_model__reference_row_fills_blank_cells() -> None:
    model = gene_model("CYP2C19")
    star2 = model.names.index("*2")
    star38 = model.names.index("*38")
    blank = ~model.defined[star2]
    assert np.array_equal(model.masks[star2][blank], model.masks[star38][blank])
