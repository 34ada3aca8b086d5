"""Loader for ``staging.yaml``: items, points and bands of the TRD staging models.

Every value cites a header source and carries a confidence tag. Beyond the row shapes
(``staging_models.py``) the loader refuses a table whose values could not be scored consistently:
stage chains that skip a number, bands with gaps or overlaps, Maudsley totals whose reachable
range differs from the total bands, or scale mappings that leave a valid total without a level.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.derived import per_table
from trdkit.knowledge.instruments import load_instruments
from trdkit.knowledge.staging_models import (
    Category,
    ChainStep,
    Cited,
    ClassGroup,
    EctRule,
    EuropeanRules,
    MaudsleyBand,
    MaudsleyRules,
    MghItem,
    MghSRules,
    SeverityLevel,
    ThaseRushRules,
)

__all__ = [
    "Category",
    "ChainStep",
    "ClassGroup",
    "EuropeanRules",
    "MaudsleyBand",
    "MaudsleyRules",
    "MghSRules",
    "SeverityLevel",
    "StagingTable",
    "ThaseRushRules",
    "load_staging_table",
]

_TABLE = "staging.yaml"


_JOINED: dict[tuple[int, tuple[str, ...]], tuple[TableHeader, str]] = {}


class StagingTable(BaseModel):
    """The staging models' rules with the table header and citation names."""

    model_config = ConfigDict(frozen=True)

    header: TableHeader
    cite_as: Mapping[str, str]
    groups: tuple[str, ...]
    class_groups: Mapping[str, ClassGroup]
    ect: EctRule
    thase_rush: ThaseRushRules
    european: EuropeanRules
    mgh_s: MghSRules
    maudsley: MaudsleyRules

    def cite(self, row: Cited) -> str:
        """Short citation of a row for ``because`` texts; uncertain rows say so."""
        tag = f" [{row.confidence}]" if row.confidence in ("U", "K") else ""
        return f"{self.cite_as[row.source]}{tag}"

    def citations(self, keys: tuple[str, ...]) -> str:
        """Full citations of ``keys``, for a breakdown's ``source``."""
        # Every staging model asks for the same few source tuples on every assessment; the
        # joined text depends on the frozen header only (kept alive by the entry, see per_table).
        header = self.header
        hit = _JOINED.get((id(header), keys))
        if hit is not None and hit[0] is header:
            return hit[1]
        by_key = _citation_by_key(header)
        text = " | ".join([by_key[k] for k in keys])
        if len(_JOINED) >= 64:
            _JOINED.clear()
        _JOINED[(id(header), keys)] = (header, text)
        return text

    def group_of(self, drug_class: str | None) -> ClassGroup | None:
        """Return the staging class of a catalogue drug class, or ``None`` when unmapped."""
        return None if drug_class is None else self.class_groups.get(drug_class)


@per_table
def _citation_by_key(header: TableHeader) -> Mapping[str, str]:
    # The header is frozen and loaded once: its key -> citation map is built once, not per stage.
    return MappingProxyType({s.key: s.citation for s in header.sources})


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _walk(item)


def _fail(message: str) -> KnowledgeError:
    return KnowledgeError(f"{_TABLE}: {message}")


def _check_sources(table: StagingTable) -> None:
    keys = table.header.source_keys()
    if set(table.cite_as) != keys:
        raise _fail("cite_as must name every header source once")
    models = (table.ect, table.thase_rush, table.european, table.mgh_s, table.maudsley)
    rows = [*table.class_groups.values(), *models]
    cited = {n.source for row in rows for n in _walk(row) if isinstance(n, Cited)}
    cited |= {k for m in models[1:] for k in getattr(m, "sources", ())}
    if unknown := cited - keys:
        raise _fail(f"unknown sources {sorted(unknown)}")


def _check_thase_rush(table: StagingTable) -> None:
    steps = table.thase_rush.stages
    if [s.stage for s in steps] != list(range(1, len(steps) + 1)):
        raise _fail("thase_rush stages must be numbered 1, 2, ... in order")
    if steps[0].needs != "any_class":
        raise _fail("thase_rush stage 1 must need any_class")
    for step in steps:
        if (step.needs == "class_group") != (step.group is not None):
            raise _fail(f"thase_rush stage {step.stage}: a group goes with class_group only")
        if step.group is not None and step.group not in table.groups:
            raise _fail(f"thase_rush stage {step.stage}: unknown group {step.group!r}")


