"""Cohort PGx frequencies against a direct count with the single-sample caller (differential)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from cohort_pgx_cohort import cohort_vcf, random_samples

from trdkit.cohort.pgx_calls import NOT_CALLED, call_cohort, call_quality, uncalled_reason
from trdkit.cohort.pgx_cohort import CohortPgxResult, analyse_cohort_pgx
from trdkit.knowledge.cohort_pgx import load_cohort_pgx
from trdkit.pgx.call import call_genotypes
from trdkit.pgx.guidance import guidance_all
from trdkit.pgx.model import GeneCall

N = 36


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CohortPgxResult]:
    path = cohort_vcf(tmp_path_factory.mktemp("pgx") / "cohort.vcf", random_samples(N, seed=11))
    # Blocks of 5 samples: several blocks, the last one short.
    return path, analyse_cohort_pgx(path, chunk_size=5)


@pytest.fixture(scope="module")
def single(cohort: tuple[Path, CohortPgxResult]) -> dict[str, dict[str, GeneCall]]:
    path, _ = cohort
    names = [f"P{i:03d}" for i in range(N)]
    return {s: call_genotypes(path, sample=s)[s] for s in names}


def test_cohort_pgx__calls_equal_the_single_sample_caller_sample_by_sample(
    cohort: tuple[Path, CohortPgxResult], single: dict[str, dict[str, GeneCall]]
) -> None:
    _, result = cohort
    assert result.calls.height == N * 3
    for row in result.calls.iter_rows(named=True):
        call = single[row["IID"]][row["gene"]]
        assert row["diplotype"] == call.diplotype
        assert row["phenotype"] == (call.phenotype if call.called else NOT_CALLED)
        assert row["activity_score"] == call.activity_score
        assert row["n_alternatives"] == len(call.alternatives)
        assert row["n_missing_positions"] == len(call.missing_positions)
        assert row["quality"] == call_quality(call)
        assert row["uncalled_reason"] == uncalled_reason(call)


def test_cohort_pgx__phenotype_frequencies_equal_a_direct_count(
    cohort: tuple[Path, CohortPgxResult], single: dict[str, dict[str, GeneCall]]
) -> None:
    _, result = cohort
    for gene in ("CYP2B6", "CYP2C19", "CYP2D6"):
        calls = [genes[gene] for genes in single.values()]
        direct = Counter(c.phenotype if c.called else NOT_CALLED for c in calls)
        called = sum(c.called for c in calls)
        rows = result.frequencies.filter((pl.col("gene") == gene) & (pl.col("stratum") == "all"))
        got = {r["phenotype"]: (r["count"], r["total"]) for r in rows.iter_rows(named=True)}
        want = {
            p: (n, N if p == NOT_CALLED else called) for p, n in direct.items() if p is not None
        }
        assert got == want, gene
        assert rows["frequency"].to_list() == pytest.approx(
            [r["count"] / r["total"] for r in rows.iter_rows(named=True)]
        )


def test_cohort_pgx__allele_and_diplotype_counts_equal_a_direct_count(
    cohort: tuple[Path, CohortPgxResult], single: dict[str, dict[str, GeneCall]]
) -> None:
    _, result = cohort
    for gene in ("CYP2B6", "CYP2C19"):
        diplotypes = Counter(
            g[gene].diplotype for g in single.values() if g[gene].called and g[gene].diplotype
        )
        alleles: Counter[str] = Counter()
        for d, n in diplotypes.items():
            for allele in d.split("/"):
                alleles[allele] += n
        table = result.alleles.filter(pl.col("gene") == gene)
        got_d = {
            r["name"]: r["count"] for r in table.filter(pl.col("kind") == "diplotype").to_dicts()
        }
        got_a = {r["name"]: r["count"] for r in table.filter(pl.col("kind") == "allele").to_dicts()}
        assert got_d == dict(diplotypes)
        assert got_a == dict(alleles)
        assert set(table.filter(pl.col("kind") == "allele")["total"]) == {
            2 * sum(diplotypes.values())
        }


def test_cohort_pgx__actionable_counts_equal_guidance_all_per_sample(
    cohort: tuple[Path, CohortPgxResult], single: dict[str, dict[str, GeneCall]]
) -> None:
    _, result = cohort
    quiet = set(load_cohort_pgx().non_actionable_actions.actions)
    direct: Counter[tuple[str, str, str, bool]] = Counter()
    for genes in single.values():
        for drug, g in guidance_all(genes).items():
            lookup = "; ".join(f"{k}={v}" for k, v in sorted(g.lookup.items()))
            direct[(drug, lookup, g.action, g.worst_case)] += 1
    got = {
        (r["drug"], r["lookup"], r["action"], r["worst_case"]): r["count"]
        for r in result.actionable.to_dicts()
    }
    assert got == dict(direct)
    for row in result.actionable.to_dicts():
        assert row["actionable"] == (row["action"] not in quiet)
    per_drug = result.summary["actionable_samples_by_drug"]
    assert per_drug["citalopram"] == sum(
        n for (d, _, a, _), n in direct.items() if d == "citalopram" and a not in quiet
    )


def test_call_cohort__sample_subset_keeps_file_order_and_only_listed(
    cohort: tuple[Path, CohortPgxResult],
) -> None:
    path, full = cohort
    wanted = ["P030", "P002", "P017"]
    sub = call_cohort(path, samples=wanted, chunk_size=4)
    assert sub.samples == ("P002", "P017", "P030")
    assert sub.samples_in_file == N
    expected = full.calls.filter(pl.col("IID").is_in(wanted))
    assert sub.calls.sort("IID", "gene").equals(expected.sort("IID", "gene"))


def test_uncalled_reason__gene_absent_from_the_vcf_is_no_data(tmp_path: Path) -> None:
    samples = random_samples(4, seed=3)
    path = cohort_vcf(tmp_path / "no2d6.vcf", samples, genes=("CYP2B6", "CYP2C19"))
    result = analyse_cohort_pgx(path)
    d6 = result.calls.filter(pl.col("gene") == "CYP2D6")
    assert d6["uncalled_reason"].to_list() == ["no_data"] * 4
    assert d6["quality"].to_list() == ["not_called"] * 4
    gene = result.summary["genes"]["CYP2D6"]
    assert gene["not_called"] == 4 and gene["not_called_reasons"] == {"no_data": 4}
    not_called = result.frequencies.filter(
        (pl.col("gene") == "CYP2D6") & (pl.col("phenotype") == NOT_CALLED)
    )
    assert not_called["frequency"].to_list() == [1.0]
