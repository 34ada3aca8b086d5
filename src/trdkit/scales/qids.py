"""QIDS-SR16: nine symptom domains, each multi-item domain scored by its highest answer.

Sleep (items 1-4), appetite/weight (6-9) and psychomotor change (15-16) each contribute the
highest of their *answered* items; the other six domains are single items. The total (0-27) is the
sum of the nine domain scores. A domain with no answered item leaves the total incomplete: no
other imputation is made (domain structure in ``scale_scoring.yaml``, ``qids_sr16.domain_rule``).
"""

from __future__ import annotations

from trdkit.knowledge.scale_scoring import DomainRule
from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Instrument
from trdkit.scales._shared import band_fields, cite, common_fields, rules_for, spec_for
from trdkit.scales.result import ScaleResult

__all__ = ["qids_domain_scores", "score_qids"]


def qids_domain_scores(items: list[int | None], rule: DomainRule) -> dict[str, int | None]:
    """Score each QIDS domain as the highest of its answered items.

    Parameters
    ----------
    items
        The 16 answers in published order; ``None`` for a missing answer.
    rule
        The domain structure.

    Returns
    -------
    dict
        Domain id -> score, or ``None`` when no item of the domain was answered.

    References
    ----------
    Rush AJ, Trivedi MH, Ibrahim HM, et al. The 16-Item Quick Inventory of Depressive
    Symptomatology (QIDS). Biol Psychiatry. 2003;54(5):573-583.

    Examples
    --------
    >>> from trdkit.scales._shared import rules_for
    >>> from trdkit.record.vocab import Instrument
    >>> rule = rules_for(Instrument.qids_sr16).domain_rule
    >>> scores = qids_domain_scores([1, 3, 0, None] + [2] * 12, rule)
    >>> scores["sleep"], scores["sad_mood"]
    (3, 2)
    """
    scores: dict[str, int | None] = {}
    for domain in rule.domains:
        answered = [v for i in domain.items if (v := items[i - 1]) is not None]
        scores[domain.id] = max(answered) if answered else None
    return scores


def score_qids(adm: ScaleAdministration) -> ScaleResult:
    """Score a QIDS-SR16 administration.

    Parameters
    ----------
    adm
        Sixteen item answers (``None`` for missing) or a recorded total.

    Returns
    -------
    ScaleResult
        Total (``None`` when a domain has no answer), band and reasons. ``prorated`` stays
        ``False``: the domain-maximum rule is the instrument's own scoring, not an imputation.

    References
    ----------
    Rush AJ, et al. Biol Psychiatry. 2003;54(5):573-583 (domains); ids-qids.org (severity bands).
    """
    rules, spec = rules_for(Instrument.qids_sr16), spec_for(Instrument.qids_sr16)
    name = spec.name
    because: list[str] = []
    total: int | None
    if adm.items is None or rules.domain_rule is None:
        total = adm.total
        because.append(f"{name} recorded as a total only")
    else:
        rule = rules.domain_rule
        src = cite(rule.source)
        scores = qids_domain_scores(adm.items, rule)
        empty = [d.label.lower() for d in rule.domains if scores[d.id] is None]
        partial = [
            d.label.lower()
            for d in rule.domains
            if scores[d.id] is not None and any(adm.items[i - 1] is None for i in d.items)
        ]
        if empty:
            total = None
            because.append(
                f"{name}: no answer in domain(s) {', '.join(empty)} -> total incomplete ({src})"
            )
        else:
            total = sum(s for s in scores.values() if s is not None)
            because.append(
                f"{name} total {total} = sum of {len(rule.domains)} domain scores, "
                f"each multi-item domain at its highest answered item ({src})"
            )
        if partial:
            because.append(
                f"{name}: domain(s) {', '.join(partial)} scored from their answered items only "
                f"({cite(rules.missing.source)})"
            )
    bands, band_why = band_fields(rules, name, total)
    return ScaleResult(
        **common_fields(adm),
        **bands,
        total=total,
        valid=total is not None,
        because=[r for r in (*because, band_why) if r],
    )
