"""The scoring table: bands row by row, coverage, codes, and the loader's refusals."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from scales_strategies import make

from trdkit.knowledge._table import KnowledgeError
from trdkit.knowledge.instruments import load_instruments
from trdkit.knowledge.scale_scoring import (
    Band,
    Codes,
    RemissionRule,
    ScaleRules,
    _check_bands,
    load_scale_scoring,
)
from trdkit.scales import score_scales

TABLE = load_scale_scoring()
BAND_ROWS = [
    pytest.param(instrument, band, id=f"{instrument}-{band.id}")
    for instrument, rules in TABLE.instruments.items()
    for band in rules.bands
]


@pytest.mark.parametrize(("instrument", "band"), BAND_ROWS)
def test_band_row__both_bounds_score_into_the_row(instrument: str, band: Band) -> None:
    for total in (band.lower, band.upper):
        (result,) = score_scales([make(instrument, total=total)])
        assert (result.band, result.band_label) == (band.id, band.label)


@pytest.mark.parametrize(("instrument", "band"), BAND_ROWS)
def test_band_row__neighbours_outside_the_row_score_elsewhere(instrument: str, band: Band) -> None:
    spec = load_instruments()[instrument]
    assert spec.total_min is not None and spec.total_max is not None
    for total in (band.lower - 1, band.upper + 1):
        if spec.total_min <= total <= spec.total_max:
            (result,) = score_scales([make(instrument, total=total)])
            assert result.band != band.id


@pytest.mark.parametrize("instrument", [i for i, r in TABLE.instruments.items() if r.bands])
def test_bands__cover_the_total_range_once(instrument: str) -> None:
    spec = load_instruments()[instrument]
    rules = TABLE[instrument]
    assert spec.total_min is not None and spec.total_max is not None
    for total in range(spec.total_min, spec.total_max + 1):
        assert sum(b.lower <= total <= b.upper for b in rules.bands) == 1


def test_table__every_instrument_has_rules_and_every_rule_a_known_source() -> None:
    assert set(TABLE.instruments) == set(load_instruments().instruments)
    keys = TABLE.header.source_keys()
    for rules in TABLE.instruments.values():
        assert {row.source for row in rules.cited()} <= keys


@pytest.mark.parametrize(
    ("instrument", "result", "panel", "confidence"),
    [
        ("phq9", "44261-6", "44249-1", "V"),
        ("phq2", "55758-7", "55757-9", "S"),
        ("gad7", "70274-6", "69737-5", "S"),
        ("cssrs_screener", "93374-7", "93373-9", "S"),
    ],
)
def test_codes__loinc_as_the_reference_gives(
    instrument: str, result: str, panel: str, confidence: str
) -> None:
    codes = TABLE[instrument].codes
    assert (codes.system, codes.result, codes.panel, codes.confidence) == (
        "loinc",
        result,
        panel,
        confidence,
    )


@pytest.mark.parametrize(
    "instrument", ["qids_sr16", "hamd17", "madrs", "cgi_s", "cgi_i", "mdq", "hcl32"]
)
def test_codes__unverified_instruments_use_the_local_system(instrument: str) -> None:
    codes = TABLE[instrument].codes
    assert (codes.system, codes.result, codes.confidence) == ("local", None, "U")
    assert score_scales([make(instrument, total=1)])[0].loinc is None


def test_table__cut_offs_and_confidence_as_published() -> None:
    assert TABLE["phq2"].screen is not None and TABLE["phq2"].screen.min_total == 3
    mdq = TABLE["mdq"].screen
    assert mdq is not None and (mdq.min_total, mdq.confidence) == (7, "V")
    assert mdq.same_period_required and set(mdq.problem_levels) == {"moderate", "serious"}
    hcl = TABLE["hcl32"].screen
    assert hcl is not None and (hcl.min_total, hcl.source, hcl.confidence) == (14, "angst2005", "V")
    bi = TABLE["bipolarity_index"].screen
    assert bi is not None and bi.min_total == 50
    madrs = TABLE["madrs"].remission
    assert madrs is not None and (madrs.max_total, madrs.allowed()) == (10, (10, 12))
    remission = {i: TABLE[i].remission for i in ("phq9", "qids_sr16", "hamd17")}
    assert {i: r.max_total for i, r in remission.items() if r} == {
        "phq9": 4,
        "qids_sr16": 5,
        "hamd17": 7,
    }


def test_band__lower_above_upper_is_refused() -> None:
    with pytest.raises(ValidationError):
        Band(id="x", lower=5, upper=4, label="X", source="s", confidence="V")


def test_codes__local_system_with_a_code_is_refused() -> None:
    with pytest.raises(ValidationError):
        Codes(system="local", result="1-1", source="s", confidence="U")


def test_remission__default_outside_its_alternatives_is_refused() -> None:
    with pytest.raises(ValidationError):
        RemissionRule(max_total=11, alternatives=(10, 12), source="s", confidence="S")


def test_check_bands__a_gap_is_refused() -> None:
    raw = TABLE["phq9"].model_dump()
    raw["bands"] = [b for b in raw["bands"] if b["id"] != "mild"]
    with pytest.raises(KnowledgeError, match="gap or overlap"):
        _check_bands(ScaleRules.model_validate(raw), load_instruments()["phq9"])


def test_check_bands__a_short_range_is_refused() -> None:
    raw = TABLE["phq9"].model_dump()
    raw["bands"][-1]["upper"] = 26
    with pytest.raises(KnowledgeError, match="end at"):
        _check_bands(ScaleRules.model_validate(raw), load_instruments()["phq9"])
