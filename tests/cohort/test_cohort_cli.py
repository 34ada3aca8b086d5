"""``trdkit cohort assoc`` and ``cohort prs`` end to end on tiny inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cohort_sim import Cohort, simulate, write_bed, write_tables, write_vcf
from typer.testing import CliRunner

from trdkit.cli import app

runner = CliRunner()
COLUMNS = [
    "#CHROM",
    "POS",
    "ID",
    "REF",
    "ALT",
    "A1",
    "A1_FREQ",
    "OBS_CT",
    "TEST",
    "BETA",
    "SE",
    "P",
]


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [ln.split("\t") for ln in path.read_text().splitlines()]
    return [dict(zip(lines[0], r, strict=True)) for r in lines[1:]]


@pytest.fixture
def cohort(tmp_path: Path) -> tuple[Cohort, Path, Path, Path]:
    c = simulate(n=300, m=60, missing=0.01, seed=11, causal=0.9)
    prefix = write_bed(c, tmp_path / "geno")
    pheno, covar = write_tables(c, tmp_path)
    return c, prefix, pheno, covar


def test_assoc__binary_trait_writes_the_four_outputs(
    cohort: tuple[Cohort, Path, Path, Path], tmp_path: Path
) -> None:
    _c, prefix, pheno, covar = cohort
    out = tmp_path / "res"
    args = ["cohort", "assoc", "--bfile", str(prefix), "--pheno", str(pheno)]
    result = runner.invoke(
        app, [*args, "--pheno-name", "TRD", "--covar", str(covar), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = _rows(out.with_name("res.assoc.tsv"))
    assert list(rows[0]) == COLUMNS and len(rows) == 60
    assert {r["TEST"] for r in rows} <= {"SCORE", "FIRTH"}
    assert rows[3]["TEST"] == "FIRTH" and float(rows[3]["P"]) < 0.01  # the causal SNP
    assert all(r["A1"] == r["ALT"] for r in rows)
    doc = json.loads(out.with_name("res.summary.json").read_text())
    assert (
        doc["trait"]["coding"] == "1/2" and doc["trait"]["cases"] + doc["trait"]["controls"] == 300
    )
    assert doc["covariates"] == ["AGE", "SEX", "PC1"]
    assert doc["top_hits"][0]["id"] == "rs9003" and "genome_wide_p" in doc["top_hits"][0]["because"]
    for name in ("manhattan", "qq"):
        assert out.with_name(f"res.{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_assoc__vcf_input_quantitative_trait_matches_bed_input(
    cohort: tuple[Cohort, Path, Path, Path], tmp_path: Path
) -> None:
    c, prefix, _, _ = cohort
    pheno, covar = write_tables(c, tmp_path / ".." / tmp_path.name, fid=False)
    vcf = write_vcf(c, tmp_path / "geno.vcf")
    for flag, src, out in (("--vcf", vcf, "v"), ("--bfile", prefix, "b")):
        result = runner.invoke(
            app,
            [
                "cohort",
                "assoc",
                flag,
                str(src),
                "--pheno",
                str(pheno),
                "--pheno-name",
                "RESP",
                "--covar",
                str(covar),
                "--covar-name",
                "AGE,PC1",
                "--out",
                str(tmp_path / out),
            ],
        )
        assert result.exit_code == 0, result.output
    v, b = _rows(tmp_path / "v.assoc.tsv"), _rows(tmp_path / "b.assoc.tsv")
    assert [r["TEST"] for r in v] == ["LINEAR"] * 60
    assert [r["P"] for r in v] == [r["P"] for r in b]
    assert not list(tmp_path.glob(".trdkit-vcz-*"))  # the converted store is removed


def test_assoc__candidate_mode_and_allelic_combinations(tmp_path: Path) -> None:
    c = simulate(n=400, m=8, seed=5)
    c.ids[:3] = ["rs6265", "rs7430", "rs6313"]
    c.ids[5] = "rs4680"
    prefix = write_bed(c, tmp_path / "g")
    pheno, covar = write_tables(c, tmp_path)
    out = tmp_path / "cand"
    result = runner.invoke(
        app,
        [
            "cohort",
            "assoc",
            "--bfile",
            str(prefix),
            "--pheno",
            str(pheno),
            "--pheno-name",
            "TRD",
            "--covar",
            str(covar),
            "--candidates",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = _rows(out.with_name("cand.assoc.tsv"))
    assert [r["ID"] for r in rows] == ["rs6265", "rs7430", "rs6313", "rs4680"]
    doc = json.loads(out.with_name("cand.summary.json").read_text())
    found = {d["rsid"]: d for d in doc["candidates"]}
    assert (
        found["rs1954787"]["row"] is None
        and "not in the genotypes" in found["rs1954787"]["because"]
    )
    assert found["rs6265"]["q_bh"] >= found["rs6265"]["p"]
    combo = doc["combinations"]
    assert (
        combo["rsids"] == ["rs6265", "rs7430", "rs6313"] and combo["omnibus_test"] == "chi-square"
    )
    assert sum(x["n"] for x in combo["combinations"]) == 400
    table = _rows(out.with_name("cand.combinations.tsv"))
    assert table[0]["COMBINATION"].startswith("rs6265 ")


def test_assoc__invalid_inputs_exit_2_without_traceback(
    cohort: tuple[Cohort, Path, Path, Path], tmp_path: Path
) -> None:
    _, prefix, pheno, _covar = cohort
    base = ["cohort", "assoc", "--pheno", str(pheno), "--out", str(tmp_path / "x")]
    cases = [
        ([*base, "--pheno-name", "TRD"], "exactly one of --bfile"),
        ([*base, "--bfile", str(prefix), "--pheno-name", "NOPE"], "no column 'NOPE'"),
        ([*base, "--bfile", str(tmp_path / "none"), "--pheno-name", "TRD"], "cannot read"),
        ([*base, "--bfile", str(prefix), "--vcf", "x.vcf", "--pheno-name", "TRD"], "exactly one"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output


def test_assoc__scheduler_address_runs_on_a_dask_cluster(
    cohort: tuple[Cohort, Path, Path, Path], tmp_path: Path
) -> None:
    from distributed import LocalCluster

    _, prefix, pheno, covar = cohort
    args = [
        "cohort",
        "assoc",
        "--bfile",
        str(prefix),
        "--pheno",
        str(pheno),
        "--pheno-name",
        "RESP",
    ]
    args += ["--covar", str(covar)]
    with LocalCluster(
        n_workers=1, processes=False, threads_per_worker=2, dashboard_address=None
    ) as lc:
        result = runner.invoke(
            app, [*args, "--scheduler", lc.scheduler_address, "--out", str(tmp_path / "d")]
        )
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "t")]).exit_code == 0
    d, t = _rows(tmp_path / "d.assoc.tsv"), _rows(tmp_path / "t.assoc.tsv")
    assert [r["P"] for r in d] == [r["P"] for r in t]
    doc = json.loads((tmp_path / "d.summary.json").read_text())
    assert doc["scheduler"].startswith("distributed ")


def _scorefile(c: Cohort, path: Path, build: str) -> Path:
    rows = "".join(
        f"{c.ids[i]}\t{c.chrom[i]}\t{c.pos[i]}\t{c.alt[i]}\t{c.ref[i]}\t{0.1 * (i + 1)}\n"
        for i in range(0, 10)
    )
    path.write_text(
        f"#pgs_id=PGS000001\n#genome_build={build}\n"
        "rsID\tchr_name\tchr_position\teffect_allele\tother_allele\teffect_weight\n" + rows
    )
    return path


def test_prs__writes_scores_and_match_tables(
    cohort: tuple[Cohort, Path, Path, Path], tmp_path: Path
) -> None:
    c, prefix, _, _ = cohort
    score = _scorefile(c, tmp_path / "s.txt", "GRCh38")
    out = tmp_path / "prs"
    args = ["cohort", "prs", "--score", str(score), "--bfile", str(prefix), "--keep-ambiguous"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = _rows(out.with_name("prs.scores.tsv"))
    assert len(scores) == 300 and scores[0]["PGS_ID"] == "PGS000001"
    g = c.geno[:10].astype(float)
    g[g < 0] = np.nan
    g = np.where(np.isnan(g), np.nanmean(g, axis=1, keepdims=True), g)
    expected = (0.1 * np.arange(1, 11)) @ g
    np.testing.assert_allclose([float(s["SCORE_SUM"]) for s in scores], expected, rtol=1e-6)
    match = _rows(out.with_name("prs.match.tsv"))
    assert {m["STATUS"] for m in match} <= {"matched", "ambiguous_kept"}


def test_prs__wrong_build_or_low_overlap_exit_2(
    cohort: tuple[Cohort, Path, Path, Path], tmp_path: Path
) -> None:
    c, prefix, _, _ = cohort
    out = str(tmp_path / "p")
    wrong = _scorefile(c, tmp_path / "w.txt", "GRCh37")
    result = runner.invoke(
        app, ["cohort", "prs", "--score", str(wrong), "--bfile", str(prefix), "--out", out]
    )
    assert result.exit_code == 2 and "GRCh37" in result.output
    c2 = simulate(n=4, m=10, seed=99)
    c2.pos = [p + 1 for p in c2.pos]  # nothing matches
    far = _scorefile(c2, tmp_path / "f.txt", "GRCh38")
    result = runner.invoke(
        app, ["cohort", "prs", "--score", str(far), "--bfile", str(prefix), "--out", out]
    )
    assert result.exit_code == 2 and "minimum overlap" in result.output
    assert (tmp_path / "p.match.tsv").exists()