def _check_european(rules: EuropeanRules) -> None:
    failures = [lv.failures for lv in rules.levels]
    if failures != list(range(1, len(failures) + 1)):
        raise _fail("european levels must map 1, 2, ... failures in order")
    if any(lv.min_weeks > lv.max_weeks for lv in rules.levels):
        raise _fail("european levels: min_weeks above max_weeks")


def _check_open_bands(name: str, bounds: list[float | None]) -> None:
    closed = bounds[:-1]
    if bounds[-1] is not None or None in closed:
        raise _fail(f"maudsley {name}: only the last band is open (null)")
    if closed != sorted({b for b in closed if b is not None}):
        raise _fail(f"maudsley {name}: bands must ascend")


def _check_maudsley(rules: MaudsleyRules) -> None:
    _check_open_bands("duration_bands", [b.max_months for b in rules.duration_bands])
    _check_open_bands("antidepressant_bands", [b.max_count for b in rules.antidepressant_bands])
    if len({s.level for s in rules.severity_levels}) != len(rules.severity_levels):
        raise _fail("maudsley severity_levels must name each level once")
    low, high = rules.total_range()
    expected = low
    for band in rules.total_bands:
        if band.lower != expected or band.upper < band.lower:
            raise _fail(f"maudsley total band {band.band}: gap or overlap")
        expected = band.upper + 1
    if expected - 1 != high:
        raise _fail(f"maudsley total bands end at {expected - 1}, items reach {high}")
    if (low, high) != (3, 15):
        raise _fail(f"maudsley totals span {low}-{high}; the MSM spans 3-15")
    if sorted(r.severity for r in rules.clinician_severity) != ["mild", "moderate", "severe"]:
        raise _fail("maudsley clinician_severity must map mild, moderate and severe once each")
    instruments = load_instruments()
    for scale in rules.scale_severity:
        if scale.instrument not in instruments.instruments:
            raise _fail(f"maudsley scale_severity: unknown instrument {scale.instrument!r}")
        spec = instruments[scale.instrument]
        nxt = spec.total_min
        if nxt is None:
            raise _fail(f"maudsley scale_severity: {scale.instrument} has no total")
        for rng in scale.ranges:
            if rng.lower != nxt or rng.upper < rng.lower:
                raise _fail(f"maudsley {scale.instrument} ranges: gap or overlap at {rng.lower}")
            nxt = rng.upper + 1
        if spec.total_max is None or nxt - 1 != spec.total_max:
            raise _fail(f"maudsley {scale.instrument} ranges must end at {spec.total_max}")


def _parse(header: TableHeader, body: dict[str, Any]) -> StagingTable:
    groups = tuple(body["groups"])
    rows = [ClassGroup.model_validate(r) for r in body["class_groups"]]
    if len({r.drug_class for r in rows}) != len(rows):
        raise _fail("class_groups: a drug class is mapped twice")
    if bad := sorted({r.group for r in rows} - set(groups)):
        raise _fail(f"class_groups: unknown groups {bad}")
    table = StagingTable(
        header=header,
        cite_as=dict(body["cite_as"]),
        groups=groups,
        class_groups={r.drug_class.value: r for r in rows},
        ect=EctRule.model_validate(body["ect"]),
        thase_rush=ThaseRushRules.model_validate(body["thase_rush"]),
        european=EuropeanRules.model_validate(body["european"]),
        mgh_s=MghSRules.model_validate(body["mgh_s"]),
        maudsley=MaudsleyRules.model_validate(body["maudsley"]),
    )
    if sorted(p.item for p in table.mgh_s.points) != sorted(get_args(MghItem)):
        raise _fail("mgh_s points must give each item once")
    return table


@cache
def load_staging_table() -> StagingTable:
    """Load and validate ``staging.yaml`` (once per process).

    Returns
    -------
    StagingTable
        The rules of the Thase-Rush, European, MGH-s and Maudsley staging models.

    Raises
    ------
    KnowledgeError
        When a value cites an unknown source, a stage chain or band list is inconsistent, or a
        row has the wrong shape.

    References
    ----------
    Thase & Rush 1997; Souery 1999; Fava 2003; Fekadu 2009; Fekadu 2018 (full citations in the
    table header).
    """
    header, body = read_yaml_table(_TABLE)
    try:
        table = _parse(header, body)
    except (KeyError, ValueError) as exc:
        raise _fail(f"invalid table: {exc}") from exc
    _check_sources(table)
    _check_thase_rush(table)
    _check_european(table.european)
    _check_maudsley(table.maudsley)
    return table
