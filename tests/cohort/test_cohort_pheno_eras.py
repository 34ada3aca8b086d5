"""Drug eras: exposures joined across gaps up to the era gap, per person and drug."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from trdkit.cohort.eras import build_eras, eras_for
from trdkit.cohort.pheno_omop import read_omop

D = dt.date
BASE = D(2020, 1, 1)


def _exposures(rows: list[tuple[int, str, int, int]], **extra: list[object]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "drug": [r[1] for r in rows],
            "start": [BASE + dt.timedelta(days=r[2]) for r in rows],
            "end": [BASE + dt.timedelta(days=r[3]) for r in rows],
            **extra,
        }
    )


def _spans(eras: pl.DataFrame) -> list[tuple[int, str, int, int]]:
    return sorted(
        (p, d, (s - BASE).days, (e - BASE).days)
        for p, d, s, e in eras.select("person_id", "drug", "start", "end").rows()
    )


def test_build_eras__a_gap_of_30_days_joins_and_31_splits() -> None:
    x = _exposures(
        [(1, "sertraline", 0, 30), (1, "sertraline", 60, 90), (1, "sertraline", 122, 150)]
    )
    # 60 - 30 = 30 days apart: one era; 122 - 90 = 32 days apart: a new era.
    assert _spans(build_eras(x, 30)) == [(1, "sertraline", 0, 90), (1, "sertraline", 122, 150)]
    assert _spans(build_eras(x, 0)) == [
        (1, "sertraline", 0, 30),
        (1, "sertraline", 60, 90),
        (1, "sertraline", 122, 150),
    ]


def test_build_eras__drugs_and_people_never_share_an_era() -> None:
    x = _exposures([(1, "sertraline", 0, 30), (1, "citalopram", 10, 40), (2, "sertraline", 20, 50)])
    assert _spans(build_eras(x, 30)) == [
        (1, "citalopram", 10, 40),
        (1, "sertraline", 0, 30),
        (2, "sertraline", 20, 50),
    ]


def test_build_eras__a_long_exposure_covers_later_short_ones() -> None:
    # The second exposure ends early, but the first still runs: the third joins the first.
    x = _exposures(
        [(1, "sertraline", 0, 100), (1, "sertraline", 5, 10), (1, "sertraline", 120, 130)]
    )
    eras = build_eras(x, 30)
    assert _spans(eras) == [(1, "sertraline", 0, 130)]
    assert eras["n_exposures"].to_list() == [3]
    assert eras["last_start"].to_list() == [BASE + dt.timedelta(days=120)]


def test_build_eras__keeps_the_highest_dose_and_the_last_outcome() -> None:
    x = _exposures(
        [(1, "venlafaxine", 0, 30), (1, "venlafaxine", 31, 60), (1, "venlafaxine", 61, 90)],
        dose=[75.0, 150.0, 112.5],
        outcome=["ongoing", None, "no_response"],
        episode=["current", "prior", None],
    )
    row = build_eras(x, 30).row(0, named=True)
    assert row["dose"] == 150.0
    assert row["outcome"] == "no_response"
    assert row["episode"] == "current"  # the episode of the era's first exposure


def _naive(rows: list[tuple[int, str, int, int]], gap: int) -> list[tuple[int, str, int, int]]:
    out: list[tuple[int, str, int, int]] = []
    for key in sorted({(p, d) for p, d, _, _ in rows}):
        spans = sorted((s, e) for p, d, s, e in rows if (p, d) == key)
        start, end = spans[0]
        for s, e in spans[1:]:
            if s <= end + gap:
                end = max(end, e)
            else:
                out.append((*key, start, end))
                start, end = s, e
        out.append((*key, start, end))
    return sorted(out)


_ROW = st.tuples(
    st.integers(-3, 3), st.sampled_from(["sertraline", "lithium", "x"]), st.integers(0, 400)
).flatmap(lambda t: st.tuples(*(st.just(v) for v in t), st.integers(t[2], t[2] + 90)))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(_ROW, min_size=1, max_size=25), gap=st.sampled_from([0, 14, 30, 182]))
def test_build_eras__matches_a_plain_python_era_builder(
    rows: list[tuple[int, str, int, int]], gap: int
) -> None:
    assert _spans(build_eras(_exposures(rows), gap)) == _naive(rows, gap)


def test_eras_for__reproduces_the_mimic_etl_drug_era_from_drug_exposure(shared_dir: Path) -> None:
    demo = shared_dir / "data" / "omop-mimic-demo"
    data = read_omop(demo / "cdm", demo / "vocab_subset")
    assert data.drug_eras is not None
    built = build_eras(data.exposures, 30)
    keys = ["person_id", "ingredient_concept_id", "start", "end"]
    ingredients = data.exposures["ingredient_concept_id"].unique().implode()
    etl = data.drug_eras.filter(pl.col("ingredient_concept_id").is_in(ingredients))
    # The ETL built its drug_era with OMOP's 30-day rule; ours, from the exposures, matches it.
    assert built.height == etl.height > 100
    assert built.select(keys).join(etl.select(keys), on=keys, how="anti").is_empty()
    # With the 30-day gap the CDM's own table is used; another gap builds eras afresh.
    assert eras_for(data, 30).height == data.drug_eras.height
    assert eras_for(data, 14).height >= built.height
