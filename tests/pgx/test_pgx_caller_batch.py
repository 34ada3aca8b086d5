"""Guidance for many samples at once equals ``guidance_all`` sample by sample."""

from __future__ import annotations

from pathlib import Path

from pgx_caller_vcf import Sample, vcf_text, write_vcf

from trdkit.pgx.batch import guidance_by_sample
from trdkit.pgx.call import call_genotypes
from trdkit.pgx.guidance import guidance_all


def test_guidance_by_sample__equals_guidance_all_per_sample(tmp_path: Path) -> None:
    samples = [
        Sample.of("A", CYP2C19=("*2", "*2"), CYP2B6=("*6", "*6"), CYP2D6=("*1", "*4")),
        Sample.of("B", CYP2C19=("*1", "*17"), CYP2B6=("*1", "*6"), CYP2D6=("*1", "*1")),
        Sample.of("C", CYP2C19=("*2", "*2"), CYP2B6=("*1", "*1"), CYP2D6=("*1", "*4")),
        Sample.of("D", CYP2C19=("*1", "*17")),
    ]
    samples[3].missing.add(("CYP2C19", 0))
    calls = call_genotypes(write_vcf(tmp_path / "c.vcf", vcf_text(samples)))
    batch = guidance_by_sample(calls)
    assert set(batch) == set(calls)
    for sample, genes in calls.items():
        single = guidance_all(genes)
        assert {d: g.model_dump() for d, g in batch[sample].items()} == {
            d: g.model_dump() for d, g in single.items()
        }, sample
    # A and C share CYP2C19 and CYP2D6, so the tricyclic look-up is shared.
    assert batch["A"]["amitriptyline"] is batch["C"]["amitriptyline"]
