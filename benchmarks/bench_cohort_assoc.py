"""Benchmark: cohort association, trdkit on Dask against PLINK 2, PLINK 1.9 and sgkit, one run.

Simulates 10,000 samples x 100,000 SNPs with linkage disequilibrium (a haplotype copying model
on two chromosomes) and a realistic allele-frequency spread, six covariates (AGE, SEX, PC1-PC4;
the "PCs" are random normals, not a PCA), a binary TRD trait (1/2 coded, about 30% cases, five
causal SNPs plus AGE, SEX and PC1) and a quantitative RESP trait. Then times, each as its own
process under ``/usr/bin/time -v`` (wall clock and peak memory):

* binary: ``trdkit cohort assoc`` (score test + Firth), ``plink2 --glm firth-fallback``,
  ``plink1.9 --logistic``;
* quantitative: ``trdkit cohort assoc`` (linear), ``plink2 --glm``, and sgkit's
  ``gwas_linear_regression`` when a Python with sgkit is given (``--sgkit-python``; sgkit pins old
  dask/numpy, so it lives in its own virtual environment, never the project's).

and reports agreement with PLINK 2 (correlation of -log10 p, the genome-wide hits). Not a unit
test; run on demand::

    .venv/bin/python benchmarks/bench_cohort_assoc.py [--samples 10000] [--variants 100000]
        [--sgkit-python /tmp/venv-sgkit/bin/python] [--workdir DIR [--reuse]] [--write]

``--write`` replaces the "Cohort association" section of docs/benchmarks.md with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Cohort association"
TRDKIT = str(Path(sys.executable).with_name("trdkit"))
_CODE = np.array([1, 3, 2, 0], dtype=np.uint8)  # .bed code by A1 count + 1 (missing, 0, 1, 2)

SGKIT = """
import sys, time
import numpy as np
t0 = time.perf_counter()
import sgkit
from sgkit.io.plink import read_plink
prefix, pheno, covar, out = sys.argv[1:5]
ds = read_plink(path=prefix, fam_sep="\\t", bim_sep="\\t", chunks=(5000, -1, -1))
def table(path):
    rows = [ln.split() for ln in open(path)]
    return rows[0][2:], {r[1]: r[2:] for r in rows[1:]}
iid = [str(s) for s in ds["sample_id"].values]
for path in (pheno, covar):
    names, rows = table(path)
    for j, name in enumerate(names):
        ds[name] = ("samples", np.array([float(rows[s][j]) for s in iid]))
gt = ds["call_genotype"]
# sgkit counts allele 1 = the .bim A2 (REF); 2 - that is the ALT count, as PLINK 2 omit-ref.
ds["call_dosage"] = 2 - gt.where(gt >= 0).sum(dim="ploidy")
t1 = time.perf_counter()
res = sgkit.gwas_linear_regression(ds, dosage="call_dosage", add_intercept=True,
    covariates=["AGE", "SEX", "PC1", "PC2", "PC3", "PC4"], traits=["RESP"])
