"""Checking one drafted drug against the patient with the treatment engine's knowledge.

An order is judged as if the ordered drug were started while the current drugs (and the other
draft orders) continue. The rows of ``safety.yaml`` are read exactly as the option engine reads
them (the same drug selectors over the catalogue, the same patient facts through
:meth:`~trdkit.treatment.context.Context.satisfied`): allergies and contraindications, dangerous
combinations (interaction rows of tier ``contraindicated``), interaction cautions and condition
cautions. Option-level rows (ECT, switch categories) are about options, not orders, and are not
read. Unlike an option, an order is checked against every row, so a contraindicated drug still
shows its dangerous combinations. The washout steps come from ``washout.py`` (as if the current
drugs were stopped first), earlier failures and intolerance from ``option_rules.yaml``, and the
CPIC guidance from the assessment's PGx section. Nothing here adds a threshold or a rule.

References
----------
NICE NG222 (2022) 1.9.9; US prescribing information (MAOI intervals, contraindications);
Bousman CA, et al. CPIC SSRI/SNRI guideline. Clin Pharmacol Ther. 2023;114:51-68.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from trdkit.cdshooks.orders import DraftOrder
from trdkit.knowledge.drugs import Drug
from trdkit.knowledge.option_rules import load_option_rules
from trdkit.knowledge.treatment_options import AgentRow, EvidenceRow, OptionDefinition
from trdkit.knowledge.treatment_rows import Cited
from trdkit.knowledge.treatment_safety import load_safety
from trdkit.pgx.model import Action, DrugGuidance
from trdkit.treatment.agents import Candidate
from trdkit.treatment.context import Context, build_context
from trdkit.treatment.draft import Draft, tagged
from trdkit.treatment.rules import pgx_action
from trdkit.treatment.safety import ALLERGY_RULE
from trdkit.treatment.washout import Step, washout_steps

__all__ = ["OrderFindings", "check_order", "with_other_orders"]

_ORDER_OPTION = "cds_order"


@dataclass
class OrderFindings:
    """What the rules say about one ordered drug."""

    order: DraftOrder
    contraindications: list[str] = field(default_factory=list)
    combinations: list[str] = field(default_factory=list)
    interaction_cautions: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    washouts: list[Step] = field(default_factory=list)
    prior: list[str] = field(default_factory=list)
    guidance: DrugGuidance | None = None
    action: Action | None = None


def with_other_orders(ctx: Context, others: Sequence[Drug]) -> Context:
    """The context of a record where the other drafted drugs are taken too."""
    known = ctx.current_ids()
    extra = list(dict.fromkeys(d.id for d in others if d.id not in known))
    if not extra:
        return ctx
    record = ctx.record.model_copy(
        update={"current_medications": [*ctx.record.current_medications, *extra]}
    )
    return build_context(record, ctx.diagnosis, ctx.trd, list(ctx.flags.values()), ctx.pgx)


def _allergies(findings: OrderFindings, ctx: Context) -> None:
    table = load_safety()
    drug = findings.order.drug.id
    for allergy in ctx.record.allergies:
        if drug not in table.allergens(allergy):
            continue
        group = next((g for g in table.allergy_groups if {allergy, drug} <= set(g.drugs)), None)
        if drug == allergy or group is None:
            cited = table.cite(("trdkit_contract",), "V")
        else:
            cited = table.cite(group.sources, group.confidence)
        why = f"allergy to {allergy}: {drug} is not started"
        findings.contraindications.append(tagged(why, ALLERGY_RULE, cited))


def _conditions(findings: OrderFindings, ctx: Context) -> None:
    table = load_safety()
    drug = findings.order.drug
    for rule in table.contraindications:
        if rule.drugs is not None and rule.drugs.matches(drug) and ctx.satisfied(rule.when):
            cited = table.cite(rule.sources, rule.confidence)
            findings.contraindications.append(tagged(rule.reason, rule.id, cited))
    for rule in table.cautions:
        if rule.drugs is not None and rule.drugs.matches(drug) and ctx.satisfied(rule.when):
            limit = f"; {rule.dose_limit}" if rule.dose_limit else ""
            cited = table.cite(rule.sources, rule.confidence)
            findings.cautions.append(tagged(f"{rule.reason}{limit}", rule.id, cited))


def _interactions(findings: OrderFindings, ctx: Context) -> None:
    table = load_safety()
    drug = findings.order.drug
    for rule in table.interactions:
        if rule.started is None or not rule.started.matches(drug):
            continue
        cited = table.cite(rule.sources, rule.confidence)
        for partner in ctx.current:
            if partner.id == drug.id or not rule.current.matches(partner):
                continue
            text = tagged(rule.reason.format(started=drug.id, current=partner.id), rule.id, cited)
            if rule.tier == "contraindicated":
                findings.combinations.append(text)
            else:
                findings.interaction_cautions.append(text)


def _switch_draft(drug: Drug) -> Draft:
    # A one-off option that starts the drug after the current ones stop: its washout steps.
    definition = OptionDefinition(
        id=_ORDER_OPTION,
        title=f"order of {drug.name}",
        category="switch",
        priority=0,
        keeps_current=False,
        agents=(AgentRow(drug=drug.id),),
        summary=Cited(text="drafted order", sources=("order",), confidence="V"),
        evidence=(EvidenceRow(source="order", line="option"),),
    )
    candidate = Candidate(drug=drug, dose_note=None)
    return Draft(definition=definition, agents=[candidate], had_agents=True, priority=0)


def _prior(findings: OrderFindings, ctx: Context) -> None:
    table = load_option_rules()
    drug = findings.order.drug.id
    for rule, seen in (
        (table.by_effect("drop_failed_agents"), ctx.failed),
        (table.by_effect("drop_intolerant_agents"), ctx.intolerant),
    ):
        if drug in seen and ctx.satisfied(rule.when):
            why = f"{drug} {rule.reason} (trials[{seen[drug]}])"
            findings.prior.append(tagged(why, rule.id, table.cite(rule)))


def check_order(order: DraftOrder, ctx: Context) -> OrderFindings:
    """Judge one drafted drug for this patient.

    Parameters
    ----------
    order
        The drafted drug.
    ctx
        The treatment context of the patient's assessment (with the other draft orders counted
        as taken, see :func:`with_other_orders`).

    Returns
    -------
    OrderFindings
        Contraindications, dangerous combinations, cautions, washout steps, earlier failures or
        intolerance, and the CPIC guidance with its worst-case action.
    """
    findings = OrderFindings(order=order)
    _allergies(findings, ctx)
    _conditions(findings, ctx)
    _interactions(findings, ctx)
    findings.washouts = washout_steps(_switch_draft(order.drug), ctx)
    _prior(findings, ctx)
    guidance = ctx.pgx.drugs.get(order.drug.id)
    if guidance is not None:
        findings.guidance = guidance
        findings.action = pgx_action(guidance)
    return findings
