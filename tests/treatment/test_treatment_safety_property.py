"""Safety as a property: invariants that hold for every generated patient record.

The default suite runs a few hundred examples. ``make safety`` runs the same test over 10^5
generated records: the hypothesis settings are chosen by the environment
(``TRDKIT_SAFETY_EXAMPLES`` examples, seed ``TRDKIT_SAFETY_SEED``; no example database, so every
run with the same seed sees the same records; ``TRDKIT_SAFETY_RENDER_EVERY`` renders the text
report of every Nth record only, default every record).

Invariants, per record:

1. no contraindicated option is offered (safety.yaml contraindications whose condition holds,
   allergies and their groups, adult-only options under 18, vascular conditions and
   esketamine/ketamine, seizure or eating disorders and bupropion, add-ons beside an MAOI);
2. no MAOI is offered without a washout while a serotonergic or otherwise MAOI-interacting drug
   is taken (other than the caution-only drugs of washouts.yaml), nor the reverse;
3. no antidepressant monotherapy or antidepressant-only strategy when bipolar;
4. suicide risk is the first section of the text report, and a high risk is a critical flag;
5. every option is supported by cited guideline evidence, never by a research marker;
6. options are identical with and without research data (genotypes, 5-HTTLPR, biomarkers);
7. ranks run from 1, ids are unique, offered and excluded are disjoint, a washout never starts
   today.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from hypothesis import HealthCheck, given, seed, settings

from patient_strategies import patient_dicts, without_research
from trdkit.assessment import Assessment, assess
from trdkit.flags import FlagId
from trdkit.knowledge.drugs import Drug, load_drug_catalogue
from trdkit.knowledge.flags import load_flag_table
from trdkit.knowledge.research_markers import load_research_markers
from trdkit.knowledge.treatment_options import load_treatment_options
from trdkit.knowledge.treatment_safety import load_safety
from trdkit.knowledge.washouts import load_washouts
from trdkit.pgx.record import current_drugs
from trdkit.record import PatientRecord, validate_record
from trdkit.render import render_text
from trdkit.treatment.context import build_context

EXAMPLES = int(os.environ.get("TRDKIT_SAFETY_EXAMPLES", "250"))
SEED = int(os.environ.get("TRDKIT_SAFETY_SEED", "20261101"))
# Rendering the text report is most of the cost of one example; a long run may check the
# report of every Nth record only (every other invariant is checked on every record).
RENDER_EVERY = max(1, int(os.environ.get("TRDKIT_SAFETY_RENDER_EVERY", "1")))
_seen = [0]
SAFETY_PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ADULT_ONLY = {"esketamine", "ketamine_iv", "vns", "dbs_research", "switch_maoi"}
VASCULAR = {
    "aneurysmal_vascular_disease",
    "arteriovenous_malformation",
    "intracerebral_haemorrhage",
}
BIPOLAR_EXCLUDED_CATEGORIES = {"switch", "optimisation", "rapid_acting"}
BIPOLAR_EXCLUDED_IDS = {"combine_mirtazapine", "combine_bupropion"}
SECTIONS = ("FLAGS", "DIAGNOSIS", "TREATMENT RESISTANCE", "OPTIONS", "RATING SCALES")
MARKER_IDS = {m.id for m in load_research_markers().markers}


def _offered_drugs(a: Assessment) -> set[str]:
    return {ag.drug for o in a.options for ag in o.agents}


def _taken(record: PatientRecord) -> list[Drug]:
    catalogue = load_drug_catalogue()
    return [d for name in current_drugs(record) if (d := catalogue.resolve(name)) is not None]


def _check_contraindications(record: PatientRecord, a: Assessment) -> None:
    ctx = build_context(record, a.diagnosis, a.trd, a.flags, a.pgx)
    drugs = load_drug_catalogue().drugs
    offered = _offered_drugs(a)
    table = load_safety()
    for rule in table.contraindications:
        if ctx.satisfied(rule.when) and rule.drugs is not None:
            assert not {d for d in offered if rule.drugs.matches(drugs[d])}, rule.id
    allergens = set().union(*(table.allergens(x) for x in record.allergies))
    assert not offered & allergens
    ids = {o.id.value for o in a.options}
    medical = {m.value for m in record.history.medical}
    if record.age is not None and record.age < 18:
        assert not ids & ADULT_ONLY
    if medical & VASCULAR:
        assert not offered & {"esketamine", "ketamine"}
    comorbid = {c.value for c in record.history.comorbidities}
    if "epilepsy" in medical or "eating_disorder" in comorbid:
        assert not offered & {"bupropion", "dextromethorphan_bupropion"}
    options = load_treatment_options().options
    taken = _taken(record)
    washouts = load_washouts()
    for o in a.options:
        if not options[o.id.value].keeps_current:
            continue
        for ag in o.agents:
            drug = drugs[ag.drug]
            for other in taken:
                if other.id != drug.id and (drug.maoi or other.maoi):
                    mixing = other if drug.maoi else drug
                    assert not washouts.interacts(mixing) or mixing.maoi, (o.id, drug.id, other.id)


def _check_washouts(record: PatientRecord, a: Assessment) -> None:
    table = load_washouts()
    drugs = load_drug_catalogue().drugs
    taken = _taken(record)
    for o in a.options:
        if o.washout is not None:
            assert o.washout.earliest_start > record.assessed_on
        for ag in o.agents:
            drug = drugs[ag.drug]
            for other in taken:
                if other.id == drug.id:
                    continue
                needs = (drug.maoi and table.interacts(other)) or (
                    other.maoi and table.interacts(drug)
                )
                if needs:
                    assert o.washout is not None, (o.id, drug.id, other.id)


def _check_bipolar(a: Assessment) -> None:
    if a.flag(FlagId.bipolar_disorder) is None:
        return
    for o in a.options:
        assert o.category not in BIPOLAR_EXCLUDED_CATEGORIES, o.id
        assert o.id.value not in BIPOLAR_EXCLUDED_IDS, o.id


def _check_suicide(record: PatientRecord, a: Assessment) -> None:
    _seen[0] += 1
    if _seen[0] % RENDER_EVERY == 0:
        text = render_text(a, color=False)
        first = text.index("SUICIDE RISK")
        for title in SECTIONS:
            if title in text:
                assert first < text.index(title), title
    window = dt.timedelta(days=load_flag_table().settings.suicide_window_days)
    since = record.assessed_on - window
    high = any(
        s.instrument == "cssrs_screener" and s.risk_level == "high" and s.date >= since
        for s in a.scales
    ) or any(day >= since for day in record.history.suicide_attempts or [])
    if high:
        flag = a.flag(FlagId.suicide_risk)
        assert flag is not None and flag.level == "critical"


def _check_evidence(a: Assessment) -> None:
    for o in a.options:
        assert o.evidence and all(e.source for e in o.evidence)
        words = " ".join([*o.because, *o.cautions, *(e.source for e in o.evidence)])
        assert not any(marker in words for marker in MARKER_IDS), o.id


def _check_structure(a: Assessment) -> None:
    assert [o.rank for o in a.options] == list(range(1, len(a.options) + 1))
    offered = [o.id for o in a.options]
    ruled_out = [e.id for e in a.excluded_options]
    assert len(set(offered)) == len(offered) and not set(offered) & set(ruled_out)
    assert all(e.rules and e.because for e in a.excluded_options)


def check_invariants(data: dict[str, Any]) -> None:
    """Assert every safety invariant for one record given as a dict."""
    record = validate_record(data)
    a = assess(record)
    _check_contraindications(record, a)
    _check_washouts(record, a)
    _check_bipolar(a)
    _check_suicide(record, a)
    _check_evidence(a)
    _check_structure(a)
    stripped = without_research(data)
    if stripped != data:
        plain = assess(validate_record(stripped))
        assert a.options == plain.options
        assert a.excluded_options == plain.excluded_options


@SAFETY_PROFILE
@seed(SEED)
@given(patient_dicts())
def test_treatment_safety__invariants_hold_for_generated_records(data: dict[str, Any]) -> None:
    check_invariants(data)
