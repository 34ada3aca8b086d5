"""One frame helper shared by the phenotyping steps: grouping by person at the right speed."""

from __future__ import annotations

import polars as pl
from polars.dataframe.group_by import GroupBy

__all__ = ["group_by_person"]


def group_by_person(frame: pl.DataFrame) -> GroupBy:
    """Group ``frame`` by ``person_id``.

    Eras are built in person order and most steps keep it; when the rows are in that order
    (checked, never assumed), polars is told so and groups by slices instead of hashing, which is
    several times faster on millions of rows. The groups are the same either way.
    """
    if frame.height and frame["person_id"].is_sorted():
        flagged = frame.with_columns(pl.col("person_id").set_sorted())
        return flagged.group_by("person_id", maintain_order=True)
    return frame.group_by("person_id")
