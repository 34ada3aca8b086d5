"""Clinical Global Impressions: CGI-S (severity) and CGI-I (improvement), one rating each.

Both are single clinician ratings from 1 to 7 (0, "not assessed", is refused by the record).
Each rating value is its own band. CGI-I rates change against the start of treatment itself, so
its response rule (1 or 2) needs no earlier administration and is applied by the series step.
"""

from __future__ import annotations

from trdkit._trusted import trusted
from trdkit.record.scale_models import ScaleAdministration
from trdkit.scales._shared import band_fields, common_fields, rules_for, spec_for
from trdkit.scales.result import ScaleResult

__all__ = ["score_cgi"]


def score_cgi(adm: ScaleAdministration) -> ScaleResult:
    """Score a CGI-S or CGI-I rating into its band.

    Parameters
    ----------
    adm
        A ``cgi_s`` or ``cgi_i`` administration (``total`` 1-7).

    Returns
    -------
    ScaleResult
        The rating as ``total``, its band and the reason.

    References
    ----------
    Guy W. ECDEU Assessment Manual for Psychopharmacology. Rockville, MD: US DHEW; 1976.
    Clinical Global Impressions, pp. 218-222.
    """
    rules, name = rules_for(adm.instrument), spec_for(adm.instrument).name
    bands, why = band_fields(rules, name, adm.total)
    if adm.total is None:
        why = f"{name}: no rating recorded"
    return trusted(
        ScaleResult,
        **common_fields(adm),
        **bands,
        total=adm.total,
        valid=adm.total is not None,
        because=[why] if why else [],
    )
