"""The research tier: one graded, cited card per marker the record has data for.

``evaluate_research_markers`` reads genotypes, 5-HTTLPR and biomarkers from the record and, for
each marker of ``research_markers.yaml`` with data, says what the value means in the literature,
how strong that evidence is (E0-E8), what is not yet verified, and that it is research only.

This package is a leaf: the assessment and the renderers may import it; nothing that chooses,
ranks, alerts on or doses treatment may (tests/research/test_research_isolation.py). Markers are
never combined into a score or a probability.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from trdkit._trusted import trusted
from trdkit.knowledge.research_markers import (
    MarkerDefinition,
    ResearchMarkerTable,
    load_research_markers,
)
from trdkit.record import PatientRecord
from trdkit.research.model import MarkerEvidence, ResearchMarker
from trdkit.research.observe import Observation, observe

__all__ = ["evaluate_research_markers"]

# The grades, wording rules and corrections all come from the research notes.
_GRADE_SOURCE = "ref_notes"


@dataclass(frozen=True)
class _Static:
    """The parts of a card that depend on the table only, worked out once per load."""

    statement_tail: str
    citations: tuple[str, ...]
    evidence: tuple[MarkerEvidence, ...]
    cautions: tuple[str, ...]
    grade_because: str


def _citations(marker: MarkerDefinition, table: ResearchMarkerTable) -> list[str]:
    keys = list(marker.sources)
    for rsid in marker.input.rsids:
        keys.extend(table.variants[rsid].sources)
    keys.append(_GRADE_SOURCE)
    return table.citations(keys)


@functools.cache
def _statics() -> dict[str, _Static]:
    table = load_research_markers()
    found: dict[str, _Static] = {}
    for marker in table.markers:
        meaning = table.grades[marker.grade].meaning
        found[marker.id] = _Static(
            statement_tail=" ".join(
                [
                    " ".join(marker.summary.split()),
                    f"Evidence grade {marker.grade.value} ({meaning}).",
                    table.settings.closing,
                ]
            ),
            citations=tuple(_citations(marker, table)),
            # Frozen models, validated here once: every card may share them.
            evidence=tuple(MarkerEvidence.model_validate(f.model_dump()) for f in marker.findings),
            cautions=tuple(" ".join(c.split()) for c in marker.cautions),
            grade_because=f"grade {marker.grade.value} ({marker.grade_label}): "
            f"{marker.grade_reason} ({_GRADE_SOURCE})",
        )
    return found


def _card(marker: MarkerDefinition, obs: Observation, table: ResearchMarkerTable) -> ResearchMarker:
    settings = table.settings
    static = _statics()[marker.id]
    # Values are validated knowledge rows, the shared frozen evidence, or text built here.
    return trusted(
        ResearchMarker,
        id=marker.id,
        value=obs.value,
        grade=marker.grade,
        statement=f"{obs.sentence} {static.statement_tail}",
        citations=list(static.citations),
        verified=marker.verified,
        title=marker.title,
        gene=marker.gene,
        unit=obs.unit,
        reading=obs.reading,
        grade_label=marker.grade_label,
        evidence=list(static.evidence),
        caution=[*obs.cautions, *static.cautions],
        unverified=list(marker.unverified),
        because=[*obs.because, static.grade_because],
        banner=settings.banner,
        reviewed_on=settings.reviewed_on,
        review_due=settings.review_due,
    )


def evaluate_research_markers(record: PatientRecord) -> list[ResearchMarker]:
    """Return one research-tier card per marker for which the record has data.

    Parameters
    ----------
    record
        A validated ``trdkit.patient/1`` record; reads ``genetics.genotypes``,
        ``genetics.5httlpr`` and ``biomarkers``.

    Returns
    -------
    list of ResearchMarker
        In the table's display order. A marker without data gives no card; the Kautzky
        combination appears only when all three of its genotypes are recorded.

    Notes
    -----
    Research information only: never a basis for choosing, ranking or dosing treatment. Rules
    that rank treatments must not import this package.

    References
    ----------
    trdkit research notes on research-tier biomarkers (2026-11-28): grades, wording rules and
    corrections; the studies behind each marker are cited on its card. GRCh38 forward-strand
    alleles: PyPGx 0.27.0 allele table.

    Examples
    --------
    >>> from trdkit import load_record
    >>> cards = evaluate_research_markers(load_record("examples/trd-with-genotypes.yaml"))
    >>> [(c.id, c.value, c.reading) for c in cards][:1]
    [('bdnf_rs6265', 'CT', 'Val/Met')]
    """
    table = load_research_markers()
    cards: list[ResearchMarker] = []
    for marker in table.markers:
        obs = observe(marker, record, table)
        if obs is not None:
            cards.append(_card(marker, obs, table))
    return cards
