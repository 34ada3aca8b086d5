"""Thase-Rush staging (TRSM): an ordinal stage from the chain of failed treatment classes.

Stage I is one adequate failure of a major antidepressant class; Stage II adds a failure of a
distinctly different class; Stage III a TCA; Stage IV an MAOI; Stage V a course of bilateral ECT.
The stage is the highest one whose whole chain is met; 0 means no adequate failure. The chain,
the class mapping and the counting choices live in ``knowledge/staging.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

from trdkit.knowledge.derived import per_table
from trdkit.knowledge.staging import StagingTable, load_staging_table
from trdkit.knowledge.staging_models import ChainStep
from trdkit.record import PatientRecord
from trdkit.record.vocab import EctLaterality
from trdkit.resistance.model import StageBreakdown, TrialVerdict
from trdkit.resistance.staging._trials import (
    adequate_failures,
    describe,
    ect_courses,
    laterality,
)
from trdkit.scales import ScaleResult

__all__ = ["ROMAN", "chain_stage", "stage_thase_rush"]

ROMAN = ("0", "I", "II", "III", "IV", "V")

# The chain treats bilateral ECT courses as one more pool of trials beside the drug classes.
_ECT = "bilateral_ect"


def _assign(steps: Sequence[ChainStep], counts: dict[str, int], own: bool) -> list[str] | None:
    """Pool used by each step so that every step is met, or ``None`` when none exists."""

    def go(i: int, left: dict[str, int], chosen: tuple[str, ...]) -> list[str] | None:
        if i == len(steps):
            return []
        step = steps[i]
        if step.needs == "bilateral_ect":
            options = [_ECT]
        elif step.needs == "class_group":
            options = [step.group or ""]
        else:
            options = [
                g for g in left if g != _ECT and (step.needs == "any_class" or g not in chosen)
            ]
        for pool in options:
            if left.get(pool, 0) <= 0:
                continue
            rest_left = {**left, pool: left[pool] - 1} if own else left
            picked = (*chosen, pool) if step.needs != "class_group" else chosen
            rest = go(i + 1, rest_left, picked)
            if rest is not None:
                return [pool, *rest]
        return None

    return go(0, counts, ())


def chain_stage(
    steps: Sequence[ChainStep], counts: dict[str, int], *, own_trial_per_stage: bool
) -> tuple[int, list[str]]:
    """Highest stage whose chain is met, and the pool each of its steps used.

    Parameters
    ----------
    steps
        The stage chain, stage 1 first.
    counts
        Adequate failures per staging class, plus ``"bilateral_ect"`` for failed bilateral
        ECT courses.
    own_trial_per_stage
        Each step needs a trial no earlier step used; otherwise steps read the set of failed
        classes.

    Returns
    -------
    stage, pools
        The stage (0 when stage I is not met) and one pool name per step up to it.

    References
    ----------
    Thase ME, Rush AJ. J Clin Psychiatry. 1997;58 Suppl 13:23-29.
    """
    # A pure function of the knowledge chain and a few small counts: answers are kept per chain
    # (bounded), keyed on the counts in their order (the order decides which pool a step uses).
    # Only an immutable chain (the table's tuple of frozen steps) is memoised.
    if not isinstance(steps, tuple):
        stage, used = _chain_stage(steps, counts, own_trial_per_stage)
        return stage, list(used)
    memo = _chain_memo(steps)
    key = (tuple(counts.items()), own_trial_per_stage)
    found = memo.get(key)
    if found is None:
        found = _chain_stage(steps, counts, own_trial_per_stage)
        if len(memo) >= _MAX_CHAINS:
            memo.clear()
        memo[key] = found
    return found[0], list(found[1])


_MAX_CHAINS = 256


@per_table
def _chain_memo(
    steps: Sequence[ChainStep],
) -> dict[tuple[tuple[tuple[str, int], ...], bool], tuple[int, tuple[str, ...]]]:
    # Deliberately mutable: the bounded memo of ``chain_stage`` for this knowledge chain.
    return {}


def _chain_stage(
    steps: Sequence[ChainStep], counts: dict[str, int], own_trial_per_stage: bool
) -> tuple[int, tuple[str, ...]]:
    best: list[str] = []
    for k in range(1, len(steps) + 1):
        found = _assign(steps[:k], counts, own_trial_per_stage)
        if found is None:
            break
        best = found
    return len(best), tuple(best)


def _ect_pool(
    record: PatientRecord, verdicts: Sequence[TrialVerdict], table: StagingTable, cite: str
) -> tuple[list[TrialVerdict], list[str]]:
    courses, reasons = ect_courses(record, verdicts, table)
    bilateral: list[TrialVerdict] = []
    for course in courses:
        side = laterality(record, course)
        if side is EctLaterality.bilateral:
            bilateral.append(course)
        elif side is None:
            reasons.append(
                f"{describe(record, course)}: laterality not recorded; Stage V needs bilateral "
                f"ECT ({cite})"
            )
        else:
            reasons.append(f"{describe(record, course)}: Stage V needs bilateral ECT ({cite})")
    return bilateral, reasons


def stage_thase_rush(
    record: PatientRecord,
    verdicts: Sequence[TrialVerdict],
    scales: Sequence[ScaleResult],
    *,
    table: StagingTable | None = None,
) -> tuple[int, StageBreakdown]:
    """Thase-Rush stage 0-5 of the current episode.

    Parameters
    ----------
    record
        The patient record (ECT laterality is read from its trials).
    verdicts
        Trial verdicts of the resistance engine.
    scales
        Scored scales (not used by this model; accepted for a uniform signature).
    table
        Staging rules; the packaged ``staging.yaml`` when omitted.

    Returns
    -------
    stage, breakdown
        The stage (0: no adequate failure) and its items and reasons.

    References
    ----------
    Thase ME, Rush AJ. When at first you don't succeed: sequential strategies for antidepressant
    nonresponders. J Clin Psychiatry. 1997;58 Suppl 13:23-29.
    """
    t = table or load_staging_table()
    rules = t.thase_rush
    cite = t.cite_as[rules.sources[0]]
    because: list[str] = []
    pools: dict[str, list[str]] = {}
    for v in adequate_failures(verdicts, rules.counted_categories.value):
        row = t.group_of(v.drug_class)
        if row is None:
            because.append(f"{describe(record, v)}: no Thase-Rush class, not counted ({cite})")
            continue
        pools.setdefault(row.group, []).append(describe(record, v))
    bilateral, ect_reasons = _ect_pool(record, verdicts, t, cite)
    because += ect_reasons
    if bilateral:
        pools[_ECT] = [describe(record, c) for c in bilateral]
    counts = {pool: len(names) for pool, names in pools.items()}
    own = rules.own_trial_per_stage.value
    stage, used = chain_stage(rules.stages, counts, own_trial_per_stage=own)

    if stage == 0:
        because.append(f"no adequate failed antidepressant trial in the episode: Stage 0 ({cite})")
    taken = {pool: 0 for pool in pools}
    for step, pool in zip(rules.stages, used, strict=False):
        name = pools[pool][min(taken[pool], len(pools[pool]) - 1)]
        taken[pool] += 1 if own else 0
        because.append(f"Stage {ROMAN[step.stage]}: {name} - {step.text} ({t.cite(step)})")
    if 0 < stage < len(rules.stages):
        nxt = rules.stages[stage]
        because.append(f"Stage {ROMAN[nxt.stage]} not reached: no further {nxt.text} ({cite})")
    other, _ = chain_stage(rules.stages, counts, own_trial_per_stage=not own)
    if other != stage:
        because.append(
            f"reading the stages as {'sets of failed classes' if own else 'one trial per stage'}"
            f" would give Stage {ROMAN[other]} ({t.cite(rules.own_trial_per_stage)})"
        )
    items: dict[str, float | int | str | None] = {"stage": stage}
    items.update({g: counts.get(g, 0) for g in t.groups})
    items[_ECT] = counts.get(_ECT, 0)
    return stage, StageBreakdown(items=items, because=because, source=t.citations(rules.sources))
