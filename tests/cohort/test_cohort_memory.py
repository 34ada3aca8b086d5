"""Memory stays bounded: a genotype matrix larger than a Dask worker's memory limit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from cohort_sim import write_random_bed

from trdkit.cohort.assoc import run_assoc
from trdkit.cohort.io import BedSource
from trdkit.cohort.traits import Design, detect_trait

LIMIT = 400 * 2**20


def _peak_rss() -> int:
    # VmHWM is the peak of this process image's own memory; getrusage's ru_maxrss is not, since
    # Linux carries the parent's high-water mark into a spawned child across fork and exec.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def _current_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_run_assoc__matrix_larger_than_the_worker_memory_limit(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    n, m = 2000, 64_000  # 512 MB as float32, 32 MB on disk
    source = BedSource.open(write_random_bed(tmp_path / "big", n, m))
    assert n * m * 4 > 1.2 * LIMIT
    rng = np.random.default_rng(0)
    trait = detect_trait("Q", rng.normal(size=n))
    x = np.column_stack([np.ones(n), rng.normal(size=n)])
    design = Design(np.arange(n, dtype=np.int64), trait.values, x, ("C",), trait, {})
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=2,
            processes=True,
            memory_limit=LIMIT,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        before = set(client.scheduler_info()["workers"])
        # What the worker holds before the run (interpreter, libraries, whatever the parent
        # process had loaded) depends on the rest of the suite; the bound is on the growth.
        baseline = max(client.run(_current_rss).values())
        result = run_assoc(source, design)
        after = set(client.scheduler_info()["workers"])
        peak = max(client.run(_peak_rss).values())
    assert before == after, "a worker was killed and replaced"
    matrix = n * m * 4
    growth = peak - baseline
    assert growth < matrix / 2, f"worker grew by {growth / 2**20:.0f} MiB for a 512 MiB matrix"
    p = result.column("p")
    assert p.shape == (m,) and np.isfinite(p).all()
    assert 0.03 < np.mean(p < 0.05) < 0.07  # null trait: calibrated
