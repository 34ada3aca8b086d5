"""Ingest of star-allele definitions into ``src/trdkit/knowledge/pgx/alleles_<GENE>.json``.

Reads PharmCAT's per-gene allele definition files (CPIC/PharmVar definitions in VCF
representation, GRCh38), PharmCAT's matcher exemptions and PyPGx's allele table (GRCh37
coordinates and structural-variant flags) from ``shared/data/pgx/`` and writes one compact table
per gene. The output depends only on the input bytes: keys are written in a fixed order and no
clock time is recorded, so re-running the ingest reproduces the files byte for byte.

Blank cells of a definition mean "same as the reference row" (PharmCAT Named Allele Matcher
101); they are kept blank here and resolved by the matcher. IUPAC wobble codes are expanded to
the VCF alleles they stand for.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["GENES", "write_tables"]

GENES = ("CYP2B6", "CYP2C19", "CYP2D6")
SCHEMA_VERSION = 1

_IUPAC = {
    "R": "AG",
    "Y": "CT",
    "S": "CG",
    "W": "AT",
    "K": "GT",
    "M": "AC",
    "B": "CGT",
    "D": "AGT",
    "H": "ACT",
    "V": "ACG",
    "N": "ACGT",
}
# PharmCAT runs CYP2D6 from a VCF only in research mode: copy number, the *5 deletion and the
# CYP2D6/2D7 hybrids are invisible to SNV/indel calls (pgx-notes §1a, §4).
_RESEARCH_ONLY = {"CYP2D6"}
# Genes whose whole-gene copy number varies (duplications written xN in diplotypes).
_COPY_NUMBER_VARIABLE = {"CYP2D6"}


def _manifest_commit(shared: Path, key: str) -> str:
    text = (shared / "data" / "pgx" / "MANIFEST.md").read_text(encoding="utf-8")
    match = re.search(rf"^\|\s*{re.escape(key)}\s*\|[^\n]*?`([0-9a-f]{{40}})`", text, re.M)
    if match is None:
        raise ValueError(f"MANIFEST.md names no commit for source {key!r}")
    return match.group(1)


def _parse_pypgx(cell: str) -> list[tuple[int, str, str]]:
    if cell in ("", "N/A"):
        return []
    out = []
    for item in cell.split(","):
        _chrom, pos, ref, alt = item.split("-")
        out.append((int(pos), ref, alt))
    return out


def _pypgx_rows(shared: Path, gene: str) -> list[dict[str, str]]:
    path = shared / "data" / "pgx" / "pypgx_tables" / "pypgx_0.27.0_allele-table.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["Gene"] == gene]


def _grch37_lookup(rows: list[dict[str, str]]) -> tuple[int, dict[int, set[tuple[str, str]]]]:
    """Return the gene's GRCh38→GRCh37 offset and the GRCh37 variants PyPGx lists.

    The offset is the one most allele rows agree on when their GRCh37 and GRCh38 variant lists
    pair up; a GRCh38 position is mapped only where PyPGx lists a GRCh37 variant at the shifted
    position with the same alleles, so no coordinate is invented.
    """
    offsets: Counter[int] = Counter()
    by_pos: dict[int, set[tuple[str, str]]] = {}
    for row in rows:
        v37 = _parse_pypgx(row["GRCh37Core"]) + _parse_pypgx(row["GRCh37Tag"])
        v38 = _parse_pypgx(row["GRCh38Core"]) + _parse_pypgx(row["GRCh38Tag"])
        for pos, ref, alt in v37:
            by_pos.setdefault(pos, set()).add((ref, alt))
        if v37 and len(v37) == len(v38):
            offsets.update(a[0] - b[0] for a, b in zip(v37, v38, strict=True))
    return offsets.most_common(1)[0][0], by_pos


def _position_type(ref: str, alts: list[str]) -> str:
    if len(ref) == 1 and all(len(a) == 1 for a in alts):
        return "snv"
    if all(len(a) < len(ref) and ref.startswith(a) for a in alts):
        return "del"
    if all(len(a) > len(ref) and a.startswith(ref) for a in alts):
        return "ins"
    return "complex"


def _positions(defn: dict[str, Any], rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    offset, by37 = _grch37_lookup(rows)
    out = []
    for var in defn["variants"]:
        alleles = {var["ref"], *var["alts"]}
        grch37 = None
        for ref37, alt37 in sorted(by37.get(var["position"] + offset, ())):
            if {ref37, alt37} <= alleles:
                grch37 = {"pos": var["position"] + offset, "ref": ref37, "source": "pypgx"}
                break
        out.append(
            {
                "pos": var["position"],
                "rsid": var["rsid"],
                "ref": var["ref"],
                "alts": list(var["alts"]),
                "type": _position_type(var["ref"], var["alts"]),
                "hgvs": var["chromosomeHgvsName"],
                "cpic_position": var["cpicPosition"],
                "grch37": grch37,
                "source": "pharmcat",
            }
        )
    return out


def _expand(cell: str, known: list[str], where: str) -> list[str]:
    if cell in known:
        return [cell]
    if cell in _IUPAC and set(_IUPAC[cell]) <= set(known):
        return [b for b in known if b in _IUPAC[cell]]
    raise ValueError(f"{where}: allele {cell!r} is neither a VCF allele nor a usable IUPAC code")


def _alleles(defn: dict[str, Any]) -> list[dict[str, Any]]:
    variants = defn["variants"]
    out = []
    for named in defn["namedAlleles"]:
        defining: dict[str, list[str]] = {}
        for var, cell in zip(variants, named["alleles"], strict=True):
            if cell is not None:
                known = [var["ref"], *var["alts"]]
                where = f"{defn['gene']} {named['name']} {var['position']}"
                defining[str(var["position"])] = _expand(cell, known, where)
        out.append(
            {
                "name": named["name"],
                "id": named["id"],
                "reference": bool(named["reference"]),
                "structural": bool(named["structuralVariant"]),
                "defining": defining,
                "source": "pharmcat",
            }
        )
    return out


def _structural(rows: list[dict[str, str]], names: set[str]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        if row["SV"] == "TRUE":
            out.append(
                {
                    "name": row["StarAllele"],
                    "in_definitions": row["StarAllele"] in names,
                    "source": "pypgx",
                }
            )
    return out


def _exemptions(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "required_positions": list(raw.get("requiredPositions", [])),
        "ignored_positions": [p["position"] for p in raw.get("ignoredPositions", [])],
        "extra_positions": [p["position"] for p in raw.get("extraPositions", [])],
        "ignored_alleles": list(raw.get("ignoredAlleles", [])),
        "unphased_priorities": [
            {"diplotypes": list(p["list"]), "pick": p["pick"]}
            for p in raw.get("unphasedDiplotypePriorities", [])
        ],
        "amp_tier1_alleles": list(raw.get("amp1Alleles", [])),
        "amp_tier1_positions": list(raw.get("amp1Positions", [])),
        "source": "pharmcat",
    }


def _header(gene: str, defn: dict[str, Any], commit: str) -> dict[str, Any]:
    version = defn["version"][:10]
    return {
        "table": f"pgx/alleles_{gene}",
        "title": f"{gene} star-allele definitions (GRCh38, VCF representation)",
        "description": (
            f"Every position that defines a {gene} star allele (GRCh38, with GRCh37 where PyPGx "
            "lists it) and every named allele as the VCF alleles it requires per position. "
            "A position left out of an allele means the reference row's allele."
        ),
        "schema_version": SCHEMA_VERSION,
        "sources": [
            {
                "key": "pharmcat",
                "citation": (
                    "PharmGKB/ClinPGx. PharmCAT (Pharmacogenomics Clinical Annotation Tool): "
                    f"allele definition file {gene}_translation.json and definition exemptions "
                    "(exemptions.json), allele definitions curated by CPIC and PharmVar. "
                    "Sangkuhl K et al., Clin Pharmacol Ther 2020;107(1):203-210."
                ),
                "version": f"definitions {defn['version']}, commit {commit}",
                "url": "https://github.com/PharmGKB/PharmCAT",
                "licence": "MPL-2.0 (PharmCAT); definitions CPIC CC0-1.0 / PharmVar",
            },
            {
                "key": "pypgx",
                "citation": (
                    "Lee S-b. PyPGx: a Python package for pharmacogenomics research, version "
                    "0.27.0 (software), data file pypgx/api/data/allele-table.csv (GRCh37 "
                    "coordinates, structural-variant flags)."
                ),
                "version": "0.27.0",
                "url": "https://github.com/sbslee/pypgx",
                "licence": "MIT",
            },
        ],
        "source_version": f"PharmCAT data {version} (commit {commit[:12]}); PyPGx 0.27.0",
        "licence": (
            "CC0-1.0 (CPIC/PharmVar allele definitions, as packaged by PharmCAT under MPL-2.0); "
            "GRCh37 coordinates and structural flags from PyPGx (MIT). Please cite CPIC, "
            "PharmVar, ClinPGx/PharmCAT and PyPGx."
        ),
        "notes": [
            "Blank cells: same as the reference allele (PharmCAT convention).",
            "IUPAC wobble codes are expanded to the VCF alleles they stand for.",
            "GRCh37 positions: only where PyPGx lists a GRCh37 variant at the gene's "
            "GRCh38-GRCh37 offset with matching alleles; other positions have none.",
            "Structural alleles (copy number, deletions, hybrids) cannot be called from a VCF.",
        ],
    }


def _dump(doc: dict[str, Any]) -> str:
    """JSON with one line per table row: stable, diff-friendly, still valid YAML."""
    parts = []
    for key, value in doc.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            rows = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            parts.append(f"  {json.dumps(key)}: [\n{rows}\n  ]")
        else:
            body = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            parts.append(f"  {json.dumps(key)}: {body}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def build_table(shared: Path, gene: str) -> dict[str, Any]:
    """Build the table document for one gene (exposed for tests)."""
    data = shared / "data" / "pgx"
    defn = json.loads((data / f"pharmcat_allele_definition_{gene}.json").read_text("utf-8"))
    exemptions = json.loads((data / "pharmcat_definition_exemptions.json").read_text("utf-8"))
    rows = _pypgx_rows(shared, gene)
    alleles = _alleles(defn)
    reference = [a["name"] for a in alleles if a["reference"]]
    if len(reference) != 1:
        raise ValueError(f"{gene}: expected one reference allele, found {reference}")
    return {
        "header": _header(gene, defn, _manifest_commit(shared, "PC")),
        "gene": gene,
        "chromosome": defn["chromosome"],
        "genome_build": defn["genomeBuild"],
        "definition_version": defn["version"],
        "reference_allele": reference[0],
        "vcf_calling": "research" if gene in _RESEARCH_ONLY else "clinical",
        "copy_number_variable": gene in _COPY_NUMBER_VARIABLE,
        "exemptions": _exemptions(exemptions.get(gene, {})),
        "positions": _positions(defn, rows),
        "alleles": alleles,
        "structural_alleles": _structural(rows, {a["name"] for a in alleles}),
    }


def write_tables(shared: Path, out_dir: Path) -> list[Path]:
    """Write ``alleles_<GENE>.json`` for every gene into ``out_dir``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for gene in GENES:
        path = out_dir / f"alleles_{gene}.json"
        path.write_text(_dump(build_table(shared, gene)), encoding="utf-8", newline="\n")
        written.append(path)
    return written
