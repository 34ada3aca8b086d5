"""Which catalogue drug a medication code names, and the daily dose a dosage states.

RxNorm codes are tried in order: the catalogue's ingredient RxCUIs, the extra ingredient RxCUIs
of ``fhir_codes.yaml``, then its product table (SCD/SBD and similar codes the shared examples
carry, with strength). Without a match the coding's display text and the medication text are
matched through the catalogue's names (brand names too): "paroxetine hydrochloride 10 MG Oral
Tablet" -> paroxetine. Every answer says how it was reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from trdkit.interop.fhir_codes import cc_text, codings
from trdkit.interop.fhir_read import as_dicts
from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.fhir_codes import load_fhir_codes

__all__ = ["DrugMatch", "daily_dose", "match_medication", "match_text"]

_BRACKET = re.compile(r"\[([^\]]+)\]")
_STRENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*(mg|milligrams?)\b", re.IGNORECASE)
_DOSE_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z{}]+)", re.IGNORECASE)
_EVERY_HOURS = re.compile(r"every\s+(\d+)\s*(?:hours?|h)\b", re.IGNORECASE)
_UNITS = {"ml", "mg", "mcg", "g", "l", "unt", "hr"}
_PERIOD_DAYS = {"s": 1 / 86400, "min": 1 / 1440, "h": 1 / 24, "d": 1.0, "wk": 7.0, "mo": 30.0}


@dataclass
class DrugMatch:
    """The catalogue drugs a medication names, its name as written, and the strength per unit."""

    drugs: list[str] = field(default_factory=list)
    name: str | None = None
    strength_mg: float | None = None
    how: str = ""


def match_text(text: str) -> list[str]:
    """Catalogue drugs named in a free-text medication name (combinations split on '/')."""
    catalogue = load_drug_catalogue()
    found: list[str] = []
    candidates = [m.group(1) for m in _BRACKET.finditer(text)]
    candidates += [part for part in re.split(r"\s+/\s+|/", _BRACKET.sub(" ", text)) if part]
    for part in candidates:
        words: list[str] = []
        tokens = part.split()
        # Skip a leading amount such as "10 ML" or "24hr" before the drug name.
        while tokens and (any(ch.isdigit() for ch in tokens[0]) or tokens[0].casefold() in _UNITS):
            tokens.pop(0)
        for word in tokens:
            if any(ch.isdigit() for ch in word):
                break
            words.append(word)
        for size in range(len(words), 0, -1):
            drug = catalogue.resolve(" ".join(words[:size]))
            if drug is not None:
                found.append(drug.id)
                break
    return list(dict.fromkeys(found))


def _strength(text: str | None) -> float | None:
    if not text or "/ML" in text.upper() or text.count("/") > 0:
        return None
    match = _STRENGTH.search(text)
    return float(match.group(1)) if match else None


def match_medication(concept: Any) -> DrugMatch:
    """Resolve a medication CodeableConcept to catalogue drugs (see module docstring)."""
    table = load_fhir_codes()
    catalogue = load_drug_catalogue()
    name = cc_text(concept)
    for code in codings(concept):
        if code.system != "rxnorm":
            continue
        drug = catalogue.by_rxnorm(code.code)
        if drug is not None:
            return DrugMatch([drug.id], name, None, f"RxNorm {code.code}: ingredient {drug.id}")
        extra = table.ingredient(code.code)
        if extra is not None:
            how = f"RxNorm {code.code}: ingredient {extra} (fhir_codes.yaml ingredients)"
            return DrugMatch([extra], name, None, how)
        product = table.product(code.code)
        if product is not None:
            how = (
                f"RxNorm {code.code} '{product.name}' -> {', '.join(product.drugs)} (product table)"
            )
            return DrugMatch(list(product.drugs), name, product.strength_mg, how)
    texts = [c.display for c in codings(concept) if c.display] + ([name] if name else [])
    for text in texts:
        drugs = match_text(text)
        if drugs:
            codes = ", ".join(c.code for c in codings(concept)) or "no code"
            how = f"'{text}' matched by name to {', '.join(drugs)} ({codes} not in the tables)"
            strength = _strength(text) if len(drugs) == 1 else None
            return DrugMatch(drugs, name or text, strength, how)
    return DrugMatch([], name, None, f"'{name or 'unnamed medication'}' is not a catalogue drug")


def _frequency(dosage: dict[str, Any]) -> tuple[float | None, str]:
    repeat = (
        dosage.get("timing", {}).get("repeat") if isinstance(dosage.get("timing"), dict) else None
    )
    if isinstance(repeat, dict) and ("frequency" in repeat or "period" in repeat):
        times = float(repeat.get("frequency", 1))
        period = float(repeat.get("period", 1)) * _PERIOD_DAYS.get(
            str(repeat.get("periodUnit", "d")), 0.0
        )
        if period > 0:
            return (
                times / period,
                f"{times:g} per {repeat.get('period', 1)} {repeat.get('periodUnit', 'd')}",
            )
    text = str(dosage.get("text", "")).casefold()
    every = _EVERY_HOURS.search(text)
    if every and int(every.group(1)) > 0:
        return 24 / int(every.group(1)), f"every {every.group(1)} hours"
    words = load_fhir_codes().dose_text.frequencies
    for phrase in sorted(words, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", text):
            return float(words[phrase]), f"'{phrase}'"
    return None, "no frequency"


def _amount(dosage: dict[str, Any], strength: float | None) -> tuple[float | None, str]:
    units = load_fhir_codes().dose_text
    for rate in as_dicts(dosage.get("doseAndRate")):
        quantity = rate.get("doseQuantity")
        if not isinstance(quantity, dict) or "value" not in quantity:
            continue
        value = float(quantity["value"])
        unit = str(quantity.get("code") or quantity.get("unit") or "").casefold()
        if unit in units.mg_units:
            return value, f"{value:g} mg"
        if (unit in units.product_units or not unit) and strength is not None:
            return value * strength, f"{value:g} x {strength:g} mg"
        return None, f"dose unit {unit or 'none'} without a known strength"
    match = _DOSE_TEXT.search(str(dosage.get("text", "")))
    if match:
        value, unit = float(match.group(1)), match.group(2).casefold()
        if unit in units.mg_units:
            return value, f"{value:g} mg (text)"
        if unit in units.product_units and strength is not None:
            return value * strength, f"{value:g} {unit} x {strength:g} mg (text)"
    return None, "no dose"


def daily_dose(dosages: list[dict[str, Any]], strength: float | None) -> tuple[float | None, str]:
    """The highest mg/day among ``dosages`` (R4 Dosage), and how it was computed.

    As-needed dosages give no daily dose.
    """
    best: float | None = None
    notes: list[str] = []
    as_needed = load_fhir_codes().dose_text.as_needed
    for dosage in dosages:
        text = str(dosage.get("text", "")).casefold()
        if dosage.get("asNeededBoolean") is True or any(w in text for w in as_needed):
            notes.append("as needed: no daily dose")
            continue
        amount, how_much = _amount(dosage, strength)
        times, how_often = _frequency(dosage)
        if amount is None or times is None:
            notes.append(f"dose not computed ({how_much}, {how_often})")
            continue
        mg = round(amount * times, 3)
        notes.append(f"{how_much} x {how_often} = {mg:g} mg/day")
        best = mg if best is None else max(best, mg)
    return best, "; ".join(notes) or "no dosage"
