"""Loader for ``bipolarity.yaml``: bipolarity red flags, the Ghaemi rule and counted screens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table

__all__ = [
    "BipolarityScreen",
    "BipolaritySign",
    "BipolarityTable",
    "GhaemiAlternative",
    "GhaemiRule",
    "SignRole",
    "load_bipolarity_table",
]

SignRole = Literal["decisive", "soft", "noted"]
Confidence = Literal["V", "K", "U"]

# Signs whose rule compares against a number; the table must give it.
_NEEDS_THRESHOLD = (
    "recurrent_episodes",
    "brief_episodes",
    "early_onset",
    "antidepressant_nonresponse",
)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BipolaritySign(_Row):
    """One sign of a possible bipolar course and how it counts."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    role: SignRole
    ghaemi_item: str | None = Field(default=None, pattern=r"^[CD][0-9]$")
    available: bool = Field(description="The trdkit.patient/1 record can supply this sign.")
    threshold: float | None = None
    trial_categories: tuple[str, ...] = ()
    confidence: Confidence
    sources: tuple[str, ...] = Field(min_length=1)


class GhaemiAlternative(_Row):
    """One combination of C and D item counts that meets the Ghaemi criteria."""

    min_c: int = Field(ge=0)
    min_d: int = Field(ge=0)


class GhaemiRule(_Row):
    """Ghaemi bipolar spectrum disorder: item counts and the combinations that meet it."""

    c_items: int = Field(ge=1)
    d_items: int = Field(ge=1)
    alternatives: tuple[GhaemiAlternative, ...] = Field(min_length=1)
    confidence: Confidence
    sources: tuple[str, ...] = Field(min_length=1)

    def met(self, c: int, d: int) -> bool:
        """Whether ``c`` C items and ``d`` D items satisfy any alternative."""
        return any(c >= alt.min_c and d >= alt.min_d for alt in self.alternatives)


class BipolarityScreen(_Row):
    """A scored instrument whose positive result counts as a bipolarity sign."""

    instrument: str
    confidence: Confidence
    sources: tuple[str, ...] = Field(min_length=1)


class BipolarityTable(_Row):
    """The whole bipolarity screen table."""

    header: TableHeader
    cite_as: Mapping[str, str]
    signs: tuple[BipolaritySign, ...]
    ghaemi: GhaemiRule
    screens: tuple[BipolarityScreen, ...]

    def sign(self, sign_id: str) -> BipolaritySign:
        """Return the sign ``sign_id``."""
        return next(s for s in self.signs if s.id == sign_id)

    def cite(self, keys: Iterable[str]) -> str:
        """Short citations for ``keys``, e.g. ``"Ghaemi 2002; Aiken 2015"``."""
        return "; ".join(self.cite_as[k] for k in keys)


def _check(table: BipolarityTable) -> None:
    known = table.header.source_keys()
    if missing := set(table.cite_as) ^ known:
        raise KnowledgeError(f"bipolarity.yaml: cite_as and header sources differ on {missing}")
    rows: list[tuple[str, tuple[str, ...]]] = [(s.id, s.sources) for s in table.signs]
    rows += [(s.instrument, s.sources) for s in table.screens]
    rows.append(("ghaemi", table.ghaemi.sources))
    for name, sources in rows:
        if unknown := set(sources) - known:
            raise KnowledgeError(f"bipolarity.yaml: {name} cites unknown sources {unknown}")
    ids = [s.id for s in table.signs]
    if len(set(ids)) != len(ids):
        raise KnowledgeError("bipolarity.yaml: duplicate sign id")
    for letter, expected in (("C", table.ghaemi.c_items), ("D", table.ghaemi.d_items)):
        items = sorted(
            item for s in table.signs if (item := s.ghaemi_item or "").startswith(letter)
        )
        if items != [f"{letter}{n}" for n in range(1, expected + 1)]:
            raise KnowledgeError(
                f"bipolarity.yaml: Ghaemi {letter} items {items}, {expected} expected"
            )
    for s in table.signs:
        if s.role == "soft" and s.ghaemi_item is None:
            raise KnowledgeError(f"bipolarity.yaml: soft sign {s.id!r} needs its ghaemi_item")
    for sign_id in _NEEDS_THRESHOLD:
        if sign_id not in ids or table.sign(sign_id).threshold is None:
            raise KnowledgeError(f"bipolarity.yaml: sign {sign_id!r} needs a threshold")


@cache
def load_bipolarity_table() -> BipolarityTable:
    """Load and validate ``bipolarity.yaml``.

    Returns
    -------
    BipolarityTable
        Signs, the Ghaemi rule and the counted screens; every row cites header sources.

    References
    ----------
    Ghaemi SN, Ko JY, Goodwin FK. Can J Psychiatry. 2002;47(2):125-134.
    Mitchell PB, et al. Bipolar Disord. 2008;10(1 Pt 2):144-152.
    Aiken CB, Weisler RH, Sachs GS. J Affect Disord. 2015;177:59-64.
    """
    header, body = read_yaml_table("bipolarity.yaml")
    table = BipolarityTable.model_validate({"header": header, **body})
    _check(table)
    return table
