"""OMOP CDM read from a database by URL gives exactly the patients of the folder path (MIMIC)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from cohort_omop_db import OMOP_VOCAB_FILES, load_csv, load_folder, postgres_url_or_fail
from typer.testing import CliRunner

from trdkit.cli import app
from trdkit.cohort.pheno_io import CohortInputError
from trdkit.cohort.pheno_omop_db import DatabaseTables, read_omop_db

runner = CliRunner()
POLICIES = ("ema_2013", "ohdsi_1009")


def _demo(shared_dir: Path) -> Path:
    return shared_dir / "data" / "omop-mimic-demo"


def _phenotype(args: list[str], prefix: Path, policy: str) -> str:
    result = runner.invoke(
        app, ["cohort", "phenotype", *args, "--policy", policy, "--out", str(prefix)]
    )
    assert result.exit_code == 0, result.output
    return Path(f"{prefix}.patients.tsv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def folder_tables(
    tmp_path_factory: pytest.TempPathFactory, shared_dir_module: Path
) -> dict[str, str]:
    demo = _demo(shared_dir_module)
    out = tmp_path_factory.mktemp("omop_dir")
    args = ["--omop", str(demo / "cdm"), "--vocab", str(demo / "vocab_subset")]
    return {p: _phenotype(args, out / p, p) for p in POLICIES}


@pytest.fixture(scope="module")
def shared_dir_module() -> Path:
    shared = Path(__file__).resolve().parents[2].parent / "shared"
    if not shared.exists():
        pytest.fail(f"shared/ not found beside the project at {shared}")
    return shared


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory, shared_dir_module: Path) -> str:
    demo = _demo(shared_dir_module)
    path = tmp_path_factory.mktemp("omop_sqlite") / "mimic.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    load_folder(engine, demo / "cdm")
    load_folder(engine, demo / "vocab_subset", only=OMOP_VOCAB_FILES)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def postgres_schemas(shared_dir_module: Path) -> Iterator[tuple[str, str, str]]:
    url = postgres_url_or_fail()
    demo = _demo(shared_dir_module)
    tag = uuid.uuid4().hex[:8]
    cdm, vocab = f"omop_{tag}", f"vocab_{tag}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {cdm}"))
        conn.execute(sa.text(f"CREATE SCHEMA {vocab}"))
    try:
        load_folder(engine, demo / "cdm", schema=cdm)
        load_folder(engine, demo / "vocab_subset", schema=vocab, only=OMOP_VOCAB_FILES)
        yield url, cdm, vocab
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {cdm} CASCADE"))
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {vocab} CASCADE"))
        engine.dispose()


@pytest.mark.parametrize("policy", POLICIES)
def test_cohort_phenotype__sqlite_url_gives_the_folder_patients_exactly(
    sqlite_url: str, folder_tables: dict[str, str], tmp_path: Path, policy: str
) -> None:
    got = _phenotype(["--omop-url", sqlite_url], tmp_path / "db", policy)
    assert got.count("\n") == 101
    assert got == folder_tables[policy]


@pytest.mark.parametrize("policy", POLICIES)
def test_cohort_phenotype__postgres_schemas_give_the_folder_patients_exactly(
    postgres_schemas: tuple[str, str, str],
    folder_tables: dict[str, str],
    tmp_path: Path,
    policy: str,
) -> None:
    url, cdm, vocab = postgres_schemas
    args = ["--omop-url", url, "--omop-schema", cdm, "--vocab-schema", vocab]
    got = _phenotype(args, tmp_path / "pg", policy)
    assert got == folder_tables[policy]


def test_read_omop_db__small_batches_keep_64_bit_ids_and_every_row(
    sqlite_url: str, tmp_path: Path
) -> None:
    one = read_omop_db(sqlite_url)
    tiny = read_omop_db(sqlite_url, batch_rows=997)
    for name in ("persons", "exposures", "conditions", "drug_eras", "concept_ancestor"):
        assert getattr(tiny, name).equals(getattr(one, name)), name
    ids = one.persons["person_id"]
    assert ids.dtype == pl.Int64 and ids.abs().max() > 2**62  # type: ignore[operator]


def test_database_tables__measurement_read_in_batches_with_exact_types(tmp_path: Path) -> None:
    csv = tmp_path / "measurement.csv"
    csv.write_text(
        "MEASUREMENT_ID,person_id,measurement_concept_id,measurement_date,value_as_number,"
        "unit_concept_id\n"
        "1,-9223372036854775807,3020891,2150-01-02,12.5,8840\n"
        "2,9223372036854775807,3020891,2150-01-03,,\n"
        "3,5,3004410,2150-02-01,6.25,8554\n"
    )
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    engine = sa.create_engine(url)
    load_csv(engine, csv, "MEASUREMENT")
    with engine.begin() as conn:
        for name in ("person", "drug_exposure", "condition_occurrence", "observation_period"):
            conn.execute(sa.text(f"CREATE TABLE {name} (person_id BIGINT)"))
        conn.execute(sa.text("CREATE TABLE concept (concept_id BIGINT)"))
        conn.execute(
            sa.text(
                "CREATE TABLE concept_ancestor (ancestor_concept_id BIGINT, "
                "descendant_concept_id BIGINT)"
            )
        )
    engine.dispose()
    tables = DatabaseTables(url, batch_rows=2)
    assert tables.has("measurement") and not tables.has("visit_occurrence")
    frame = tables.read(
        "measurement",
        {"person_id": "int64", "measurement_date": "date", "value_as_number": "float"},
        ["person_id", "measurement_date"],
    )
    assert tables.rows_read["measurement"] == 3
    assert frame["person_id"].to_list() == [-(2**63) + 1, 2**63 - 1, 5]
    assert frame["measurement_date"].cast(pl.String).to_list() == [
        "2150-01-02",
        "2150-01-03",
        "2150-02-01",
    ]
    assert frame["value_as_number"].to_list() == [12.5, None, 6.25]
    with pytest.raises(CohortInputError, match="unit_source_value"):
        tables.read("measurement", {"unit_source_value": "str"}, ["unit_source_value"])
    tables.engine.dispose()


def test_database_tables__missing_table_names_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE person (person_id BIGINT)"))
    engine.dispose()
    with pytest.raises(CohortInputError, match=r"missing OMOP table.*drug_exposure"):
        DatabaseTables(url)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--omop-url", "sqlite:///URL", "--omop", "DIR"], "give one input"),
        (["--omop", "DIR", "--omop-schema", "cdm"], "go with --omop-url"),
        (["--omop-url", "sqlite:///nowhere/x.sqlite"], "does not exist"),
        (["--omop-url", "not a url"], "not a database URL"),
    ],
)
def test_cohort_phenotype__database_options_misused_exit_2(
    sqlite_url: str, shared_dir_module: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    swap = {
        "sqlite:///URL": sqlite_url,
        "DIR": str(_demo(shared_dir_module) / "cdm"),
    }
    result = runner.invoke(
        app, ["cohort", "phenotype", *[swap.get(a, a) for a in args], "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
