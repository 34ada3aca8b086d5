"""Loader for ``fhir_codes.yaml``: the codes trdkit reads from and writes to FHIR R4.

Code-system URIs, LOINC codes of the rating scales and their answer lists, the Condition codes
that set record fields, RxNorm product and ingredient codes, dose-text words, Genomics Reporting
IG codes and the import settings. The loader checks every cited source, every record vocabulary
value and every drug id against the drug catalogue, so a typo in the table fails at load time.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, ValidationError

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.fhir_code_rows import (
    AnswerList,
    ConditionRow,
    ConditionStatus,
    DoseText,
    Genomics,
    ImportSettings,
    IngredientRow,
    LoincInstrument,
    ProcedureText,
    ProductRow,
    SeverityCode,
    SystemRow,
)

__all__ = [
    "AnswerList",
    "ConditionRow",
    "FhirCodeTable",
    "LoincInstrument",
    "ProductRow",
    "load_fhir_codes",
]

_TABLE = "fhir_codes.yaml"


class FhirCodeTable(BaseModel):
    """The whole ``fhir_codes.yaml`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header: TableHeader
    namespace: str
    systems: tuple[SystemRow, ...]
    ordinal_extensions: tuple[str, ...]
    local_codes: dict[str, str]
    answer_lists: dict[str, AnswerList]
    instruments: dict[str, LoincInstrument]
    condition_status: ConditionStatus
    condition_severity: tuple[SeverityCode, ...]
    conditions: tuple[ConditionRow, ...]
    ingredients: tuple[IngredientRow, ...]
    products: tuple[ProductRow, ...]
    dose_text: DoseText
    procedures: tuple[ProcedureText, ...]
    genomics: Genomics
    import_settings: ImportSettings

    def uri(self, system_id: str) -> str:
        """Return the URI of the code system ``system_id`` (e.g. ``"loinc"``)."""
        return next(s.uri for s in self.systems if s.id == system_id)

    def system_id(self, uri: str | None) -> str | None:
        """Return trdkit's id of a code-system URI (trailing slash ignored), if known."""
        key = (uri or "").strip().rstrip("/")
        return next((s.id for s in self.systems if s.uri == key), None)

    def conditions_for(self, system: str, code: str) -> list[ConditionRow]:
        """Return the condition rows matching ``code`` of ``system``."""
        return [row for row in self.conditions if row.matches(system, code)]

    def product(self, rxcui: str) -> ProductRow | None:
        """Return the product row of ``rxcui``, if listed."""
        return next((p for p in self.products if p.rxcui == rxcui.strip()), None)

    def ingredient(self, rxcui: str) -> str | None:
        """Return the catalogue drug of an ingredient RxCUI listed here (not in drugs.yaml)."""
        return next((i.drug for i in self.ingredients if i.rxcui == rxcui.strip()), None)

    def rxcui_of(self, drug_id: str) -> str | None:
        """Return an ingredient RxCUI of a catalogue drug (drugs.yaml first, then this table)."""
        drug = load_drug_catalogue().drugs.get(drug_id)
        if drug is not None and drug.rxnorm is not None:
            return drug.rxnorm
        return next((i.rxcui for i in self.ingredients if i.drug == drug_id), None)

    def severity_code(self, severity: str) -> str | None:
        """Return the SNOMED CT code of a condition severity."""
        return next((s.code for s in self.condition_severity if s.severity == severity), None)


def _cited(table: FhirCodeTable) -> Iterable[tuple[str, Iterable[str]]]:
    yield from ((f"system {s.id}", s.sources) for s in table.systems)
    yield from ((f"answers {k}", a.sources) for k, a in table.answer_lists.items())
    yield from ((f"instrument {k}", i.sources) for k, i in table.instruments.items())
    yield from ((f"severity {s.severity}", s.sources) for s in table.condition_severity)
    yield from ((f"condition {c.display}", c.sources) for c in table.conditions)
    yield from ((f"ingredient {i.rxcui}", i.sources) for i in table.ingredients)
    yield from ((f"product {p.rxcui}", p.sources) for p in table.products)
    yield from ((f"gene {g.gene}", g.sources) for g in table.genomics.genes)
    yield ("genomics", table.genomics.sources)


def _check(table: FhirCodeTable) -> None:
    keys = table.header.source_keys()
    for what, sources in _cited(table):
        unknown = sorted(set(sources) - keys)
        if unknown:
            raise KnowledgeError(f"{_TABLE}: {what} cites unknown sources {unknown}")
    catalogue = load_drug_catalogue()
    for row in table.ingredients:
        drug = catalogue.drugs.get(row.drug)
        if drug is None:
            raise KnowledgeError(f"{_TABLE}: ingredient {row.rxcui} names unknown drug {row.drug}")
        owner = catalogue.by_rxnorm(row.rxcui)
        if drug.rxnorm is not None or (owner is not None and owner.id != row.drug):
            raise KnowledgeError(f"{_TABLE}: ingredient {row.rxcui} collides with drugs.yaml")
    for product in table.products:
        unknown_drugs = [d for d in product.drugs if d not in catalogue.drugs]
        if unknown_drugs:
            raise KnowledgeError(f"{_TABLE}: product {product.rxcui} names {unknown_drugs}")
    for key, instrument in table.instruments.items():
        lists = [instrument.answers, *(e.answers for e in instrument.extra.values())]
        if any(name not in table.answer_lists for name in lists):
            raise KnowledgeError(f"{_TABLE}: instrument {key} names an unknown answer list")


@functools.cache
def load_fhir_codes() -> FhirCodeTable:
    """Load and validate ``fhir_codes.yaml`` (once per process).

    Returns
    -------
    FhirCodeTable
        The code maps with the table header.

    Raises
    ------
    KnowledgeError
        If a row is malformed, cites an unknown source or names an unknown drug or value.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        table = FhirCodeTable.model_validate({"header": header, **body})
    except ValidationError as exc:
        raise KnowledgeError(f"{_TABLE}: {exc}") from exc
    _check(table)
    return table
