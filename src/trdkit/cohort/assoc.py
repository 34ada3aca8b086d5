"""Per-variant association on Dask: linear regression, logistic score test, Firth where needed.

The genotype matrix is a chunked Dask array (one ``float32`` block of variants per task); the
kernel runs on each block where it is read, so a task holds one block at a time and memory stays
bounded whatever the matrix size. Quantitative traits get the linear t-test (``TEST = LINEAR``).
Binary traits get the logistic score test for every variant (``SCORE``); variants whose score p
is below ``firth_p_below`` or whose minor allele count is below ``firth_mac_below`` are refitted
with Firth-penalised logistic regression (``FIRTH``), whose beta, SE and p replace the score
row. ``logistic="wald"`` fits the maximum-likelihood model for every variant instead
(``LOGISTIC``, Firth when it fails to converge, as PLINK 2 ``firth-fallback``), and
``logistic="firth"`` fits Firth for every variant. The scheduler is whatever Dask is set to: local
threads, or a ``distributed.Client`` made by the caller.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import dask.array as da
import numpy as np
from dask.base import compute, persist
from dask.delayed import delayed
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from trdkit.cohort.firth import fit_logistic
from trdkit.cohort.io import BlockReader, GenotypeSource, Variants, genotype_array
from trdkit.cohort.kernels import (
    STATS,
    fit_null_logistic,
    linear_block,
    linear_context,
    score_block,
    score_context,
)
from trdkit.cohort.qc import minor_allele_count
from trdkit.cohort.traits import Design, TraitKind
from trdkit.knowledge.cohort_genetics import load_cohort_genetics

__all__ = ["AssocOptions", "AssocResult", "LogisticMode", "Progress", "run_assoc"]

F64 = NDArray[np.float64]
Progress = Callable[[str, int, int], None]
_COL = {name: i for i, name in enumerate(STATS)}


class LogisticMode(StrEnum):
    """How binary traits are tested."""

    SCORE = "score"  # score test for all, Firth for significant or rare variants
    WALD = "wald"  # maximum-likelihood fit for all, Firth when it fails
    FIRTH = "firth"  # Firth fit for all


@dataclass(frozen=True)
class AssocOptions:
    """Analysis options; ``None`` thresholds take their value from ``cohort_genetics.yaml``."""

    logistic: LogisticMode = LogisticMode.SCORE
    block: int = 500
    firth_p_below: float | None = None
    firth_mac_below: float | None = None


@dataclass(frozen=True)
class AssocResult:
    """One row per variant: the ``STATS`` columns and the test that produced P."""

    variants: Variants
    stats: F64 = field(repr=False)
    test: NDArray[np.str_] = field(repr=False)
    design: Design
    settings: dict[str, float]
    because: list[str]
    firth_failed: int
    seconds: float

    def column(self, name: str) -> F64:
        """Return one of the ``STATS`` columns."""
        return self.stats[:, _COL[name]]


def _compute(arr: da.Array, phase: str, progress: Progress | None) -> F64:
    # A few dozen slices: a progress bar that moves, on any scheduler, without holding results
    # of more than one slice in flight.
    bounds = np.cumsum((0, *arr.chunks[0]))
    step = max(4, math.ceil((len(bounds) - 1) / 40))
    parts = []
    for i in range(0, len(bounds) - 1, step):
        lo, hi = int(bounds[i]), int(bounds[min(i + step, len(bounds) - 1)])
        parts.append(np.asarray(arr[lo:hi].compute()))
        if progress is not None:
            progress(phase, hi, int(bounds[-1]))
    return np.concatenate(parts) if parts else np.empty((0, arr.shape[1]))


def _fit_rows(
    reader: BlockReader,
    rows: NDArray[np.int64],
    samples: NDArray[np.int64] | None,
    model: tuple[F64, F64, F64],
    firth: bool,
    start_beta: F64,
) -> F64:
    x, y, start = model
    g = reader.read_rows(rows, samples).astype(np.float64)
    fit = fit_logistic(g, x, y, firth=firth, start=start, start_beta=start_beta)
    return np.column_stack([fit.beta, fit.se, fit.p, fit.converged])


def _refit(
    source: GenotypeSource,
    samples: NDArray[np.int64] | None,
    rows: NDArray[np.int64],
    design: Design,
    firth: bool,
    progress: Progress | None,
    start_beta: F64,
) -> F64:
    if rows.size == 0:
        return np.empty((0, 4))
    start, _ = fit_null_logistic(design.x, design.y)
    (model,) = persist(delayed((design.x, design.y, start), pure=True))  # type: ignore[no-untyped-call]
    # Batches sized so that a batch's n x batch float64 work arrays stay near 16 MB.
    batch = int(np.clip(2_000_000 // max(design.n, 1), 1, 64))
    tasks = [
        delayed(_fit_rows, pure=True)(
            source.reader, rows[i : i + batch], samples, model, firth, start_beta[i : i + batch]
        )
        for i in range(0, rows.size, batch)
    ]
    out = []
    per = max(1, math.ceil(len(tasks) / 20))
    for i in range(0, len(tasks), per):
        out.extend(compute(*tasks[i : i + per]))  # type: ignore[no-untyped-call]
        if progress is not None:
            progress("firth" if firth else "logistic", min((i + per) * batch, rows.size), rows.size)
    return np.concatenate(out)


def run_assoc(
    source: GenotypeSource,
    design: Design,
    options: AssocOptions | None = None,
    progress: Progress | None = None,
) -> AssocResult:
    """Test every variant of ``source`` against the trait of ``design``.

    Parameters
    ----------
    source
        Genotypes (A1 = ALT counted, additive coding).
    design
        Analysed samples, trait and covariates (:func:`trdkit.cohort.traits.build_design`).
    options
        Test choice and thresholds.
    progress
        Called as ``progress(phase, done, total)`` while computing.

    Returns
    -------
    AssocResult
        Statistics per variant, with the settings applied and why.

    References
    ----------
    Firth D. Biometrika. 1993;80(1):27-38; Heinze G, Schemper M. Stat Med. 2002;21:2409-2419;
    Mbatchou J, et al. Nat Genet. 2021;53:1097-1103 (Firth correction of score-test hits).
    """
    opts = options or AssocOptions()
    # Dask already runs one task per core; a multi-threaded BLAS inside each task oversubscribes
    # the cores (measured 10x slower small products). Cluster workers get one BLAS thread from
    # the Dask nanny; the local threaded scheduler gets it here.
    with threadpool_limits(limits=1, user_api="blas"):
        return _run(source, design, opts, progress)


def _run(
    source: GenotypeSource, design: Design, opts: AssocOptions, progress: Progress | None
) -> AssocResult:
    table = load_cohort_genetics()
    cfg = table.settings
    firth_p = cfg.firth_p_below.value if opts.firth_p_below is None else opts.firth_p_below
    firth_mac = cfg.firth_mac_below.value if opts.firth_mac_below is None else opts.firth_mac_below
    began = time.perf_counter()
    n_all = len(source.samples)
    full = design.sample_index.size == n_all and bool(
        np.all(design.sample_index == np.arange(n_all))
    )
    samples = None if full else design.sample_index
    geno = genotype_array(source, samples, opts.block)
    binary = design.trait.kind is TraitKind.BINARY
    ctx = score_context(design.x, design.y) if binary else linear_context(design.x, design.y)
    kernel: Callable[..., F64] = score_block if binary else linear_block
    # Persisted once, so that a cluster receives the shared context once, not with every slice.
    (shared,) = persist(delayed(ctx, pure=True))  # type: ignore[no-untyped-call]
    blocks = geno.map_blocks(
        kernel,  # type: ignore[arg-type]
        shared,
        chunks=(geno.chunks[0], (len(STATS),)),
        dtype=np.float64,
        meta=np.empty((0, 0)),
    )
    stats = _compute(blocks, "score" if binary else "linear", progress)
    test = np.full(stats.shape[0], "SCORE" if binary else "LINEAR", dtype="<U8")
    because = [design.trait.because]
    settings: dict[str, float] = {}
    failed = 0
    if binary:
        p = stats[:, _COL["p"]]
        mac = minor_allele_count(stats[:, _COL["a1_sum"]], stats[:, _COL["obs_ct"]])
        testable = np.isfinite(p)
        if opts.logistic is LogisticMode.SCORE:
            rows = np.flatnonzero(testable & ((p < firth_p) | (mac < firth_mac)))
            settings = {"firth_p_below": firth_p, "firth_mac_below": firth_mac}
            because.append(
                f"Firth fit where score p < {firth_p:g} or minor allele count < {firth_mac:g} "
                f"{cfg.firth_p_below.cite(table.header)}"
            )
        else:
            rows = np.flatnonzero(testable)
        firth = opts.logistic is not LogisticMode.WALD
        one_step = stats[:, _COL["beta"]]
        fits = _refit(
            source, samples, rows.astype(np.int64), design, firth, progress, one_step[rows]
        )
        label = "FIRTH" if firth else "LOGISTIC"
        if not firth:
            bad = rows[fits[:, 3] == 0]
            retry = _refit(
                source, samples, bad.astype(np.int64), design, True, progress, one_step[bad]
            )
            fits[fits[:, 3] == 0] = retry
            ok_retry = bad[retry[:, 3] == 1]
        else:
            ok_retry = np.empty(0, dtype=np.int64)
        ok = fits[:, 3] == 1
        stats[rows[ok], _COL["beta"] : _COL["p"] + 1] = fits[ok, :3]
        test[rows[ok]] = label
        test[ok_retry] = "FIRTH"
        failed = int((~ok).sum())
        if failed:
            because.append(
                f"{failed} logistic fit(s) did not converge; their rows keep the score test"
            )
    return AssocResult(
        variants=source.variants,
        stats=stats,
        test=test,
        design=design,
        settings=settings,
        because=because,
        firth_failed=failed,
        seconds=time.perf_counter() - began,
    )
