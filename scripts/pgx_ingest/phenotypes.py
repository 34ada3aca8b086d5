"""Phenotype tables: allele function and diplotype -> phenotype for CYP2C19, CYP2B6 and CYP2D6.

Reads PharmCAT's phenotype files (CPIC content) from ``shared/data/pgx/`` and writes compact
tables ``phenotypes_<GENE>.json`` into the knowledge folder:

* CYP2C19 and CYP2B6: allele -> CPIC function, and every diplotype -> CPIC phenotype (the lookup
  key of the CPIC recommendations equals the phenotype; any row where it does not is kept in
  ``lookup_key_exceptions``).
* CYP2D6: allele -> activity value, the CPIC/DPWG activity-score bins, and any diplotype whose
  score is not the sum of its two alleles' values (``diplotype_exceptions``). The 4 MB source
  (15,051 diplotypes) is checked row by row against that rule and these bins, so nothing of it
  is lost by not copying it.

The output depends only on the input bytes: no timestamps, fixed key order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = [
    "CYP2D6_BINS",
    "bin_phenotype",
    "manifest_commit",
    "parse_score",
    "write_json",
    "write_tables",
]

_SOURCE_FILES = {
    "CYP2C19": ("pharmcat_phenotype_CYP2C19.json", "PC"),
    "CYP2B6": ("pharmcat_phenotype_CYP2B6.json", "PC"),
    "CYP2D6": ("pharmcat_phenotype_CYP2D6_2024-08-27.json", "PC-0827"),
}

# CPIC/DPWG consensus (Caudle 2020): PM AS 0; IM 0 < AS < 1.25; NM 1.25 <= AS <= 2.25;
# UM AS > 2.25. Every scored diplotype of the source is checked against these bins below.
_BIN_FIELDS = ("phenotype", "min", "min_inclusive", "max", "max_inclusive")
CYP2D6_BINS: list[dict[str, Any]] = [
    dict(zip(_BIN_FIELDS, row, strict=True))
    for row in (
        ("Poor Metabolizer", 0.0, True, 0.0, True),
        ("Intermediate Metabolizer", 0.0, False, 1.25, False),
        ("Normal Metabolizer", 1.25, True, 2.25, True),
        ("Ultrarapid Metabolizer", 2.25, False, None, False),
    )
]

_PHARMCAT = (
    "Sangkuhl K, Whirl-Carrillo M, Whaley RM, et al. Pharmacogenomics Clinical Annotation Tool "
    "(PharmCAT). Clin Pharmacol Ther. 2020;107(1):203-210. Data files of the PharmGKB/PharmCAT "
    "repository (src/main/resources/org/pharmgkb/pharmcat/phenotype/)."
)
_BOUSMAN = (
    "Bousman CA, Stevenson JM, Ramsey LB, et al. Clinical Pharmacogenetics Implementation "
    "Consortium (CPIC) guideline for CYP2D6, CYP2C19, CYP2B6, SLC6A4, and HTR2A genotypes and "
    "serotonin reuptake inhibitor antidepressants. Clin Pharmacol Ther. 2023;114(1):51-68. "
    "CPIC allele functionality and diplotype-to-phenotype tables."
)
_CAUDLE = (
    "Caudle KE, Sangkuhl K, Whirl-Carrillo M, et al. Standardizing CYP2D6 genotype to phenotype "
    "translation: consensus recommendations from the Clinical Pharmacogenetics Implementation "
    "Consortium and Dutch Pharmacogenetics Working Group. Clin Transl Sci. 2020;13(1):116-124."
)
_PHARMVAR = (
    "Gaedigk A, Ingelman-Sundberg M, Miller NA, et al. The Pharmacogene Variation (PharmVar) "
    "Consortium: incorporation of the human cytochrome P450 (CYP) allele nomenclature database. "
    "Clin Pharmacol Ther. 2018;103(3):399-401. Star-allele names."
)
_LICENCE = (
    "CC0 1.0 (CPIC content; attribution to CPIC, PharmVar and PharmGKB/ClinPGx requested); "
    "packaged by PharmCAT under MPL-2.0"
)


def manifest_commit(pgx_dir: Path, key: str) -> tuple[str, str]:
    """Return ``(commit, date)`` of the source repository ``key`` in ``MANIFEST.md``."""
    text = (pgx_dir / "MANIFEST.md").read_text(encoding="utf-8")
    row = re.search(
        rf"^\| {re.escape(key)} \|[^|]*\| `([0-9a-f]{{40}})` \| ([0-9-]+) \|$", text, re.MULTILINE
    )
    if row is None:
        raise SystemExit(f"MANIFEST.md: no commit row for source key {key!r}")
    return row.group(1), row.group(2)


def write_json(path: Path, doc: dict[str, Any]) -> Path:
    """Write ``doc`` as UTF-8 JSON with a stable layout and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    path.write_bytes(text.encode("utf-8"))
    return path


