"""The drug catalogue: every drug trdkit can name, with class, flags and interaction tags.

The table lives in ``drugs.yaml``. Records, trial rules and safety rules resolve drug names here,
so one spelling, brand name or synonym always reaches the same stable id. Loading fails loudly
(``KnowledgeError``) when a row cites a source the header does not list, when ids repeat, or when
two drugs would answer to the same name: an ambiguous name in a clinical record is worse than an
unknown one.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table

__all__ = [
    "Drug",
    "DrugCatalogue",
    "DrugClass",
    "DrugKind",
    "InteractionTag",
    "load_drug_catalogue",
    "normalise_drug_name",
]

Strength = Literal["strong", "moderate", "weak"]

_TABLE = "drugs.yaml"
_ENZYME = re.compile(r"^CYP\d[A-Z]\d{0,2}$")
# Spelling variants seen in records ("St. John's wort", "olanzapine/fluoxetine",
# "dextromethorphan-bupropion") must meet the same key as the table's ids and synonyms.
_DROPPED = re.compile(r"[.'’]")
_SEPARATORS = re.compile(r"[\s_\-/+]+")


class DrugClass(StrEnum):
    """Pharmacological class of a drug (closed vocabulary)."""

    SSRI = "ssri"
    SNRI = "snri"
    NDRI = "ndri"
    NASSA = "nassa"
    TETRACYCLIC = "tetracyclic"
    MULTIMODAL = "multimodal"
    SPARI = "spari"
    MELATONERGIC = "melatonergic"
    SARI = "sari"
    NRI = "nri"
    TCA = "tca"
    MAOI = "maoi"
    RIMA = "rima"
    ATYPICAL_ANTIDEPRESSANT = "atypical_antidepressant"
    NMDA_ANTAGONIST = "nmda_antagonist"
    SGA = "sga"
    FGA = "fga"
    MOOD_STABILISER = "mood_stabiliser"
    THYROID_HORMONE = "thyroid_hormone"
    DOPAMINE_AGONIST = "dopamine_agonist"
    STIMULANT_WAKEFULNESS = "stimulant_wakefulness"
    ANXIOLYTIC = "anxiolytic"
    NON_PSYCHIATRIC = "non_psychiatric"


class DrugKind(StrEnum):
    """The role a drug plays in this catalogue."""

    ANTIDEPRESSANT = "antidepressant"
    AUGMENTING_AGENT = "augmenting_agent"
    INTERACTING_DRUG = "interacting_drug"
    OTHER_PSYCHOTROPIC = "other_psychotropic"


class InteractionTag(StrEnum):
    """Properties that safety rules look for (meanings in the table header notes)."""

    SEROTONERGIC = "serotonergic"
    MAOI_LIKE = "maoi_like"
    QT_PROLONGING = "qt_prolonging"
    RAISES_LITHIUM_LEVEL = "raises_lithium_level"
    BLEEDING_RISK = "bleeding_risk"
    LOWERS_SEIZURE_THRESHOLD = "lowers_seizure_threshold"
    HYPONATRAEMIA_RISK = "hyponatraemia_risk"
    RAISES_BLOOD_PRESSURE = "raises_blood_pressure"
    CYP2D6_PRODRUG = "cyp2d6_prodrug"


# Each flag and its tag must agree, so a rule may test either; the flag is the one written.
_FLAG_TAGS = {"serotonergic": InteractionTag.SEROTONERGIC, "maoi": InteractionTag.MAOI_LIKE}


# The same few names are resolved many times per assessment (per rule, per CPIC drug).
@functools.lru_cache(maxsize=4096)
def normalise_drug_name(name: str) -> str:
    """Return the matching key of a drug name.

    Case, surrounding space, full stops and apostrophes are ignored, and runs of spaces,
    underscores, hyphens, slashes and plus signs count as one space.

    Parameters
    ----------
    name
        A drug id, display name or synonym as written anywhere.

    Returns
    -------
    str
        The key, e.g. ``"st johns wort"`` for ``"St. John's Wort"``.
    """
    return _SEPARATORS.sub(" ", _DROPPED.sub("", name.casefold())).strip()


class Drug(BaseModel):
    """One row of the drug catalogue."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id; never reused.")
    name: str = Field(min_length=1, description="Display name.")
    synonyms: tuple[str, ...] = Field(default=(), description="Brand names and other spellings.")
    kind: DrugKind
    drug_class: DrugClass = Field(alias="class")
    mechanism: str = Field(min_length=1)
    rxnorm: str | None = Field(default=None, pattern=r"^\d+$", description="Ingredient RxCUI.")
    serotonergic: bool = Field(description="Adds to serotonin-toxicity risk.")
    maoi: bool = Field(description="Acts as an MAO inhibitor.")
    cyp_inhibition: dict[str, Strength] = Field(default_factory=dict)
    cyp_induction: dict[str, Strength] = Field(default_factory=dict)
    interactions: tuple[InteractionTag, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1, description="Header source keys.")
    note: str | None = Field(default=None, description="Caveat or uncertainty about this row.")

    @model_validator(mode="before")
    @classmethod
    def _derive_flag_tags(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        tags = list(data.get("interactions") or ())
        for flag, tag in _FLAG_TAGS.items():
            if data.get(flag) is True and tag.value not in tags:
                tags.append(tag.value)
            elif data.get(flag) is not True and tag.value in tags:
                raise ValueError(f"tag {tag.value!r} needs {flag}: true")
        return {**data, "interactions": tags}

    @field_validator("cyp_inhibition", "cyp_induction")
    @classmethod
    def _check_enzymes(cls, value: dict[str, Strength]) -> dict[str, Strength]:
        bad = [enzyme for enzyme in value if not _ENZYME.match(enzyme)]
        if bad:
            raise ValueError(f"enzyme names must look like CYP2D6 or CYP3A, got {bad}")
        return value

    def names(self) -> tuple[str, ...]:
        """Return every name this drug answers to: id, display name and synonyms."""
        return (self.id, self.name, *self.synonyms)


class DrugCatalogue:
    """The validated drug table with name, synonym and RxNorm lookup.

    Parameters
    ----------
    header
        The table header; row ``sources`` must be among its keys.
    drugs
        The rows, in table order.

    Raises
    ------
    KnowledgeError
        If an id repeats, a row cites an unknown source, two drugs share a name or an RxCUI.
    """

    def __init__(self, header: TableHeader, drugs: Iterable[Drug]) -> None:
        self.header = header
        by_id: dict[str, Drug] = {}
        keys = header.source_keys()
        for drug in drugs:
            if drug.id in by_id:
                raise KnowledgeError(f"{_TABLE}: duplicate drug id {drug.id!r}")
            unknown = sorted(set(drug.sources) - keys)
            if unknown:
                raise KnowledgeError(f"{_TABLE}: {drug.id} cites unknown sources {unknown}")
            by_id[drug.id] = drug
        self.drugs: Mapping[str, Drug] = MappingProxyType(by_id)
        self._index: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._rxnorm: dict[str, str] = {}
        for drug in by_id.values():
            self._add_names(drug)
            if drug.rxnorm is not None:
                other = self._rxnorm.setdefault(drug.rxnorm, drug.id)
                if other != drug.id:
                    raise KnowledgeError(
                        f"{_TABLE}: RxCUI {drug.rxnorm} given to both {other!r} and {drug.id!r}"
                    )

    def _add_names(self, drug: Drug) -> None:
        for label in drug.names():
            key = normalise_drug_name(label)
            if not key:
                raise KnowledgeError(f"{_TABLE}: {drug.id} has an empty name or synonym")
            other = self._index.setdefault(key, drug.id)
            if other != drug.id:
                raise KnowledgeError(
                    f"{_TABLE}: the name {label!r} of {drug.id!r} collides with {other!r}"
                )
            # Suggestions show the id for the id's own key and the table's spelling otherwise.
            self._labels.setdefault(key, label)

    def __len__(self) -> int:
        return len(self.drugs)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.resolve(name) is not None

    def resolve(self, name: str) -> Drug | None:
        """Find a drug by id, display name or synonym.

        Parameters
        ----------
        name
            The name as written; see :func:`normalise_drug_name` for what is ignored.

        Returns
        -------
        Drug or None
            The drug, or ``None`` when no drug answers to the name.
        """
        drug_id = self._index.get(normalise_drug_name(name))
        return None if drug_id is None else self.drugs[drug_id]

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Return up to ``n`` known names close to ``name``, best first, for error messages.

        Parameters
        ----------
        name
            An unresolved name, e.g. ``"sertralin"``.
        n
            Most suggestions to return.

        Returns
        -------
        list of str
            Ids or synonyms as spelt in the table; empty when nothing is close.
        """
        matches = difflib.get_close_matches(normalise_drug_name(name), self._index, n=n)
        return [self._labels[key] for key in matches]

    def by_rxnorm(self, code: str) -> Drug | None:
        """Find a drug by its RxNorm ingredient RxCUI (e.g. ``"36437"``), or return ``None``."""
        drug_id = self._rxnorm.get(code.strip())
        return None if drug_id is None else self.drugs[drug_id]

    def names(self) -> list[str]:
        """Return every drug id, sorted."""
        return sorted(self.drugs)


def _parse_rows(body: dict[str, Any]) -> list[Drug]:
    rows = body.get("drugs")
    if not isinstance(rows, list) or not rows:
        raise KnowledgeError(f"{_TABLE}: 'drugs' must be a non-empty list")
    parsed: list[Drug] = []
    for position, row in enumerate(rows):
        try:
            parsed.append(Drug.model_validate(row))
        except ValidationError as exc:
            label = row.get("id", f"#{position}") if isinstance(row, dict) else f"#{position}"
            raise KnowledgeError(f"{_TABLE}: invalid drug row {label}: {exc}") from exc
    return parsed


@functools.cache
def load_drug_catalogue() -> DrugCatalogue:
    """Load and validate ``drugs.yaml`` (once per process).

    Returns
    -------
    DrugCatalogue
        The catalogue.

    Raises
    ------
    KnowledgeError
        If the file, its header or any row is invalid; see :class:`DrugCatalogue`.
    """
    header, body = read_yaml_table(_TABLE)
    return DrugCatalogue(header, _parse_rows(body))
