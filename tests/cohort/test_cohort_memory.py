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
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


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
        result = run_assoc(source, design)
        after = set(client.scheduler_info()["workers"])
        peak = max(client.run(_peak_rss).values())
    assert before == after, "a worker was killed and replaced"
    assert peak < LIMIT, f"worker peak RSS {peak / 2**20:.0f} MiB"
    p = result.column("p")
    assert p.shape == (m,) and np.isfinite(p).all()
    assert 0.03 < np.mean(p < 0.05) < 0.07  # null trait: calibrated
