"""The treatment tables: contract ids, cited evidence, the fact vocabulary and the validators."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from treatment_records import base, run

from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.expected_outcomes import load_expected_outcomes
from trdkit.knowledge.option_rules import OptionRule, load_option_rules
from trdkit.knowledge.research_markers import load_research_markers
from trdkit.knowledge.treatment_options import load_treatment_options
from trdkit.knowledge.treatment_rows import FACT_PREFIXES, FACTS, Condition, DrugSelector, cite
from trdkit.knowledge.treatment_safety import ConditionRule, load_safety
from trdkit.knowledge.washouts import load_washouts
from trdkit.record import validate_record
from trdkit.treatment import OptionId
from trdkit.treatment.context import build_context

OPTIONS = load_treatment_options()


def test_option_ids__enum_matches_the_table() -> None:
    assert set(OPTIONS.options) == {o.value for o in OptionId}


def test_option_ids__cover_the_contract(shared_dir: Path) -> None:
    text = (shared_dir / "contract" / "assessment-output.md").read_text(encoding="utf-8")
    section = text.split("## Option ids", 1)[1]
    contract = set(re.findall(r"`([a-z_0-9]+)`", section))
    assert contract and contract <= set(OPTIONS.options)


@pytest.mark.parametrize("option_id", list(OPTIONS.options))
def test_option__has_cited_evidence_from_guidelines(option_id: str) -> None:
    definition = OPTIONS.options[option_id]
    assert definition.evidence
    research = load_research_markers().header.source_keys()
    cited = {ev.source for ev in definition.evidence} | set(definition.summary.sources)
    assert cited and not cited & research
    assert OPTIONS.cite(definition.summary.sources, definition.summary.confidence)


def test_facts__every_fact_is_decided_for_a_patient() -> None:
    record = validate_record(base())
    a = run(base())
    ctx = build_context(record, a.diagnosis, a.trd, a.flags, a.pgx)
    for fact in FACTS:
        assert isinstance(ctx.holds(fact), bool)
    examples = {"failures_at_least": "2", "age_below": "18", "age_at_least": "60", "age_over": "60"}
    for prefix, allowed in FACT_PREFIXES.items():
        value = examples[prefix] if allowed is None else sorted(allowed)[0]
        assert isinstance(ctx.holds(f"{prefix}:{value}"), bool)
    assert ctx.holds("failures_at_least:2") and not ctx.holds("failures_at_least:3")


@pytest.mark.parametrize("fact", ["no_such_fact", "medical:gout", "failures_at_least:two", "X"])
def test_condition__rejects_unknown_facts(fact: str) -> None:
    with pytest.raises(ValidationError):
        Condition(any=(fact,))


def test_drug_selector__exceptions_win() -> None:
    drugs = load_drug_catalogue().drugs
    selector = DrugSelector(tags=("serotonergic",), except_tags=("maoi_like",))  # type: ignore[arg-type]
    assert selector.matches(drugs["sertraline"])
    assert not selector.matches(drugs["phenelzine"])
    assert DrugSelector(strong_inhibitor_of=("CYP2D6",)).matches(drugs["bupropion"])


def test_option_rule__amount_and_targets_must_fit_the_effect() -> None:
    rule = load_option_rules().rules[0].model_dump()
    with pytest.raises(ValidationError):
        OptionRule.model_validate({**rule, "effect": "boost"})
    with pytest.raises(ValidationError):
        OptionRule.model_validate({**rule, "amount": 3})


def test_safety_rule__needs_exactly_one_target() -> None:
    row = load_safety().contraindications[0].model_dump()
    with pytest.raises(ValidationError):
        ConditionRule.model_validate({**row, "options": {"options": ["ect"]}})


def test_expected_outcomes__stard_remission_by_level() -> None:
    row = load_expected_outcomes().outcomes["stard_by_level"]
    texts = [row.statement(level) for level in (1, 2, 3, 4, 9)]
    for text, value in zip(texts, ["36.8", "30.6", "13.7", "13", "13"], strict=True):
        assert f"remission {value}%" in text
    assert "level 4" in texts[-1]


def test_washouts__table_values() -> None:
    table = load_washouts()
    drugs = load_drug_catalogue().drugs
    before = {d: table.before_maoi(drugs[d]) for d in ("fluoxetine", "sertraline", "venlafaxine")}
    assert {d: r.days for d, r in before.items() if r} == {
        "fluoxetine": 35,
        "sertraline": 14,
        "venlafaxine": 7,
    }
    after = table.after_maoi(drugs["phenelzine"])
    assert after is not None and after.days == 14
    assert table.before_maoi(drugs["tramadol"]) is None  # the default applies
    assert table.settings.default_days.confidence == "U"


def test_cite__marks_uncertain_facts() -> None:
    labels = {"a": "Source A"}
    assert cite(labels, ("a",), "U") == "Source A; uncertain, verify"
    assert cite(labels, ("a",), "V") == "Source A"


def test_docs__name_every_option_rule_and_safety_rule() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "treatment-options.md").read_text()
    safety = load_safety()
    ids = [
        *OPTIONS.options,
        *(r.id for r in load_option_rules().rules),
        *(r.id for r in (*safety.contraindications, *safety.cautions)),
        *(r.id for r in safety.interactions),
    ]
    assert [i for i in ids if f"`{i}`" not in doc] == []
