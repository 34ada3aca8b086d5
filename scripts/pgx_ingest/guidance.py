"""CPIC drug guidance: lookup key -> strength, actions, dose factors and a summary of our own.

Reads the ClinPGx annotations of the CPIC antidepressant guidelines (PharmCAT packaging, one file
per guideline and drug) from ``shared/data/pgx/cpic_guidelines_antidepressants/`` and writes one
``guidance_<drugs>.yaml`` per source file. No recommendation sentence is carried over: each
sentence of a recommendation is read by the ordered table of patterns
:data:`pgx_ingest.guidance_rules.RULES`, which turns it into structured fields, and the summary
is written from those fields in trdkit's own template wording. A sentence that no rule
recognises stops the ingest, so nothing is dropped silently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from pgx_ingest.guidance_rules import SEVERITY, Reading, read_recommendation
from pgx_ingest.phenotypes import bin_phenotype, manifest_commit, parse_score

__all__ = ["write_tables"]

_GUIDELINES = {
    "37032427": {
        "key": "cpic2023",
        "label": "CPIC 2023 SSRI/SNRI",
        "short": "CPIC 2023",
        "citation": (
            "Bousman CA, Stevenson JM, Ramsey LB, et al. Clinical Pharmacogenetics "
            "Implementation Consortium (CPIC) guideline for CYP2D6, CYP2C19, CYP2B6, SLC6A4, and "
            "HTR2A genotypes and serotonin reuptake inhibitor antidepressants. Clin Pharmacol "
            "Ther. 2023;114(1):51-68."
        ),
    },
    "27997040": {
        "key": "cpic_tca2016",
        "label": "CPIC 2016 TCA",
        "short": "CPIC 2016",
        "citation": (
            "Hicks JK, Sangkuhl K, Swen JJ, et al. Clinical Pharmacogenetics Implementation "
            "Consortium guideline (CPIC) for CYP2D6 and CYP2C19 genotypes and dosing of tricyclic "
            "antidepressants: 2016 update. Clin Pharmacol Ther. 2017;102(1):37-44."
        ),
    },
}
_CPIC_ORDER = [
    "Ultrarapid Metabolizer",
    "Rapid Metabolizer",
    "Normal Metabolizer",
    "Likely Intermediate Metabolizer",
    "Intermediate Metabolizer",
    "Likely Poor Metabolizer",
    "Poor Metabolizer",
    "Indeterminate",
    "No Result",
]
_FILE = re.compile(r"^CPIC_(?P<drugs>[a-z_]+?)_and_(?P<genes>CYP[0-9A-Z_]+)\.json$")


def _key_rank(gene: str, key: str) -> tuple[int, float]:
    if gene != "CYP2D6":
        return _CPIC_ORDER.index(key), 0.0
    if key in ("n/a", "No Result"):
        return (2 if key == "n/a" else 3), 0.0
    value, at_least = parse_score(key) or (0.0, False)
    return (1 if at_least else 0), value


def _describe(gene: str, key: str) -> str:
    if key == "No Result":
        return f"{gene} not tested"
    if gene != "CYP2D6":
        return f"{gene} {key}"
    parsed = parse_score(key)
    phenotype = "Indeterminate" if parsed is None else bin_phenotype(*parsed)
    return f"CYP2D6 activity score {key} ({phenotype})"


def _summary(lookup: dict[str, str], reading: Reading, short: str, strength: str) -> str:
    who = ", ".join(_describe(gene, key) for gene, key in lookup.items())
    parts = ["; ".join(reading.main)]
    if reading.if_used:
        parts.append("if it is still used: " + ", ".join(reading.if_used))
    if reading.if_no_response:
        declined = any(a in ("avoid", "consider_alternative") for a in reading.main_actions)
        lead = (
            "if it is still used and response is inadequate"
            if declined
            else ("if response is inadequate")
        )
        parts.append(f"{lead}: " + " or ".join(reading.if_no_response))
    parts += reading.extra
    text = "; ".join(p for p in parts if p)
    return f"{who}: {text} ({short}, {strength.lower()})"


def _row(rec: dict[str, Any], genes: list[str], drug: str, guideline: dict[str, str]) -> Any:
    reading = read_recommendation(rec["text"]["html"], drug)
    if reading is None:
        return None
    if rec.get("population") != "general":
        raise SystemExit(f"{drug} {rec['id']}: unexpected population {rec.get('population')!r}")
    if sorted(rec["lookupKey"]) != genes:
        raise SystemExit(f"{drug} {rec['id']}: lookup genes {sorted(rec['lookupKey'])} != {genes}")
    lookup = {gene: rec["lookupKey"][gene] for gene in genes}
    strength = rec["classification"]["term"]
    row: dict[str, Any] = {"lookup": lookup, "strength": strength}
    row["actions"] = sorted(reading.actions, key=lambda a: -SEVERITY[a])
    row.update(reading.fields)
    row["summary"] = _summary(lookup, reading, guideline["short"], strength)
    row["clinpgx_id"] = rec["id"]
    row["sources"] = [guideline["key"], "clinpgx"]
    return row


def _header(
    src: dict[str, Any],
    names: tuple[str, str],
    guideline: dict[str, str],
    commit: str,
    skipped: int,
) -> dict[str, Any]:
    name, filename = names
    annotation = src["guideline"]
    pmid = next(c["pmid"] for c in src["citations"] if c["pmid"] in _GUIDELINES)
    skipped_note = (
        f"{skipped} rows keyed 'xN combinations' (an instruction on how to write CYP2D6 copy "
        "numbers, not a recommendation) are left out."
    )
    return {
        "table": f"pgx_guidance_{name}",
        "title": f"{annotation['name'].removeprefix('Annotation of ')} (structured)",
        "description": (
            "CPIC recommendations by lookup key (CYP2C19/CYP2B6 phenotype, CYP2D6 activity "
            "score): strength, action codes, dose factors where the guideline gives a number, and "
            "a summary written by trdkit from those fields. Written by scripts/ingest_pgx.py; do "
            "not edit by hand."
        ),
        "schema_version": 1,
        "sources": [
            {
                "key": guideline["key"],
                "citation": guideline["citation"],
                "version": f"PMID {pmid}",
                "url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
                "licence": "CC0 1.0 (CPIC guideline content)",
            },
            {
                "key": "clinpgx",
                "citation": f"ClinPGx (PharmGKB). {annotation['name']} ({annotation['id']}), as "
                f"packaged by PharmCAT (reporter/guidelines/{filename}).",
                "version": f"annotation version {annotation['version']}, data {src['version']}; "
                f"PharmCAT commit {commit}",
                "url": annotation["url"],
                "licence": "CC BY-SA 4.0",
            },
        ],
        "source_version": f"ClinPGx annotations {src['version']} (PharmCAT {commit[:8]})",
        "licence": (
            "CC BY-SA 4.0 (derived from ClinPGx guideline annotations: lookup keys, strengths, "
            "ids; the recommendations themselves are CPIC content, CC0 1.0). Action codes and "
            "summaries are trdkit's own wording; no annotation text is kept."
        ),
        "notes": [
            "actions are ordered by severity (avoid > consider_alternative > reduce_dose, "
            "increase_dose > titrate_slowly > use_standard_dose > no_recommendation); the first "
            "is the principal action.",
            "start_dose_factor: fraction of the usual starting dose; maintenance_dose_factor: "
            "fraction of the usual maintenance dose; if_no_response: actions the guideline ties "
            "to an inadequate response.",
            *([skipped_note] if skipped else []),
        ],
    }


def _dump(doc: dict[str, Any]) -> bytes:
    def dump(part: dict[str, Any], flow: bool | None) -> str:
        return yaml.safe_dump(
            part, sort_keys=False, allow_unicode=True, width=100, default_flow_style=flow
        )

    head = dump({"header": doc["header"]}, False)
    body = dump({k: v for k, v in doc.items() if k != "header"}, None)
    return (head + body).encode("utf-8")


def _table(path: Path, commit: str) -> tuple[str, dict[str, Any]]:
    match = _FILE.match(path.name)
    if match is None:
        raise SystemExit(f"unexpected guideline file name {path.name}")
    drugs = match["drugs"].split("_")
    genes = sorted(match["genes"].split("_"))
    src = json.loads(path.read_text(encoding="utf-8"))
    pmids = [c["pmid"] for c in src["citations"] if c["pmid"] in _GUIDELINES]
    if not pmids:
        raise SystemExit(f"{path.name}: cites no known CPIC guideline")
    guideline = _GUIDELINES[pmids[0]]
    rows: dict[str, list[dict[str, Any]]] = {drug: [] for drug in drugs}
    skipped = 0
    for rec in src["recommendations"]:
        drug = rec["relatedChemicals"][0]["name"]
        if drug not in rows:
            raise SystemExit(f"{path.name}: recommendation {rec['id']} is for {drug}")
        row = _row(rec, genes, drug, guideline)
        if row is None:
            skipped += 1
            continue
        rows[drug].append(row)
    for drug, drug_rows in rows.items():
        drug_rows.sort(key=lambda r: [_key_rank(g, r["lookup"][g]) for g in genes])
        keys = [tuple(r["lookup"].values()) for r in drug_rows]
        if len(set(keys)) != len(keys):
            raise SystemExit(f"{path.name}: {drug} has duplicate lookup keys")
    name = "_".join(drugs)
    doc = {
        "header": _header(src, (name, path.name), guideline, commit, skipped),
        "guideline": guideline["label"],
        "guideline_source": guideline["key"],
        "genes": genes,
        "drugs": rows,
    }
    return name, doc


def write_tables(shared: Path, out_dir: Path) -> list[Path]:
    """Write one ``guidance_<drugs>.yaml`` per CPIC guideline file into ``out_dir``.

    Parameters
    ----------
    shared
        The shared folder; sources are read from ``shared/data/pgx/``.
    out_dir
        The knowledge folder to write into (``src/trdkit/knowledge/pgx``).

    Returns
    -------
    list of Path
        The files written, in source-file order.
    """
    pgx_dir = shared / "data" / "pgx"
    commit, _ = manifest_commit(pgx_dir, "PC-0529")
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted((pgx_dir / "cpic_guidelines_antidepressants").glob("CPIC_*.json")):
        name, doc = _table(path, commit)
        target = out_dir / f"guidance_{name}.yaml"
        target.write_bytes(_dump(doc))
        written.append(target)
    return written
