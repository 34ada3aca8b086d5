"""Genomics Reporting Genotype Observations (84413-4) -> ``genetics.diplotypes``.

The gene comes from the gene-studied component (48018-6, HGNC) or the text of the value; the
diplotype from the value's display, code or text ("CYP2C19*2/*2", "CYP2D6*7.001 / CYP2D6*1.001",
"CYP2C9 *4/*35B"). PharmVar sub-allele numbers are read as the core allele (``*7.001`` ->
``*7``), the level CPIC phenotypes use. Genes other than CYP2C19, CYP2D6 and CYP2B6 are reported
and left out; haplotype, variant and legacy genetics Observations are reported as not used.
"""

from __future__ import annotations

import re

from trdkit.interop.fhir_codes import cc_text, codings
from trdkit.interop.fhir_draft import RecordDraft
from trdkit.interop.fhir_read import FhirItem, as_dicts
from trdkit.interop.fhir_report import ImportLog
from trdkit.knowledge.fhir_codes import load_fhir_codes

__all__ = ["is_genotype", "read_genotype"]

_GENES = ("CYP2C19", "CYP2D6", "CYP2B6")
_ALLELE = re.compile(r"\*\s*([0-9A-Za-z]+)(?:\.\d+)?(x[0-9N]+)?")
_GENE = re.compile(r"\b(CYP\d[A-Z]\d{1,2})\b", re.IGNORECASE)


def is_genotype(item: FhirItem) -> bool:
    """Whether the Observation is a Genomics Reporting Genotype."""
    code = load_fhir_codes().genomics.genotype
    return any(c.system == "loinc" and c.code == code for c in codings(item.data.get("code")))


def _gene(item: FhirItem, texts: list[str]) -> str | None:
    genomics = load_fhir_codes().genomics
    for component in as_dicts(item.data.get("component")):
        if any(c.code == genomics.gene_studied for c in codings(component.get("code"))):
            for coding in codings(component.get("valueCodeableConcept")):
                for text in (coding.code, coding.display or ""):
                    gene = genomics.gene_for(text)
                    if gene is not None:
                        return gene
    for text in texts:
        match = _GENE.search(text)
        if match:
            return match.group(1).upper()
    return None


def _diplotype(text: str) -> str | None:
    alleles = _ALLELE.findall(text)
    if len(alleles) != 2:
        return None
    return "/".join(f"*{name}{copies}" for name, copies in alleles)


def read_genotype(item: FhirItem, draft: RecordDraft, log: ImportLog) -> None:
    """Read one Genotype Observation into ``genetics.diplotypes``."""
    data = item.data
    value = data.get("valueCodeableConcept")
    texts = [c.display or c.code for c in codings(value)] + [t for t in [cc_text(value)] if t]
    texts += [v for k, v in data.items() if k == "valueString" and isinstance(v, str)]
    if data.get("status") not in load_fhir_codes().import_settings.observation_status:
        log.add("Observation", item.rid, "not_imported", [f"genotype: status {data.get('status')}"])
        return
    gene = _gene(item, texts)
    diplotype = next((d for d in map(_diplotype, texts) if d), None)
    shown = texts[0] if texts else "no value"
    if gene is None or diplotype is None:
        log.add(
            "Observation",
            item.rid,
            "not_imported",
            [f"genotype '{shown}': gene or diplotype not readable"],
        )
        return
    if gene not in _GENES:
        log.add(
            "Observation",
            item.rid,
            "not_imported",
            [f"{gene} {diplotype}: trdkit records CYP2C19, CYP2D6 and CYP2B6 only"],
        )
        return
    known = draft.diplotypes.get(gene)
    if known is not None and known != diplotype:
        log.add(
            "Observation",
            item.rid,
            "not_imported",
            [f"{gene} {diplotype} conflicts with {known} read earlier"],
        )
        return
    draft.diplotypes[gene] = diplotype
    because = [f"'{shown}' -> {gene} {diplotype}"]
    if diplotype.replace("*", "") not in shown.replace("*", "").replace(" ", ""):
        because.append("PharmVar sub-allele numbers read as the core allele")
    log.add("Observation", item.rid, "imported", because, [f"genetics.diplotypes.{gene}"])
