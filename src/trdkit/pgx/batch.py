"""CPIC guidance for many samples at once (the ``drugs`` section of ``trdkit pgx``).

A drug's guidance depends only on the calls of its guideline's genes (citalopram on CYP2C19,
sertraline on CYP2B6 and CYP2C19, the tricyclics on CYP2C19 and CYP2D6 …), so it is looked up
once per distinct combination of those calls (the fields it reads) and shared by every sample
that has it. In a cohort most samples share a few hundred such combinations per drug.
"""

from __future__ import annotations

from collections.abc import Mapping

from trdkit.knowledge.pgx_guidance import guidance_drugs, load_pgx_guidance
from trdkit.pgx.guidance import guidance_for
from trdkit.pgx.model import DrugGuidance, GeneCall

__all__ = ["GUIDANCE_FIELDS", "guidance_by_sample"]

# The GeneCall fields CPIC guidance reads (trdkit.pgx.guidance); warnings, reasons and missing
# positions do not change it, so samples that differ only there share one look-up.
GUIDANCE_FIELDS: set[str] = set(
    {
        "diplotype",
        "alternatives",
        "called",
        "phenotype",
        "activity_score",
        "functional_phenotype",
        "functional_activity_score",
        "research_grade",
    }
)


def guidance_by_sample(
    calls: Mapping[str, Mapping[str, GeneCall]],
) -> dict[str, dict[str, DrugGuidance]]:
    """CPIC guidance for every sample and drug (as ``guidance_all``, computed once per case).

    Parameters
    ----------
    calls
        sample → gene → call, as ``call_genotypes`` returns them.

    Returns
    -------
    dict
        sample → drug → guidance; drugs none of whose genes were called are left out.
    """
    drugs = guidance_drugs()
    genes_of = {drug: load_pgx_guidance(drug).genes for drug in drugs}
    done: dict[tuple[str, tuple[str, ...]], DrugGuidance | None] = {}
    out: dict[str, dict[str, DrugGuidance]] = {}
    for sample, genes in calls.items():
        text = {g: call.model_dump_json(include=GUIDANCE_FIELDS) for g, call in genes.items()}
        found: dict[str, DrugGuidance] = {}
        for drug in drugs:
            key = (drug, tuple(text.get(g, "") for g in genes_of[drug]))
            if key not in done:
                relevant = {g: genes[g] for g in genes_of[drug] if g in genes}
                done[key] = guidance_for(drug, relevant)
            guidance = done[key]
            if guidance is not None:
                found[drug] = guidance
        out[sample] = found
    return out
