"""Rebuild ``knowledge/ohdsi_1009_concept_sets.csv`` from the OHDSI cohort 1009 definition.

Usage::

    .venv/bin/python scripts/ingest_ohdsi_1009.py [--shared ../shared] [--out PATH]

Reads the Circe definition ``reference/ohdsi-cohort-1009/1009.json`` (OHDSI PhenotypeLibrary,
Apache-2.0) and writes one row per concept-set item: the codeset, the concept's id, name,
vocabulary and code, and whether it is excluded or brings its descendants. The output depends
only on the input file, so a second run reproduces the table byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEADER = """\
# header:
#   table: ohdsi_1009_concept_sets
#   title: Concept sets of the OHDSI PhenotypeLibrary TRD cohort 1009
#   description: >-
#     The seven concept sets of cohort 1009 ("[P] Earliest event of Treatment resistant
#     depression"): first-line antidepressants (16), atypical antipsychotics (11), esketamine
#     (19), depressive disorder (18), mania (8), psychosis (10) and dementia (15). One row per
#     item of the Circe definition: whether it is excluded and whether its descendants count.
#     Drug items are ingredients; condition items are SNOMED concepts expanded through the OMOP
#     concept_ancestor table. Written by scripts/ingest_ohdsi_1009.py; do not edit by hand.
#   schema_version: 1
#   sources:
#     - key: ohdsi1009
#       citation: >-
#         OHDSI PhenotypeLibrary, cohort 1009 "[P] Earliest event of Treatment resistant
#         depression (TRD)", inst/cohorts/1009.json (contributor Azza Shoaibi; status Pending).
#       version: >-
#         v3.37.0, commit 40106e4e2892d883c208b9df10ad56711da3e21d (file last changed
#         2023-10-06)
#       url: https://github.com/OHDSI/PhenotypeLibrary
#       licence: Apache-2.0
#   source_version: "PhenotypeLibrary v3.37.0 (2026-04-08)"
#   licence: "Apache-2.0 (concept-set content, OHDSI); CC BY 4.0 (trdkit table layout)"
#   notes:
#     - "is_excluded: the item and, with include_descendants, its descendants leave the set."
#     - "Concept ids and codes are OMOP standard vocabulary identifiers (Athena)."
"""

COLUMNS = (
    "codeset_id",
    "codeset",
    "concept_id",
    "concept_name",
    "domain_id",
    "vocabulary_id",
    "concept_class_id",
    "concept_code",
    "is_excluded",
    "include_descendants",
    "source",
)


def build(definition: Path) -> str:
    """Return the table text for the Circe definition at ``definition``."""
    doc = json.loads(definition.read_text(encoding="utf-8"))
    out = io.StringIO()
    out.write(HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for concept_set in sorted(doc["ConceptSets"], key=lambda c: int(c["id"])):
        items = concept_set["expression"]["items"]
        for item in sorted(items, key=lambda i: int(i["concept"]["CONCEPT_ID"])):
            concept = item["concept"]
            writer.writerow(
                (
                    concept_set["id"],
                    concept_set["name"],
                    concept["CONCEPT_ID"],
                    concept["CONCEPT_NAME"],
                    concept["DOMAIN_ID"],
                    concept["VOCABULARY_ID"],
                    concept["CONCEPT_CLASS_ID"],
                    concept["CONCEPT_CODE"],
                    str(bool(item.get("isExcluded", False))).lower(),
                    str(bool(item.get("includeDescendants", False))).lower(),
                    "ohdsi1009",
                )
            )
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    """Write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "src" / "trdkit" / "knowledge" / "ohdsi_1009_concept_sets.csv",
    )
    args = parser.parse_args(argv)
    definition = args.shared / "reference" / "ohdsi-cohort-1009" / "1009.json"
    args.out.write_text(build(definition), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
