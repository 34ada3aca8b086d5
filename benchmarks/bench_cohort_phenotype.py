"""Benchmark: TRD phenotyping of a synthetic cohort of 1,000,000 patients x ~10 exposures.

Builds the long layout (exposures, diagnoses, persons) as Parquet files: each patient takes one
to four antidepressants in sequence (drawn from 12 catalogue drugs), ~10 monthly prescriptions in
all, with daily doses around the ATRQ minimum, a quarter of them augmented with quetiapine,
aripiprazole or lithium, and signed 64-bit person ids. Then times, on ``--threads`` cores (polars
thread pool), the whole run of ``trdkit cohort phenotype``: reading the tables, eras, trials,
verdicts, status, stages, flags, summary and writing both output files. Not a unit test; run on
demand::

    .venv/bin/python benchmarks/bench_cohort_phenotype.py [--patients 1000000] [--threads 2]
        [--policy ema_2013] [--seed 7]

Target: at most 60 s for 1,000,000 patients on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--policy", default="ema_2013")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


ARGS = _arguments()
# The thread pool is fixed when polars is first imported.
os.environ["POLARS_MAX_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from trdkit.cohort.pheno_output import write_phenotype  # noqa: E402
from trdkit.cohort.phenotype import phenotype_cohort  # noqa: E402
from trdkit.cohort.tables import read_layout  # noqa: E402

DRUGS = {
    "sertraline": 50,
    "citalopram": 20,
    "escitalopram": 10,
    "fluoxetine": 20,
    "paroxetine": 20,
    "venlafaxine": 150,
    "duloxetine": 60,
    "mirtazapine": 15,
    "bupropion": 300,
    "amitriptyline": 150,
    "trazodone": 300,
    "vortioxetine": 10,
}
ADD_ONS = {"quetiapine": 150, "aripiprazole": 2, "lithium": 600}
EPOCH = np.datetime64("2015-01-01")


def build(folder: Path, n: int, seed: int) -> tuple[Path, Path, Path, int]:
    """Write the synthetic cohort; return the three paths and the number of exposures."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64)
    ids = np.unique(ids)
    n = ids.size
    per = rng.integers(8, 13, size=n)  # ~10 prescriptions each
    total = int(per.sum())
    person = np.repeat(ids, per)
    k = np.arange(total) - np.repeat(np.cumsum(per) - per, per)  # prescription number
    n_drugs = rng.integers(1, 5, size=n)
    switch_every = np.repeat(np.ceil(per / n_drugs).astype(np.int64), per)
    slot = k // switch_every
    names = np.array(list(DRUGS))
    first = rng.integers(0, len(names), size=n)
    drug_idx = (np.repeat(first, per) + slot * 5) % len(names)
    drug = names[drug_idx]
    minimum = np.array(list(DRUGS.values()), dtype=np.float64)[drug_idx]
    dose = minimum * rng.choice([0.5, 1.0, 1.0, 2.0], size=total)
    start0 = rng.integers(0, 3000, size=n)
    gap = rng.choice([28, 30, 30, 31, 45, 90], size=total)
    offset = np.cumsum(gap) - np.repeat(
        np.cumsum(gap)[np.cumsum(per) - per] - gap[np.cumsum(per) - per], per
    )
    start = EPOCH + (np.repeat(start0, per) + offset - gap).astype("timedelta64[D]")
    end = start + np.timedelta64(28, "D")
    exposures = pl.DataFrame(
        {
            "person_id": person,
            "drug": drug,
            "start_date": start,
            "end_date": end,
            "dose_mg_per_day": dose,
        }
    )
    augmented = rng.random(n) < 0.25
    aug_names = np.array(list(ADD_ONS))
    aug_idx = rng.integers(0, len(aug_names), size=int(augmented.sum()))
    last_start = exposures.group_by("person_id").agg(pl.col("start_date").max())
    aug = (
        pl.DataFrame({"person_id": ids[augmented], "drug": aug_names[aug_idx]})
        .join(last_start, on="person_id")
        .with_columns(
            (pl.col("start_date") - pl.duration(days=60)).alias("start_date"),
            pl.col("start_date").alias("end_date"),
            pl.col("drug")
            .replace_strict(ADD_ONS, return_dtype=pl.Float64)
            .alias("dose_mg_per_day"),
        )
    )
    exposures = pl.concat([exposures, aug.select(exposures.columns)])
    codes = rng.choice(["F32.1", "F33.2", "F41.1", "F31.3"], size=n, p=[0.5, 0.35, 0.1, 0.05])
    diagnoses = pl.DataFrame(
        {
            "person_id": ids,
            "date": EPOCH + start0.astype("timedelta64[D]"),
            "system": "icd10cm",
            "code": codes,
        }
    )
    persons = pl.DataFrame(
        {"person_id": ids, "year_of_birth": rng.integers(1940, 2010, size=n).astype(np.int32)}
    )
    paths = (folder / "exposures.parquet", folder / "diagnoses.parquet", folder / "persons.parquet")
    exposures.write_parquet(paths[0])
    diagnoses.write_parquet(paths[1])
    persons.write_parquet(paths[2])
    return (*paths, exposures.height)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Build the cohort, time one phenotyping run, print a Markdown section."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        expo, dx, persons, n_expo = build(folder, ARGS.patients, ARGS.seed)
        built = time.perf_counter() - t0
        marks: list[tuple[str, float, float]] = []

        def mark(step: str) -> None:
            marks.append((step, time.perf_counter(), _cpu()))

        load_before = os.getloadavg()[0]
        mark("read the long layout (3 Parquet files, drug names resolved)")
        data = read_layout(expo, dx, persons)
        result = phenotype_cohort(data, ARGS.policy, progress=mark)
        mark("write PREFIX.patients.tsv and PREFIX.summary.json")
        write_phenotype(result, folder / "bench")
        mark("end")
        load_after = os.getloadavg()[0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = result.summary["status_counts"]
    print("## Cohort phenotyping\n")
    print(
        f"Command: `.venv/bin/python benchmarks/bench_cohort_phenotype.py --patients "
        f"{ARGS.patients} --threads {ARGS.threads} --policy {ARGS.policy} --seed {ARGS.seed}`\n"
    )
    print(
        f"Machine: {platform.machine()}, Python {sys.version.split()[0]}, polars {pl.__version__}, "
        f"{ARGS.threads} threads (`POLARS_MAX_THREADS`), {os.cpu_count()} cores visible, load "
        f"average {load_before:.1f} before and {load_after:.1f} after the run (other jobs shared "
        f"the machine); synthetic long layout (Parquet) of {result.summary['persons']:,} "
        f"patients and {n_expo:,} exposures (built in {built:.1f} s, not timed).\n"
    )
    print("| step | wall s | CPU s |\n|---|---|---|")
    for (step, wall, cpu), (_, next_wall, next_cpu) in itertools.pairwise(marks):
        print(f"| {step} | {next_wall - wall:.2f} | {next_cpu - cpu:.2f} |")
    total_wall, total_cpu = marks[-1][1] - marks[0][1], marks[-1][2] - marks[0][2]
    print(f"| **total** | **{total_wall:.2f}** | **{total_cpu:.2f}** |\n")
    print(f"Peak resident memory: {peak_mb:,.0f} MB. Trials judged: {result.trials.height:,}.")
    print("Statuses: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + ".")
    print("\nTarget: at most 60 s for 1,000,000 patients on 2 cores.")


if __name__ == "__main__":
    main()