def parse_score(text: str) -> tuple[float, bool] | None:
    """Parse an activity value or score (``"1.0"``, ``"≥3.0"``, ``"n/a"``) to (value, at_least)."""
    if text == "n/a":
        return None
    at_least = text.startswith("≥")
    return float(text.removeprefix("≥")), at_least


def bin_phenotype(value: float, at_least: bool = False) -> str:
    """CYP2D6 phenotype of an activity score under :data:`CYP2D6_BINS`."""
    for row in CYP2D6_BINS:
        low_ok = value >= row["min"] if row["min_inclusive"] else value > row["min"]
        high = row["max"]
        high_ok = high is None or (value <= high if row["max_inclusive"] else value < high)
        if low_ok and high_ok:
            # A lower bound only decides the phenotype inside the open-ended top bin.
            return row["phenotype"] if (not at_least or high is None) else "Indeterminate"
    raise SystemExit(f"activity score {value} falls in no CYP2D6 bin")


def _source_entry(key: str, citation: str, version: str, url: str, licence: str) -> dict[str, str]:
    return {"key": key, "citation": citation, "version": version, "url": url, "licence": licence}


def _header(gene: str, commit: str, data_version: str, cpic: dict[str, str]) -> dict[str, Any]:
    pharmcat = _source_entry(
        "pharmcat",
        _PHARMCAT,
        f"data {data_version}, commit {commit}",
        "https://github.com/PharmGKB/PharmCAT",
        "MPL-2.0 (repository); CPIC content CC0 1.0",
    )
    pharmvar = _source_entry(
        "pharmvar",
        _PHARMVAR,
        "as packaged by PharmCAT",
        "https://www.pharmvar.org/",
        "attribution requested",
    )
    method = (
        "allele activity values, activity-score bins and diplotype exceptions"
        if gene == "CYP2D6"
        else "allele functions and every diplotype with its phenotype"
    )
    return {
        "table": f"pgx_phenotypes_{gene}",
        "title": f"{gene} allele function and diplotype-to-phenotype translation (CPIC)",
        "description": (
            f"CPIC translation of {gene} star-allele diplotypes into metabolizer phenotypes: "
            f"{method}. Written by scripts/ingest_pgx.py from PharmCAT's phenotype file; do not "
            "edit by hand."
        ),
        "schema_version": 1,
        "sources": [cpic, pharmcat, pharmvar],
        "source_version": f"PharmCAT phenotype data {data_version} (commit {commit[:12]})",
        "licence": _LICENCE,
        "notes": [],
    }


def _function_table(gene: str, src: dict[str, Any], commit: str) -> dict[str, Any]:
    alleles = {name: {"function": func} for name, func in src["haplotypes"].items()}
    diplotypes: dict[str, str] = {}
    exceptions: dict[str, str] = {}
    for row in src["diplotypes"]:
        if row["phenotype"] != row["generesult"]:
            raise SystemExit(f"{gene} {row['diplotype']}: phenotype and gene result differ")
        diplotypes[row["diplotype"]] = row["phenotype"]
        if row["lookupkey"] != row["phenotype"]:
            exceptions[row["diplotype"]] = row["lookupkey"]
    n = len(alleles)
    if len(diplotypes) != n * (n + 1) // 2:
        raise SystemExit(f"{gene}: expected every allele pair, got {len(diplotypes)} rows")
    cpic = _source_entry(
        "cpic",
        _BOUSMAN,
        "CPIC tables as of PharmCAT data " + src["version"],
        "https://cpicpgx.org/guidelines/",
        "CC0 1.0",
    )
    header = _header(gene, commit, src["version"], cpic)
    header["notes"] = [
        "The CPIC recommendation lookup key of a diplotype is its phenotype, except for the "
        "diplotypes listed in lookup_key_exceptions.",
        "An allele missing from this table (named after the data version) gives Indeterminate.",
    ]
    if gene == "CYP2C19":
        header["notes"].append(
            "*38 is the GRCh38 reference sequence (normal function); *36 and *37 are whole-gene "
            "deletions that only outside calls can report."
        )
    return {
        "header": header,
        "gene": gene,
        "method": "diplotype_table",
        "data_version": src["version"],
        "sources": ["cpic", "pharmcat", "pharmvar"],
        "alleles": alleles,
        "diplotypes": diplotypes,
        "lookup_key_exceptions": exceptions,
    }


