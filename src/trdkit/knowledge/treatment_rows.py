"""Row vocabulary shared by the treatment tables: conditions, selectors and cited text.

``options.yaml``, ``option_rules.yaml``, ``safety.yaml`` and ``washouts.yaml`` describe *when*
something applies with a :class:`Condition` over named facts of the assessment, *which drugs* with
a :class:`DrugSelector` over the drug catalogue (class, kind, interaction tags; never re-listing
drug properties) and *which options* with an :class:`OptionSelector`. The fact vocabulary is
closed: a table naming an unknown fact does not load. The treatment engine
(``trdkit.treatment.context``) decides each fact for a patient.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader
from trdkit.knowledge.drugs import Drug, DrugClass, DrugKind, InteractionTag, load_drug_catalogue
from trdkit.record.vocab import Comorbidity, MedicalCondition, Specifier

__all__ = [
    "FACTS",
    "FACT_PREFIXES",
    "Cited",
    "Condition",
    "Confidence",
    "DrugSelector",
    "OptionSelector",
    "TreatmentRow",
    "check_drug_ids",
    "check_sources",
    "cite",
    "parse_rows",
]

Confidence = Literal["V", "K", "U"]
"""V checked against the source, K known but not re-checked, U uncertain (a setting to confirm)."""

FACTS: frozenset[str] = frozenset(
    {
        "always",
        "psychotic_features",
        "catatonia",
        "suicide_risk",
        "suicide_risk_high",
        "refusing_food_or_fluids",
        "need_rapid_response",
        "bipolar_disorder",
        "bipolarity_risk",
        "pseudo_resistance",
        "needs_optimisation",
        "intolerance_in_episode",
        "last_partial_response_tolerated",
        "last_no_response_or_intolerance",
        "severe_episode",
        "recurrent_course",
        "chronic_course",
        "ect_prior_response",
        "history_psychosis",
        "qtc_prolonged",
        "qtc_high",
        "egfr_low",
        "egfr_very_low",
        "interaction_check_incomplete",
    }
)
"""Facts without a parameter; their meaning is in ``docs/treatment-options.md``."""

FACT_PREFIXES: dict[str, frozenset[str] | None] = {
    "failures_at_least": None,
    "age_below": None,
    "age_at_least": None,
    "age_over": None,
    "medical": frozenset(m.value for m in MedicalCondition),
    "comorbidity": frozenset(c.value for c in Comorbidity),
    "specifier": frozenset(s.value for s in Specifier),
}
"""Facts with a parameter (``prefix:value``) and the values each accepts (None: a whole number)."""

_FACT = re.compile(r"^([a-z_]+)(?::([a-z0-9_]+))?$")


def _check_fact(fact: str) -> str:
    match = _FACT.match(fact)
    if match is None:
        raise ValueError(f"malformed fact {fact!r}")
    name, value = match.groups()
    if value is None:
        if name not in FACTS:
            raise ValueError(f"unknown fact {fact!r}")
        return fact
    if name not in FACT_PREFIXES:
        raise ValueError(f"unknown fact prefix in {fact!r}")
    allowed = FACT_PREFIXES[name]
    if (allowed is None and not value.isdigit()) or (allowed is not None and value not in allowed):
        raise ValueError(f"invalid value in {fact!r}")
    return fact


class TreatmentRow(BaseModel):
    """Base of every treatment-table row: frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(TreatmentRow):
    """Holds when every ``all`` fact holds, at least one ``any`` fact (if given), no ``none``."""

    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    @field_validator("all", "any", "none")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_fact(f) for f in value)

    def facts(self) -> tuple[str, ...]:
        """Every fact the condition names."""
        return (*self.all, *self.any, *self.none)


class DrugSelector(TreatmentRow):
    """Drugs matched by id, catalogue class, kind, interaction tag or strong CYP inhibition."""

    drugs: tuple[str, ...] = ()
    classes: tuple[DrugClass, ...] = ()
    kinds: tuple[DrugKind, ...] = ()
    tags: tuple[InteractionTag, ...] = ()
    strong_inhibitor_of: tuple[str, ...] = ()
    except_drugs: tuple[str, ...] = ()
    except_tags: tuple[InteractionTag, ...] = ()

    def matches(self, drug: Drug) -> bool:
        """Whether ``drug`` is selected (an exception always wins)."""
        if drug.id in self.except_drugs or set(drug.interactions) & set(self.except_tags):
            return False
        return (
            drug.id in self.drugs
            or drug.drug_class in self.classes
            or drug.kind in self.kinds
            or bool(set(drug.interactions) & set(self.tags))
            or any(drug.cyp_inhibition.get(e) == "strong" for e in self.strong_inhibitor_of)
        )

    def drug_ids(self) -> tuple[str, ...]:
        """Drug ids the selector names (for validation)."""
        return (*self.drugs, *self.except_drugs)


class OptionSelector(TreatmentRow):
    """Options matched by id, category, or the kind of a drug they start."""

    options: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    starts_kinds: tuple[DrugKind, ...] = ()

    def matches(self, option_id: str, category: str, agents: Iterable[Drug]) -> bool:
        """Whether an option with this id, category and agents is selected."""
        return (
            option_id in self.options
            or category in self.categories
            or any(d.kind in self.starts_kinds for d in agents)
        )


class Cited(TreatmentRow):
    """A statement with its sources and confidence."""

    text: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence
    note: str | None = None


def cite(labels: Mapping[str, str], sources: Sequence[str], confidence: Confidence) -> str:
    """Short citation for reasons: ``"CANMAT 2023; VA/DoD 2022"``, marked when uncertain."""
    text = "; ".join(labels[s] for s in sources)
    return f"{text}; uncertain, verify" if confidence == "U" else text


def check_sources(
    table: str,
    header: TableHeader,
    labels: Mapping[str, str],
    rows: Iterable[tuple[str, Sequence[str]]],
) -> None:
    """Every header source has a label and every row cites only header sources."""
    keys = header.source_keys()
    if set(labels) != keys:
        raise KnowledgeError(f"{table}: source_labels must name exactly the header sources")
    for row_id, sources in rows:
        if missing := sorted(set(sources) - keys):
            raise KnowledgeError(f"{table}: {row_id} cites unknown sources {missing}")


def check_drug_ids(table: str, rows: Iterable[tuple[str, Iterable[str]]]) -> None:
    """Every drug id named by a row is a catalogue id."""
    drugs = load_drug_catalogue().drugs
    for row_id, ids in rows:
        if unknown := sorted(set(ids) - set(drugs)):
            raise KnowledgeError(f"{table}: {row_id} names drugs not in the catalogue {unknown}")


RowT = TypeVar("RowT", bound=BaseModel)


def parse_rows(table: str, model: type[RowT], rows: Any, section: str) -> list[RowT]:
    """Validate a list of rows, naming the table, section and row on error."""
    if not isinstance(rows, list):
        raise KnowledgeError(f"{table}: {section!r} must be a list")
    parsed: list[RowT] = []
    for position, row in enumerate(rows):
        try:
            parsed.append(model.model_validate(row))
        except ValidationError as exc:
            label = row.get("id", f"#{position}") if isinstance(row, dict) else f"#{position}"
            raise KnowledgeError(f"{table}: invalid {section} row {label}: {exc}") from exc
    return parsed
