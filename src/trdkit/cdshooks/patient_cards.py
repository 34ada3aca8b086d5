"""The cards of ``patient-view``: suicide risk, TRD status and stage, false TRD, next steps.

Suicide risk always comes first (critical when the assessment's flag is critical); then the TRD
status under the policy with the staging models, the flags that suggest the resistance may not
be real (``false_trd_flags`` of ``cds_hooks.yaml``), and the top ranked options. Every card links
to the full report. The cards only show the assessment's conclusions and reasons: no rule is
decided here.

References
----------
HL7 CDS Hooks 2.0.1; hook patient-view v1.0. The clinical sources are those of the assessment's
reasons (flags.yaml, policies.yaml, staging.yaml, options.yaml).
"""

from __future__ import annotations

from trdkit.assessment import Assessment
from trdkit.cdshooks.cards import DraftCard, bullets, new_card, worst
from trdkit.cdshooks.models import Indicator, Link
from trdkit.flags import Flag, FlagId
from trdkit.knowledge.cds_hooks import load_cds_hooks
from trdkit.resistance.model import Stages, TrdStatus
from trdkit.treatment.model import Option

__all__ = ["patient_view_cards"]

_SUICIDE = (FlagId.suicide_risk, FlagId.suicide_risk_not_assessed)
_STATUS_WORDS = {
    TrdStatus.trd: "treatment-resistant",
    TrdStatus.not_trd: "not treatment-resistant",
    TrdStatus.pseudo_resistant: "pseudo-resistant (trials not adequate)",
    TrdStatus.insufficient_data: "undecided (insufficient data)",
    TrdStatus.not_applicable: "not applicable",
}
_STATUS_LEVEL: dict[TrdStatus, Indicator] = {
    TrdStatus.trd: "warning",
    TrdStatus.pseudo_resistant: "warning",
}


def _suicide_cards(a: Assessment, link: Link | None) -> list[DraftCard]:
    cards = []
    for flag in (f for f in a.flags if f.id in _SUICIDE):
        high = " (high)" if flag.level == "critical" else ""
        summary = f"{flag.title}{high}: {flag.because[0]}"
        cards.append(
            new_card("suicide_risk", summary, flag.level, bullets(flag.because), link=link)
        )
    return cards


def _stages(stages: Stages) -> list[str]:
    found: list[str] = []
    if stages.thase_rush is not None:
        found.append(f"Thase-Rush stage {stages.thase_rush}")
    if stages.european is not None:
        found.append(f"European staging {stages.european}")
    if stages.mgh_s is not None:
        found.append(f"MGH-S {stages.mgh_s:g}")
    if stages.maudsley is not None:
        found.append(f"Maudsley {stages.maudsley.score} ({stages.maudsley.band})")
    return found


def _trd_card(a: Assessment, link: Link | None) -> DraftCard:
    trd = a.trd
    stages = _stages(trd.stages)
    summary = (
        f"TRD: {_STATUS_WORDS[trd.status]}, {trd.adequate_failed_trials} adequate failed "
        f"trial(s) under {a.policy.id}"
    )
    if stages:
        summary += f"; {stages[0]}"
    lines = [f"**Status**: {_STATUS_WORDS[trd.status]} under {a.policy.title} ({a.policy.id})"]
    lines += [bullets(trd.because)]
    if stages:
        lines += ["", "**Stages**", bullets(stages)]
    if trd.trials:
        verdicts = [f"{v.treatment}: {v.verdict.value.replace('_', ' ')}" for v in trd.trials]
        lines += ["", "**Trials**", bullets(verdicts)]
    if trd.missing:
        lines += ["", "**Missing data**", bullets(trd.missing)]
    level = _STATUS_LEVEL.get(trd.status, "info")
    return new_card("trd_status", summary, level, "\n".join(lines), link=link)


def _false_trd_card(a: Assessment, link: Link | None) -> DraftCard | None:
    wanted = set(load_cds_hooks().false_trd_flags)
    flags: list[Flag] = [f for f in a.flags if f.id.value in wanted]
    if not flags:
        return None
    titles = "; ".join(f.title for f in flags)
    detail = "\n".join(f"**{f.title}** ({f.level})\n{bullets(f.because)}\n" for f in flags)
    level = worst(f.level for f in flags)
    return new_card("false_trd", f"Possible false TRD: {titles}", level, detail, link=link)


def _option_line(option: Option) -> str:
    agents = ", ".join(a.drug for a in option.agents)
    return f"{option.rank}. {option.title}" + (f" ({agents})" if agents else "")


def _option_detail(option: Option) -> str:
    lines = [f"**{_option_line(option)}**"]
    for agent in option.agents:
        notes = "; ".join(n for n in (agent.dose_note, agent.pgx_note) if n)
        lines.append(f"- {agent.drug}" + (f": {notes}" if notes else ""))
    if option.washout is not None:
        w = option.washout
        lines.append(f"- washout: stop {w.stop}, earliest start {w.earliest_start}")
    lines += [f"- caution: {c}" for c in option.cautions]
    lines += [f"- {b}" for b in option.because[:3]]
    return "\n".join(lines)


def _options_card(a: Assessment, link: Link | None) -> DraftCard | None:
    top = a.options[: load_cds_hooks().top_options]
    if not top:
        return None
    summary = "Next steps: " + "; ".join(_option_line(o) for o in top)
    detail = "\n\n".join(_option_detail(o) for o in top)
    if a.excluded_options:
        detail += f"\n\n{len(a.excluded_options)} option(s) ruled out: see the full report."
    return new_card("options", summary, "info", detail, link=link)


def patient_view_cards(assessment: Assessment, link: Link | None) -> list[DraftCard]:
    """The patient-view cards of one assessment, suicide risk first.

    Parameters
    ----------
    assessment
        The assessment of the patient in context.
    link
        The link to the full report, added to every card.

    Returns
    -------
    list of DraftCard
        Suicide risk (if flagged), TRD status, false TRD (if any flag), next steps (if any).
    """
    cards = _suicide_cards(assessment, link)
    cards.append(_trd_card(assessment, link))
    for extra in (_false_trd_card(assessment, link), _options_card(assessment, link)):
        if extra is not None:
            cards.append(extra)
    return cards
