"""Association outputs: ``PREFIX.assoc.tsv`` rows and the ``PREFIX.summary.json`` document.

``assoc.tsv`` has exactly the columns ``#CHROM POS ID REF ALT A1 A1_FREQ OBS_CT TEST BETA SE P``
(cli.md). ``A1`` is the ALT allele, the one counted; ``A1_FREQ`` and ``OBS_CT`` are over the
analysed samples with a call. ``NA`` marks a value that could not be computed (monomorphic or
collinear variant). A p-value too small for double precision is written from its logarithm.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special  # type: ignore[import-untyped]

from trdkit.cohort.assoc import AssocResult
from trdkit.cohort.qc import a1_frequency, call_rate, minor_allele_count
from trdkit.cohort.traits import TraitKind
from trdkit.knowledge import knowledge_version
from trdkit.knowledge.cohort_genetics import load_cohort_genetics

__all__ = ["COLUMNS", "lambda_gc", "neglog10_p", "summary", "write_assoc_tsv"]

F64 = NDArray[np.float64]
COLUMNS = (
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
)
_LOG10 = math.log(10.0)


def neglog10_p(result: AssocResult) -> F64:
    """-log10 P of every row, exact also where P underflows to 0 (from the Wald/score z)."""
    p = result.column("p")
    with np.errstate(divide="ignore"):
        out = -np.log10(p)
    tiny = np.flatnonzero(p == 0)
    if tiny.size:
        z2 = (result.column("beta")[tiny] / result.column("se")[tiny]) ** 2
        # log of the chi-square(1) survival function, via the complementary error function.
        out[tiny] = -(np.log(special.erfc(np.sqrt(z2 / 2)) + 1e-320)) / _LOG10
        huge = ~np.isfinite(out[tiny]) | (out[tiny] > 300)
        if huge.any():
            z = np.sqrt(z2[huge])
            out[tiny[huge]] = (z * z / 2 + np.log(z * np.sqrt(np.pi / 2))) / _LOG10
    return out


def _p_text(p: float, nl10: float) -> str:
    if not math.isfinite(nl10):
        return "NA"
    if p > 0:
        return f"{p:.6g}"
    exponent = math.floor(-nl10)
    return f"{10 ** (-nl10 - exponent):.5g}e{exponent}"


def _num(v: float) -> str:
    return f"{v:.6g}" if math.isfinite(v) else "NA"


def write_assoc_tsv(result: AssocResult, path: Path) -> None:
    """Write ``assoc.tsv`` (see module docstring)."""
    var = result.variants
    freq = a1_frequency(result.column("a1_sum"), result.column("obs_ct"))
    obs = result.column("obs_ct").astype(np.int64)
    beta, se, p = result.column("beta"), result.column("se"), result.column("p")
    nl10 = neglog10_p(result)
    with path.open("w") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for i in range(len(var)):
            fh.write(
                f"{var.chrom[i]}\t{var.pos[i]}\t{var.id[i]}\t{var.ref[i]}\t{var.alt[i]}\t"
                f"{var.alt[i]}\t{_num(freq[i])}\t{obs[i]}\t{result.test[i]}\t"
                f"{_num(beta[i])}\t{_num(se[i])}\t{_p_text(float(p[i]), float(nl10[i]))}\n"
            )


def lambda_gc(result: AssocResult) -> float | None:
    """Genomic-control lambda: median chi-square over its null expectation.

    References
    ----------
    Devlin B, Roeder K. Genomic control for association studies. Biometrics. 1999;55:997-1004.
    """
    p = result.column("p")
    p = p[np.isfinite(p) & (p > 0)]
    if p.size == 0:
        return None
    return float(special.chdtri(1, np.median(p)) / special.chdtri(1, 0.5))


def summary(result: AssocResult, inputs: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Build the ``summary.json`` document: inputs, trait, counts, QC, top hits and why."""
    table = load_cohort_genetics()
    cfg = table.settings
    design = result.design
    p = result.column("p")
    nl10 = neglog10_p(result)
    obs = result.column("obs_ct")
    rate = call_rate(obs, design.n)
    gw = cfg.genome_wide_p.value
    hwe = result.column("hwe_p")
    trait: dict[str, Any] = {
        "name": design.trait.name,
        "kind": design.trait.kind.value,
        "coding": design.trait.coding,
        "because": design.trait.because,
    }
    if design.trait.kind is TraitKind.BINARY:
        trait |= {"cases": int(design.y.sum()), "controls": int((design.y == 0).sum())}
    else:
        trait |= {"mean": float(design.y.mean()), "sd": float(design.y.std(ddof=1))}
    order = np.argsort(-np.where(np.isfinite(nl10), nl10, -np.inf))[:10]
    var = result.variants
    top = []
    for i in order.tolist():
        if not np.isfinite(nl10[i]):
            continue
        sig = bool(nl10[i] > -math.log10(gw))
        top.append(
            {
                "id": str(var.id[i]),
                "chrom": str(var.chrom[i]),
                "pos": int(var.pos[i]),
                "a1": str(var.alt[i]),
                "test": str(result.test[i]),
                "beta": None
                if not np.isfinite(result.column("beta")[i])
                else float(result.column("beta")[i]),
                "p": _p_text(float(p[i]), float(nl10[i])),
                "genome_wide_significant": sig,
                "because": f"p = {_p_text(float(p[i]), float(nl10[i]))} {'<' if sig else '>='} "
                f"{table.because('genome_wide_p')}",
            }
        )
    tests, counts = np.unique(result.test, return_counts=True)
    return {
        "format": "trdkit.cohort.assoc/1",
        "knowledge_version": knowledge_version(),
        "inputs": inputs,
        "samples": {"analysed": design.n, "dropped": design.dropped},
        "trait": trait,
        "covariates": list(design.covariates),
        "model": "additive; A1 = ALT allele counted; intercept plus covariates",
        "variants": {
            "total": len(var),
            "tested": int(np.isfinite(p).sum()),
            "not_testable": int((~np.isfinite(p)).sum()),
            "by_test": {str(t): int(c) for t, c in zip(tests, counts, strict=True)},
            "logistic_fits_failed": result.firth_failed,
        },
        "qc": {
            "call_rate_below": cfg.qc_call_rate_below.value,
            "low_call_rate": int((rate < cfg.qc_call_rate_below.value).sum()),
            "hwe_p_below": cfg.qc_hwe_p_below.value,
            "hwe_failures": int((hwe < cfg.qc_hwe_p_below.value).sum()),
            "monomorphic": int((minor_allele_count(result.column("a1_sum"), obs) == 0).sum()),
            "because": [table.because("qc_call_rate_below"), table.because("qc_hwe_p_below")],
        },
        "lambda_gc": lambda_gc(result),
        "genome_wide_p": gw,
        "genome_wide_significant": int((nl10 > -math.log10(gw)).sum()),
        "top_hits": top,
        "settings": result.settings,
        "because": result.because,
        "seconds": round(result.seconds, 3),
        **extra,
    }
