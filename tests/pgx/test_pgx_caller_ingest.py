"""The allele-definition ingest (scripts/pgx_ingest/alleles.py) and its loader."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT
from trdkit.knowledge._table import KnowledgeError
from trdkit.knowledge.pgx_alleles import PGX_GENES, load_allele_definitions

COMMITTED = ROOT / "src" / "trdkit" / "knowledge" / "pgx"


def _ingest() -> ModuleType:
    path = ROOT / "scripts" / "pgx_ingest" / "alleles.py"
    spec = importlib.util.spec_from_file_location("pgx_ingest_alleles_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_write_tables__reproduces_the_committed_tables_byte_for_byte(
    shared_dir: Path, tmp_path: Path
) -> None:
    written = _ingest().write_tables(shared_dir, tmp_path)
    assert [p.name for p in written] == [f"alleles_{g}.json" for g in PGX_GENES]
    for path in written:
        assert path.read_bytes() == (COMMITTED / path.name).read_bytes(), path.name


def test_load_allele_definitions__cyp2c19_facts() -> None:
    defs = load_allele_definitions("CYP2C19")
    assert defs.reference_allele == "*38" and defs.vcf_calling == "clinical"
    assert len(defs.positions) == 35 and len(defs.alleles) == 36
    assert defs.definition_version.startswith("2025-11-05")
    star2 = next(a for a in defs.alleles if a.name == "*2")
    # The IUPAC wobble R at 94775507 is expanded to the VCF alleles it stands for.
    assert set(star2.defining[94775507]) == {"A", "G"}
    rs3758581 = defs.positions[defs.index[94842866]]
    assert rs3758581.grch37 is not None
    assert (rs3758581.grch37.pos, rs3758581.grch37.ref) == (96602623, "G")
    assert [s.name for s in defs.structural_alleles] == ["*36", "*37"]
    assert set(defs.exemptions.amp_tier1_alleles) == {"*2", "*3", "*17"}


def test_load_allele_definitions__cyp2d6_is_research_grade_from_vcf() -> None:
    defs = load_allele_definitions("CYP2D6")
    assert defs.vcf_calling == "research" and defs.copy_number_variable
    assert {"*5", "*13", "*68"} <= {s.name for s in defs.structural_alleles}
    deletion = defs.positions[defs.index[42128241]]
    assert (deletion.type, deletion.ref, deletion.alts) == ("del", "CT", ("C",))


@pytest.mark.parametrize("gene", PGX_GENES)
def test_load_allele_definitions__header_cites_its_sources(gene: str) -> None:
    defs = load_allele_definitions(gene)
    assert {"pharmcat", "pypgx"} <= defs.header.source_keys()
    assert "PharmCAT data 2025-11-05" in defs.header.source_version
    assert "CC0" in defs.header.licence


def test_load_allele_definitions__unknown_gene() -> None:
    with pytest.raises(KnowledgeError, match="CYP2C9"):
        load_allele_definitions("CYP2C9")
