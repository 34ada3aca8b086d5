"""Which scorer scores which instrument.

One entry per ``Instrument``; a test checks that none is missing, so a new instrument in the
record vocabulary cannot be silently left unscored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Instrument
from trdkit.scales.bipolarity import score_bipolarity_index
from trdkit.scales.cgi import score_cgi
from trdkit.scales.cssrs import score_cssrs
from trdkit.scales.qids import score_qids
from trdkit.scales.result import ScaleResult
from trdkit.scales.summed import score_mdq, score_phq9, score_summed

__all__ = ["SCORERS", "Scorer", "scorer_for"]

Scorer = Callable[[ScaleAdministration], ScaleResult]
"""Scores one administration on its own (series fields are filled afterwards)."""

SCORERS: Mapping[Instrument, Scorer] = MappingProxyType(
    {
        Instrument.phq9: score_phq9,
        Instrument.phq2: score_summed,
        Instrument.gad7: score_summed,
        Instrument.qids_sr16: score_qids,
        Instrument.hamd17: score_summed,
        Instrument.madrs: score_summed,
        Instrument.mdq: score_mdq,
        Instrument.hcl32: score_summed,
        Instrument.cssrs_screener: score_cssrs,
        Instrument.cgi_s: score_cgi,
        Instrument.cgi_i: score_cgi,
        Instrument.bipolarity_index: score_bipolarity_index,
    }
)


def scorer_for(instrument: Instrument) -> Scorer:
    """Return the scorer of ``instrument``.

    Raises
    ------
    KeyError
        When no scorer is registered (a new instrument added to the vocabulary only).
    """
    try:
        return SCORERS[instrument]
    except KeyError:
        raise KeyError(f"no scorer registered for instrument {str(instrument)!r}") from None