p = res["variant_linreg_p_value"].values[:, 0]
t2 = time.perf_counter()
np.save(out, p)
print(f"import+read {t1 - t0:.2f} compute {t2 - t1:.2f}")
"""


def simulate(folder: Path, n: int, m: int, seed: int) -> list[int]:
    """Write g.bed/.bim/.fam, pheno.tsv, covar.tsv (+ PLINK 1.9 copies); return causal rows."""
    rng = np.random.default_rng(seed)
    width = (n + 3) // 4
    bands = rng.choice(3, m, p=[0.34, 0.31, 0.35])
    lo, hi = np.array([0.01, 0.05, 0.2])[bands], np.array([0.05, 0.2, 0.5])[bands]
    freq = rng.uniform(lo, hi) * np.where(rng.random(m) < 0.5, 1, -1) % 1.0
    hap = rng.random(2 * n) < freq[0]
    causal_freq = [0.28, 0.38, 0.19, 0.44, 0.11]
    causal_rows = [
        int(np.argmin(np.abs(freq[i * 997 : i * 997 + 997] - f))) + i * 997
        for i, f in enumerate(causal_freq)
    ]
    causal = np.zeros((5, n))
    bim = []
    with (folder / "g.bed").open("wb") as bed:
        bed.write(b"\x6c\x1b\x01")
        block = np.empty((1000, n), dtype=np.int8)
        for j in range(m):
            # Copy most of the previous haplotype (LD), redraw a random part at this frequency.
            fresh = rng.random(2 * n) < 0.15
            hap = np.where(fresh, rng.random(2 * n) < freq[j], hap)
            g = hap[:n].astype(np.int8) + hap[n:]
            block[j % 1000] = g
            if j in causal_rows:
                causal[causal_rows.index(j)] = g
            chrom = 20 if j < 0.57 * m else 22
            bim.append(f"{chrom}\tsnp{j}\t0\t{1000 + 500 * j}\tA\tG\n")
            if j % 1000 == 999 or j == m - 1:
                rows = block[: j % 1000 + 1]
                codes = np.zeros((rows.shape[0], width * 4), dtype=np.uint8)
                codes[:, :n] = _CODE[rows + 1]
                q = codes.reshape(rows.shape[0], width, 4)
                bed.write(
                    (q[:, :, 0] | q[:, :, 1] << 2 | q[:, :, 2] << 4 | q[:, :, 3] << 6).tobytes()
                )
    (folder / "g.bim").write_text("".join(bim))
    sex = rng.integers(1, 3, n)
    (folder / "g.fam").write_text("".join(f"f{i}\ts{i}\t0\t0\t{sex[i]}\t-9\n" for i in range(n)))
    age = np.clip(rng.normal(45, 12, n), 18, 80)
    pcs = rng.normal(size=(n, 4))
    eta = -1.5 + np.array([0.35, 0.30, 0.25, 0.20, 0.15]) @ causal
    eta += 0.02 * (age - 45) + 0.25 * (sex == 2) + 0.1 * pcs[:, 0]
    trd = 1 + (rng.random(n) < 1 / (1 + np.exp(-eta)))
    resp = (
        np.array([0.12, 0.10, 0.08, 0.06, 0.05]) @ causal - 0.01 * (age - 45) + rng.normal(size=n)
    )
    for head, suffix in (("#FID", ".tsv"), ("FID", "_p19.txt")):
        (folder / f"pheno{suffix}").write_text(
            f"{head}\tIID\tTRD\tRESP\n"
            + "".join(f"f{i}\ts{i}\t{trd[i]}\t{resp[i]:.6f}\n" for i in range(n))
        )
        (folder / f"covar{suffix}").write_text(
            f"{head}\tIID\tAGE\tSEX\tPC1\tPC2\tPC3\tPC4\n"
            + "".join(
                f"f{i}\ts{i}\t{age[i]:.2f}\t{sex[i]}\t"
                + "\t".join(f"{v:.5f}" for v in pcs[i])
                + "\n"
                for i in range(n)
            )
        )
    return causal_rows


def timed(label: str, cmd: list[str], cwd: Path) -> dict[str, object]:
    """Run ``cmd`` under /usr/bin/time -v; return wall seconds and peak RSS in MB."""
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{proc.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    assert wall and rss
    h, mnt, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(mnt) * 60 + float(s)
    print(f"{label}: {seconds:.2f} s, {int(rss.group(1)) / 1024:.0f} MB", flush=True)
    shown = [Path(cmd[0]).name if cmd[0] == TRDKIT else cmd[0], *cmd[1:]]
    return {
        "label": label,
        "cmd": " ".join(shown),
        "wall": seconds,
        "rss": int(rss.group(1)) / 1024,
    }


def _p(path: Path, column: str = "P") -> np.ndarray:
    lines = [ln.split() for ln in path.read_text().splitlines()]
    j = lines[0].index(column)
    return np.array([float(r[j]) if r[j] != "NA" else np.nan for r in lines[1:]])


def agreement(ours: np.ndarray, ref: np.ndarray, gw: float = 5e-8) -> str:
    """r of -log10 p over variants finite in both, and whether the p < gw hit lists agree."""
    ok = np.isfinite(ours) & np.isfinite(ref) & (ours > 0) & (ref > 0)
    r = np.corrcoef(-np.log10(ours[ok]), -np.log10(ref[ok]))[0, 1]
    a, b = set(np.flatnonzero(ours < gw)), set(np.flatnonzero(ref < gw))
    same = " (identical)" if a == b else f", {len(a ^ b)} differ"
    return f"r = {r:.6f}; hits {len(a)} vs {len(b)}{same}"


def run(args: argparse.Namespace, folder: Path) -> str:
    saved = folder / "causal.json"
    if args.reuse and saved.exists():
        causal = json.loads(saved.read_text())
    else:
        causal = simulate(folder, args.samples, args.variants, args.seed)
        saved.write_text(json.dumps(causal))
    env_note = f"load average before runs: {os.getloadavg()[0]:.1f}"
    glm = [
        "--bfile",
        "g",
        "--pheno",
        "pheno.tsv",
        "--covar",
        "covar.tsv",
        "--covar-variance-standardize",
    ]
    glm += ["--threads", "2", "--memory", "8000"]
    p19 = ["--bfile", "g", "--pheno", "pheno_p19.txt", "--covar", "covar_p19.txt", "--threads", "2"]
    ours = ["cohort", "assoc", "--bfile", "g", "--pheno", "pheno.tsv", "--covar", "covar.tsv"]
    rows = [
        (
            "binary",
            timed(
                "trdkit score+Firth",
                [TRDKIT, *ours, "--pheno-name", "TRD", "--out", "t_trd"],
                folder,
            ),
        ),
        (
            "binary",
            timed(
                "plink2 --glm firth-fallback",
                [
                    "plink2",
                    *glm,
                    "--pheno-name",
                    "TRD",
                    "--glm",
                    "firth-fallback",
                    "hide-covar",
                    "omit-ref",
                    "cols=+beta",
                    "--out",
                    "p2_trd",
                ],
                folder,
            ),
        ),
        (
            "binary",
            timed(
                "plink1.9 --logistic",
                [
                    "plink1.9",
                    *p19,
                    "--pheno-name",
                    "TRD",
                    "--logistic",
                    "hide-covar",
                    "--out",
                    "p19_trd",
                ],
                folder,
            ),
        ),
        (
            "quantitative",
            timed(
                "trdkit linear", [TRDKIT, *ours, "--pheno-name", "RESP", "--out", "t_resp"], folder
            ),
        ),
        (
            "quantitative",
            timed(
                "plink2 --glm",
                [
                    "plink2",
                    *glm,
                    "--pheno-name",
                    "RESP",
                    "--glm",
                    "hide-covar",
                    "omit-ref",
                    "--out",
                    "p2_resp",
                ],
                folder,
            ),
        ),
    ]
    sgkit_note = "sgkit not run (no --sgkit-python given)"
    if args.sgkit_python:
        (folder / "bench_sgkit.py").write_text(SGKIT)
        cmd = [args.sgkit_python, "bench_sgkit.py", "g", "pheno.tsv", "covar.tsv", "sgkit_p.npy"]
        rows.append(("quantitative", timed("sgkit gwas_linear_regression", cmd, folder)))
        sgkit_note = "sgkit: " + agreement(
            np.load(folder / "sgkit_p.npy"), _p(folder / "p2_resp.RESP.glm.linear")
        )
    p2_trd = _p(folder / "p2_trd.TRD.glm.logistic.hybrid")
    checks = [
        "binary, trdkit vs PLINK 2: " + agreement(_p(folder / "t_trd.assoc.tsv"), p2_trd),
        "binary, PLINK 1.9 vs PLINK 2: " + agreement(_p(folder / "p19_trd.assoc.logistic"), p2_trd),
        "quantitative, trdkit vs PLINK 2: "
        + agreement(_p(folder / "t_resp.assoc.tsv"), _p(folder / "p2_resp.RESP.glm.linear")),
        sgkit_note,
    ]
    tests = {}
    for line in (folder / "t_trd.assoc.tsv").read_text().splitlines()[1:]:
        tests[line.split("\t")[8]] = tests.get(line.split("\t")[8], 0) + 1
    lines = [
        SECTION,
        "",
        f"Command: `.venv/bin/python benchmarks/bench_cohort_assoc.py --samples {args.samples} "
        f"--variants {args.variants} --seed {args.seed}"
        + (" --sgkit-python PATH`" if args.sgkit_python else "`"),
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; "
        f"{env_note}. Simulated {args.samples:,} samples x {args.variants:,} SNPs (copying-model "
        f"LD, MAF 1-50%), 6 covariates; causal rows {causal}. Each tool is one process timed by "
        "`/usr/bin/time -v` (trdkit's figure includes Python start-up, reading, both passes and "
        "writing the TSV, JSON and two plots).",
        "",
        "| trait | tool | wall s | peak RSS MB |",
        "|---|---|---|---|",
        *(f"| {t} | {r['label']} | {r['wall']:.2f} | {r['rss']:.0f} |" for t, r in rows),
        "",
        f"trdkit binary rows by test: {tests}.",
        "",
        "Agreement (correlation of -log10 p; genome-wide hits p < 5e-8):",
        "",
        *(f"- {c}" for c in checks),
        "",
        "Commands:",
        "",
        "```",
        *(str(r["cmd"]) for _, r in rows),
        "```",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace (or append) the Cohort association section of docs/benchmarks.md."""
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    start = doc.find(SECTION)
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + text
    else:
        nxt = doc.find("\n## ", start + len(SECTION))
        doc = doc[:start] + text + (doc[nxt + 1 :] if nxt >= 0 else "")
    DOC.write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sgkit-python", help="a Python that has sgkit (separate venv)")
    parser.add_argument("--workdir", type=Path, help="keep the data and outputs here")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--reuse", action="store_true", help="reuse the data already in --workdir")
    args = parser.parse_args()
    for tool in ("plink2", "plink1.9", "/usr/bin/time"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed (scripts/system-packages.sh)")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        text = run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            text = run(args, Path(tmp))
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
