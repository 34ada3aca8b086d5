"""Loader for ``scale_scoring.yaml``: how every rating-scale instrument is scored.

Beyond the row shapes, every rule must cite a header source, bands must cover the instrument's
total range (``instruments.yaml``) with no gap or overlap, and item numbers must exist: otherwise
a scorer could return no band, or two, for a valid total, so such a table is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.instruments import InstrumentSpec, load_instruments

__all__ = [
    "AlgorithmRule",
    "Band",
    "Codes",
    "Confidence",
    "Domain",
    "DomainRule",
    "MissingRule",
    "RemissionRule",
    "ResponseRule",
    "RiskLevelRule",
    "RiskRule",
    "ScaleRules",
    "ScaleScoringTable",
    "ScreenRule",
    "load_scale_scoring",
]

Confidence = Literal["V", "S", "K", "U"]
"""V verified, S secondary sources agree, K known but not re-verified, U unverified/local."""


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Cited(_Row):
    source: str
    confidence: Confidence


class Band(_Cited):
    """One severity band: inclusive bounds on the total, a stable id and display text."""

    id: str
    lower: int
    upper: int
    label: str

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.lower > self.upper:
            raise ValueError(f"band {self.id}: lower {self.lower} > upper {self.upper}")
        return self


class Codes(_Cited):
    """The code a result is reported under: LOINC where checked, else a local code system."""

    system: Literal["loinc", "local"]
    result: str | None = Field(default=None, description="Code of the total or risk level.")
    panel: str | None = None

    @model_validator(mode="after")
    def _codes_match_system(self) -> Codes:
        if self.system == "loinc" and self.result is None:
            raise ValueError("a LOINC-coded instrument needs its result code")
        if self.system == "local" and (self.result or self.panel):
            raise ValueError("a locally coded instrument carries no LOINC codes")
        return self


class MissingRule(_Cited):
    """What a missing item answer does to the total."""

    method: Literal["prorate_mean", "domain_max", "count_as_no", "none"]
    max_missing: int = Field(default=0, ge=0)
    never_imputed: tuple[int, ...] = ()  # 1-based items never given a value (PHQ-9 item 9)
    rounding: Literal["half_up", "half_even"] = "half_up"


class ScreenRule(_Cited):
    """When a screen (or a flag threshold) is positive."""

    min_total: int
    same_period_required: bool = False
    problem_levels: tuple[str, ...] = ()


class ResponseRule(_Cited):
    """Response: a percentage drop from baseline, or a rating value (CGI-I)."""

    kind: Literal["percent_drop", "rating"]
    min_drop_pct: float | None = Field(default=None, gt=0, le=100)
    values: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _kind_has_parameters(self) -> ResponseRule:
        if self.min_drop_pct is None if self.kind == "percent_drop" else not self.values:
            raise ValueError(f"a {self.kind} response rule needs min_drop_pct or values")
        return self


class RemissionRule(_Cited):
    """Remission: total at or below a cut-off; ``alternatives`` are the allowed settings."""

    max_total: int
    alternatives: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _default_is_allowed(self) -> RemissionRule:
        if self.alternatives and self.max_total not in self.alternatives:
            raise ValueError(f"default cut-off {self.max_total} is not among the alternatives")
        return self

    def allowed(self) -> tuple[int, ...]:
        """Return the cut-offs a user may choose (the default alone when none are listed)."""
        return self.alternatives or (self.max_total,)


class AlgorithmRule(_Cited):
    """PHQ-9 diagnostic algorithm thresholds."""

    item_threshold: int
    item_thresholds: Mapping[int, int] = Field(default_factory=dict)
    core_items: tuple[int, ...]
    major_min_symptoms: int
    other_min_symptoms: int
    labels: Mapping[str, str]

    def threshold(self, item: int) -> int:
        """Return the answer at which 1-based ``item`` counts as a symptom."""
        return self.item_thresholds.get(item, self.item_threshold)


class Domain(_Row):
    """One QIDS symptom domain and its 1-based items."""

    id: str
    label: str
    items: tuple[int, ...] = Field(min_length=1)


class DomainRule(_Cited):
    """The QIDS domain structure."""

    domains: tuple[Domain, ...] = Field(min_length=1)


class RiskLevelRule(_Row):
    """One C-SSRS triage level: which yes answers (or which behaviour timing) trigger it."""

    id: Literal["low", "moderate", "high"]
    label: str
    items: tuple[int, ...] = ()
    behaviour: Literal["within_3_months", "older"] | None = None


class RiskRule(_Cited):
    """C-SSRS screener triage: skip logic and levels, highest first."""

    gate_item: int
    gated_items: tuple[int, ...]
    behaviour_item: int
    levels: tuple[RiskLevelRule, ...] = Field(min_length=1)
    none_label: str
    not_determinable_label: str


_OPTIONAL_RULES = ("screen", "response", "remission", "algorithm", "domain_rule", "risk")


class ScaleRules(_Row):
    """Every scoring rule of one instrument."""

    id: str
    codes: Codes
    missing: MissingRule
    bands: tuple[Band, ...] = ()
    tracks_change: bool = False
    screen: ScreenRule | None = None
    response: ResponseRule | None = None
    remission: RemissionRule | None = None
    algorithm: AlgorithmRule | None = None
    domain_rule: DomainRule | None = None
    risk: RiskRule | None = None

    def band_for(self, total: int) -> Band | None:
        """Return the band holding ``total``, or ``None`` when the instrument has no bands."""
        return next((b for b in self.bands if b.lower <= total <= b.upper), None)

    @model_validator(mode="after")
    def _drop_needs_change(self) -> ScaleRules:
        if self.response and self.response.kind == "percent_drop" and not self.tracks_change:
            raise ValueError(f"{self.id}: a percent_drop response needs tracks_change")
        return self

    def cited(self) -> list[_Cited]:
        """Return every rule of this instrument that cites a source."""
        optional = [getattr(self, name) for name in _OPTIONAL_RULES]
        return [self.codes, self.missing, *self.bands, *(r for r in optional if r is not None)]


class ScaleScoringTable(BaseModel):
    """The scoring rules of every instrument, by instrument id."""

    model_config = ConfigDict(frozen=True)

    header: TableHeader
    cite_as: Mapping[str, str]
    instruments: Mapping[str, ScaleRules]

    def __getitem__(self, instrument_id: str) -> ScaleRules:
        return self.instruments[instrument_id]

    def cite(self, source_key: str) -> str:
        """Return the short name a ``because`` text uses for ``source_key``."""
        return self.cite_as[source_key]


# Rules the scorers of these instruments cannot work without.
_REQUIRED = {"phq9": "algorithm", "qids_sr16": "domain_rule", "cssrs_screener": "risk"}


def _check_items(rules: ScaleRules, spec: InstrumentSpec) -> None:
    needed = _REQUIRED.get(rules.id)
    if needed and getattr(rules, needed) is None:
        raise KnowledgeError(f"{rules.id}: the {needed} rule is required")
    numbers: list[int] = list(rules.missing.never_imputed)
    if rules.algorithm:
        numbers += [*rules.algorithm.item_thresholds, *rules.algorithm.core_items]
    if rules.domain_rule:
        covered = sorted(i for d in rules.domain_rule.domains for i in d.items)
        if covered != list(range(1, spec.items + 1)):
            raise KnowledgeError(f"{rules.id}: domains must hold every item exactly once")
    if rules.risk:
        numbers += [rules.risk.gate_item, rules.risk.behaviour_item, *rules.risk.gated_items]
        numbers += [i for level in rules.risk.levels for i in level.items]
    if bad := sorted({n for n in numbers if not 1 <= n <= spec.items}):
        raise KnowledgeError(f"{rules.id}: item numbers {bad} do not exist ({spec.items} items)")


def _check_bands(rules: ScaleRules, spec: InstrumentSpec) -> None:
    if not rules.bands:
        return
    if spec.total_min is None or spec.total_max is None:
        raise KnowledgeError(f"{rules.id}: bands given for an instrument without a total")
    expected = spec.total_min
    for band in sorted(rules.bands, key=lambda b: b.lower):
        if band.lower != expected:
            raise KnowledgeError(f"{rules.id}: gap or overlap before band {band.id}")
        expected = band.upper + 1
    if expected - 1 != spec.total_max:
        raise KnowledgeError(f"{rules.id}: bands end at {expected - 1}, not {spec.total_max}")
    if len({b.id for b in rules.bands}) != len(rules.bands):
        raise KnowledgeError(f"{rules.id}: duplicate band id")


@cache
def load_scale_scoring() -> ScaleScoringTable:
    """Load and validate ``scale_scoring.yaml``.

    Returns
    -------
    ScaleScoringTable
        The scoring rules by instrument id, with the header and the citation names.

    Raises
    ------
    KnowledgeError
        When a rule cites an unknown source, bands leave a gap or overlap, an item number does
        not exist, or an instrument of ``instruments.yaml`` has no scoring rules.
    """
    header, body = read_yaml_table("scale_scoring.yaml")
    keys = header.source_keys()
    cite_as = dict(body["cite_as"])
    if set(cite_as) != keys:
        raise KnowledgeError("scale_scoring.yaml: cite_as must name every header source once")
    catalogue = load_instruments()
    table: dict[str, ScaleRules] = {}
    for instrument_id, raw in body["instruments"].items():
        rules = ScaleRules.model_validate({"id": instrument_id, **raw})
        if instrument_id not in catalogue.instruments:
            raise KnowledgeError(f"scale_scoring.yaml: unknown instrument {instrument_id!r}")
        if unknown := {r.source for r in rules.cited()} - keys:
            raise KnowledgeError(f"scale_scoring.yaml: {instrument_id} cites unknown {unknown}")
        _check_items(rules, catalogue[instrument_id])
        _check_bands(rules, catalogue[instrument_id])
        table[instrument_id] = rules
    if missing := set(catalogue.instruments) - set(table):
        raise KnowledgeError(f"scale_scoring.yaml: no scoring rules for {sorted(missing)}")
    return ScaleScoringTable(header=header, cite_as=cite_as, instruments=table)
