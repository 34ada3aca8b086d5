"""Scoring rating scales: totals, bands, screens, risk levels, change, response, remission.

Pure rules: ``score_scales`` takes validated administrations and returns one ``ScaleResult`` per
administration, in input order, each with ``because`` reasons naming rule and source. Thresholds,
bands, codes and missing-item policies come from ``knowledge/scale_scoring.yaml``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Instrument
from trdkit.scales.options import ScoringOptions
from trdkit.scales.registry import scorer_for
from trdkit.scales.result import Algorithm, RiskLevel, ScaleResult
from trdkit.scales.series import apply_series

__all__ = ["Algorithm", "RiskLevel", "ScaleResult", "ScoringOptions", "score_scales"]


@functools.cache
def _default_options() -> ScoringOptions:
    # Frozen and read from the knowledge table only: one instance serves every call.
    return ScoringOptions()


def score_scales(
    administrations: Sequence[ScaleAdministration], options: ScoringOptions | None = None
) -> list[ScaleResult]:
    """Score every administration and relate administrations of the same instrument.

    Parameters
    ----------
    administrations
        Validated administrations (``PatientRecord.scales``), any instruments, any order.
    options
        Scoring settings; defaults from the knowledge table when omitted.

    Returns
    -------
    list of ScaleResult
        One result per administration, in input order.

    References
    ----------
    Sources per rule in ``knowledge/scale_scoring.yaml`` (e.g. Kroenke 2001 for PHQ-9 bands,
    Arrieta 2017 for PHQ-9 proration, Trivedi 2006 for QIDS remission).

    Examples
    --------
    >>> from trdkit.record.scale_models import ScaleAdministration
    >>> adm = ScaleAdministration.model_validate(
    ...     {"instrument": "phq9", "date": "2025-06-01", "items": [3] * 9})
    >>> [(r.total, r.band) for r in score_scales([adm])]
    [(27, 'severe')]
    """
    opts = options or _default_options()
    scored = [scorer_for(adm.instrument)(adm) for adm in administrations]
    return apply_series(scored, {Instrument.madrs: opts.madrs_remission_max})