def _expected_score(src: dict[str, Any], row: dict[str, Any]) -> str:
    values = []
    for allele, count in row["diplotypekey"].items():
        values += [parse_score(src["activityValues"][allele])] * count
    known = [v for v in values if v is not None]
    if len(known) < len(values):
        return "n/a"
    total = sum(v[0] for v in known)
    return ("≥" if any(v[1] for v in known) else "") + str(total)


def _activity_table(src: dict[str, Any], commit: str) -> dict[str, Any]:
    functions = {a["name"]: a["functionValue"] for a in src["namedAlleles"]}
    alleles = {
        name: {"function": functions[name], "activity_value": value}
        for name, value in src["activityValues"].items()
    }
    exceptions: dict[str, dict[str, str]] = {}
    for row in src["diplotypes"]:
        score = row["activityScore"]
        parsed = parse_score(score)
        binned = "Indeterminate" if parsed is None else bin_phenotype(*parsed)
        if score != _expected_score(src, row) or binned != row["phenotype"]:
            exceptions[row["diplotype"]] = {"activity_score": score, "phenotype": row["phenotype"]}
        if row["lookupkey"] != score:
            raise SystemExit(f"CYP2D6 {row['diplotype']}: lookup key is not the activity score")
    cpic = _source_entry(
        "caudle2020",
        _CAUDLE,
        "2020",
        "https://doi.org/10.1111/cts.12692",
        "facts cited from the article",
    )
    header = _header("CYP2D6", commit, src["version"], cpic)
    header["sources"].insert(
        1,
        _source_entry(
            "cpic",
            _BOUSMAN,
            "CPIC tables as of PharmCAT data " + src["version"],
            "https://cpicpgx.org/guidelines/",
            "CC0 1.0",
        ),
    )
    header["notes"] = [
        "Activity score of a diplotype = sum of its two alleles' activity values; a value "
        "marked ≥ (x≥3 copies) makes the score a lower bound; n/a (unknown or uncertain "
        f"function) gives Indeterminate. All {len(src['diplotypes'])} diplotypes of the source "
        "were checked against this rule and the bins; those that differ are listed in "
        "diplotype_exceptions.",
        "The current PharmCAT CYP2D6 file (>= 4 MiB) was not available; this is the 2024-08-27 "
        "version. Alleles named later (*173-*185) are unknown here and give Indeterminate.",
        "Copy numbers not listed (e.g. *2x3) are scored as the allele's value times the copy "
        "number, and tandem arrangements (e.g. *36+*10) as the sum of their gene units, by "
        "the engine (CPIC convention for gene duplications and tandems) [U].",
    ]
    return {
        "header": header,
        "gene": "CYP2D6",
        "method": "activity_score",
        "data_version": src["version"],
        "sources": ["caudle2020", "cpic", "pharmcat", "pharmvar"],
        "alleles": alleles,
        "bins": CYP2D6_BINS,
        "diplotype_exceptions": exceptions,
    }


def write_tables(shared: Path, out_dir: Path) -> list[Path]:
    """Write ``phenotypes_<GENE>.json`` for CYP2C19, CYP2B6 and CYP2D6 into ``out_dir``.

    Parameters
    ----------
    shared
        The shared folder; sources are read from ``shared/data/pgx/``.
    out_dir
        The knowledge folder to write into (``src/trdkit/knowledge/pgx``).

    Returns
    -------
    list of Path
        The files written.
    """
    pgx_dir = shared / "data" / "pgx"
    written = []
    for gene, (filename, key) in _SOURCE_FILES.items():
        src = json.loads((pgx_dir / filename).read_text(encoding="utf-8"))
        if src.get("gene") != gene:
            raise SystemExit(f"{filename}: expected gene {gene}, found {src.get('gene')}")
        commit, _ = manifest_commit(pgx_dir, key)
        doc = (
            _activity_table(src, commit) if gene == "CYP2D6" else _function_table(gene, src, commit)
        )
        written.append(write_json(out_dir / f"phenotypes_{gene}.json", doc))
    return written
