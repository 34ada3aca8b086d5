"""The staging knowledge table: published values, tags on local choices, refused tables."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from trdkit.knowledge import KnowledgeError, read_yaml_table
from trdkit.knowledge import staging as staging_module
from trdkit.knowledge.drugs import DrugKind, load_drug_catalogue
from trdkit.knowledge.staging import load_staging_table
from trdkit.knowledge.staging_models import Cited

TABLE = load_staging_table()


def _cited_rows(value: Any) -> list[Cited]:
    found: list[Cited] = []
    if isinstance(value, Cited):
        found.append(value)
    if hasattr(type(value), "model_fields"):
        for name in type(value).model_fields:
            found += _cited_rows(getattr(value, name))
    elif isinstance(value, tuple | list):
        for item in value:
            found += _cited_rows(item)
    return found


ALL_ROWS = _cited_rows([TABLE.ect, TABLE.thase_rush, TABLE.european, TABLE.mgh_s, TABLE.maudsley])


def test_staging_table__every_antidepressant_class_has_a_staging_class() -> None:
    classes = {
        d.drug_class.value
        for d in load_drug_catalogue().drugs.values()
        if d.kind is DrugKind.ANTIDEPRESSANT
    }
    # Esketamine and ketamine are rapid-acting procedures, not classes of these 1997-2009 models.
    assert classes - set(TABLE.class_groups) == {"nmda_antagonist"}
    for name in ("ssri", "snri", "tca", "maoi"):
        assert TABLE.class_groups[name].group == name
        assert TABLE.class_groups[name].confidence == "V"


def test_staging_table__local_choices_are_tagged_uncertain() -> None:
    rows = ALL_ROWS + list(TABLE.class_groups.values())
    local = [row for row in rows if row.source == "trdkit_staging"]
    assert local, "the table should carry its interpretive choices"
    assert all(row.confidence == "U" for row in local)
    assert all(row.source in TABLE.cite_as for row in rows)


def test_staging_table__maudsley_values_are_the_published_ones() -> None:
    msm = TABLE.maudsley
    assert [(b.max_months, b.points) for b in msm.duration_bands] == [(12, 1), (24, 2), (None, 3)]
    assert [s.points for s in msm.severity_levels] == [1, 2, 3, 4, 5]
    assert [(b.max_count, b.points) for b in msm.antidepressant_bands] == [
        (2, 1), (4, 2), (6, 3), (10, 4), (None, 5),
    ]  # fmt: skip
    assert [(b.band, b.lower, b.upper) for b in msm.total_bands] == [
        ("mild", 3, 6), ("moderate", 7, 10), ("severe", 11, 15),
    ]  # fmt: skip
    assert msm.scale_severity[0].confidence == "U"


def test_staging_table__dm_trd_is_left_out_and_says_why() -> None:
    _, body = read_yaml_table("staging.yaml")
    assert not any("dm" in key.lower() for key in body)
    assert any("DM-TRD" in note and "could not be verified" in note for note in TABLE.header.notes)


def _load_with(monkeypatch: pytest.MonkeyPatch, change: Callable[[dict[str, Any]], None]) -> None:
    header, body = read_yaml_table("staging.yaml")
    body = copy.deepcopy(body)
    change(body)
    monkeypatch.setattr(staging_module, "read_yaml_table", lambda _path: (header, body))
    staging_module.load_staging_table.__wrapped__()


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        node = body
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["thase_rush", "stages", 2, "stage"], 4), "numbered"),
        (_set(["thase_rush", "stages", 2, "group"], "tetracyclic"), "unknown group"),
        (_set(["maudsley", "total_bands", 1, "lower"], 6), "gap or overlap"),
        (_set(["maudsley", "total_bands", 2, "upper"], 14), "end at 14"),
        (_set(["maudsley", "ect_points", "value"], 2), "items reach 16"),
        (_set(["maudsley", "scale_severity", 1, "ranges", 1, "lower"], 9), "hamd17 ranges"),
        (_set(["maudsley", "duration_bands", 0, "max_months"], None), "only the last band"),
        (_set(["european", "levels", 2, "failures"], 4), "1, 2, ... failures"),
        (_set(["mgh_s", "points", 4, "item"], "dose_optimisation"), "each item once"),
        (_set(["class_groups", 0, "source"], "nobody2020"), "unknown sources"),
        (_set(["class_groups", 0, "group"], "newer"), "unknown groups"),
        (_set(["maudsley", "clinician_severity", 0, "severity"], "moderate"), "mild, moderate"),
        (_set(["ect", "min_sessions", "value"], -1), "invalid table"),
    ],
)
def test_load_staging_table__refuses_inconsistent_tables(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(KnowledgeError, match=message):
        _load_with(monkeypatch, change)


def test_load_staging_table__packaged_table_loads_once() -> None:
    assert load_staging_table() is TABLE
    assert TABLE.cite(TABLE.class_groups["rima"]) == "trdkit choice [U]"
    assert TABLE.citations(("fava2003",)).startswith("Fava M. Diagnosis and definition")
