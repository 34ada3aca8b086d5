"""The CPIC guidance rule over one option: each agent's pharmacogenomic action and note.

An agent CPIC says to avoid is dropped; a dose step amends its dose note; agents with advice to
consider an alternative go last, and an option left with only those moves down. Each drug's
advice depends on the patient only, so it is worked out once per assessment.

References
----------
Bousman CA, et al. CPIC guideline for SSRIs and SNRIs. Clin Pharmacol Ther. 2023;114:51-68.
Hicks JK, et al. CPIC guideline for tricyclic antidepressants. Clin Pharmacol Ther.
2017;102:37-44.
"""

from __future__ import annotations

from dataclasses import dataclass

from trdkit.knowledge.option_rules import OptionRule
from trdkit.pgx.guidance import worst_action
from trdkit.pgx.model import Action, DrugGuidance
from trdkit.treatment.context import Context
from trdkit.treatment.draft import Draft, tagged

__all__ = ["PgxAdvice", "apply_pgx", "new_memo", "pgx_action"]

_NEUTRAL = ("use_standard_dose", "no_recommendation")
_DOSE = ("reduce_dose", "increase_dose", "titrate_slowly")


def pgx_action(guidance: DrugGuidance) -> Action:
    """The worst action of the guidance across every still-possible diplotype."""
    actions: list[Action] = [guidance.action, *guidance.actions]
    for alternative in guidance.by_alternative:
        actions.extend(alternative.actions)
    return worst_action(actions)


def _dose_step(guidance: DrugGuidance, action: Action) -> str:
    if guidance.dose_factor is not None:
        return f"CPIC: start at {guidance.dose_factor:.0%} of the usual dose"
    return f"CPIC: {action.replace('_', ' ')}"


def _lookup(gene: str, key: str) -> str:
    # CPIC looks CYP2D6 up by activity score; the other genes by phenotype.
    score = key[:1].isdigit() or key.startswith("≥")
    return f"{gene} activity score {key}" if score else f"{gene} {key}"


@dataclass(frozen=True)
class PgxAdvice:
    """What the CPIC guidance of one drug says for this patient, in the words rules use."""

    action: Action
    note: str
    line: str
    dose_step: str | None


def _compute_advice(ctx: Context, drug_id: str) -> PgxAdvice | None:
    guidance = ctx.pgx.drugs.get(drug_id)
    if guidance is None:
        return None
    action = pgx_action(guidance)
    note = f"{guidance.summary} ({guidance.guideline}, {guidance.strength})"
    lookup = ", ".join(_lookup(gene, key) for gene, key in guidance.lookup.items())
    line = f"{drug_id}: {action.replace('_', ' ')} with {lookup}"
    step = _dose_step(guidance, action) if action in _DOSE else None
    return PgxAdvice(action, note, line, step)


def new_memo(ctx: Context) -> dict[str, PgxAdvice | None]:
    """An empty advice memo for one assessment (a ``Context.once`` factory)."""
    return {}


def apply_pgx(
    draft: Draft, ctx: Context, rule: OptionRule, cited: str, memo: dict[str, PgxAdvice | None]
) -> None:
    """Apply the CPIC guidance rule ``rule`` (cited as ``cited``) to the agents of ``draft``.

    ``memo`` keeps each drug's advice for the rest of the assessment (see :func:`new_memo`).
    """
    if not draft.agents:
        return
    drugs = ctx.pgx.drugs
    flagged: list[str] = []
    alternative = False
    for cand in list(draft.agents):
        drug_id = cand.drug.id
        if drug_id not in drugs:
            continue
        # The same drug recurs across options; its advice depends on the patient only.
        advice = memo.get(drug_id)
        if advice is None:
            advice = memo[drug_id] = _compute_advice(ctx, drug_id)
        if advice is None:
            continue
        cand.pgx_action = advice.action
        cand.pgx_note = advice.note
        if advice.action in _NEUTRAL:
            continue
        alternative = alternative or advice.action == "consider_alternative"
        if advice.action == "avoid":
            draft.drop(cand.drug.id, rule.id, tagged(advice.line, rule.id, cited))
            continue
        if advice.dose_step is not None:
            step = advice.dose_step
            cand.dose_note = f"{cand.dose_note}; {step}" if cand.dose_note else step
        flagged.append(advice.line)
    if flagged:
        draft.because.append(tagged("; ".join(flagged), rule.id, cited))
    # Agents CPIC advises against go last; an option left with only those moves down. (The sort
    # is stable: without such an agent it would change nothing.)
    if not alternative:
        return
    draft.agents.sort(key=lambda c: c.pgx_action == "consider_alternative")
    if draft.agents and all(c.pgx_action == "consider_alternative" for c in draft.agents):
        assert rule.amount is not None
        draft.priority += rule.amount
        why = f"every agent has a CPIC advice to consider an alternative: moved down {rule.amount}"
        draft.because.append(tagged(why, rule.id, cited))
