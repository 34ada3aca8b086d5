"""Drug eras: a person's exposures to one drug joined into continuous spans of use.

An exposure that starts no more than ``gap_days`` after the latest end of the earlier exposures
of the same person and drug extends their era; a longer pause starts a new era. With the OMOP
default of 30 days this is how OMOP's ``drug_era`` table is built, so eras built here from
``drug_exposure`` match the CDM's own. An era is one treatment trial of the cohort path.

Besides its span, an era keeps what the exposures said about the trial: the highest daily dose
recorded (a trdkit choice, see ``docs/cohort-phenotyping.md``), the episode of its first exposure
and the outcome, improvement, adherence and role of its last one (the latest word on the trial).

References
----------
OHDSI. OMOP Common Data Model v5.3, DRUG_ERA (30-day persistence window).
"""

from __future__ import annotations

import polars as pl

from trdkit.cohort.tables import CohortData

__all__ = ["ERA_COLUMNS", "build_eras", "eras_for"]

ERA_COLUMNS = (
    "era_id",
    "person_id",
    "drug",
    "ingredient_concept_id",
    "start",
    "end",
    "last_start",
    "n_exposures",
    "dose",
    "outcome",
    "improvement_pct",
    "adherence",
    "role",
    "episode",
)
_CARRIED = ("outcome", "improvement_pct", "adherence", "role")
_OPTIONAL: dict[str, pl.DataType] = {
    "ingredient_concept_id": pl.Int64(),
    "dose": pl.Float64(),
    "outcome": pl.String(),
    "improvement_pct": pl.Float64(),
    "adherence": pl.String(),
    "role": pl.String(),
    "episode": pl.String(),
}


def build_eras(exposures: pl.DataFrame, gap_days: int) -> pl.DataFrame:
    """Join exposures into eras per person and drug.

    Parameters
    ----------
    exposures
        Rows with ``person_id``, ``drug``, ``start``, ``end`` and optionally ``dose``,
        ``ingredient_concept_id``, ``outcome``, ``improvement_pct``, ``adherence``, ``role``,
        ``episode`` (see ``tables.EXPOSURE_SCHEMA``).
    gap_days
        Longest pause (days from the latest end to the next start) that keeps one era.

    Returns
    -------
    polars.DataFrame
        One row per era with the columns of ``ERA_COLUMNS``; ``era_id`` numbers the eras
        0..n-1 in (person, drug, start) order; ``last_start`` is the start of the era's last
        exposure.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> d = dt.date
    >>> x = pl.DataFrame({"person_id": [1, 1, 1], "drug": ["sertraline"] * 3,
    ...                   "start": [d(2020, 1, 1), d(2020, 2, 15), d(2020, 6, 1)],
    ...                   "end": [d(2020, 1, 31), d(2020, 3, 15), d(2020, 6, 30)]})
    >>> [(str(a), str(b)) for a, b in build_eras(x, 30).select("start", "end").rows()]
    [('2020-01-01', '2020-03-15'), ('2020-06-01', '2020-06-30')]
    """
    frame = exposures
    for column, dtype in _OPTIONAL.items():
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    # Columns that hold nothing (OMOP has no outcome, dose or role) are neither sorted nor
    # aggregated; sorting on an integer code of the drug is much faster than on its text.
    empty = {c for c in _OPTIONAL if frame[c].null_count() == frame.height}
    frame = frame.select(
        "person_id",
        "drug",
        "start",
        "end",
        *(c for c in _OPTIONAL if c not in empty),
        pl.col("drug").cast(pl.Categorical).to_physical().alias("_drug"),
    )
    frame = frame.sort(["person_id", "_drug", "start", "end"])
    # Shift every (person, drug) group onto its own stretch of the day axis, so that one running
    # maximum over the whole sorted frame never carries an end date from one group into the next.
    first = (pl.col("person_id") != pl.col("person_id").shift(1)) | (
        pl.col("_drug") != pl.col("_drug").shift(1)
    )
    group = first.fill_null(True).cum_sum().cast(pl.Int64)
    stride = pl.lit(1 << 24, dtype=pl.Int64)  # > 45,000 years of days
    day = pl.col("start").cast(pl.Int64) + group * stride
    reach = (pl.col("end").cast(pl.Int64) + group * stride).cum_max().shift(1)
    new_era = first.fill_null(True) | (day > reach + gap_days)
    frame = frame.with_columns((new_era.cum_sum() - 1).cast(pl.Int64).alias("era_id"))
    # A running count never decreases: telling polars so lets it group by slices of rows.
    frame = frame.with_columns(pl.col("era_id").set_sorted())
    optional = {
        "ingredient_concept_id": pl.col("ingredient_concept_id").first(),
        "dose": pl.col("dose").max(),
        **{c: pl.col(c).drop_nulls().last() for c in _CARRIED},
        "episode": pl.col("episode").drop_nulls().first(),
    }
    eras = (
        frame.with_columns(pl.col("drug").cast(pl.Categorical))
        .group_by("era_id", maintain_order=True)
        .agg(
            pl.col("person_id").first(),
            pl.col("drug").first(),
            pl.col("start").min(),
            pl.col("end").max(),
            pl.col("start").max().alias("last_start"),
            pl.len().cast(pl.Int64).alias("n_exposures"),
            *(expr for name, expr in optional.items() if name not in empty),
        )
    )
    return eras.with_columns(
        pl.col("person_id").set_sorted(),  # era_id order is (person, drug, start) order
        pl.col("drug").cast(pl.String),
        *(pl.lit(None, dtype=_OPTIONAL[c]).alias(c) for c in sorted(empty)),
    ).select(ERA_COLUMNS)


def eras_for(data: CohortData, gap_days: int, *, omop_gap_days: int = 30) -> pl.DataFrame:
    """Eras of a cohort: OMOP's own ``drug_era`` when present and the gap is OMOP's, else built.

    Parameters
    ----------
    data
        The cohort.
    gap_days
        The era gap wanted.
    omop_gap_days
        The gap OMOP's ``drug_era`` was built with (30 days by convention).

    Returns
    -------
    polars.DataFrame
        Eras with the columns of ``ERA_COLUMNS``.
    """
    if data.drug_eras is not None and gap_days == omop_gap_days:
        given = data.drug_eras.sort(["person_id", "drug", "start"])
        nulls = {
            "dose": pl.Float64,
            "outcome": pl.String,
            "improvement_pct": pl.Float64,
            "adherence": pl.String,
            "role": pl.String,
            "episode": pl.String,
        }
        return given.with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("era_id"),
            pl.col("start").alias("last_start"),
            pl.lit(1, dtype=pl.Int64).alias("n_exposures"),
            *(pl.lit(None, dtype=t).alias(c) for c, t in nulls.items()),
        ).select(ERA_COLUMNS)
    return build_eras(data.exposures, gap_days)
