"""The phenotype and guidance ingest: byte-for-byte reproducible, and no sentence left unread."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT
from trdkit.knowledge.pgx_guidance import guidance_drugs, load_pgx_guidance

KNOWLEDGE = ROOT / "src" / "trdkit" / "knowledge" / "pgx"


@pytest.fixture
def ingest(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, ModuleType]]:
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    from pgx_ingest import guidance, guidance_rules, phenotypes

    yield {"phenotypes": phenotypes, "guidance": guidance, "rules": guidance_rules}


@pytest.mark.parametrize("step", ["phenotypes", "guidance"])
def test_ingest__reproduces_the_committed_tables_byte_for_byte(
    step: str, ingest: dict[str, ModuleType], shared_dir: Path, tmp_path: Path
) -> None:
    written = ingest[step].write_tables(shared_dir, tmp_path)
    assert written
    for path in written:
        assert path.read_bytes() == (KNOWLEDGE / path.name).read_bytes(), path.name


def test_ingest__cyp2d6_table_is_compact(ingest: dict[str, ModuleType]) -> None:
    assert (KNOWLEDGE / "phenotypes_CYP2D6.json").stat().st_size < 100_000
    doc = json.loads((KNOWLEDGE / "phenotypes_CYP2D6.json").read_text(encoding="utf-8"))
    assert doc["diplotype_exceptions"] == {} and len(doc["bins"]) == 4


def test_read_recommendation__dose_factors_and_clauses(ingest: dict[str, ModuleType]) -> None:
    read = ingest["rules"].read_recommendation
    tca = read(
        "<p>Avoid amitriptyline use. If amitriptyline is warranted, consider a 50% reduction of "
        "recommended starting dose. Utilize therapeutic drug monitoring to guide dose "
        "adjustments.</p>",
        "amitriptyline",
    )
    assert tca.actions == ["avoid", "reduce_dose"]
    assert tca.fields == {"start_dose_factor": 0.5}
    assert tca.if_used == ["start at 50% of the usual starting dose"]
    assert "use therapeutic drug monitoring" in tca.extra
    ranged = read("<p>Consider a 25-50% lower starting dose and slower titration.</p>", "x")
    assert ranged.fields == {"start_dose_factor_range": [0.5, 0.75]}
    assert read("<p>xN is not a valid input for CYP2D6 copy number alleles.</p>", "x") is None


def test_read_recommendation__an_unknown_sentence_stops_the_ingest(
    ingest: dict[str, ModuleType],
) -> None:
    with pytest.raises(SystemExit, match="no rule reads the sentence"):
        ingest["rules"].read_recommendation(
            "<p>Initiate therapy with recommended starting dose. Take with grapefruit.</p>", "x"
        )
    with pytest.raises(SystemExit, match="no action"):
        ingest["rules"].read_recommendation("<p>Utilize therapeutic drug monitoring.</p>", "x")


def _ngrams(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9%]+", re.sub(r"<[^>]+>", " ", text).lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_guidance_summaries__share_no_six_word_run_with_the_source_text(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "pgx" / "cpic_guidelines_antidepressants"
    source: set[tuple[str, ...]] = set()
    for path in folder.glob("CPIC_*.json"):
        for rec in json.loads(path.read_text(encoding="utf-8"))["recommendations"]:
            source |= _ngrams(rec["text"]["html"])
            for implication in rec["implications"]:
                source |= _ngrams(implication)
    copied = [
        row.summary
        for drug in guidance_drugs()
        for row in load_pgx_guidance(drug).rows
        if _ngrams(row.summary.split(": ", 1)[1]) & source
    ]
    assert not copied[:3]
