"""Manhattan and QQ plots of association p-values (matplotlib, Agg canvas, no global state)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import NDArray

__all__ = ["manhattan_plot", "qq_plot"]

F64 = NDArray[np.float64]


def _chrom_key(name: str) -> tuple[int, str]:
    bare = name.removeprefix("chr")
    return (int(bare), "") if bare.isdigit() else (1000, bare)


def manhattan_plot(
    chrom: NDArray[np.str_],
    pos: NDArray[np.int64],
    neglog10p: F64,
    path: Path,
    line: float,
    title: str,
) -> None:
    """Write a Manhattan plot: -log10 p by position, chromosomes side by side.

    ``line`` is the significance threshold drawn (a p-value, e.g. 5e-8).
    """
    fig = Figure(figsize=(11, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    offset = 0.0
    ticks, labels = [], []
    finite = np.isfinite(neglog10p)
    for i, name in enumerate(sorted(set(chrom.tolist()), key=_chrom_key)):
        sel = finite & (chrom == name)
        if not sel.any():
            continue
        x = pos[sel].astype(np.float64)
        ax.scatter(offset + x, neglog10p[sel], s=3, color=("#1f4e79", "#7fa7d0")[i % 2], lw=0)
        ticks.append(offset + (x.min() + x.max()) / 2)
        labels.append(name.removeprefix("chr"))
        offset += x.max() + 1
    ax.axhline(-np.log10(line), color="#b22222", lw=0.8, ls="--")
    ax.set_xticks(ticks, labels, fontsize=7)
    ax.set_xlabel("chromosome")
    ax.set_ylabel("-log10 p")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)


def qq_plot(neglog10p: F64, path: Path, lambda_gc: float | None, title: str) -> None:
    """Write a QQ plot of observed against expected -log10 p under the null."""
    obs = np.sort(neglog10p[np.isfinite(neglog10p)])[::-1]
    m = obs.size
    exp = -np.log10((np.arange(1, m + 1) - 0.5) / max(m, 1))
    fig = Figure(figsize=(5, 5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(exp, obs, s=3, color="#1f4e79", lw=0)
    top = float(max(exp.max(initial=1.0), obs.max(initial=1.0)))
    ax.plot([0, top], [0, top], color="#b22222", lw=0.8)
    ax.set_xlabel("expected -log10 p")
    ax.set_ylabel("observed -log10 p")
    lam = "" if lambda_gc is None else f" (lambda GC = {lambda_gc:.3f})"
    ax.set_title(f"{title}{lam}")
    fig.tight_layout()
    fig.savefig(path)
