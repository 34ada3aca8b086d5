"""Phenotype/covariate tables: PLINK layout, binary coding detection, sample alignment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trdkit.cohort.io import GeneticsInputError, Samples
from trdkit.cohort.traits import PlinkTable, TraitKind, build_design, detect_trait


@pytest.mark.parametrize(
    ("values", "kind", "coding", "cases"),
    [
        ([0, 1, 1, 0, np.nan], TraitKind.BINARY, "0/1", 2),
        ([1, 2, 2, 2, 1], TraitKind.BINARY, "1/2", 3),
        ([0, 1, 2, 2, 1], TraitKind.BINARY, "1/2 (0 = missing)", 2),
        ([0.5, 1.5, 2.0, 3.0, 1], TraitKind.QUANTITATIVE, "quantitative", None),
    ],
)
def test_detect_trait__codings(
    values: list[float], kind: TraitKind, coding: str, cases: int | None
) -> None:
    trait = detect_trait("T", np.array(values, dtype=float))
    assert trait.kind is kind and trait.coding == coding
    assert trait.because.startswith("T:")
    if cases is not None:
        assert np.nansum(trait.values) == cases
        assert set(np.unique(trait.values[~np.isnan(trait.values)])) <= {0.0, 1.0}


def test_detect_trait__a_constant_phenotype_is_invalid() -> None:
    with pytest.raises(GeneticsInputError, match="fewer than two"):
        detect_trait("T", np.array([1.0, 1.0, np.nan]))


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_build_design__aligns_by_fid_iid_and_drops_missing(tmp_path: Path) -> None:
    # s2 has -9 (missing), s4 is filed under another FID, s1 lacks AGE, s8 is not in the covariates.
    trd = {0: 2, 1: 1, 2: -9, 3: 2, 5: 1, 6: 2, 7: 1, 8: 1}
    pheno_rows = "".join(f"f{i} s{i} {v}\n" for i, v in trd.items()) + "f9 s4 1\n"
    ages = {0: "30", 1: "NA", 3: "50", 5: "41", 6: "38", 7: "63"}
    covar_rows = "".join(f"f{i}\ts{i}\t{a}\t{1 + i % 2}\n" for i, a in ages.items())
    pheno = _write(tmp_path / "p.tsv", "#FID IID TRD\n" + pheno_rows)
    covar = _write(tmp_path / "c.tsv", "FID\tIID\tAGE\tSEX\n" + covar_rows)
    samples = Samples(
        iid=np.array([f"s{i}" for i in range(9)]), fid=np.array([f"f{i}" for i in range(9)])
    )
    design = build_design(samples, PlinkTable.read(pheno), "TRD", PlinkTable.read(covar))
    assert design.sample_index.tolist() == [0, 3, 5, 6, 7]
    assert design.y.tolist() == [1.0, 1.0, 0.0, 1.0, 0.0]
    assert design.covariates == ("AGE", "SEX")
    assert design.x[:, 0].tolist() == [1.0] * 5
    assert design.dropped == {
        "not_in_phenotype_file": 1,
        "missing_phenotype": 1,
        "missing_covariate": 2,
    }


def test_build_design__iid_only_tables_and_covariate_selection(tmp_path: Path) -> None:
    rows = "".join(f"s{i}\t{i * 0.5}\t{i % 3}\t{(i * 7) % 5}\n" for i in range(10))
    table = PlinkTable.read(_write(tmp_path / "t.tsv", "#IID\tQ\tA\tB\n" + rows))
    design = build_design(
        Samples(iid=np.array([f"s{i}" for i in range(10)])), table, "Q", table, ["B"]
    )
    assert design.trait.kind is TraitKind.QUANTITATIVE and design.covariates == ("B",)
    assert design.x.shape == (10, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ID X\na 1\n", "header must start"),
        ("#IID X\na 1 2\n", "line 2 has 3 fields"),
        ("#IID X\na 1\na 2\n", "more than once"),
    ],
)
def test_plink_table__malformed_tables(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(GeneticsInputError, match=message):
        PlinkTable.read(_write(tmp_path / "bad.tsv", text))


def test_build_design__bad_column_value_and_constant_covariate(tmp_path: Path) -> None:
    samples = Samples(iid=np.array([f"s{i}" for i in range(6)]))
    rows = "".join(f"s{i}\t{i}\t7\tx{i}\n" for i in range(6))
    table = PlinkTable.read(_write(tmp_path / "t.tsv", "#IID\tQ\tK\tS\n" + rows))
    with pytest.raises(GeneticsInputError, match="no column 'NOPE'"):
        build_design(samples, table, "NOPE")
    with pytest.raises(GeneticsInputError, match="covariate 'K' is constant"):
        build_design(samples, table, "Q", table, ["K"])
    with pytest.raises(GeneticsInputError, match="'S' row 2 holds 'x0'"):
        build_design(samples, table, "Q", table, ["S"])
