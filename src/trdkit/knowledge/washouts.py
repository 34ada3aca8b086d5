"""Loader for ``washouts.yaml``: waits between MAO inhibitors and the drugs they interact with.

``to_maoi`` rows give the wait after stopping a drug before an MAOI starts; ``from_maoi`` rows the
wait after stopping an MAOI (or an MAOI-acting drug such as linezolid) before an interacting drug
starts. Which drugs interact is read from the drug catalogue (``interacting_tags``); a drug
without a row waits ``default_days``.

References
----------
American Psychiatric Association. Practice guideline for the treatment of patients with major
depressive disorder, 3rd ed. 2010 (1-2 weeks before an MAOI; 5 weeks after fluoxetine).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from pydantic import Field, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.drugs import Drug, DrugClass, InteractionTag
from trdkit.knowledge.treatment_rows import (
    Confidence,
    TreatmentRow,
    check_drug_ids,
    check_sources,
    parse_rows,
)

__all__ = [
    "CautionOnly",
    "DefaultWait",
    "WashoutRow",
    "WashoutSettings",
    "WashoutTable",
    "load_washouts",
]

_TABLE = "washouts.yaml"


class WashoutRow(TreatmentRow):
    """A wait in days after stopping any of ``drugs`` or a drug of ``classes``."""

    drugs: tuple[str, ...] = ()
    classes: tuple[DrugClass, ...] = ()
    days: int = Field(ge=0, le=90)
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence
    note: str | None = None

    @model_validator(mode="after")
    def _selects(self) -> WashoutRow:
        if not self.drugs and not self.classes:
            raise ValueError("a washout row needs drugs or classes")
        return self

    def matches(self, drug: Drug) -> bool:
        """Whether the row applies to ``drug`` (by id first, then class)."""
        return drug.id in self.drugs or drug.drug_class in self.classes


class DefaultWait(TreatmentRow):
    """The wait for an interacting drug without a row of its own."""

    value: int = Field(ge=0, le=90)
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence
    note: str | None = None


class CautionOnly(TreatmentRow):
    """A drug combined with MAOIs under monitoring instead of a washout."""

    drug: str
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence


class WashoutSettings(TreatmentRow):
    """Defaults and the catalogue tags that make a drug interact with MAOIs."""

    default_days: DefaultWait
    interacting_tags: tuple[InteractionTag, ...] = Field(min_length=1)
    caution_only: tuple[CautionOnly, ...] = ()


class WashoutTable(TreatmentRow):
    """The validated washout table."""

    header: TableHeader
    source_labels: Mapping[str, str]
    settings: WashoutSettings
    to_maoi: tuple[WashoutRow, ...]
    from_maoi: tuple[WashoutRow, ...]

    def interacts(self, drug: Drug) -> bool:
        """Whether ``drug`` needs a washout beside an MAOI (not caution-only, not itself MAOI)."""
        if drug.id in {c.drug for c in self.settings.caution_only}:
            return False
        return bool(set(drug.interactions) & set(self.settings.interacting_tags))

    def caution_only(self, drug_id: str) -> CautionOnly | None:
        """The caution-only row of ``drug_id``, if any."""
        return next((c for c in self.settings.caution_only if c.drug == drug_id), None)

    @staticmethod
    def _first(rows: tuple[WashoutRow, ...], drug: Drug) -> WashoutRow | None:
        by_id = next((r for r in rows if drug.id in r.drugs), None)
        return by_id or next((r for r in rows if r.matches(drug)), None)

    def before_maoi(self, stopped: Drug) -> WashoutRow | None:
        """The ``to_maoi`` row for a drug stopped before an MAOI starts (None: use default)."""
        return self._first(self.to_maoi, stopped)

    def after_maoi(self, stopped: Drug) -> WashoutRow | None:
        """The ``from_maoi`` row for an MAOI stopped before an interacting drug (None: default)."""
        return self._first(self.from_maoi, stopped)


@cache
def load_washouts() -> WashoutTable:
    """Load and validate ``washouts.yaml`` (once per process).

    Raises
    ------
    KnowledgeError
        If a row is invalid, cites an unknown source or names a drug not in the catalogue.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        settings = WashoutSettings.model_validate(body.get("settings"))
    except ValueError as exc:
        raise KnowledgeError(f"{_TABLE}: invalid settings: {exc}") from exc
    to_maoi = parse_rows(_TABLE, WashoutRow, body.get("to_maoi"), "to_maoi")
    from_maoi = parse_rows(_TABLE, WashoutRow, body.get("from_maoi"), "from_maoi")
    rows = [*to_maoi, *from_maoi]
    labels = body.get("source_labels") or {}
    cited = [(f"row {i}", r.sources) for i, r in enumerate(rows)]
    cited += [("default_days", settings.default_days.sources)]
    cited += [(f"caution_only {c.drug}", c.sources) for c in settings.caution_only]
    check_sources(_TABLE, header, labels, cited)
    named = [(f"row {i}", r.drugs) for i, r in enumerate(rows)]
    check_drug_ids(_TABLE, [*named, ("caution_only", [c.drug for c in settings.caution_only])])
    return WashoutTable(
        header=header,
        source_labels=labels,
        settings=settings,
        to_maoi=tuple(to_maoi),
        from_maoi=tuple(from_maoi),
    )
