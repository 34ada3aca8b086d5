"""Polygenic scores: PGS Catalog file reading, allele matching (flips, ambiguous, missing), sums."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from cohort_sim import Cohort, simulate, write_bed

from trdkit.cohort.io import BedSource, GeneticsInputError
from trdkit.cohort.pgs_file import read_scoring_file
from trdkit.cohort.prs import match_variants, score

HEADER = (
    "###PGS CATALOG SCORING FILE - see https://www.pgscatalog.org/downloads/#dl_ftp_scoring\n"
    "#format_version=2.0\n#pgs_id=PGS999001\n#pgs_name=synthetic\n#trait_reported=TRD\n"
    "#genome_build=GRCh37\n#variants_number={n}\n#HmPOS_build=GRCh38\n"
)


def _cohort() -> Cohort:
    c = simulate(n=40, m=10, missing=0.05, seed=7)
    # Fix the alleles so that every matching case can be built.
    c.ref[:] = ["A", "C", "A", "G", "A", "C", "T", "G", "A", "C"]
    c.alt[:] = ["G", "T", "T", "C", "C", "A", "C", "A", "G", "T"]
    return c


def _scoring(tmp_path: Path, rows: list[tuple[str, str, int, str, str, float]]) -> Path:
    head = (
        "rsID\tchr_name\tchr_position\teffect_allele\tother_allele\teffect_weight\thm_chr\thm_pos"
    )
    body = "".join(f"{r}\t{c}\t{p - 7}\t{e}\t{o}\t{w}\t{c}\t{p}\n" for r, c, p, e, o, w in rows)
    path = tmp_path / "PGS999001_hmPOS_GRCh38.txt.gz"
    with gzip.open(path, "wt") as fh:
        fh.write(HEADER.format(n=len(rows)) + head + "\n" + body)
    return path


def _rows(c: Cohort) -> list[tuple[str, str, int, str, str, float]]:
    def at(i: int) -> tuple[str, int]:
        return c.chrom[i], c.pos[i]

    return [
        ("rs0", *at(0), "G", "A", 0.5),  # matched: effect = ALT
        ("rs1", *at(1), "C", "T", -0.2),  # swapped: effect = REF
        ("rs2", *at(2), "T", "A", 0.3),  # A/T: ambiguous
        ("rs3", *at(3), "G", "C", 0.1),  # G/C: ambiguous, effect = REF
        ("rs4", *at(4), "G", "T", 0.4),  # complement of A/C: strand flip, effect = ALT(C) -> G
        ("rs5", *at(5), "G", "T", 0.7),  # target C>A; complement G/T: effect G = comp(REF C)
        ("rs6", *at(6), "G", "T", 0.2),  # target T>C: alleles G/T match nothing
        ("rs7", "1", 999_999, "A", "G", 0.9),  # no such position
    ]


def test_read_scoring_file__harmonised_positions_and_metadata(tmp_path: Path) -> None:
    c = _cohort()
    scoring = read_scoring_file(_scoring(tmp_path, _rows(c)))
    assert scoring.pgs_id == "PGS999001" and scoring.harmonised and scoring.build == "GRCh38"
    assert scoring.rows[0].pos == c.pos[0] and scoring.rows[0].weight == 0.5
    assert len(scoring.rows) == 8


def test_match_variants__statuses(tmp_path: Path) -> None:
    c = _cohort()
    source = BedSource.open(write_bed(c, tmp_path / "c"))
    scoring = read_scoring_file(_scoring(tmp_path, _rows(c)))
    got = [m.status for m in match_variants(scoring, source, keep_ambiguous=False)]
    assert got == [
        "matched",
        "swapped",
        "ambiguous_excluded",
        "ambiguous_excluded",
        "strand_flip",
        "strand_flip_swapped",
        "allele_mismatch",
        "missing",
    ]
    kept = match_variants(scoring, source, keep_ambiguous=True)
    assert [m.status for m in kept][2:4] == ["ambiguous_kept", "ambiguous_kept"]
    assert [m.effect_is_alt for m in kept][2:4] == [True, False]


def test_score__equals_the_numpy_sum_with_mean_imputation(tmp_path: Path) -> None:
    c = _cohort()
    source = BedSource.open(write_bed(c, tmp_path / "c"))
    scoring = read_scoring_file(_scoring(tmp_path, _rows(c)))
    matches = match_variants(scoring, source, keep_ambiguous=True)
    result = score(source, matches, scoring.pgs_id, block=2)
    g = c.geno.astype(float)
    g[g < 0] = np.nan
    expected = np.zeros(c.n)
    # effect allele, as ALT (+1) or REF (-1), for the used rows 0-5
    for row, sign, w in [
        (0, 1, 0.5),
        (1, -1, -0.2),
        (2, 1, 0.3),
        (3, -1, 0.1),
        (4, 1, 0.4),
        (5, -1, 0.7),
    ]:
        dose = g[row] if sign > 0 else 2 - g[row]
        expected += w * np.where(np.isnan(dose), np.nanmean(dose), dose)
    np.testing.assert_allclose(result.score_sum, expected, rtol=1e-10)
    assert result.n_used == 6 and set(result.allele_ct.tolist()) == {12}


def test_score__no_mean_imputation_counts_called_alleles(tmp_path: Path) -> None:
    c = _cohort()
    source = BedSource.open(write_bed(c, tmp_path / "c"))
    matches = match_variants(read_scoring_file(_scoring(tmp_path, _rows(c)[:1])), source, False)
    result = score(source, matches, "X", mean_impute=False)
    called = c.geno[0] >= 0
    assert result.allele_ct.tolist() == (2 * called).tolist()
    np.testing.assert_allclose(result.score_sum, 0.5 * np.where(called, c.geno[0], 0))


def test_read_scoring_file__rsid_only_file_and_bad_weight(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("#pgs_id=PGSX\nrsID\teffect_allele\teffect_weight\nrs9001\tA\t0.1\n")
    scoring = read_scoring_file(path)
    assert scoring.rows[0].chrom is None and scoring.rows[0].rsid == "rs9001"
    path.write_text("rsID\teffect_allele\teffect_weight\nrs9001\tA\tbig\n")
    with pytest.raises(GeneticsInputError, match="not a number"):
        read_scoring_file(path)
    path.write_text("rsID\teffect_allele\nrs9001\tA\n")
    with pytest.raises(GeneticsInputError, match="effect_weight"):
        read_scoring_file(path)


def test_read_scoring_file__non_additive_rows_are_unsupported(tmp_path: Path) -> None:
    c = _cohort()
    source = BedSource.open(write_bed(c, tmp_path / "c"))
    path = tmp_path / "s.txt"
    path.write_text(
        "rsID\tchr_name\tchr_position\teffect_allele\teffect_weight\tis_recessive\n"
        f"rs0\t1\t{c.pos[0]}\tG\t0.1\tTrue\nrs1\t1\t{c.pos[1]}\tT\t0.1\tFalse\n"
    )
    statuses = [m.status for m in match_variants(read_scoring_file(path), source, False)]
    assert statuses == ["unsupported", "matched"]
