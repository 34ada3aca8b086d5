"""The cards of ``order-select`` and ``order-sign``, one set per drafted drug.

Per drug, from the findings of :mod:`trdkit.cdshooks.order_checks`: a contraindication card
(critical; cancel or replace), an interaction card (critical for a dangerous combination or an
unfinished MAOI washout, with the wait and earliest start; warning for cautions only), a CPIC
card (critical for "avoid", warning for "consider an alternative" or a dose change, info for
"titrate slowly"; replace or adjust the dose), a card for a drug that already failed adequately
or was not tolerated in this episode (warning; replace), and a card for the remaining cautions
(warning).

References
----------
HL7 CDS Hooks 2.0.1 (cards, suggestions, selectionBehavior). Clinical sources as cited in each
reason (safety.yaml, washouts.yaml, option_rules.yaml, CPIC guidance tables).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trdkit.assessment import Assessment
from trdkit.cdshooks.cards import DraftCard, bullets, new_card
from trdkit.cdshooks.models import Indicator, Link, Suggestion
from trdkit.cdshooks.order_checks import OrderFindings, check_order, with_other_orders
from trdkit.cdshooks.orders import DraftOrder, OrderSet
from trdkit.cdshooks.suggestions import adjust_dose, alternatives, cancel_order, replace_order
from trdkit.pgx.model import Action
from trdkit.treatment.context import Context

__all__ = ["order_cards"]

_ACTION_WORDS: dict[Action, str] = {
    "avoid": "avoid",
    "consider_alternative": "consider an alternative",
    "reduce_dose": "start at a lower dose",
    "increase_dose": "a higher dose may be needed",
    "titrate_slowly": "titrate slowly",
}
_ACTION_LEVEL: dict[Action, Indicator] = {
    "avoid": "critical",
    "consider_alternative": "warning",
    "reduce_dose": "warning",
    "increase_dose": "warning",
    "titrate_slowly": "info",
}


def _named(drug_ids: set[str], texts: Sequence[str]) -> set[str]:
    """The drug ids that ``texts`` name as whole words."""
    return {d for d in drug_ids if any(re.search(rf"\b{re.escape(d)}\b", t) for t in texts)}


def _present(suggestions: Sequence[Suggestion | None]) -> list[Suggestion]:
    return [s for s in suggestions if s is not None]


def _replacements(a: Assessment, order: DraftOrder, ctx: Context) -> list[Suggestion | None]:
    alts = alternatives(a, order, ctx.current_ids())
    return [replace_order(order, alt, recommended=i == 0) for i, alt in enumerate(alts)]


def _contraindication(
    f: OrderFindings, a: Assessment, ctx: Context, link: Link | None
) -> DraftCard:
    order = f.order
    first = f.contraindications[0].split(" (", 1)[0].removeprefix(f"{order.drug.id}: ")
    detail = "**Contraindicated**\n" + bullets(f.contraindications)
    suggestions = _present([cancel_order(order), *_replacements(a, order, ctx)])
    return new_card(
        "contraindication",
        f"{order.drug.name}: {first}",
        "critical",
        detail,
        link=link,
        suggestions=suggestions,
        order_ref=order.ref,
        drug=order.drug.id,
    )


def _interaction(f: OrderFindings, ctx: Context, link: Link | None) -> DraftCard:
    order, name = f.order, f.order.drug.name
    taken = ctx.current_ids()
    now = [s for s in f.washouts if s.stop in taken]
    later = [s for s in f.washouts if s.stop not in taken]
    parts: list[str] = []
    if f.combinations or now:
        blocked = {s.stop for s in now} | _named(taken - {order.drug.id}, f.combinations)
        parts.append(f"{name} with {', '.join(sorted(blocked))}: dangerous combination")
        if now:
            longest = max(now, key=lambda s: s.days)
            parts.append(f"if switching, stop {longest.stop} and wait {longest.days} days")
    if later:
        governing = max(later, key=lambda s: s.earliest)
        parts.append(f"{governing.stop} washout not complete, earliest start {governing.earliest}")
    if not parts:
        named = ", ".join(sorted(_named(taken - {order.drug.id}, f.interaction_cautions)))
        parts.append(f"{name}: interaction caution with {named or 'current drugs'}")
    lines: list[str] = []
    if f.combinations:
        lines += ["**Do not combine**", bullets(f.combinations), ""]
    if f.washouts:
        steps = [f"{s.why}; earliest start {s.earliest}" for s in f.washouts]
        lines += ["**Washout**", bullets(steps), ""]
    if f.interaction_cautions:
        lines += ["**Cautions**", bullets(f.interaction_cautions)]
    blocking = bool(f.combinations or f.washouts)
    return new_card(
        "interaction",
        "; ".join(parts),
        "critical" if blocking else "warning",
        "\n".join(lines).strip(),
        link=link,
        suggestions=_present([cancel_order(order)]) if blocking else (),
        order_ref=order.ref,
        drug=order.drug.id,
    )


def _pgx(f: OrderFindings, a: Assessment, ctx: Context, link: Link | None) -> DraftCard | None:
    guidance, action, order = f.guidance, f.action, f.order
    if guidance is None or action is None or action not in _ACTION_WORDS:
        return None
    lookup = ", ".join(f"{gene} {key}" for gene, key in guidance.lookup.items())
    strength = f", {guidance.strength}" if guidance.strength else ""
    summary = f"{order.drug.name}: {_ACTION_WORDS[action]} ({lookup}; CPIC{strength})"
    detail = "\n".join(
        [
            f"**{guidance.guideline}**: {guidance.summary}",
            bullets(guidance.because),
            "",
            f"Source: {guidance.source}",
        ]
    )
    suggestions: list[Suggestion | None] = []
    if action in ("avoid", "consider_alternative"):
        suggestions += _replacements(a, order, ctx)
    elif action == "reduce_dose" and guidance.dose_factor is not None:
        suggestions.append(adjust_dose(order, guidance.dose_factor, f"CPIC, {lookup}"))
    return new_card(
        "pgx",
        summary,
        _ACTION_LEVEL[action],
        detail,
        link=link,
        suggestions=_present(suggestions),
        order_ref=order.ref,
        drug=order.drug.id,
    )


def _prior(f: OrderFindings, a: Assessment, ctx: Context, link: Link | None) -> DraftCard:
    order = f.order
    first = f.prior[0].split(" (", 1)[0]
    return new_card(
        "prior_trial",
        f"{order.drug.name}: {first.removeprefix(order.drug.id + ' ')}",
        "warning",
        bullets(f.prior),
        link=link,
        suggestions=_present(_replacements(a, order, ctx)),
        order_ref=order.ref,
        drug=order.drug.id,
    )


def _cautions(f: OrderFindings, link: Link | None) -> DraftCard:
    order = f.order
    first = f.cautions[0].split(" (", 1)[0].removeprefix(f"{order.drug.id}: ")
    return new_card(
        "caution",
        f"{order.drug.name}: {first}",
        "warning",
        bullets(f.cautions),
        link=link,
        order_ref=order.ref,
        drug=order.drug.id,
    )


def order_cards(
    assessment: Assessment, ctx: Context, orders: OrderSet, link: Link | None
) -> list[DraftCard]:
    """Cards for each drafted antidepressant or augmenting agent, most urgent first.

    Parameters
    ----------
    assessment
        The patient's assessment (options give the replacements).
    ctx
        Its treatment context.
    orders
        The drafted drugs to check and the other drafted drugs.
    link
        The link to the full report.
    """
    context = with_other_orders(ctx, orders.others)
    cards: list[DraftCard] = []
    for order in orders.checked:
        f = check_order(order, context)
        found = [
            _contraindication(f, assessment, context, link) if f.contraindications else None,
            _interaction(f, context, link)
            if f.combinations or f.washouts or f.interaction_cautions
            else None,
            _pgx(f, assessment, context, link),
            _prior(f, assessment, context, link) if f.prior else None,
            _cautions(f, link) if f.cautions else None,
        ]
        cards += [c for c in found if c is not None]
    order_of = {"critical": 0, "warning": 1, "info": 2}
    return sorted(cards, key=lambda c: order_of[c.card.indicator])
