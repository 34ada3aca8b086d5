"""Property tests per instrument: ranges, bands, proration, and undecided-when-missing rules.

Oracles here are written independently of the scorers, straight from the published rules
(PHQ manual, Rush 2003 domains, C-SSRS triage), so a shared mistake is unlikely.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

from hypothesis import given
from hypothesis import strategies as st
from scales_strategies import (
    bipolarity_administrations,
    item_administrations,
    item_answers,
    item_max,
    make,
    total_administrations,
)

from trdkit.knowledge.instruments import load_instruments
from trdkit.knowledge.scale_scoring import load_scale_scoring
from trdkit.record.scale_models import ScaleAdministration
from trdkit.scales import ScaleResult, score_scales

SUMMED = ["phq9", "phq2", "gad7", "hamd17", "madrs", "hcl32", "mdq"]
WITH_TOTALS = [i for i, s in load_instruments().instruments.items() if s.accepts_total]
QIDS_DOMAINS = [[1, 2, 3, 4], [5], [6, 7, 8, 9], [10], [11], [12], [13], [14], [15, 16]]


def one(adm: ScaleAdministration) -> ScaleResult:
    (result,) = score_scales([adm])
    return result


def in_range(instrument: str, total: int) -> bool:
    spec = load_instruments()[instrument]
    assert spec.total_min is not None and spec.total_max is not None
    return spec.total_min <= total <= spec.total_max


def fills(items: list[int | None], tops: tuple[int, ...]) -> list[list[int]]:
    """Every completion of the missing answers."""
    gaps = [i for i, v in enumerate(items) if v is None]
    out = []
    for values in product(*(range(tops[i] + 1) for i in gaps)):
        done = list(items)
        for i, v in zip(gaps, values, strict=True):
            done[i] = v
        out.append([v for v in done if v is not None])
    return out


def phq9_oracle(items: list[int]) -> str:
    counted = [n for n, v in enumerate(items, start=1) if v >= (1 if n == 9 else 2)]
    if 1 not in counted and 2 not in counted:
        return "none"
    if len(counted) >= 5:
        return "major_depressive_syndrome"
    return "other_depressive_syndrome" if len(counted) >= 2 else "none"


@given(st.sampled_from(SUMMED).flatmap(item_administrations))
def test_summed__complete_items_sum_within_range(adm: ScaleAdministration) -> None:
    result = one(adm)
    assert adm.items is not None and result.total == sum(v or 0 for v in adm.items)
    assert in_range(adm.instrument.value, result.total)
    assert result.valid and not result.prorated and result.items_assessed
    assert (result.band is not None) == bool(load_scale_scoring()[adm.instrument.value].bands)


@given(item_administrations("qids_sr16"))
def test_qids__complete_items_follow_the_domain_maximum(adm: ScaleAdministration) -> None:
    assert adm.items is not None
    items = [v or 0 for v in adm.items]
    expected = sum(max(items[i - 1] for i in domain) for domain in QIDS_DOMAINS)
    result = one(adm)
    assert result.total == expected and 0 <= expected <= 27 and result.band is not None


@given(st.sampled_from(WITH_TOTALS).flatmap(total_administrations))
def test_totals__every_total_in_range_gets_a_band_when_the_instrument_has_bands(
    adm: ScaleAdministration,
) -> None:
    result = one(adm)
    rules = load_scale_scoring()[adm.instrument.value]
    assert result.total == adm.total and not result.items_assessed
    if rules.bands:
        band = rules.band_for(result.total)
        assert band is not None and result.band == band.id


@given(st.sampled_from(WITH_TOTALS), st.data())
def test_bands__monotone_in_total(instrument: str, data: st.DataObject) -> None:
    rules = load_scale_scoring()[instrument]
    spec = load_instruments()[instrument]
    assert spec.total_min is not None and spec.total_max is not None
    low = data.draw(st.integers(spec.total_min, spec.total_max))
    high = data.draw(st.integers(low, spec.total_max))
    order = [b.id for b in sorted(rules.bands, key=lambda b: b.lower)]
    a, b = one(make(instrument, total=low)), one(make(instrument, total=high))
    if order:
        assert a.band is not None and b.band is not None
        assert order.index(a.band) <= order.index(b.band)


@given(st.sampled_from(["phq9", "gad7"]), st.data())
def test_proration__up_to_two_missing_prorates_half_up(
    instrument: str, data: st.DataObject
) -> None:
    items = data.draw(item_answers(instrument, min_missing=1, max_missing=2))
    result = one(make(instrument, items=items))
    answered = [v for v in items if v is not None]
    exact = Fraction(sum(answered) * len(items), len(answered))
    assert result.prorated and result.valid
    assert result.total == int(exact + Fraction(1, 2))  # half up: floor(x + 0.5), x >= 0
    assert in_range(instrument, result.total)
    assert result.missing_items == [i for i, v in enumerate(items, start=1) if v is None]


@given(st.sampled_from(["phq9", "gad7"]), st.data())
def test_proration__more_than_two_missing_is_invalid(instrument: str, data: st.DataObject) -> None:
    items = data.draw(item_answers(instrument, min_missing=3, max_missing=None))
    result = one(make(instrument, items=items))
    assert (result.total, result.band, result.valid, result.prorated) == (None, None, False, False)


@given(st.sampled_from(["phq2", "hamd17", "madrs", "hcl32"]), st.data())
def test_no_proration__any_missing_item_is_invalid(instrument: str, data: st.DataObject) -> None:
    items = data.draw(item_answers(instrument, min_missing=1, max_missing=None))
    result = one(make(instrument, items=items))
    assert (result.total, result.valid, result.prorated) == (None, False, False)


@given(item_answers("phq9", max_missing=3))
def test_phq9__algorithm_decided_only_when_no_completion_could_change_it(
    items: list[int | None],
) -> None:
    result = one(make("phq9", items=items))
    outcomes = {phq9_oracle(done) for done in fills(items, item_max("phq9"))}
    if len(outcomes) == 1:
        assert result.algorithm == outcomes.pop()
    else:
        assert result.algorithm == "undetermined"
    assert result.item9 == items[8]


@given(item_answers("phq9", max_missing=1).map(lambda items: [*items[:8], None]))
def test_phq9__missing_item9_is_never_imputed(items: list[int | None]) -> None:
    result = one(make("phq9", items=items))
    assert result.item9 is None
    assert any("item 9 missing" in b for b in result.because)
    outcomes = {phq9_oracle(done) for done in fills(items, item_max("phq9"))}
    assert result.algorithm == (outcomes.pop() if len(outcomes) == 1 else "undetermined")


@given(st.sampled_from(["phq2", "gad7"]), st.data())
def test_screens__decided_only_when_every_completion_agrees(
    instrument: str, data: st.DataObject
) -> None:
    items = data.draw(item_answers(instrument, max_missing=3))
    screen = load_scale_scoring()[instrument].screen
    assert screen is not None
    result = one(make(instrument, items=items))
    if result.prorated:  # the prorated total decides, as it does for the band
        assert result.total is not None and result.positive == (result.total >= screen.min_total)
        return
    verdicts = {sum(done) >= screen.min_total for done in fills(items, item_max(instrument))}
    assert result.positive == (verdicts.pop() if len(verdicts) == 1 else None)


@given(item_answers("hcl32", max_missing=None))
def test_hcl32__screen_bounds(items: list[int | None]) -> None:
    result = one(make("hcl32", items=items))
    yes, missing = sum(v or 0 for v in items), items.count(None)
    expected = True if yes >= 14 else False if yes + missing < 14 else None
    assert result.positive is expected


@given(item_administrations("mdq", max_missing=None))
def test_mdq__missing_counts_as_no(adm: ScaleAdministration) -> None:
    result = one(adm)
    assert adm.items is not None and result.total == sum(v or 0 for v in adm.items)
    assert result.valid
    if result.total < 7 or adm.same_period is False:
        assert result.positive is False


def cssrs_oracle(q: list[int], recent: bool | None) -> str:
    """Triage as stated in the screener guide (highest level triggered)."""
    asked = q[1] == 1  # Q3-Q5 only follow a "yes" to Q2
    if (asked and (q[3] or q[4])) or (q[5] and recent is True):
        return "high"
    if (asked and q[2]) or (q[5] and recent is False):
        return "moderate"
    return "low" if q[0] or q[1] else "none"


@given(item_administrations("cssrs_screener", max_missing=None))
def test_cssrs__level_decided_only_when_every_completion_agrees(adm: ScaleAdministration) -> None:
    assert adm.items is not None
    recents = [adm.behaviour_past_3_months]
    if adm.behaviour_past_3_months is None:
        recents = [True, False]
    levels = {
        cssrs_oracle(done, recent if done[5] else None)
        for done in fills(adm.items, item_max("cssrs_screener"))
        for recent in recents
    }
    result = one(adm)
    assert result.total is None
    assert result.risk_level == (levels.pop() if len(levels) == 1 else "not_determinable")


@given(bipolarity_administrations())
def test_bipolarity_index__sum_of_domains(adm: ScaleAdministration) -> None:
    assert adm.domains is not None
    total = sum(adm.domains.model_dump().values())
    result = one(adm)
    assert result.total == total and 0 <= total <= 100 and result.positive == (total >= 50)


@given(st.lists(st.tuples(st.integers(0, 27), st.integers(0, 400)), min_size=1, max_size=6))
def test_series__change_and_response_follow_the_baseline(pairs: list[tuple[int, int]]) -> None:
    import datetime as dt

    start = dt.date(2024, 1, 1)
    adms = [make("phq9", start + dt.timedelta(days=d), total=t) for t, d in pairs]
    results = score_scales(adms)
    first = min(range(len(adms)), key=lambda i: adms[i].date)  # min keeps the first on a tie
    base = adms[first].total
    assert base is not None
    for i, (adm, result) in enumerate(zip(adms, results, strict=True)):
        assert result.date == adm.date and result.remission == (
            adm.total is not None and adm.total <= 4
        )
        if i == first or base == 0:
            assert result.change_from_baseline_pct is None and result.response is None
        else:
            assert adm.total is not None
            assert result.change_from_baseline_pct == round((adm.total - base) / base * 100, 1)
            assert result.response == (adm.total * 2 <= base)
